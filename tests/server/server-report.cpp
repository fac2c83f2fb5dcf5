// tests/server/server-report.cpp — the needs report kept in memory between requests
// (core's NeedsReportIndex in both stores) stays right when ANOTHER server instance on
// the same database writes: what a CRC running two instances behind a load balancer
// would check — a registration made through one instance shows in the report of the
// other at once, and so does a deleted need. Runs on SQLite (two processes, one file)
// and on PostgreSQL (COMPTOIR_TEST_DATABASE_URL: one schema).
// Then the incremental refresh (NeedsReportIndex::TrackWrites/NoteWrites, SQLite): after
// random writes (pushes from two kiosks with merges by email, admin edits, merges, erasures,
// rolled-back transactions, catalogue changes, another connection's writes) the report
// kept in memory equals one computed from scratch, item by item.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "core/catalogue.h"
#include "core/db.h"
#include "core/needs_report.h"
#include "core/store.h"
#include "core/uuid.h"
#include "server-admin-util.h"
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

TEST_CASE("needs report: loaded at start-up, so the first request after a restart finds it warm") {
    TestServer a;
    REQUIRE(a.Running());
    TestDevice dev = a.EnrollDevice("Kiosque démarrage");
    auto ca = a.Client();
    const std::string c = NewUuid();
    json d = CreatorData("Chloé", "Lambert", "chloe.warm@example.be");
    d["sectors"] = json::array({"cinema"});
    json changes = json::array({MakeChange(c, "creator", 1, d),
                                MakeChange(NewUuid(), "need", 1, {{"creator_id", c}, {"item", "espaces.salle-montage"}})});
    auto push = PostJson(ca, "/api/v1/sync/push", MakeBatch(dev.id, changes).dump(), dev.token);
    REQUIRE(push);
    REQUIRE(push->status == 200);
    const std::string admin = a.AdminToken();
    REQUIRE(a.Stop() == 0);

    // Restarted on the same database: the facts are loaded without any request.
    TestServer b({}, "", a.Database());
    REQUIRE(b.Running());
    bool warmed = false;
    for (int i = 0; i < 200 && !warmed; ++i) {
        warmed = b.LogText().find("\"needs report warmed\"") != std::string::npos;
        if (!warmed) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    CHECK(warmed);
    CHECK(b.LogText().find("chloe.warm") == std::string::npos);   // no personal data in the log
    auto cb = b.Client();
    auto r = GetAuth(cb, "/api/v1/reports/needs", admin);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    CHECK(ItemRow(Body(r), "espaces.salle-montage")["creators"] == 1);
    CHECK(Body(r)["creators_considered"] == 1);
}

namespace {

struct CatalogueIds {
    std::vector<std::string> sectors, professions, items;
};
CatalogueIds SeedIds() {
    CatalogueIds c;
    for (const auto& e : comptoir::SeedCatalogue()) {
        if (e.retired) continue;
        if (e.kind == "sector") c.sectors.push_back(e.id);
        if (e.kind == "profession") c.professions.push_back(e.id);
        if (e.kind == "need_item") c.items.push_back(e.id);
    }
    return c;
}

std::vector<comptoir::ReportFilter> SomeFilters(const CatalogueIds& ids) {
    std::vector<comptoir::ReportFilter> fs(5);
    fs[0].threshold = 2;
    fs[1].sector = ids.sectors[0];
    fs[2].profession = ids.professions[0];
    fs[3].event_id = "event-1";
    fs[4].from_date = "2026-03-01";
    fs[4].to_date = "2026-06-30";
    return fs;
}

// The report from scratch, for the same filter, as the endpoint's JSON.
json FreshReport(comptoir::Db& db, const comptoir::ReportFilter& f) {
    comptoir::NeedsReport r = comptoir::ComputeNeedsReport(db, f);
    REQUIRE(r.ok);
    return comptoir::ToJson(r);
}

}  // namespace

TEST_CASE("needs report index: incremental refresh after random writes equals a full reload") {
    using namespace comptoir;
    const CatalogueIds ids = SeedIds();
    REQUIRE(ids.sectors.size() >= 2);
    REQUIRE(ids.items.size() >= 4);
    const std::string path =
        (std::filesystem::temp_directory_path() / ("comptoir-report-incr-" + NewUuid() + ".db")).string();
    std::string err;
    auto store = LocalStore::Open(path, &err);
    REQUIRE(store);
    Db& db = store->db();
    REQUIRE(db.Exec("PRAGMA journal_mode=WAL", &err));
    NeedsReportIndex index;
    REQUIRE(index.TrackWrites(db, &err));
    const auto filters = SomeFilters(ids);
    auto check_equal = [&](const char* step) {
        INFO(step);
        REQUIRE(index.Refresh(db));
        for (const ReportFilter& f : filters) CHECK(ToJson(index.Compute(f)) == FreshReport(db, f));
    };
    check_equal("initial load");

    std::mt19937 rng(20261127);
    auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
    auto run = [&](const std::string& sql, std::initializer_list<std::string> args) {
        Stmt s = db.Prepare(sql);
        int i = 1;
        for (const std::string& a : args) s.Bind(i++, a);
        REQUIRE(s.Run());
    };
    std::vector<std::string> creators;
    auto any_creator = [&]() -> std::string { return creators.empty() ? "" : pick(creators); };
    auto any_row = [&](const char* table) {
        Stmt s = db.Prepare(std::string("SELECT id FROM ") + table + " ORDER BY random() LIMIT 1");
        return s.Step() ? s.Text(0) : std::string();
    };
    auto holder = [&](const std::string& need) {  // the creator of a need
        Stmt s = db.Prepare("SELECT creator_id FROM needs WHERE id = ?");
        s.Bind(1, need);
        return s.Step() ? s.Text(0) : std::string();
    };
    // The writer describes each committed write, as comptoir-server's pushes do.
    int64_t before = db.TotalChanges();
    auto described = [&](std::vector<std::string> creators, bool offers = false) {
        index.NoteWrites(before, db.TotalChanges(), std::move(creators), offers);
        before = db.TotalChanges();
    };
    auto day = [&] {
        char b[32];
        std::snprintf(b, sizeof b, "2026-%02d-%02dT10:00:00Z", 1 + int(rng() % 12), 1 + int(rng() % 28));
        return std::string(b);
    };
    auto add_creator = [&] {
        const std::string id = NewUuid(), email = id + "@example.be";
        run("INSERT INTO creators(id, version, first_name, last_name, email, email_key, created_at, updated_at) "
            "VALUES (?,1,'P','N',?,?,'2026-11-27T10:00:00Z','2026-11-27T10:00:00Z')",
            {id, email, email});
        run("INSERT OR IGNORE INTO creator_sectors(creator_id, sector_id, pos) VALUES (?,?,0)", {id, pick(ids.sectors)});
        run("INSERT OR IGNORE INTO creator_professions(creator_id, profession_id, pos) VALUES (?,?,0)",
            {id, pick(ids.professions)});
        for (int k = 0, n = int(rng() % 4); k < n; ++k)
            run("INSERT INTO needs(id, version, creator_id, item, updated_at) VALUES (?,1,?,?,?)",
                {NewUuid(), id, pick(ids.items), day()});
        run("INSERT OR IGNORE INTO attendances(id, version, creator_id, event_id, at, updated_at) "
            "VALUES (?,1,?,?,'2026-11-27T10:00:00Z','2026-11-27T10:00:00Z')",
            {NewUuid(), id, "event-" + std::to_string(rng() % 3)});
        creators.push_back(id);
        return id;
    };
    for (int i = 0; i < 40; ++i) described({add_creator()});
    check_equal("40 creators");

    for (int round = 0; round < 150; ++round) {
        const int op = int(rng() % 12);
        const std::string c = any_creator();
        before = db.TotalChanges();  // check_equal's refresh wrote its temporary table
        switch (op) {
            case 0: described({add_creator()}); break;
            case 1:  // a need added
                run("INSERT INTO needs(id, version, creator_id, item, updated_at) VALUES (?,1,?,?,?)",
                    {NewUuid(), c, pick(ids.items), day()});
                described({c});
                break;
            case 2: {
                const std::string n = any_row("needs");
                run("UPDATE needs SET item = ?, updated_at = ? WHERE id = ?", {pick(ids.items), day(), n});
                described({holder(n)});
                break;
            }
            case 3: {
                const std::string n = any_row("needs");
                run("UPDATE needs SET deleted = 1 WHERE id = ?", {n});
                described({holder(n)});
                break;
            }
            case 4: {
                const std::string n = any_row("needs"), h = holder(n);
                run("DELETE FROM needs WHERE id = ?", {n});
                described({h});
                break;
            }
            case 5: {  // a need moved to another creator (a merge): old and new creator change
                const std::string n = any_row("needs"), h = holder(n);
                run("UPDATE needs SET creator_id = ? WHERE id = ?", {c, n});
                described({h, c});
                break;
            }
            case 6:  // sectors replaced
                run("DELETE FROM creator_sectors WHERE creator_id = ?", {c});
                run("INSERT OR IGNORE INTO creator_sectors(creator_id, sector_id, pos) VALUES (?,?,0)", {c, pick(ids.sectors)});
                run("INSERT OR IGNORE INTO creator_sectors(creator_id, sector_id, pos) VALUES (?,?,1)", {c, pick(ids.sectors)});
                described({c});
                break;
            case 7:
                run("UPDATE creators SET deleted = 1 WHERE id = ?", {c});
                described({c});
                break;
            case 8:   // cascades to its facts and its offers
                run("DELETE FROM creators WHERE id = ?", {c});
                creators.erase(std::find(creators.begin(), creators.end(), c));
                described({c}, true);
                break;
            case 9:
                run("INSERT INTO offers(id, version, creator_id, kind, item, updated_at) "
                    "VALUES (?,1,?,'materiel',?,'2026-11-27T10:00:00Z')",
                    {NewUuid(), c, pick(ids.items)});
                described({}, true);
                break;
            case 10: {  // a transaction rolled back, and a savepoint rolled back in a kept one
                REQUIRE(db.Exec("BEGIN"));
                run("UPDATE needs SET item = ? WHERE creator_id = ?", {pick(ids.items), c});
                run("DELETE FROM creator_sectors WHERE creator_id = ?", {any_creator()});
                REQUIRE(db.Exec("ROLLBACK"));
                REQUIRE(db.Exec("BEGIN; SAVEPOINT s"));
                run("DELETE FROM needs WHERE creator_id = ?", {any_creator()});
                REQUIRE(db.Exec("ROLLBACK TO s; RELEASE s"));
                run("INSERT INTO needs(id, version, creator_id, item, updated_at) VALUES (?,1,?,?,?)",
                    {NewUuid(), c, pick(ids.items), day()});
                REQUIRE(db.Exec("COMMIT"));
                described({c});  // only what was committed
                break;
            }
            default:  // a write the report does not read: described with no creator, no refresh
                run("UPDATE creators SET first_name = first_name WHERE id = ?", {c});
                described({});
                break;
        }
        check_equal(("round " + std::to_string(round) + " op " + std::to_string(op)).c_str());
    }
    const NeedsReportIndex::RefreshStats mid = index.Stats();
    CHECK(mid.full_loads == 1);                  // only the first load was full
    CHECK(mid.incremental_refreshes >= 100);
    CHECK(mid.last_creators_reread <= 3);
    before = db.TotalChanges();

    SUBCASE("a write nobody described: full reload") {
        run("DELETE FROM needs WHERE id = ?", {any_row("needs")});
        check_equal("undescribed");
        CHECK(index.Stats().full_loads == mid.full_loads + 1);
    }
    SUBCASE("a description that does not start where the last one ended: full reload") {
        run("DELETE FROM needs WHERE id = ?", {any_row("needs")});  // not described
        const std::string n = any_row("needs"), h = holder(n);
        before = db.TotalChanges();  // the described write starts here
        run("DELETE FROM needs WHERE id = ?", {n});
        described({h});
        check_equal("gap");
        CHECK(index.Stats().full_loads == mid.full_loads + 1);
    }

    SUBCASE("a catalogue need item retired: full reload") {
        run("UPDATE catalogue SET retired = 1 WHERE id = ?", {ids.items[0]});
        check_equal("catalogue");
        CHECK(index.Stats().full_loads == mid.full_loads + 1);
    }
    SUBCASE("another connection writes (PRAGMA data_version): full reload") {
        auto other = Db::Open(path, &err);
        REQUIRE(other);
        const json before = ToJson(index.Compute(filters[0]));
        REQUIRE(other->Exec("PRAGMA busy_timeout=5000; DELETE FROM needs; DELETE FROM creator_sectors", &err));
        check_equal("other connection");
        CHECK(ToJson(index.Compute(filters[0])) != before);
        CHECK(index.Stats().full_loads == mid.full_loads + 1);
    }
    SUBCASE("more creators written than the incremental limit: full reload, still equal") {
        REQUIRE(db.Exec("BEGIN"));
        std::vector<std::string> bulk;
        for (int i = 0; i < 2100; ++i) {
            const std::string id = NewUuid();
            bulk.push_back(id);
            run("INSERT INTO creators(id, version, first_name, last_name, email, email_key, created_at, updated_at) "
                "VALUES (?,1,'P','N',?,?,'2026-11-27T10:00:00Z','2026-11-27T10:00:00Z')",
                {id, id, id});
            run("INSERT INTO needs(id, version, creator_id, item, updated_at) VALUES (?,1,?,?,?)",
                {NewUuid(), id, pick(ids.items), day()});
        }
        REQUIRE(db.Exec("COMMIT"));
        described(bulk);
        check_equal("bulk");
        CHECK(index.Stats().full_loads == mid.full_loads + 1);
    }
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

TEST_CASE("needs report: random pushes, merges, edits and erasures keep the cached report exact") {
    if (UsingPostgres()) return;  // SQLite's incremental refresh; PostgreSQL reloads per write
    TestServer srv;
    REQUIRE(srv.Running());
    const std::string admin = srv.AdminToken();
    auto cli = srv.Client();
    std::string err;
    auto db = comptoir::Db::Open(srv.Database(), &err);   // a reader of the same file
    REQUIRE(db);
    REQUIRE(db->Exec("PRAGMA busy_timeout=5000", &err));
    const CatalogueIds ids = SeedIds();
    const auto filters = SomeFilters(ids);
    auto query_of = [](const comptoir::ReportFilter& f) {
        std::string q = "?threshold=" + std::to_string(f.threshold);
        if (!f.sector.empty()) q += "&sector=" + f.sector;
        if (!f.profession.empty()) q += "&profession=" + f.profession;
        if (!f.event_id.empty()) q += "&event=" + f.event_id;
        if (!f.from_date.empty()) q += "&from=" + f.from_date + "&to=" + f.to_date;
        return q;
    };
    auto check_equal = [&](const std::string& step) {
        INFO(step);
        for (const auto& f : filters) {
            auto r = GetAuth(cli, "/api/v1/reports/needs" + query_of(f), admin);
            REQUIRE(r);
            REQUIRE(r->status == 200);
            const json got = Body(r), fresh = FreshReport(*db, f);
            CHECK(got["creators_considered"] == fresh["creators_considered"]);
            CHECK(got["creators_with_needs"] == fresh["creators_with_needs"]);
            CHECK(got["items"] == fresh["items"]);
        }
    };
    check_equal("empty");

    TestDevice devs[2] = {srv.EnrollDevice("Kiosque 1"), srv.EnrollDevice("Kiosque 2")};
    std::mt19937 rng(7);
    auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
    struct Known {
        std::string id, email;
        int64_t version = 1;
        std::vector<std::pair<std::string, int64_t>> needs;  // id, version
    };
    std::vector<Known> people[2];   // what each kiosk registered
    auto creator_data = [&](const Known& k) {
        json d = CreatorData("Prénom", "Nom", k.email);
        d["sectors"] = json::array({pick(ids.sectors)});
        if (rng() % 2) d["sectors"].push_back(pick(ids.sectors));
        d["professions"] = json::array({pick(ids.professions)});
        return d;
    };
    auto need_data = [&](const std::string& creator) {
        char b[32];
        std::snprintf(b, sizeof b, "2026-%02d-%02dT10:00:00Z", 1 + int(rng() % 12), 1 + int(rng() % 28));
        return json{{"creator_id", creator}, {"item", pick(ids.items)}, {"updated_at", b}};
    };
    int emails = 0, applied = 0;
    for (int round = 0; round < 40; ++round) {
        const int d = int(rng() % 2);
        auto& mine = people[d];
        json changes = json::array();
        for (int k = 0, n = 1 + int(rng() % 4); k < n; ++k) {
            const int op = int(rng() % 6);
            if (op <= 1 || mine.empty()) {   // a registration, sometimes the other kiosk's person
                Known p{NewUuid(), "p" + std::to_string(emails++) + "@example.be"};
                const auto& theirs = people[1 - d];
                if (op == 1 && !theirs.empty()) p.email = theirs[rng() % theirs.size()].email;  // merge by email
                changes.push_back(MakeChange(p.id, "creator", 1, creator_data(p)));
                for (int j = 0, m = 1 + int(rng() % 3); j < m; ++j) {
                    p.needs.push_back({NewUuid(), 1});
                    changes.push_back(MakeChange(p.needs.back().first, "need", 1, need_data(p.id)));
                }
                changes.push_back(MakeChange(NewUuid(), "attendance", 1,
                                             {{"creator_id", p.id}, {"event_id", "event-" + std::to_string(rng() % 3)},
                                              {"at", "2026-11-27T10:00:00Z"}}));
                mine.push_back(std::move(p));
                continue;
            }
            Known& p = mine[rng() % mine.size()];
            if (op == 2) {   // sectors/professions changed
                changes.push_back(MakeChange(p.id, "creator", ++p.version, creator_data(p)));
            } else if (op == 3 || p.needs.empty()) {   // a need added
                p.needs.push_back({NewUuid(), 1});
                changes.push_back(MakeChange(p.needs.back().first, "need", 1, need_data(p.id)));
            } else if (op == 4) {   // a need changed (item, date)
                auto& [nid, v] = p.needs[rng() % p.needs.size()];
                changes.push_back(MakeChange(nid, "need", ++v, need_data(p.id)));
            } else {   // a need deleted
                const size_t at = rng() % p.needs.size();
                auto [nid, v] = p.needs[at];
                p.needs.erase(p.needs.begin() + long(at));
                changes.push_back(MakeChange(nid, "need", v + 1, need_data(p.id), "delete"));
            }
        }
        auto push = PostJson(cli, "/api/v1/sync/push", MakeBatch(devs[d].id, changes).dump(), devs[d].token);
        REQUIRE(push);
        REQUIRE(push->status == 200);
        const json answer = Body(push);
        for (const json& r : answer["results"]) {   // the note-taking never breaks a write
            INFO(r.dump());   // rejected is fine (a need for an erased creator), a storage failure not
            CHECK(r.value("error", json::object()).value("code", "") != "storage");
            if (r["status"] == "applied") ++applied;
        }
        // Staff actions now and then: an edit, a merge, an erasure (the report's truth is
        // the database, whatever each one did to it).
        const auto& all = people[rng() % 2];
        if (all.size() >= 2 && round % 5 == 1)
            CHECK(Call(cli, "PATCH", "/api/v1/creators/" + all[rng() % all.size()].id, R"({"last_name":"Modifié"})",
                       admin)->status < 500);
        if (all.size() >= 2 && round % 7 == 3)
            CHECK(Call(cli, "POST", "/api/v1/creators/" + all[0].id + "/merge",
                       json{{"into", all[1 + rng() % (all.size() - 1)].id}}.dump(), admin)->status < 500);
        if (all.size() >= 2 && round % 9 == 5)
            CHECK(Call(cli, "DELETE", "/api/v1/creators/" + all[rng() % all.size()].id, "", admin)->status < 500);
        check_equal("round " + std::to_string(round));
    }
    {
        comptoir::Stmt s = db->Prepare("SELECT count(*) FROM creators");
        REQUIRE(s.Step());
        CHECK(s.Int(0) >= 20);   // the rounds did register people
    }
    CHECK(applied >= 100);
    // A direct write by another connection (PRAGMA data_version fallback).
    const json before = Body(GetAuth(cli, "/api/v1/reports/needs?threshold=2", admin));
    REQUIRE(db->Exec("DELETE FROM needs WHERE id IN (SELECT id FROM needs ORDER BY id LIMIT 5)", &err));
    check_equal("direct write by another connection");
    CHECK(Body(GetAuth(cli, "/api/v1/reports/needs?threshold=2", admin))["items"] != before["items"]);
}
