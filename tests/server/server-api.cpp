// tests/server/server-api.cpp — command line, health, enrolment, login and every
// whole-request status code of sync-v1 push, over real HTTP against the real binary.
#include <doctest/doctest.h>

#include <string>

#include "core/uuid.h"
#include "server_harness.h"

using namespace testsrv;
using comptoir::NewUuid;

TEST_CASE("cli: help for every command, usage errors, device add --json") {
    CommandResult top = RunServerCli({"--help"});
    CHECK(top.exit_code == 0);
    CHECK(top.out.find("comptoir-server serve") != std::string::npos);
    for (const char* cmd : {"serve", "admin", "device", "event"}) {
        CAPTURE(cmd);
        CommandResult h = RunServerCli({cmd, "--help"});
        CHECK(h.exit_code == 0);
        CHECK(h.out.find(std::string("comptoir-server ") + cmd) != std::string::npos);
    }
    CHECK(RunServerCli({"frobnicate"}).exit_code == 2);
    CHECK(RunServerCli({}).exit_code == 2);

    TempDir dir;
    std::string db = dir.path + "/nested/dir/comptoir.db";  // parent directories created
    CommandResult add = RunServerCli({"device", "add", "Kiosque entrée", "--json", "--database", db});
    REQUIRE(add.exit_code == 0);
    json j = json::parse(add.out, nullptr, false);
    REQUIRE(j.is_object());
    CHECK(j["enrollment_code"].is_string());
    CHECK(j["enrollment_code"].get<std::string>().size() >= 12);
    CHECK(j["expires_at"].is_string());
    // The same through the environment variable.
    CommandResult env = RunServerCli({"device", "add", "Tablette", "--json"}, "", {"COMPTOIR_DATABASE=" + db});
    CHECK(env.exit_code == 0);
    CHECK(json::parse(env.out, nullptr, false)["enrollment_code"] != j["enrollment_code"]);
    // admin add: password from stdin, too short refused, duplicate refused.
    CHECK(RunServerCli({"admin", "add", "lea", "--database", db}, "short\n").exit_code == 1);
    CHECK(RunServerCli({"admin", "add", "lea", "--role", "staff", "--database", db}, "long enough pw\n").exit_code == 0);
    CHECK(RunServerCli({"admin", "add", "lea", "--database", db}, "long enough pw\n").exit_code == 1);
    CHECK(RunServerCli({"admin", "add", "bob", "--role", "boss", "--database", db}, "long enough pw\n").exit_code == 2);
    CommandResult list = RunServerCli({"device", "list", "--json", "--database", db});
    CHECK(list.exit_code == 0);
}

TEST_CASE("health answers without authentication") {
    TestServer& srv = SharedServer();
    REQUIRE(srv.Running());
    auto cli = srv.Client();
    auto r = cli.Get("/api/v1/health");
    REQUIRE(r);
    CHECK(r->status == 200);
    json b = Body(r);
    CHECK(b["status"] == "ok");
    CHECK(b["version"].is_string());
    CHECK(r->get_header_value("Content-Type").find("application/json") == 0);
    CHECK(!r->get_header_value("X-Request-Id").empty());
}

TEST_CASE("enrolment: single-use codes, bad codes, bad bodies") {
    TestServer& srv = SharedServer();
    auto cli = srv.Client();
    CommandResult add = srv.Cli({"device", "add", "Tablette 2", "--json"});
    REQUIRE(add.exit_code == 0);
    std::string code = json::parse(add.out)["enrollment_code"];
    std::string body = json{{"enrollment_code", code}, {"device_name", "Tablette 2"}}.dump();
    auto first = PostJson(cli, "/api/v1/devices/enroll", body);
    REQUIRE(first);
    CHECK(first->status == 200);
    json b = Body(first);
    CHECK(comptoir::IsUuid(b["device_id"].get<std::string>()));
    CHECK(b["device_token"].get<std::string>().size() == 64);
    auto again = PostJson(cli, "/api/v1/devices/enroll", body);
    CHECK(again->status == 400);
    CHECK(ErrorCode(again) == "enrollment_code_invalid");
    auto wrong = PostJson(cli, "/api/v1/devices/enroll",
                          json{{"enrollment_code", "AAAA-BBBB-CCCC"}, {"device_name", "x"}}.dump());
    CHECK(wrong->status == 400);
    CHECK(ErrorCode(wrong) == "enrollment_code_invalid");
    auto not_json = PostJson(cli, "/api/v1/devices/enroll", body, "", "text/plain");
    CHECK(not_json->status == 415);
    CHECK(ErrorCode(not_json) == "unsupported_media_type");
    auto missing = PostJson(cli, "/api/v1/devices/enroll", R"({"device_name": "x"})");
    CHECK(missing->status == 400);
    CHECK(ErrorCode(missing) == "invalid_envelope");
    // The code is typed by a person: case, spaces and dashes do not matter.
    CommandResult add2 = srv.Cli({"device", "add", "Tablette 3", "--json"});
    std::string code2 = json::parse(add2.out)["enrollment_code"];
    std::string sloppy;
    for (char c : code2)
        if (c != '-') sloppy += char(std::tolower(static_cast<unsigned char>(c)));
    auto ok = PostJson(cli, "/api/v1/devices/enroll",
                       json{{"enrollment_code", " " + sloppy + " "}, {"device_name", "Tablette 3"}}.dump());
    CHECK(ok->status == 200);
}

TEST_CASE("login: token with expiry, wrong password 401, repeated failures 429") {
    TestServer srv;
    REQUIRE(srv.Running());
    REQUIRE(srv.Cli({"admin", "add", "marie", "--role", "staff"}, "un mot de passe\n").exit_code == 0);
    auto cli = srv.Client();
    auto ok = PostJson(cli, "/api/v1/auth/login", json{{"username", "marie"}, {"password", "un mot de passe"}}.dump());
    REQUIRE(ok);
    CHECK(ok->status == 200);
    json b = Body(ok);
    CHECK(b["token"].get<std::string>().size() == 64);
    CHECK(b["expires_at"].get<std::string>().size() >= 20);
    CHECK(b["role"] == "staff");
    auto unknown_user = PostJson(cli, "/api/v1/auth/login", json{{"username", "nobody"}, {"password", "whatever1"}}.dump());
    CHECK(unknown_user->status == 401);
    CHECK(ErrorCode(unknown_user) == "invalid_credentials");
    int last = 0;
    std::string retry_after;
    for (int i = 0; i < 7; ++i) {
        auto bad = PostJson(cli, "/api/v1/auth/login", json{{"username", "marie"}, {"password", "wrong"}}.dump());
        REQUIRE(bad);
        last = bad->status;
        retry_after = bad->get_header_value("Retry-After");
        if (last == 429) break;
        CHECK(last == 401);
    }
    CHECK(last == 429);
    CHECK(std::atoi(retry_after.c_str()) > 0);
    // Locked now even with the right password.
    auto locked = PostJson(cli, "/api/v1/auth/login", json{{"username", "marie"}, {"password", "un mot de passe"}}.dump());
    CHECK(locked->status == 429);
    CHECK(ErrorCode(locked) == "too_many_attempts");
}

TEST_CASE("push: every whole-request error status of the contract") {
    TestServer& srv = SharedServer();
    auto cli = srv.Client();
    TestDevice dev = srv.EnrollDevice("Kiosque statuts");
    std::string creator = NewUuid();
    json good = MakeBatch(dev.id, json::array({MakeChange(creator, "creator", 1,
                                                          CreatorData("Anne", "Statut", "anne.statut@example.be"))}));

    SUBCASE("200 with a valid token and batch") {
        auto r = PostJson(cli, "/api/v1/sync/push", good.dump(), dev.token);
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    SUBCASE("401 without a token, with an unknown token, with a malformed header") {
        auto none = PostJson(cli, "/api/v1/sync/push", good.dump());
        CHECK(none->status == 401);
        CHECK(ErrorCode(none) == "unauthorized");
        auto unknown = PostJson(cli, "/api/v1/sync/push", good.dump(), std::string(64, 'a'));
        CHECK(unknown->status == 401);
        httplib::Headers h = {{"Authorization", "Basic Zm9vOmJhcg=="}};
        auto basic = cli.Post("/api/v1/sync/push", h, good.dump(), "application/json");
        CHECK(basic->status == 401);
    }
    SUBCASE("403 for a revoked device") {
        TestDevice gone = srv.EnrollDevice("Kiosque volé");
        CHECK(srv.Cli({"device", "revoke", gone.id}).exit_code == 0);
        json batch = MakeBatch(gone.id, json::array());
        auto r = PostJson(cli, "/api/v1/sync/push", batch.dump(), gone.token);
        CHECK(r->status == 403);
        CHECK(ErrorCode(r) == "device_revoked");
        auto pull = GetAuth(cli, "/api/v1/sync/pull", gone.token);
        CHECK(pull->status == 403);
    }
    SUBCASE("403 for a staff token on push") {
        auto r = PostJson(cli, "/api/v1/sync/push", good.dump(), srv.AdminToken());
        CHECK(r->status == 403);
    }
    SUBCASE("409 when device_id is not the token's") {
        TestDevice other = srv.EnrollDevice("Autre kiosque");
        auto r = PostJson(cli, "/api/v1/sync/push", good.dump(), other.token);
        CHECK(r->status == 409);
        CHECK(ErrorCode(r) == "device_mismatch");
    }
    SUBCASE("413 over 500 changes") {
        json changes = json::array();
        for (int i = 0; i < 501; ++i)
            changes.push_back(MakeChange(NewUuid(), "need", 1, {{"creator_id", creator}, {"item", "materiel.camera"}}));
        auto r = PostJson(cli, "/api/v1/sync/push", MakeBatch(dev.id, changes).dump(), dev.token);
        CHECK(r->status == 413);
        CHECK(ErrorCode(r) == "too_many_changes");
    }
    SUBCASE("413 over 1 MiB") {
        json big = good;
        big["padding"] = std::string(1100000, 'x');
        auto r = PostJson(cli, "/api/v1/sync/push", big.dump(), dev.token);
        REQUIRE(r);
        CHECK(r->status == 413);
        CHECK(ErrorCode(r) == "payload_too_large");
    }
    SUBCASE("415 when not JSON") {
        auto r = PostJson(cli, "/api/v1/sync/push", good.dump(), dev.token, "text/plain");
        CHECK(r->status == 415);
        CHECK(ErrorCode(r) == "unsupported_media_type");
        auto form = PostJson(cli, "/api/v1/sync/push", "a=b", dev.token, "application/x-www-form-urlencoded");
        CHECK(form->status == 415);
        // A charset parameter is fine.
        auto charset = PostJson(cli, "/api/v1/sync/push", MakeBatch(dev.id, json::array()).dump(), dev.token,
                                "application/json; charset=utf-8");
        CHECK(charset->status == 200);
    }
    SUBCASE("400 protocol mismatch has its own code") {
        json v2 = good;
        v2["protocol"] = 2;
        auto r = PostJson(cli, "/api/v1/sync/push", v2.dump(), dev.token);
        CHECK(r->status == 400);
        CHECK(ErrorCode(r) == "protocol_mismatch");
    }
    SUBCASE("400 malformed, truncated, deeply nested, wrong-typed bodies; never 5xx") {
        std::string text = good.dump();
        std::string deep = std::string(5000, '[') + std::string(5000, ']');
        std::string deep_in_change = R"({"protocol":1,"device_id":")" + dev.id +
                                     R"(","batch_id":"b","changes":[{"data":)" + std::string(3000, '{');
        const std::vector<std::pair<std::string, std::string>> bodies = {
            {"", "malformed_json"},
            {"{", "malformed_json"},
            {text.substr(0, text.size() / 2), "malformed_json"},
            {"\xff\xfe{}", "malformed_json"},
            {deep, "malformed_json"},
            {deep_in_change, "malformed_json"},
            {"[]", "invalid_envelope"},
            {"null", "invalid_envelope"},
            {"42", "invalid_envelope"},
            {R"({"protocol":"1"})", "invalid_envelope"},
            {R"({"protocol":1,"device_id":5,"batch_id":"x","changes":[]})", "invalid_envelope"},
            {R"({"protocol":1,"device_id":")" + dev.id + R"(","batch_id":"","changes":[]})", "invalid_envelope"},
            {R"({"protocol":1,"device_id":")" + dev.id + R"(","batch_id":"x","changes":{}})", "invalid_envelope"},
            {R"({"protocol":1,"device_id":")" + dev.id + R"(","batch_id":"x","changes":[],"pending":-1})",
             "invalid_envelope"},
            {R"({"protocol":1.5,"device_id":"x","batch_id":"x","changes":[]})", "invalid_envelope"},
        };
        for (const auto& [body, code] : bodies) {
            CAPTURE(body.substr(0, 80));
            auto r = PostJson(cli, "/api/v1/sync/push", body, dev.token);
            REQUIRE(r);
            CHECK(r->status == 400);
            CHECK(ErrorCode(r) == code);
        }
    }
}

TEST_CASE("push: 429 with Retry-After over the rate limit") {
    TestServer srv({"--rate-limit", "5"});
    REQUIRE(srv.Running());
    TestDevice dev = srv.EnrollDevice("Kiosque pressé");
    auto cli = srv.Client();
    int status = 0;
    std::string retry;
    for (int i = 0; i < 12 && status != 429; ++i) {
        auto r = PostJson(cli, "/api/v1/sync/push", MakeBatch(dev.id, json::array()).dump(), dev.token);
        REQUIRE(r);
        status = r->status;
        retry = r->get_header_value("Retry-After");
    }
    CHECK(status == 429);
    CHECK(std::atoi(retry.c_str()) >= 1);
    // Health stays reachable for monitoring.
    CHECK(cli.Get("/api/v1/health")->status == 200);
}

TEST_CASE("staff endpoints: device token 403, no token 401, staff token 200") {
    TestServer& srv = SharedServer();
    auto cli = srv.Client();
    TestDevice dev = srv.EnrollDevice("Kiosque curieux");
    for (const char* path : {"/api/v1/creators?email=a%40b.be", "/api/v1/creators/x", "/api/v1/reports/needs"}) {
        CAPTURE(path);
        auto as_device = GetAuth(cli, path, dev.token);
        CHECK(as_device->status == 403);
        CHECK(ErrorCode(as_device) == "forbidden");
        auto anonymous = GetAuth(cli, path, "");
        CHECK(anonymous->status == 401);
    }
    auto none = GetAuth(cli, "/api/v1/creators?email=personne%40example.be", srv.AdminToken());
    CHECK(none->status == 200);
    CHECK(Body(none)["creators"].size() == 0);
    auto missing = GetAuth(cli, "/api/v1/creators/" + NewUuid(), srv.AdminToken());
    CHECK(missing->status == 404);
    CHECK(ErrorCode(missing) == "not_found");
    // Without email: the searchable list (issue 6); an empty email is still an error.
    auto no_email = GetAuth(cli, "/api/v1/creators?email=", srv.AdminToken());
    CHECK(no_email->status == 400);
    auto list = GetAuth(cli, "/api/v1/creators", srv.AdminToken());
    CHECK(list->status == 200);
    CHECK(Body(list)["total"].get<int64_t>() >= 1);
}

TEST_CASE("unknown paths and methods answer JSON 404/405") {
    TestServer& srv = SharedServer();
    auto cli = srv.Client();
    auto r = cli.Get("/api/v1/nope");
    CHECK(r->status == 404);
    CHECK(ErrorCode(r) == "not_found");
    auto m = cli.Get("/api/v1/sync/push");
    CHECK(m->status == 405);
    CHECK(ErrorCode(m) == "method_not_allowed");
    CHECK(m->get_header_value("Allow") == "POST");
    auto d = cli.Delete("/api/v1/health");
    CHECK(d->status == 405);
}
