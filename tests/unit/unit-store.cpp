// tests/unit/unit-store.cpp — the local store (core/store.h): migrations, registrations,
// returning creators, reference data, purge.
#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/catalogue.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/store.h"
#include "core/uuid.h"
#include "tests/unit/core_fixtures.h"

using namespace comptoir;
using comptoir::test::HasError;
using comptoir::test::SampleRegistration;

namespace {

std::unique_ptr<LocalStore> OpenMemory() {
    std::string err;
    auto store = LocalStore::Open(":memory:", &err);
    REQUIRE_MESSAGE(store, err);
    REQUIRE(store->UpsertEvent(Event{"table-cinema-1", "Table cinéma", "cinema", "2026-11-27", "CRC Mons", false}));
    return store;
}

int64_t Scalar(LocalStore& s, const std::string& sql) {
    Stmt q = s.db().Prepare(sql);
    return q.Step() ? q.Int(0) : -1;
}

}  // namespace

TEST_CASE("opening the store runs the migrations once") {
    SUBCASE("a fresh database gets the schema and the seed catalogue") {
        auto store = OpenMemory();
        CHECK(store->db().UserVersion() == 3);
        CHECK(store->Catalogue("sector").size() == 10);
        CHECK(store->Catalogue("need_item").size() == SeedCatalogue().size() - 10 - 6 -
                                                         size_t(Scalar(*store, "SELECT count(*) FROM catalogue WHERE kind='profession'")));
        CHECK(Scalar(*store, "PRAGMA foreign_keys") == 1);
    }
    SUBCASE("reopening a file keeps the data and does not reseed edited entries") {
        std::string path = "/tmp/comptoir-unit-store-" + NewUuid() + ".db";
        std::string err;
        {
            auto store = LocalStore::Open(path, &err);
            REQUIRE_MESSAGE(store, err);
            CatalogueEntry e = *FindEntry(store->Catalogue("sector"), "cinema");
            e.label_fr = "Cinéma (modifié)";
            REQUIRE(store->UpsertCatalogue(e));
            REQUIRE(store->SetSetting("device_name", "Kiosque 1"));
        }
        {
            auto store = LocalStore::Open(path, &err);
            REQUIRE_MESSAGE(store, err);
            CHECK(store->db().UserVersion() == 3);
            CHECK(FindEntry(store->Catalogue("sector"), "cinema")->label_fr == "Cinéma (modifié)");
            CHECK(store->Setting("device_name") == std::optional<std::string>("Kiosque 1"));
        }
        {
            // A database from a newer version is refused, not damaged.
            std::string e2;
            auto db = Db::Open(path, &e2);
            REQUIRE(db);
            db->SetUserVersion(99);
        }
        auto refused = LocalStore::Open(path, &err);
        CHECK_FALSE(refused);
        CHECK(err.find("newer") != std::string::npos);
        std::remove(path.c_str());
    }
}

TEST_CASE("SaveRegistration") {
    auto store = OpenMemory();
    int commits = 0;
    store->SetCommitHook([&] { ++commits; });

    SUBCASE("a valid registration is stored, normalized, with every character kept") {
        SetNowMsForTests(1795788000000);  // 2026-11-27T...Z
        Registration r = SampleRegistration();
        r.creator.first_name = "  Łukasz-Zoë e\xCC\x81 ";
        r.creator.last_name = "王 محمد Øster 🎬";
        r.creator.email = " Lukasz@Example.BE ";
        r.event_id = "table-cinema-1";
        SaveResult res = store->SaveRegistration(r);
        SetNowMsForTests(0);
        REQUIRE_MESSAGE(res.ok, comptoir::test::ErrorsToString(res.errors), res.storage_error);
        CHECK(IsUuid(res.creator_id));
        CHECK(commits == 1);
        auto c = store->GetCreator(res.creator_id);
        REQUIRE(c);
        CHECK(c->first_name == "Łukasz-Zoë é");
        CHECK(c->last_name == "王 محمد Øster 🎬");
        CHECK(c->email == "Lukasz@example.be");
        CHECK(c->phone == "+32470123456");
        CHECK(c->version == 1);
        CHECK(c->created_at == FormatRfc3339(1795788000000));
        CHECK(c->sectors == std::vector<std::string>{"cinema"});
        CHECK(c->professions == std::vector<std::string>{"cinema.scenariste", "cinema.realisateur"});
        CHECK(c->work.ata_level == "debutant");
        CHECK(c->languages == std::vector<std::string>{"fr", "en"});
        CHECK(c->consents.processing.given);
        CHECK(c->consents.processing.at == c->created_at);  // filled with the time of saving
        CHECK(c->consents.processing.text_version == "fr-2026-1");
        CHECK(c->consents.contact.given);
        CHECK_FALSE(c->consents.newsletter.given);
        auto needs = store->NeedsOf(res.creator_id);
        REQUIRE(needs.size() == 1);
        CHECK(needs[0].item == "espaces.salle-montage");
        CHECK(needs[0].creator_id == res.creator_id);
        CHECK(needs[0].version == 1);
        auto offers = store->OffersOf(res.creator_id);
        REQUIRE(offers.size() == 1);
        CHECK(offers[0].description == "Sony FX3 à prêter le week-end");
        CHECK(store->AttendancesOf(res.creator_id).size() == 1);
        StoreCounts counts = store->Counts("table-cinema-1");
        CHECK(counts.creators == 1);
        CHECK(counts.needs == 1);
        CHECK(counts.attendances_current_event == 1);
        CHECK(counts.outbox_pending == 4);  // creator, need, offer, attendance
    }

    SUBCASE("invalid input writes nothing and reports every field") {
        Registration r = SampleRegistration("not-an-email");
        r.creator.consents.processing.given = false;
        r.creator.sectors = {"cinema", "astrologie"};
        r.creator.professions = {"cinema.astronaute"};
        r.needs[0].item = "espaces.chateau";
        Need dup;
        dup.item = "espaces.chateau";
        r.needs.push_back(dup);
        r.offers[0].item = "materiel.fusee";
        r.event_id = "no-such-event";
        SaveResult res = store->SaveRegistration(r);
        CHECK_FALSE(res.ok);
        CHECK(HasError(res.errors, "email", ErrorCode::EmailInvalid));
        CHECK(HasError(res.errors, "consents.processing", ErrorCode::ConsentRequired));
        CHECK(HasError(res.errors, "sectors[1]", ErrorCode::UnknownItem));
        CHECK(HasError(res.errors, "professions[0]", ErrorCode::UnknownItem));
        CHECK(HasError(res.errors, "needs[0].item", ErrorCode::UnknownItem));
        CHECK(HasError(res.errors, "needs[1].item", ErrorCode::UnknownItem));
        CHECK(HasError(res.errors, "offers[0].item", ErrorCode::UnknownItem));
        CHECK(HasError(res.errors, "event_id", ErrorCode::UnknownItem));
        CHECK_FALSE(HasError(res.errors, "sectors[0]", ErrorCode::UnknownItem));
        CHECK(commits == 0);
        CHECK(store->Counts("").creators == 0);
        CHECK(store->PendingCount() == 0);
    }

    SUBCASE("the same need item twice is refused") {
        Registration r = SampleRegistration();
        r.needs.push_back(r.needs[0]);
        SaveResult res = store->SaveRegistration(r);
        CHECK_FALSE(res.ok);
        CHECK(HasError(res.errors, "needs[1].item", ErrorCode::InvalidValue));
    }

    SUBCASE("retired catalogue entries cannot be chosen any more") {
        CatalogueEntry e = *FindEntry(store->Catalogue("need_item"), "espaces.salle-montage");
        e.retired = true;
        REQUIRE(store->UpsertCatalogue(e));
        CHECK(FindEntry(store->Catalogue("need_item"), "espaces.salle-montage") == nullptr);
        CHECK(FindEntry(store->Catalogue("need_item", true), "espaces.salle-montage") != nullptr);
        SaveResult res = store->SaveRegistration(SampleRegistration());
        CHECK(HasError(res.errors, "needs[0].item", ErrorCode::UnknownItem));
    }

    SUBCASE("the core accepts a minimal creator; the kiosk rules are separate") {
        Registration r;
        r.creator.first_name = "Min";
        r.creator.last_name = "Imal";
        r.creator.email = "min@example.be";
        r.creator.consents.processing.given = true;
        SaveResult res = store->SaveRegistration(r);
        CHECK(res.ok);
        CHECK(HasError(ValidateRegistrationForKiosk(r), "sectors", ErrorCode::SectorRequired));
    }

    SUBCASE("re-registering the same email updates the same person") {
        SaveResult first = store->SaveRegistration(SampleRegistration("anne.dupont@example.be"));
        REQUIRE(first.ok);
        auto before = store->GetCreator(first.creator_id);
        int64_t outbox_before = store->PendingCount();

        SUBCASE("same declaration: creator version+1, unchanged needs/offers not resent") {
            Registration again = SampleRegistration("  ANNE.Dupont@Example.be ");
            again.creator.phone = "+32 65 12 34 56";
            SaveResult second = store->SaveRegistration(again);
            REQUIRE(second.ok);
            CHECK(second.creator_id == first.creator_id);
            CHECK(store->Counts("").creators == 1);
            auto after = store->GetCreator(first.creator_id);
            CHECK(after->version == 2);
            CHECK(after->phone == "+3265123456");
            CHECK(after->created_at == before->created_at);
            CHECK(store->NeedsOf(first.creator_id)[0].version == 1);
            CHECK(store->PendingCount() == outbox_before + 1);  // only the creator
        }
        SUBCASE("changed declaration: changed need +1, dropped need deleted, new need added") {
            Registration again = SampleRegistration("anne.dupont@example.be");
            again.needs[0].frequency = "hebdomadaire";
            Need extra;
            extra.item = "reseau.cartographie-competences";
            again.needs.push_back(extra);
            again.offers.clear();
            REQUIRE(store->SaveRegistration(again).ok);
            auto needs = store->NeedsOf(first.creator_id);
            REQUIRE(needs.size() == 2);
            CHECK(needs[0].frequency == "hebdomadaire");
            CHECK(needs[0].version == 2);
            CHECK(store->OffersOf(first.creator_id).empty());
            auto pending = store->PendingOutbox(100, 1 << 20);
            CHECK(pending.back().entity == "offer");
            CHECK(pending.back().op == "delete");
            CHECK(pending.back().version == 2);
            CHECK(Scalar(*store, "SELECT count(*) FROM offers WHERE deleted=1") == 1);  // tombstone kept
        }
    }

    SUBCASE("an interrupted write leaves nothing behind (one transaction)") {
        REQUIRE(store->db().Exec(
            "CREATE TEMP TRIGGER fail_offers BEFORE INSERT ON offers BEGIN SELECT RAISE(ABORT, 'disk full'); END"));
        SaveResult res = store->SaveRegistration(SampleRegistration());
        CHECK_FALSE(res.ok);
        CHECK(res.errors.empty());
        CHECK(res.storage_error.find("disk full") != std::string::npos);
        CHECK(commits == 0);
        CHECK(Scalar(*store, "SELECT count(*) FROM creators") == 0);
        CHECK(Scalar(*store, "SELECT count(*) FROM needs") == 0);
        CHECK(store->PendingCount() == 0);
        REQUIRE(store->db().Exec("DROP TRIGGER fail_offers"));
        CHECK(store->SaveRegistration(SampleRegistration()).ok);  // the store is still usable
    }
}

TEST_CASE("returning creators and check-in") {
    auto store = OpenMemory();
    SaveResult res = store->SaveRegistration(SampleRegistration("Zoe.Martin@example.be"));
    REQUIRE(res.ok);
    int commits = 0;
    store->SetCommitHook([&] { ++commits; });

    SUBCASE("lookup by email in any case, with spaces; reveals only the first name") {
        auto r = store->LookupReturning("  zoe.martin@EXAMPLE.BE ");
        REQUIRE(r);
        CHECK(r->creator_id == res.creator_id);
        CHECK(r->first_name == "Anne");
        CHECK_FALSE(store->LookupReturning("zoe.martin2@example.be"));
        CHECK_FALSE(store->LookupReturning("garbage"));
        CHECK(store->FindCreatorByEmail("ZOE.MARTIN@example.be")->id == res.creator_id);
    }
    SUBCASE("check-in is idempotent per creator and event") {
        int64_t before = store->PendingCount();
        CHECK(store->CheckIn(res.creator_id, "table-cinema-1"));
        CHECK(store->PendingCount() == before + 1);
        CHECK(commits == 1);
        CHECK(store->CheckIn(res.creator_id, "table-cinema-1"));
        CHECK(store->PendingCount() == before + 1);
        CHECK(commits == 1);
        CHECK(store->Counts("table-cinema-1").attendances_current_event == 1);
        auto att = store->AttendancesOf(res.creator_id);
        REQUIRE(att.size() == 1);
        CHECK(att[0].event_id == "table-cinema-1");
        CHECK(IsRfc3339(att[0].at));
    }
    SUBCASE("unknown creator or event") {
        CHECK_FALSE(store->CheckIn(NewUuid(), "table-cinema-1"));
        CHECK_FALSE(store->CheckIn(res.creator_id, "no-such-event"));
        CHECK_FALSE(store->CheckIn(res.creator_id, ""));
        CHECK(commits == 0);
    }
    SUBCASE("an alias id resolves to the canonical creator") {
        std::string alias = NewUuid();
        REQUIRE(store->AddCreatorAlias(alias, res.creator_id));
        CHECK(store->GetCreator(alias)->id == res.creator_id);
        CHECK(store->CheckIn(alias, "table-cinema-1"));
        CHECK(store->AttendancesOf(res.creator_id).size() == 1);
        CHECK_FALSE(store->AddCreatorAlias(alias, alias));
    }
}

TEST_CASE("reference data") {
    auto store = OpenMemory();
    SUBCASE("events: upsert, retire, order by date") {
        REQUIRE(store->UpsertEvent(Event{"ev-old", "Table musique", "musique", "2026-01-10", "Mons", false}));
        CHECK(store->Events().size() == 2);
        CHECK(store->Events()[0].id == "table-cinema-1");  // most recent first
        REQUIRE(store->UpsertEvent(Event{"ev-old", "Table musique", "musique", "2026-01-10", "Mons", true}));
        CHECK(store->Events().size() == 1);
        CHECK(store->Events(true).size() == 2);
        CHECK_FALSE(store->UpsertEvent(Event{"", "No id", "", "2026-01-10", "", false}));
        CHECK_FALSE(store->UpsertEvent(Event{"ev-bad", "Bad date", "", "10/01/2026", "", false}));
    }
    SUBCASE("catalogue: invalid entries are refused, new ones appear") {
        CHECK_FALSE(store->UpsertCatalogue(CatalogueEntry{"need_item", "Bad Id", "espaces", "a", "b", "c", 0, false}));
        CHECK_FALSE(store->UpsertCatalogue(CatalogueEntry{"need_item", "espaces.x", "", "a", "b", "c", 0, false}));
        REQUIRE(store->UpsertCatalogue(CatalogueEntry{"need_item", "espaces.fablab", "espaces", "Fablab", "Fablab", "Fab lab", 5, false}));
        CHECK(FindEntry(store->Catalogue("need_item"), "espaces.fablab") != nullptr);
        CHECK(store->Catalogue("").size() == SeedCatalogue().size() + 1);
    }
    SUBCASE("settings") {
        CHECK_FALSE(store->Setting("x"));
        REQUIRE(store->SetSetting("x", "1"));
        REQUIRE(store->SetSetting("x", "2"));
        CHECK(store->Setting("x") == std::optional<std::string>("2"));
    }
}

TEST_CASE("PurgeAcknowledged blanks personal data once everything is acknowledged") {
    auto store = OpenMemory();
    Registration r = SampleRegistration();
    r.event_id = "table-cinema-1";
    SaveResult res = store->SaveRegistration(r);
    REQUIRE(res.ok);
    CHECK(store->PurgeAcknowledged() == 0);  // still pending: nothing purged
    auto pending = store->PendingOutbox(100, 1 << 20);
    std::vector<std::pair<int64_t, OutboxOutcome>> results;
    for (size_t i = 0; i + 1 < pending.size(); ++i) results.push_back({pending[i].seq, OutboxOutcome::Applied});
    REQUIRE(store->MarkOutboxResults(results, {}));
    CHECK(store->PurgeAcknowledged() == 0);  // the last entry is not acknowledged yet
    REQUIRE(store->MarkOutboxResults({{pending.back().seq, OutboxOutcome::Duplicate}}, {}));
    CHECK(store->PurgeAcknowledged() == 1);
    auto c = store->GetCreator(res.creator_id);
    REQUIRE(c);
    CHECK(c->first_name.empty());
    CHECK(c->email.empty());
    CHECK(c->phone.empty());
    CHECK(c->sectors == std::vector<std::string>{"cinema"});  // counts still work
    CHECK(store->NeedsOf(res.creator_id)[0].comment.empty());
    CHECK(store->OffersOf(res.creator_id)[0].description.empty());
    CHECK_FALSE(store->LookupReturning("anne.dupont@example.be"));
    CHECK(store->Counts("table-cinema-1").attendances_current_event == 1);
    CHECK(store->PurgeAcknowledged() == 0);
    // The same person registering again is a new local record (the server merges by email).
    SaveResult again = store->SaveRegistration(SampleRegistration());
    CHECK(again.ok);
    CHECK(again.creator_id != res.creator_id);
}

// Native only: the browser build compiles SQLite without WAL (SQLITE_OMIT_WAL, see
// cmake/Deps.cmake) — its database lives in IndexedDB pages, never in a -wal file.
#ifndef __EMSCRIPTEN__
TEST_CASE("UseDurableWal: a native file in WAL with synchronous=FULL keeps every commit") {
    std::string path = "/tmp/comptoir-unit-wal-" + NewUuid() + ".db";
    auto read_bytes = [](const std::string& p) {
        std::string out;
        if (FILE* f = std::fopen(p.c_str(), "rb")) {
            char buf[65536];
            for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
            std::fclose(f);
        }
        return out;
    };
    std::string err, mode;
    std::string creator_id;
    {
        auto store = LocalStore::Open(path, &err);
        REQUIRE_MESSAGE(store, err);
        REQUIRE_MESSAGE(store->UseDurableWal(&mode, &err), err);
        CHECK(mode == "wal");
        CHECK(Scalar(*store, "PRAGMA synchronous") == 2);  // FULL, never NORMAL
        SaveResult r = store->SaveRegistration(SampleRegistration());
        REQUIRE(r.ok);
        creator_id = r.creator_id;
        // The commit is in the -wal file, not yet in the database file.
        CHECK(read_bytes(path + "-wal").find("anne.dupont@example.be") != std::string::npos);
    }
    {
        // Reopened (the mode is persistent): everything is there, outbox included.
        auto store = LocalStore::Open(path, &err);
        REQUIRE_MESSAGE(store, err);
        REQUIRE(store->UseDurableWal(&mode, &err));
        CHECK(mode == "wal");
        REQUIRE(store->GetCreator(creator_id));
        auto pending = store->PendingOutbox(100, SIZE_MAX);
        REQUIRE(pending.size() == 3);
        std::vector<std::pair<int64_t, OutboxOutcome>> results;
        for (const auto& e : pending) results.push_back({e.seq, OutboxOutcome::Applied});
        REQUIRE(store->MarkOutboxResults(results, {}));
        CHECK(store->PendingCount() == 0);
        // A purge must not leave the old pages readable in the -wal file.
        CHECK(store->PurgeAcknowledged() == 1);
        std::string bytes = read_bytes(path) + read_bytes(path + "-wal");
        CHECK(bytes.find("anne.dupont@example.be") == std::string::npos);
        CHECK(bytes.find("0470 12 34 56") == std::string::npos);
    }
    SUBCASE("where WAL is unavailable the rollback journal stays, still FULL") {
        auto mem = LocalStore::Open(":memory:", &err);
        REQUIRE(mem);
        REQUIRE(mem->UseDurableWal(&mode, &err));
        CHECK(mode == "memory");
        CHECK(Scalar(*mem, "PRAGMA synchronous") == 2);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}
#endif  // __EMSCRIPTEN__
