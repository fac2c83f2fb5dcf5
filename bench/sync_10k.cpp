// bench/sync_10k.cpp — N offline registrations synced end to end after reconnection.
//
//   bench_sync_10k <base_url> <enrollment_code> <db_path> [registrations=10000] [needs=2]
//
// A kiosk (a real LocalStore file on disk, the real SyncEngine and the native cpp-httplib
// transport) enrolls with a running comptoir-server, then — "offline", the engine not
// ticking — saves N registrations (a creator + `needs` needs each: 1+needs outbox
// entries). Then the timer starts: RequestSyncNow() and Tick() in a loop, as the app's
// frame loop does after the browser's `online` event, until the outbox is empty and the
// engine is back to Idle (push batches of 500 + the final pull). bench/run starts the
// server and reads the one JSON line this prints on stdout:
//   {"registrations":..,"changes":..,"pushes":..,"applied":..,"rejected":..,
//    "save_s":..,"sync_s":..,"client_cpu_s":..,"device_only_s":..,"pending_left":..}
// client_cpu_s: the kiosk process's CPU during the sync (engine, store, transport threads);
// device_only_s: wall time with no request in flight (the device alone on the critical path).
// Exit status 0 only if every change was applied and nothing is left pending.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/db.h"
#include "core/store.h"
#include "sync/client/engine.h"
#include "sync/client/transport.h"

using namespace comptoir;

namespace {

double Since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Counts push answers (applied/duplicate/stale/rejected) on their way to the engine, from
// the answer's text (`"status":"…"` only occurs as a result's key: quotes inside strings
// are escaped), so that the harness does not parse every answer a second time and charge
// it to the kiosk's CPU. An answer in another layout counts nothing and fails the run.
class CountingTransport : public Transport {
public:
    explicit CountingTransport(std::unique_ptr<Transport> inner) : inner_(std::move(inner)) {}
    void Send(const HttpRequest& req, std::function<void(HttpResponse)> done) override {
        bool push = req.path.rfind("/api/v1/sync/push", 0) == 0;
        if (in_flight_++ == 0 && idle_since_) idle_s += Since(*idle_since_);
        inner_->Send(req, [this, push, done = std::move(done)](HttpResponse r) {
            if (--in_flight_ == 0) idle_since_ = std::chrono::steady_clock::now();
            if (push) {
                pushes++;
                if (r.status != 200) push_failures++;
                else Count(r.body);
            }
            done(std::move(r));
        });
    }
    void Poll() override { inner_->Poll(); }
    void WaitForResponse(int timeout_ms) override { inner_->WaitForResponse(timeout_ms); }
    int64_t pushes = 0, push_failures = 0, applied = 0, duplicate = 0, stale = 0, rejected = 0;
    // Time with no request in flight since StartTiming(): the device alone on the critical
    // path (answer handed to the engine -> next request sent), the rest is the server's.
    double idle_s = 0;
    void StartTiming() {
        idle_s = 0;
        idle_since_ = std::chrono::steady_clock::now();
    }

private:
    int in_flight_ = 0;
    std::optional<std::chrono::steady_clock::time_point> idle_since_;
    void Count(const std::string& body) {
        static const std::string kKey = "\"status\":\"";
        for (size_t at = body.find(kKey); at != std::string::npos; at = body.find(kKey, at + 1)) {
            size_t v = at + kKey.size();
            if (body.compare(v, 8, "applied\"") == 0) applied++;
            else if (body.compare(v, 10, "duplicate\"") == 0) duplicate++;
            else if (body.compare(v, 6, "stale\"") == 0) stale++;
            else rejected++;
        }
    }
    std::unique_ptr<Transport> inner_;
};

double CpuSeconds() { return double(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s <base_url> <enrollment_code> <db_path> [registrations=10000] [needs=2]\n", argv[0]);
        return 2;
    }
    const std::string base_url = argv[1], code = argv[2], path = argv[3];
    const int n = argc > 4 ? std::atoi(argv[4]) : 10000;
    const int needs_per = argc > 5 ? std::atoi(argv[5]) : 2;
    std::remove(path.c_str());
    std::string err;
    auto store = LocalStore::Open(path, &err);
    if (!store) {
        std::fprintf(stderr, "cannot open the local store: %s\n", err.c_str());
        return 1;
    }
    store->UseDurableWal();   // as the native kiosk opens its file (app/persist_native.cpp)
    auto counting = std::make_unique<CountingTransport>(MakeDefaultTransport(base_url));
    CountingTransport& transport = *counting;
    SyncEngine engine(*store, transport);

    // Enrollment (online, before the offline period).
    bool finished = false;
    EnrollResult enrolled;
    engine.Enroll(code, "bench-kiosk", [&](EnrollResult r) { enrolled = std::move(r); finished = true; });
    for (auto t0 = std::chrono::steady_clock::now(); !finished && Since(t0) < 30;) {
        transport.Poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!enrolled.ok) {
        std::fprintf(stderr, "enrollment failed: %s\n", finished ? enrolled.error.c_str() : "timeout");
        return 1;
    }
    SyncConfig config;
    config.base_url = base_url;
    config.device_id = enrolled.device_id;
    config.device_token = enrolled.device_token;
    config.app_version = "bench";
    engine.Configure(config);

    // Offline: N registrations, nothing ticks.
    std::vector<std::string> sectors, items;
    for (const auto& e : store->Catalogue("sector")) sectors.push_back(e.id);
    for (const auto& e : store->Catalogue("need_item")) items.push_back(e.id);
    if (sectors.empty() || items.size() < size_t(needs_per)) {
        std::fprintf(stderr, "the local catalogue is empty\n");
        return 1;
    }
    static const char* firsts[] = {"Anne", "Zoë", "Jérôme", "Łukasz", "Noémie", "Saïd", "Ines", "Bram"};
    static const char* freqs[] = {"ponctuel", "mensuel", "hebdomadaire", "permanent"};
    // The offline period is not what is measured: its N commits skip fsync (a kiosk saving
    // one registration at a time pays it then); the store's own setting is back for the sync.
    std::string sync_setting = "2";
    {
        Stmt q = store->db().Prepare("PRAGMA synchronous");
        if (q.Step()) sync_setting = std::to_string(q.Int(0));
    }
    store->db().Exec("PRAGMA synchronous=OFF");
    auto s0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
        Registration r;
        r.creator.first_name = firsts[i % 8];
        r.creator.last_name = "Banc-" + std::to_string(i);
        r.creator.email = "banc." + std::to_string(i) + "@exemple.be";
        r.creator.postcode = "7000";
        r.creator.commune = "Mons";
        r.creator.sectors = {sectors[size_t(i) % sectors.size()]};
        r.creator.consents.processing.given = true;
        r.creator.consents.processing.at = NowRfc3339();
        r.creator.consents.processing.text_version = "fr-2026-1";
        for (int k = 0; k < needs_per; ++k) {
            Need need;
            need.item = items[(size_t(i) * 7 + size_t(k)) % items.size()];
            need.frequency = freqs[(i + k) % 4];
            r.needs.push_back(need);
        }
        SaveResult sr = store->SaveRegistration(std::move(r));
        if (!sr.ok) {
            std::fprintf(stderr, "registration %d not saved (%s)\n", i,
                         sr.storage_error.empty() ? "validation" : sr.storage_error.c_str());
            return 1;
        }
    }
    double save_s = Since(s0);
    store->db().Exec("PRAGMA synchronous=" + sync_setting);
    int64_t changes = store->PendingCount();

    // Reconnection: sync until the outbox is empty and the engine is idle.
    double c0 = CpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    transport.StartTiming();
    engine.RequestSyncNow();
    bool started = false;
    while (Since(t0) < 600) {
        engine.Tick(NowMs());
        const SyncStatus& st = engine.Status();
        if (st.phase != SyncStatus::Phase::Idle) started = true;
        if (st.phase == SyncStatus::Phase::Backoff || st.phase == SyncStatus::Phase::Revoked) break;
        if (started && st.phase == SyncStatus::Phase::Idle) break;
        // As a frame loop with nothing to draw: wakes up when an answer is there.
        transport.WaitForResponse(2);
    }
    double sync_s = Since(t0);
    double sync_cpu = CpuSeconds() - c0;
    int64_t left = store->PendingCount();
    const SyncStatus& st = engine.Status();
    nlohmann::json out = {
        {"registrations", n}, {"changes", changes}, {"pushes", transport.pushes},
        {"push_failures", transport.push_failures}, {"applied", transport.applied},
        {"duplicate", transport.duplicate}, {"stale", transport.stale}, {"rejected", transport.rejected},
        {"save_s", save_s}, {"sync_s", sync_s}, {"client_cpu_s", sync_cpu},
        {"device_only_s", transport.idle_s}, {"pending_left", left},
        {"last_error", st.last_error}};
    std::printf("%s\n", out.dump().c_str());
    return (left == 0 && transport.rejected == 0 && transport.applied == changes) ? 0 : 1;
}
