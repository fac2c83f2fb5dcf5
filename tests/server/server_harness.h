// tests/server/server_harness.h — starts the real comptoir-server binary for a test.
//
//   TestServer srv;                              // temp dir + database, free port, serve
//   httplib::Client cli = srv.Client();
//   std::string admin = srv.AdminToken();        // `admin add` via the CLI, then login
//   TestDevice dev = srv.EnrollDevice("Kiosque"); // `device add --json`, then enroll
//   auto r = PostJson(cli, "/api/v1/sync/push", body, dev.token);
//   int status = srv.Stop();                     // SIGTERM, waits, exit status
//
// Server stderr (its JSON logs) goes to <temp dir>/server.log (LogText()).
//
// Backend: SQLite (a file in the temp dir) unless COMPTOIR_TEST_DATABASE_URL is a
// postgresql:// URL (e.g. `scripts/pg url`): then every TestServer gets a fresh schema
// in that database (TestDatabase: CREATE SCHEMA t_<random>, dropped at the end), its
// URL carrying ?options=-csearch_path=<schema>. The same suites run on both backends.
#pragma once
#include <httplib.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace testsrv {

using nlohmann::json;

struct TempDir {
    TempDir();
    ~TempDir();
    std::string path;
};

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs the server binary with args, feeding stdin_text; waits for it.
CommandResult RunServerCli(const std::vector<std::string>& args, const std::string& stdin_text = "",
                           const std::vector<std::string>& env = {});

// The PostgreSQL URL of COMPTOIR_TEST_DATABASE_URL, or "" (= SQLite).
std::string TestDatabaseUrl();
bool UsingPostgres();

// A fresh, empty database for one server: a SQLite file path under `dir`, or a new
// PostgreSQL schema (dropped by the destructor). Location() is what --database takes.
class TestDatabase {
public:
    explicit TestDatabase(const std::string& dir);
    ~TestDatabase();
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;
    const std::string& Location() const { return location_; }
    const std::string& Error() const { return error_; }   // "" when ready
    const std::string& Schema() const { return schema_; } // PostgreSQL only

private:
    std::string location_, schema_, error_;
};

// PostgreSQL twin of a raw-file scan: "table.column" of every column (of the schema
// named by `location`'s search_path) whose text contains `needle`. For tests that check
// that something (an erased person's name) is gone from every table.
std::vector<std::string> PgTablesContaining(const std::string& location, const std::string& needle);

struct TestDevice {
    std::string id;
    std::string token;
};

class TestServer {
public:
    // database: "" = a fresh TestDatabase of its own; else that location (several
    // servers sharing one database, as in tests/scale).
    explicit TestServer(std::vector<std::string> extra_args = {}, std::string web_root = "",
                        std::string database = "");
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    bool Running() const { return pid_ > 0; }
    int Port() const { return port_; }
    const std::string& Database() const { return database_; }
    const std::string& Dir() const { return dir_.path; }
    httplib::Client Client() const;
    // CLI against this server's database.
    CommandResult Cli(std::vector<std::string> args, const std::string& stdin_text = "") const;
    std::string AdminToken();                       // cached; user "admin-test"
    TestDevice EnrollDevice(const std::string& name);
    std::string LogText() const;
    int Stop();                                     // SIGTERM; returns the exit status

private:
    TempDir dir_;
    TestDatabase db_;
    std::string database_;
    std::string log_path_;
    int port_ = 0;
    int pid_ = -1;
    std::string admin_token_;
};

int FreePort();

// One server shared by the tests that do not need their own (started on first use).
TestServer& SharedServer();

httplib::Result PostJson(httplib::Client& cli, const std::string& path, const std::string& body,
                         const std::string& token = "", const std::string& content_type = "application/json");
httplib::Result GetAuth(httplib::Client& cli, const std::string& path, const std::string& token);
// The `error.code` of an error body, or "" if the body is not one.
std::string ErrorCode(const httplib::Result& r);
json Body(const httplib::Result& r);

// --- payload builders ---
json CreatorData(const std::string& first, const std::string& last, const std::string& email);
json MakeChange(const std::string& id, const std::string& entity, int64_t version, const json& data,
                const std::string& op = "upsert");
json MakeBatch(const std::string& device_id, const json& changes, const std::string& batch_id = "");

}  // namespace testsrv
