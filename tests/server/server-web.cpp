// tests/server/server-web.cpp — static web app serving, docs/openapi.yaml kept true,
// needs report, metrics, logs without secrets, graceful shutdown.
#include <doctest/doctest.h>

#include <algorithm>

#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "core/uuid.h"
#include "server_harness.h"
#include "sync/server/http_server.h"

using namespace testsrv;
using comptoir::NewUuid;

namespace {

void WriteFile(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

// paths + methods of docs/openapi.yaml (two-space path keys, four-space method keys).
std::set<std::pair<std::string, std::string>> OpenApiRoutes() {
    std::string file = __FILE__;
    file = file.substr(0, file.rfind("/tests/server/")) + "/docs/openapi.yaml";
    std::ifstream in(file);
    REQUIRE(in.good());
    std::set<std::pair<std::string, std::string>> out;
    std::string line, path;
    bool in_paths = false;
    static const std::regex path_re(R"(^  (/[^:]*):\s*$)");
    static const std::regex method_re(R"(^    (get|post|put|patch|delete|head|options):\s*$)");
    while (std::getline(in, line)) {
        if (line.rfind("paths:", 0) == 0) {
            in_paths = true;
            continue;
        }
        if (!in_paths) continue;
        if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = false;
        std::smatch m;
        if (std::regex_match(line, m, path_re)) path = m[1];
        else if (std::regex_match(line, m, method_re) && !path.empty()) {
            std::string method = m[1];
            for (auto& c : method) c = char(std::toupper(static_cast<unsigned char>(c)));
            out.insert({method, path});
        }
    }
    return out;
}

}  // namespace

TEST_CASE("static web app: MIME types, precompressed files, cache headers, traversal refused") {
    TempDir web;
    mkdir((web.path + "/root").c_str(), 0755);
    mkdir((web.path + "/root/fonts").c_str(), 0755);
    std::string root = web.path + "/root";
    WriteFile(root + "/index.html", "<!doctype html><title>Comptoir</title>");
    WriteFile(root + "/sw.js", "self.addEventListener('fetch', () => {});");
    WriteFile(root + "/comptoir.js", "console.log('plain');");
    WriteFile(root + "/comptoir.js.br", "BROTLI-BYTES");
    WriteFile(root + "/comptoir.js.gz", "GZIP-BYTES");
    WriteFile(root + "/comptoir.wasm", std::string("\0asm\1\0\0\0", 8));
    WriteFile(root + "/app.3f9a1c2b.js", "hashed");
    WriteFile(root + "/fonts/noto.woff2", "font");
    WriteFile(web.path + "/secret.txt", "outside the root");
    symlink((web.path + "/secret.txt").c_str(), (root + "/link.txt").c_str());

    TestServer srv({}, root);
    REQUIRE(srv.Running());
    auto cli = srv.Client();

    auto index = cli.Get("/");
    REQUIRE(index);
    CHECK(index->status == 200);
    CHECK(index->body.find("Comptoir") != std::string::npos);
    CHECK(index->get_header_value("Content-Type").find("text/html") == 0);
    CHECK(index->get_header_value("Cache-Control") == "no-cache");
    std::string csp = index->get_header_value("Content-Security-Policy");
    CHECK(csp.find("'wasm-unsafe-eval'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("default-src 'self'") != std::string::npos);
    CHECK(index->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(!index->get_header_value("Referrer-Policy").empty());

    auto wasm = cli.Get("/comptoir.wasm");
    CHECK(wasm->status == 200);
    CHECK(wasm->get_header_value("Content-Type") == "application/wasm");
    CHECK(wasm->body.size() == 8);

    CHECK(cli.Get("/sw.js")->get_header_value("Cache-Control") == "no-cache");
    CHECK(cli.Get("/app.3f9a1c2b.js")->get_header_value("Cache-Control").find("max-age=31536000") !=
          std::string::npos);
    CHECK(cli.Get("/fonts/noto.woff2")->get_header_value("Content-Type") == "font/woff2");

    // Precompressed siblings, when accepted. (Raw socket semantics: the client must not
    // decompress, so the bodies are compared as stored.)
    httplib::Client raw = srv.Client();
    raw.set_decompress(false);
    auto br = raw.Get("/comptoir.js", {{"Accept-Encoding", "gzip, deflate, br"}});
    CHECK(br->get_header_value("Content-Encoding") == "br");
    CHECK(br->body == "BROTLI-BYTES");
    CHECK(br->get_header_value("Content-Type").find("application/javascript") == 0);
    CHECK(br->get_header_value("Vary") == "Accept-Encoding");
    auto gz = raw.Get("/comptoir.js", {{"Accept-Encoding", "gzip"}});
    CHECK(gz->get_header_value("Content-Encoding") == "gzip");
    CHECK(gz->body == "GZIP-BYTES");
    auto plain = raw.Get("/comptoir.js", {{"Accept-Encoding", "identity"}});
    CHECK(plain->get_header_value("Content-Encoding") == "");
    CHECK(plain->body == "console.log('plain');");
    auto wasm_br = raw.Get("/comptoir.wasm", {{"Accept-Encoding", "br"}});   // no .br sibling: as is
    CHECK(wasm_br->get_header_value("Content-Encoding") == "");
    CHECK(wasm_br->body.size() == 8);
    // html is compressed on the fly by the HTTP layer; the client gets it back intact.
    auto html = cli.Get("/index.html", {{"Accept-Encoding", "gzip"}});
    CHECK(html->body == "<!doctype html><title>Comptoir</title>");

    for (const char* bad : {"/../secret.txt", "/%2e%2e/secret.txt", "/fonts/../../secret.txt", "/link.txt",
                            "/..%2fsecret.txt", "/nothing-here.js", "/fonts/"}) {
        CAPTURE(bad);
        auto r = cli.Get(bad);
        REQUIRE(r);
        CHECK(r->status == 404);
        CHECK(r->body.find("outside the root") == std::string::npos);
    }
}

TEST_CASE("docs/openapi.yaml lists exactly the server's routes, and each answers") {
    std::set<std::pair<std::string, std::string>> documented = OpenApiRoutes();
    std::set<std::pair<std::string, std::string>> served;
    for (const comptoir::ApiRoute& r : comptoir::ApiRoutes()) served.insert({r.method, r.path});
    CHECK(documented.size() >= 9);
    for (const auto& d : documented) {
        CAPTURE(d.first + " " + d.second);
        CHECK(served.count(d) == 1);
    }
    for (const auto& s : served) {
        CAPTURE(s.first + " " + s.second);
        CHECK(documented.count(s) == 1);
    }

    TestServer& srv = SharedServer();
    auto cli = srv.Client();
    TestDevice dev = srv.EnrollDevice("Kiosque contrat");
    std::string creator = NewUuid();
    auto push = PostJson(cli, "/api/v1/sync/push",
                         MakeBatch(dev.id, json::array({MakeChange(creator, "creator", 1,
                                                                    CreatorData("Fanny", "Contrat", "fanny@example.be"))}))
                             .dump(),
                         dev.token);
    REQUIRE(push->status == 200);
    REQUIRE(srv.Cli({"event", "add", "--title", "Contrat", "--date", "2026-11-27", "--id", "contrat-2026"}).exit_code == 0);
    // Each documented method with its own verb and real ids; DELETE (erasure) last, revoke
    // after the device's own calls.
    std::vector<std::pair<std::string, std::string>> ordered(documented.begin(), documented.end());
    std::stable_partition(ordered.begin(), ordered.end(), [](const auto& m) {
        return m.first != "DELETE" && m.second.find("/revoke") == std::string::npos;
    });
    for (const auto& [method, path] : ordered) {
        CAPTURE(method + " " + path);
        std::string id = path.find("/devices/") != std::string::npos  ? dev.id
                         : path.find("/events/") != std::string::npos ? std::string("contrat-2026")
                                                                      : creator;
        std::string p = std::regex_replace(path, std::regex(R"(\{id\})"), id);
        if (path.find("/catalogue/") != std::string::npos)
            p = "/api/v1/catalogue/need_item/materiel.son";
        p = std::regex_replace(p, std::regex(R"(\{item\})"), "materiel.son");
        p = std::regex_replace(p, std::regex(R"(\{username\})"), "admin-test");
        std::string token = path.find("/sync/") != std::string::npos ? dev.token : srv.AdminToken();
        httplib::Headers h = {{"Authorization", "Bearer " + token}};
        httplib::Result r = method == "GET"
                                ? GetAuth(cli, p == "/api/v1/creators" ? p + "?email=fanny%40example.be" : p, token)
                            : method == "PATCH"  ? cli.Patch(p.c_str(), h, "{}", "application/json")
                            : method == "PUT"    ? cli.Put(p.c_str(), h, "{}", "application/json")
                            : method == "DELETE" ? cli.Delete(p.c_str(), h)
                                                 : PostJson(cli, p, "{}", token);
        REQUIRE(r);
        CHECK(r->status != 404);
        CHECK(r->status != 405);
        CHECK(r->status < 500);
    }
}

TEST_CASE("needs report: distinct creators per item, threshold, filters") {
    TestServer srv;
    REQUIRE(srv.Running());
    TestDevice dev = srv.EnrollDevice("Kiosque rapport");
    json changes = json::array();
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        std::string id = NewUuid();
        ids.push_back(id);
        json d = CreatorData("Créateur", std::to_string(i), "rapport" + std::to_string(i) + "@example.be");
        d["sectors"] = i < 2 ? json::array({"cinema"}) : json::array({"musique"});
        changes.push_back(MakeChange(id, "creator", 1, d));
        changes.push_back(MakeChange(NewUuid(), "need", 1, {{"creator_id", id}, {"item", "materiel.camera"}}));
    }
    // The same creator twice on one item counts once.
    changes.push_back(MakeChange(NewUuid(), "need", 1, {{"creator_id", ids[0]}, {"item", "materiel.camera"}}));
    auto cli = srv.Client();
    auto push = PostJson(cli, "/api/v1/sync/push", MakeBatch(dev.id, changes).dump(), dev.token);
    REQUIRE(push->status == 200);
    const json push_body = Body(push);  // range-for over Body(push)[...] would read a dead temporary
    for (const json& r : push_body["results"]) CHECK(r["status"] == "applied");

    auto find_item = [](const json& report, const std::string& item) {
        for (const json& row : report["items"])
            if (row["item"] == item) return row;
        return json();
    };
    auto all = GetAuth(cli, "/api/v1/reports/needs?threshold=3", srv.AdminToken());
    REQUIRE(all->status == 200);
    json camera = find_item(Body(all), "materiel.camera");
    REQUIRE(camera.is_object());
    CHECK(camera["creators"] == 3);
    CHECK(camera["critical_mass"] == true);
    CHECK(camera["by_sector"]["cinema"] == 2);
    CHECK(camera["by_sector"]["musique"] == 1);
    auto cinema = GetAuth(cli, "/api/v1/reports/needs?threshold=3&sector=cinema", srv.AdminToken());
    json cam2 = find_item(Body(cinema), "materiel.camera");
    CHECK(cam2["creators"] == 2);
    CHECK(cam2["critical_mass"] == false);
    CHECK(GetAuth(cli, "/api/v1/reports/needs?threshold=abc", srv.AdminToken())->status == 400);
    CHECK(GetAuth(cli, "/api/v1/reports/needs?from=2026-13-45", srv.AdminToken())->status == 400);
}

TEST_CASE("metrics, logs without secrets or personal data, graceful shutdown") {
    TestServer srv;
    REQUIRE(srv.Running());
    std::string admin = srv.AdminToken();
    TestDevice dev = srv.EnrollDevice("Kiosque discret");
    auto cli = srv.Client();
    std::string email = "gaelle.secrete@example.be";
    auto push = PostJson(cli, "/api/v1/sync/push",
                         MakeBatch(dev.id, json::array({MakeChange(NewUuid(), "creator", 1,
                                                                    CreatorData("Gaëlle", "Secrète", email))}))
                             .dump(),
                         dev.token);
    REQUIRE(push->status == 200);
    CHECK(GetAuth(cli, "/api/v1/creators?email=" + std::string("gaelle.secrete%40example.be"), admin)->status == 200);
    PostJson(cli, "/api/v1/auth/login", json{{"username", "admin-test"}, {"password", "mauvais-mot-de-passe"}}.dump());

    auto m = cli.Get("/metrics");
    REQUIRE(m->status == 200);
    CHECK(m->get_header_value("Content-Type").find("text/plain") == 0);
    CHECK(m->body.find("comptoir_http_requests_total{route=\"/api/v1/sync/push\",status=\"200\"} 1") !=
          std::string::npos);
    CHECK(m->body.find("comptoir_push_changes_total{status=\"applied\"} 1") != std::string::npos);
    CHECK(m->body.find("comptoir_login_failures_total 1") != std::string::npos);
    CHECK(m->body.find("comptoir_creators 1") != std::string::npos);

    CHECK(srv.Stop() == 0);  // SIGTERM: clean exit
    std::string log = srv.LogText();
    CHECK(log.find("\"msg\":\"stopped\"") != std::string::npos);
    CHECK(log.find("\"route\":\"/api/v1/sync/push\"") != std::string::npos);
    for (const std::string& secret : {admin, dev.token, std::string("correct horse battery"),
                                      std::string("mauvais-mot-de-passe"), email, std::string("gaelle"),
                                      std::string("Secrète")}) {
        CAPTURE(secret);
        CHECK(log.find(secret) == std::string::npos);
    }
    // Every log line is one JSON object.
    std::istringstream lines(log);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        CAPTURE(line);
        CHECK(json::parse(line, nullptr, false).is_object());
        ++count;
    }
    CHECK(count > 5);
}
