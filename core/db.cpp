// core/db.cpp — see db.h.
#include "core/db.h"

#include <sqlite3.h>

#include <utility>

namespace comptoir {

Stmt::Stmt(Stmt&& o) noexcept
    : stmt_(std::exchange(o.stmt_, nullptr)), db_(o.db_), failed_(o.failed_), error_(std::move(o.error_)) {}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
    if (this != &o) {
        if (stmt_) sqlite3_finalize(stmt_);
        stmt_ = std::exchange(o.stmt_, nullptr);
        db_ = o.db_;
        failed_ = o.failed_;
        error_ = std::move(o.error_);
    }
    return *this;
}

Stmt::~Stmt() {
    if (stmt_) sqlite3_finalize(stmt_);
}

Stmt& Stmt::Bind(int i, std::string_view text) {
    if (stmt_) sqlite3_bind_text(stmt_, i, text.data(), int(text.size()), SQLITE_TRANSIENT);
    return *this;
}
Stmt& Stmt::BindStatic(int i, std::string_view text) {
    if (stmt_) sqlite3_bind_text(stmt_, i, text.data(), int(text.size()), SQLITE_STATIC);
    return *this;
}
Stmt& Stmt::Bind(int i, int64_t v) {
    if (stmt_) sqlite3_bind_int64(stmt_, i, v);
    return *this;
}
Stmt& Stmt::Bind(int i, double v) {
    if (stmt_) sqlite3_bind_double(stmt_, i, v);
    return *this;
}
Stmt& Stmt::BindNull(int i) {
    if (stmt_) sqlite3_bind_null(stmt_, i);
    return *this;
}

bool Stmt::Step() {
    if (!stmt_) {
        failed_ = true;
        return false;
    }
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) {
        failed_ = true;
        error_ = sqlite3_errmsg(db_);
    }
    return false;
}

bool Stmt::Run() {
    while (Step()) {
    }
    return !failed_;
}

void Stmt::Reset() {
    if (!stmt_) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    failed_ = false;
    error_.clear();
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::string Stmt::Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), size_t(n)) : std::string();
}

std::string_view Stmt::TextView(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string_view(reinterpret_cast<const char*>(p), size_t(n)) : std::string_view();
}

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::Real(int col) const { return sqlite3_column_double(stmt_, col); }

std::optional<std::string> Stmt::OptText(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Text(col);
}

std::unique_ptr<Db> Db::Open(const std::string& path, std::string* error, const char* vfs) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs);
    if (rc != SQLITE_OK) {
        if (error) *error = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        sqlite3_close(raw);
        return nullptr;
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
    auto db = std::unique_ptr<Db>(new Db(raw));
    db->Exec("PRAGMA foreign_keys=ON");
    return db;
}

Db::~Db() {
    if (db_) sqlite3_close_v2(db_);
}

bool Db::Exec(std::string_view sql, std::string* error) {
    std::string s(sql);
    char* msg = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &msg);
    if (rc != SQLITE_OK) {
        if (error) *error = msg ? msg : sqlite3_errstr(rc);
        sqlite3_free(msg);
        return false;
    }
    return true;
}

Stmt Db::Prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), int(sql.size()), &s, nullptr);
    Stmt st(s, db_);
    if (rc != SQLITE_OK) {
        st.failed_ = true;
        st.error_ = sqlite3_errmsg(db_);
    }
    return st;
}

int64_t Db::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
int Db::Changes() const { return sqlite3_changes(db_); }
int64_t Db::TotalChanges() const { return sqlite3_total_changes64(db_); }

int64_t Db::DataVersion() {
    Stmt s = Prepare("PRAGMA data_version");
    return s.Step() ? s.Int(0) : -1;
}

int Db::UserVersion() {
    Stmt s = Prepare("PRAGMA user_version");
    return s.Step() ? int(s.Int(0)) : -1;
}

bool Db::SetUserVersion(int v) { return Exec("PRAGMA user_version=" + std::to_string(v)); }

bool Db::LastWasConstraint() const {
    int ext = sqlite3_extended_errcode(db_);
    return ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY;
}

std::string Db::LastError() const { return sqlite3_errmsg(db_); }

Transaction::Transaction(Db& db) : db_(db) { began_ = db_.Exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (began_ && !done_) db_.Exec("ROLLBACK");
}

bool Transaction::Commit() {
    if (!began_ || done_) return false;
    done_ = db_.Exec("COMMIT");
    return done_;
}

}  // namespace comptoir
