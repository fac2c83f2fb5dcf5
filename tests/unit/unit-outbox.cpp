// tests/unit/unit-outbox.cpp — the sync outbox of the local store (core/store.h).
#include <doctest/doctest.h>

#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/domain_json.h"
#include "core/store.h"
#include "core/uuid.h"
#include "tests/unit/core_fixtures.h"

using namespace comptoir;
using comptoir::test::SampleRegistration;
using nlohmann::json;

namespace {
std::unique_ptr<LocalStore> OpenWithEvent() {
    std::string err;
    auto store = LocalStore::Open(":memory:", &err);
    REQUIRE_MESSAGE(store, err);
    REQUIRE(store->UpsertEvent(Event{"ev1", "Table cinéma", "cinema", "2026-11-27", "Mons", false}));
    return store;
}
}  // namespace

TEST_CASE("outbox entries describe each change, in order") {
    auto store = OpenWithEvent();
    Registration r = SampleRegistration();
    r.event_id = "ev1";
    SaveResult res = store->SaveRegistration(r);
    REQUIRE(res.ok);
    auto entries = store->PendingOutbox(100, 1 << 20);
    REQUIRE(entries.size() == 4);
    SUBCASE("seq order: creator first, then its records") {
        CHECK(entries[0].entity == "creator");
        CHECK(entries[1].entity == "need");
        CHECK(entries[2].entity == "offer");
        CHECK(entries[3].entity == "attendance");
        for (size_t i = 1; i < entries.size(); ++i) CHECK(entries[i].seq > entries[i - 1].seq);
        for (const auto& e : entries) {
            CHECK(e.op == "upsert");
            CHECK(e.version == 1);
            CHECK(IsUuid(e.record_id));
            CHECK(e.attempts == 0);
            CHECK_FALSE(e.rejected);
        }
    }
    SUBCASE("data_json is the record's sync-v1 data at that version") {
        CHECK(entries[0].record_id == res.creator_id);
        json data = json::parse(entries[0].data_json);
        CHECK(data == ToJson(*store->GetCreator(res.creator_id)));
        CHECK(data["email"] == "anne.dupont@example.be");
        CHECK(data["consents"]["processing"]["given"] == true);
        json need = json::parse(entries[1].data_json);
        CHECK(need["creator_id"] == res.creator_id);
        CHECK(need["item"] == "espaces.salle-montage");
        json att = json::parse(entries[3].data_json);
        CHECK(att["event_id"] == "ev1");
        CHECK(entries[0].updated_at == store->GetCreator(res.creator_id)->updated_at);
    }
}

TEST_CASE("PendingOutbox limits") {
    auto store = OpenWithEvent();
    for (int i = 0; i < 5; ++i) REQUIRE(store->SaveRegistration(SampleRegistration("p" + std::to_string(i) + "@example.be")).ok);
    REQUIRE(store->PendingCount() == 15);
    SUBCASE("by count") {
        auto first = store->PendingOutbox(4, 1 << 20);
        CHECK(first.size() == 4);
        CHECK(first[0].seq == store->PendingOutbox(1, 1 << 20)[0].seq);
    }
    SUBCASE("by bytes, but the first entry always goes") {
        auto all = store->PendingOutbox(100, 1 << 20);
        size_t two = all[0].data_json.size() + all[1].data_json.size();
        CHECK(store->PendingOutbox(100, two).size() == 2);
        CHECK(store->PendingOutbox(100, two - 1).size() == 1);
        CHECK(store->PendingOutbox(100, 1).size() == 1);
        CHECK(store->PendingOutbox(0, 1 << 20).empty());
    }
}

TEST_CASE("MarkOutboxResults") {
    auto store = OpenWithEvent();
    REQUIRE(store->SaveRegistration(SampleRegistration()).ok);
    int commits = 0;
    store->SetCommitHook([&] { ++commits; });
    auto batch = store->PendingOutbox(100, 1 << 20);
    REQUIRE(batch.size() == 3);

    SUBCASE("applied, duplicate and stale leave; rejected stays with its reason and blocks nothing") {
        REQUIRE(store->MarkOutboxResults({{batch[0].seq, OutboxOutcome::Applied},
                                          {batch[1].seq, OutboxOutcome::Rejected},
                                          {batch[2].seq, OutboxOutcome::Stale}},
                                         {"", "unknown_item: item", ""}));
        CHECK(commits == 1);
        CHECK(store->PendingCount() == 0);
        CHECK(store->PendingOutbox(100, 1 << 20).empty());
        auto rejected = store->RejectedOutbox();
        REQUIRE(rejected.size() == 1);
        CHECK(rejected[0].seq == batch[1].seq);
        CHECK(rejected[0].rejected);
        CHECK(rejected[0].last_error == "unknown_item: item");
        CHECK(rejected[0].attempts == 1);
        StoreCounts c = store->Counts("");
        CHECK(c.outbox_pending == 0);
        CHECK(c.outbox_rejected == 1);
        // Later changes still flow.
        REQUIRE(store->SaveRegistration(SampleRegistration("other@example.be")).ok);
        CHECK(store->PendingOutbox(100, 1 << 20).size() == 3);
    }
    SUBCASE("a partial answer removes only what was answered") {
        REQUIRE(store->MarkOutboxResults({{batch[0].seq, OutboxOutcome::Duplicate}}, {}));
        auto left = store->PendingOutbox(100, 1 << 20);
        REQUIRE(left.size() == 2);
        CHECK(left[0].seq == batch[1].seq);
    }
    SUBCASE("failed attempts are counted; entries stay pending") {
        REQUIRE(store->NoteOutboxFailure({batch[0].seq, batch[1].seq}, "network: timeout"));
        REQUIRE(store->NoteOutboxFailure({batch[0].seq}, "http 503"));
        auto left = store->PendingOutbox(100, 1 << 20);
        REQUIRE(left.size() == 3);
        CHECK(left[0].attempts == 2);
        CHECK(left[0].last_error == "http 503");
        CHECK(left[1].attempts == 1);
        CHECK(left[2].attempts == 0);
    }
    SUBCASE("marking an unknown seq is harmless") {
        REQUIRE(store->MarkOutboxResults({{999999, OutboxOutcome::Applied}}, {}));
        CHECK(store->PendingCount() == 3);
    }
}

TEST_CASE("MarkOutboxResults: a full mixed batch removes exactly the acknowledged entries") {
    auto store = OpenWithEvent();
    // 200 registrations = 600 entries; a batch of the first 500, then 100 left out of it.
    for (int i = 0; i < 200; ++i)
        REQUIRE(store->SaveRegistration(SampleRegistration("m" + std::to_string(i) + "@example.be")).ok);
    REQUIRE(store->PendingCount() == 600);
    // An entry rejected by an earlier batch must not be touched by this one.
    auto earlier = store->PendingOutbox(1, 1 << 20);
    REQUIRE(store->MarkOutboxResults({{earlier[0].seq, OutboxOutcome::Rejected}}, {"invalid_value: email"}));
    auto batch = store->PendingOutbox(500, SIZE_MAX);
    REQUIRE(batch.size() == 500);
    std::vector<std::pair<int64_t, OutboxOutcome>> results;
    std::vector<std::string> reasons;
    std::vector<int64_t> rejected_seqs;
    for (size_t i = 0; i < batch.size(); ++i) {
        OutboxOutcome o = i % 4 == 0 ? OutboxOutcome::Applied
                          : i % 4 == 1 ? OutboxOutcome::Duplicate
                          : i % 4 == 2 ? OutboxOutcome::Stale
                                       : OutboxOutcome::Applied;
        std::string reason;
        if (i == 7 || i == 250 || i == 499) {  // rejected ones in the middle and at the end
            o = OutboxOutcome::Rejected;
            reason = "unknown_item: needs[" + std::to_string(i) + "].item";
            rejected_seqs.push_back(batch[i].seq);
        }
        results.push_back({batch[i].seq, o});
        reasons.push_back(reason);
    }
    int commits = 0;
    store->SetCommitHook([&] { ++commits; });
    REQUIRE(store->MarkOutboxResults(results, reasons));
    CHECK(commits == 1);

    // Left pending: exactly the 99 entries that were not in the batch, in order.
    auto left = store->PendingOutbox(1000, SIZE_MAX);
    REQUIRE(left.size() == 99);
    CHECK(left.front().seq > batch.back().seq);
    for (const auto& e : left) CHECK(e.attempts == 0);
    CHECK(store->PendingCount() == 99);

    // Rejected: the earlier one unchanged, then the three of this batch with their own reasons.
    auto rejected = store->RejectedOutbox();
    REQUIRE(rejected.size() == 4);
    CHECK(rejected[0].seq == earlier[0].seq);
    CHECK(rejected[0].last_error == "invalid_value: email");
    CHECK(rejected[0].attempts == 1);
    for (size_t k = 0; k < 3; ++k) {
        CHECK(rejected[k + 1].seq == rejected_seqs[k]);
        CHECK(rejected[k + 1].attempts == 1);
    }
    CHECK(rejected[1].last_error == "unknown_item: needs[7].item");
    CHECK(rejected[2].last_error == "unknown_item: needs[250].item");
    CHECK(rejected[3].last_error == "unknown_item: needs[499].item");
    StoreCounts c = store->Counts("");
    CHECK(c.outbox_pending == 99);
    CHECK(c.outbox_rejected == 4);

    // The same answer recorded again (a retried commit) changes nothing more.
    std::vector<std::pair<int64_t, OutboxOutcome>> acked;
    for (const auto& r : results)
        if (r.second != OutboxOutcome::Rejected) acked.push_back(r);
    REQUIRE(store->MarkOutboxResults(acked, {}));
    CHECK(store->PendingCount() == 99);
    CHECK(store->RejectedOutbox().size() == 4);
}

TEST_CASE("NoteOutboxFailure counts one attempt per listed pending entry only") {
    auto store = OpenWithEvent();
    for (int i = 0; i < 3; ++i) REQUIRE(store->SaveRegistration(SampleRegistration("f" + std::to_string(i) + "@example.be")).ok);
    auto all = store->PendingOutbox(100, SIZE_MAX);
    REQUIRE(all.size() == 9);
    REQUIRE(store->MarkOutboxResults({{all[8].seq, OutboxOutcome::Rejected}}, {"invalid_value: email"}));
    REQUIRE(store->NoteOutboxFailure({all[0].seq, all[2].seq, all[8].seq}, "http 503"));
    REQUIRE(store->NoteOutboxFailure({}, "nothing"));
    auto left = store->PendingOutbox(100, SIZE_MAX);
    REQUIRE(left.size() == 8);
    for (size_t i = 0; i < left.size(); ++i) {
        bool listed = i == 0 || i == 2;
        CHECK(left[i].attempts == (listed ? 1 : 0));
        CHECK(left[i].last_error == (listed ? "http 503" : ""));
    }
    auto rejected = store->RejectedOutbox();
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0].attempts == 1);  // a rejected entry is not retried: untouched
    CHECK(rejected[0].last_error == "invalid_value: email");
}

TEST_CASE("PendingOutboxAfter reads the entries after the batch in flight, skipping rejected ones") {
    auto store = OpenWithEvent();
    for (int i = 0; i < 4; ++i) REQUIRE(store->SaveRegistration(SampleRegistration("a" + std::to_string(i) + "@example.be")).ok);
    auto all = store->PendingOutbox(100, SIZE_MAX);
    REQUIRE(all.size() == 12);
    REQUIRE(store->MarkOutboxResults({{all[5].seq, OutboxOutcome::Rejected}}, {"invalid_value: email"}));
    auto after = store->PendingOutboxAfter(all[3].seq, 100, SIZE_MAX);
    REQUIRE(after.size() == 7);  // 4, 6..11: the rejected 5th is not pending
    CHECK(after[0].seq == all[4].seq);
    CHECK(after[1].seq == all[6].seq);
    CHECK(after.back().seq == all[11].seq);
    for (size_t i = 0; i < after.size(); ++i) {
        const OutboxEntry& want = all[i == 0 ? 4 : i + 5];
        CHECK(after[i].record_id == want.record_id);
        CHECK(after[i].entity == want.entity);
        CHECK(after[i].op == want.op);
        CHECK(after[i].version == want.version);
        CHECK(after[i].updated_at == want.updated_at);
        CHECK(after[i].data_json == want.data_json);
    }
    CHECK(store->PendingOutboxAfter(0, 100, SIZE_MAX).size() == 11);
    CHECK(store->PendingOutboxAfter(all[3].seq, 2, SIZE_MAX).size() == 2);
    CHECK(store->PendingOutboxAfter(all[3].seq, 100, 1).size() == 1);  // the first always goes
    CHECK(store->PendingOutboxAfter(all[11].seq, 100, SIZE_MAX).empty());
}

TEST_CASE("MarkOutboxResults writes the given settings in the acknowledgement's commit") {
    auto store = OpenWithEvent();
    REQUIRE(store->SaveRegistration(SampleRegistration("s@example.be")).ok);
    auto batch = store->PendingOutbox(100, SIZE_MAX);
    int commits = 0;
    store->SetCommitHook([&] { commits++; });
    std::vector<std::pair<int64_t, OutboxOutcome>> results;
    for (const auto& e : batch) results.push_back({e.seq, OutboxOutcome::Applied});
    REQUIRE(store->MarkOutboxResults(results, {}, {{"sync.last_success_at", "2026-11-27T21:00:00Z"}}));
    CHECK(commits == 1);
    CHECK(store->PendingCount() == 0);
    CHECK(store->Setting("sync.last_success_at").value_or("") == "2026-11-27T21:00:00Z");
    CHECK(store->RejectedCount() == 0);
}
