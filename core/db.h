// core/db.h — a thin, exception-free C++ wrapper over SQLite.
//
// The only header of core/ that knows SQLite exists; db.cpp is the only file in the
// project that includes sqlite3.h (besides the page-tracking VFS in page_vfs.cpp).
//
// Usage:
//   std::string err;
//   auto db = Db::Open(":memory:", &err);                 // or a path; optional VFS name
//   db->Exec("CREATE TABLE t(a TEXT)");
//   Stmt s = db->Prepare("INSERT INTO t(a) VALUES (?)");
//   s.Bind(1, "x"); s.Step();                             // Step(): true while a row is ready
//   Stmt q = db->Prepare("SELECT a FROM t");
//   while (q.Step()) std::string a = q.Text(0);
//   Transaction tx(*db); ... ; tx.Commit();                // rolled back if not committed
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace comptoir {

class Db;

class Stmt {
public:
    Stmt() = default;
    Stmt(Stmt&& o) noexcept;
    Stmt& operator=(Stmt&& o) noexcept;
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt();

    bool Valid() const { return stmt_ != nullptr; }
    // Binding: 1-based indexes, like SQLite.
    Stmt& Bind(int i, std::string_view text);
    Stmt& Bind(int i, const char* text) { return Bind(i, std::string_view(text)); }
    Stmt& Bind(int i, const std::string& text) { return Bind(i, std::string_view(text)); }
    // Without SQLite's own copy: `text` must stay alive and unchanged until the statement
    // is reset (the hot statements of a push bind fields of the batch being applied).
    Stmt& BindStatic(int i, std::string_view text);
    Stmt& Bind(int i, int64_t v);
    Stmt& Bind(int i, int v) { return Bind(i, int64_t(v)); }
    Stmt& Bind(int i, bool v) { return Bind(i, int64_t(v ? 1 : 0)); }
    Stmt& Bind(int i, double v);
    Stmt& BindNull(int i);
    Stmt& Bind(int i, const std::optional<std::string>& v) { return v ? Bind(i, *v) : BindNull(i); }

    // Returns true when a row is available, false when done or on error (see Error()).
    bool Step();
    // Runs to completion; returns false on error.
    bool Run();
    void Reset();

    // Columns: 0-based indexes, like SQLite.
    bool IsNull(int col) const;
    std::string Text(int col) const;
    int64_t Int(int col) const;
    double Real(int col) const;
    std::optional<std::string> OptText(int col) const;
    // The column's text without copying; valid until the next Step()/Reset() (hot loops).
    std::string_view TextView(int col) const;

    bool Failed() const { return failed_; }
    const std::string& Error() const { return error_; }

private:
    friend class Db;
    Stmt(sqlite3_stmt* s, sqlite3* db) : stmt_(s), db_(db) {}
    sqlite3_stmt* stmt_ = nullptr;
    sqlite3* db_ = nullptr;
    bool failed_ = false;
    std::string error_;
};

class Db {
public:
    // Opens (creating if needed) a database. vfs: a registered SQLite VFS name or null.
    static std::unique_ptr<Db> Open(const std::string& path, std::string* error,
                                    const char* vfs = nullptr);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // Executes one or more statements without results.
    bool Exec(std::string_view sql, std::string* error = nullptr);
    // A failed prepare returns an invalid Stmt whose Error() says why.
    Stmt Prepare(std::string_view sql);

    int64_t LastInsertRowid() const;
    int Changes() const;
    // Rows changed by this connection since it opened (never decreases).
    int64_t TotalChanges() const;
    // PRAGMA data_version: changes when another connection commits to the same file.
    int64_t DataVersion();
    int UserVersion();
    bool SetUserVersion(int v);
    // True if the last error was a UNIQUE/PRIMARY KEY constraint failure.
    bool LastWasConstraint() const;
    std::string LastError() const;
    sqlite3* Raw() { return db_; }

private:
    explicit Db(sqlite3* db) : db_(db) {}
    sqlite3* db_ = nullptr;
};

// RAII transaction: BEGIN IMMEDIATE in the constructor, ROLLBACK unless Commit() succeeded.
class Transaction {
public:
    explicit Transaction(Db& db);
    ~Transaction();
    bool Ok() const { return began_; }
    bool Commit();

private:
    Db& db_;
    bool began_ = false;
    bool done_ = false;
};

}  // namespace comptoir
