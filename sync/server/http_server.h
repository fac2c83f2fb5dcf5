// sync/server/http_server.h — the HTTP side of comptoir-server: routes of sync-v1
// (docs/openapi.yaml), the static web app, limits, logs, metrics, graceful shutdown.
//
//   ServerConfig cfg; cfg.port = 8080; cfg.database = "./data/comptoir.db";
//   return RunServe(cfg);          // blocks until SIGTERM/SIGINT; 0 on a clean stop
//
// Logs: one JSON object per line on stderr ({"ts","level","msg",...}); a request line
// has request_id, method, route (the pattern, never ids or the query string), status,
// duration_ms. Never a token, password, email or other personal field.
#pragma once
#include <string>
#include <vector>

namespace comptoir {

struct ServerConfig {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string database = "./data/comptoir.db";
    std::string web_root;            // "" = build/wasm/web if it exists, else none
    int rate_limit_per_minute = 600; // per device token / per IP; 0 = off
    int session_hours = 12;
};

// One API route, as written in docs/openapi.yaml ("/api/v1/creators/{id}").
struct ApiRoute {
    const char* method;
    const char* path;
};
const std::vector<ApiRoute>& ApiRoutes();

int RunServe(const ServerConfig& config);

// A structured log line on stderr; `fields_json` is a JSON object text or "".
void LogJson(const char* level, const char* msg, const std::string& fields_json = "");

}  // namespace comptoir
