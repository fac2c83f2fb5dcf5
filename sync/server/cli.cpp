// sync/server/cli.cpp — see cli.h.
#include "sync/server/cli.h"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/uuid.h"
#include "core/validate.h"
#include "sync/server/http_server.h"
#include "sync/server/organizations.h"
#include "sync/server/security.h"
#include "sync/server/server_store.h"

#ifndef COMPTOIR_VERSION
#define COMPTOIR_VERSION "0.0.0"
#endif

namespace comptoir {

namespace {

constexpr int64_t kEnrollmentCodeLifetimeMs = 7LL * 24 * 3600 * 1000;

const char* kUsage =
    "comptoir-server " COMPTOIR_VERSION " - the central endpoint of Comptoir\n"
    "\n"
    "Usage:\n"
    "  comptoir-server serve [--host H] [--port P] [--database PATH] [--web-root DIR] [--rate-limit N]\n"
    "  comptoir-server admin add <username> [--role admin|staff]   (password read from stdin)\n"
    "  comptoir-server device add <name> [--json]                  (prints an enrollment code)\n"
    "  comptoir-server device list [--json]\n"
    "  comptoir-server device revoke <device_id>\n"
    "  comptoir-server event add --title T --date YYYY-MM-DD [--sector S] [--place P] [--id ID]\n"
    "  comptoir-server org add <slug> --name NAME | org list [--json]\n"
    "  comptoir-server org grant-network <username> | org revoke-network <username>\n"
    "\n"
    "Every command takes --database PATH (default ./data/comptoir.db; the parent directory is\n"
    "created); admin, device and event take --org SLUG (an organization added with 'org add';\n"
    "default: the default organization). Environment: COMPTOIR_DATABASE, COMPTOIR_HOST,\n"
    "COMPTOIR_PORT, COMPTOIR_WEB_ROOT.\n"
    "Run 'comptoir-server <command> --help' for one command.\n";

const std::map<std::string, const char*> kCommandHelp = {
    {"serve",
     "comptoir-server serve [--host H] [--port P] [--database PATH] [--web-root DIR] [--rate-limit N]\n"
     "  Serves the sync API (/api/v1/...), /metrics and the web app until SIGTERM/SIGINT.\n"
     "  --host        address to listen on (default 127.0.0.1, env COMPTOIR_HOST)\n"
     "  --port        TCP port (default 8080, env COMPTOIR_PORT)\n"
     "  --database    SQLite file (default ./data/comptoir.db, env COMPTOIR_DATABASE)\n"
     "  --web-root    directory of the built web app (default build/wasm/web if present,\n"
     "                env COMPTOIR_WEB_ROOT)\n"
     "  --rate-limit  API requests per minute per device token or IP (default 600, 0 = off)\n"},
    {"admin",
     "comptoir-server admin add <username> [--role admin|staff] [--org SLUG] [--database PATH]\n"
     "  Creates a staff account (role admin by default). The password (8+ characters) is\n"
     "  read from the first line of stdin.\n"},
    {"device",
     "comptoir-server device add <name> [--json] [--org SLUG] [--database PATH]\n"
     "  Prints a fresh single-use enrollment code, valid 7 days. With --json: one JSON object\n"
     "  {\"enrollment_code\", \"expires_at\", \"name\"}.\n"
     "comptoir-server device list [--json]       devices, last sync, app version, pending count\n"
     "comptoir-server device revoke <device_id>  the device's token is refused from now on (403)\n"},
    {"event",
     "comptoir-server event add --title T --date YYYY-MM-DD [--sector S] [--place P] [--id ID] [--org SLUG]\n"
     "  Adds (or with --id updates) an event; devices receive it through pull. Prints its id.\n"},
    {"org",
     "comptoir-server org add <slug> --name NAME [--database PATH]\n"
     "  Adds an organization (a CRC) with its own accounts, devices, events, catalogue and\n"
     "  data: a sibling SQLite file (comptoir.org-<slug>.db) or a PostgreSQL schema\n"
     "  (org_<slug>). Slug: 1-32 of a-z 0-9 '-', starting with a letter. Then use --org <slug>\n"
     "  with admin add / device add / event add; its staff log in with \"organization\": <slug>\n"
     "  (or username@<slug>); its tokens and enrollment codes start with \"<slug>.\".\n"
     "comptoir-server org list [--json]                   the organizations\n"
     "comptoir-server org grant-network <username>        a default-organization account may read\n"
     "                                                    the network needs report (counts only)\n"
     "comptoir-server org revoke-network <username>\n"},
};

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
    std::vector<std::string> flags;
    std::string error;
};

bool IsFlag(const std::string& name) { return name == "json" || name == "help"; }

Args Parse(int argc, char** argv, int first) {
    Args a;
    for (int i = first; i < argc; ++i) {
        std::string s = argv[i];
        if (s == "-h") s = "--help";
        if (s.rfind("--", 0) == 0) {
            std::string name = s.substr(2), value;
            size_t eq = name.find('=');
            if (eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                a.options[name] = value;
            } else if (IsFlag(name)) {
                a.flags.push_back(name);
            } else if (i + 1 < argc) {
                a.options[name] = argv[++i];
            } else {
                a.error = "missing value for --" + name;
            }
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

bool HasFlag(const Args& a, const char* f) {
    for (auto& x : a.flags)
        if (x == f) return true;
    return false;
}

std::string Opt(const Args& a, const char* name, const char* env, const std::string& def) {
    auto it = a.options.find(name);
    if (it != a.options.end()) return it->second;
    if (env) {
        const char* e = std::getenv(env);
        if (e && *e) return e;
    }
    return def;
}

bool MakeParentDirs(const std::string& path, std::string* error) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0) return true;
    std::string dir = path.substr(0, slash);
    for (size_t i = 1; i <= dir.size(); ++i) {
        if (i == dir.size() || dir[i] == '/') {
            std::string part = dir.substr(0, i);
            if (mkdir(part.c_str(), 0750) != 0 && errno != EEXIST) {
                *error = "cannot create directory " + part;
                return false;
            }
        }
    }
    return true;
}

// The store a command works on: the default organization's, or with --org <slug> that
// organization's (through the registry, see organizations.h).
struct OpenedStore {
    std::unique_ptr<OrgDirectory> orgs;   // with --org (or org commands)
    std::unique_ptr<ServerStore> own;     // without
    ServerStore* store = nullptr;
    std::string org;                      // "" = default
    ServerStore* operator->() const { return store; }
    explicit operator bool() const { return store != nullptr; }
};

std::string DatabaseOf(const Args& a) { return Opt(a, "database", "COMPTOIR_DATABASE", "./data/comptoir.db"); }

std::unique_ptr<OrgDirectory> OpenOrgs(const Args& a) {
    std::string db = DatabaseOf(a), error;
    if (db.rfind("postgres", 0) != 0 && !MakeParentDirs(db, &error)) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return nullptr;
    }
    auto orgs = OrgDirectory::Open(db, &error);
    if (!orgs) std::fprintf(stderr, "error: cannot open the database: %s\n", error.c_str());
    return orgs;
}

OpenedStore OpenFromArgs(const Args& a) {
    OpenedStore o;
    std::string db = DatabaseOf(a);
    std::string error;
    std::string org = Opt(a, "org", "COMPTOIR_ORG", "");
    if (!org.empty() && org != kDefaultOrgSlug) {
        o.orgs = OpenOrgs(a);
        if (!o.orgs) return o;
        bool unavailable = false;
        o.store = o.orgs->Find(org, &unavailable);
        if (!o.store)
            std::fprintf(stderr, unavailable ? "error: the store of organization %s cannot be opened\n"
                                             : "error: no organization %s (comptoir-server org add)\n",
                         org.c_str());
        o.org = org;
        return o;
    }
    if (db.rfind("postgres", 0) != 0 && !MakeParentDirs(db, &error)) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return o;
    }
    o.own = OpenServerStore(db, &error);
    // Never the URL: it may carry a password.
    if (!o.own) std::fprintf(stderr, "error: cannot open the database: %s\n", error.c_str());
    o.store = o.own.get();
    return o;
}

int Usage(const std::string& msg) {
    std::fprintf(stderr, "error: %s\n\n%s", msg.c_str(), kUsage);
    return 2;
}

bool ParsePort(const std::string& s, int* port) {
    if (s.empty() || s.size() > 5) return false;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    if (v > 65535) return false;
    *port = v;
    return true;
}

std::string ReadPasswordLine() {
    bool tty = isatty(STDIN_FILENO);
    termios old {};
    if (tty) {
        std::fprintf(stderr, "Password: ");
        tcgetattr(STDIN_FILENO, &old);
        termios t = old;
        t.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &t);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::fprintf(stderr, "\n");
    }
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
}

int Serve(const Args& a) {
    ServerConfig c;
    c.host = Opt(a, "host", "COMPTOIR_HOST", "127.0.0.1");
    if (!ParsePort(Opt(a, "port", "COMPTOIR_PORT", "8080"), &c.port)) return Usage("invalid --port");
    c.database = Opt(a, "database", "COMPTOIR_DATABASE", "./data/comptoir.db");
    c.web_root = Opt(a, "web-root", "COMPTOIR_WEB_ROOT", "");
    std::string rl = Opt(a, "rate-limit", nullptr, "600");
    char* end = nullptr;
    long v = std::strtol(rl.c_str(), &end, 10);
    if (rl.empty() || *end != '\0' || v < 0 || v > 1000000) return Usage("invalid --rate-limit");
    c.rate_limit_per_minute = int(v);
    std::string error;
    if (c.database.rfind("postgres", 0) != 0 && !MakeParentDirs(c.database, &error)) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return 1;
    }
    return RunServe(c);
}

int AdminAdd(const Args& a) {
    if (a.positional.size() != 3) return Usage("admin add takes one <username>");
    const std::string& username = a.positional[2];
    std::string role = Opt(a, "role", nullptr, "admin");
    if (role != "admin" && role != "staff") return Usage("--role must be admin or staff");
    std::string normalized;
    if (NormalizeText(username, 100, true, &normalized) != ErrorCode::None || normalized != username)
        return Usage("invalid username");
    std::string password = ReadPasswordLine();
    if (password.size() < 8) {
        std::fprintf(stderr, "error: the password must have at least 8 characters\n");
        return 1;
    }
    auto store = OpenFromArgs(a);
    if (!store) return 1;
    std::string hash, error;
    if (!HashPassword(password, &hash)) {
        std::fprintf(stderr, "error: cannot hash the password\n");
        return 1;
    }
    if (!store->AddUser(username, hash, role, &error)) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return 1;
    }
    std::printf("user %s added (%s)\n", username.c_str(), role.c_str());
    return 0;
}

int DeviceCmd(const Args& a) {
    if (a.positional.size() < 2) return Usage("device needs a subcommand: add, list, revoke");
    const std::string& sub = a.positional[1];
    if (sub == "add") {
        if (a.positional.size() != 3) return Usage("device add takes one <name>");
        auto store = OpenFromArgs(a);
        if (!store) return 1;
        std::string code = NewEnrollmentCode(), error;
        int64_t expires = NowMs() + kEnrollmentCodeLifetimeMs;
        if (!store->AddEnrollmentCode(Sha256Hex(NormalizeEnrollmentCode(code)), a.positional[2], expires, &error)) {
            std::fprintf(stderr, "error: %s\n", error.c_str());
            return 1;
        }
        code = QualifyOrg(store.org, code);  // "<slug>.CODE": the server routes it to that store
        if (HasFlag(a, "json")) {
            nlohmann::json j = {{"enrollment_code", code}, {"expires_at", FormatRfc3339(expires)},
                                {"name", a.positional[2]}};
            std::printf("%s\n", j.dump().c_str());
        } else {
            std::printf("Enrollment code for %s: %s (single use, expires %s)\n", a.positional[2].c_str(), code.c_str(),
                        FormatRfc3339(expires).c_str());
        }
        return 0;
    }
    if (sub == "list") {
        auto store = OpenFromArgs(a);
        if (!store) return 1;
        nlohmann::json arr = nlohmann::json::array();
        for (const DeviceRecord& d : store->Devices()) {
            arr.push_back({{"id", d.id}, {"name", d.name}, {"enrolled_at", d.enrolled_at},
                           {"revoked_at", d.revoked_at}, {"last_sync_at", d.last_sync_at},
                           {"app_version", d.last_app_version}, {"pending", d.last_pending}});
            if (!HasFlag(a, "json"))
                std::printf("%s  %-24s  last sync %s  app %s  pending %lld%s\n", d.id.c_str(), d.name.c_str(),
                            d.last_sync_at.empty() ? "never" : d.last_sync_at.c_str(),
                            d.last_app_version.empty() ? "?" : d.last_app_version.c_str(),
                            static_cast<long long>(d.last_pending), d.revoked_at.empty() ? "" : "  REVOKED");
        }
        if (HasFlag(a, "json")) std::printf("%s\n", arr.dump().c_str());
        return 0;
    }
    if (sub == "revoke") {
        if (a.positional.size() != 3) return Usage("device revoke takes one <device_id>");
        auto store = OpenFromArgs(a);
        if (!store) return 1;
        if (!store->RevokeDevice(a.positional[2])) {
            std::fprintf(stderr, "error: no active device with that id\n");
            return 1;
        }
        std::printf("device %s revoked\n", a.positional[2].c_str());
        return 0;
    }
    return Usage("unknown device subcommand: " + sub);
}

int EventCmd(const Args& a) {
    if (a.positional.size() != 2 || a.positional[1] != "add") return Usage("event needs: add");
    Event e;
    e.id = Opt(a, "id", nullptr, NewUuid());
    e.title = Opt(a, "title", nullptr, "");
    e.date = Opt(a, "date", nullptr, "");
    e.sector = Opt(a, "sector", nullptr, "");
    e.place = Opt(a, "place", nullptr, "");
    std::vector<FieldError> errors = ValidateEvent(e);
    if (!errors.empty()) return Usage(std::string("invalid event field ") + errors.front().field);
    auto store = OpenFromArgs(a);
    if (!store) return 1;
    if (!store->UpsertEvent(e)) {
        std::fprintf(stderr, "error: cannot store the event\n");
        return 1;
    }
    std::printf("%s\n", e.id.c_str());
    return 0;
}

int OrgCmd(const Args& a) {
    if (a.positional.size() < 2) return Usage("org needs a subcommand: add, list, grant-network, revoke-network");
    const std::string& sub = a.positional[1];
    if (sub == "add") {
        if (a.positional.size() != 3) return Usage("org add takes one <slug>");
        const std::string& slug = a.positional[2];
        if (!ValidOrgSlug(slug)) return Usage("invalid slug: 1-32 of a-z 0-9 '-', starting with a letter");
        std::string name;
        if (NormalizeText(Opt(a, "name", nullptr, ""), 200, true, &name) != ErrorCode::None || name.empty())
            return Usage("org add needs --name NAME");
        auto orgs = OpenOrgs(a);
        if (!orgs) return 1;
        std::string error;
        if (!orgs->Add(slug, name, &error)) {
            std::fprintf(stderr, "error: %s\n", error.c_str());
            return 1;
        }
        std::printf("organization %s added\n", slug.c_str());
        return 0;
    }
    if (sub == "list") {
        auto orgs = OpenOrgs(a);
        if (!orgs) return 1;
        nlohmann::json arr = nlohmann::json::array();
        for (const Organization& o : orgs->List()) {
            arr.push_back({{"slug", o.slug}, {"name", o.name}, {"created_at", o.created_at}});
            if (!HasFlag(a, "json")) std::printf("%-32s  %s\n", o.slug.c_str(), o.name.c_str());
        }
        if (HasFlag(a, "json")) std::printf("%s\n", arr.dump().c_str());
        return 0;
    }
    if (sub == "grant-network" || sub == "revoke-network") {
        if (a.positional.size() != 3) return Usage("org " + sub + " takes one <username>");
        auto orgs = OpenOrgs(a);
        if (!orgs) return 1;
        const std::string& username = a.positional[2];
        bool grant = sub == "grant-network";
        if (grant && !orgs->Default()->FindUser(username)) {
            std::fprintf(stderr, "error: no account %s in the default organization\n", username.c_str());
            return 1;
        }
        std::string error;
        if (!orgs->SetNetworkRight(username, grant, &error)) {
            std::fprintf(stderr, "error: %s\n", error.c_str());
            return 1;
        }
        std::printf("network right %s for %s\n", grant ? "granted" : "revoked", username.c_str());
        return 0;
    }
    return Usage("unknown org subcommand: " + sub);
}

}  // namespace

int RunCli(int argc, char** argv) {
    if (argc < 2) return Usage("a command is required");
    std::string cmd = argv[1];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        std::printf("%s", kUsage);
        return 0;
    }
    if (cmd == "--version") {
        std::printf("comptoir-server %s (sync protocol %d)\n", COMPTOIR_VERSION, 1);
        return 0;
    }
    Args a = Parse(argc, argv, 1);
    if (!a.error.empty()) return Usage(a.error);
    if (HasFlag(a, "help")) {
        auto it = kCommandHelp.find(cmd);
        if (it == kCommandHelp.end()) return Usage("unknown command: " + cmd);
        std::printf("%s", it->second);
        return 0;
    }
    if (!InitCrypto()) {
        std::fprintf(stderr, "error: libsodium failed to initialize\n");
        return 1;
    }
    if (cmd == "serve") return Serve(a);
    if (cmd == "admin") {
        if (a.positional.size() < 2 || a.positional[1] != "add") return Usage("admin needs: add <username>");
        return AdminAdd(a);
    }
    if (cmd == "device") return DeviceCmd(a);
    if (cmd == "event") return EventCmd(a);
    if (cmd == "org") return OrgCmd(a);
    return Usage("unknown command: " + cmd);
}

}  // namespace comptoir
