// core/store.h — the device's local store: creators, needs, offers, attendance,
// reference data (catalogue, events, settings) and the sync outbox, on SQLite.
//
// Invariants:
//  1. Every local change of a synced record and its outbox entry are written in the
//     same transaction: no change without an entry, no entry without a change.
//  2. A record's `version` grows by one at each local change; the outbox entry carries
//     the version it describes. Deletes are tombstones (op "delete").
//  3. The outbox is read in `seq` order and acknowledged up to the last seq sent;
//     a rejected entry stays (with its reason) until staff deal with it, and never
//     blocks the ones after it.
//  4. After a creator's changes are all acknowledged, a public kiosk may purge its
//     personal data (PurgeAcknowledged) keeping only what counts need.
//
// Usage:
//   auto store = LocalStore::Open(":memory:", &err);        // migrations run on open
//   SaveResult r = store->SaveRegistration(reg);              // validates + writes + outbox
//   if (r.ok) ...; else for (auto& e : r.errors) ...;
//   auto batch = store->PendingOutbox(500, 1 << 20);
//   store->MarkOutboxResults(...);
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/domain.h"
#include "core/validate.h"

namespace comptoir {

class Db;

struct OutboxEntry {
    int64_t seq = 0;
    std::string entity;      // "creator", "need", "offer", "attendance"
    std::string record_id;
    std::string op;          // "upsert" | "delete"
    int64_t version = 0;
    std::string updated_at;
    std::string data_json;   // the sync-v1 `data` object, serialized
    int attempts = 0;
    std::string last_error;  // reason of a rejection, for staff
    bool rejected = false;
};

// Per-entry outcome reported by the server (sync-v1 result statuses).
enum class OutboxOutcome { Applied, Duplicate, Stale, Rejected };

struct SaveResult {
    bool ok = false;
    std::vector<FieldError> errors;  // validation errors, nothing written when non-empty
    std::string storage_error;       // SQLite failure, nothing written
    std::string creator_id;
};

// The only thing a returning creator's check-in reveals: the first name.
struct ReturningCreator {
    std::string creator_id;
    std::string first_name;
};

struct StoreCounts {
    int64_t creators = 0;
    int64_t needs = 0;
    int64_t attendances_current_event = 0;
    int64_t outbox_pending = 0;
    int64_t outbox_rejected = 0;
};

class LocalStore {
public:
    // Opens or creates the database and runs migrations (PRAGMA user_version).
    // vfs: SQLite VFS name (the browser's page-tracking VFS), or null for the default.
    static std::unique_ptr<LocalStore> Open(const std::string& path, std::string* error,
                                            const char* vfs = nullptr);
    ~LocalStore();

    // --- registrations ---
    // Validates (ValidateCreator/Need/Offer + catalogue ids), assigns ids/versions/times
    // where empty, writes creator, needs, offers and the attendance (if event_id) with
    // their outbox entries in one transaction, then calls the commit hook.
    // Field paths of errors: "email", "sectors[1]", "needs[0].item", "event_id"…
    // A registration is the person's complete current declaration: re-registering an
    // email already known here (same EmailIdentityKey) updates that creator (version+1);
    // its needs/offers are matched by item (offers by kind+item+description): unchanged
    // ones are left alone, changed ones get version+1, missing ones are deleted
    // (tombstone + outbox "delete"). Catalogue ids must exist and not be retired; the
    // event must exist (retired allowed). The kiosk's extra rules (a sector, a need) are
    // in ValidateRegistrationForKiosk(), not here.
    SaveResult SaveRegistration(Registration reg);
    std::optional<Creator> GetCreator(const std::string& id);
    std::optional<Creator> FindCreatorByEmail(const std::string& email);  // any case/spaces
    std::vector<Need> NeedsOf(const std::string& creator_id);
    std::vector<Offer> OffersOf(const std::string& creator_id);
    std::vector<Attendance> AttendancesOf(const std::string& creator_id);

    // --- returning creators ---
    std::optional<ReturningCreator> LookupReturning(const std::string& email);
    // Adds an attendance (creator × event) with its outbox entry; idempotent per pair.
    bool CheckIn(const std::string& creator_id, const std::string& event_id);

    // --- outbox ---
    // Entries not yet acknowledged and not rejected, in seq order, within limits.
    std::vector<OutboxEntry> PendingOutbox(size_t max_changes, size_t max_bytes);
    // The same, starting after `after_seq` (the last entry of the batch in flight): the
    // sync engine reads the next batch without re-reading the one on the wire. One index
    // range (outbox_pending), no sort.
    std::vector<OutboxEntry> PendingOutboxAfter(int64_t after_seq, size_t max_changes, size_t max_bytes);
    // Applies the server's per-entry results of one batch in one transaction:
    // Applied/Duplicate/Stale -> removed; Rejected -> kept with its reason. `settings`
    // (key, value) are written in the same transaction (the sync engine's "last success"),
    // so acknowledging a batch costs one commit.
    bool MarkOutboxResults(const std::vector<std::pair<int64_t, OutboxOutcome>>& results,
                           const std::vector<std::string>& reasons,
                           const std::vector<std::pair<std::string, std::string>>& settings = {});
    std::vector<OutboxEntry> RejectedOutbox();
    int64_t RejectedCount();
    // Records a failed attempt (network error, 5xx) for these entries: attempts+1 and the
    // reason; they stay pending. Lets the engine detect a stuck first entry.
    bool NoteOutboxFailure(const std::vector<int64_t>& seqs, const std::string& reason);
    int64_t PendingCount();

    // --- reference data (pulled from the server, seeded at first start) ---
    std::vector<CatalogueEntry> Catalogue(const std::string& kind, bool include_retired = false);
    bool UpsertCatalogue(const CatalogueEntry& e);
    std::vector<Event> Events(bool include_retired = false);
    bool UpsertEvent(const Event& e);
    std::optional<std::string> Setting(const std::string& key);
    bool SetSetting(const std::string& key, const std::string& value);
    // Maps an alias creator id to the server's canonical one (sync-v1 creator_alias).
    bool AddCreatorAlias(const std::string& alias_id, const std::string& canonical_id);

    StoreCounts Counts(const std::string& current_event_id);

    // Public kiosks: blanks the personal data (names, email, phone, postcode, commune,
    // structure, website, free texts) of every creator whose changes — and those of its
    // needs, offers and attendances — are all acknowledged (no outbox entry left).
    // Sectors, professions, need items and attendances stay for the counts. Returns the
    // number of creators purged, or -1 on a storage error. SQLite's secure_delete is on,
    // so the old values do not linger in free pages.
    int PurgeAcknowledged();

    // Native database files only (the kiosk, benches): PRAGMA journal_mode=WAL with
    // synchronous=FULL — a COMMIT that returned is on disk (the WAL is fsync'ed once per
    // commit, where the rollback journal needs 3-4 fsyncs). Never NORMAL, which could lose
    // confirmed registrations on power loss. *journal_mode (optional) gets the mode SQLite
    // granted: "wal", or the previous mode where WAL is unavailable (":memory:", a VFS
    // without shared memory such as the browser's page VFS — never call it there — or a
    // file system without mmap/locks), in which case the rollback journal stays, still FULL.
    // Returns false (and *error) only if a PRAGMA failed. Call right after Open().
    bool UseDurableWal(std::string* journal_mode = nullptr, std::string* error = nullptr);

    // Called after each successful commit (the browser persists dirty pages here).
    void SetCommitHook(std::function<void()> hook);

    Db& db();

private:
    LocalStore() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace comptoir
