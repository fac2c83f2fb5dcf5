// The device's sync engine against a scripted fake transport: what is sent, what is
// kept, when it retries. No network; a real (in-memory) SQLite store.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <deque>
#include <set>

#include "core/store.h"
#include "sync/client/engine.h"
#include "sync/protocol/protocol.h"

using namespace comptoir;
using nlohmann::json;

namespace {

// Records every request; answers them when the test says so.
struct FakeTransport : Transport {
    struct Call {
        HttpRequest req;
        std::function<void(HttpResponse)> done;
    };
    std::deque<Call> calls;
    std::vector<HttpRequest> log;

    void Send(const HttpRequest& req, std::function<void(HttpResponse)> done) override {
        calls.push_back({req, std::move(done)});
        log.push_back(req);
    }
    bool HasCall() const { return !calls.empty(); }
    HttpRequest Front() const { return calls.front().req; }
    void Answer(int status, const json& body, std::string retry_after = "") {
        REQUIRE(HasCall());
        Call c = std::move(calls.front());
        calls.pop_front();
        HttpResponse r;
        r.status = status;
        r.body = body.is_null() ? std::string() : body.dump();
        r.retry_after = std::move(retry_after);
        c.done(r);
    }
    // Answers a push with one status for every change.
    void AnswerPushAll(const std::string& status) {
        json req = json::parse(Front().body);
        json results = json::array();
        for (auto& c : req["changes"]) {
            json r = {{"id", c["id"]}, {"status", status}};
            if (status == "rejected")
                r["error"] = {{"code", "email.invalid"}, {"field", "email"}, {"message", "bad"}};
            results.push_back(r);
        }
        Answer(200, {{"batch_id", req["batch_id"]}, {"results", results}, {"server_time", "2026-11-27T14:00:00Z"}});
    }
    void AnswerEmptyPull(const std::string& cursor = "c1") {
        Answer(200, {{"cursor", cursor}, {"has_more", false}, {"changes", json::array()}});
    }
};

Registration MakeRegistration(const std::string& email, const std::string& first = "Anne") {
    Registration reg;
    reg.creator.first_name = first;
    reg.creator.last_name = "Dupont";
    reg.creator.email = email;
    reg.creator.sectors = {"cinema"};
    reg.creator.consents.processing.given = true;
    reg.creator.consents.processing.text_version = "fr-2026-1";
    Need n;
    n.item = "espaces.salle-montage";
    n.frequency = "mensuel";
    reg.needs.push_back(n);
    return reg;
}

SyncConfig Enrolled() {
    SyncConfig c;
    c.device_id = "dev-1";
    c.device_token = "tok-1";
    c.app_version = "test";
    return c;
}

// Answers "applied" to every push until the engine moves on (to the pull), checking each
// request body first; counts the pushes and the changes sent.
void AnswerEveryPush(FakeTransport& t, size_t* pushes, size_t* sent,
                     const std::function<void(const std::string&, const json&)>& check) {
    while (t.HasCall() && t.Front().method == "POST") {
        std::string text = t.Front().body;
        json body = json::parse(text);
        check(text, body);
        *sent += body["changes"].size();
        ++*pushes;
        t.AnswerPushAll("applied");
    }
}

std::unique_ptr<LocalStore> OpenStore() {
    std::string err;
    auto s = LocalStore::Open(":memory:", &err);
    REQUIRE_MESSAGE(s, err);
    return s;
}

}  // namespace

TEST_CASE("sync engine: not enrolled sends nothing") {
    auto store = OpenStore();
    FakeTransport t;
    SyncEngine engine(*store, t);
    REQUIRE(store->SaveRegistration(MakeRegistration("anne@example.be")).ok);
    engine.Tick(1000);
    engine.RequestSyncNow();
    engine.Tick(2000);
    CHECK_FALSE(t.HasCall());
    CHECK(engine.Status().phase == SyncStatus::Phase::NotEnrolled);
}

TEST_CASE("sync engine: push, acknowledge, then pull reference data") {
    auto store = OpenStore();
    FakeTransport t;
    SyncEngine engine(*store, t);
    REQUIRE(store->SaveRegistration(MakeRegistration("anne@example.be")).ok);
    const int64_t pending_before = store->PendingCount();
    REQUIRE(pending_before >= 2);  // the creator and the need
    engine.Configure(Enrolled());
    engine.Tick(1000);

    REQUIRE(t.HasCall());
    HttpRequest push = t.Front();
    CHECK(push.method == "POST");
    CHECK(push.path == "/api/v1/sync/push");
    json body = json::parse(push.body);
    CHECK(body["protocol"] == 1);
    CHECK(body["device_id"] == "dev-1");
    CHECK(body["batch_id"].get<std::string>().size() == 36);
    REQUIRE(body["changes"].size() == size_t(pending_before));
    bool saw_creator = false;
    for (auto& c : body["changes"]) {
        CHECK(c["op"] == "upsert");
        CHECK(c["version"].get<int64_t>() >= 1);
        if (c["entity"] == "creator") {
            saw_creator = true;
            CHECK(c["data"]["email"] == "anne@example.be");
            CHECK(c["data"]["consents"]["processing"]["given"] == true);
        }
    }
    CHECK(saw_creator);
    bool has_auth = false;
    for (auto& [k, v] : push.headers) has_auth |= (k == "Authorization" && v == "Bearer tok-1");
    CHECK(has_auth);

    SUBCASE("applied entries leave the outbox, then a pull follows") {
        t.AnswerPushAll("applied");
        CHECK(store->PendingCount() == 0);
        REQUIRE(t.HasCall());
        CHECK(t.Front().method == "GET");
        CHECK(t.Front().path == "/api/v1/sync/pull");
        json ev = {{"title", "Table cinéma"}, {"sector", "cinema"}, {"date", "2026-12-03"}, {"place", "Mons"}};
        t.Answer(200, {{"cursor", "42"},
                       {"has_more", false},
                       {"changes", json::array({{{"entity", "event"}, {"id", "ev-1"}, {"op", "upsert"}, {"data", ev}}})}});
        CHECK(engine.Status().phase == SyncStatus::Phase::Idle);
        CHECK_FALSE(engine.Status().last_success_at.empty());
        auto events = store->Events();
        REQUIRE(events.size() == 1);
        CHECK(events[0].title == "Table cinéma");
        // The next pull starts from the saved cursor.
        engine.RequestSyncNow();
        engine.Tick(2000);
        REQUIRE(t.HasCall());
        CHECK(t.Front().path == "/api/v1/sync/pull?since=42");
    }
    SUBCASE("duplicate and stale are acknowledged too") {
        t.AnswerPushAll("duplicate");
        CHECK(store->PendingCount() == 0);
    }
    SUBCASE("a rejected entry is kept with its reason and does not block") {
        t.AnswerPushAll("rejected");
        CHECK(store->PendingCount() == 0);
        auto rejected = store->RejectedOutbox();
        REQUIRE(rejected.size() == size_t(pending_before));
        CHECK(rejected[0].last_error.find("email.invalid") != std::string::npos);
        t.AnswerEmptyPull();
        CHECK(engine.Status().rejected == pending_before);
        // A new registration goes out alone.
        REQUIRE(store->SaveRegistration(MakeRegistration("bob@example.be", "Bob")).ok);
        engine.RequestSyncNow();
        engine.Tick(5000);
        REQUIRE(t.HasCall());
        json next = json::parse(t.Front().body);
        for (auto& c : next["changes"])
            if (c["entity"] == "creator") CHECK(c["data"]["email"] == "bob@example.be");
    }
}

TEST_CASE("sync engine: failures back off, keep the data, and recover") {
    auto store = OpenStore();
    FakeTransport t;
    SyncEngine engine(*store, t);
    REQUIRE(store->SaveRegistration(MakeRegistration("anne@example.be")).ok);
    const int64_t pending = store->PendingCount();
    engine.Configure(Enrolled());
    engine.Tick(0);

    SUBCASE("network failure: backoff 1 s (with jitter), data kept") {
        t.Answer(0, nullptr);
        CHECK(engine.Status().phase == SyncStatus::Phase::Backoff);
        CHECK(store->PendingCount() == pending);
        CHECK(engine.Status().last_error == "network");
        int64_t next = engine.Status().next_attempt_ms;
        CHECK(next >= 800);
        CHECK(next <= 1200);
        engine.Tick(next - 1);
        CHECK_FALSE(t.HasCall());
        engine.Tick(next);
        REQUIRE(t.HasCall());
        SUBCASE("the delay doubles") {
            t.Answer(503, {{"error", {{"code", "unavailable"}, {"message", "x"}}}});
            int64_t second = engine.Status().next_attempt_ms - next;
            CHECK(second >= 1600);
            CHECK(second <= 2400);
            CHECK(engine.Status().last_error == "HTTP 503 unavailable");
        }
        SUBCASE("success resets the failures") {
            t.AnswerPushAll("applied");
            t.AnswerEmptyPull();
            CHECK(engine.Status().consecutive_failures == 0);
            CHECK(engine.Status().last_error.empty());
            CHECK(store->PendingCount() == 0);
        }
    }
    SUBCASE("429 respects Retry-After") {
        t.Answer(429, {{"error", {{"code", "rate_limited"}, {"message", "x"}}}}, "30");
        CHECK(engine.Status().next_attempt_ms >= 30000);
    }
    SUBCASE("the delay never exceeds 5 minutes (+ jitter)") {
        int64_t now = 0;
        for (int i = 0; i < 20; ++i) {
            t.Answer(0, nullptr);
            now = engine.Status().next_attempt_ms;
            engine.Tick(now);
        }
        t.Answer(0, nullptr);
        CHECK(engine.Status().next_attempt_ms - now <= 360000);
        CHECK(engine.Status().stuck_first_item);
    }
    SUBCASE("403 means revoked: no more attempts by itself") {
        t.Answer(403, {{"error", {{"code", "revoked"}, {"message", "x"}}}});
        CHECK(engine.Status().phase == SyncStatus::Phase::Revoked);
        engine.Tick(10'000'000);
        CHECK_FALSE(t.HasCall());
        CHECK(store->PendingCount() == pending);
    }
    SUBCASE("an unreadable 200 is a failure, not an acknowledgement") {
        HttpResponse r;
        t.Answer(200, json::object({{"nonsense", true}}));
        CHECK(engine.Status().phase == SyncStatus::Phase::Backoff);
        CHECK(store->PendingCount() == pending);
    }
}

TEST_CASE("sync engine: a crash mid-request resends the same records") {
    auto store = OpenStore();
    json first_changes;
    {
        FakeTransport t;
        SyncEngine engine(*store, t);
        REQUIRE(store->SaveRegistration(MakeRegistration("anne@example.be")).ok);
        engine.Configure(Enrolled());
        engine.Tick(0);
        REQUIRE(t.HasCall());
        first_changes = json::parse(t.Front().body)["changes"];
        // The engine and its transport disappear without an answer (reload, crash).
    }
    FakeTransport t2;
    SyncEngine engine2(*store, t2);
    engine2.Configure(Enrolled());
    engine2.Tick(0);
    REQUIRE(t2.HasCall());
    json again = json::parse(t2.Front().body)["changes"];
    REQUIRE(again.size() == first_changes.size());
    for (size_t i = 0; i < again.size(); ++i) {
        CHECK(again[i]["id"] == first_changes[i]["id"]);
        CHECK(again[i]["version"] == first_changes[i]["version"]);
    }
}

TEST_CASE("sync engine: batches respect the 500-change limit") {
    auto store = OpenStore();
    for (int i = 0; i < 300; ++i)
        REQUIRE(store->SaveRegistration(MakeRegistration("p" + std::to_string(i) + "@example.be")).ok);
    const int64_t pending = store->PendingCount();
    REQUIRE(pending == 600);
    FakeTransport t;
    SyncEngine engine(*store, t);
    engine.Configure(Enrolled());
    engine.Tick(0);
    size_t pushes = 0, sent = 0;
    AnswerEveryPush(t, &pushes, &sent, [](const std::string& text, const json& body) {
        CHECK(body["changes"].size() <= 500);
        CHECK(text.size() <= size_t(1 << 20));
    });
    CHECK(pushes == 2);
    CHECK(sent == 600);
    CHECK(engine.Status().sent_this_run == 600);
    CHECK(store->PendingCount() == 0);
}

TEST_CASE("sync engine: the byte limit holds for the whole request body, envelope included") {
    auto store = OpenStore();
    for (int i = 0; i < 40; ++i)
        REQUIRE(store->SaveRegistration(MakeRegistration("b" + std::to_string(i) + "@example.be")).ok);
    FakeTransport t;
    SyncEngine engine(*store, t);
    SyncConfig config = Enrolled();
    config.max_bytes = 4096;  // a few changes per batch: the envelope and keys matter
    engine.Configure(config);
    engine.Tick(0);
    size_t pushes = 0, sent = 0;
    AnswerEveryPush(t, &pushes, &sent, [&](const std::string& text, const json& body) {
        CHECK(text.size() <= config.max_bytes);
        CHECK(body["changes"].size() >= 2);
    });
    CHECK(sent == 80);
    CHECK(pushes >= 10);
    CHECK(store->PendingCount() == 0);
}

TEST_CASE("sync engine: one commit per acknowledged batch, last success included") {
    auto store = OpenStore();
    for (int i = 0; i < 300; ++i)
        REQUIRE(store->SaveRegistration(MakeRegistration("c" + std::to_string(i) + "@example.be")).ok);
    FakeTransport t;
    SyncEngine engine(*store, t);
    engine.Configure(Enrolled());
    int commits = 0;
    store->SetCommitHook([&] { commits++; });
    engine.Tick(0);
    REQUIRE(t.HasCall());
    t.AnswerPushAll("applied");
    CHECK(commits == 1);
    CHECK(store->PendingCount() == 100);
    CHECK_FALSE(engine.Status().last_success_at.empty());
    CHECK(store->Setting("sync.last_success_at").value_or("") == engine.Status().last_success_at);
    t.AnswerPushAll("applied");
    CHECK(commits == 2);
    CHECK(store->PendingCount() == 0);
}

TEST_CASE("sync engine: a save during a backoff waits for the delay; staff may skip it, never Retry-After") {
    auto store = OpenStore();
    FakeTransport t;
    SyncEngine engine(*store, t);
    REQUIRE(store->SaveRegistration(MakeRegistration("anne@example.be")).ok);
    engine.Configure(Enrolled());
    engine.Tick(0);
    REQUIRE(t.HasCall());

    SUBCASE("exponential backoff: saves do not wake it, staff does") {
        t.Answer(0, nullptr);  // network down
        REQUIRE(engine.Status().phase == SyncStatus::Phase::Backoff);
        int64_t due = engine.Status().next_attempt_ms;
        REQUIRE(due >= 800);
        // A registration saved during the outage asks for a sync...
        REQUIRE(store->SaveRegistration(MakeRegistration("bob@example.be", "Bob")).ok);
        engine.RequestSyncNow();
        engine.Tick(100);
        engine.Tick(due - 1);
        CHECK_FALSE(t.HasCall());  // ...which waits for the backoff
        SUBCASE("the attempt happens when the delay is over, with both registrations") {
            engine.Tick(due);
            REQUIRE(t.HasCall());
            CHECK(json::parse(t.Front().body)["changes"].size() == 4);
        }
        SUBCASE("staff \"sync now\" skips the backoff") {
            engine.SyncNowIgnoringBackoff();
            engine.Tick(200);
            REQUIRE(t.HasCall());
            CHECK(t.Front().method == "POST");
        }
    }
    SUBCASE("Retry-After: neither saves nor staff send before it") {
        t.Answer(429, {{"error", {{"code", "rate_limited"}, {"message", "x"}}}}, "120");
        engine.RequestSyncNow();
        engine.Tick(1000);
        engine.SyncNowIgnoringBackoff();
        engine.Tick(2000);
        engine.Tick(119'999);
        CHECK_FALSE(t.HasCall());
        CHECK(store->PendingCount() == 2);
        engine.Tick(120'000 + 24'000);  // after Retry-After (and the jittered backoff)
        REQUIRE(t.HasCall());
        t.AnswerPushAll("applied");
        CHECK(store->PendingCount() == 0);
    }
    SUBCASE("not backing off: a save is sent at the next tick") {
        t.AnswerPushAll("applied");
        t.AnswerEmptyPull();
        REQUIRE(engine.Status().phase == SyncStatus::Phase::Idle);
        REQUIRE(store->SaveRegistration(MakeRegistration("bob@example.be", "Bob")).ok);
        engine.RequestSyncNow();
        engine.Tick(10);
        REQUIRE(t.HasCall());
        CHECK(json::parse(t.Front().body)["changes"].size() == 2);
    }
}

TEST_CASE("sync engine: pipelined batches keep outbox order and exactly-once acknowledgement") {
    auto store = OpenStore();
    for (int i = 0; i < 400; ++i)
        REQUIRE(store->SaveRegistration(MakeRegistration("p" + std::to_string(i) + "@example.be")).ok);
    REQUIRE(store->PendingCount() == 800);
    FakeTransport t;
    SyncEngine engine(*store, t);
    engine.Configure(Enrolled());
    engine.Tick(0);
    REQUIRE(t.calls.size() == 1);  // one request in flight, the next one prepared
    json first = json::parse(t.Front().body);
    REQUIRE(first["changes"].size() == 500);

    SUBCASE("the next batch starts right after the last entry of the previous one") {
        // A save made while the first batch is on the wire goes after the prepared batch.
        REQUIRE(store->SaveRegistration(MakeRegistration("late@example.be", "Late")).ok);
        t.AnswerPushAll("applied");
        REQUIRE(t.calls.size() == 1);
        json second = json::parse(t.Front().body);
        CHECK(second["batch_id"] != first["batch_id"]);
        CHECK(second["changes"].size() == 300);
        std::set<std::string> ids;
        for (auto& c : first["changes"]) ids.insert(c["id"].get<std::string>() + "/" + std::to_string(c["version"].get<int>()));
        for (auto& c : second["changes"])
            CHECK(ids.insert(c["id"].get<std::string>() + "/" + std::to_string(c["version"].get<int>())).second);
        CHECK(store->PendingCount() == 302);  // the first batch is acknowledged
        t.AnswerPushAll("applied");
        REQUIRE(t.HasCall());
        json third = json::parse(t.Front().body);
        REQUIRE(third["changes"].size() == 2);  // the late registration, after the others
        CHECK(third["changes"][0]["data"]["email"] == "late@example.be");
        t.AnswerPushAll("applied");
        t.AnswerEmptyPull();
        CHECK(store->PendingCount() == 0);
        CHECK(engine.Status().pending == 0);
        CHECK(engine.Status().sent_this_run == 802);
    }
    SUBCASE("a failed answer drops the prepared batch: the same entries are resent") {
        t.Answer(503, {{"error", {{"code", "unavailable"}, {"message", "x"}}}});
        CHECK_FALSE(t.HasCall());
        CHECK(store->PendingCount() == 800);
        engine.Tick(engine.Status().next_attempt_ms);
        REQUIRE(t.HasCall());
        json again = json::parse(t.Front().body);
        REQUIRE(again["changes"].size() == 500);
        CHECK(again["batch_id"] != first["batch_id"]);
        CHECK(again["changes"][0]["id"] == first["changes"][0]["id"]);
        CHECK(again["changes"][499]["id"] == first["changes"][499]["id"]);
    }
}

TEST_CASE("protocol: EncodePushRequestText is EncodePushRequest without the parse") {
    PushRequest r;
    r.device_id = "dev-\"1\"";
    r.batch_id = "b-1";
    r.sent_at = "2026-11-27T14:00:00Z";
    r.app_version = "1.0";
    r.pending = 7;
    std::vector<RawChange> raw = {
        {"id-1", "creator", "upsert", 3, "2026-11-27T13:00:00Z", R"({"first_name":"Zoë","email":"z@e.be"})"},
        {"id-2", "need", "delete", 2, "2026-11-27T13:00:01Z", "not json"},
        {"id-3", "need", "upsert", 1, "", "[1,2]"}};
    for (const RawChange& c : raw) {
        Change ch;
        ch.id = c.id;
        ch.entity = c.entity;
        ch.op = c.op;
        ch.version = c.version;
        ch.updated_at = c.updated_at;
        ch.data = json::parse(c.data_json, nullptr, false);
        if (ch.data.is_discarded()) ch.data = json::object();
        r.changes.push_back(ch);
    }
    json expected = EncodePushRequest(r);
    json got = json::parse(EncodePushRequestText(r, raw));
    CHECK(got == expected);
}
