// tests/fault/server_process.h — a comptoir-server process the fault tests can SIGKILL
// and restart on the same database, optionally with a file-size limit (disk full).
//
//   ServerProcess srv(dir);                   // database: <dir>/data/comptoir.db
//   srv.Cli({"admin", "add", "staff", "--role", "admin"}, "password\n");
//   srv.Start();                              // a free port, waits for /api/v1/health
//   srv.Kill9();                              // SIGKILL, reaped
//   srv.Start(/*fsize_limit=*/1 << 20);       // RLIMIT_FSIZE in the child, SIGXFSZ ignored
//   srv.Alive();                              // still running (not crashed)?
//   srv.Stop();                               // SIGTERM, returns the exit status
//
// The binary: env COMPTOIR_SERVER_BIN if set, else the one built with the tests.
// Each start appends the server's stderr (JSON logs) to <dir>/server.log.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "server_harness.h"

namespace faulttest {

class ServerProcess {
public:
    explicit ServerProcess(std::string dir);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Starts `serve` on a fresh free port; fsize_limit > 0 lowers RLIMIT_FSIZE (bytes).
    bool Start(int64_t fsize_limit = 0);
    void Kill9();
    int Stop();
    bool Alive();
    bool Running() const { return pid_ > 0; }
    int Port() const { return port_; }
    const std::string& Database() const { return database_; }
    const std::string& LogPath() const { return log_path_; }
    testsrv::CommandResult Cli(std::vector<std::string> args, const std::string& stdin_text = "") const;

private:
    std::string dir_;
    std::string database_;
    std::string log_path_;
    int port_ = 0;
    int pid_ = -1;
};

}  // namespace faulttest
