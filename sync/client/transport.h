// sync/client/transport.h — how the device's sync engine talks HTTP.
//
// Asynchronous by design: Send() returns at once; the callback runs later on the main
// thread (the browser's fetch resolves from the event loop; the native transport runs
// the request on a worker thread and the engine delivers the callback from Poll()).
// A frame never blocks on the network.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace comptoir {

struct HttpRequest {
    std::string method;   // "GET" | "POST"
    std::string path;     // "/api/v1/sync/push?x=y", appended to the base URL
    std::string body;     // JSON text, may be empty
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Authorization
    int timeout_ms = 30000;
};

struct HttpResponse {
    int status = 0;       // 0: network failure, CORS, timeout (retried later)
    std::string body;
    std::string retry_after;  // value of Retry-After, if any
    std::string error;    // transport-level reason when status == 0
};

class Transport {
public:
    virtual ~Transport() = default;
    // base_url: "" means same origin (browser) / must be set natively ("http://127.0.0.1:8080").
    virtual void Send(const HttpRequest& req, std::function<void(HttpResponse)> done) = 0;
    // Delivers finished responses (native); the browser transport's callbacks come from JS.
    virtual void Poll() {}
    // Native loops with nothing to draw (benches, headless tools): blocks until a response
    // is ready for Poll() or timeout_ms passed, instead of polling in a sleep loop. The
    // browser never blocks: returns at once.
    virtual void WaitForResponse(int timeout_ms) { (void)timeout_ms; }
};

// The platform's transport, chosen by which file CMake compiles: browser `fetch`
// (transport_fetch.cpp, wasm) or cpp-httplib on a worker thread (transport_httplib.cpp).
// base_url: "" = same origin in the browser; natively e.g. "http://127.0.0.1:8080".
std::unique_ptr<Transport> MakeDefaultTransport(const std::string& base_url);

}  // namespace comptoir
