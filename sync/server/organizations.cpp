// sync/server/organizations.cpp — see organizations.h.
//
// [SECTION] slugs and prefixes
// [SECTION] registry (SQLite: core/db.h on the default file; PostgreSQL: libpq)
// [SECTION] OrgDirectory
#include "sync/server/organizations.h"

#include <libpq-fe.h>

#include <cctype>

#include "core/clock.h"
#include "core/db.h"
#include "sync/server/pg_store.h"

namespace comptoir {

// [SECTION] slugs and prefixes -----------------------------------------------------------
bool ValidOrgSlug(const std::string& slug) {
    if (slug.empty() || slug.size() > 32 || slug == kDefaultOrgSlug) return false;
    if (!(slug.front() >= 'a' && slug.front() <= 'z') || slug.back() == '-') return false;
    for (char c : slug)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

void SplitOrgPrefix(const std::string& qualified, std::string* slug, std::string* secret) {
    size_t dot = qualified.find('.');
    if (dot == std::string::npos) {
        slug->clear();
        *secret = qualified;
        return;
    }
    *slug = qualified.substr(0, dot);
    for (char& c : *slug) c = char(std::tolower(static_cast<unsigned char>(c)));
    *secret = qualified.substr(dot + 1);
}

std::string QualifyOrg(const std::string& slug, const std::string& secret) {
    if (slug.empty() || slug == kDefaultOrgSlug) return secret;
    return slug + "." + secret;
}

std::string SqliteOrgPath(const std::string& default_path, const std::string& slug) {
    size_t slash = default_path.rfind('/');
    size_t dot = default_path.rfind('.');
    size_t base = slash == std::string::npos ? 0 : slash + 1;
    if (dot == std::string::npos || dot <= base) return default_path + ".org-" + slug;
    return default_path.substr(0, dot) + ".org-" + slug + default_path.substr(dot);
}

// [SECTION] registry ---------------------------------------------------------------------
class OrgRegistry {
public:
    virtual ~OrgRegistry() = default;
    virtual bool List(std::vector<Organization>* out, std::string* error) = 0;
    // false + *error "exists" when the slug is registered already.
    virtual bool Insert(const Organization& o, std::string* error) = 0;
    virtual bool HasNetworkRight(const std::string& username) = 0;
    virtual bool SetNetworkRight(const std::string& username, bool granted, std::string* error) = 0;
    // Where the store of `slug` lives (PostgreSQL: creates its schema).
    virtual std::string OrgLocation(const std::string& slug, std::string* error) = 0;
};

namespace {

const char* kRegistrySql =
    "CREATE TABLE IF NOT EXISTS organizations(slug TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "created_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS organization_network_accounts(username TEXT PRIMARY KEY, "
    "granted_at TEXT NOT NULL);";

class SqliteRegistry final : public OrgRegistry {
public:
    bool Open(const std::string& path, std::string* error) {
        path_ = path;
        db_ = Db::Open(path, error);
        if (!db_) return false;
        return db_->Exec("PRAGMA busy_timeout=5000;") && db_->Exec(kRegistrySql, error);
    }
    bool List(std::vector<Organization>* out, std::string* error) override {
        std::lock_guard<std::mutex> lock(mutex_);
        Stmt s = db_->Prepare("SELECT slug, name, created_at FROM organizations ORDER BY slug");
        while (s.Step()) out->push_back({s.Text(0), s.Text(1), s.Text(2)});
        if (s.Failed()) *error = s.Error();
        return !s.Failed();
    }
    bool Insert(const Organization& o, std::string* error) override {
        std::lock_guard<std::mutex> lock(mutex_);
        Stmt s = db_->Prepare("INSERT INTO organizations(slug, name, created_at) VALUES (?,?,?)");
        s.Bind(1, o.slug).Bind(2, o.name).Bind(3, o.created_at);
        if (s.Run()) return true;
        *error = db_->LastWasConstraint() ? "exists" : s.Error();
        return false;
    }
    bool HasNetworkRight(const std::string& username) override {
        std::lock_guard<std::mutex> lock(mutex_);
        Stmt s = db_->Prepare("SELECT 1 FROM organization_network_accounts WHERE username = ?");
        s.Bind(1, username);
        return s.Step();
    }
    bool SetNetworkRight(const std::string& username, bool granted, std::string* error) override {
        std::lock_guard<std::mutex> lock(mutex_);
        Stmt s = granted ? db_->Prepare("INSERT OR IGNORE INTO organization_network_accounts(username, granted_at) "
                                        "VALUES (?,?)")
                         : db_->Prepare("DELETE FROM organization_network_accounts WHERE username = ?");
        s.Bind(1, username);
        if (granted) s.Bind(2, NowRfc3339());
        if (!s.Run()) {
            *error = s.Error();
            return false;
        }
        return true;
    }
    std::string OrgLocation(const std::string& slug, std::string*) override { return SqliteOrgPath(path_, slug); }

private:
    std::string path_;
    std::unique_ptr<Db> db_;
    std::mutex mutex_;
};

// A conninfo value in single quotes (libpq keyword/value syntax).
std::string ConnQuote(const std::string& v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

// The primary message only (never DETAIL, which can quote values).
std::string PgMessage(const PGresult* r, PGconn* c) {
    const char* m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    if (m) return m;
    std::string s = c ? PQerrorMessage(c) : "no connection";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

class PgRegistry final : public OrgRegistry {
public:
    ~PgRegistry() override {
        if (conn_) PQfinish(conn_);
    }
    bool Open(const std::string& url, std::string* error) {
        url_ = url;
        std::lock_guard<std::mutex> lock(mutex_);
        if (!Connect(error)) return false;
        std::vector<std::vector<std::string>> rows;
        if (!Query("SELECT current_schema()", {}, &rows, error)) return false;
        if (rows.empty() || rows[0][0].empty()) {
            *error = "the search_path of the database URL names no existing schema";
            return false;
        }
        schema_ = rows[0][0];
        return Query(kRegistrySql, {}, nullptr, error, true);
    }
    bool List(std::vector<Organization>* out, std::string* error) override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::vector<std::string>> rows;
        if (!Query("SELECT slug, name, created_at FROM organizations ORDER BY slug COLLATE \"C\"", {}, &rows, error))
            return false;
        for (auto& r : rows) out->push_back({r[0], r[1], r[2]});
        return true;
    }
    bool Insert(const Organization& o, std::string* error) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (Query("INSERT INTO organizations(slug, name, created_at) VALUES ($1,$2,$3)", {o.slug, o.name, o.created_at},
                  nullptr, error))
            return true;
        if (last_state_ == "23505") *error = "exists";
        return false;
    }
    bool HasNetworkRight(const std::string& username) override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::vector<std::string>> rows;
        std::string error;
        return Query("SELECT 1 FROM organization_network_accounts WHERE username = $1", {username}, &rows, &error) &&
               !rows.empty();
    }
    bool SetNetworkRight(const std::string& username, bool granted, std::string* error) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (granted)
            return Query("INSERT INTO organization_network_accounts(username, granted_at) VALUES ($1,$2) "
                         "ON CONFLICT DO NOTHING",
                         {username, NowRfc3339()}, nullptr, error);
        return Query("DELETE FROM organization_network_accounts WHERE username = $1", {username}, nullptr, error);
    }
    std::string OrgLocation(const std::string& slug, std::string* error) override {
        std::string schema = (schema_ == "public" ? "" : schema_ + "_") + "org_";
        for (char c : slug) schema += c == '-' ? '_' : c;
        if (schema.size() > 63) {
            *error = "schema name too long for PostgreSQL (63 bytes): use a shorter slug";
            return "";
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            // Two instances creating it at once: the loser sees a unique violation; retry.
            bool ok = false;
            for (int attempt = 0; attempt < 3 && !ok; ++attempt)
                ok = Query("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"", {}, nullptr, error, true);
            if (!ok) return "";
        }
        // The base connection's parameters, with search_path set to the schema.
        char* err = nullptr;
        PQconninfoOption* opts = PQconninfoParse(url_.c_str(), &err);
        if (!opts) {
            *error = "invalid database URL";
            if (err) PQfreemem(err);
            return "";
        }
        std::string conninfo, options;
        for (PQconninfoOption* o = opts; o->keyword; ++o) {
            if (!o->val) continue;
            if (std::string(o->keyword) == "options") {
                options = o->val;
                continue;
            }
            conninfo += std::string(o->keyword) + "=" + ConnQuote(o->val) + " ";
        }
        PQconninfoFree(opts);
        options += (options.empty() ? "" : " ") + std::string("-csearch_path=") + schema;
        return conninfo + "options=" + ConnQuote(options);
    }

private:
    bool Connect(std::string* error) {
        if (conn_ && PQstatus(conn_) == CONNECTION_OK) return true;
        if (conn_) PQfinish(conn_);
        conn_ = PQconnectdb(url_.c_str());
        if (PQstatus(conn_) != CONNECTION_OK) {
            *error = PgMessage(nullptr, conn_);
            return false;
        }
        PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
        return true;
    }
    // mutex_ held. script: several statements, no parameters.
    bool Query(const std::string& sql, const std::vector<std::string>& params,
               std::vector<std::vector<std::string>>* rows, std::string* error, bool script = false) {
        last_state_.clear();
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (!Connect(error)) return false;
            PGresult* r = nullptr;
            if (script) {
                r = PQexec(conn_, sql.c_str());
            } else {
                std::vector<const char*> values;
                for (const std::string& p : params) values.push_back(p.c_str());
                r = PQexecParams(conn_, sql.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
            }
            ExecStatusType st = PQresultStatus(r);
            if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
                if (rows)
                    for (int i = 0; i < PQntuples(r); ++i) {
                        rows->emplace_back();
                        for (int j = 0; j < PQnfields(r); ++j) rows->back().push_back(PQgetvalue(r, i, j));
                    }
                PQclear(r);
                return true;
            }
            const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
            last_state_ = state ? state : "";
            *error = PgMessage(r, conn_);
            PQclear(r);
            if (PQstatus(conn_) == CONNECTION_OK) return false;  // a real error, not a lost connection
        }
        return false;
    }

    std::string url_, schema_, last_state_;
    PGconn* conn_ = nullptr;
    std::mutex mutex_;
};

}  // namespace

// [SECTION] OrgDirectory -----------------------------------------------------------------
OrgDirectory::~OrgDirectory() = default;

std::unique_ptr<OrgDirectory> OrgDirectory::Open(const std::string& location, std::string* error) {
    std::unique_ptr<OrgDirectory> d(new OrgDirectory());
    d->location_ = location;
    d->default_ = OpenServerStore(location, error);  // migrations (and the file) first
    if (!d->default_) return nullptr;
    if (IsPostgresUrl(location)) {
        auto r = std::make_unique<PgRegistry>();
        if (!r->Open(location, error)) return nullptr;
        d->registry_ = std::move(r);
    } else {
        auto r = std::make_unique<SqliteRegistry>();
        if (!r->Open(location, error)) return nullptr;
        d->registry_ = std::move(r);
    }
    std::lock_guard<std::mutex> lock(d->mutex_);
    if (!d->Reload()) {
        *error = "cannot read the organizations registry";
        return nullptr;
    }
    return d;
}

bool OrgDirectory::Reload() {
    std::vector<Organization> list;
    std::string error;
    last_reload_ms_ = NowMs();
    if (!registry_->List(&list, &error)) return false;
    for (Organization& o : list) known_[o.slug] = std::move(o);
    return true;
}

std::unique_ptr<ServerStore> OrgDirectory::OpenOrgStore(const std::string& slug, std::string* error) {
    std::string where = registry_->OrgLocation(slug, error);
    if (where.empty()) return nullptr;
    // A conninfo string (not a URL) for PostgreSQL, a file path for SQLite.
    return IsPostgresUrl(location_) ? OpenPgServerStore(where, error) : OpenSqliteServerStore(where, error);
}

ServerStore* OrgDirectory::Find(const std::string& slug, bool* unavailable) {
    if (unavailable) *unavailable = false;
    if (slug.empty() || slug == kDefaultOrgSlug) return default_.get();
    if (!ValidOrgSlug(slug)) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = stores_.find(slug);
    if (it != stores_.end()) return it->second.get();
    if (!known_.count(slug) && NowMs() - last_reload_ms_ >= 50) Reload();
    if (!known_.count(slug)) return nullptr;
    std::string error;
    auto store = OpenOrgStore(slug, &error);
    if (!store) {
        if (unavailable) *unavailable = true;
        return nullptr;
    }
    ServerStore* p = store.get();
    stores_[slug] = std::move(store);
    return p;
}

bool OrgDirectory::OpenAll(std::string* error) {
    std::vector<std::string> slugs;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& [slug, o] : known_) slugs.push_back(slug);
    }
    for (const std::string& slug : slugs) {
        bool unavailable = false;
        if (!Find(slug, &unavailable)) {
            *error = "cannot open the store of organization " + slug;
            return false;
        }
    }
    return true;
}

std::vector<Organization> OrgDirectory::List() {
    std::lock_guard<std::mutex> lock(mutex_);
    Reload();
    std::vector<Organization> out;
    for (auto& [slug, o] : known_) out.push_back(o);
    return out;
}

bool OrgDirectory::Add(const std::string& slug, const std::string& name, std::string* error) {
    if (!ValidOrgSlug(slug)) {
        *error = "invalid slug: 1-32 of a-z 0-9 '-', starting with a letter (\"default\" is reserved)";
        return false;
    }
    // The store first: a registry row always names a store that exists.
    auto store = OpenOrgStore(slug, error);
    if (!store) return false;
    Organization o{slug, name, NowRfc3339()};
    if (!registry_->Insert(o, error)) {
        if (*error == "exists") *error = "an organization with this slug exists";
        return false;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    known_[slug] = o;
    stores_[slug] = std::move(store);
    return true;
}

bool OrgDirectory::HasNetworkRight(const std::string& username) { return registry_->HasNetworkRight(username); }

bool OrgDirectory::SetNetworkRight(const std::string& username, bool granted, std::string* error) {
    return registry_->SetNetworkRight(username, granted, error);
}

}  // namespace comptoir
