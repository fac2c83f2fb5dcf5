// tests/server/server_harness.cpp — see server_harness.h. Also holds doctest's main.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "server_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/uuid.h"

extern char** environ;

namespace testsrv {

namespace {

std::string ReadAll(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// posix_spawn with stdin/stdout/stderr redirected to files.
int Spawn(const std::vector<std::string>& args, const std::string& in, const std::string& out,
          const std::string& err, const std::vector<std::string>& env) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    std::vector<char*> argv;
    std::string bin = COMPTOIR_SERVER_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_copy;
    for (char** e = environ; *e; ++e) {
        std::string s = *e;
        if (s.rfind("COMPTOIR_", 0) != 0) env_copy.push_back(s);  // tests set these explicitly
    }
    for (auto& e : env) env_copy.push_back(e);
    std::vector<char*> envp;
    for (auto& e : env_copy) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), envp.data()) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

int WaitExit(int pid) {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

TempDir::TempDir() {
    char tmpl[] = "/tmp/comptoir-server-test-XXXXXX";
    char* p = mkdtemp(tmpl);
    path = p ? p : "/tmp";
}

TempDir::~TempDir() {
    if (path.rfind("/tmp/comptoir-server-test-", 0) == 0) {
        std::string cmd = "rm -rf '" + path + "'";
        int rc = std::system(cmd.c_str());
        (void)rc;
    }
}

CommandResult RunServerCli(const std::vector<std::string>& args, const std::string& stdin_text,
                           const std::vector<std::string>& env) {
    TempDir io;
    std::string in = io.path + "/stdin", out = io.path + "/stdout", err = io.path + "/stderr";
    std::ofstream(in, std::ios::binary) << stdin_text;
    CommandResult r;
    int pid = Spawn(args, in, out, err, env);
    if (pid <= 0) return r;
    r.exit_code = WaitExit(pid);
    r.out = ReadAll(out);
    r.err = ReadAll(err);
    return r;
}

std::string TestDatabaseUrl() {
    const char* e = std::getenv("COMPTOIR_TEST_DATABASE_URL");
    std::string url = e ? e : "";
    return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 ? url : "";
}

bool UsingPostgres() { return !TestDatabaseUrl().empty(); }

namespace {

// Runs one statement on the admin URL; "" on success, else the error.
std::string PgExec(const std::string& url, const std::string& sql) {
    PGconn* c = PQconnectdb(url.c_str());
    std::string err;
    if (PQstatus(c) != CONNECTION_OK) {
        err = PQerrorMessage(c);
    } else {
        PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);  // "drop cascades to …"
        PGresult* r = PQexec(c, sql.c_str());
        if (PQresultStatus(r) != PGRES_COMMAND_OK) err = PQresultErrorMessage(r);
        PQclear(r);
    }
    PQfinish(c);
    return err;
}

}  // namespace

TestDatabase::TestDatabase(const std::string& dir) {
    if (dir.empty()) return;  // not used (TestServer given a database)
    std::string url = TestDatabaseUrl();
    if (url.empty()) {
        location_ = dir + "/data/comptoir.db";  // parent dir created by the server
        return;
    }
    std::string id = comptoir::NewUuid();
    schema_ = "t_";
    for (char ch : id)
        if (ch != '-') schema_ += ch;
    error_ = PgExec(url, "CREATE SCHEMA " + schema_);
    location_ = url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
}

std::vector<std::string> PgTablesContaining(const std::string& location, const std::string& needle) {
    std::vector<std::string> hits;
    PGconn* c = PQconnectdb(location.c_str());
    REQUIRE(PQstatus(c) == CONNECTION_OK);
    PGresult* cols = PQexec(c,
                            "SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position");
    REQUIRE(PQresultStatus(cols) == PGRES_TUPLES_OK);
    CHECK(PQntuples(cols) > 10);
    for (int i = 0; i < PQntuples(cols); ++i) {
        std::string table = PQgetvalue(cols, i, 0), col = PQgetvalue(cols, i, 1);
        std::string sql = "SELECT count(*) FROM \"" + table + "\" WHERE strpos(CAST(\"" + col + "\" AS TEXT), $1) > 0";
        const char* params[] = {needle.c_str()};
        PGresult* r = PQexecParams(c, sql.c_str(), 1, nullptr, params, nullptr, nullptr, 0);
        CHECK(PQresultStatus(r) == PGRES_TUPLES_OK);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10) > 0)
            hits.push_back(table + "." + col);
        PQclear(r);
    }
    PQclear(cols);
    PQfinish(c);
    return hits;
}

TestDatabase::~TestDatabase() {
    if (!schema_.empty()) PgExec(TestDatabaseUrl(), "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
}

int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        socklen_t len = sizeof a;
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    close(fd);
    return port;
}

TestServer::TestServer(std::vector<std::string> extra_args, std::string web_root, std::string database)
    : db_(database.empty() ? dir_.path : std::string()) {
    database_ = database.empty() ? db_.Location() : database;
    if (!db_.Error().empty()) {
        MESSAGE("cannot create the test database: " << db_.Error());
        return;
    }
    log_path_ = dir_.path + "/server.log";
    std::string null_in = "/dev/null";
    for (int attempt = 0; attempt < 3 && pid_ <= 0; ++attempt) {
        port_ = FreePort();
        std::vector<std::string> args = {"serve", "--host", "127.0.0.1", "--port", std::to_string(port_),
                                         "--database", database_};
        if (!web_root.empty()) {
            args.push_back("--web-root");
            args.push_back(web_root);
        }
        for (auto& a : extra_args) args.push_back(a);
        int pid = Spawn(args, null_in, "/dev/null", log_path_, {});
        if (pid <= 0) continue;
        httplib::Client cli("127.0.0.1", port_);
        cli.set_connection_timeout(0, 200000);
        bool up = false;
        for (int i = 0; i < 100 && !up; ++i) {
            auto r = cli.Get("/api/v1/health");
            up = r && r->status == 200;
            if (!up) {
                int st = 0;
                if (waitpid(pid, &st, WNOHANG) == pid) break;  // exited (port taken?)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        if (up) {
            pid_ = pid;
        } else {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
    }
}

TestServer::~TestServer() {
    if (pid_ > 0) Stop();
}

int TestServer::Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int code = WaitExit(pid_);
    pid_ = -1;
    return code;
}

httplib::Client TestServer::Client() const {
    httplib::Client cli("127.0.0.1", port_);
    cli.set_read_timeout(20, 0);
    cli.set_write_timeout(20, 0);
    return cli;
}

CommandResult TestServer::Cli(std::vector<std::string> args, const std::string& stdin_text) const {
    args.push_back("--database");
    args.push_back(database_);
    return RunServerCli(args, stdin_text);
}

std::string TestServer::AdminToken() {
    if (!admin_token_.empty()) return admin_token_;
    CommandResult add = Cli({"admin", "add", "admin-test"}, "correct horse battery\n");
    REQUIRE(add.exit_code == 0);
    httplib::Client cli = Client();
    auto r = PostJson(cli, "/api/v1/auth/login",
                      json{{"username", "admin-test"}, {"password", "correct horse battery"}}.dump());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    admin_token_ = Body(r)["token"].get<std::string>();
    return admin_token_;
}

TestDevice TestServer::EnrollDevice(const std::string& name) {
    CommandResult add = Cli({"device", "add", name, "--json"});
    REQUIRE(add.exit_code == 0);
    json j = json::parse(add.out, nullptr, false);
    REQUIRE(j.is_object());
    REQUIRE(j["enrollment_code"].is_string());
    httplib::Client cli = Client();
    auto r = PostJson(cli, "/api/v1/devices/enroll",
                      json{{"enrollment_code", j["enrollment_code"]}, {"device_name", name}}.dump());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    json b = Body(r);
    return {b["device_id"].get<std::string>(), b["device_token"].get<std::string>()};
}

TestServer& SharedServer() {
    static TestServer server;
    return server;
}

std::string TestServer::LogText() const { return ReadAll(log_path_); }

httplib::Result PostJson(httplib::Client& cli, const std::string& path, const std::string& body,
                         const std::string& token, const std::string& content_type) {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return cli.Post(path.c_str(), h, body, content_type.c_str());
}

httplib::Result GetAuth(httplib::Client& cli, const std::string& path, const std::string& token) {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return cli.Get(path.c_str(), h);
}

json Body(const httplib::Result& r) {
    if (!r) return json();
    json j = json::parse(r->body, nullptr, false);
    return j.is_discarded() ? json() : j;
}

std::string ErrorCode(const httplib::Result& r) {
    json j = Body(r);
    if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("code") &&
        j["error"]["code"].is_string())
        return j["error"]["code"].get<std::string>();
    return "";
}

json CreatorData(const std::string& first, const std::string& last, const std::string& email) {
    return {{"first_name", first},
            {"last_name", last},
            {"email", email},
            {"sectors", json::array({"cinema"})},
            {"consents",
             {{"processing", {{"given", true}, {"at", "2026-11-27T14:00:00Z"}, {"text_version", "fr-2026-1"}}}}}};
}

json MakeChange(const std::string& id, const std::string& entity, int64_t version, const json& data,
                const std::string& op) {
    return {{"id", id},   {"entity", entity}, {"op", op}, {"version", version}, {"updated_at", "2026-11-27T14:00:00Z"},
            {"data", data}};
}

json MakeBatch(const std::string& device_id, const json& changes, const std::string& batch_id) {
    return {{"protocol", 1},
            {"device_id", device_id},
            {"batch_id", batch_id.empty() ? comptoir::NewUuid() : batch_id},
            {"sent_at", "2026-11-27T14:00:00Z"},
            {"app_version", "0.1.0-test"},
            {"pending", 0},
            {"changes", changes}};
}

}  // namespace testsrv
