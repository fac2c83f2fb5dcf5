// tests/server/server-report.cpp — the needs report kept in memory between requests
// (core's NeedsReportIndex in both stores) stays right when ANOTHER server instance on
// the same database writes: what a CRC running two instances behind a load balancer
// would check — a registration made through one instance shows in the report of the
// other at once, and so does a deleted need. Runs on SQLite (two processes, one file)
// and on PostgreSQL (COMPTOIR_TEST_DATABASE_URL: one schema).
#include <doctest/doctest.h>

#include <string>

#include "core/uuid.h"
#include "server_harness.h"

using namespace testsrv;
using comptoir::NewUuid;

namespace {

json ItemRow(const json& report, const std::string& item) {
    for (const json& row : report["items"])
        if (row["item"] == item) return row;
    return json();
}

}  // namespace

TEST_CASE("needs report: a write through another instance shows at once (cached report)") {
    TestServer a;
    REQUIRE(a.Running());
    TestServer b({}, "", a.Database());
    REQUIRE(b.Running());
    const std::string admin = a.AdminToken();  // one database: valid on both
    auto ca = a.Client(), cb = b.Client();
    auto report = [&](httplib::Client& cli, const std::string& query) {
        auto r = GetAuth(cli, "/api/v1/reports/needs?threshold=2" + query, admin);
        REQUIRE(r);
        REQUIRE(r->status == 200);
        return Body(r);
    };
    // Both instances load their report before any registration.
    CHECK(ItemRow(report(ca, ""), "materiel.camera")["creators"] == 0);
    CHECK(ItemRow(report(cb, ""), "materiel.camera")["creators"] == 0);
    CHECK(report(ca, "")["creators_considered"] == 0);

    // A registration through b: a's next report counts it.
    TestDevice dev_b = b.EnrollDevice("Kiosque B");
    const std::string c1 = NewUuid(), n1 = NewUuid();
    json d1 = CreatorData("Awa", "Diallo", "awa.report@example.be");
    d1["sectors"] = json::array({"cinema"});
    json changes = json::array({MakeChange(c1, "creator", 1, d1),
                                MakeChange(n1, "need", 1, {{"creator_id", c1}, {"item", "materiel.camera"}})});
    auto push = PostJson(cb, "/api/v1/sync/push", MakeBatch(dev_b.id, changes).dump(), dev_b.token);
    REQUIRE(push->status == 200);
    json camera = ItemRow(report(ca, ""), "materiel.camera");
    CHECK(camera["creators"] == 1);
    CHECK(camera["by_sector"]["cinema"] == 1);
    CHECK(camera["critical_mass"] == false);
    CHECK(report(ca, "")["creators_considered"] == 1);
    CHECK(ItemRow(report(ca, "&sector=cinema"), "materiel.camera")["creators"] == 1);
    CHECK(ItemRow(report(ca, "&sector=musique"), "materiel.camera")["creators"] == 0);

    // A registration through a: b's report (loaded before) counts both.
    TestDevice dev_a = a.EnrollDevice("Kiosque A");
    const std::string c2 = NewUuid();
    json d2 = CreatorData("Bram", "Peeters", "bram.report@example.be");
    d2["sectors"] = json::array({"musique"});
    changes = json::array({MakeChange(c2, "creator", 1, d2),
                           MakeChange(NewUuid(), "need", 1, {{"creator_id", c2}, {"item", "materiel.camera"}})});
    push = PostJson(ca, "/api/v1/sync/push", MakeBatch(dev_a.id, changes).dump(), dev_a.token);
    REQUIRE(push->status == 200);
    camera = ItemRow(report(cb, ""), "materiel.camera");
    CHECK(camera["creators"] == 2);
    CHECK(camera["critical_mass"] == true);
    CHECK(camera["by_sector"]["musique"] == 1);
    CHECK(ItemRow(report(ca, ""), "materiel.camera")["creators"] == 2);

    // The first need deleted through b: a's report drops it (no change in between: the
    // same answer twice).
    changes = json::array({MakeChange(n1, "need", 2, {{"creator_id", c1}, {"item", "materiel.camera"}}, "delete")});
    push = PostJson(cb, "/api/v1/sync/push", MakeBatch(dev_b.id, changes).dump(), dev_b.token);
    REQUIRE(push->status == 200);
    const json push_body = Body(push);
    for (const json& r : push_body["results"]) CHECK(r["status"] == "applied");
    json after = report(ca, "");
    camera = ItemRow(after, "materiel.camera");
    CHECK(camera["creators"] == 1);
    CHECK(camera["critical_mass"] == false);
    CHECK(camera["by_sector"].value("cinema", 0) == 0);
    CHECK(after["creators_with_needs"] == 1);
    CHECK(report(ca, "") == after);
    CHECK(ItemRow(report(cb, ""), "materiel.camera")["creators"] == 1);
}
