// tests/fault/sim_device.h — a simulated kiosk for the fault tests: a real LocalStore
// file, the real SyncEngine and the native transport (cpp-httplib), wrapped in a
// transport that counts what came back (statuses, push results).
//
//   SimDevice dev("kiosk-1", dir + "/kiosk-1.db", "http://127.0.0.1:" + port);
//   dev.EnrollWith(code, server_ok);           // SyncEngine::Enroll, waits for the answer
//   dev.Save(reg);                             // LocalStore::SaveRegistration + RequestSyncNow
//   dev.Step();                                // Tick with a fake clock that skips backoff waits
//
// The fake clock: real time elapsed, plus a jump to the end of any backoff wait (the
// engine's 1 s..5 min doubling would otherwise dominate a test's run time).
#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/store.h"
#include "sync/client/engine.h"
#include "sync/client/transport.h"

namespace faulttest {

struct TransportCounts {
    int64_t requests = 0;
    int64_t pushes = 0;
    int64_t network_errors = 0;   // status 0
    int64_t status_2xx = 0;
    int64_t status_429 = 0;
    int64_t status_5xx = 0;
    int64_t status_other = 0;
    int64_t push_5xx = 0;
    int64_t push_200 = 0;
    int64_t applied = 0, duplicate = 0, stale = 0, rejected = 0;  // push results in 200 answers
};

// Counts every answer on its way back to the engine (same thread as the engine: Poll()).
class RecordingTransport : public comptoir::Transport {
public:
    explicit RecordingTransport(std::unique_ptr<comptoir::Transport> inner) : inner_(std::move(inner)) {}
    void Send(const comptoir::HttpRequest& req, std::function<void(comptoir::HttpResponse)> done) override {
        bool push = req.path.rfind("/api/v1/sync/push", 0) == 0;
        inner_->Send(req, [this, push, done = std::move(done)](comptoir::HttpResponse r) {
            Record(push, r);
            done(std::move(r));
        });
    }
    void Poll() override { inner_->Poll(); }
    const TransportCounts& Counts() const { return counts_; }

private:
    void Record(bool push, const comptoir::HttpResponse& r) {
        counts_.requests++;
        if (push) counts_.pushes++;
        if (r.status == 0) counts_.network_errors++;
        else if (r.status >= 200 && r.status < 300) counts_.status_2xx++;
        else if (r.status == 429) counts_.status_429++;
        else if (r.status >= 500) counts_.status_5xx++;
        else counts_.status_other++;
        if (push && r.status >= 500) counts_.push_5xx++;
        if (push && r.status == 200) {
            counts_.push_200++;
            nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
            if (j.is_object() && j["results"].is_array())
                for (const auto& x : j["results"]) {
                    std::string s = x.is_object() && x["status"].is_string() ? x["status"].get<std::string>() : "";
                    if (s == "applied") counts_.applied++;
                    else if (s == "duplicate") counts_.duplicate++;
                    else if (s == "stale") counts_.stale++;
                    else counts_.rejected++;
                }
        }
    }
    std::unique_ptr<comptoir::Transport> inner_;
    TransportCounts counts_;
};

struct SimDevice {
    std::string name;
    std::string path;
    std::unique_ptr<comptoir::LocalStore> store;
    RecordingTransport* transport = nullptr;  // owned by transport_owner
    std::unique_ptr<comptoir::Transport> transport_owner;
    std::unique_ptr<comptoir::SyncEngine> engine;
    comptoir::SyncConfig config;
    int64_t skipped_ms = 0;     // backoff waits skipped by the fake clock
    int64_t backoffs = 0;       // times the engine was found waiting in Backoff
    int64_t saves = 0;

    SimDevice(std::string n, std::string db_path, const std::string& base_url)
        : name(std::move(n)), path(std::move(db_path)) {
        std::string err;
        store = comptoir::LocalStore::Open(path, &err);
        auto rec = std::make_unique<RecordingTransport>(comptoir::MakeDefaultTransport(base_url));
        transport = rec.get();
        transport_owner = std::move(rec);
        if (store) engine = std::make_unique<comptoir::SyncEngine>(*store, *transport);
    }
    ~SimDevice() {
        engine.reset();
        transport_owner.reset();  // joins the transport's worker threads
    }

    // The server moved (new port): a new transport and engine on the same store, as after
    // an app restart with a changed server address.
    void Reconnect(const std::string& base_url) {
        engine.reset();
        transport_owner.reset();
        auto rec = std::make_unique<RecordingTransport>(comptoir::MakeDefaultTransport(base_url));
        transport = rec.get();
        transport_owner = std::move(rec);
        engine = std::make_unique<comptoir::SyncEngine>(*store, *transport);
        engine->Configure(config);
    }

    int64_t Now() const { return comptoir::NowMs() + skipped_ms; }

    // One frame: Tick with the fake clock; a device waiting in Backoff jumps to its due time.
    void Step() {
        const comptoir::SyncStatus& s = engine->Status();
        if (s.phase == comptoir::SyncStatus::Phase::Backoff && s.next_attempt_ms > Now()) {
            skipped_ms += s.next_attempt_ms - Now();
            backoffs++;
        }
        engine->Tick(Now());
    }

    bool Idle() const { return engine->Status().phase == comptoir::SyncStatus::Phase::Idle; }

    comptoir::SaveResult Save(comptoir::Registration reg) {
        comptoir::SaveResult r = store->SaveRegistration(std::move(reg));
        if (r.ok) {
            saves++;
            engine->RequestSyncNow();  // what the app does after each save
        }
        return r;
    }

    // Enrolls through the engine's transport; fills config on success.
    bool Enroll(const std::string& code, std::string* error) {
        bool finished = false;
        comptoir::EnrollResult result;
        engine->Enroll(code, name, [&](comptoir::EnrollResult r) {
            result = std::move(r);
            finished = true;
        });
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!finished && std::chrono::steady_clock::now() < deadline) {
            transport->Poll();
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (!finished || !result.ok) {
            *error = finished ? result.error : "timeout";
            return false;
        }
        config.device_id = result.device_id;
        config.device_token = result.device_token;
        config.app_version = "0.1.0-fault";
        config.periodic_ms = 2000;
        engine->Configure(config);
        return true;
    }
};

}  // namespace faulttest
