// sync/client/transport_fetch.cpp — Transport over the browser's window.fetch (wasm).
//
// Not emscripten_fetch: in 3.1.6 it looks up IndexedDB first and keeps only a pointer
// to the request body (WEB-PLATFORM.md). Instead an EM_JS wrapper calls fetch; when the
// response text is ready JS calls comptoir_fetch_done(id, status, length) and C++ pulls
// the bytes with comptoir_fetch_take() into its own buffer. No Asyncify, no malloc
// export; the callback runs on the main thread from the event loop.
#include <emscripten/emscripten.h>

#include <map>
#include <memory>
#include <string>

#include "sync/client/transport.h"

namespace comptoir {
namespace {

struct Pending {
    std::function<void(HttpResponse)> done;
};
std::map<int, Pending>& PendingRequests() {
    static std::map<int, Pending> m;
    return m;
}
int g_next_id = 1;

// clang-format off
EM_JS(void, comptoir_fetch_start, (int id, const char* method, const char* url, const char* body,
                                   int body_len, const char* headers_json, int timeout_ms), {
  var g = (typeof globalThis !== 'undefined') ? globalThis : window;
  g.__comptoirFetch = g.__comptoirFetch || {};
  var store = g.__comptoirFetch;
  var m = UTF8ToString(method), u = UTF8ToString(url);
  var headers = JSON.parse(UTF8ToString(headers_json));
  var init = { method: m, headers: headers, cache: 'no-store', credentials: 'same-origin' };
  if (body_len > 0) init.body = HEAPU8.slice(body, body + body_len);  // copied now: C++ may free it
  var ctrl = (typeof AbortController !== 'undefined') ? new AbortController() : null;
  if (ctrl) init.signal = ctrl.signal;
  var timer = setTimeout(function() { if (ctrl) ctrl.abort(); }, timeout_ms);
  function finish(status, text, retryAfter, err) {
    clearTimeout(timer);
    store[id] = { body: new TextEncoder().encode(text || ''),
                  retry: new TextEncoder().encode(retryAfter || ''),
                  err: new TextEncoder().encode(err || '') };
    _comptoir_fetch_done(id, status);
  }
  fetch(u, init).then(function(r) {
    return r.text().then(function(t) { finish(r.status, t, r.headers.get('Retry-After'), ''); });
  }).catch(function(e) { finish(0, '', '', (e && e.name === 'AbortError') ? 'timeout' : 'network'); });
});

// Copies part `which` (0 body, 1 retry-after, 2 error) of response `id` into dst; returns its size
// when dst is null.
EM_JS(int, comptoir_fetch_take, (int id, int which, char* dst, int cap), {
  var g = (typeof globalThis !== 'undefined') ? globalThis : window;
  var r = g.__comptoirFetch && g.__comptoirFetch[id];
  if (!r) return 0;
  var part = which === 0 ? r.body : (which === 1 ? r.retry : r.err);
  if (dst) HEAPU8.set(part.subarray(0, cap), dst);
  return part.length;
});

EM_JS(void, comptoir_fetch_forget, (int id), {
  var g = (typeof globalThis !== 'undefined') ? globalThis : window;
  if (g.__comptoirFetch) delete g.__comptoirFetch[id];
});
// clang-format on

std::string TakePart(int id, int which) {
    int n = comptoir_fetch_take(id, which, nullptr, 0);
    std::string s(size_t(n), '\0');
    if (n > 0) comptoir_fetch_take(id, which, s.data(), n);
    return s;
}

std::string JsonEscape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;  // header values have none
        o += c;
    }
    return o;
}

class FetchTransport : public Transport {
public:
    explicit FetchTransport(std::string base) : base_(std::move(base)) {}
    void Send(const HttpRequest& req, std::function<void(HttpResponse)> done) override {
        int id = g_next_id++;
        PendingRequests()[id] = Pending{std::move(done)};
        std::string headers = "{";
        bool first = true;
        for (auto& [k, v] : req.headers) {
            headers += (first ? "\"" : ",\"") + JsonEscape(k) + "\":\"" + JsonEscape(v) + "\"";
            first = false;
        }
        headers += "}";
        std::string url = base_ + req.path;
        comptoir_fetch_start(id, req.method.c_str(), url.c_str(), req.body.data(), int(req.body.size()),
                             headers.c_str(), req.timeout_ms);
    }

private:
    std::string base_;
};

}  // namespace

std::unique_ptr<Transport> MakeDefaultTransport(const std::string& base_url) {
    return std::make_unique<FetchTransport>(base_url);
}

}  // namespace comptoir

extern "C" EMSCRIPTEN_KEEPALIVE void comptoir_fetch_done(int id, int status) {
    using namespace comptoir;
    auto it = PendingRequests().find(id);
    if (it == PendingRequests().end()) return;
    HttpResponse res;
    res.status = status;
    res.body = TakePart(id, 0);
    res.retry_after = TakePart(id, 1);
    res.error = TakePart(id, 2);
    comptoir_fetch_forget(id);
    auto done = std::move(it->second.done);
    PendingRequests().erase(it);
    if (done) done(std::move(res));
}
