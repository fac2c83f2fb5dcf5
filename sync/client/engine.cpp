// sync/client/engine.cpp — see engine.h for the state diagram and invariants.
//
// Transitions and the functions performing them:
//   Idle/Backoff -> Pushing   StartPush()   (due: timer, RequestSyncNow, periodic)
//   Pushing -> Pushing        OnPushAnswer() when more entries are pending
//   Pushing -> Pulling        StartPull()   when the outbox is empty
//   Pulling -> Pulling        OnPullAnswer() with has_more
//   Pulling -> Idle           OnPullAnswer() done
//   * -> Backoff              Fail()        (network, 5xx, 429, unreadable answer)
//   * -> NotEnrolled/Revoked  OnAuthError() (401 / 403)
#include "sync/client/engine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <random>

#include "core/clock.h"
#include "core/store.h"
#include "core/uuid.h"
#include "sync/client/pull_apply.h"
#include "sync/protocol/protocol.h"

namespace comptoir {

using nlohmann::json;
using Phase = SyncStatus::Phase;

namespace {
constexpr int64_t kBackoffFirstMs = 1000;
constexpr int64_t kBackoffMaxMs = 5 * 60 * 1000;
constexpr int kStuckAfterFailures = 3;
constexpr const char* kPullCursorKey = "sync.pull_cursor";
constexpr const char* kLastSuccessKey = "sync.last_success_at";
// Upper bounds of the push body's text around the data: the envelope without device_id and
// app_version, and one change's keys, quotes, version digits and separators.
constexpr size_t kEnvelopeBytes = 256;
constexpr size_t kChangeOverheadBytes = 96;
}  // namespace

struct SyncEngine::Impl {
    LocalStore& store;
    Transport& transport;
    SyncConfig config;
    SyncStatus status;
    std::function<void()> on_change;
    std::function<void()> on_store_changed;
    bool in_flight = false;
    bool sync_requested = false;     // saves, `online`, enrollment: wait for the backoff
    bool sync_forced = false;        // staff "sync now": skips the backoff, not Retry-After
    int64_t retry_after_until_ms = 0;  // a server's Retry-After: nothing is sent before
    int64_t now_ms = 0;
    int64_t next_periodic_ms = 0;
    int64_t first_failed_seq = -1;   // first entry of the batch that keeps failing
    int same_first_failures = 0;
    std::vector<int64_t> batch_seqs;  // entries of the batch in flight, in order
    std::mt19937 rng{std::random_device{}()};

    Impl(LocalStore& s, Transport& t) : store(s), transport(t) {}

    void Changed() {
        if (on_change) on_change();
    }

    std::vector<std::pair<std::string, std::string>> AuthHeaders() const {
        return {{"Authorization", "Bearer " + config.device_token},
                {"Content-Type", "application/json"}};
    }

    void RefreshCounts() {
        status.pending = store.PendingCount();
        status.rejected = store.RejectedCount();
    }

    // --- Backoff ---------------------------------------------------------------
    void Fail(const std::string& reason, const std::string& retry_after) {
        in_flight = false;
        generation++;
        next = Batch{};
        status.consecutive_failures++;
        status.last_error = reason;
        int64_t delay = kBackoffFirstMs;
        for (int i = 1; i < status.consecutive_failures && delay < kBackoffMaxMs; ++i) delay *= 2;
        delay = std::min(delay, kBackoffMaxMs);
        // Jitter: 80%..120% so that a room of kiosks does not retry in lockstep.
        std::uniform_real_distribution<double> jitter(0.8, 1.2);
        delay = int64_t(double(delay) * jitter(rng));
        if (!retry_after.empty()) {
            char* end = nullptr;
            long secs = std::strtol(retry_after.c_str(), &end, 10);
            if (end && *end == '\0' && secs > 0) {
                delay = std::max<int64_t>(delay, int64_t(secs) * 1000);
                retry_after_until_ms = now_ms + int64_t(secs) * 1000;
            }
        }
        status.phase = Phase::Backoff;
        status.next_attempt_ms = now_ms + delay;
        Changed();
    }

    // `persisted`: the caller already wrote last_success_at in its own transaction (a push
    // answer's acknowledgement: one commit per batch).
    void Succeeded(bool persisted = false) {
        status.consecutive_failures = 0;
        status.last_error.clear();
        if (!persisted) {
            status.last_success_at = NowRfc3339();
            store.SetSetting(kLastSuccessKey, status.last_success_at);
        }
    }

    bool HandleAuthErrors(const HttpResponse& r) {
        if (r.status == 401 || r.status == 403) {
            generation++;
            next = Batch{};
        }
        if (r.status == 401) {
            in_flight = false;
            status.phase = Phase::NotEnrolled;
            status.last_error = "unauthorized";
            Changed();
            return true;
        }
        if (r.status == 403) {
            in_flight = false;
            status.phase = Phase::Revoked;
            status.last_error = "revoked";
            Changed();
            return true;
        }
        return false;
    }

    static std::string ErrorReason(const HttpResponse& r) {
        if (r.status == 0) return r.error.empty() ? "network" : r.error;
        std::string code;
        json j = json::parse(r.body, nullptr, false);
        if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("code") &&
            j["error"]["code"].is_string())
            code = j["error"]["code"].get<std::string>();
        return "HTTP " + std::to_string(r.status) + (code.empty() ? "" : " " + code);
    }

    // --- Push ------------------------------------------------------------------
    // Pipelining with one request in flight: while batch N is on the wire, batch N+1 is
    // read from the outbox and encoded (`next`); when N's answer arrives, N+1 is sent
    // first and N's results are recorded in the store (one transaction) while the server
    // works on N+1. The server still sees a device's batches one after another, in outbox
    // order (a need never arrives before its creator), and an entry leaves the outbox
    // only on its own batch's answer. A failure drops `next` and bumps `generation`, so a
    // late answer of an abandoned request is ignored (its entries stay pending and are
    // resent; the server answers duplicate).
    struct Batch {
        bool valid = false;
        std::string body;
        std::vector<int64_t> seqs;
    };
    Batch next;
    uint64_t generation = 0;

    // Reads and encodes the batch following `after_seq` (the last entry of the batch in
    // flight; 0: none). Entries only leave the outbox on this engine's acknowledgements and
    // new ones get higher seqs (AUTOINCREMENT), so the entries on the wire are exactly the
    // pending ones up to after_seq: they are not read again.
    // Limits: max_changes, and max_bytes for the whole request body (the server's 413 is
    // about the body), estimated per change then checked on the encoded text.
    Batch BuildBatch(int64_t after_seq, int64_t in_flight_count) {
        Batch b;
        std::vector<OutboxEntry> entries = store.PendingOutboxAfter(after_seq, config.max_changes, SIZE_MAX);
        PushRequest req;
        req.device_id = config.device_id;
        req.batch_id = NewUuid();
        req.sent_at = NowRfc3339();
        req.app_version = config.app_version;
        req.pending = std::max<int64_t>(0, status.pending - in_flight_count);
        std::vector<RawChange> changes;
        changes.reserve(entries.size());
        b.seqs.reserve(entries.size());
        size_t bytes = kEnvelopeBytes + req.device_id.size() + req.app_version.size();
        for (OutboxEntry& e : entries) {
            size_t change_bytes = e.data_json.size() + e.record_id.size() + e.entity.size() + e.op.size() +
                                  e.updated_at.size() + kChangeOverheadBytes;
            if (bytes + change_bytes > config.max_bytes && !changes.empty()) break;  // the first entry always goes
            bytes += change_bytes;
            b.seqs.push_back(e.seq);
            changes.push_back(RawChange{std::move(e.record_id), std::move(e.entity), std::move(e.op), e.version,
                                        std::move(e.updated_at), std::move(e.data_json)});
        }
        b.body = EncodePushRequestText(req, changes);
        // The estimate is generous; should escaping ever exceed it, the batch shrinks.
        while (b.body.size() > config.max_bytes && changes.size() > 1) {
            size_t keep = std::max<size_t>(1, changes.size() * 3 / 4);
            changes.resize(keep);
            b.seqs.resize(keep);
            b.body = EncodePushRequestText(req, changes);
        }
        b.valid = true;
        return b;
    }

    void SendBatch(Batch b) {
        batch_seqs = std::move(b.seqs);
        int64_t first = batch_seqs.front();
        if (first_failed_seq == first && same_first_failures >= kStuckAfterFailures) status.stuck_first_item = true;
        status.phase = Phase::Pushing;
        in_flight = true;
        HttpRequest http;
        http.method = "POST";
        http.path = "/api/v1/sync/push";
        http.body = std::move(b.body);
        http.headers = AuthHeaders();
        uint64_t g = generation;
        transport.Send(http, [this, g, first](HttpResponse r) {
            if (g != generation) return;  // abandoned after a failure: its entries are resent
            OnPushAnswer(first, r);
        });
    }

    void StartPush() {
        Batch b = BuildBatch(0, 0);
        if (b.seqs.empty()) {
            StartPull();
            return;
        }
        SendBatch(std::move(b));
        Changed();
        next = BuildBatch(batch_seqs.back(), int64_t(batch_seqs.size()));  // overlaps with the request on the wire
    }

    void NotePushFailure(int64_t first_seq) {
        if (first_failed_seq == first_seq) {
            same_first_failures++;
        } else {
            first_failed_seq = first_seq;
            same_first_failures = 1;
        }
        status.stuck_first_item = same_first_failures >= kStuckAfterFailures;
    }

    void OnPushAnswer(int64_t first_seq, const HttpResponse& r) {
        in_flight = false;
        if (HandleAuthErrors(r)) return;
        if (r.status != 200) {
            NotePushFailure(first_seq);
            Fail(ErrorReason(r), r.retry_after);
            return;
        }
        PushResponse answer;
        std::string decode_error;
        json j = json::parse(r.body, nullptr, false);
        if (!DecodePushResponse(j, &answer, &decode_error) || answer.results.size() != batch_seqs.size()) {
            NotePushFailure(first_seq);
            Fail("unreadable answer: " + decode_error, "");
            return;
        }
        std::vector<std::pair<int64_t, OutboxOutcome>> outcomes;
        std::vector<std::string> reasons;
        int64_t rejected = 0;
        for (size_t i = 0; i < answer.results.size(); ++i) {
            const ChangeResult& res = answer.results[i];
            OutboxOutcome o = OutboxOutcome::Applied;
            std::string reason;
            if (res.status == "duplicate") o = OutboxOutcome::Duplicate;
            else if (res.status == "stale") o = OutboxOutcome::Stale;
            else if (res.status == "rejected") {
                o = OutboxOutcome::Rejected;
                reason = res.error_code + (res.error_field.empty() ? "" : " (" + res.error_field + ")");
                rejected++;
            }
            outcomes.push_back({batch_seqs[i], o});
            reasons.push_back(reason);
        }
        const size_t answered = batch_seqs.size();
        // Pipelining: the next batch goes out before this answer is recorded.
        bool sent_next = false;
        if (next.valid && !next.seqs.empty()) {
            SendBatch(std::move(next));
            sent_next = true;
        }
        next = Batch{};
        std::string success_at = NowRfc3339();
        if (!store.MarkOutboxResults(outcomes, reasons, {{kLastSuccessKey, success_at}})) {
            Fail("local store: cannot record the answer", "");
            return;
        }
        status.last_success_at = std::move(success_at);
        first_failed_seq = -1;
        same_first_failures = 0;
        status.stuck_first_item = false;
        status.sent_this_run += int64_t(answered);
        status.pending = std::max<int64_t>(0, status.pending - int64_t(answered));
        status.rejected += rejected;
        Succeeded(/*persisted=*/true);
        if (on_store_changed) on_store_changed();
        if (sent_next) {
            Changed();
            next = BuildBatch(batch_seqs.back(), int64_t(batch_seqs.size()));
            return;
        }
        RefreshCounts();
        StartPush();  // entries saved meanwhile, or the pull when the outbox is empty
    }

    // --- Pull ------------------------------------------------------------------
    void StartPull() {
        status.phase = Phase::Pulling;
        in_flight = true;
        Changed();
        HttpRequest http;
        http.method = "GET";
        std::string cursor = store.Setting(kPullCursorKey).value_or("");
        http.path = "/api/v1/sync/pull" + (cursor.empty() ? std::string() : "?since=" + UrlEncode(cursor));
        http.headers = AuthHeaders();
        transport.Send(http, [this](HttpResponse r) { OnPullAnswer(r); });
    }

    static std::string UrlEncode(const std::string& s) {
        static const char* hex = "0123456789ABCDEF";
        std::string o;
        for (unsigned char c : s) {
            if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
                o += char(c);
            } else {
                o += '%';
                o += hex[c >> 4];
                o += hex[c & 15];
            }
        }
        return o;
    }

    void OnPullAnswer(const HttpResponse& r) {
        if (HandleAuthErrors(r)) return;
        if (r.status != 200) {
            Fail(ErrorReason(r), r.retry_after);
            return;
        }
        PullResponse answer;
        std::string decode_error;
        json j = json::parse(r.body, nullptr, false);
        if (!DecodePullResponse(j, &answer, &decode_error)) {
            Fail("unreadable answer: " + decode_error, "");
            return;
        }
        ApplyPulledChanges(store, answer.changes);
        store.SetSetting(kPullCursorKey, answer.cursor);
        in_flight = false;
        Succeeded();
        if (on_store_changed) on_store_changed();
        if (answer.has_more) {
            StartPull();
            return;
        }
        status.phase = Phase::Idle;
        status.total_this_run = status.sent_this_run;
        RefreshCounts();
        Changed();
    }

    void Tick(int64_t now) {
        now_ms = now;
        transport.Poll();
        if (in_flight) return;
        if (config.device_token.empty()) {
            if (status.phase != Phase::NotEnrolled) {
                status.phase = Phase::NotEnrolled;
                Changed();
            }
            return;
        }
        if (status.phase == Phase::NotEnrolled || status.phase == Phase::Revoked) {
            if (!sync_requested && !sync_forced) return;  // retried only on an explicit request
        }
        // A server's Retry-After is never overridden; the exponential backoff only by staff.
        if (now < retry_after_until_ms) return;
        bool backing_off = status.phase == Phase::Backoff && now < status.next_attempt_ms;
        bool due;
        if (backing_off) due = sync_forced;
        else if (status.phase == Phase::Backoff) due = true;  // the backoff delay is over
        else due = sync_forced || sync_requested || now >= next_periodic_ms;
        if (!due) return;
        sync_forced = false;
        sync_requested = false;
        next_periodic_ms = now + config.periodic_ms;
        RefreshCounts();
        status.sent_this_run = 0;
        status.total_this_run = status.pending;
        StartPush();
    }
};

SyncEngine::SyncEngine(LocalStore& store, Transport& transport)
    : impl_(std::make_unique<Impl>(store, transport)) {
    impl_->status.last_success_at = store.Setting(kLastSuccessKey).value_or("");
    impl_->RefreshCounts();
}

SyncEngine::~SyncEngine() = default;

void SyncEngine::Configure(const SyncConfig& config) {
    impl_->config = config;
    impl_->status.phase = config.device_token.empty() ? Phase::NotEnrolled : Phase::Idle;
    impl_->sync_requested = !config.device_token.empty();
    impl_->Changed();
}

void SyncEngine::Enroll(const std::string& code, const std::string& device_name,
                        std::function<void(EnrollResult)> done) {
    HttpRequest http;
    http.method = "POST";
    http.path = "/api/v1/devices/enroll";
    http.body = json{{"enrollment_code", code}, {"device_name", device_name}}.dump();
    http.headers = {{"Content-Type", "application/json"}};
    impl_->transport.Send(http, [done = std::move(done)](HttpResponse r) {
        EnrollResult out;
        json j = json::parse(r.body, nullptr, false);
        if (r.status == 200 && j.is_object() && j.contains("device_id") && j["device_id"].is_string() &&
            j.contains("device_token") && j["device_token"].is_string()) {
            out.ok = true;
            out.device_id = j["device_id"].get<std::string>();
            out.device_token = j["device_token"].get<std::string>();
        } else {
            out.error = Impl::ErrorReason(r);
            if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("code") &&
                j["error"]["code"].is_string())
                out.error = j["error"]["code"].get<std::string>();
        }
        done(out);
    });
}

void SyncEngine::Tick(int64_t now_ms) { impl_->Tick(now_ms); }

void SyncEngine::RequestSyncNow() {
    impl_->sync_requested = true;
    impl_->Changed();
}

void SyncEngine::SyncNowIgnoringBackoff() {
    impl_->sync_forced = true;
    impl_->Changed();
}

const SyncStatus& SyncEngine::Status() const { return impl_->status; }

void SyncEngine::SetOnChange(std::function<void()> f) { impl_->on_change = std::move(f); }
void SyncEngine::SetOnStoreChanged(std::function<void()> f) { impl_->on_store_changed = std::move(f); }

}  // namespace comptoir
