// tests/fault/fault_proxy.h — a loopback TCP proxy that injects network faults between
// devices and comptoir-server (fault tests only).
//
//   FaultProxy proxy(/*seed=*/42);
//   proxy.Start(server_port);                 // listens on 127.0.0.1:<proxy.Port()>
//   transport = MakeDefaultTransport("http://127.0.0.1:" + std::to_string(proxy.Port()));
//   proxy.SetMix({...});                      // weights of each fault for new connections
//   proxy.SetUpstreamPort(new_port);          // the server restarted elsewhere
//   proxy.SetPassThrough(true);               // no more faults (final drain)
//   ProxyStats s = proxy.Stats();
//
// One thread accepts; each connection gets its own thread. The fault of a connection is
// drawn when it is accepted, from a seeded RNG (the draw order depends on thread timing,
// so runs are reproducible in distribution, not byte for byte). The sync transport opens
// one connection per request, so a connection's fault is a request's fault.
//
// Faults:
//   Pass               forwards both ways untouched
//   Delay              waits 20-400 ms before forwarding the request and again before the answer
//   Drop               closes the device's connection (FIN) before forwarding anything
//   Reset              closes the device's connection with RST (SO_LINGER 0) before forwarding
//   Truncate           forwards the request; forwards only the first N bytes of the answer
//                      (N drawn in 0..answer size), then closes: the server did the work,
//                      the device never hears the full answer
//   ResetAfterRequest  forwards the request; when the server starts answering, RSTs the
//                      device's connection instead
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace faulttest {

enum class Fault { Pass, Delay, Drop, Reset, Truncate, ResetAfterRequest, kCount };
const char* FaultName(Fault f);

// Relative weights of each fault for new connections (0 disables one).
struct FaultMix {
    int pass = 40;
    int delay = 15;
    int drop = 10;
    int reset = 10;
    int truncate = 15;
    int reset_after_request = 10;
};

struct ProxyStats {
    int64_t connections = 0;
    int64_t by_fault[int(Fault::kCount)] = {};
    int64_t upstream_connect_failures = 0;  // server down (killed) when a device connected
    int64_t bytes_up = 0;                   // device -> server
    int64_t bytes_down = 0;                 // server -> device
};

class FaultProxy {
public:
    explicit FaultProxy(uint64_t seed);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    bool Start(int upstream_port);  // binds 127.0.0.1 on a free port
    void Stop();                    // closes the listener, waits for every connection thread
    int Port() const { return port_; }

    void SetUpstreamPort(int port) { upstream_port_ = port; }
    void SetMix(const FaultMix& mix);
    void SetPassThrough(bool on) { pass_through_ = on; }
    // Every new connection gets this fault (self-tests); kCount = draw from the mix again.
    void Force(Fault f) { forced_ = int(f); }

    ProxyStats Stats();
    // Connections whose request reached the server and whose answer is not finished.
    int InFlight() const { return in_flight_; }

private:
    struct Conn {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    void AcceptLoop();
    void Handle(int client_fd, Fault fault, int delay_ms, uint64_t truncate_seed);
    void Reap(bool all);

    std::mt19937_64 rng_;
    std::mutex mu_;  // rng_, mix_, stats_, conns_
    FaultMix mix_;
    ProxyStats stats_;
    std::vector<Conn> conns_;
    std::thread acceptor_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<int> upstream_port_{0};
    std::atomic<bool> pass_through_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<int> forced_{int(Fault::kCount)};
    std::atomic<int> in_flight_{0};
};

}  // namespace faulttest
