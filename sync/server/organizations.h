// sync/server/organizations.h — several organizations (CRCs) on one comptoir-server
// deployment, isolated by construction: ONE STORE PER ORGANIZATION.
//
//   std::string err;
//   auto orgs = OrgDirectory::Open("./data/comptoir.db", &err);   // or a postgresql:// URL
//   orgs->Add("liege", "CRC Liège", &err);         // registry row + its own store (migrated)
//   ServerStore* s = orgs->Find("liege", &unavailable);   // "" / "default": the default store
//   std::string token = QualifyOrg("liege", NewToken());   // "liege.<64 hex>"
//   std::string slug, secret; SplitOrgPrefix(token, &slug, &secret);
//
// Where the stores live:
//  - the default organization is the `--database` store itself (existing deployments
//    and their tokens keep working unchanged: a token without prefix is the default's);
//  - SQLite: organization <slug> is a sibling file, data/comptoir.db ->
//    data/comptoir.org-<slug>.db;
//  - PostgreSQL: a schema of the same database, "org_<slug>" (or "<schema>_org_<slug>"
//    when the URL's search_path names a schema other than public), '-' written '_';
//    the connection sets search_path to it, so the store's SQL is unchanged.
// The registry (tables `organizations` and `organization_network_accounts`) lives in
// the default store's database/schema, created if missing (CREATE TABLE IF NOT EXISTS).
//
// Routing (the HTTP layer, http_server.cpp): device tokens, enrollment codes and session
// tokens minted for organization <slug> are "<slug>." + secret; only the secret's hash
// is stored, in that organization's store. A request is served by the store its token's
// prefix names: a token can only ever be found in the store that minted it.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sync/server/server_store.h"

namespace comptoir {

struct Organization {
    std::string slug;
    std::string name;
    std::string created_at;
};

// The slug that names the default organization in API fields and reports.
constexpr const char* kDefaultOrgSlug = "default";

// 1-32 of a-z 0-9 '-', starting with a letter, not ending with '-', not "default".
bool ValidOrgSlug(const std::string& slug);
// "<slug>.<secret>" -> (slug, secret); no '.' -> ("", whole). The slug is lower-cased.
void SplitOrgPrefix(const std::string& qualified, std::string* slug, std::string* secret);
// slug "" or "default" -> secret unchanged; else "<slug>." + secret.
std::string QualifyOrg(const std::string& slug, const std::string& secret);
// The SQLite file of organization <slug> next to the default file.
std::string SqliteOrgPath(const std::string& default_path, const std::string& slug);

class OrgRegistry;  // organizations.cpp: SQLite or PostgreSQL

class OrgDirectory {
public:
    // Opens the default store (migrations run) and the registry (tables created).
    static std::unique_ptr<OrgDirectory> Open(const std::string& location, std::string* error);
    ~OrgDirectory();

    ServerStore* Default() const { return default_.get(); }
    // The store of `slug` ("" or "default": the default store), opened (and migrated) on
    // first use. nullptr if no such organization, or (*unavailable = true) if its store
    // cannot be opened now. An unknown slug re-reads the registry (at most every 50 ms),
    // so organizations added by the CLI or another instance are found without restart.
    ServerStore* Find(const std::string& slug, bool* unavailable = nullptr);
    // Opens (and migrates) every registered organization's store now; false with the
    // first failure (the server checks this at start, like the default store's migrations).
    bool OpenAll(std::string* error);
    // Registered organizations (the default one not included), by slug.
    std::vector<Organization> List();
    // Adds a registry row and creates/migrates the organization's store.
    bool Add(const std::string& slug, const std::string& name, std::string* error);

    // The "network" right: accounts OF THE DEFAULT ORGANIZATION allowed to read the
    // aggregate-only network needs report (GET /api/v1/network/reports/needs).
    bool HasNetworkRight(const std::string& username);
    bool SetNetworkRight(const std::string& username, bool granted, std::string* error);

private:
    OrgDirectory() = default;
    bool Reload();  // mutex_ held
    std::unique_ptr<ServerStore> OpenOrgStore(const std::string& slug, std::string* error);

    std::string location_;
    std::unique_ptr<ServerStore> default_;
    std::unique_ptr<OrgRegistry> registry_;
    std::mutex mutex_;
    std::map<std::string, Organization> known_;
    std::map<std::string, std::unique_ptr<ServerStore>> stores_;
    int64_t last_reload_ms_ = 0;
};

}  // namespace comptoir
