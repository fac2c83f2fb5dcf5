// tests/fault/fault_proxy.cpp — see fault_proxy.h.
#include "fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace faulttest {

namespace {

constexpr int kIdleTimeoutMs = 30000;

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Closes with RST instead of FIN: the peer's next read fails with "connection reset".
void ResetClose(int fd) {
    linger l{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

bool SendAll(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) return false;
        p += w;
        n -= size_t(w);
    }
    return true;
}

int ConnectLoopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(uint16_t(port));
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

}  // namespace

const char* FaultName(Fault f) {
    switch (f) {
        case Fault::Pass: return "pass";
        case Fault::Delay: return "delay";
        case Fault::Drop: return "drop";
        case Fault::Reset: return "reset";
        case Fault::Truncate: return "truncate";
        case Fault::ResetAfterRequest: return "reset_after_request";
        case Fault::kCount: break;
    }
    return "?";
}

FaultProxy::FaultProxy(uint64_t seed) : rng_(seed) {}

FaultProxy::~FaultProxy() { Stop(); }

bool FaultProxy::Start(int upstream_port) {
    upstream_port_ = upstream_port;
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) return false;
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(listen_fd_, 128) != 0) {
        close(listen_fd_);
        listen_fd_ = -1;
        return false;
    }
    socklen_t len = sizeof a;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
    return true;
}

void FaultProxy::Stop() {
    if (listen_fd_ < 0) return;
    stopping_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    close(listen_fd_);
    listen_fd_ = -1;
    Reap(true);
}

void FaultProxy::SetMix(const FaultMix& mix) {
    std::lock_guard<std::mutex> lock(mu_);
    mix_ = mix;
}

ProxyStats FaultProxy::Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
}

void FaultProxy::Reap(bool all) {
    std::vector<Conn> finished;
    {
        std::lock_guard<std::mutex> lock(mu_);
        for (size_t i = 0; i < conns_.size();) {
            if (all || conns_[i].done->load()) {
                finished.push_back(std::move(conns_[i]));
                conns_.erase(conns_.begin() + long(i));
            } else {
                ++i;
            }
        }
    }
    for (auto& c : finished) c.thread.join();
}

void FaultProxy::AcceptLoop() {
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) {
            Reap(false);
            continue;
        }
        int cfd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (cfd < 0) continue;
        int one = 1;
        setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        Fault fault = Fault::Pass;
        int delay_ms = 0;
        uint64_t truncate_seed = 0;
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (forced_ != int(Fault::kCount)) {
                fault = Fault(forced_.load());
            } else if (!pass_through_) {
                const int w[] = {mix_.pass, mix_.delay, mix_.drop, mix_.reset, mix_.truncate,
                                 mix_.reset_after_request};
                int total = 0;
                for (int x : w) total += x;
                if (total > 0) {
                    int pick = int(std::uniform_int_distribution<int>(0, total - 1)(rng_));
                    for (int i = 0; i < int(Fault::kCount); ++i) {
                        if (pick < w[i]) {
                            fault = Fault(i);
                            break;
                        }
                        pick -= w[i];
                    }
                }
            }
            delay_ms = int(std::uniform_int_distribution<int>(20, 400)(rng_));
            truncate_seed = rng_();
            stats_.connections++;
            stats_.by_fault[int(fault)]++;
            auto done = std::make_shared<std::atomic<bool>>(false);
            conns_.push_back({std::thread([this, cfd, fault, delay_ms, truncate_seed, done] {
                                  Handle(cfd, fault, delay_ms, truncate_seed);
                                  done->store(true);
                              }),
                              done});
        }
        Reap(false);
    }
}

void FaultProxy::Handle(int cfd, Fault fault, int delay_ms, uint64_t truncate_seed) {
    if (fault == Fault::Drop) {
        close(cfd);
        return;
    }
    if (fault == Fault::Reset) {
        ResetClose(cfd);
        return;
    }
    if (fault == Fault::Delay) SleepMs(delay_ms);
    int ufd = ConnectLoopback(upstream_port_);
    if (ufd < 0) {  // server down: the device sees what a refused connection looks like
        {
            std::lock_guard<std::mutex> lock(mu_);
            stats_.upstream_connect_failures++;
        }
        ResetClose(cfd);
        return;
    }
    in_flight_++;
    bool client_open = true;   // still reading from the device
    bool answer_started = false;
    std::string answer;        // Truncate: the whole answer, cut when the server is done
    int64_t up = 0, down = 0;
    auto last_activity = std::chrono::steady_clock::now();
    char buf[16384];
    bool client_closed = false;
    while (!stopping_) {
        pollfd fds[2] = {{client_open ? cfd : -1, POLLIN, 0}, {ufd, POLLIN, 0}};
        int n = poll(fds, 2, 100);
        if (n < 0) break;
        if (n == 0) {
            auto idle = std::chrono::steady_clock::now() - last_activity;
            if (std::chrono::duration_cast<std::chrono::milliseconds>(idle).count() > kIdleTimeoutMs) break;
            continue;
        }
        last_activity = std::chrono::steady_clock::now();
        if (client_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t r = recv(cfd, buf, sizeof buf, 0);
            if (r < 0) break;  // the device reset: drop everything
            if (r == 0) {
                client_open = false;
                shutdown(ufd, SHUT_WR);
            } else {
                up += r;
                if (!SendAll(ufd, buf, size_t(r))) break;
            }
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = recv(ufd, buf, sizeof buf, 0);
            if (r <= 0) {  // the server finished (or died)
                if (fault == Fault::Truncate && !answer.empty()) {
                    size_t keep = size_t(truncate_seed % answer.size());  // always short of the end
                    SendAll(cfd, answer.data(), keep);
                    down += int64_t(keep);
                }
                break;
            }
            if (fault == Fault::ResetAfterRequest) {
                ResetClose(cfd);
                client_closed = true;
                break;
            }
            if (fault == Fault::Truncate) {
                answer.append(buf, size_t(r));
                continue;
            }
            if (fault == Fault::Delay && !answer_started) SleepMs(delay_ms);
            answer_started = true;
            down += r;
            if (!SendAll(cfd, buf, size_t(r))) break;
        }
    }
    if (!client_closed) close(cfd);
    close(ufd);
    in_flight_--;
    std::lock_guard<std::mutex> lock(mu_);
    stats_.bytes_up += up;
    stats_.bytes_down += down;
}

}  // namespace faulttest
