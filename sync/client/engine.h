// sync/client/engine.h — the device's sync engine: a platform-independent loop that
// pushes the outbox and pulls reference data over a Transport.
//
// Call Tick(now_ms) once per frame (cheap when nothing is due); it never blocks.
// Triggers: the timer (backoff), RequestSyncNow() (after each save, the browser's
// `online` event; waits for the backoff), SyncNowIgnoringBackoff() (staff "sync now";
// skips the backoff, never a server's Retry-After).
//
// States:  Idle --(due)--> Pushing --(batch answered, more pending)--> Pushing
//                                   --(outbox empty)--> Pulling --(has_more)--> Pulling
//                                                                  --(done)--> Idle
//          any request failing (status 0, 5xx, 429) --> Backoff (1 s doubling to 5 min,
//          with jitter; Retry-After respected) --(due)--> Pushing
//  Invariants: one request in flight at most (the next batch is read and encoded while
//  the previous one is on the wire, and sent before the previous answer is recorded); an outbox entry leaves the store only when
//  the server's answer for its batch says applied/duplicate/stale; a reload or crash
//  mid-request resends the same entries (the server's idempotency makes that harmless).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sync/client/transport.h"

namespace comptoir {

class LocalStore;

struct SyncConfig {
    std::string base_url;       // "" = same origin (browser)
    std::string device_id;
    std::string device_token;
    std::string app_version;
    size_t max_changes = 500;
    size_t max_bytes = 1 << 20;
    int64_t periodic_ms = 60000;   // a sync attempt at least this often when idle
};

struct SyncStatus {
    enum class Phase { Idle, Pushing, Pulling, Backoff, NotEnrolled, Revoked };
    Phase phase = Phase::NotEnrolled;
    int64_t pending = 0;           // outbox entries waiting
    int64_t rejected = 0;          // entries the server refused (see LocalStore::RejectedOutbox)
    int64_t sent_this_run = 0;     // for a progress bar during "sync now"
    int64_t total_this_run = 0;
    std::string last_success_at;   // RFC 3339, empty if never
    std::string last_error;        // human-readable reason of the last failure
    int64_t next_attempt_ms = 0;   // when the next attempt is due (Backoff)
    int consecutive_failures = 0;
    bool stuck_first_item = false; // the same first entry failed 3+ times in a row
};

struct EnrollResult {
    bool ok = false;
    std::string device_id;
    std::string device_token;
    std::string error;             // server's error code or transport reason
};

class SyncEngine {
public:
    SyncEngine(LocalStore& store, Transport& transport);
    ~SyncEngine();

    void Configure(const SyncConfig& config);
    // Enrolls this device (sync-v1 POST /api/v1/devices/enroll); asynchronous.
    void Enroll(const std::string& enrollment_code, const std::string& device_name,
                std::function<void(EnrollResult)> done);

    void Tick(int64_t now_ms);
    // Asks for a sync at the next Tick (after a save, enrollment, the browser's `online`
    // event) — unless the engine is backing off after a failure: then the attempt waits
    // for the backoff delay (a room of kiosks saving during an outage must not hammer the
    // server, nor skip its Retry-After).
    void RequestSyncNow();
    // Staff "sync now": tries at the next Tick even while backing off, but never before a
    // server's Retry-After has passed.
    void SyncNowIgnoringBackoff();
    const SyncStatus& Status() const;
    // Called whenever the status changes (the UI wakes up to redraw).
    void SetOnChange(std::function<void()> on_change);
    // Called after a push changed the store (acknowledged entries removed): the app
    // persists the store then (browser: dirty pages to IndexedDB).
    void SetOnStoreChanged(std::function<void()> on_store_changed);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace comptoir
