// sync/server/sqlite_store.cpp — the SQLite backend of ServerStore (see server_store.h
// for the invariants it keeps).
//
// [SECTION] schema and migrations
// [SECTION] accounts, sessions, devices
// [SECTION] checkpoints (a thread of their own)
// [SECTION] push (group commit by the writer thread, one commit per group)
// [SECTION] pull, reference data
// [SECTION] staff reads
//
// Deleted rows are removed (record_versions keeps their tombstone); the `deleted`
// columns exist because core's needs report reads the device schema (always 0 here).
//
// Durability: WAL mode with synchronous=FULL. A device deletes (or, on a public kiosk,
// purges) a record once the server acknowledged it, so an acknowledged batch must
// survive a power cut; synchronous=NORMAL in WAL could lose the last commits then.
// The cost is one fsync per commit, and concurrent batches share a commit (group commit,
// see ApplyPush), so several devices syncing at once do not wait for one fsync each.
// Connections: one that writes (everything under mutex_; pushes applied by the writer
// thread), one read-only for token checks (OpenReader), one for WAL checkpoints on a
// background thread (StartCheckpointer). docs/server.md "Where a push's time goes".
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <sqlite3.h>

#include "core/catalogue.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/domain_json.h"
#include "core/needs_report.h"
#include "core/uuid.h"
#include "core/validate.h"
#include "sync/server/server_store.h"

namespace comptoir {

using nlohmann::json;

namespace {

// [SECTION] schema and migrations ----------------------------------------------------
// Each entry moves user_version from i to i+1. Never edit a shipped entry: append.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL);
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE enrollment_codes(
  code_hash TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_at TEXT,
  device_id TEXT) WITHOUT ROWID;
CREATE TABLE devices(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  token_hash TEXT NOT NULL UNIQUE,
  enrolled_at TEXT NOT NULL,
  revoked_at TEXT,
  last_sync_at TEXT,
  last_app_version TEXT,
  last_pending INTEGER) WITHOUT ROWID;
CREATE TABLE batches(
  batch_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  answer TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE record_versions(
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (entity, id)) WITHOUT ROWID;
CREATE TABLE creators(
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  email_key TEXT NOT NULL UNIQUE,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT NOT NULL,
  postcode TEXT NOT NULL DEFAULT '',
  preferred_lang TEXT NOT NULL DEFAULT 'fr',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  device_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE creator_aliases(
  alias_id TEXT PRIMARY KEY,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX creator_aliases_creator ON creator_aliases(creator_id);
CREATE TABLE creator_sectors(
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  sector_id TEXT NOT NULL,
  PRIMARY KEY (creator_id, sector_id)) WITHOUT ROWID;
CREATE TABLE creator_professions(
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  profession_id TEXT NOT NULL,
  PRIMARY KEY (creator_id, profession_id)) WITHOUT ROWID;
CREATE TABLE needs(
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  item TEXT NOT NULL,
  frequency TEXT NOT NULL DEFAULT '',
  urgency TEXT NOT NULL DEFAULT '',
  budget TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX needs_creator ON needs(creator_id, item, updated_at) WHERE deleted = 0;
CREATE TABLE offers(
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  item TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX offers_creator ON offers(creator_id);
CREATE INDEX offers_item ON offers(item) WHERE deleted = 0;
CREATE TABLE attendances(
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  at TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX attendances_creator ON attendances(creator_id);
CREATE INDEX attendances_event ON attendances(event_id, creator_id);
CREATE TABLE catalogue(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  label_fr TEXT NOT NULL,
  label_nl TEXT NOT NULL,
  label_en TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  retired INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE events(
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  sector TEXT NOT NULL DEFAULT '',
  date TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  retired INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE reference_log(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  op TEXT NOT NULL,
  data TEXT NOT NULL);
)sql",
    // 2: administration (issue 6). erased_at: the row is the anonymous remainder of an
    // erased person (no personal data; kept so the needs report's totals stay right).
    // reference_log.device_id: NULL = for every device, else only for that device.
    R"sql(
ALTER TABLE creators ADD COLUMN erased_at TEXT;
ALTER TABLE reference_log ADD COLUMN device_id TEXT;
CREATE TABLE device_settings(
  device_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (device_id, key)) WITHOUT ROWID;
CREATE TABLE creator_audit(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  creator_id TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT);
CREATE INDEX creator_audit_creator ON creator_audit(creator_id, seq);
CREATE TABLE erasures(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  anonymous_id TEXT NOT NULL,
  summary TEXT NOT NULL);
)sql",
    // phones (issue 4): join codes (one per event, multi-use, hash only), device kinds
    // (no row = a kiosk), and enrolment request ids (an enrolment whose answer was lost
    // is retried with the same request id and re-issues the token of the same device).
    R"sql(
CREATE TABLE join_codes(
  code_hash TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  created_at TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX join_codes_event ON join_codes(event_id, expires_ms);
CREATE TABLE device_kinds(
  device_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'phone')),
  event_id TEXT NOT NULL DEFAULT '',
  expires_ms INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE enroll_requests(
  request_id TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL,
  device_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql",
    // needs report (issue 8): the report scans creators and attendances in creator id
    // order; covering partial indexes avoid a table lookup per row (as core's "report
    // indexes" migration; `deleted` is in the index too, or SQLite 3.40 still reads the
    // row to test it).
    R"sql(
CREATE INDEX creators_live ON creators(id, deleted) WHERE deleted = 0;
CREATE INDEX attendances_live ON attendances(creator_id, event_id, deleted) WHERE deleted = 0;
)sql",
};

// Wire entity of a catalogue kind (sync-v1 pull).
const char* PullEntityOf(const std::string& kind) {
    if (kind == "sector") return "sector";
    if (kind == "profession") return "profession";
    return "catalogue_item";  // need_category, need_item
}

struct ChangeOutcome {
    ChangeStatus status = ChangeStatus::Applied;
    std::string code, field, message;
};

ChangeOutcome Rejected(std::string code, std::string field, std::string message) {
    return {ChangeStatus::Rejected, std::move(code), std::move(field), std::move(message)};
}

class SqliteServerStore final : public ServerStore {
public:
    explicit SqliteServerStore(std::unique_ptr<Db> db) : db_(std::move(db)) {
        writer_ = std::thread([this] { WriterLoop(); });
    }
    ~SqliteServerStore() override {
        {
            std::lock_guard<std::mutex> lock(group_mutex_);
            writer_stop_ = true;  // after the batches still queued
        }
        writer_cv_.notify_all();
        writer_.join();
        if (!checkpointer_.joinable()) return;
        {
            std::lock_guard<std::mutex> lock(checkpoint_mutex_);
            checkpoint_stop_ = true;
        }
        checkpoint_cv_.notify_all();
        checkpointer_.join();
    }

    bool Init(std::string* error) {
        std::lock_guard<std::mutex> lock(mutex_);
        // WAL + FULL: see the file top.
        // secure_delete: an erased person's bytes are zeroed in freed pages (GDPR erase).
        if (!db_->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                       "PRAGMA busy_timeout=5000; PRAGMA secure_delete=ON;"
                       // Statement journals and the needs report's temporary table in
                       // memory: a statement journal on a file spilled past 64 KiB and
                       // cost a write() per page.
                       "PRAGMA temp_store=MEMORY;"
                       // 64 MiB of page cache (default 2 MiB): pushes re-read index pages
                       // from the OS otherwise (~15% of the server's CPU in a 10k sync).
                       "PRAGMA cache_size=-65536;"
                       // Checkpoint every 8192 WAL pages (32 MiB) instead of 1000: a batch of
                       // 500 creators writes ~2000 pages (random UUID keys spread over every
                       // B-tree), so the default checkpointed after every commit and copied
                       // each hot page to the database once per batch; ~20% less CPU for the
                       // same rows. Durability is the WAL's fsync at commit, unchanged.
                       "PRAGMA wal_autocheckpoint=8192;",
                       error))
            return false;
        int v = db_->UserVersion();
        const int target = int(sizeof kMigrations / sizeof kMigrations[0]);
        if (v > target) {
            *error = "database schema " + std::to_string(v) + " is newer than this server (" +
                     std::to_string(target) + ")";
            return false;
        }
        for (; v < target; ++v) {
            Transaction tx(*db_);
            if (!tx.Ok() || !db_->Exec(kMigrations[v], error) || !db_->SetUserVersion(v + 1)) {
                if (error->empty()) *error = db_->LastError();
                return false;
            }
            if (v == 0 && !SeedLocked(error)) return false;
            if (!tx.Commit()) {
                *error = db_->LastError();
                return false;
            }
        }
        // The report's index notes which creators this process's writes touch, so the
        // report after a push re-reads only those: each push describes what it wrote
        // (report_creators_, NoteWrites; core/needs_report.h, TrackWrites).
        return report_index_.TrackWrites(*db_, error);
    }

    // Writes of this scope change nothing the needs report reads (sessions, devices,
    // settings, events): described as such, they cost the next report no reload (every
    // write on db_ that is not described makes it reload everything). Under mutex_.
    struct UnrelatedWrites {
        SqliteServerStore& store;
        const int64_t before;
        explicit UnrelatedWrites(SqliteServerStore& s) : store(s), before(s.db_->TotalChanges()) {}
        ~UnrelatedWrites() { store.report_index_.NoteWrites(before, store.db_->TotalChanges(), {}, false); }
    };

    // [SECTION] accounts, sessions, devices --------------------------------------------
    bool AddUser(const std::string& username, const std::string& password_hash, const std::string& role,
                 std::string* error) override {
        std::lock_guard<std::mutex> lock(mutex_);
        Stmt s = db_->Prepare("INSERT INTO users(username, password_hash, role, created_at) VALUES (?,?,?,?)");
        s.Bind(1, username).Bind(2, password_hash).Bind(3, role).Bind(4, NowRfc3339());
        if (!s.Run()) {
            *error = db_->LastWasConstraint() ? "a user with that name already exists" : s.Error();
            return false;
        }
        return true;
    }

    std::optional<UserRecord> FindUser(const std::string& username) override {
        std::lock_guard<std::mutex> lock(mutex_);
        Stmt s = db_->Prepare("SELECT id, username, password_hash, role, disabled FROM users WHERE username = ?");
        s.Bind(1, username);
        if (!s.Step()) return std::nullopt;
        return UserRecord{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4) != 0};
    }

    bool CreateSession(const std::string& token_hash, int64_t user_id, int64_t expires_ms) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        Stmt del = db_->Prepare("DELETE FROM sessions WHERE expires_ms < ?");
        del.Bind(1, NowMs());
        del.Run();
        Stmt s = db_->Prepare("INSERT INTO sessions(token_hash, user_id, expires_ms) VALUES (?,?,?)");
        s.Bind(1, token_hash).Bind(2, user_id).Bind(3, expires_ms);
        return s.Run();
    }

    bool AddEnrollmentCode(const std::string& code_hash, const std::string& label, int64_t expires_ms,
                           std::string* error) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        Stmt s = db_->Prepare(
            "INSERT INTO enrollment_codes(code_hash, label, created_at, expires_ms) VALUES (?,?,?,?)");
        s.Bind(1, code_hash).Bind(2, label).Bind(3, NowRfc3339()).Bind(4, expires_ms);
        if (!s.Run()) {
            *error = s.Error();
            return false;
        }
        return true;
    }

    EnrollOutcome Enroll(const std::string& code_hash, const std::string& device_name, const std::string& device_id,
                         const std::string& token_hash, int64_t now_ms) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        Transaction tx(*db_);
        if (!tx.Ok()) return EnrollOutcome::StorageError;
        Stmt q = db_->Prepare(
            "SELECT label FROM enrollment_codes WHERE code_hash = ? AND used_at IS NULL AND expires_ms > ?");
        q.Bind(1, code_hash).Bind(2, now_ms);
        if (!q.Step()) return q.Failed() ? EnrollOutcome::StorageError : EnrollOutcome::InvalidCode;
        std::string label = q.Text(0);
        std::string now = FormatRfc3339(now_ms);
        Stmt u = db_->Prepare("UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ?");
        u.Bind(1, now).Bind(2, device_id).Bind(3, code_hash);
        Stmt d = db_->Prepare("INSERT INTO devices(id, name, label, token_hash, enrolled_at) VALUES (?,?,?,?,?)");
        d.Bind(1, device_id).Bind(2, device_name).Bind(3, label).Bind(4, token_hash).Bind(5, now);
        if (!u.Run() || !d.Run() || !tx.Commit()) return EnrollOutcome::StorageError;
        return EnrollOutcome::Ok;
    }

    // Phones and idempotent enrolment (issue 4): see server_store.h.
    EnrollOutcome EnrollOnce(const std::string& code_hash, bool join, const std::string& device_name,
                             const std::string& request_id, const std::string& new_device_id,
                             const std::string& token_hash, int64_t now_ms, EnrollGrant* out) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        Transaction tx(*db_);
        if (!tx.Ok()) return EnrollOutcome::StorageError;
        auto kind_of = [&](const std::string& device_id) {
            Stmt k = db_->Prepare("SELECT kind, event_id FROM device_kinds WHERE device_id = ?");
            k.Bind(1, device_id);
            if (k.Step()) {
                out->kind = k.Text(0);
                out->event_id = k.Text(1);
            } else {
                out->kind = "kiosk";
            }
        };
        if (!request_id.empty()) {
            Stmt r = db_->Prepare("SELECT code_hash, device_id, at_ms FROM enroll_requests WHERE request_id = ?");
            r.Bind(1, request_id);
            if (r.Step()) {   // a retry: same code, soon enough, device still allowed
                std::string device_id = r.Text(1);
                if (r.Text(0) != code_hash || now_ms - r.Int(2) > kEnrollRetryMs || now_ms < r.Int(2))
                    return EnrollOutcome::InvalidCode;
                Stmt u = db_->Prepare("UPDATE devices SET token_hash = ? WHERE id = ? AND revoked_at IS NULL");
                u.Bind(1, token_hash).Bind(2, device_id);
                if (!u.Run()) return EnrollOutcome::StorageError;
                if (db_->Changes() != 1) return EnrollOutcome::InvalidCode;
                kind_of(device_id);
                out->device_id = device_id;
                out->rotated = true;
                return tx.Commit() ? EnrollOutcome::Ok : EnrollOutcome::StorageError;
            }
            if (r.Failed()) return EnrollOutcome::StorageError;
        }
        std::string now = FormatRfc3339(now_ms);
        if (join) {
            Stmt q = db_->Prepare("SELECT event_id, expires_ms FROM join_codes WHERE code_hash = ? AND expires_ms > ?");
            q.Bind(1, code_hash).Bind(2, now_ms);
            if (!q.Step()) return q.Failed() ? EnrollOutcome::StorageError : EnrollOutcome::InvalidCode;
            std::string event_id = q.Text(0);
            int64_t expires = q.Int(1);
            Stmt d = db_->Prepare("INSERT INTO devices(id, name, label, token_hash, enrolled_at) VALUES (?,?,?,?,?)");
            d.Bind(1, new_device_id).Bind(2, device_name).Bind(3, "phone").Bind(4, token_hash).Bind(5, now);
            Stmt k = db_->Prepare("INSERT INTO device_kinds(device_id, kind, event_id, expires_ms) VALUES (?,'phone',?,?)");
            k.Bind(1, new_device_id).Bind(2, event_id).Bind(3, expires);
            if (!d.Run() || !k.Run()) return EnrollOutcome::StorageError;
            out->kind = "phone";
            out->event_id = event_id;
        } else {
            Stmt q = db_->Prepare(
                "SELECT label FROM enrollment_codes WHERE code_hash = ? AND used_at IS NULL AND expires_ms > ?");
            q.Bind(1, code_hash).Bind(2, now_ms);
            if (!q.Step()) return q.Failed() ? EnrollOutcome::StorageError : EnrollOutcome::InvalidCode;
            std::string label = q.Text(0);
            Stmt u = db_->Prepare("UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ?");
            u.Bind(1, now).Bind(2, new_device_id).Bind(3, code_hash);
            Stmt d = db_->Prepare("INSERT INTO devices(id, name, label, token_hash, enrolled_at) VALUES (?,?,?,?,?)");
            d.Bind(1, new_device_id).Bind(2, device_name).Bind(3, label).Bind(4, token_hash).Bind(5, now);
            if (!u.Run() || !d.Run()) return EnrollOutcome::StorageError;
            out->kind = "kiosk";
        }
        if (!request_id.empty()) {
            Stmt r = db_->Prepare("INSERT INTO enroll_requests(request_id, code_hash, device_id, at_ms) VALUES (?,?,?,?)");
            r.Bind(1, request_id).Bind(2, code_hash).Bind(3, new_device_id).Bind(4, now_ms);
            if (!r.Run()) return EnrollOutcome::StorageError;
        }
        out->device_id = new_device_id;
        return tx.Commit() ? EnrollOutcome::Ok : EnrollOutcome::StorageError;
    }

    bool IssueJoinCodes(int64_t now_ms,
                        const std::function<std::pair<std::string, std::string>()>& mint) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        const std::string today = FormatRfc3339(now_ms).substr(0, 10);
        std::vector<std::pair<std::string, std::string>> todo;   // (event id, date)
        {
            Stmt q = db_->Prepare(
                "SELECT e.id, e.date FROM events e WHERE e.retired = 0 AND e.date >= ? AND NOT EXISTS "
                "(SELECT 1 FROM join_codes j WHERE j.event_id = e.id AND j.expires_ms > ?)");
            q.Bind(1, today).Bind(2, now_ms);
            while (q.Step()) todo.emplace_back(q.Text(0), q.Text(1));
            if (q.Failed()) return false;
        }
        if (todo.empty()) return true;
        Transaction tx(*db_);
        if (!tx.Ok()) return false;
        for (const auto& [event_id, date] : todo) {
            int64_t expires = EndOfDayUtcMs(date);
            if (expires <= now_ms) continue;
            auto [plain, hash] = mint();
            Stmt i = db_->Prepare("INSERT INTO join_codes(code_hash, event_id, expires_ms, created_at) VALUES (?,?,?,?)");
            i.Bind(1, hash).Bind(2, event_id).Bind(3, expires).Bind(4, FormatRfc3339(now_ms));
            if (!i.Run() || !LogReference("setting", "join." + event_id, "upsert", json{{"value", plain}})) return false;
        }
        return tx.Commit();
    }

    // Token checks read through their own connection (WAL: readers see the last commit
    // and never wait for the writer), so a push is authenticated and decoded while
    // another group is being written instead of queueing behind mutex_ first.
    // `:memory:` databases have no second connection: db_ under mutex_ then.
    static bool IsPlainFile(const std::string& path) {
        return !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0;
    }
    void OpenReader(const std::string& path) {
        if (!IsPlainFile(path)) return;
        std::string error;
        auto r = Db::Open(path, &error);
        if (r && r->Exec("PRAGMA query_only=ON; PRAGMA busy_timeout=5000;")) reader_ = std::move(r);
    }
    // [SECTION] checkpoints -------------------------------------------------------------
    // The WAL is copied back into the database file (a checkpoint) by a thread of its own
    // on its own connection, not by the commit that crosses the threshold: inline, that
    // copy and its fsync of the database file stalled every push queued behind it (~12% of
    // the writer's time in bench/ingest; 15% more throughput without). A PASSIVE
    // checkpoint runs alongside the writer and the readers; SQLite restarts the WAL from
    // its beginning at the next write once all of it is copied. Durability is unchanged:
    // a commit is durable when its WAL frames are synced, before the checkpoint.
    static constexpr int kCheckpointPages = 8192;   // 32 MiB of WAL, as wal_autocheckpoint
    std::thread checkpointer_;
    std::unique_ptr<Db> checkpoint_db_;
    std::mutex checkpoint_mutex_;   // guards the two flags
    std::condition_variable checkpoint_cv_;
    bool checkpoint_wanted_ = false, checkpoint_stop_ = false;

    void StartCheckpointer(const std::string& path) {
        if (!IsPlainFile(path)) return;  // SQLite's own autocheckpoint stays
        std::string error;
        checkpoint_db_ = Db::Open(path, &error);
        // (A connection checkpoints only once it has seen the file in WAL mode.)
        if (!checkpoint_db_ || !checkpoint_db_->Exec("PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL;")) {
            checkpoint_db_.reset();
            return;
        }
        checkpointer_ = std::thread([this] {
            std::unique_lock<std::mutex> lock(checkpoint_mutex_);
            for (;;) {
                checkpoint_cv_.wait(lock, [this] { return checkpoint_wanted_ || checkpoint_stop_; });
                if (checkpoint_stop_) return;
                checkpoint_wanted_ = false;
                lock.unlock();
                int wal_pages = 0, copied = 0;  // SQLITE_BUSY (another checkpoint): next time
                sqlite3_wal_checkpoint_v2(checkpoint_db_->Raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_pages,
                                          &copied);
                lock.lock();
            }
        });
        // Replaces the autocheckpoint hook (wal_autocheckpoint) on the writing connection.
        sqlite3_wal_hook(db_->Raw(), &SqliteServerStore::OnWalCommit, this);
    }

    // After each commit on db_ (under mutex_), with the WAL's size in pages.
    static int OnWalCommit(void* self, sqlite3* db, const char*, int pages) {
        auto* store = static_cast<SqliteServerStore*>(self);
        if (pages >= 8 * kCheckpointPages) {
            // The thread is not keeping up (a long read holds old frames): copy inline, as
            // SQLite's autocheckpoint would, so the WAL cannot grow without bound.
            sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        } else if (pages >= kCheckpointPages) {
            {
                std::lock_guard<std::mutex> lock(store->checkpoint_mutex_);
                store->checkpoint_wanted_ = true;
            }
            store->checkpoint_cv_.notify_one();
        }
        return SQLITE_OK;
    }

    struct ReadDb {
        std::unique_lock<std::mutex> lock;
        Db* db;
    };
    ReadDb Reader() {
        if (reader_) return {std::unique_lock<std::mutex>(reader_mutex_), reader_.get()};
        return {std::unique_lock<std::mutex>(mutex_), db_.get()};
    }

    std::string DeviceKind(const std::string& device_id, int64_t now_ms, bool* expired) override {
        ReadDb r = Reader();
        *expired = false;
        Stmt k = r.db->Prepare("SELECT kind, expires_ms FROM device_kinds WHERE device_id = ?");
        k.Bind(1, device_id);
        if (!k.Step()) return "kiosk";
        std::string kind = k.Text(0);
        *expired = kind == "phone" && k.Int(1) <= now_ms;
        return kind;
    }

    bool RevokeDevice(const std::string& device_id) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        Stmt s = db_->Prepare("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
        s.Bind(1, NowRfc3339()).Bind(2, device_id);
        return s.Run() && db_->Changes() == 1;
    }

    std::vector<DeviceRecord> Devices() override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<DeviceRecord> out;
        Stmt s = db_->Prepare(
            "SELECT id, name, enrolled_at, revoked_at, last_sync_at, last_app_version, last_pending "
            "FROM devices ORDER BY enrolled_at, id");
        while (s.Step()) {
            DeviceRecord d;
            d.id = s.Text(0);
            d.name = s.Text(1);
            d.enrolled_at = s.Text(2);
            d.revoked_at = s.OptText(3).value_or("");
            d.last_sync_at = s.OptText(4).value_or("");
            d.last_app_version = s.OptText(5).value_or("");
            d.last_pending = s.IsNull(6) ? -1 : s.Int(6);
            out.push_back(std::move(d));
        }
        return out;
    }

    Principal Authenticate(const std::string& token_hash, int64_t now_ms) override {
        ReadDb r = Reader();
        Principal p;
        Stmt d = r.db->Prepare("SELECT id, revoked_at IS NOT NULL FROM devices WHERE token_hash = ?");
        d.Bind(1, token_hash);
        if (d.Step()) {
            p.kind = Principal::Kind::Device;
            p.device_id = d.Text(0);
            p.revoked = d.Int(1) != 0;
            return p;
        }
        Stmt s = r.db->Prepare(
            "SELECT u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
            "WHERE s.token_hash = ? AND s.expires_ms > ? AND u.disabled = 0");
        s.Bind(1, token_hash).Bind(2, now_ms);
        if (s.Step()) {
            p.kind = Principal::Kind::User;
            p.username = s.Text(0);
            p.role = s.Text(1);
        }
        return p;
    }

    // [SECTION] push --------------------------------------------------------------------
    // Prepared statements of the push path, kept between batches (preparing them for every
    // change cost ~12% of the server's CPU), keyed by the address of their SQL literal.
    // PushStmt() hands one out reset (bindings cleared); a SELECT is reset right after its
    // row is read, and every statement again at the end of ApplyPush, so none keeps a read
    // snapshot open between requests (the CLI writes to the same file). Under mutex_ only.
    std::unordered_map<const char*, Stmt> push_stmts_;
    Stmt& PushStmt(const char* sql) {
        auto it = push_stmts_.find(sql);
        if (it == push_stmts_.end() || !it->second.Valid())
            it = push_stmts_.insert_or_assign(sql, db_->Prepare(sql)).first;
        else
            it->second.Reset();
        return it->second;
    }
    void ResetPushStmts() {
        for (auto& [sql, st] : push_stmts_) st.Reset();
    }

    // Group commit. Each batch is atomic (invariant 1: a crash leaves all or none of it),
    // but a commit in WAL with synchronous=FULL costs an fsync, and with several devices
    // pushing at once the store spent most of its time waiting for the disk while other
    // batches queued behind mutex_. So concurrent pushes are applied together: the
    // store's writer thread takes every batch queued (up to kGroupMaxChanges changes),
    // applies them in one transaction (ApplyGroup) and commits once. Every caller is
    // answered only after that commit, so nothing is acknowledged before it is durable; a
    // batch that fails is rolled back alone; a failed commit answers every batch of the
    // group 503 (the devices send them again, idempotently). A lone push is a group of one.
    // One thread of the store's own writes, not the HTTP worker of the first request: the
    // request threads run at a lower CPU priority (http_server.cpp, LowerThreadPriority),
    // so on a small machine the writer, which every push waits for, is not preempted by
    // the parsing of the next batches (~7% more throughput on 2 cores in bench/ingest).
    // A batch's changes are prepared (decoded, validated) by its request thread while the
    // writer may already apply the first ones: `ready` counts the prepared changes, and
    // the writer waits on ready_cv for one that is not yet (WaitReady). With one device
    // pushing, parsing and writing a batch otherwise added up in series.
    struct PushJob {
        const std::string& device_id;
        const PushRequest& req;
        const std::vector<PreparedChange>& changes;
        const std::string& now;
        std::string* answer_json;
        PushOutcome outcome = PushOutcome::StorageError;
        bool done = false;   // under group_mutex_
        std::atomic<size_t> ready{0};
        std::mutex ready_mutex;
        std::condition_variable ready_cv;
    };
    static void WaitReady(PushJob& job, size_t i) {
        if (job.ready.load(std::memory_order_acquire) > i) return;
        std::unique_lock<std::mutex> lock(job.ready_mutex);
        job.ready_cv.wait(lock, [&] { return job.ready.load(std::memory_order_acquire) > i; });
    }
    static constexpr size_t kGroupMaxChanges = 4000;
    std::mutex group_mutex_;              // guards group_queue_, writer_stop_, PushJob::done
    std::condition_variable group_cv_;    // a group was committed (or failed)
    std::condition_variable writer_cv_;   // a batch was queued
    std::deque<PushJob*> group_queue_;
    bool writer_stop_ = false;
    std::thread writer_;
    std::atomic<uint64_t> groups_committed_{0}, batches_grouped_{0};

    PushOutcome ApplyPush(const std::string& device_id, const PushRequest& req,
                          const std::vector<PreparedChange>& changes, const std::function<void(size_t)>& prepare,
                          const std::string& now, std::string* answer_json) override {
        PushJob job{device_id, req, changes, now, answer_json};
        {
            std::lock_guard<std::mutex> gl(group_mutex_);
            group_queue_.push_back(&job);
        }
        writer_cv_.notify_one();
        for (size_t i = 0; i < changes.size(); ++i) {
            prepare(i);
            job.ready.store(i + 1, std::memory_order_release);
            if ((i + 1) % 16 == 0 || i + 1 == changes.size()) {
                { std::lock_guard<std::mutex> rl(job.ready_mutex); }  // no wake-up lost
                job.ready_cv.notify_one();
            }
        }
        std::unique_lock<std::mutex> gl(group_mutex_);
        group_cv_.wait(gl, [&] { return job.done; });
        return job.outcome;
    }

    void WriterLoop() {
        std::unique_lock<std::mutex> gl(group_mutex_);
        for (;;) {
            writer_cv_.wait(gl, [this] { return !group_queue_.empty() || writer_stop_; });
            if (group_queue_.empty()) return;  // stopping, nothing left
            std::vector<PushJob*> group;
            size_t n = 0;
            while (!group_queue_.empty() &&
                   (group.empty() || n + group_queue_.front()->changes.size() <= kGroupMaxChanges)) {
                n += group_queue_.front()->changes.size();
                group.push_back(group_queue_.front());
                group_queue_.pop_front();
            }
            gl.unlock();
            ApplyGroup(group);
            gl.lock();
            for (PushJob* j : group) j->done = true;
            group_cv_.notify_all();
        }
    }

    void ApplyGroup(const std::vector<PushJob*>& group) {
        std::lock_guard<std::mutex> lock(mutex_);
        struct ResetAll {  // no cached statement keeps a read snapshot after this call
            SqliteServerStore* self;
            ~ResetAll() { self->ResetPushStmts(); }
        } reset_all{this};
        auto fail_all = [&] {
            for (PushJob* j : group) j->outcome = PushOutcome::StorageError;
        };
        // First pass: no savepoint at all (a savepoint makes SQLite copy every page it then
        // changes into a statement journal: ~2,000 pages per batch of 500). A batch that
        // is replayed or conflicts writes nothing; only a storage failure can leave a
        // batch half-written, and then the whole group is rolled back and applied again
        // (second pass) with a savepoint per batch and per change: that change alone is
        // answered `rejected` (code "storage"), and a batch that still fails is answered
        // 503 alone while its group-mates are committed.
        const int64_t changes_before = db_->TotalChanges();
        for (int pass = 0; pass < 2; ++pass) {
            const bool savepoints = pass == 1;
            report_creators_.clear();
            report_offers_ = false;
            Transaction tx(*db_);
            if (!tx.Ok()) return fail_all();
            bool again = false;
            for (PushJob* j : group) {
                if (savepoints && !PushStmt("SAVEPOINT batch").Run()) return fail_all();
                j->outcome = ApplyBatch(*j, savepoints);
                if (!savepoints) {
                    if (j->outcome == PushOutcome::StorageError) {
                        again = true;
                        break;
                    }
                    continue;
                }
                const bool keep = j->outcome == PushOutcome::Applied;
                if (!keep) ResetPushStmts();
                if ((!keep && !PushStmt("ROLLBACK TO batch").Run()) || !PushStmt("RELEASE batch").Run())
                    return fail_all();
            }
            if (again) {
                ResetPushStmts();
                continue;  // tx rolls back here
            }
            if (!tx.Commit()) return fail_all();
            // What the needs report must re-read (a change rolled back in the second pass
            // may still be listed: one creator re-read for nothing).
            report_index_.NoteWrites(changes_before, db_->TotalChanges(), std::move(report_creators_), report_offers_);
            report_creators_ = {};
            groups_committed_++;
            for (PushJob* j : group) batches_grouped_ += j->outcome == PushOutcome::Applied ? 1 : 0;
            return;
        }
        fail_all();
    }
    PushCommitStats PushCommits() override { return {groups_committed_.load(), batches_grouped_.load()}; }

    // The group's writes, described to the needs report (NoteWrites) after its commit:
    // creators whose facts a change wrote, and whether offers changed. Under mutex_.
    std::vector<std::string> report_creators_;
    bool report_offers_ = false;

    // One batch, inside the group's transaction. A change the store rejects (unknown
    // sector/item/creator, identity conflict) is rejected before it writes anything, so
    // the batch needs no savepoint per change for those. Only a storage failure can strike
    // in the middle of a change's writes; then StorageError (first pass) or, with
    // `savepoints` (second pass), that change alone rolled back and answered `rejected`.
    PushOutcome ApplyBatch(PushJob& job, bool savepoints) {
        const std::string& device_id = job.device_id;
        const PushRequest& req = job.req;
        const std::string& now = job.now;
        Stmt& prior = PushStmt("SELECT device_id, answer FROM batches WHERE batch_id = ?");
        prior.Bind(1, req.batch_id);
        if (prior.Step()) {
            // Also a batch sent twice within one group: the first one's row is already
            // written in this transaction, and both are answered after its commit.
            if (prior.TextView(0) != device_id) return PushOutcome::BatchConflict;
            *job.answer_json = prior.Text(1);
            return PushOutcome::Replayed;
        }
        if (prior.Failed()) return PushOutcome::StorageError;
        prior.Reset();

        PushResponse answer;
        answer.batch_id = req.batch_id;
        answer.server_time = now;
        answer.results.reserve(job.changes.size());
        for (size_t i = 0; i < job.changes.size(); ++i) {
            WaitReady(job, i);
            const PreparedChange& pc = job.changes[i];
            ChangeOutcome o;
            if (pc.rejected) {
                o = Rejected(pc.code, pc.field, pc.message);
            } else if (!savepoints) {
                o = ApplyChange(device_id, pc, now);
                // It may have written part of itself: the caller's second pass.
                if (o.status == ChangeStatus::Rejected && o.code == reject::kStorage) return PushOutcome::StorageError;
            } else {
                if (!PushStmt("SAVEPOINT change").Run()) return PushOutcome::StorageError;
                o = ApplyChange(device_id, pc, now);
                if (o.status == ChangeStatus::Rejected) {
                    if (!PushStmt("ROLLBACK TO change").Run() || !PushStmt("RELEASE change").Run())
                        return PushOutcome::StorageError;
                } else if (!PushStmt("RELEASE change").Run()) {
                    return PushOutcome::StorageError;
                }
            }
            ChangeResult r;
            r.id = pc.change.id;
            r.status = ChangeStatusId(o.status);
            if (o.status == ChangeStatus::Rejected) {
                r.error_code = std::move(o.code);
                r.error_field = std::move(o.field);
                r.error_message = std::move(o.message);
            }
            answer.results.push_back(std::move(r));
        }
        *job.answer_json = EncodePushResponseText(answer);
        Stmt& b = PushStmt("INSERT INTO batches(batch_id, device_id, received_at, answer) VALUES (?,?,?,?)");
        b.Bind(1, req.batch_id).Bind(2, device_id).Bind(3, now).Bind(4, *job.answer_json);
        Stmt& d = PushStmt(
            "UPDATE devices SET last_sync_at = ?, last_app_version = COALESCE(?, last_app_version), "
            "last_pending = COALESCE(?, last_pending) WHERE id = ?");
        d.Bind(1, now);
        if (req.app_version.empty()) d.BindNull(2); else d.Bind(2, req.app_version);
        if (req.pending) d.Bind(3, *req.pending); else d.BindNull(3);
        d.Bind(4, device_id);
        if (!b.Run() || !d.Run()) return PushOutcome::StorageError;
        return PushOutcome::Applied;
    }

    // Version check of invariant 2 against the stored version (nullopt: none stored);
    // nullopt when the change is newer than what is stored.
    static std::optional<ChangeOutcome> VersionOutcome(std::optional<int64_t> stored, int64_t version) {
        if (stored && version == *stored) return ChangeOutcome{ChangeStatus::Duplicate, "", "", ""};
        if (stored && version < *stored) return ChangeOutcome{ChangeStatus::Stale, "", "", ""};
        return std::nullopt;
    }

    std::optional<ChangeOutcome> CheckVersion(const std::string& entity, const std::string& id, int64_t version,
                                              bool* failed) {
        Stmt& s = PushStmt("SELECT version FROM record_versions WHERE entity = ? AND id = ?");
        s.Bind(1, entity).Bind(2, id);
        std::optional<int64_t> stored;
        if (s.Step()) stored = s.Int(0);
        *failed = s.Failed();
        s.Reset();
        return VersionOutcome(stored, version);
    }

    bool RecordVersion(const std::string& entity, const std::string& id, int64_t version) {
        Stmt& s = PushStmt(
            "INSERT INTO record_versions(entity, id, version) VALUES (?,?,?) "
            "ON CONFLICT(entity, id) DO UPDATE SET version = excluded.version");
        s.Bind(1, entity).Bind(2, id).Bind(3, version);
        return s.Run();
    }

    // The canonical creator id of `id` (itself, or what it is an alias of).
    std::string Canonical(const std::string& id) {
        Stmt& s = PushStmt("SELECT creator_id FROM creator_aliases WHERE alias_id = ?");
        s.Bind(1, id);
        std::string out = s.Step() ? s.Text(0) : id;
        s.Reset();
        return out;
    }

    bool CreatorExists(const std::string& id) {
        Stmt& s = PushStmt("SELECT 1 FROM creators WHERE id = ?");
        s.Bind(1, id);
        bool found = s.Step();
        s.Reset();
        return found;
    }

    // Catalogue entries are retired, never deleted: an id found once stays known, so the
    // ids found are remembered (a push checks every sector, profession and item).
    std::unordered_set<std::string> catalogue_known_;  // kind + '/' + id; under mutex_
    bool CatalogueHas(const std::string& kind, const std::string& id) {
        std::string k;
        k.reserve(kind.size() + 1 + id.size());
        k.append(kind).append(1, '/').append(id);
        if (catalogue_known_.count(k)) return true;
        Stmt& s = PushStmt("SELECT 1 FROM catalogue WHERE id = ? AND kind = ?");
        s.Bind(1, id).Bind(2, kind);
        bool found = s.Step();
        s.Reset();
        if (found) catalogue_known_.insert(std::move(k));
        return found;
    }

    static std::string Message(ErrorCode code) { return ErrorMessage(code, Lang::En); }

    ChangeOutcome StorageFailure() { return Rejected(reject::kStorage, "", "could not be stored: " + db_->LastError()); }

    // Every rejection but StorageFailure() is decided before the change writes (see
    // ApplyPush).
    ChangeOutcome ApplyChange(const std::string& device_id, const PreparedChange& pc, const std::string& now) {
        const Change& c = pc.change;
        ChangeOutcome o;
        if (c.op != "delete" && c.entity == "creator") {
            o = UpsertCreator(device_id, pc, now);   // checks the version itself
        } else {
            bool failed = false;
            if (auto v = CheckVersion(c.entity, c.id, c.version, &failed)) return *v;
            if (failed) return StorageFailure();
            o = c.op == "delete" ? ApplyDelete(c) : UpsertChild(pc);
        }
        if (o.status == ChangeStatus::Applied && !RecordVersion(c.entity, c.id, c.version)) return StorageFailure();
        return o;
    }

    ChangeOutcome ApplyDelete(const Change& c) {
        std::string id = c.entity == "creator" ? Canonical(c.id) : c.id;
        Stmt& s = PushStmt(c.entity == "need"         ? "DELETE FROM needs WHERE id = ? RETURNING creator_id"
                           : c.entity == "offer"      ? "DELETE FROM offers WHERE id = ? RETURNING creator_id"
                           : c.entity == "attendance" ? "DELETE FROM attendances WHERE id = ? RETURNING creator_id"
                                                      : "DELETE FROM creators WHERE id = ? RETURNING id");
        s.Bind(1, id);
        while (s.Step()) NoteReportWrite(c.entity, s.Text(0));
        if (s.Failed()) return StorageFailure();
        return {};
    }

    // A push wrote a row of `entity` held by `creator_id`: what the needs report re-reads.
    // (A creator deleted takes its offers along: ON DELETE CASCADE.)
    void NoteReportWrite(const std::string& entity, std::string creator_id) {
        if (entity == "offer" || entity == "creator") report_offers_ = true;
        if (entity != "offer") report_creators_.push_back(std::move(creator_id));
    }

    // Before a need or an attendance is written: its current creator, whose facts change
    // too when the row moves to another creator.
    bool NoteChildHolder(const char* sql, const std::string& id) {
        Stmt& s = PushStmt(sql);
        s.Bind(1, id);
        if (s.Step()) report_creators_.push_back(s.Text(0));
        const bool ok = !s.Failed();
        s.Reset();
        return ok;
    }

    // Ids of a creator's sectors or professions, each once (a list is short).
    static std::vector<std::string_view> Distinct(const std::vector<std::string>& ids) {
        std::vector<std::string_view> out(ids.begin(), ids.end());
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    // insert: the creator row is new, so it has no sector or profession rows yet (they
    // reference it, with foreign keys on: see Init).
    bool WriteCreatorRow(const std::string& id, const Creator& cr, const std::string& key, const std::string& data,
                         const std::string& device_id, const std::string& now, bool insert) {
        Stmt& s = PushStmt(
            insert ? "INSERT INTO creators(first_name, last_name, email, postcode, preferred_lang, updated_at, "
                     "data, version, email_key, device_id, received_at, created_at, id) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                   : "UPDATE creators SET first_name = ?, last_name = ?, email = ?, postcode = ?, "
                     "preferred_lang = ?, updated_at = ?, data = ?, version = ?, email_key = ?, device_id = ?, "
                     "received_at = ? WHERE id = ?");
        // Every string bound outlives the statement's run (BindStatic).
        s.BindStatic(1, cr.first_name).BindStatic(2, cr.last_name).BindStatic(3, cr.email).BindStatic(4, cr.postcode);
        s.BindStatic(5, cr.preferred_lang).BindStatic(6, cr.updated_at).BindStatic(7, data).Bind(8, cr.version);
        s.BindStatic(9, key).BindStatic(10, device_id).BindStatic(11, now);
        if (insert) s.BindStatic(12, cr.created_at.empty() ? now : cr.created_at).BindStatic(13, id);
        else s.BindStatic(12, id);
        if (!s.Run()) return false;
        report_creators_.push_back(id);
        if (!insert) {
            Stmt& ds = PushStmt("DELETE FROM creator_sectors WHERE creator_id = ?");
            ds.Bind(1, id);
            if (!ds.Run()) return false;
            Stmt& dp = PushStmt("DELETE FROM creator_professions WHERE creator_id = ?");
            dp.Bind(1, id);
            if (!dp.Run()) return false;
        }
        for (std::string_view sec : Distinct(cr.sectors)) {
            Stmt& i = PushStmt("INSERT INTO creator_sectors(creator_id, sector_id) VALUES (?,?)");
            i.BindStatic(1, id).BindStatic(2, sec);
            if (!i.Run()) return false;
        }
        for (std::string_view p : Distinct(cr.professions)) {
            Stmt& i = PushStmt("INSERT INTO creator_professions(creator_id, profession_id) VALUES (?,?)");
            i.BindStatic(1, id).BindStatic(2, p);
            if (!i.Run()) return false;
        }
        return true;
    }

    bool AddAlias(const std::string& alias, const std::string& canonical, const std::string& now) {
        Stmt& s = PushStmt("INSERT OR IGNORE INTO creator_aliases(alias_id, creator_id, created_at) VALUES (?,?,?)");
        s.Bind(1, alias).Bind(2, canonical).Bind(3, now);
        return s.Run() && LogReference("creator_alias", alias, "upsert", json{{"creator_id", canonical}});
    }

    ChangeOutcome UpsertCreator(const std::string& device_id, const PreparedChange& pc, const std::string& now) {
        const Creator& cr = pc.entity.creator;
        std::string computed_key;
        const std::string& key = pc.identity_key.empty() ? (computed_key = EmailIdentityKey(cr.email)) : pc.identity_key;
        // One probe instead of four lookups: stored version of this id, what it is an
        // alias of, who holds the identity key, whether the canonical id exists.
        Stmt& q = PushStmt(
            "SELECT (SELECT version FROM record_versions WHERE entity = 'creator' AND id = ?1), "
            "(SELECT creator_id FROM creator_aliases WHERE alias_id = ?1), "
            "(SELECT id FROM creators WHERE email_key = ?2), "
            "EXISTS (SELECT 1 FROM creators WHERE id = COALESCE((SELECT creator_id FROM creator_aliases "
            "WHERE alias_id = ?1), ?1))");
        q.BindStatic(1, pc.change.id).BindStatic(2, key);
        if (!q.Step()) {
            q.Reset();
            return StorageFailure();
        }
        std::optional<int64_t> stored;
        if (!q.IsNull(0)) stored = q.Int(0);
        std::string canonical = q.IsNull(1) ? pc.change.id : q.Text(1);
        std::string holder = q.IsNull(2) ? "" : q.Text(2);
        const bool exists = q.Int(3) != 0;
        q.Reset();
        if (auto v = VersionOutcome(stored, pc.change.version)) return *v;
        for (size_t i = 0; i < cr.sectors.size(); ++i)
            if (!CatalogueHas("sector", cr.sectors[i]))
                return Rejected(ErrorWireId(ErrorCode::UnknownItem), "sectors[" + std::to_string(i) + "]",
                                Message(ErrorCode::UnknownItem));
        for (size_t i = 0; i < cr.professions.size(); ++i)
            if (!CatalogueHas("profession", cr.professions[i]))
                return Rejected(ErrorWireId(ErrorCode::UnknownItem), "professions[" + std::to_string(i) + "]",
                                Message(ErrorCode::UnknownItem));
        const std::string data = pc.data_json.empty() ? EncodeEntityDataText(pc.entity) : pc.data_json;
        if (exists) {
            if (!holder.empty() && holder != canonical)
                return Rejected(reject::kIdentityConflict, "email",
                                "this email already belongs to another creator on the server");
            if (!WriteCreatorRow(canonical, cr, key, data, device_id, now, false)) return StorageFailure();
            return {};
        }
        if (!holder.empty()) {
            // Same person registered on another device: one creator, this id an alias.
            if (!AddAlias(pc.change.id, holder, now) ||
                !WriteCreatorRow(holder, cr, key, data, device_id, now, false))
                return StorageFailure();
            return {};
        }
        if (!WriteCreatorRow(canonical, cr, key, data, device_id, now, true)) return StorageFailure();
        return {};
    }

    ChangeOutcome UpsertChild(const PreparedChange& pc) {
        const DecodedEntity& e = pc.entity;
        const std::string& raw_creator =
            e.entity == "need" ? e.need.creator_id : e.entity == "offer" ? e.offer.creator_id : e.attendance.creator_id;
        std::string creator = Canonical(raw_creator);
        if (!CreatorExists(creator))
            return Rejected(reject::kUnknownReference, "creator_id", "no creator with this id on the server");
        // Stored under the canonical creator (invariant 3).
        std::string data = creator == raw_creator && !pc.data_json.empty() ? pc.data_json
                                                                           : EncodeEntityDataText(e, &creator);
        const Change& c = pc.change;
        if (e.entity == "need") {
            const Need& n = e.need;
            if (!CatalogueHas("need_item", n.item))
                return Rejected(ErrorWireId(ErrorCode::UnknownItem), "item", Message(ErrorCode::UnknownItem));
            if (!NoteChildHolder("SELECT creator_id FROM needs WHERE id = ?", c.id)) return StorageFailure();
            Stmt& s = PushStmt(
                "INSERT INTO needs(id, version, creator_id, item, frequency, urgency, budget, comment, updated_at, "
                "data) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET version = excluded.version, "
                "creator_id = excluded.creator_id, item = excluded.item, frequency = excluded.frequency, "
                "urgency = excluded.urgency, budget = excluded.budget, comment = excluded.comment, "
                "updated_at = excluded.updated_at, data = excluded.data");
            s.Bind(1, c.id).Bind(2, c.version).Bind(3, creator).Bind(4, n.item).Bind(5, n.frequency);
            s.Bind(6, n.urgency).Bind(7, n.budget).Bind(8, n.comment).Bind(9, n.updated_at).Bind(10, data);
            if (!s.Run()) return StorageFailure();
            NoteReportWrite("need", creator);
            return {};
        }
        if (e.entity == "offer") {
            const Offer& o = e.offer;
            if (!o.item.empty() && !CatalogueHas("need_item", o.item))
                return Rejected(ErrorWireId(ErrorCode::UnknownItem), "item", Message(ErrorCode::UnknownItem));
            Stmt& s = PushStmt(
                "INSERT INTO offers(id, version, creator_id, kind, item, description, updated_at, data) "
                "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET version = excluded.version, "
                "creator_id = excluded.creator_id, kind = excluded.kind, item = excluded.item, "
                "description = excluded.description, updated_at = excluded.updated_at, data = excluded.data");
            s.Bind(1, c.id).Bind(2, c.version).Bind(3, creator).Bind(4, o.kind).Bind(5, o.item);
            s.Bind(6, o.description).Bind(7, o.updated_at).Bind(8, data);
            if (!s.Run()) return StorageFailure();
            NoteReportWrite("offer", creator);
            return {};
        }
        const Attendance& a = e.attendance;
        if (!NoteChildHolder("SELECT creator_id FROM attendances WHERE id = ?", c.id)) return StorageFailure();
        Stmt& s = PushStmt(
            "INSERT INTO attendances(id, version, creator_id, event_id, at, updated_at, data) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET version = excluded.version, "
            "creator_id = excluded.creator_id, event_id = excluded.event_id, at = excluded.at, "
            "updated_at = excluded.updated_at, data = excluded.data");
        s.Bind(1, c.id).Bind(2, c.version).Bind(3, creator).Bind(4, a.event_id).Bind(5, a.at);
        s.Bind(6, a.updated_at).Bind(7, data);
        if (!s.Run()) return StorageFailure();
        NoteReportWrite("attendance", creator);
        return {};
    }

    // [SECTION] pull, reference data ---------------------------------------------------
    bool LogReference(const std::string& entity, const std::string& id, const std::string& op, const json& data,
                      const std::string& device_id = "") {
        // (Without device_id when it is empty: seeding runs before migration 2 adds it.)
        Stmt s = db_->Prepare(device_id.empty()
                                  ? "INSERT INTO reference_log(entity, id, op, data) VALUES (?,?,?,?)"
                                  : "INSERT INTO reference_log(entity, id, op, data, device_id) VALUES (?,?,?,?,?)");
        s.Bind(1, entity).Bind(2, id).Bind(3, op).Bind(4, data.dump());
        if (!device_id.empty()) s.Bind(5, device_id);
        return s.Run();
    }

    bool UpsertCatalogueLocked(const CatalogueEntry& e) {
        Stmt s = db_->Prepare(
            "INSERT INTO catalogue(id, kind, parent, label_fr, label_nl, label_en, sort, retired) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, parent = excluded.parent, "
            "label_fr = excluded.label_fr, label_nl = excluded.label_nl, label_en = excluded.label_en, "
            "sort = excluded.sort, retired = excluded.retired");
        s.Bind(1, e.id).Bind(2, e.kind).Bind(3, e.parent).Bind(4, e.label_fr).Bind(5, e.label_nl);
        s.Bind(6, e.label_en).Bind(7, e.sort).Bind(8, e.retired);
        return s.Run() && LogReference(PullEntityOf(e.kind), e.id, "upsert", ToJson(e));
    }

    bool SeedLocked(std::string* error) {
        for (const CatalogueEntry& e : SeedCatalogue()) {
            if (!UpsertCatalogueLocked(e)) {
                *error = "seeding the catalogue: " + db_->LastError();
                return false;
            }
        }
        return true;
    }

    bool Pull(int64_t since, size_t limit, PullResponse* out, int64_t* last_seq) override {
        std::lock_guard<std::mutex> lock(mutex_);
        return PullLocked(nullptr, since, limit, out, last_seq);
    }

    bool PullForDevice(const std::string& device_id, int64_t since, size_t limit, PullResponse* out,
                       int64_t* last_seq) override {
        std::lock_guard<std::mutex> lock(mutex_);
        return PullLocked(&device_id, since, limit, out, last_seq);
    }

    // device == nullptr: only the rows for every device.
    bool PullLocked(const std::string* device, int64_t since, size_t limit, PullResponse* out, int64_t* last_seq) {
        Stmt s = db_->Prepare(
            "SELECT seq, entity, id, op, data FROM reference_log WHERE seq > ?1 AND (device_id IS NULL OR "
            "device_id = ?3) ORDER BY seq LIMIT ?2");
        s.Bind(1, since).Bind(2, int64_t(limit + 1));
        if (device) s.Bind(3, *device); else s.BindNull(3);
        *last_seq = since;
        out->changes.clear();
        out->has_more = false;
        while (s.Step()) {
            if (out->changes.size() == limit) {
                out->has_more = true;
                break;
            }
            PullChange c;
            *last_seq = s.Int(0);
            c.entity = s.Text(1);
            c.id = s.Text(2);
            c.op = s.Text(3);
            c.data = json::parse(s.Text(4), nullptr, false);
            if (!c.data.is_object()) c.data = json::object();
            out->changes.push_back(std::move(c));
        }
        return !s.Failed();
    }

    bool IsCatalogueId(const std::string& kind, const std::string& id) override {
        std::lock_guard<std::mutex> lock(mutex_);
        return CatalogueHas(kind, id);
    }

    bool UpsertEvent(const Event& e) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        Transaction tx(*db_);
        Stmt s = db_->Prepare(
            "INSERT INTO events(id, title, sector, date, place, retired) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, sector = excluded.sector, date = excluded.date, "
            "place = excluded.place, retired = excluded.retired");
        s.Bind(1, e.id).Bind(2, e.title).Bind(3, e.sector).Bind(4, e.date).Bind(5, e.place).Bind(6, e.retired);
        return tx.Ok() && s.Run() && LogReference("event", e.id, "upsert", ToJson(e)) && tx.Commit();
    }

    bool SetSetting(const std::string& key, const std::string& value) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        Transaction tx(*db_);
        Stmt s = db_->Prepare(
            "INSERT INTO settings(key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        s.Bind(1, key).Bind(2, value);
        return tx.Ok() && s.Run() && LogReference("setting", key, "upsert", json{{"value", value}}) && tx.Commit();
    }

    // [SECTION] staff reads ------------------------------------------------------------
    json Rows(const std::string& table, const std::string& creator_id) {
        json arr = json::array();
        Stmt s = db_->Prepare("SELECT id, version, data FROM " + table + " WHERE creator_id = ? ORDER BY id");
        s.Bind(1, creator_id);
        while (s.Step()) {
            json d = json::parse(s.Text(2), nullptr, false);
            arr.push_back({{"id", s.Text(0)}, {"version", s.Int(1)}, {"data", d.is_object() ? d : json::object()}});
        }
        return arr;
    }

    std::optional<json> CreatorBundle(const std::string& id_or_alias) override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string id = Canonical(id_or_alias);
        Stmt s = db_->Prepare(
            "SELECT version, data, created_at, received_at FROM creators WHERE id = ? AND erased_at IS NULL");
        s.Bind(1, id);
        if (!s.Step()) return std::nullopt;
        json data = json::parse(s.Text(1), nullptr, false);
        json aliases = json::array();
        Stmt a = db_->Prepare("SELECT alias_id FROM creator_aliases WHERE creator_id = ? ORDER BY alias_id");
        a.Bind(1, id);
        while (a.Step()) aliases.push_back(a.Text(0));
        return json{{"creator",
                     {{"id", id}, {"version", s.Int(0)}, {"data", data.is_object() ? data : json::object()},
                      {"received_at", s.Text(3)}}},
                    {"aliases", std::move(aliases)},
                    {"needs", Rows("needs", id)},
                    {"offers", Rows("offers", id)},
                    {"attendances", Rows("attendances", id)}};
    }

    std::vector<std::string> FindCreatorIdsByEmail(const std::string& email) override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::string> out;
        std::string normalized;
        if (NormalizeEmail(email, &normalized) != ErrorCode::None) return out;
        Stmt s = db_->Prepare("SELECT id FROM creators WHERE email_key = ?");
        s.Bind(1, EmailIdentityKey(normalized));
        while (s.Step()) out.push_back(s.Text(0));
        return out;
    }

    std::optional<json> NeedsReport(const NeedsReportQuery& q, std::string* error) override {
        std::lock_guard<std::mutex> lock(mutex_);
        return RunNeedsReport(q, error);
    }

    std::optional<json> RunNeedsReport(const NeedsReportQuery& q, std::string* error);

    int64_t CountCreators() override {
        std::lock_guard<std::mutex> lock(mutex_);
        Stmt s = db_->Prepare("SELECT count(*) FROM creators WHERE erased_at IS NULL");
        return s.Step() ? s.Int(0) : 0;
    }

    // [SECTION] admin (issue 6) -------------------------------------------------------
    std::vector<UserRecord> Users() override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<UserRecord> out;
        Stmt s = db_->Prepare("SELECT id, username, role, disabled FROM users ORDER BY username");
        while (s.Step()) out.push_back(UserRecord{s.Int(0), s.Text(1), "", s.Text(2), s.Int(3) != 0});
        return out;
    }

    bool UpdateUser(const std::string& username, const std::string& role, std::optional<bool> disabled) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        Transaction tx(*db_);
        Stmt s = db_->Prepare(
            "UPDATE users SET role = COALESCE(NULLIF(?1, ''), role), disabled = COALESCE(?2, disabled) "
            "WHERE username = ?3");
        s.Bind(1, role).Bind(3, username);
        if (disabled) s.Bind(2, *disabled); else s.BindNull(2);
        if (!tx.Ok() || !s.Run() || db_->Changes() != 1) return false;
        if (disabled && *disabled) {
            Stmt d = db_->Prepare("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?)");
            d.Bind(1, username);
            if (!d.Run()) return false;
        }
        return tx.Commit();
    }

    bool SetDeviceSetting(const std::string& device_id, const std::string& key, const std::string& value) override {
        std::lock_guard<std::mutex> lock(mutex_);
        UnrelatedWrites unrelated(*this);
        Transaction tx(*db_);
        Stmt s = db_->Prepare(
            "INSERT INTO device_settings(device_id, key, value) VALUES (?,?,?) "
            "ON CONFLICT(device_id, key) DO UPDATE SET value = excluded.value");
        s.Bind(1, device_id).Bind(2, key).Bind(3, value);
        return tx.Ok() && s.Run() && LogReference("setting", key, "upsert", json{{"value", value}}, device_id) &&
               tx.Commit();
    }

    std::vector<Event> Events() override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<Event> out;
        Stmt s = db_->Prepare("SELECT id, title, sector, date, place, retired FROM events ORDER BY date, id");
        while (s.Step()) out.push_back(Event{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5) != 0});
        return out;
    }

    std::vector<CatalogueEntry> Catalogue() override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<CatalogueEntry> out;
        Stmt s = db_->Prepare(
            "SELECT kind, id, parent, label_fr, label_nl, label_en, sort, retired FROM catalogue "
            "ORDER BY kind, sort, id");
        while (s.Step())
            out.push_back(CatalogueEntry{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                                         int(s.Int(6)), s.Int(7) != 0});
        return out;
    }

    bool UpsertCatalogueEntry(const CatalogueEntry& e) override {
        std::lock_guard<std::mutex> lock(mutex_);
        Transaction tx(*db_);
        return tx.Ok() && UpsertCatalogueLocked(e) && tx.Commit();
    }

    static std::string LikePattern(const std::string& q) {
        std::string p = "%";
        for (char c : q) {
            if (c == '%' || c == '_' || c == '\\') p += '\\';
            p += char(std::tolower(static_cast<unsigned char>(c)));
        }
        return p + "%";
    }

    static bool ContactConsent(const std::string& data_text) {
        json d = json::parse(data_text, nullptr, false);
        if (!d.is_object()) return false;
        auto c = d.find("consents");
        if (c == d.end() || !c->is_object()) return false;
        auto k = c->find("contact");
        if (k == c->end() || !k->is_object()) return false;
        auto g = k->find("given");
        return g != k->end() && g->is_boolean() && g->get<bool>();
    }

    bool QueryRows(const std::string& which, const std::vector<std::string>& args,
                   std::vector<std::vector<std::string>>* rows, int64_t* total) override {
        std::lock_guard<std::mutex> lock(mutex_);
        rows->clear();
        *total = 0;
        auto arg = [&](size_t i) { return i < args.size() ? args[i] : std::string(); };
        if (which == "creators") {
            const char* where =
                " FROM creators c WHERE c.erased_at IS NULL AND (?1 = '' OR lower(c.first_name) LIKE ?2 ESCAPE '\\' "
                "OR lower(c.last_name) LIKE ?2 ESCAPE '\\' OR lower(c.email) LIKE ?2 ESCAPE '\\' "
                "OR lower(c.first_name || ' ' || c.last_name) LIKE ?2 ESCAPE '\\')";
            Stmt n = db_->Prepare(std::string("SELECT count(*)") + where);
            n.Bind(1, arg(0)).Bind(2, LikePattern(arg(0)));
            if (!n.Step()) return false;
            *total = n.Int(0);
            Stmt s = db_->Prepare(
                std::string("SELECT c.id, c.first_name, c.last_name, c.email, c.postcode, c.preferred_lang, "
                            "c.received_at, (SELECT group_concat(sector_id, ',') FROM (SELECT sector_id FROM "
                            "creator_sectors WHERE creator_id = c.id ORDER BY sector_id)), "
                            "(SELECT group_concat(profession_id, ',') FROM (SELECT profession_id FROM "
                            "creator_professions WHERE creator_id = c.id ORDER BY profession_id)), c.data") +
                where + " ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT ?3 OFFSET ?4");
            int64_t limit = arg(1).empty() ? -1 : std::stoll(arg(1));
            int64_t offset = arg(2).empty() ? 0 : std::stoll(arg(2));
            s.Bind(1, arg(0)).Bind(2, LikePattern(arg(0))).Bind(3, limit).Bind(4, offset);
            while (s.Step())
                rows->push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6),
                                 s.OptText(7).value_or(""), s.OptText(8).value_or(""),
                                 ContactConsent(s.Text(9)) ? "1" : "0"});
            return !s.Failed();
        }
        if (which == "attendance") {
            // Erased people's attendances stay as anonymous rows (empty personal columns).
            Stmt s = db_->Prepare(
                "SELECT a.event_id, COALESCE(e.title, ''), COALESCE(e.date, ''), a.creator_id, c.first_name, "
                "c.last_name, c.email, a.at FROM attendances a JOIN creators c ON c.id = a.creator_id "
                "LEFT JOIN events e ON e.id = a.event_id WHERE a.deleted = 0 AND (?1 = '' OR a.event_id = ?1) "
                "ORDER BY e.date, a.event_id, lower(c.last_name), lower(c.first_name), a.id");
            s.Bind(1, arg(0));
            while (s.Step())
                rows->push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6),
                                 s.Text(7)});
            *total = int64_t(rows->size());
            return !s.Failed();
        }
        if (which == "contacts") {
            Stmt s = db_->Prepare(
                "SELECT DISTINCT c.id, c.first_name, c.last_name, c.email, c.preferred_lang, c.data "
                "FROM creators c JOIN needs n ON n.creator_id = c.id WHERE n.item = ?1 AND n.deleted = 0 "
                "AND c.erased_at IS NULL ORDER BY lower(c.last_name), lower(c.first_name), c.id");
            s.Bind(1, arg(0));
            while (s.Step())
                if (ContactConsent(s.Text(5)))
                    rows->push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)});
            *total = int64_t(rows->size());
            return !s.Failed();
        }
        if (which == "offers") {
            // Offers naming the item, then offers without an item of the kind args[1].
            Stmt s = db_->Prepare(
                "SELECT o.id, o.kind, o.item, o.description, c.id, c.first_name, c.last_name, c.email, c.data "
                "FROM offers o JOIN creators c ON c.id = o.creator_id WHERE o.deleted = 0 AND c.erased_at IS NULL "
                "AND (o.item = ?1 OR (o.item = '' AND o.kind = ?2)) "
                "ORDER BY o.item = ?1 DESC, lower(c.last_name), lower(c.first_name), c.id, o.id");
            s.Bind(1, arg(0)).Bind(2, arg(1));
            while (s.Step())
                rows->push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6),
                                 s.Text(7), ContactConsent(s.Text(8)) ? "1" : "0"});
            *total = int64_t(rows->size());
            return !s.Failed();
        }
        if (which == "duplicates") {
            // Same case-folded NFC "first last", different identity keys (= emails).
            std::map<std::string, std::vector<std::vector<std::string>>> groups;
            std::map<std::string, std::set<std::string>> keys;
            Stmt s = db_->Prepare(
                "SELECT id, first_name, last_name, email, email_key FROM creators WHERE erased_at IS NULL "
                "ORDER BY id");
            while (s.Step()) {
                std::string name = EmailIdentityKey(s.Text(1)) + " " + EmailIdentityKey(s.Text(2));
                groups[name].push_back({name, s.Text(0), s.Text(1), s.Text(2), s.Text(3)});
                keys[name].insert(s.Text(4));
            }
            if (s.Failed()) return false;
            for (auto& [name, g] : groups)
                if (keys[name].size() > 1) {
                    ++*total;
                    for (auto& r : g) rows->push_back(std::move(r));
                }
            return true;
        }
        return false;
    }

    bool Audit(const std::string& creator_id, const std::string& actor, const std::string& field,
               const std::optional<std::string>& old_value, const std::optional<std::string>& new_value) {
        Stmt s = db_->Prepare(
            "INSERT INTO creator_audit(creator_id, at, actor, field, old_value, new_value) VALUES (?,?,?,?,?,?)");
        s.Bind(1, creator_id).Bind(2, NowRfc3339()).Bind(3, actor).Bind(4, field).Bind(5, old_value);
        s.Bind(6, new_value);
        return s.Run();
    }

    bool LiveCreator(const std::string& id) {
        Stmt s = db_->Prepare("SELECT 1 FROM creators WHERE id = ? AND erased_at IS NULL");
        s.Bind(1, id);
        return s.Step();
    }

    EditOutcome EditCreator(const std::string& id_or_alias, const json& fields, const std::string& actor,
                            json* errors) override {
        static const char* const kEditable[] = {"first_name", "last_name", "email",     "phone",
                                                "postcode",   "commune",   "website",   "structure_name",
                                                "other_profession", "preferred_lang"};
        std::lock_guard<std::mutex> lock(mutex_);
        *errors = json::array();
        if (!fields.is_object() || fields.empty()) {
            errors->push_back({{"code", "invalid_value"}, {"field", ""}, {"message", "send an object of fields"}});
            return EditOutcome::Invalid;
        }
        for (auto& [k, v] : fields.items()) {
            bool known = false;
            for (const char* f : kEditable) known = known || k == f;
            if (!known)
                errors->push_back({{"code", "not_editable"}, {"field", k}, {"message", "this field cannot be edited"}});
            else if (!v.is_string())
                errors->push_back({{"code", "invalid_value"}, {"field", k}, {"message", "must be a string"}});
        }
        if (!errors->empty()) return EditOutcome::Invalid;
        std::string id = Canonical(id_or_alias);
        Stmt q = db_->Prepare("SELECT data, version FROM creators WHERE id = ? AND erased_at IS NULL");
        q.Bind(1, id);
        if (!q.Step()) return q.Failed() ? EditOutcome::StorageError : EditOutcome::NotFound;
        json old = json::parse(q.Text(0), nullptr, false);
        if (!old.is_object()) old = json::object();
        json merged = old;
        for (auto& [k, v] : fields.items()) merged[k] = v;
        Creator cr;
        std::vector<FieldError> errs;
        if (!FromJson(merged, &cr, &errs) || !errs.empty() || !(errs = ValidateCreator(cr)).empty()) {
            for (const FieldError& e : errs) errors->push_back(ErrorToJson(e, Lang::En));
            if (errors->empty())
                errors->push_back({{"code", "invalid_value"}, {"field", ""}, {"message", "invalid creator"}});
            return EditOutcome::Invalid;
        }
        DecodedEntity de;
        de.entity = "creator";
        de.creator = cr;
        json data = EncodeEntityData(de);
        std::string key = EmailIdentityKey(cr.email);
        Stmt h = db_->Prepare("SELECT id FROM creators WHERE email_key = ? AND id <> ?");
        h.Bind(1, key).Bind(2, id);
        if (h.Step()) {
            errors->push_back({{"code", "identity_conflict"}, {"field", "email"},
                               {"message", "this email already belongs to another creator"}});
            return EditOutcome::Conflict;
        }
        Transaction tx(*db_);
        if (!tx.Ok()) return EditOutcome::StorageError;
        for (const char* f : kEditable) {
            std::string before = old.contains(f) && old[f].is_string() ? old[f].get<std::string>() : "";
            std::string after = data.contains(f) && data[f].is_string() ? data[f].get<std::string>() : "";
            if (before != after && !Audit(id, actor, f, before, after)) return EditOutcome::StorageError;
        }
        Stmt u = db_->Prepare(
            "UPDATE creators SET first_name = ?, last_name = ?, email = ?, postcode = ?, preferred_lang = ?, "
            "data = ?, email_key = ? WHERE id = ?");
        u.Bind(1, cr.first_name).Bind(2, cr.last_name).Bind(3, cr.email).Bind(4, cr.postcode);
        u.Bind(5, cr.preferred_lang).Bind(6, data.dump()).Bind(7, key).Bind(8, id);
        if (!u.Run() || !tx.Commit()) return EditOutcome::StorageError;
        return EditOutcome::Ok;
    }

    std::optional<json> CreatorAudit(const std::string& id_or_alias) override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string id = Canonical(id_or_alias);
        if (!LiveCreator(id)) return std::nullopt;
        json out = json::array();
        Stmt s = db_->Prepare(
            "SELECT at, actor, field, old_value, new_value FROM creator_audit WHERE creator_id = ? ORDER BY seq");
        s.Bind(1, id);
        while (s.Step())
            out.push_back({{"at", s.Text(0)}, {"actor", s.Text(1)}, {"field", s.Text(2)},
                           {"old", s.IsNull(3) ? json() : json(s.Text(3))},
                           {"new", s.IsNull(4) ? json() : json(s.Text(4))}});
        if (s.Failed()) return std::nullopt;
        return out;
    }

    // Points the children of `from` at `to`, rewriting `data.creator_id` (and, when
    // `anonymize`, dropping free texts: need comments, offer descriptions).
    bool MoveChildren(const std::string& from, const std::string& to, bool anonymize, json* counts) {
        for (const char* table : {"needs", "offers", "attendances"}) {
            std::vector<std::pair<std::string, std::string>> rows;
            Stmt s = db_->Prepare(std::string("SELECT id, data FROM ") + table + " WHERE creator_id = ?");
            s.Bind(1, from);
            while (s.Step()) rows.push_back({s.Text(0), s.Text(1)});
            if (s.Failed()) return false;
            for (auto& [rid, text] : rows) {
                json d = json::parse(text, nullptr, false);
                if (!d.is_object()) d = json::object();
                d["creator_id"] = to;
                if (anonymize) {
                    d.erase("comment");
                    d.erase("description");
                }
                std::string sql = std::string("UPDATE ") + table + " SET creator_id = ?, data = ?" +
                                  (anonymize && std::string(table) == "needs"    ? ", comment = ''"
                                   : anonymize && std::string(table) == "offers" ? ", description = ''"
                                                                                 : "") +
                                  " WHERE id = ?";
                Stmt u = db_->Prepare(sql);
                u.Bind(1, to).Bind(2, d.dump()).Bind(3, rid);
                if (!u.Run()) return false;
            }
            if (counts) (*counts)[table] = rows.size();
        }
        for (const char* table : {"creator_sectors", "creator_professions"}) {
            std::string col = std::string(table) == "creator_sectors" ? "sector_id" : "profession_id";
            Stmt c = db_->Prepare(std::string("INSERT OR IGNORE INTO ") + table + "(creator_id, " + col + ") SELECT ?, " +
                                  col + " FROM " + table + " WHERE creator_id = ?");
            c.Bind(1, to).Bind(2, from);
            if (!c.Run()) return false;
        }
        return true;
    }

    EditOutcome MergeCreators(const std::string& from_raw, const std::string& into_raw,
                              const std::string& actor) override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string from = Canonical(from_raw), into = Canonical(into_raw);
        if (!LiveCreator(from) || !LiveCreator(into)) return EditOutcome::NotFound;
        if (from == into) return EditOutcome::Conflict;
        Transaction tx(*db_);
        if (!tx.Ok() || !MoveChildren(from, into, false, nullptr)) return EditOutcome::StorageError;
        std::vector<std::string> aliases;
        Stmt a = db_->Prepare("SELECT alias_id FROM creator_aliases WHERE creator_id = ?");
        a.Bind(1, from);
        while (a.Step()) aliases.push_back(a.Text(0));
        Stmt ua = db_->Prepare("UPDATE creator_aliases SET creator_id = ? WHERE creator_id = ?");
        ua.Bind(1, into).Bind(2, from);
        Stmt au = db_->Prepare("UPDATE creator_audit SET creator_id = ? WHERE creator_id = ?");
        au.Bind(1, into).Bind(2, from);
        if (!ua.Run() || !au.Run()) return EditOutcome::StorageError;
        for (const std::string& al : aliases)
            if (!LogReference("creator_alias", al, "upsert", json{{"creator_id", into}})) return EditOutcome::StorageError;
        Stmt d = db_->Prepare("DELETE FROM creators WHERE id = ?");
        d.Bind(1, from);
        if (!d.Run() || !AddAlias(from, into, NowRfc3339()) || !Audit(into, actor, "merged", from, into) ||
            !tx.Commit())
            return EditOutcome::StorageError;
        return EditOutcome::Ok;
    }

    EditOutcome EraseCreator(const std::string& id_or_alias, const std::string& actor, json* summary) override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string id = Canonical(id_or_alias);
        if (!LiveCreator(id)) return EditOutcome::NotFound;
        Transaction tx(*db_);
        if (!tx.Ok()) return EditOutcome::StorageError;
        std::string anon = NewUuid(), now = NowRfc3339();
        // The anonymous remainder: no name, email, phone, postcode, free text or consent;
        // only what the needs report counts (sectors, professions, need items + dates,
        // attendances) under a fresh id with no link to the ids devices know.
        Stmt ins = db_->Prepare(
            "INSERT INTO creators(id, version, email_key, first_name, last_name, email, postcode, preferred_lang, "
            "created_at, updated_at, received_at, device_id, deleted, data, erased_at) "
            "SELECT ?1, 1, 'erased:' || ?1, '', '', '', '', 'fr', substr(created_at, 1, 10), '', '', '', "
            "deleted, '{}', ?2 FROM creators WHERE id = ?3");
        ins.Bind(1, anon).Bind(2, now).Bind(3, id);
        if (!ins.Run()) return EditOutcome::StorageError;
        json moved = json::object();
        if (!MoveChildren(id, anon, true, &moved)) return EditOutcome::StorageError;
        std::vector<std::string> aliases;
        Stmt a = db_->Prepare("SELECT alias_id FROM creator_aliases WHERE creator_id = ?");
        a.Bind(1, id);
        while (a.Step()) aliases.push_back(a.Text(0));
        // Devices drop the aliases; the log rows naming them go.
        for (const std::string& al : aliases) {
            Stmt dl = db_->Prepare("DELETE FROM reference_log WHERE entity = 'creator_alias' AND id = ?");
            dl.Bind(1, al);
            if (!dl.Run() || !LogReference("creator_alias", al, "delete", json::object()))
                return EditOutcome::StorageError;
        }
        Stmt au = db_->Prepare(
            "UPDATE creator_audit SET creator_id = ?, old_value = NULL, new_value = NULL WHERE creator_id = ?");
        au.Bind(1, anon).Bind(2, id);
        if (!au.Run()) return EditOutcome::StorageError;
        int64_t audit_cleared = db_->Changes();
        Stmt d = db_->Prepare("DELETE FROM creators WHERE id = ?");  // cascades: aliases, sectors, professions
        d.Bind(1, id);
        if (!d.Run()) return EditOutcome::StorageError;
        *summary = {{"erased", true},
                    {"creator_id", id},
                    {"erased_at", now},
                    {"personal_data_removed",
                     json::array({"creator (names, email, phone, postcode, commune, websites, work status, "
                                  "languages, consents)",
                                  "need comments", "offer descriptions", "aliases", "audit old/new values"})},
                    {"aliases_removed", aliases.size()},
                    {"audit_entries_cleared", audit_cleared},
                    {"kept_anonymously",
                     {{"anonymous_id", anon},
                      {"needs", moved["needs"]},
                      {"offers", moved["offers"]},
                      {"attendances", moved["attendances"]},
                      {"why", "aggregate counts (needs report, attendance totals) stay right"}}}};
        json kept = *summary;
        kept.erase("creator_id");  // the erasure log keeps no id devices know
        Stmt e = db_->Prepare("INSERT INTO erasures(at, actor, anonymous_id, summary) VALUES (?,?,?,?)");
        e.Bind(1, now).Bind(2, actor).Bind(3, anon).Bind(4, kept.dump());
        if (!e.Run() || !tx.Commit()) return EditOutcome::StorageError;
        db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");  // old pages leave the WAL too
        return EditOutcome::Ok;
    }

private:
    std::mutex mutex_;
    std::unique_ptr<Db> db_;
    std::mutex reader_mutex_;   // guards reader_ (OpenReader)
    std::unique_ptr<Db> reader_;
    // The report's facts stay loaded between requests; this process's writes refresh
    // only the creators they touched, another process's commit reloads everything
    // (core/needs_report.h, TrackWrites): a few ms per report instead of ~200 ms at 100k.
    NeedsReportIndex report_index_;
};

}  // namespace

// Needs report: core's NeedsReportIndex over the same tables (core/needs_report.h).
std::optional<json> SqliteServerStore::RunNeedsReport(const NeedsReportQuery& q, std::string* error) {
    const ReportFilter f = ToReportFilter(q);
    if (!report_index_.Refresh(*db_)) {
        *error = report_index_.Error();
        return std::nullopt;
    }
    comptoir::NeedsReport r = report_index_.Compute(f);
    if (!r.ok) {
        *error = r.error;
        return std::nullopt;
    }
    return ToJson(r);
}

std::unique_ptr<ServerStore> OpenSqliteServerStore(const std::string& path, std::string* error) {
    auto db = Db::Open(path, error);
    if (!db) return nullptr;
    auto store = std::make_unique<SqliteServerStore>(std::move(db));
    if (!store->Init(error)) return nullptr;
    store->OpenReader(path);
    store->StartCheckpointer(path);
    return store;
}

// OpenServerStore (SQLite path or PostgreSQL URL): store_factory.cpp.

}  // namespace comptoir
