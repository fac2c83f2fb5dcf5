// tests/server/server-admin.cpp — staff/admin API (issue 6): the role matrix, GDPR
// export + erasure, creators edit/audit/duplicates/merge, events + per-device current
// event, catalogue, devices, accounts, reports (contacts, trend).
#include <doctest/doctest.h>

#include <set>

#include "core/uuid.h"
#include "server-admin-util.h"

using namespace testsrv;
using comptoir::NewUuid;

TEST_CASE("roles: every admin endpoint x {anonymous, device, revoked device, staff, admin}") {
    AdminSetup setup("staff-matrix");
    auto& [srv, cli, admin, staff] = setup;
    TestDevice dev = srv.EnrollDevice("Kiosque matrice");
    TestDevice gone = srv.EnrollDevice("Kiosque révoqué");
    REQUIRE(srv.Cli({"device", "revoke", gone.id}).exit_code == 0);
    std::string creator = NewUuid();
    REQUIRE(Push(cli, dev, json::array({MakeChange(creator, "creator", 1, CreatorData("Rôle", "Matrice", "role@example.be"))})));

    struct Case {
        const char* method;
        std::string path;
        bool admin_only;
    };
    std::string c = "/api/v1/creators/" + creator;
    // Written out here (not taken from the server's table) so a wrong role in the code fails.
    std::vector<Case> cases = {
        {"GET", "/api/v1/creators?q=a", false},
        {"GET", "/api/v1/creators/duplicates", false},
        {"GET", c, false},
        {"PATCH", c, false},
        {"DELETE", "/api/v1/creators/" + NewUuid(), true},
        {"GET", c + "/audit", false},
        {"GET", c + "/export", true},
        {"POST", c + "/merge", true},
        {"GET", "/api/v1/events", false},
        {"POST", "/api/v1/events", false},
        {"PATCH", "/api/v1/events/no-such-event", false},
        {"GET", "/api/v1/events/no-such-event/attendance", false},
        {"GET", "/api/v1/catalogue", false},
        {"POST", "/api/v1/catalogue", true},
        {"PATCH", "/api/v1/catalogue/need_item/materiel.son", true},
        {"GET", "/api/v1/devices", true},
        {"POST", "/api/v1/devices", true},
        {"POST", "/api/v1/devices/" + dev.id + "/revoke", true},
        {"PUT", "/api/v1/devices/" + dev.id + "/current-event", false},
        {"GET", "/api/v1/accounts", true},
        {"POST", "/api/v1/accounts", true},
        {"PATCH", "/api/v1/accounts/nobody", true},
        {"GET", "/api/v1/reports/needs", false},
        {"GET", "/api/v1/reports/needs/trend", false},
        {"GET", "/api/v1/reports/needs/materiel.son/contacts", false},
        {"GET", "/api/v1/reports/needs/materiel.son/offers", false},
        {"GET", "/api/v1/exports/creators.csv", false},
        {"GET", "/api/v1/exports/needs.csv", false},
        {"GET", "/api/v1/exports/attendance.csv", false},
        {"GET", "/api/v1/exports/creators.xlsx", false},
        {"GET", "/api/v1/exports/needs.xlsx", false},
        {"GET", "/api/v1/exports/attendance.xlsx", false},
    };
    // Every admin route of the server is in the matrix.
    std::set<std::string> covered;
    for (const Case& k : cases) covered.insert(std::string(k.method) + " " + RoutePatternOf(k.path));
    for (const comptoir::AdminRoute& r : comptoir::AdminRoutes()) {
        CAPTURE(r.route.path);
        CHECK(covered.count(std::string(r.route.method) + " " + r.route.path) == 1);
        bool admin_only = r.role == comptoir::Role::Admin;
        for (const Case& k : cases)
            if (std::string(k.method) == r.route.method && RoutePatternOf(k.path) == r.route.path)
                CHECK(k.admin_only == admin_only);
    }
    for (const Case& k : cases) {
        CAPTURE(std::string(k.method) + " " + k.path);
        auto anon = Call(cli, k.method, k.path, "{}", "");
        REQUIRE(anon);
        CHECK(anon->status == 401);
        CHECK(ErrorCode(anon) == "unauthorized");
        for (const std::string& t : {dev.token, gone.token}) {
            auto r = Call(cli, k.method, k.path, "{}", t);
            REQUIRE(r);
            CHECK(r->status == 403);
        }
        auto s = Call(cli, k.method, k.path, "{}", staff);
        REQUIRE(s);
        if (k.admin_only) {
            CHECK(s->status == 403);
            CHECK(ErrorCode(s) == "forbidden");
        } else {
            CHECK(s->status != 401);
            CHECK(s->status != 403);
            CHECK(s->status < 500);
        }
    }
    // Admin last (it revokes the device).
    for (const Case& k : cases) {
        CAPTURE(std::string(k.method) + " " + k.path);
        auto a = Call(cli, k.method, k.path, "{}", admin);
        REQUIRE(a);
        CHECK(a->status != 401);
        CHECK(a->status != 403);
        CHECK(a->status < 500);
    }
    // A disabled account's session stops working at once.
    auto dis = Call(cli, "PATCH", "/api/v1/accounts/staff-matrix", R"({"disabled": true})", admin);
    REQUIRE(dis);
    CHECK(dis->status == 200);
    auto after = Call(cli, "GET", "/api/v1/events", "", staff);
    REQUIRE(after);
    CHECK(after->status == 401);
}

TEST_CASE("GDPR: export everything about a person, then erase: gone everywhere, totals unchanged") {
    AdminSetup setup("staff-gdpr");
    auto& [srv, cli, admin, staff] = setup;
    TestDevice dev = srv.EnrollDevice("Kiosque RGPD");
    TestDevice dev2 = srv.EnrollDevice("Tablette RGPD");
    auto ev = Call(cli, "POST", "/api/v1/events", R"({"id":"salon-2026","title":"Salon","date":"2026-11-27","sector":"cinema"})", staff);
    REQUIRE(ev);
    INFO(ev->body);
    REQUIRE(ev->status == 201);

    const std::string first = "Zéphyrine", last = "Effacementova", email = "zephyrine.effacement@example.be";
    std::string z = NewUuid(), z_alias = NewUuid(), other = NewUuid();
    json zdata = CreatorData(first, last, email);
    zdata["phone"] = "0470123456";
    zdata["commune"] = "Jemappes-Zéphyr";
    zdata["sectors"] = json::array({"cinema", "musique"});
    zdata["consents"]["contact"] = {{"given", true}, {"at", "2026-11-27T14:00:00Z"}, {"text_version", "fr-2026-1"}};
    REQUIRE(Push(cli, dev, json::array({
        MakeChange(z, "creator", 1, zdata),
        MakeChange(NewUuid(), "need", 1, {{"creator_id", z}, {"item", "materiel.son"}, {"frequency", "mensuel"},
                                           {"comment", "Zéphyrine a besoin d'un micro"}}),
        MakeChange(NewUuid(), "need", 1, {{"creator_id", z}, {"item", "materiel.camera"}, {"frequency", "ponctuel"}}),
        MakeChange(NewUuid(), "offer", 1, {{"creator_id", z}, {"kind", "competence"}, {"description", "Effacementova prête sa voix"}}),
        MakeChange(NewUuid(), "attendance", 1, {{"creator_id", z}, {"event_id", "salon-2026"}, {"at", "2026-11-27T15:00:00Z"}}),
        MakeChange(other, "creator", 1, CreatorData("Paul", "Autre", "paul.autre@example.be")),
        MakeChange(NewUuid(), "need", 1, {{"creator_id", other}, {"item", "materiel.son"}, {"frequency", "mensuel"}}),
        MakeChange(NewUuid(), "attendance", 1, {{"creator_id", other}, {"event_id", "salon-2026"}, {"at", "2026-11-27T15:10:00Z"}}),
    })));
    // Same person on a second device: an alias.
    REQUIRE(Push(cli, dev2, json::array({MakeChange(z_alias, "creator", 1, zdata)})));
    // A staff edit leaves an audit row holding old and new values.
    auto edit = Call(cli, "PATCH", "/api/v1/creators/" + z, R"({"commune": "Zéphyr-sur-Haine"})", staff);
    REQUIRE(edit);
    REQUIRE(edit->status == 200);

    auto report_before = GetAuth(cli, "/api/v1/reports/needs?threshold=1", staff);
    auto report_event_before = GetAuth(cli, "/api/v1/reports/needs?threshold=1&event=salon-2026", staff);
    auto att_before = GetAuth(cli, "/api/v1/events/salon-2026/attendance", staff);
    REQUIRE(report_before->status == 200);
    REQUIRE(att_before->status == 200);
    CHECK(Body(att_before)["creators"] == 2);

    // Export: everything about her.
    auto exp = GetAuth(cli, "/api/v1/creators/" + z_alias + "/export", admin);
    REQUIRE(exp);
    REQUIRE(exp->status == 200);
    json x = Body(exp);
    CHECK(x["creator"]["id"] == z);
    CHECK(x["creator"]["data"]["last_name"] == last);
    CHECK(x["aliases"] == json::array({z_alias}));
    CHECK(x["needs"].size() == 2);
    CHECK(x["offers"].size() == 1);
    CHECK(x["attendances"].size() == 1);
    CHECK(x["consents"]["contact"]["given"] == true);
    REQUIRE(x["audit"].size() == 1);
    CHECK(x["audit"][0]["field"] == "commune");
    CHECK(x["audit"][0]["old"] == "Jemappes-Zéphyr");
    CHECK(x["audit"][0]["new"] == "Zéphyr-sur-Haine");
    CHECK(x["audit"][0]["actor"] == "staff-gdpr");

    // Staff cannot erase; admin can.
    CHECK(Call(cli, "DELETE", "/api/v1/creators/" + z, "", staff)->status == 403);
    auto del = Call(cli, "DELETE", "/api/v1/creators/" + z_alias, "", admin);
    REQUIRE(del);
    REQUIRE(del->status == 200);
    json sum = Body(del);
    CHECK(sum["erased"] == true);
    CHECK(sum["creator_id"] == z);
    CHECK(sum["aliases_removed"] == 1);
    CHECK(sum["audit_entries_cleared"] == 1);
    CHECK(sum["kept_anonymously"]["needs"] == 2);
    CHECK(sum["kept_anonymously"]["attendances"] == 1);
    CHECK(del->body.find(last) == std::string::npos);
    CHECK(del->body.find(email) == std::string::npos);
    // Twice: nothing left to erase.
    CHECK(Call(cli, "DELETE", "/api/v1/creators/" + z, "", admin)->status == 404);

    // Gone from every read.
    CHECK(GetAuth(cli, "/api/v1/creators/" + z, staff)->status == 404);
    CHECK(GetAuth(cli, "/api/v1/creators/" + z_alias, staff)->status == 404);
    CHECK(GetAuth(cli, "/api/v1/creators/" + z + "/export", admin)->status == 404);
    CHECK(Body(GetAuth(cli, "/api/v1/creators?q=effacement", staff))["total"] == 0);
    CHECK(Body(GetAuth(cli, "/api/v1/creators?email=" + email, staff))["creators"].empty());
    for (const char* path : {"/api/v1/exports/creators.csv", "/api/v1/exports/attendance.csv",
                             "/api/v1/exports/needs.csv", "/api/v1/reports/needs/materiel.son/contacts",
                             "/api/v1/reports/needs/services.juridique/offers",  // z's offer: by kind
                             "/api/v1/events/salon-2026/attendance", "/api/v1/sync/pull"}) {
        std::string p = path;
        CAPTURE(p);
        bool pull = p.find("/sync/") != std::string::npos;
        auto r = GetAuth(cli, p, pull ? dev.token : staff);
        REQUIRE(r);
        CHECK(r->status == 200);
        for (const std::string& s : {first, last, email, std::string("Zéphyr")}) CHECK(r->body.find(s) == std::string::npos);
        if (!pull) CHECK(r->body.find(z_alias) == std::string::npos);  // pull: only its delete
    }
    // Pull tells devices to drop the alias.
    json pull = Body(GetAuth(cli, "/api/v1/sync/pull", dev.token));
    bool alias_deleted = false;
    for (const json& ch : pull["changes"])
        if (ch["entity"] == "creator_alias" && ch["op"] == "delete") alias_deleted = true;
    CHECK(alias_deleted);

    // Aggregates unchanged.
    auto report_after = GetAuth(cli, "/api/v1/reports/needs?threshold=1", staff);
    auto report_event_after = GetAuth(cli, "/api/v1/reports/needs?threshold=1&event=salon-2026", staff);
    CHECK(Body(report_after)["items"] == Body(report_before)["items"]);
    CHECK(Body(report_after)["creators_considered"] == Body(report_before)["creators_considered"]);
    CHECK(Body(report_event_after)["items"] == Body(report_event_before)["items"]);
    json att = Body(GetAuth(cli, "/api/v1/events/salon-2026/attendance", staff));
    CHECK(att["creators"] == 2);
    CHECK(att["anonymous"] == 1);
    CHECK(att["attendees"].size() == 1);

    // No table of the database holds any of her strings; nor do the file's bytes.
    REQUIRE(srv.Stop() == 0);
    // (Device-made record ids stay in record_versions and batch answers: random, unlinked.)
    std::vector<std::string> needles = {first, last, email, "Zéphyr", "Effacementova", "470123456"};
    for (const std::string& n : needles) {
        CAPTURE(n);
        CHECK(TablesContaining(srv.Database(), n).empty());
    }
    if (!testsrv::UsingPostgres()) {  // PostgreSQL keeps dead row versions until VACUUM (docs/deploy.md)
        std::string bytes = ReadFileBytes(srv.Database()) + ReadFileBytes(srv.Database() + "-wal");
        REQUIRE(bytes.size() > 4096);
        for (const std::string& n : {first, last, email, std::string("Effacementova")}) {
            CAPTURE(n);
            CHECK(bytes.find(n) == std::string::npos);
        }
    }
    // The other person is intact.
    CHECK(!TablesContaining(srv.Database(), "paul.autre@example.be").empty());
}
