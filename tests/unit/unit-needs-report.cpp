// tests/unit/unit-needs-report.cpp — needs aggregation (core/needs_report.h).
#include <doctest/doctest.h>

#include <cstdio>

#include "core/db.h"
#include "core/needs_report.h"
#include "core/store.h"
#include "core/uuid.h"
#include "tests/unit/core_fixtures.h"

using namespace comptoir;

namespace {

// The minimal schema the report documents (what the server mirrors), without indexes.
const char* const kMinimalSchema = R"sql(
CREATE TABLE creators(id TEXT PRIMARY KEY, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE creator_sectors(creator_id TEXT, sector_id TEXT);
CREATE TABLE creator_professions(creator_id TEXT, profession_id TEXT);
CREATE TABLE needs(creator_id TEXT, item TEXT, updated_at TEXT, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE attendances(creator_id TEXT, event_id TEXT, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE offers(item TEXT, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE catalogue(id TEXT PRIMARY KEY, kind TEXT, parent TEXT, sort INTEGER, retired INTEGER);
INSERT INTO catalogue VALUES ('espaces.salle-montage', 'need_item', 'espaces', 10, 0),
  ('materiel.camera', 'need_item', 'materiel', 20, 0),
  ('reseau.cartographie-competences', 'need_item', 'reseau', 30, 0),
  ('formation.numerique', 'need_item', 'formation', 40, 0),
  ('financement.ancien', 'need_item', 'financement', 50, 1);
)sql";

struct Fixture {
    std::unique_ptr<Db> db;
    Fixture() {
        std::string err;
        db = Db::Open(":memory:", &err);
        REQUIRE(db);
        REQUIRE(db->Exec(kMinimalSchema, &err));
    }
    std::string Creator(std::vector<std::string> sectors, std::vector<std::string> professions,
                        std::vector<std::string> items, const std::string& day = "2026-11-27", bool deleted = false) {
        std::string id = NewUuid();
        db->Prepare("INSERT INTO creators VALUES (?, ?)").Bind(1, id).Bind(2, deleted).Run();
        for (auto& s : sectors) db->Prepare("INSERT INTO creator_sectors VALUES (?, ?)").Bind(1, id).Bind(2, s).Run();
        for (auto& p : professions)
            db->Prepare("INSERT INTO creator_professions VALUES (?, ?)").Bind(1, id).Bind(2, p).Run();
        for (auto& i : items)
            db->Prepare("INSERT INTO needs VALUES (?, ?, ?, 0)").Bind(1, id).Bind(2, i).Bind(3, day + "T10:00:00Z").Run();
        return id;
    }
    void Attend(const std::string& creator, const std::string& event) {
        db->Prepare("INSERT INTO attendances VALUES (?, ?, 0)").Bind(1, creator).Bind(2, event).Run();
    }
    void OfferItem(const std::string& item, bool deleted = false) {
        db->Prepare("INSERT INTO offers VALUES (?, ?)").Bind(1, item).Bind(2, deleted).Run();
    }
};

const NeedsReportRow* Row(const NeedsReport& r, const std::string& item) {
    for (const auto& row : r.rows)
        if (row.item == item) return &row;
    return nullptr;
}

int64_t CountFor(const std::vector<CountById>& v, const std::string& id) {
    for (const auto& c : v)
        if (c.id == id) return c.creators;
    return 0;
}

}  // namespace

TEST_CASE("needs report counts distinct creators per item") {
    Fixture f;
    std::string a = f.Creator({"cinema"}, {"cinema.scenariste"}, {"espaces.salle-montage", "materiel.camera"});
    std::string b = f.Creator({"cinema", "musique"}, {"cinema.monteur", "musique.compositeur"}, {"espaces.salle-montage"});
    std::string c = f.Creator({"musique"}, {"musique.musicien"}, {"espaces.salle-montage", "reseau.cartographie-competences"});
    f.Creator({"photographie"}, {}, {});  // no needs
    // The same person named twice for one item (e.g. merged aliases on the server): counts once.
    f.db->Prepare("INSERT INTO needs VALUES (?, 'espaces.salle-montage', '2026-11-27T11:00:00Z', 0)").Bind(1, a).Run();
    f.OfferItem("materiel.camera");
    f.OfferItem("materiel.camera");
    f.OfferItem("materiel.camera", true);  // deleted offer
    f.OfferItem("espaces.salle-montage");

    ReportFilter filter;
    filter.threshold = 3;
    NeedsReport r = ComputeNeedsReport(*f.db, filter);
    REQUIRE(r.ok);
    CHECK(r.creators_considered == 4);
    CHECK(r.creators_with_needs == 3);

    SUBCASE("totals, critical mass and offers") {
        const NeedsReportRow* montage = Row(r, "espaces.salle-montage");
        REQUIRE(montage);
        CHECK(montage->creators == 3);
        CHECK(montage->critical_mass);
        CHECK(montage->category == "espaces");
        CHECK(montage->matching_offers == 1);
        const NeedsReportRow* camera = Row(r, "materiel.camera");
        REQUIRE(camera);
        CHECK(camera->creators == 1);
        CHECK_FALSE(camera->critical_mass);
        CHECK(camera->matching_offers == 2);
    }
    SUBCASE("split by sector and profession; a creator with two sectors counts in both") {
        const NeedsReportRow* montage = Row(r, "espaces.salle-montage");
        CHECK(CountFor(montage->by_sector, "cinema") == 2);
        CHECK(CountFor(montage->by_sector, "musique") == 2);
        CHECK(CountFor(montage->by_sector, "photographie") == 0);
        CHECK(montage->by_sector.size() == 2);
        CHECK(CountFor(montage->by_profession, "cinema.scenariste") == 1);
        CHECK(CountFor(montage->by_profession, "musique.compositeur") == 1);
        CHECK(montage->by_profession.size() == 4);
    }
    SUBCASE("rows: every live catalogue item, most needed first; retired items only if needed") {
        CHECK(r.rows.size() == 4);
        CHECK(r.rows[0].item == "espaces.salle-montage");
        CHECK(r.rows.back().item == "formation.numerique");
        CHECK(r.rows.back().creators == 0);
        CHECK(Row(r, "financement.ancien") == nullptr);
        f.Creator({"cinema"}, {}, {"financement.ancien", "autre.inconnu"});
        NeedsReport r2 = ComputeNeedsReport(*f.db, filter);
        REQUIRE(Row(r2, "financement.ancien"));
        CHECK(Row(r2, "financement.ancien")->creators == 1);
        REQUIRE(Row(r2, "autre.inconnu"));
        CHECK(Row(r2, "autre.inconnu")->category == "autre");
    }
    SUBCASE("the threshold defaults to 10 and is at least 1") {
        NeedsReport d = ComputeNeedsReport(*f.db, ReportFilter{});
        CHECK(d.filter.threshold == 10);
        CHECK_FALSE(Row(d, "espaces.salle-montage")->critical_mass);
        ReportFilter zero;
        zero.threshold = 0;
        NeedsReport z = ComputeNeedsReport(*f.db, zero);
        CHECK(z.filter.threshold == 1);
        CHECK_FALSE(Row(z, "formation.numerique")->critical_mass);  // 0 creators never reach it
        CHECK(Row(z, "materiel.camera")->critical_mass);
    }
    SUBCASE("JSON shape") {
        nlohmann::json j = ToJson(r);
        CHECK(j["threshold"] == 3);
        CHECK(j["creators_considered"] == 4);
        CHECK(j["items"][0]["item"] == "espaces.salle-montage");
        CHECK(j["items"][0]["creators"] == 3);
        CHECK(j["items"][0]["critical_mass"] == true);
        CHECK(j["items"][0]["by_sector"]["cinema"] == 2);
        CHECK(j["items"][0]["matching_offers"] == 1);
    }
}

TEST_CASE("needs report filters") {
    Fixture f;
    std::string a = f.Creator({"cinema"}, {"cinema.scenariste"}, {"espaces.salle-montage"}, "2026-01-15");
    std::string b = f.Creator({"cinema"}, {"cinema.monteur"}, {"espaces.salle-montage", "materiel.camera"}, "2026-06-01");
    std::string c = f.Creator({"musique"}, {"musique.musicien"}, {"espaces.salle-montage"}, "2026-11-27");
    f.Creator({"cinema"}, {"cinema.scenariste"}, {"materiel.camera"}, "2026-11-27", /*deleted=*/true);
    f.Attend(a, "table-cinema");
    f.Attend(b, "table-cinema");
    f.Attend(c, "table-musique");
    f.db->Exec("INSERT INTO attendances SELECT creator_id, 'table-musique', 1 FROM needs WHERE creator_id <> '' LIMIT 1");

    SUBCASE("deleted creators never count") {
        NeedsReport r = ComputeNeedsReport(*f.db, ReportFilter{});
        CHECK(r.creators_considered == 3);
        CHECK(Row(r, "materiel.camera")->creators == 1);
    }
    SUBCASE("by sector") {
        ReportFilter fl;
        fl.sector = "cinema";
        NeedsReport r = ComputeNeedsReport(*f.db, fl);
        CHECK(r.creators_considered == 2);
        CHECK(Row(r, "espaces.salle-montage")->creators == 2);
    }
    SUBCASE("by profession") {
        ReportFilter fl;
        fl.profession = "cinema.scenariste";
        NeedsReport r = ComputeNeedsReport(*f.db, fl);
        CHECK(r.creators_considered == 1);
        CHECK(Row(r, "materiel.camera")->creators == 0);
        CHECK(Row(r, "espaces.salle-montage")->creators == 1);
    }
    SUBCASE("by event (deleted attendances ignored)") {
        ReportFilter fl;
        fl.event_id = "table-musique";
        NeedsReport r = ComputeNeedsReport(*f.db, fl);
        CHECK(r.creators_considered == 1);
        CHECK(Row(r, "espaces.salle-montage")->creators == 1);
        CHECK(CountFor(Row(r, "espaces.salle-montage")->by_sector, "musique") == 1);
        fl.event_id = "no-such-event";
        CHECK(ComputeNeedsReport(*f.db, fl).creators_considered == 0);
    }
    SUBCASE("by date range of the needs, inclusive") {
        ReportFilter fl;
        fl.from_date = "2026-01-15";
        fl.to_date = "2026-06-01";
        NeedsReport r = ComputeNeedsReport(*f.db, fl);
        CHECK(Row(r, "espaces.salle-montage")->creators == 2);
        CHECK(Row(r, "materiel.camera")->creators == 1);
        CHECK(r.creators_with_needs == 2);
        fl.from_date = "2026-06-02";
        fl.to_date = "";
        CHECK(Row(ComputeNeedsReport(*f.db, fl), "espaces.salle-montage")->creators == 1);
    }
    SUBCASE("combined filters") {
        ReportFilter fl;
        fl.sector = "cinema";
        fl.event_id = "table-cinema";
        fl.profession = "cinema.monteur";
        NeedsReport r = ComputeNeedsReport(*f.db, fl);
        CHECK(r.creators_considered == 1);
        CHECK(Row(r, "materiel.camera")->creators == 1);
    }
}

TEST_CASE("needs report over the local store") {
    std::string err;
    auto store = LocalStore::Open(":memory:", &err);
    REQUIRE(store);
    REQUIRE(store->UpsertEvent(Event{"ev1", "Table cinéma", "cinema", "2026-11-27", "Mons", false}));
    for (int i = 0; i < 12; ++i) {
        Registration r = comptoir::test::SampleRegistration("p" + std::to_string(i) + "@example.be");
        r.event_id = i % 2 ? "ev1" : "";
        REQUIRE(store->SaveRegistration(r).ok);
    }
    // Re-registering one person does not count them twice.
    REQUIRE(store->SaveRegistration(comptoir::test::SampleRegistration("P0@Example.be")).ok);
    NeedsReport r = ComputeNeedsReport(store->db(), ReportFilter{});
    REQUIRE(r.ok);
    const NeedsReportRow* montage = Row(r, "espaces.salle-montage");
    REQUIRE(montage);
    CHECK(montage->creators == 12);
    CHECK(montage->critical_mass);
    CHECK(montage->matching_offers == 0);
    CHECK(Row(r, "materiel.camera")->matching_offers == 12);
    CHECK(CountFor(montage->by_profession, "cinema.realisateur") == 12);
    ReportFilter ev;
    ev.event_id = "ev1";
    CHECK(Row(ComputeNeedsReport(store->db(), ev), "espaces.salle-montage")->creators == 6);
    // Every live need item of the catalogue has a row.
    CHECK(r.rows.size() == store->Catalogue("need_item").size());
}

TEST_CASE("needs report reports a missing table instead of crashing") {
    std::string err;
    auto db = Db::Open(":memory:", &err);
    REQUIRE(db);
    NeedsReport r = ComputeNeedsReport(*db, ReportFilter{});
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.error.empty());
}

TEST_CASE("NeedsReportIndex reloads only when the data changed") {
    Fixture f;
    f.Creator({"cinema"}, {}, {"espaces.salle-montage"});
    NeedsReportIndex index;
    CHECK_FALSE(index.Loaded());
    CHECK_FALSE(index.Compute(ReportFilter{}).ok);
    REQUIRE(index.Refresh(*f.db));
    CHECK(index.Compute(ReportFilter{}).creators_considered == 1);
    SUBCASE("same data: the loaded facts are reused") {
        REQUIRE(index.Refresh(*f.db));
        CHECK(index.Compute(ReportFilter{}).creators_considered == 1);
    }
    SUBCASE("a write on this connection triggers a reload") {
        f.Creator({"musique"}, {}, {"espaces.salle-montage"});
        REQUIRE(index.Refresh(*f.db));
        NeedsReport r = index.Compute(ReportFilter{});
        CHECK(r.creators_considered == 2);
        CHECK(Row(r, "espaces.salle-montage")->creators == 2);
    }
    SUBCASE("a commit from another connection triggers a reload") {
        std::string path = "/tmp/comptoir-unit-report-" + NewUuid() + ".db";
        std::string err;
        auto a = Db::Open(path, &err);
        auto b = Db::Open(path, &err);
        REQUIRE(a);
        REQUIRE(b);
        REQUIRE(a->Exec(kMinimalSchema));
        NeedsReportIndex idx;
        REQUIRE(idx.Refresh(*a));
        CHECK(idx.Compute(ReportFilter{}).creators_considered == 0);
        REQUIRE(b->Exec("INSERT INTO creators VALUES ('c1', 0); INSERT INTO needs VALUES ('c1', 'materiel.camera', '2026-11-27', 0)"));
        REQUIRE(idx.Refresh(*a));
        CHECK(Row(idx.Compute(ReportFilter{}), "materiel.camera")->creators == 1);
        a.reset();
        b.reset();
        std::remove(path.c_str());
    }
    SUBCASE("invalid filter dates are an error, not an empty report") {
        ReportFilter fl;
        fl.from_date = "27/11/2026";
        NeedsReport r = index.Compute(fl);
        CHECK_FALSE(r.ok);
        CHECK_FALSE(r.error.empty());
    }
}
