// tests/fault/server_process.cpp — see server_process.h.
#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace faulttest {

namespace {

// The binary under test: env COMPTOIR_SERVER_BIN (scripts/test sets it; an ASan build),
// else the one CMake built next to these tests.
std::string ServerBinary() {
    const char* env = std::getenv("COMPTOIR_SERVER_BIN");
    return env && *env ? env : COMPTOIR_SERVER_BIN;
}

std::string ReadFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

int WaitExit(int pid) {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// fork + execve; the child lowers RLIMIT_FSIZE and ignores SIGXFSZ (so a write past the
// limit fails with EFBIG instead of killing the server). Everything the child touches is
// prepared before fork (only async-signal-safe calls after it).
int SpawnServer(const std::vector<std::string>& args, const std::string& log_path, int64_t fsize_limit,
                const std::string& in_path = "/dev/null", const std::string& out_path = "/dev/null") {
    std::string bin = ServerBinary();
    std::vector<std::string> argv_s = {bin};
    for (auto& a : args) argv_s.push_back(a);
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) {
        std::string s = *e;
        if (s.rfind("COMPTOIR_", 0) != 0) env_s.push_back(s);
    }
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int in_fd = open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
    int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd < 0 || in_fd < 0 || out_fd < 0) {
        for (int fd : {log_fd, in_fd, out_fd})
            if (fd >= 0) close(fd);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in_fd, 0);
        dup2(out_fd, 1);
        dup2(log_fd, 2);
        // Sockets of the test process (proxy, device transports) must not live on in the
        // server: a dropped connection would stay open through the child's copy.
        close_range(3, ~0U, 0);
        if (fsize_limit > 0) {
            rlimit rl{rlim_t(fsize_limit), rlim_t(fsize_limit)};
            setrlimit(RLIMIT_FSIZE, &rl);
            signal(SIGXFSZ, SIG_IGN);  // kept across execve: ignored dispositions survive
        }
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(log_fd);
    close(in_fd);
    close(out_fd);
    return pid;
}

}  // namespace

ServerProcess::ServerProcess(std::string dir) : dir_(std::move(dir)) {
    database_ = dir_ + "/data/comptoir.db";
    log_path_ = dir_ + "/server.log";
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) Stop();
}

bool ServerProcess::Start(int64_t fsize_limit) {
    if (pid_ > 0) return true;
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = testsrv::FreePort();
        int pid = SpawnServer({"serve", "--host", "127.0.0.1", "--port", std::to_string(port_), "--database",
                               database_},
                              log_path_, fsize_limit);
        if (pid <= 0) continue;
        httplib::Client cli("127.0.0.1", port_);
        cli.set_connection_timeout(0, 200000);
        bool up = false;
        for (int i = 0; i < 200 && !up; ++i) {
            auto r = cli.Get("/api/v1/health");
            up = r && r->status == 200;
            if (!up) {
                int st = 0;
                if (waitpid(pid, &st, WNOHANG) == pid) {
                    pid = -1;  // exited (port taken, database unreadable…)
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
            }
        }
        if (up) {
            pid_ = pid;
            return true;
        }
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
    }
    return false;
}

void ServerProcess::Kill9() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

int ServerProcess::Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int code = WaitExit(pid_);
    pid_ = -1;
    return code;
}

bool ServerProcess::Alive() {
    if (pid_ <= 0) return false;
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

testsrv::CommandResult ServerProcess::Cli(std::vector<std::string> args, const std::string& stdin_text) const {
    args.push_back("--database");
    args.push_back(database_);
    std::string in = dir_ + "/cli.stdin", out = dir_ + "/cli.stdout", err = dir_ + "/cli.stderr";
    std::ofstream(in, std::ios::binary | std::ios::trunc) << stdin_text;
    unlink(err.c_str());
    testsrv::CommandResult r;
    int pid = SpawnServer(args, err, 0, in, out);
    if (pid <= 0) return r;
    r.exit_code = WaitExit(pid);
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
}

}  // namespace faulttest
