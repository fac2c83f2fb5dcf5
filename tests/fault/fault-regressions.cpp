// tests/fault/fault-regressions.cpp — bugs the fault scenario found, pinned down small.
//
// 1. A person registered on two kiosks is merged on the server; the kiosk whose id lost
//    receives `creator_alias {its id -> the other kiosk's id}` through pull
//    (LocalStore::AddCreatorAlias). LocalStore then followed that alias for reads and
//    check-ins although it does not hold the canonical creator: the person vanished from
//    GetCreator/NeedsOf on that kiosk and a returning creator's CheckIn failed.
#include <doctest/doctest.h>

#include "core/store.h"
#include "server_harness.h"

TEST_CASE("regression: a pulled creator_alias to a creator this kiosk does not hold hides nothing") {
    testsrv::TempDir dir;
    std::string err;
    auto store = comptoir::LocalStore::Open(dir.path + "/kiosk.db", &err);
    REQUIRE(store);
    comptoir::Registration reg;
    reg.creator.first_name = "Anne";
    reg.creator.last_name = "Dupont";
    reg.creator.email = "anne.dupont@example.be";
    reg.creator.sectors = {"cinema"};
    reg.creator.consents.processing.given = true;
    reg.creator.consents.processing.text_version = "fr-2026-1";
    comptoir::Need need;
    need.item = "espaces.salle-montage";
    reg.needs.push_back(need);
    comptoir::SaveResult saved = store->SaveRegistration(reg);
    REQUIRE(saved.ok);
    const std::string local_id = saved.creator_id;

    // The server kept another kiosk's id for this person (sync-v1 creator_alias).
    REQUIRE(store->AddCreatorAlias(local_id, "0b8e2c4e-0000-4000-8000-000000000001"));

    auto found = store->FindCreatorByEmail("anne.dupont@example.be");
    REQUIRE(found.has_value());
    CHECK(store->GetCreator(found->id).has_value());
    CHECK(store->NeedsOf(found->id).size() == 1);
    auto returning = store->LookupReturning("anne.dupont@example.be");
    REQUIRE(returning.has_value());
    CHECK(returning->first_name == "Anne");
    comptoir::Event ev;
    ev.id = "atelier-2026-12";
    ev.title = "Atelier";
    ev.date = "2026-12-01";
    REQUIRE(store->UpsertEvent(ev));
    CHECK(store->CheckIn(returning->creator_id, ev.id));
    CHECK(store->AttendancesOf(returning->creator_id).size() == 1);
}
