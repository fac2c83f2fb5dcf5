// sync/client/transport_httplib.cpp — Transport over cpp-httplib (native kiosk, tests).
//
// Each request runs on its own worker thread; finished responses wait in a queue and
// their callbacks run from Poll() on the caller's thread, so the engine's state is only
// ever touched by one thread. The destructor waits for requests still in flight.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "sync/client/transport.h"

namespace comptoir {
namespace {

class HttplibTransport : public Transport {
public:
    explicit HttplibTransport(std::string base) : base_(std::move(base)) {}
    ~HttplibTransport() override {
        for (auto& w : workers_) w.thread.join();
    }

    void Send(const HttpRequest& req, std::function<void(HttpResponse)> done) override {
        auto finished_flag = std::make_shared<std::atomic<bool>>(false);
        std::thread t([this, req, finished_flag, done = std::move(done)]() mutable {
            HttpResponse res = Perform(req);
            {
                std::lock_guard<std::mutex> lock(mu_);
                finished_.push_back({std::move(done), std::move(res)});
                finished_flag->store(true);
            }
            ready_.notify_all();
        });
        workers_.push_back({std::move(t), finished_flag});
    }

    void WaitForResponse(int timeout_ms) override {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this] { return !finished_.empty(); });
    }

    void Poll() override {
        std::vector<Finished> ready;
        {
            std::lock_guard<std::mutex> lock(mu_);
            ready.swap(finished_);
        }
        for (auto& f : ready) f.done(std::move(f.res));
        // Reap the threads that finished (their flag is set just before they return).
        for (size_t i = 0; i < workers_.size();) {
            if (workers_[i].finished->load()) {
                workers_[i].thread.join();
                workers_.erase(workers_.begin() + long(i));
            } else {
                ++i;
            }
        }
    }

private:
    struct Finished {
        std::function<void(HttpResponse)> done;
        HttpResponse res;
    };

    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> finished;
    };

    HttpResponse Perform(const HttpRequest& req) {
        HttpResponse out;
        httplib::Client cli(base_);
        cli.set_connection_timeout(0, req.timeout_ms * 1000);
        cli.set_read_timeout(req.timeout_ms / 1000, (req.timeout_ms % 1000) * 1000);
        cli.set_write_timeout(req.timeout_ms / 1000, (req.timeout_ms % 1000) * 1000);
        cli.set_tcp_nodelay(true);  // headers and body are two writes (see http_server.cpp)
        httplib::Headers headers;
        for (auto& [k, v] : req.headers) headers.emplace(k, v);
        httplib::Result r = req.method == "POST"
                                ? cli.Post(req.path, headers, req.body, "application/json")
                                : cli.Get(req.path, headers);
        if (!r) {
            out.status = 0;
            out.error = httplib::to_string(r.error());
            return out;
        }
        out.status = r->status;
        out.body = r->body;
        out.retry_after = r->get_header_value("Retry-After");
        return out;
    }

    std::string base_;
    std::mutex mu_;
    std::condition_variable ready_;  // a response joined finished_
    std::vector<Finished> finished_;
    std::vector<Worker> workers_;
};

}  // namespace

std::unique_ptr<Transport> MakeDefaultTransport(const std::string& base_url) {
    return std::make_unique<HttplibTransport>(base_url);
}

}  // namespace comptoir
