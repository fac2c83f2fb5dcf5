// sync/server/pg_store.cpp — the PostgreSQL backend of ServerStore (libpq; see
// server_store.h for the invariants, pg_store.h for usage). Same tables and columns as
// sqlite_store.cpp, in PostgreSQL's dialect.
//
// [SECTION] libpq helpers (results, parameters, the connection pool)
// [SECTION] schema and migrations (schema_version table, advisory lock)
// [SECTION] accounts, sessions, devices
// [SECTION] push (one transaction per batch, a savepoint per change, retries)
// [SECTION] pull, reference data
// [SECTION] staff reads, needs report
//
// Several server instances may share the database, so every invariant holds across
// processes, not only across threads:
//  - A push batch is one READ COMMITTED transaction. `batches.batch_id` is the primary
//    key: two instances receiving the same batch race on it, the loser retries the batch
//    and then finds the stored answer (replay) or another device's (batch_conflict).
//  - Versions (invariant 2): a change first *claims* its version with
//    INSERT … ON CONFLICT DO UPDATE … WHERE stored < new; that row stays locked until
//    commit, so two transactions touching the same record id are serialized and a
//    lower version can never overwrite a higher one.
//  - Identity (invariant 3): creators.email_key is UNIQUE. Two transactions inserting
//    the same new email: the second blocks on the index until the first commits, then
//    fails with unique_violation (23505); the change is rolled back to its savepoint and
//    run again — it now sees the first creator and becomes its alias. So concurrent
//    pushes of one person through two instances end with ONE creator.
//  - Deadlocks (40P01) and serialization failures (40001) roll the whole batch back and
//    retry it (up to kMaxBatchAttempts, with a short random backoff).
//  - Pull cursor: reference_log.seq comes from a sequence, and sequences are handed out
//    before commit; a puller could read seq 7 while 6 is still uncommitted and skip it
//    forever. So every transaction that appends to reference_log first takes a
//    transaction-level advisory lock (kReferenceLogLock): log rows commit in seq order.
//    Only pushes that create an alias, event/setting edits and migrations take it.
// Durability: PostgreSQL's defaults (fsync on, synchronous_commit on) make an
// acknowledged batch durable; do not turn synchronous_commit off in production.
// Personal data never goes into error strings: only the primary message of a PostgreSQL
// error (never its DETAIL, which can quote key values) is kept.
#include "sync/server/pg_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "core/catalogue.h"
#include "core/clock.h"
#include "core/domain_json.h"
#include "core/needs_report.h"
#include "core/uuid.h"
#include "core/validate.h"

namespace comptoir {

using nlohmann::json;

bool IsPostgresUrl(const std::string& location) {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

namespace {

constexpr int64_t kMigrationLock = 0x436f6d7074010001;     // "Compt" + 1.1
constexpr int64_t kReferenceLogLock = 0x436f6d7074010002;  // "Compt" + 1.2
constexpr int kMaxBatchAttempts = 12;
constexpr int kMaxChangeAttempts = 4;

// [SECTION] libpq helpers ---------------------------------------------------------------

// A query parameter: text, or NULL.
struct Param {
    Param(const std::string& s) : value(s) {}                      // NOLINT(implicit)
    Param(const char* s) : value(s) {}                             // NOLINT(implicit)
    Param(int64_t v) : value(std::to_string(v)) {}                 // NOLINT(implicit)
    Param(int v) : value(std::to_string(v)) {}                     // NOLINT(implicit)
    Param(bool v) : value(v ? "1" : "0") {}                        // NOLINT(implicit)
    Param(std::nullopt_t) : is_null(true) {}                       // NOLINT(implicit)
    std::string value;
    bool is_null = false;
};

// One result (owns the PGresult). ok: the command succeeded; state: SQLSTATE else.
class Res {
public:
    Res() = default;
    explicit Res(PGresult* r) : r_(r) {
        ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        ok_ = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
        if (!ok_ && r) {
            const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            const char* m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
            state_ = s ? s : "";
            error_ = m ? m : PQresStatus(st);
        } else if (!ok_) {
            error_ = "connection lost";
            state_ = "08006";
        }
    }
    ~Res() {
        if (r_) PQclear(r_);
    }
    Res(Res&& o) noexcept : r_(o.r_), ok_(o.ok_), state_(std::move(o.state_)), error_(std::move(o.error_)) {
        o.r_ = nullptr;
    }
    Res& operator=(Res&& o) noexcept {
        if (this != &o) {
            if (r_) PQclear(r_);
            r_ = o.r_;
            o.r_ = nullptr;
            ok_ = o.ok_;
            state_ = std::move(o.state_);
            error_ = std::move(o.error_);
        }
        return *this;
    }
    Res(const Res&) = delete;
    Res& operator=(const Res&) = delete;

    bool Ok() const { return ok_; }
    const std::string& State() const { return state_; }
    const std::string& Error() const { return error_; }
    int Rows() const { return ok_ ? PQntuples(r_) : 0; }
    bool IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
    std::string Text(int row, int col) const { return std::string(PQgetvalue(r_, row, col), size_t(PQgetlength(r_, row, col))); }
    int64_t Int(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
    int64_t Affected() const { return ok_ ? std::strtoll(PQcmdTuples(r_), nullptr, 10) : 0; }

private:
    PGresult* r_ = nullptr;
    bool ok_ = false;
    std::string state_, error_;
};

Res Run(PGconn* c, const std::string& sql, const std::vector<Param>& params = {}) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p.is_null ? nullptr : p.value.c_str());
    return Res(PQexecParams(c, sql.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
}

// Several statements, no parameters (migrations, BEGIN/COMMIT).
Res RunScript(PGconn* c, const std::string& sql) { return Res(PQexec(c, sql.c_str())); }

bool IsRetryable(const std::string& state) {
    return state == "40001" || state == "40P01";  // serialization_failure, deadlock_detected
}
bool IsUniqueViolation(const std::string& state) { return state == "23505"; }

std::string ConnError(PGconn* c) {
    // PQerrorMessage may end with a newline and never holds row data.
    std::string m = c ? PQerrorMessage(c) : "out of memory";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
}

void IgnoreNotice(void*, const PGresult*) {}  // "relation already exists, skipping" etc.

// A fixed-size pool of connections, opened on demand, reset when broken.
class Pool {
public:
    Pool(std::string url, size_t size) : url_(std::move(url)), size_(std::max<size_t>(1, size)) {}
    ~Pool() {
        for (PGconn* c : idle_) PQfinish(c);
    }

    // A connection for the caller's exclusive use (nullptr if none can be opened).
    PGconn* Acquire(std::string* error) {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
        PGconn* c = nullptr;
        if (!idle_.empty()) {
            c = idle_.back();
            idle_.pop_back();
        } else {
            ++open_;
            lock.unlock();
            c = PQconnectdb(url_.c_str());
            lock.lock();
            if (!c || PQstatus(c) != CONNECTION_OK) {
                if (error) *error = ConnError(c);
                if (c) PQfinish(c);
                --open_;
                cv_.notify_one();
                return nullptr;
            }
            PQsetNoticeProcessor(c, nullptr, nullptr);
            PQsetNoticeReceiver(c, IgnoreNotice, nullptr);
        }
        if (PQstatus(c) != CONNECTION_OK) PQreset(c);
        return c;
    }

    void Release(PGconn* c) {
        if (!c) return;
        // A connection left inside a transaction (a bug or a lost connection) is reset.
        if (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) != PQTRANS_IDLE) {
            RunScript(c, "ROLLBACK");
            if (PQstatus(c) != CONNECTION_OK) PQreset(c);
        }
        std::lock_guard<std::mutex> lock(mutex_);
        idle_.push_back(c);
        cv_.notify_one();
    }

private:
    std::string url_;
    size_t size_;
    size_t open_ = 0;
    std::vector<PGconn*> idle_;
    std::mutex mutex_;
    std::condition_variable cv_;
};

// RAII lease of a pooled connection.
class Lease {
public:
    Lease(Pool& pool, std::string* error = nullptr) : pool_(pool), c_(pool.Acquire(error)) {}
    ~Lease() { pool_.Release(c_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    PGconn* get() const { return c_; }
    explicit operator bool() const { return c_ != nullptr; }

private:
    Pool& pool_;
    PGconn* c_;
};

// [SECTION] schema and migrations --------------------------------------------------------
// Entry i moves schema_version from i to i+1. Never edit a shipped entry: append. Same
// tables and columns as sqlite_store.cpp's kMigrations (ids compare bytewise there, so
// ORDER BY uses COLLATE "C" here).
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE users(
  id BIGSERIAL PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL);
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_ms BIGINT NOT NULL);
CREATE TABLE enrollment_codes(
  code_hash TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_ms BIGINT NOT NULL,
  used_at TEXT,
  device_id TEXT);
CREATE TABLE devices(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  token_hash TEXT NOT NULL UNIQUE,
  enrolled_at TEXT NOT NULL,
  revoked_at TEXT,
  last_sync_at TEXT,
  last_app_version TEXT,
  last_pending BIGINT);
CREATE TABLE batches(
  batch_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  answer TEXT NOT NULL);
CREATE TABLE record_versions(
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (entity, id));
CREATE TABLE creators(
  id TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
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
  data TEXT NOT NULL);
CREATE TABLE creator_aliases(
  alias_id TEXT PRIMARY KEY,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL);
CREATE INDEX creator_aliases_creator ON creator_aliases(creator_id);
CREATE TABLE creator_sectors(
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  sector_id TEXT NOT NULL,
  PRIMARY KEY (creator_id, sector_id));
CREATE TABLE creator_professions(
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  profession_id TEXT NOT NULL,
  PRIMARY KEY (creator_id, profession_id));
CREATE TABLE needs(
  id TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  item TEXT NOT NULL,
  frequency TEXT NOT NULL DEFAULT '',
  urgency TEXT NOT NULL DEFAULT '',
  budget TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL);
CREATE INDEX needs_creator ON needs(creator_id, item, updated_at) WHERE deleted = 0;
CREATE TABLE offers(
  id TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  item TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL);
CREATE INDEX offers_creator ON offers(creator_id);
CREATE INDEX offers_item ON offers(item) WHERE deleted = 0;
CREATE TABLE attendances(
  id TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  at TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL);
CREATE INDEX attendances_creator ON attendances(creator_id);
CREATE INDEX attendances_event ON attendances(event_id, creator_id);
CREATE TABLE catalogue(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  label_fr TEXT NOT NULL,
  label_nl TEXT NOT NULL,
  label_en TEXT NOT NULL,
  sort BIGINT NOT NULL DEFAULT 0,
  retired INTEGER NOT NULL DEFAULT 0);
CREATE TABLE events(
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  sector TEXT NOT NULL DEFAULT '',
  date TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  retired INTEGER NOT NULL DEFAULT 0);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE reference_log(
  seq BIGSERIAL PRIMARY KEY,
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  op TEXT NOT NULL,
  data TEXT NOT NULL);
)sql",
    // 2: administration (issue 6), as sqlite_store.cpp's migration 2.
    R"sql(
ALTER TABLE creators ADD COLUMN erased_at TEXT;
ALTER TABLE reference_log ADD COLUMN device_id TEXT;
CREATE TABLE device_settings(
  device_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (device_id, key));
CREATE TABLE creator_audit(
  seq BIGSERIAL PRIMARY KEY,
  creator_id TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT);
CREATE INDEX creator_audit_creator ON creator_audit(creator_id, seq);
CREATE TABLE erasures(
  seq BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  anonymous_id TEXT NOT NULL,
  summary TEXT NOT NULL);
)sql",
    // phones (issue 4), as sqlite_store.cpp's "phones" migration.
    R"sql(
CREATE TABLE join_codes(
  code_hash TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  expires_ms BIGINT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX join_codes_event ON join_codes(event_id, expires_ms);
CREATE TABLE device_kinds(
  device_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'phone')),
  event_id TEXT NOT NULL DEFAULT '',
  expires_ms BIGINT NOT NULL DEFAULT 0);
CREATE TABLE enroll_requests(
  request_id TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL,
  device_id TEXT NOT NULL,
  at_ms BIGINT NOT NULL);
)sql",
    // needs report (issue 8): each PgServerStore keeps the report's facts in memory
    // (core's NeedsReportIndex) and reloads them only when the report generation moved:
    // report_generation.n + count(report_changes), which every transaction writing a
    // table the report reads raises by exactly one (a statement trigger inserts one
    // report_changes row per transaction; a transaction-local setting remembers it).
    // Inserts never wait on each other (no shared counter row to lock); the report
    // request folds report_changes into n now and then. Covering partial indexes in
    // bytewise order (COLLATE "C", which the default-collation indexes cannot serve)
    // for the reload's ordered scans: creators and attendances as core's "report
    // indexes" migration, and needs (500k rows at 100k creators: an index-only scan
    // instead of a sort, about half the reload).
    R"sql(
CREATE TABLE report_generation(id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
INSERT INTO report_generation VALUES (1, 0);
CREATE TABLE report_changes(seq BIGSERIAL PRIMARY KEY);
CREATE FUNCTION comptoir_report_changed() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF current_setting('comptoir.report_changed', true) IS DISTINCT FROM '1' THEN
    INSERT INTO report_changes DEFAULT VALUES;
    PERFORM set_config('comptoir.report_changed', '1', true);
  END IF;
  RETURN NULL;
END
$body$;
CREATE TRIGGER creators_report_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON creators
  FOR EACH STATEMENT EXECUTE FUNCTION comptoir_report_changed();
CREATE TRIGGER creator_sectors_report_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON creator_sectors
  FOR EACH STATEMENT EXECUTE FUNCTION comptoir_report_changed();
CREATE TRIGGER creator_professions_report_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON creator_professions
  FOR EACH STATEMENT EXECUTE FUNCTION comptoir_report_changed();
CREATE TRIGGER needs_report_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON needs
  FOR EACH STATEMENT EXECUTE FUNCTION comptoir_report_changed();
CREATE TRIGGER offers_report_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON offers
  FOR EACH STATEMENT EXECUTE FUNCTION comptoir_report_changed();
CREATE TRIGGER attendances_report_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON attendances
  FOR EACH STATEMENT EXECUTE FUNCTION comptoir_report_changed();
CREATE TRIGGER catalogue_report_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalogue
  FOR EACH STATEMENT EXECUTE FUNCTION comptoir_report_changed();
CREATE INDEX creators_live ON creators(id COLLATE "C") WHERE deleted = 0;
CREATE INDEX attendances_live ON attendances(creator_id COLLATE "C", event_id) WHERE deleted = 0;
CREATE INDEX needs_live ON needs(creator_id COLLATE "C", item, updated_at) WHERE deleted = 0;
)sql",
};

const char* PullEntityOf(const std::string& kind) {
    if (kind == "sector") return "sector";
    if (kind == "profession") return "profession";
    return "catalogue_item";  // need_category, need_item
}

std::string TableOf(const std::string& entity) {
    if (entity == "need") return "needs";
    if (entity == "offer") return "offers";
    if (entity == "attendance") return "attendances";
    return "creators";
}

struct ChangeOutcome {
    ChangeStatus status = ChangeStatus::Applied;
    std::string code, field, message;
};

ChangeOutcome Rejected(std::string code, std::string field, std::string message) {
    return {ChangeStatus::Rejected, std::move(code), std::move(field), std::move(message)};
}

std::string Message(ErrorCode code) { return ErrorMessage(code, Lang::En); }

// The state of one push transaction: its connection and the first failed statement.
struct PushTx {
    PGconn* c = nullptr;
    std::string failed_state;  // SQLSTATE of the failure that ended the current change
    std::string failed_error;

    // Runs a statement; on failure remembers why (the change then stops).
    Res Q(const std::string& sql, const std::vector<Param>& params = {}) {
        Res r = Run(c, sql, params);
        if (!r.Ok() && failed_state.empty() && failed_error.empty()) {
            failed_state = r.State();
            failed_error = r.Error();
        }
        return r;
    }
    bool Failed() const { return !failed_state.empty() || !failed_error.empty(); }
    void Clear() {
        failed_state.clear();
        failed_error.clear();
    }
};

class PgServerStore final : public ServerStore {
public:
    PgServerStore(const std::string& url, size_t pool_size) : pool_(url, pool_size) {}

    bool Init(std::string* error) {
        Lease l(pool_, error);
        if (!l) return false;
        PGconn* c = l.get();
        auto fail = [&](const Res& r, const char* what) {
            *error = std::string(what) + ": " + r.Error();
            RunScript(c, "ROLLBACK");
            return false;
        };
        Res r = RunScript(c, "BEGIN");
        if (!r.Ok()) return fail(r, "begin");
        // Two instances starting together: the second waits for the first's migrations.
        if (!(r = Run(c, "SELECT pg_advisory_xact_lock($1)", {kMigrationLock})).Ok()) return fail(r, "lock");
        if (!(r = RunScript(c, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)")).Ok())
            return fail(r, "schema_version");
        if (!(r = RunScript(c, "SELECT max(version) FROM schema_version")).Ok()) return fail(r, "schema_version");
        int v = r.IsNull(0, 0) ? 0 : int(r.Int(0, 0));
        const int target = int(sizeof kMigrations / sizeof kMigrations[0]);
        if (v > target) {
            *error = "database schema " + std::to_string(v) + " is newer than this server (" +
                     std::to_string(target) + ")";
            RunScript(c, "ROLLBACK");
            return false;
        }
        const int first_version = v;
        for (; v < target; ++v) {
            if (!(r = RunScript(c, kMigrations[v])).Ok()) return fail(r, "migration");
            if (!(r = Run(c, "DELETE FROM schema_version")).Ok() ||
                !(r = Run(c, "INSERT INTO schema_version(version) VALUES ($1)", {v + 1})).Ok())
                return fail(r, "schema_version");
        }
        if (first_version == 0) {
            // Seeded once, on a new database, after every migration ran (the log rows
            // need the current columns).
            PushTx tx{c};
            for (const CatalogueEntry& e : SeedCatalogue()) {
                if (!UpsertCatalogue(tx, e)) {
                    *error = "seeding the catalogue: " + tx.failed_error;
                    RunScript(c, "ROLLBACK");
                    return false;
                }
            }
        }
        if (!(r = RunScript(c, "COMMIT")).Ok()) return fail(r, "commit");
        return true;
    }

    // [SECTION] accounts, sessions, devices --------------------------------------------
    bool AddUser(const std::string& username, const std::string& password_hash, const std::string& role,
                 std::string* error) override {
        Lease l(pool_, error);
        if (!l) return false;
        Res r = Run(l.get(), "INSERT INTO users(username, password_hash, role, created_at) VALUES ($1,$2,$3,$4)",
                    {username, password_hash, role, NowRfc3339()});
        if (!r.Ok()) {
            *error = IsUniqueViolation(r.State()) ? "a user with that name already exists" : r.Error();
            return false;
        }
        return true;
    }

    std::optional<UserRecord> FindUser(const std::string& username) override {
        Lease l(pool_);
        if (!l) return std::nullopt;
        Res r = Run(l.get(), "SELECT id, username, password_hash, role, disabled FROM users WHERE username = $1",
                    {username});
        if (r.Rows() == 0) return std::nullopt;
        return UserRecord{r.Int(0, 0), r.Text(0, 1), r.Text(0, 2), r.Text(0, 3), r.Int(0, 4) != 0};
    }

    bool CreateSession(const std::string& token_hash, int64_t user_id, int64_t expires_ms) override {
        Lease l(pool_);
        if (!l) return false;
        Run(l.get(), "DELETE FROM sessions WHERE expires_ms < $1", {NowMs()});
        return Run(l.get(), "INSERT INTO sessions(token_hash, user_id, expires_ms) VALUES ($1,$2,$3)",
                   {token_hash, user_id, expires_ms})
            .Ok();
    }

    bool AddEnrollmentCode(const std::string& code_hash, const std::string& label, int64_t expires_ms,
                           std::string* error) override {
        Lease l(pool_, error);
        if (!l) return false;
        Res r = Run(l.get(),
                    "INSERT INTO enrollment_codes(code_hash, label, created_at, expires_ms) VALUES ($1,$2,$3,$4)",
                    {code_hash, label, NowRfc3339(), expires_ms});
        if (!r.Ok()) {
            *error = r.Error();
            return false;
        }
        return true;
    }

    EnrollOutcome Enroll(const std::string& code_hash, const std::string& device_name, const std::string& device_id,
                         const std::string& token_hash, int64_t now_ms) override {
        Lease l(pool_);
        if (!l) return EnrollOutcome::StorageError;
        PGconn* c = l.get();
        if (!RunScript(c, "BEGIN").Ok()) return EnrollOutcome::StorageError;
        // FOR UPDATE: the same code presented to two instances at once is used once.
        Res q = Run(c,
                    "SELECT label FROM enrollment_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_ms > $2 "
                    "FOR UPDATE",
                    {code_hash, now_ms});
        if (!q.Ok() || q.Rows() == 0) {
            RunScript(c, "ROLLBACK");
            return q.Ok() ? EnrollOutcome::InvalidCode : EnrollOutcome::StorageError;
        }
        std::string label = q.Text(0, 0);
        std::string now = FormatRfc3339(now_ms);
        Res u = Run(c, "UPDATE enrollment_codes SET used_at = $1, device_id = $2 WHERE code_hash = $3 AND used_at IS NULL",
                    {now, device_id, code_hash});
        if (!u.Ok() || u.Affected() != 1) {
            RunScript(c, "ROLLBACK");
            return u.Ok() ? EnrollOutcome::InvalidCode : EnrollOutcome::StorageError;
        }
        Res d = Run(c, "INSERT INTO devices(id, name, label, token_hash, enrolled_at) VALUES ($1,$2,$3,$4,$5)",
                    {device_id, device_name, label, token_hash, now});
        if (!d.Ok() || !RunScript(c, "COMMIT").Ok()) {
            RunScript(c, "ROLLBACK");
            return EnrollOutcome::StorageError;
        }
        return EnrollOutcome::Ok;
    }

    // Phones and idempotent enrolment (issue 4): see server_store.h. FOR UPDATE on the
    // request row / code row: two instances answering the same retry agree.
    EnrollOutcome EnrollOnce(const std::string& code_hash, bool join, const std::string& device_name,
                             const std::string& request_id, const std::string& new_device_id,
                             const std::string& token_hash, int64_t now_ms, EnrollGrant* out) override {
        Lease l(pool_);
        if (!l) return EnrollOutcome::StorageError;
        PGconn* c = l.get();
        if (!RunScript(c, "BEGIN").Ok()) return EnrollOutcome::StorageError;
        auto fail = [&](EnrollOutcome o) {
            RunScript(c, "ROLLBACK");
            return o;
        };
        auto commit = [&]() {
            if (!RunScript(c, "COMMIT").Ok()) return fail(EnrollOutcome::StorageError);
            return EnrollOutcome::Ok;
        };
        auto kind_of = [&](const std::string& device_id) {
            Res k = Run(c, "SELECT kind, event_id FROM device_kinds WHERE device_id = $1", {device_id});
            out->kind = k.Rows() > 0 ? k.Text(0, 0) : "kiosk";
            out->event_id = k.Rows() > 0 ? k.Text(0, 1) : "";
        };
        if (!request_id.empty()) {
            Res r = Run(c, "SELECT code_hash, device_id, at_ms FROM enroll_requests WHERE request_id = $1 FOR UPDATE",
                        {request_id});
            if (!r.Ok()) return fail(EnrollOutcome::StorageError);
            if (r.Rows() > 0) {   // a retry: same code, soon enough, device still allowed
                std::string device_id = r.Text(0, 1);
                int64_t at = r.Int(0, 2);
                if (r.Text(0, 0) != code_hash || now_ms - at > kEnrollRetryMs || now_ms < at)
                    return fail(EnrollOutcome::InvalidCode);
                Res u = Run(c, "UPDATE devices SET token_hash = $1 WHERE id = $2 AND revoked_at IS NULL",
                            {token_hash, device_id});
                if (!u.Ok()) return fail(EnrollOutcome::StorageError);
                if (u.Affected() != 1) return fail(EnrollOutcome::InvalidCode);
                kind_of(device_id);
                out->device_id = device_id;
                out->rotated = true;
                return commit();
            }
        }
        std::string now = FormatRfc3339(now_ms);
        if (join) {
            Res q = Run(c, "SELECT event_id, expires_ms FROM join_codes WHERE code_hash = $1 AND expires_ms > $2",
                        {code_hash, now_ms});
            if (!q.Ok()) return fail(EnrollOutcome::StorageError);
            if (q.Rows() == 0) return fail(EnrollOutcome::InvalidCode);
            std::string event_id = q.Text(0, 0);
            int64_t expires = q.Int(0, 1);
            if (!Run(c, "INSERT INTO devices(id, name, label, token_hash, enrolled_at) VALUES ($1,$2,'phone',$3,$4)",
                     {new_device_id, device_name, token_hash, now}).Ok() ||
                !Run(c, "INSERT INTO device_kinds(device_id, kind, event_id, expires_ms) VALUES ($1,'phone',$2,$3)",
                     {new_device_id, event_id, expires}).Ok())
                return fail(EnrollOutcome::StorageError);
            out->kind = "phone";
            out->event_id = event_id;
        } else {
            Res q = Run(c,
                        "SELECT label FROM enrollment_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_ms > $2 "
                        "FOR UPDATE",
                        {code_hash, now_ms});
            if (!q.Ok()) return fail(EnrollOutcome::StorageError);
            if (q.Rows() == 0) return fail(EnrollOutcome::InvalidCode);
            std::string label = q.Text(0, 0);
            Res u = Run(c, "UPDATE enrollment_codes SET used_at = $1, device_id = $2 WHERE code_hash = $3 AND used_at IS NULL",
                        {now, new_device_id, code_hash});
            if (!u.Ok()) return fail(EnrollOutcome::StorageError);
            if (u.Affected() != 1) return fail(EnrollOutcome::InvalidCode);
            if (!Run(c, "INSERT INTO devices(id, name, label, token_hash, enrolled_at) VALUES ($1,$2,$3,$4,$5)",
                     {new_device_id, device_name, label, token_hash, now}).Ok())
                return fail(EnrollOutcome::StorageError);
            out->kind = "kiosk";
        }
        if (!request_id.empty()) {
            Res r = Run(c, "INSERT INTO enroll_requests(request_id, code_hash, device_id, at_ms) VALUES ($1,$2,$3,$4)",
                        {request_id, code_hash, new_device_id, now_ms});
            // Two first attempts of one request racing: the loser is told to retry.
            if (!r.Ok()) return fail(IsUniqueViolation(r.State()) ? EnrollOutcome::InvalidCode : EnrollOutcome::StorageError);
        }
        out->device_id = new_device_id;
        return commit();
    }

    bool IssueJoinCodes(int64_t now_ms,
                        const std::function<std::pair<std::string, std::string>()>& mint) override {
        const std::string today = FormatRfc3339(now_ms).substr(0, 10);
        {   // Cheap check first: most pulls find nothing to do.
            Lease l(pool_);
            if (!l) return false;
            Res q = Run(l.get(),
                        "SELECT 1 FROM events e WHERE e.retired = 0 AND e.date >= $1 AND NOT EXISTS "
                        "(SELECT 1 FROM join_codes j WHERE j.event_id = e.id AND j.expires_ms > $2) LIMIT 1",
                        {today, now_ms});
            if (!q.Ok()) return false;
            if (q.Rows() == 0) return true;
        }
        return InTransaction([&](PushTx& tx) {
            if (!LockReferenceLog(tx)) return false;   // also serializes two instances minting
            Res q = tx.Q("SELECT e.id, e.date FROM events e WHERE e.retired = 0 AND e.date >= $1 AND NOT EXISTS "
                         "(SELECT 1 FROM join_codes j WHERE j.event_id = e.id AND j.expires_ms > $2)",
                         {today, now_ms});
            if (!q.Ok()) return false;
            for (int i = 0; i < q.Rows(); ++i) {
                std::string event_id = q.Text(i, 0);
                int64_t expires = EndOfDayUtcMs(q.Text(i, 1));
                if (expires <= now_ms) continue;
                auto [plain, hash] = mint();
                if (!tx.Q("INSERT INTO join_codes(code_hash, event_id, expires_ms, created_at) VALUES ($1,$2,$3,$4)",
                          {hash, event_id, expires, FormatRfc3339(now_ms)})
                         .Ok() ||
                    !LogReference(tx, "setting", "join." + event_id, "upsert", json{{"value", plain}}))
                    return false;
            }
            return true;
        });
    }

    std::string DeviceKind(const std::string& device_id, int64_t now_ms, bool* expired) override {
        *expired = false;
        Lease l(pool_);
        if (!l) return "kiosk";
        Res k = Run(l.get(), "SELECT kind, expires_ms FROM device_kinds WHERE device_id = $1", {device_id});
        if (k.Rows() == 0) return "kiosk";
        std::string kind = k.Text(0, 0);
        *expired = kind == "phone" && k.Int(0, 1) <= now_ms;
        return kind;
    }

    bool RevokeDevice(const std::string& device_id) override {
        Lease l(pool_);
        if (!l) return false;
        Res r = Run(l.get(), "UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                    {NowRfc3339(), device_id});
        return r.Ok() && r.Affected() == 1;
    }

    std::vector<DeviceRecord> Devices() override {
        std::vector<DeviceRecord> out;
        Lease l(pool_);
        if (!l) return out;
        Res r = Run(l.get(),
                    "SELECT id, name, enrolled_at, revoked_at, last_sync_at, last_app_version, last_pending "
                    "FROM devices ORDER BY enrolled_at COLLATE \"C\", id COLLATE \"C\"");
        for (int i = 0; i < r.Rows(); ++i) {
            DeviceRecord d;
            d.id = r.Text(i, 0);
            d.name = r.Text(i, 1);
            d.enrolled_at = r.Text(i, 2);
            d.revoked_at = r.IsNull(i, 3) ? "" : r.Text(i, 3);
            d.last_sync_at = r.IsNull(i, 4) ? "" : r.Text(i, 4);
            d.last_app_version = r.IsNull(i, 5) ? "" : r.Text(i, 5);
            d.last_pending = r.IsNull(i, 6) ? -1 : r.Int(i, 6);
            out.push_back(std::move(d));
        }
        return out;
    }

    Principal Authenticate(const std::string& token_hash, int64_t now_ms) override {
        Principal p;
        Lease l(pool_);
        if (!l) return p;
        Res d = Run(l.get(), "SELECT id, CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END FROM devices WHERE token_hash = $1",
                    {token_hash});
        if (d.Rows() > 0) {
            p.kind = Principal::Kind::Device;
            p.device_id = d.Text(0, 0);
            p.revoked = d.Int(0, 1) != 0;
            return p;
        }
        Res s = Run(l.get(),
                    "SELECT u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
                    "WHERE s.token_hash = $1 AND s.expires_ms > $2 AND u.disabled = 0",
                    {token_hash, now_ms});
        if (s.Rows() > 0) {
            p.kind = Principal::Kind::User;
            p.username = s.Text(0, 0);
            p.role = s.Text(0, 1);
        }
        return p;
    }

    // [SECTION] push --------------------------------------------------------------------
    PushOutcome ApplyPush(const std::string& device_id, const PushRequest& req,
                          const std::vector<PreparedChange>& changes, const std::function<void(size_t)>& prepare,
                          const std::string& now, std::string* answer_json) override {
        for (size_t i = 0; i < changes.size(); ++i) prepare(i);  // all of them, then the transaction
        Lease l(pool_);
        if (!l) return PushOutcome::StorageError;
        std::mt19937 rng(std::random_device{}());
        for (int attempt = 0; attempt < kMaxBatchAttempts; ++attempt) {
            if (attempt > 0) {
                // Back off a little (random, growing) so the conflicting batch can finish.
                int max_ms = std::min(200, 5 << std::min(attempt, 5));
                std::this_thread::sleep_for(std::chrono::milliseconds(1 + int(rng() % unsigned(max_ms))));
            }
            bool retry = false;
            PushOutcome o = TryPush(l.get(), device_id, req, changes, now, answer_json, &retry);
            if (!retry) return o;
        }
        return PushOutcome::StorageError;
    }

    // One attempt; *retry when it was rolled back because of a conflict with another
    // transaction (deadlock, serialization failure, a concurrent same batch_id).
    PushOutcome TryPush(PGconn* c, const std::string& device_id, const PushRequest& req,
                        const std::vector<PreparedChange>& changes, const std::string& now, std::string* answer_json,
                        bool* retry) {
        auto abort = [&](const std::string& state) {
            RunScript(c, "ROLLBACK");
            *retry = IsRetryable(state) || IsUniqueViolation(state);
            return PushOutcome::StorageError;
        };
        Res r = RunScript(c, "BEGIN ISOLATION LEVEL READ COMMITTED");
        if (!r.Ok()) return abort(r.State());
        Res prior = Run(c, "SELECT device_id, answer FROM batches WHERE batch_id = $1", {req.batch_id});
        if (!prior.Ok()) return abort(prior.State());
        if (prior.Rows() > 0) {
            RunScript(c, "ROLLBACK");
            if (prior.Text(0, 0) != device_id) return PushOutcome::BatchConflict;
            *answer_json = prior.Text(0, 1);
            return PushOutcome::Replayed;
        }

        PushResponse answer;
        answer.batch_id = req.batch_id;
        answer.server_time = now;
        PushTx tx{c};
        for (const PreparedChange& pc : changes) {
            ChangeOutcome o;
            if (pc.rejected) {
                o = Rejected(pc.code, pc.field, pc.message);
            } else {
                if (!(r = RunScript(c, "SAVEPOINT change")).Ok()) return abort(r.State());
                for (int t = 0; t < kMaxChangeAttempts; ++t) {
                    tx.Clear();
                    o = ApplyChange(tx, device_id, pc, now);
                    if (!tx.Failed()) break;
                    // A statement failed: the transaction is unusable until this rollback.
                    if (!(r = RunScript(c, "ROLLBACK TO SAVEPOINT change")).Ok()) return abort(r.State());
                    if (IsRetryable(tx.failed_state)) return abort(tx.failed_state);
                    if (!IsUniqueViolation(tx.failed_state)) break;
                    // Another transaction committed the same key meanwhile (a creator
                    // with this email, a record with this id): run the change again, it
                    // now sees that row (READ COMMITTED: each statement a new snapshot).
                    if (t + 1 == kMaxChangeAttempts) return abort(tx.failed_state);
                }
                if (tx.Failed() && o.status != ChangeStatus::Rejected) o = StorageFailure(tx);  // rolled back
                if (o.status == ChangeStatus::Rejected) {
                    if (!tx.Failed() && !(r = RunScript(c, "ROLLBACK TO SAVEPOINT change")).Ok())
                        return abort(r.State());
                }
                if (!(r = RunScript(c, "RELEASE SAVEPOINT change")).Ok()) return abort(r.State());
            }
            ChangeResult cr;
            cr.id = pc.change.id;
            cr.status = ChangeStatusId(o.status);
            if (o.status == ChangeStatus::Rejected) {
                cr.error_code = o.code;
                cr.error_field = o.field;
                cr.error_message = o.message;
            }
            answer.results.push_back(std::move(cr));
        }
        std::string body = EncodePushResponse(answer).dump();
        // batch_id is the primary key: a concurrent same batch makes this fail with 23505,
        // the retry then finds the stored answer.
        Res b = Run(c, "INSERT INTO batches(batch_id, device_id, received_at, answer) VALUES ($1,$2,$3,$4)",
                    {req.batch_id, device_id, now, body});
        if (!b.Ok()) return abort(b.State());
        Res d = Run(c,
                    "UPDATE devices SET last_sync_at = $1, last_app_version = COALESCE($2, last_app_version), "
                    "last_pending = COALESCE($3::bigint, last_pending) WHERE id = $4",
                    {now, req.app_version.empty() ? Param(std::nullopt) : Param(req.app_version),
                     req.pending ? Param(int64_t(*req.pending)) : Param(std::nullopt), device_id});
        if (!d.Ok()) return abort(d.State());
        if (!(r = RunScript(c, "COMMIT")).Ok()) return abort(r.State());
        *answer_json = std::move(body);
        return PushOutcome::Applied;
    }

    ChangeOutcome StorageFailure(const PushTx& tx) {
        return Rejected(reject::kStorage, "", "could not be stored: " + tx.failed_error);
    }

    // Invariant 2: claims (entity, id) at `version` if it is newer than what is stored,
    // locking that row until commit. nullopt: claimed, go on.
    std::optional<ChangeOutcome> ClaimVersion(PushTx& tx, const std::string& entity, const std::string& id,
                                              int64_t version) {
        Res r = tx.Q(
            "INSERT INTO record_versions(entity, id, version) VALUES ($1,$2,$3) "
            "ON CONFLICT (entity, id) DO UPDATE SET version = excluded.version "
            "WHERE record_versions.version < excluded.version RETURNING version",
            {entity, id, version});
        if (!r.Ok()) return StorageFailure(tx);
        if (r.Rows() == 1) return std::nullopt;
        Res s = tx.Q("SELECT version FROM record_versions WHERE entity = $1 AND id = $2", {entity, id});
        if (!s.Ok() || s.Rows() == 0) return StorageFailure(tx);
        return ChangeOutcome{s.Int(0, 0) == version ? ChangeStatus::Duplicate : ChangeStatus::Stale, "", "", ""};
    }

    std::string Canonical(PushTx& tx, const std::string& id) {
        Res r = tx.Q("SELECT creator_id FROM creator_aliases WHERE alias_id = $1", {id});
        return r.Rows() > 0 ? r.Text(0, 0) : id;
    }

    bool CreatorExists(PushTx& tx, const std::string& id) {
        return tx.Q("SELECT 1 FROM creators WHERE id = $1", {id}).Rows() > 0;
    }

    bool CatalogueHas(PushTx& tx, const std::string& kind, const std::string& id) {
        return tx.Q("SELECT 1 FROM catalogue WHERE id = $1 AND kind = $2", {id, kind}).Rows() > 0;
    }

    ChangeOutcome ApplyChange(PushTx& tx, const std::string& device_id, const PreparedChange& pc,
                              const std::string& now) {
        const Change& c = pc.change;
        if (auto o = ClaimVersion(tx, c.entity, c.id, c.version)) return *o;
        if (c.op == "delete") return ApplyDelete(tx, c);
        if (c.entity == "creator") return UpsertCreator(tx, device_id, pc, now);
        return UpsertChild(tx, pc);
    }

    ChangeOutcome ApplyDelete(PushTx& tx, const Change& c) {
        std::string id = c.entity == "creator" ? Canonical(tx, c.id) : c.id;
        if (tx.Failed() || !tx.Q("DELETE FROM " + TableOf(c.entity) + " WHERE id = $1", {id}).Ok())
            return StorageFailure(tx);
        return {};
    }

    bool WriteCreatorRow(PushTx& tx, const std::string& id, const Creator& cr, const std::string& key,
                         const json& data, const std::string& device_id, const std::string& now, bool insert) {
        std::vector<Param> p = {cr.first_name, cr.last_name, cr.email, cr.postcode, cr.preferred_lang, cr.updated_at,
                                data.dump(), int64_t(cr.version), key, device_id, now};
        Res r;
        if (insert) {
            p.push_back(cr.created_at.empty() ? now : cr.created_at);
            p.push_back(id);
            r = tx.Q("INSERT INTO creators(first_name, last_name, email, postcode, preferred_lang, updated_at, "
                     "data, version, email_key, device_id, received_at, created_at, id) "
                     "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
                     p);
        } else {
            p.push_back(id);
            r = tx.Q("UPDATE creators SET first_name = $1, last_name = $2, email = $3, postcode = $4, "
                     "preferred_lang = $5, updated_at = $6, data = $7, version = $8, email_key = $9, "
                     "device_id = $10, received_at = $11 WHERE id = $12",
                     p);
        }
        if (!r.Ok()) return false;
        if (!tx.Q("DELETE FROM creator_sectors WHERE creator_id = $1", {id}).Ok() ||
            !tx.Q("DELETE FROM creator_professions WHERE creator_id = $1", {id}).Ok())
            return false;
        for (const std::string& sec : std::set<std::string>(cr.sectors.begin(), cr.sectors.end()))
            if (!tx.Q("INSERT INTO creator_sectors(creator_id, sector_id) VALUES ($1,$2)", {id, sec}).Ok())
                return false;
        for (const std::string& pr : std::set<std::string>(cr.professions.begin(), cr.professions.end()))
            if (!tx.Q("INSERT INTO creator_professions(creator_id, profession_id) VALUES ($1,$2)", {id, pr}).Ok())
                return false;
        return true;
    }

    bool AddAlias(PushTx& tx, const std::string& alias, const std::string& canonical, const std::string& now) {
        return LockReferenceLog(tx) &&
               tx.Q("INSERT INTO creator_aliases(alias_id, creator_id, created_at) VALUES ($1,$2,$3) "
                    "ON CONFLICT (alias_id) DO NOTHING",
                    {alias, canonical, now})
                   .Ok() &&
               LogReference(tx, "creator_alias", alias, "upsert", json{{"creator_id", canonical}});
    }

    ChangeOutcome UpsertCreator(PushTx& tx, const std::string& device_id, const PreparedChange& pc,
                                const std::string& now) {
        const Creator& cr = pc.entity.creator;
        for (size_t i = 0; i < cr.sectors.size(); ++i)
            if (!CatalogueHas(tx, "sector", cr.sectors[i]))
                return tx.Failed() ? StorageFailure(tx)
                                   : Rejected(ErrorWireId(ErrorCode::UnknownItem), "sectors[" + std::to_string(i) + "]",
                                              Message(ErrorCode::UnknownItem));
        for (size_t i = 0; i < cr.professions.size(); ++i)
            if (!CatalogueHas(tx, "profession", cr.professions[i]))
                return tx.Failed() ? StorageFailure(tx)
                                   : Rejected(ErrorWireId(ErrorCode::UnknownItem),
                                              "professions[" + std::to_string(i) + "]", Message(ErrorCode::UnknownItem));
        json data = EncodeEntityData(pc.entity);
        std::string key = EmailIdentityKey(cr.email);
        std::string canonical = Canonical(tx, pc.change.id);
        Res q = tx.Q("SELECT id FROM creators WHERE email_key = $1", {key});
        std::string holder = q.Rows() > 0 ? q.Text(0, 0) : "";
        bool exists = CreatorExists(tx, canonical);
        if (tx.Failed()) return StorageFailure(tx);
        if (exists) {
            if (!holder.empty() && holder != canonical)
                return Rejected(reject::kIdentityConflict, "email",
                                "this email already belongs to another creator on the server");
            if (!WriteCreatorRow(tx, canonical, cr, key, data, device_id, now, false)) return StorageFailure(tx);
            return {};
        }
        if (!holder.empty()) {
            // Same person registered on another device: one creator, this id an alias.
            if (!AddAlias(tx, pc.change.id, holder, now) ||
                !WriteCreatorRow(tx, holder, cr, key, data, device_id, now, false))
                return StorageFailure(tx);
            return {};
        }
        // A concurrent transaction inserting the same email makes this fail with 23505:
        // ApplyPush then runs this change again (it will find the holder).
        if (!WriteCreatorRow(tx, canonical, cr, key, data, device_id, now, true)) return StorageFailure(tx);
        return {};
    }

    ChangeOutcome UpsertChild(PushTx& tx, const PreparedChange& pc) {
        const DecodedEntity& e = pc.entity;
        const std::string& raw_creator =
            e.entity == "need" ? e.need.creator_id : e.entity == "offer" ? e.offer.creator_id : e.attendance.creator_id;
        std::string creator = Canonical(tx, raw_creator);
        bool exists = CreatorExists(tx, creator);
        if (tx.Failed()) return StorageFailure(tx);
        if (!exists) return Rejected(reject::kUnknownReference, "creator_id", "no creator with this id on the server");
        json data = EncodeEntityData(e);
        data["creator_id"] = creator;  // stored under the canonical creator (invariant 3)
        const Change& c = pc.change;
        if (e.entity == "need") {
            const Need& n = e.need;
            if (!CatalogueHas(tx, "need_item", n.item))
                return tx.Failed() ? StorageFailure(tx)
                                   : Rejected(ErrorWireId(ErrorCode::UnknownItem), "item", Message(ErrorCode::UnknownItem));
            Res r = tx.Q(
                "INSERT INTO needs(id, version, creator_id, item, frequency, urgency, budget, comment, updated_at, "
                "data) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                "creator_id = excluded.creator_id, item = excluded.item, frequency = excluded.frequency, "
                "urgency = excluded.urgency, budget = excluded.budget, comment = excluded.comment, "
                "updated_at = excluded.updated_at, data = excluded.data",
                {c.id, int64_t(c.version), creator, n.item, n.frequency, n.urgency, n.budget, n.comment, n.updated_at,
                 data.dump()});
            if (!r.Ok()) return StorageFailure(tx);
            return {};
        }
        if (e.entity == "offer") {
            const Offer& o = e.offer;
            if (!o.item.empty() && !CatalogueHas(tx, "need_item", o.item))
                return tx.Failed() ? StorageFailure(tx)
                                   : Rejected(ErrorWireId(ErrorCode::UnknownItem), "item", Message(ErrorCode::UnknownItem));
            Res r = tx.Q(
                "INSERT INTO offers(id, version, creator_id, kind, item, description, updated_at, data) "
                "VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                "creator_id = excluded.creator_id, kind = excluded.kind, item = excluded.item, "
                "description = excluded.description, updated_at = excluded.updated_at, data = excluded.data",
                {c.id, int64_t(c.version), creator, o.kind, o.item, o.description, o.updated_at, data.dump()});
            if (!r.Ok()) return StorageFailure(tx);
            return {};
        }
        const Attendance& a = e.attendance;
        Res r = tx.Q(
            "INSERT INTO attendances(id, version, creator_id, event_id, at, updated_at, data) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
            "creator_id = excluded.creator_id, event_id = excluded.event_id, at = excluded.at, "
            "updated_at = excluded.updated_at, data = excluded.data",
            {c.id, int64_t(c.version), creator, a.event_id, a.at, a.updated_at, data.dump()});
        if (!r.Ok()) return StorageFailure(tx);
        return {};
    }

    // [SECTION] pull, reference data ---------------------------------------------------
    // See the file top: log rows must commit in sequence order.
    bool LockReferenceLog(PushTx& tx) { return tx.Q("SELECT pg_advisory_xact_lock($1)", {kReferenceLogLock}).Ok(); }

    // device_id "": for every device. Call LockReferenceLog(tx) first.
    bool LogReference(PushTx& tx, const std::string& entity, const std::string& id, const std::string& op,
                      const json& data, const std::string& device_id = "") {
        return tx.Q("INSERT INTO reference_log(entity, id, op, data, device_id) VALUES ($1,$2,$3,$4,$5)",
                    {entity, id, op, data.dump(), device_id.empty() ? Param(std::nullopt) : Param(device_id)})
            .Ok();
    }

    bool UpsertCatalogue(PushTx& tx, const CatalogueEntry& e) {
        return LockReferenceLog(tx) &&
               tx.Q("INSERT INTO catalogue(id, kind, parent, label_fr, label_nl, label_en, sort, retired) "
                    "VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, "
                    "parent = excluded.parent, label_fr = excluded.label_fr, label_nl = excluded.label_nl, "
                    "label_en = excluded.label_en, sort = excluded.sort, retired = excluded.retired",
                    {e.id, e.kind, e.parent, e.label_fr, e.label_nl, e.label_en, int64_t(e.sort), bool(e.retired)})
                   .Ok() &&
               LogReference(tx, PullEntityOf(e.kind), e.id, "upsert", ToJson(e));
    }

    bool Pull(int64_t since, size_t limit, PullResponse* out, int64_t* last_seq) override {
        return PullRows(nullptr, since, limit, out, last_seq);
    }

    bool PullForDevice(const std::string& device_id, int64_t since, size_t limit, PullResponse* out,
                       int64_t* last_seq) override {
        return PullRows(&device_id, since, limit, out, last_seq);
    }

    // device == nullptr: only the rows for every device.
    bool PullRows(const std::string* device, int64_t since, size_t limit, PullResponse* out, int64_t* last_seq) {
        *last_seq = since;
        out->changes.clear();
        out->has_more = false;
        Lease l(pool_);
        if (!l) return false;
        Res r = Run(l.get(),
                    "SELECT seq, entity, id, op, data FROM reference_log WHERE seq > $1 AND (device_id IS NULL OR "
                    "device_id = $3) ORDER BY seq LIMIT $2",
                    {since, int64_t(limit + 1), device ? Param(*device) : Param(std::nullopt)});
        if (!r.Ok()) return false;
        for (int i = 0; i < r.Rows(); ++i) {
            if (out->changes.size() == limit) {
                out->has_more = true;
                break;
            }
            PullChange c;
            *last_seq = r.Int(i, 0);
            c.entity = r.Text(i, 1);
            c.id = r.Text(i, 2);
            c.op = r.Text(i, 3);
            c.data = json::parse(r.Text(i, 4), nullptr, false);
            if (!c.data.is_object()) c.data = json::object();
            out->changes.push_back(std::move(c));
        }
        return true;
    }

    bool IsCatalogueId(const std::string& kind, const std::string& id) override {
        Lease l(pool_);
        if (!l) return false;
        return Run(l.get(), "SELECT 1 FROM catalogue WHERE id = $1 AND kind = $2", {id, kind}).Rows() > 0;
    }

    // Runs `body` in a transaction; false (rolled back) if any statement failed.
    template <typename F>
    bool InTransaction(F body) {
        Lease l(pool_);
        if (!l) return false;
        PGconn* c = l.get();
        if (!RunScript(c, "BEGIN").Ok()) return false;
        PushTx tx{c};
        if (!body(tx) || tx.Failed() || !RunScript(c, "COMMIT").Ok()) {
            RunScript(c, "ROLLBACK");
            return false;
        }
        return true;
    }

    bool UpsertEvent(const Event& e) override {
        return InTransaction([&](PushTx& tx) {
            return LockReferenceLog(tx) &&
                   tx.Q("INSERT INTO events(id, title, sector, date, place, retired) VALUES ($1,$2,$3,$4,$5,$6) "
                        "ON CONFLICT (id) DO UPDATE SET title = excluded.title, sector = excluded.sector, "
                        "date = excluded.date, place = excluded.place, retired = excluded.retired",
                        {e.id, e.title, e.sector, e.date, e.place, bool(e.retired)})
                       .Ok() &&
                   LogReference(tx, "event", e.id, "upsert", ToJson(e));
        });
    }

    bool SetSetting(const std::string& key, const std::string& value) override {
        return InTransaction([&](PushTx& tx) {
            return LockReferenceLog(tx) &&
                   tx.Q("INSERT INTO settings(key, value) VALUES ($1,$2) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        {key, value})
                       .Ok() &&
                   LogReference(tx, "setting", key, "upsert", json{{"value", value}});
        });
    }

    // [SECTION] staff reads, needs report ----------------------------------------------
    json Rows(PGconn* c, const std::string& table, const std::string& creator_id) {
        json arr = json::array();
        Res r = Run(c, "SELECT id, version, data FROM " + table + " WHERE creator_id = $1 ORDER BY id COLLATE \"C\"",
                    {creator_id});
        for (int i = 0; i < r.Rows(); ++i) {
            json d = json::parse(r.Text(i, 2), nullptr, false);
            arr.push_back({{"id", r.Text(i, 0)}, {"version", r.Int(i, 1)}, {"data", d.is_object() ? d : json::object()}});
        }
        return arr;
    }

    std::optional<json> CreatorBundle(const std::string& id_or_alias) override {
        Lease l(pool_);
        if (!l) return std::nullopt;
        PGconn* c = l.get();
        // One snapshot for the creator and its children.
        if (!RunScript(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").Ok()) return std::nullopt;
        struct Rollback {
            PGconn* c;
            ~Rollback() { RunScript(c, "ROLLBACK"); }
        } rollback{c};
        Res a0 = Run(c, "SELECT creator_id FROM creator_aliases WHERE alias_id = $1", {id_or_alias});
        std::string id = a0.Rows() > 0 ? a0.Text(0, 0) : id_or_alias;
        Res s = Run(c, "SELECT version, data, created_at, received_at FROM creators WHERE id = $1 AND erased_at IS NULL", {id});
        if (s.Rows() == 0) return std::nullopt;
        json data = json::parse(s.Text(0, 1), nullptr, false);
        json aliases = json::array();
        Res a = Run(c, "SELECT alias_id FROM creator_aliases WHERE creator_id = $1 ORDER BY alias_id COLLATE \"C\"",
                    {id});
        for (int i = 0; i < a.Rows(); ++i) aliases.push_back(a.Text(i, 0));
        return json{{"creator",
                     {{"id", id}, {"version", s.Int(0, 0)}, {"data", data.is_object() ? data : json::object()},
                      {"received_at", s.Text(0, 3)}}},
                    {"aliases", std::move(aliases)},
                    {"needs", Rows(c, "needs", id)},
                    {"offers", Rows(c, "offers", id)},
                    {"attendances", Rows(c, "attendances", id)}};
    }

    std::vector<std::string> FindCreatorIdsByEmail(const std::string& email) override {
        std::vector<std::string> out;
        std::string normalized;
        if (NormalizeEmail(email, &normalized) != ErrorCode::None) return out;
        Lease l(pool_);
        if (!l) return out;
        Res r = Run(l.get(), "SELECT id FROM creators WHERE email_key = $1", {EmailIdentityKey(normalized)});
        for (int i = 0; i < r.Rows(); ++i) out.push_back(r.Text(i, 0));
        return out;
    }

    std::optional<json> NeedsReport(const NeedsReportQuery& q, std::string* error) override;

    int64_t CountCreators() override {
        Lease l(pool_);
        if (!l) return 0;
        Res r = Run(l.get(), "SELECT count(*) FROM creators WHERE erased_at IS NULL");
        return r.Rows() > 0 ? r.Int(0, 0) : 0;
    }

    // [SECTION] admin (issue 6) -------------------------------------------------------
    // The same semantics as sqlite_store.cpp's admin section; each write is one
    // transaction. Ordering uses COLLATE "C" (SQLite compares bytewise).
    std::vector<UserRecord> Users() override {
        std::vector<UserRecord> out;
        Lease l(pool_);
        if (!l) return out;
        Res r = Run(l.get(), "SELECT id, username, role, disabled FROM users ORDER BY username COLLATE \"C\"");
        for (int i = 0; i < r.Rows(); ++i)
            out.push_back(UserRecord{r.Int(i, 0), r.Text(i, 1), "", r.Text(i, 2), r.Int(i, 3) != 0});
        return out;
    }

    bool UpdateUser(const std::string& username, const std::string& role, std::optional<bool> disabled) override {
        return InTransaction([&](PushTx& tx) {
            Res u = tx.Q(
                "UPDATE users SET role = COALESCE(NULLIF($1, ''), role), disabled = COALESCE($2::integer, disabled) "
                "WHERE username = $3",
                {role, disabled ? Param(*disabled) : Param(std::nullopt), username});
            if (!u.Ok() || u.Affected() != 1) return false;
            if (disabled && *disabled)
                return tx.Q("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)",
                            {username})
                    .Ok();
            return true;
        });
    }

    bool SetDeviceSetting(const std::string& device_id, const std::string& key, const std::string& value) override {
        return InTransaction([&](PushTx& tx) {
            return LockReferenceLog(tx) &&
                   tx.Q("INSERT INTO device_settings(device_id, key, value) VALUES ($1,$2,$3) "
                        "ON CONFLICT (device_id, key) DO UPDATE SET value = excluded.value",
                        {device_id, key, value})
                       .Ok() &&
                   LogReference(tx, "setting", key, "upsert", json{{"value", value}}, device_id);
        });
    }

    std::vector<Event> Events() override {
        std::vector<Event> out;
        Lease l(pool_);
        if (!l) return out;
        Res r = Run(l.get(), "SELECT id, title, sector, date, place, retired FROM events "
                             "ORDER BY date COLLATE \"C\", id COLLATE \"C\"");
        for (int i = 0; i < r.Rows(); ++i)
            out.push_back(Event{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Int(i, 5) != 0});
        return out;
    }

    std::vector<CatalogueEntry> Catalogue() override {
        std::vector<CatalogueEntry> out;
        Lease l(pool_);
        if (!l) return out;
        Res r = Run(l.get(), "SELECT kind, id, parent, label_fr, label_nl, label_en, sort, retired FROM catalogue "
                             "ORDER BY kind COLLATE \"C\", sort, id COLLATE \"C\"");
        for (int i = 0; i < r.Rows(); ++i)
            out.push_back(CatalogueEntry{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4),
                                         r.Text(i, 5), int(r.Int(i, 6)), r.Int(i, 7) != 0});
        return out;
    }

    bool UpsertCatalogueEntry(const CatalogueEntry& e) override {
        return InTransaction([&](PushTx& tx) { return UpsertCatalogue(tx, e); });
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

    static bool ParseCount(const std::string& s, int64_t* out) {
        if (s.empty() || s.size() > 18) return false;
        int64_t v = 0;
        for (char ch : s) {
            if (ch < '0' || ch > '9') return false;
            v = v * 10 + (ch - '0');
        }
        *out = v;
        return true;
    }

    bool QueryRows(const std::string& which, const std::vector<std::string>& args,
                   std::vector<std::vector<std::string>>* rows, int64_t* total) override {
        rows->clear();
        *total = 0;
        auto arg = [&](size_t i) { return i < args.size() ? args[i] : std::string(); };
        Lease l(pool_);
        if (!l) return false;
        PGconn* c = l.get();
        if (which == "creators") {
            // lower(): ASCII-only like SQLite's (the "C" collation keeps PostgreSQL from
            // folding other letters, which SQLite would not).
            const std::string where =
                " FROM creators c WHERE c.erased_at IS NULL AND ($1 = '' OR lower(c.first_name COLLATE \"C\") LIKE $2 "
                "OR lower(c.last_name COLLATE \"C\") LIKE $2 OR lower(c.email COLLATE \"C\") LIKE $2 "
                "OR lower((c.first_name || ' ' || c.last_name) COLLATE \"C\") LIKE $2)";
            Res n = Run(c, "SELECT count(*)" + where, {arg(0), LikePattern(arg(0))});
            if (n.Rows() != 1) return false;
            *total = n.Int(0, 0);
            int64_t limit = -1, offset = 0;
            if (!arg(1).empty() && !ParseCount(arg(1), &limit)) return false;
            if (!arg(2).empty() && !ParseCount(arg(2), &offset)) return false;
            Res s = Run(c,
                        "SELECT c.id, c.first_name, c.last_name, c.email, c.postcode, c.preferred_lang, c.received_at, "
                        "(SELECT string_agg(sector_id, ',' ORDER BY sector_id COLLATE \"C\") FROM creator_sectors "
                        " WHERE creator_id = c.id), "
                        "(SELECT string_agg(profession_id, ',' ORDER BY profession_id COLLATE \"C\") FROM "
                        " creator_professions WHERE creator_id = c.id), c.data" +
                            where +
                            " ORDER BY lower(c.last_name COLLATE \"C\"), lower(c.first_name COLLATE \"C\"), "
                            "c.id COLLATE \"C\" LIMIT $3 OFFSET $4",
                        {arg(0), LikePattern(arg(0)), limit < 0 ? Param(std::nullopt) : Param(limit), offset});
            if (!s.Ok()) return false;
            for (int i = 0; i < s.Rows(); ++i)
                rows->push_back({s.Text(i, 0), s.Text(i, 1), s.Text(i, 2), s.Text(i, 3), s.Text(i, 4), s.Text(i, 5),
                                 s.Text(i, 6), s.IsNull(i, 7) ? "" : s.Text(i, 7), s.IsNull(i, 8) ? "" : s.Text(i, 8),
                                 ContactConsent(s.Text(i, 9)) ? "1" : "0"});
            return true;
        }
        if (which == "attendance") {
            Res s = Run(c,
                        "SELECT a.event_id, COALESCE(e.title, ''), COALESCE(e.date, ''), a.creator_id, c.first_name, "
                        "c.last_name, c.email, a.at FROM attendances a JOIN creators c ON c.id = a.creator_id "
                        "LEFT JOIN events e ON e.id = a.event_id WHERE a.deleted = 0 AND ($1 = '' OR a.event_id = $1) "
                        "ORDER BY e.date COLLATE \"C\" NULLS FIRST, a.event_id COLLATE \"C\", "
                        "lower(c.last_name COLLATE \"C\"), lower(c.first_name COLLATE \"C\"), a.id COLLATE \"C\"",
                        {arg(0)});
            if (!s.Ok()) return false;
            for (int i = 0; i < s.Rows(); ++i)
                rows->push_back({s.Text(i, 0), s.Text(i, 1), s.Text(i, 2), s.Text(i, 3), s.Text(i, 4), s.Text(i, 5),
                                 s.Text(i, 6), s.Text(i, 7)});
            *total = int64_t(rows->size());
            return true;
        }
        if (which == "contacts") {
            Res s = Run(c,
                        "SELECT c.id, c.first_name, c.last_name, c.email, c.preferred_lang, c.data FROM creators c "
                        "WHERE c.erased_at IS NULL AND EXISTS (SELECT 1 FROM needs n WHERE n.creator_id = c.id "
                        "AND n.item = $1 AND n.deleted = 0) "
                        "ORDER BY lower(c.last_name COLLATE \"C\"), lower(c.first_name COLLATE \"C\"), c.id COLLATE \"C\"",
                        {arg(0)});
            if (!s.Ok()) return false;
            for (int i = 0; i < s.Rows(); ++i)
                if (ContactConsent(s.Text(i, 5)))
                    rows->push_back({s.Text(i, 0), s.Text(i, 1), s.Text(i, 2), s.Text(i, 3), s.Text(i, 4)});
            *total = int64_t(rows->size());
            return true;
        }
        if (which == "offers") {
            // Offers naming the item, then offers without an item of the kind $2.
            Res s = Run(c,
                        "SELECT o.id, o.kind, o.item, o.description, c.id, c.first_name, c.last_name, c.email, c.data "
                        "FROM offers o JOIN creators c ON c.id = o.creator_id WHERE o.deleted = 0 "
                        "AND c.erased_at IS NULL AND (o.item = $1 OR (o.item = '' AND o.kind = $2)) "
                        "ORDER BY (o.item = $1) DESC, lower(c.last_name COLLATE \"C\"), "
                        "lower(c.first_name COLLATE \"C\"), c.id COLLATE \"C\", o.id COLLATE \"C\"",
                        {arg(0), arg(1)});
            if (!s.Ok()) return false;
            for (int i = 0; i < s.Rows(); ++i)
                rows->push_back({s.Text(i, 0), s.Text(i, 1), s.Text(i, 2), s.Text(i, 3), s.Text(i, 4), s.Text(i, 5),
                                 s.Text(i, 6), s.Text(i, 7), ContactConsent(s.Text(i, 8)) ? "1" : "0"});
            *total = int64_t(rows->size());
            return true;
        }
        if (which == "duplicates") {
            // Same case-folded NFC "first last", different identity keys (= emails).
            std::map<std::string, std::vector<std::vector<std::string>>> groups;
            std::map<std::string, std::set<std::string>> keys;
            Res s = Run(c, "SELECT id, first_name, last_name, email, email_key FROM creators WHERE erased_at IS NULL "
                           "ORDER BY id COLLATE \"C\"");
            if (!s.Ok()) return false;
            for (int i = 0; i < s.Rows(); ++i) {
                std::string name = EmailIdentityKey(s.Text(i, 1)) + " " + EmailIdentityKey(s.Text(i, 2));
                groups[name].push_back({name, s.Text(i, 0), s.Text(i, 1), s.Text(i, 2), s.Text(i, 3)});
                keys[name].insert(s.Text(i, 4));
            }
            for (auto& [name, g] : groups)
                if (keys[name].size() > 1) {
                    ++*total;
                    for (auto& r : g) rows->push_back(std::move(r));
                }
            return true;
        }
        return false;
    }

    bool Audit(PushTx& tx, const std::string& creator_id, const std::string& actor, const std::string& field,
               const std::optional<std::string>& old_value, const std::optional<std::string>& new_value) {
        return tx.Q("INSERT INTO creator_audit(creator_id, at, actor, field, old_value, new_value) "
                    "VALUES ($1,$2,$3,$4,$5,$6)",
                    {creator_id, NowRfc3339(), actor, field, old_value ? Param(*old_value) : Param(std::nullopt),
                     new_value ? Param(*new_value) : Param(std::nullopt)})
            .Ok();
    }

    // Locks the live creator row until commit; false if it is not there (or erased).
    bool LockLiveCreator(PushTx& tx, const std::string& id) {
        return tx.Q("SELECT 1 FROM creators WHERE id = $1 AND erased_at IS NULL FOR UPDATE", {id}).Rows() == 1;
    }

    // Runs an admin edit in one transaction (retrying on deadlock / serialization failure).
    template <typename F>
    EditOutcome EditTransaction(F body) {
        Lease l(pool_);
        if (!l) return EditOutcome::StorageError;
        PGconn* c = l.get();
        for (int attempt = 0; attempt < kMaxBatchAttempts; ++attempt) {
            if (!RunScript(c, "BEGIN").Ok()) return EditOutcome::StorageError;
            PushTx tx{c};
            EditOutcome o = body(tx);
            if (o == EditOutcome::Ok && !tx.Failed()) {
                Res r = RunScript(c, "COMMIT");
                if (r.Ok()) return o;
                if (!IsRetryable(r.State())) return EditOutcome::StorageError;
                continue;
            }
            RunScript(c, "ROLLBACK");
            if (tx.Failed() && IsRetryable(tx.failed_state)) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2 + 3 * attempt));
                continue;
            }
            if (tx.Failed() && IsUniqueViolation(tx.failed_state)) return EditOutcome::Conflict;
            return tx.Failed() ? EditOutcome::StorageError : o;
        }
        return EditOutcome::StorageError;
    }

    EditOutcome EditCreator(const std::string& id_or_alias, const json& fields, const std::string& actor,
                            json* errors) override {
        static const char* const kEditable[] = {"first_name", "last_name", "email",     "phone",
                                                "postcode",   "commune",   "website",   "structure_name",
                                                "other_profession", "preferred_lang"};
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
        EditOutcome o = EditTransaction([&](PushTx& tx) {
            *errors = json::array();
            std::string id = Canonical(tx, id_or_alias);
            Res q = tx.Q("SELECT data, version FROM creators WHERE id = $1 AND erased_at IS NULL FOR UPDATE", {id});
            if (!q.Ok()) return EditOutcome::StorageError;
            if (q.Rows() == 0) return EditOutcome::NotFound;
            json old = json::parse(q.Text(0, 0), nullptr, false);
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
            Res h = tx.Q("SELECT id FROM creators WHERE email_key = $1 AND id <> $2", {key, id});
            if (!h.Ok()) return EditOutcome::StorageError;
            if (h.Rows() > 0) return EditOutcome::Conflict;
            for (const char* f : kEditable) {
                std::string before = old.contains(f) && old[f].is_string() ? old[f].get<std::string>() : "";
                std::string after = data.contains(f) && data[f].is_string() ? data[f].get<std::string>() : "";
                if (before != after && !Audit(tx, id, actor, f, before, after)) return EditOutcome::StorageError;
            }
            // A concurrent push taking this email fails this UPDATE with 23505: Conflict.
            if (!tx.Q("UPDATE creators SET first_name = $1, last_name = $2, email = $3, postcode = $4, "
                      "preferred_lang = $5, data = $6, email_key = $7 WHERE id = $8",
                      {cr.first_name, cr.last_name, cr.email, cr.postcode, cr.preferred_lang, data.dump(), key, id})
                     .Ok())
                return EditOutcome::StorageError;
            return EditOutcome::Ok;
        });
        if (o == EditOutcome::Conflict && errors->empty())
            errors->push_back({{"code", "identity_conflict"}, {"field", "email"},
                               {"message", "this email already belongs to another creator"}});
        return o;
    }

    std::optional<json> CreatorAudit(const std::string& id_or_alias) override {
        Lease l(pool_);
        if (!l) return std::nullopt;
        PGconn* c = l.get();
        Res a0 = Run(c, "SELECT creator_id FROM creator_aliases WHERE alias_id = $1", {id_or_alias});
        std::string id = a0.Rows() > 0 ? a0.Text(0, 0) : id_or_alias;
        if (Run(c, "SELECT 1 FROM creators WHERE id = $1 AND erased_at IS NULL", {id}).Rows() != 1) return std::nullopt;
        Res s = Run(c, "SELECT at, actor, field, old_value, new_value FROM creator_audit WHERE creator_id = $1 "
                       "ORDER BY seq",
                    {id});
        if (!s.Ok()) return std::nullopt;
        json out = json::array();
        for (int i = 0; i < s.Rows(); ++i)
            out.push_back({{"at", s.Text(i, 0)}, {"actor", s.Text(i, 1)}, {"field", s.Text(i, 2)},
                           {"old", s.IsNull(i, 3) ? json() : json(s.Text(i, 3))},
                           {"new", s.IsNull(i, 4) ? json() : json(s.Text(i, 4))}});
        return out;
    }

    // Points the children of `from` at `to`, rewriting `data.creator_id` (and, when
    // `anonymize`, dropping free texts: need comments, offer descriptions).
    bool MoveChildren(PushTx& tx, const std::string& from, const std::string& to, bool anonymize, json* counts) {
        for (const std::string table : {"needs", "offers", "attendances"}) {
            Res s = tx.Q("SELECT id, data FROM " + table + " WHERE creator_id = $1 FOR UPDATE", {from});
            if (!s.Ok()) return false;
            for (int i = 0; i < s.Rows(); ++i) {
                json d = json::parse(s.Text(i, 1), nullptr, false);
                if (!d.is_object()) d = json::object();
                d["creator_id"] = to;
                if (anonymize) {
                    d.erase("comment");
                    d.erase("description");
                }
                std::string sql = "UPDATE " + table + " SET creator_id = $1, data = $2" +
                                  (anonymize && table == "needs"    ? ", comment = ''"
                                   : anonymize && table == "offers" ? ", description = ''"
                                                                    : "") +
                                  " WHERE id = $3";
                if (!tx.Q(sql, {to, d.dump(), s.Text(i, 0)}).Ok()) return false;
            }
            if (counts) (*counts)[table] = s.Rows();
        }
        for (const std::string table : {"creator_sectors", "creator_professions"}) {
            std::string col = table == "creator_sectors" ? "sector_id" : "profession_id";
            if (!tx.Q("INSERT INTO " + table + "(creator_id, " + col + ") SELECT $1, " + col + " FROM " + table +
                          " WHERE creator_id = $2 ON CONFLICT DO NOTHING",
                      {to, from})
                     .Ok())
                return false;
        }
        return true;
    }

    EditOutcome MergeCreators(const std::string& from_raw, const std::string& into_raw,
                              const std::string& actor) override {
        return EditTransaction([&](PushTx& tx) {
            std::string from = Canonical(tx, from_raw), into = Canonical(tx, into_raw);
            if (tx.Failed()) return EditOutcome::StorageError;
            // Lock both rows in id order (two merges of the same pair cannot deadlock).
            bool ok_from = true, ok_into = true;
            if (from < into) {
                ok_from = LockLiveCreator(tx, from);
                ok_into = LockLiveCreator(tx, into);
            } else {
                ok_into = LockLiveCreator(tx, into);
                ok_from = LockLiveCreator(tx, from);
            }
            if (tx.Failed()) return EditOutcome::StorageError;
            if (!ok_from || !ok_into) return EditOutcome::NotFound;
            if (from == into) return EditOutcome::Conflict;
            if (!MoveChildren(tx, from, into, false, nullptr)) return EditOutcome::StorageError;
            if (!LockReferenceLog(tx)) return EditOutcome::StorageError;
            Res a = tx.Q("SELECT alias_id FROM creator_aliases WHERE creator_id = $1", {from});
            if (!a.Ok() || !tx.Q("UPDATE creator_aliases SET creator_id = $1 WHERE creator_id = $2", {into, from}).Ok() ||
                !tx.Q("UPDATE creator_audit SET creator_id = $1 WHERE creator_id = $2", {into, from}).Ok())
                return EditOutcome::StorageError;
            for (int i = 0; i < a.Rows(); ++i)
                if (!LogReference(tx, "creator_alias", a.Text(i, 0), "upsert", json{{"creator_id", into}}))
                    return EditOutcome::StorageError;
            if (!tx.Q("DELETE FROM creators WHERE id = $1", {from}).Ok() || !AddAlias(tx, from, into, NowRfc3339()) ||
                !Audit(tx, into, actor, "merged", from, into))
                return EditOutcome::StorageError;
            return EditOutcome::Ok;
        });
    }

    EditOutcome EraseCreator(const std::string& id_or_alias, const std::string& actor, json* summary) override {
        return EditTransaction([&](PushTx& tx) {
            std::string id = Canonical(tx, id_or_alias);
            bool live = LockLiveCreator(tx, id);
            if (tx.Failed()) return EditOutcome::StorageError;
            if (!live) return EditOutcome::NotFound;
            std::string anon = NewUuid(), now = NowRfc3339();
            // The anonymous remainder (see sqlite_store.cpp): only what the needs report
            // counts, under a fresh id with no link to the ids devices know.
            if (!tx.Q("INSERT INTO creators(id, version, email_key, first_name, last_name, email, postcode, "
                      "preferred_lang, created_at, updated_at, received_at, device_id, deleted, data, erased_at) "
                      "SELECT $1, 1, 'erased:' || $1, '', '', '', '', 'fr', substr(created_at, 1, 10), '', '', '', "
                      "deleted, '{}', $2 FROM creators WHERE id = $3",
                      {anon, now, id})
                     .Ok())
                return EditOutcome::StorageError;
            json moved = json::object();
            if (!MoveChildren(tx, id, anon, true, &moved) || !LockReferenceLog(tx)) return EditOutcome::StorageError;
            Res a = tx.Q("SELECT alias_id FROM creator_aliases WHERE creator_id = $1", {id});
            if (!a.Ok()) return EditOutcome::StorageError;
            // Devices drop the aliases; the log rows naming them go.
            for (int i = 0; i < a.Rows(); ++i)
                if (!tx.Q("DELETE FROM reference_log WHERE entity = 'creator_alias' AND id = $1", {a.Text(i, 0)}).Ok() ||
                    !LogReference(tx, "creator_alias", a.Text(i, 0), "delete", json::object()))
                    return EditOutcome::StorageError;
            Res au = tx.Q("UPDATE creator_audit SET creator_id = $1, old_value = NULL, new_value = NULL "
                          "WHERE creator_id = $2",
                          {anon, id});
            if (!au.Ok()) return EditOutcome::StorageError;
            // Cascades: aliases, sectors, professions.
            if (!tx.Q("DELETE FROM creators WHERE id = $1", {id}).Ok()) return EditOutcome::StorageError;
            *summary = {{"erased", true},
                        {"creator_id", id},
                        {"erased_at", now},
                        {"personal_data_removed",
                         json::array({"creator (names, email, phone, postcode, commune, websites, work status, "
                                      "languages, consents)",
                                      "need comments", "offer descriptions", "aliases", "audit old/new values"})},
                        {"aliases_removed", a.Rows()},
                        {"audit_entries_cleared", au.Affected()},
                        {"kept_anonymously",
                         {{"anonymous_id", anon},
                          {"needs", moved["needs"]},
                          {"offers", moved["offers"]},
                          {"attendances", moved["attendances"]},
                          {"why", "aggregate counts (needs report, attendance totals) stay right"}}}};
            json kept = *summary;
            kept.erase("creator_id");  // the erasure log keeps no id devices know
            if (!tx.Q("INSERT INTO erasures(at, actor, anonymous_id, summary) VALUES ($1,$2,$3,$4)",
                      {now, actor, anon, kept.dump()})
                     .Ok())
                return EditOutcome::StorageError;
            return EditOutcome::Ok;
        });
    }

private:
    Pool pool_;
    // Needs report (see NeedsReport below): the facts stay loaded between requests.
    std::mutex report_mutex_;
    NeedsReportIndex report_index_;
    int64_t report_generation_ = -1;  // of the loaded facts
};

// The needs report's facts read from PostgreSQL (core/needs_report.h NeedsFactSource):
// one cursor per kind of fact, fetched in chunks, all in the caller's transaction.
class PgFactRows final : public NeedsFactRows {
public:
    PgFactRows(PGconn* c, std::string name, const std::string& sql) : c_(c), name_(std::move(name)) {
        Res r = RunScript(c, "DECLARE " + name_ + " NO SCROLL CURSOR FOR " + sql);
        if (!r.Ok()) error_ = r.Error();
    }
    ~PgFactRows() override {
        if (chunk_) PQclear(chunk_);
    }
    PgFactRows(const PgFactRows&) = delete;
    PgFactRows& operator=(const PgFactRows&) = delete;

    bool Next() override {
        if (!error_.empty()) return false;
        if (chunk_ && ++row_ < PQntuples(chunk_)) return true;
        if (done_) return false;
        if (chunk_) PQclear(chunk_);
        chunk_ = PQexec(c_, ("FETCH FORWARD " + std::to_string(kChunk) + " FROM " + name_).c_str());
        row_ = 0;
        if (!chunk_ || PQresultStatus(chunk_) != PGRES_TUPLES_OK) {
            Res r(chunk_);  // takes the result: its primary message only
            chunk_ = nullptr;
            error_ = r.Error().empty() ? std::string("needs report fetch failed") : r.Error();
            return false;
        }
        done_ = PQntuples(chunk_) < kChunk;
        return PQntuples(chunk_) > 0;
    }
    std::string_view Text(int col) const override {
        return {PQgetvalue(chunk_, row_, col), size_t(PQgetlength(chunk_, row_, col))};
    }
    bool Failed() const override { return !error_.empty(); }
    std::string Error() const override { return error_; }

private:
    static constexpr int kChunk = 20000;
    PGconn* c_;
    std::string name_;
    PGresult* chunk_ = nullptr;
    int row_ = 0;
    bool done_ = false;
    std::string error_;
};

// Ids ordered bytewise (COLLATE "C"), as core's merge expects.
class PgFactSource final : public NeedsFactSource {
public:
    explicit PgFactSource(PGconn* c) : c_(c) {}
    std::unique_ptr<NeedsFactRows> Open(NeedsFact what) override {
        const char* sql = "";
        switch (what) {
            case NeedsFact::Catalogue:
                sql = "SELECT id, parent, retired FROM catalogue WHERE kind = 'need_item' ORDER BY sort, id COLLATE \"C\"";
                break;
            case NeedsFact::Creators: sql = "SELECT id FROM creators WHERE deleted = 0 ORDER BY id COLLATE \"C\""; break;
            case NeedsFact::Needs:
                sql = "SELECT creator_id, item, updated_at FROM needs WHERE deleted = 0 ORDER BY creator_id COLLATE \"C\"";
                break;
            case NeedsFact::Sectors:
                sql = "SELECT creator_id, sector_id FROM creator_sectors ORDER BY creator_id COLLATE \"C\"";
                break;
            case NeedsFact::Professions:
                sql = "SELECT creator_id, profession_id FROM creator_professions ORDER BY creator_id COLLATE \"C\"";
                break;
            case NeedsFact::Attendances:
                sql = "SELECT creator_id, event_id FROM attendances WHERE deleted = 0 ORDER BY creator_id COLLATE \"C\"";
                break;
            case NeedsFact::Offers:
                sql = "SELECT item, count(*) FROM offers WHERE deleted = 0 AND item <> '' GROUP BY item";
                break;
        }
        return std::make_unique<PgFactRows>(c_, "report_facts_" + std::to_string(int(what)), sql);
    }

private:
    PGconn* c_;
};

}  // namespace

// core's NeedsReportIndex (the same code as the SQLite store and the devices), kept
// loaded between requests. Each request reads the report generation (migration 4: one
// row + a small table, one query); only when it moved since the load — a write by this
// or any other instance — are the facts reloaded, in one REPEATABLE READ snapshot that
// reads the generation again, so the loaded facts always match the generation they are
// tagged with (a write committing during the reload moves it again: next request).
std::optional<json> PgServerStore::NeedsReport(const NeedsReportQuery& q, std::string* error) {
    const ReportFilter f = ToReportFilter(q);
    std::lock_guard<std::mutex> lock(report_mutex_);
    Lease l(pool_, error);
    if (!l) return std::nullopt;
    PGconn* c = l.get();
    // The generation: n + pending (report_changes rows not folded yet).
    int64_t generation = -1, pending = 0;
    auto read_generation = [&] {
        Res g = Run(c, "SELECT n, (SELECT count(*) FROM report_changes) FROM report_generation WHERE id = 1");
        if (!g.Ok() || g.Rows() != 1) {
            *error = g.Ok() ? "report generation missing" : g.Error();
            return false;
        }
        pending = g.Int(0, 1);
        generation = g.Int(0, 0) + pending;
        return true;
    };
    // Unchanged since the load (one statement, its own snapshot): no transaction needed.
    if (report_index_.Loaded() && !read_generation()) return std::nullopt;
    if (!report_index_.Loaded() || generation != report_generation_) {
        report_generation_ = -1;
        if (!RunScript(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").Ok()) {
            *error = ConnError(c);
            return std::nullopt;
        }
        // Read again in the snapshot the facts are read in: they match this generation.
        bool ok = read_generation() && RunScript(c, "SET LOCAL work_mem = '64MB'").Ok();  // sorts in memory
        if (ok) {
            PgFactSource source(c);
            ok = report_index_.Load(source);
            if (!ok) *error = report_index_.Error();
        }
        RunScript(c, "ROLLBACK");  // read only: nothing to keep
        if (!ok) return std::nullopt;
        report_generation_ = generation;
    }
    // Fold the per-transaction rows into the counter (n + count is unchanged by it).
    if (pending > 1000)
        Run(c, "WITH d AS (DELETE FROM report_changes RETURNING 1) "
               "UPDATE report_generation SET n = n + (SELECT count(*) FROM d) WHERE id = 1");
    comptoir::NeedsReport r = report_index_.Compute(f);
    if (!r.ok) {
        *error = r.error;
        return std::nullopt;
    }
    return ToJson(r);
}

std::unique_ptr<ServerStore> OpenPgServerStore(const std::string& url, std::string* error) {
    size_t pool = 8;
    if (const char* e = std::getenv("COMPTOIR_DB_POOL")) {
        long v = std::strtol(e, nullptr, 10);
        if (v >= 1 && v <= 256) pool = size_t(v);
    }
    auto store = std::make_unique<PgServerStore>(url, pool);
    if (!store->Init(error)) return nullptr;
    return store;
}

}  // namespace comptoir
