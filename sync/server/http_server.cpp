// sync/server/http_server.cpp — see http_server.h.
//
// [SECTION] logs and metrics
// [SECTION] helpers (replies, auth)
// [SECTION] handlers
// [SECTION] RunServe (wiring, limits, shutdown)
#include "sync/server/http_server.h"
#include "sync/server/admin_api.h"

#include <httplib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <regex>
#include <cstring>
#include <thread>

#include "core/clock.h"
#include "core/uuid.h"
#include "sync/protocol/protocol.h"
#include "sync/server/organizations.h"
#include "sync/server/security.h"
#include "sync/server/server_store.h"
#include "sync/server/static_files.h"

#ifndef COMPTOIR_VERSION
#define COMPTOIR_VERSION "0.0.0"
#endif

namespace comptoir {

using nlohmann::json;

const std::vector<ApiRoute>& ApiRoutes() {
    static const std::vector<ApiRoute> routes = {
        {"GET", "/api/v1/health"},
        {"POST", "/api/v1/devices/enroll"},
        {"POST", "/api/v1/auth/login"},
        {"POST", "/api/v1/sync/push"},
        {"GET", "/api/v1/sync/pull"},
        {"GET", "/api/v1/creators/{id}"},
        {"GET", "/api/v1/reports/needs"},
        {"GET", "/api/v1/network/reports/needs"},
        {"GET", "/metrics"},
    };
    static const std::vector<ApiRoute> all = [] {
        std::vector<ApiRoute> v = routes;
        for (const AdminRoute& r : AdminRoutes()) v.push_back(r.route);  // admin_api.cpp
        return v;
    }();
    return all;
}

// [SECTION] logs and metrics -----------------------------------------------------------
namespace {
std::mutex g_log_mutex;
}

void LogJson(const char* level, const char* msg, const std::string& fields_json) {
    json line = {{"ts", NowRfc3339()}, {"level", level}, {"msg", msg}};
    if (!fields_json.empty()) {
        json f = json::parse(fields_json, nullptr, false);
        if (f.is_object())
            for (auto& [k, v] : f.items()) line[k] = v;
    }
    std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace);
    std::lock_guard<std::mutex> lock(g_log_mutex);
    std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
}

namespace {

struct Metrics {
    std::mutex mutex;
    std::map<std::pair<std::string, int>, uint64_t> requests;   // (route, status) -> count
    std::map<std::string, double> duration_sum;                 // route -> seconds
    std::map<std::string, uint64_t> push_changes;               // result status -> count
    uint64_t batches_replayed = 0;
    uint64_t login_failures = 0;
    int64_t start_ms = NowMs();
};

// The route pattern of a path: what logs and metrics show (never an id).
// Segment by segment; a "{param}" segment matches any non-empty segment; literal routes
// win over patterns ("/creators/duplicates" before "/creators/{id}").
bool RouteMatches(const std::string& pattern, const std::string& path) {
    size_t i = 0, j = 0;
    while (i <= pattern.size() && j <= path.size()) {
        size_t pe = pattern.find('/', i), se = path.find('/', j);
        if (pe == std::string::npos) pe = pattern.size();
        if (se == std::string::npos) se = path.size();
        std::string_view ps(pattern.data() + i, pe - i), ss(path.data() + j, se - j);
        bool param = ps.size() > 2 && ps.front() == '{' && ps.back() == '}';
        if (param ? ss.empty() : ps != ss) return false;
        if (pe == pattern.size() || se == path.size()) return pe == pattern.size() && se == path.size();
        i = pe + 1;
        j = se + 1;
    }
    return false;
}

std::string RouteLabel(const std::string& method, const std::string& path) {
    for (bool literal : {true, false})
        for (const ApiRoute& r : ApiRoutes()) {
            std::string p = r.path;
            if ((p.find('{') == std::string::npos) != literal) continue;
            if (RouteMatches(p, path)) return p;
        }
    (void)method;
    if (path.rfind("/api/", 0) == 0) return "/api/unknown";
    return "static";
}

// [SECTION] helpers ----------------------------------------------------------------------
void ReplyJson(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void ReplyError(httplib::Response& res, WireErrorCode code, const std::string& message, const std::string& field = "") {
    WireError e{code, message, field};
    ReplyJson(res, HttpStatusOf(code), EncodeErrorBody(e));
}

bool IsJsonContentType(const httplib::Request& req) {
    std::string ct = req.get_header_value("Content-Type");
    for (auto& c : ct) c = char(std::tolower(static_cast<unsigned char>(c)));
    std::string base = ct.substr(0, ct.find(';'));
    while (!base.empty() && base.back() == ' ') base.pop_back();
    return base == "application/json";
}

std::string BearerToken(const httplib::Request& req) {
    std::string h = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0) return "";
    std::string t = h.substr(prefix.size());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    return t;
}

std::string CursorOf(int64_t seq) { return "r1." + std::to_string(seq); }

bool ParseCursor(const std::string& s, int64_t* seq) {
    if (s.empty()) {
        *seq = 0;
        return true;
    }
    if (s.size() < 4 || s.size() > 22 || s.compare(0, 3, "r1.") != 0) return false;
    int64_t v = 0;
    for (size_t i = 3; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        int d = s[i] - '0';
        if (v > (INT64_MAX - d) / 10) return false;  // regression: fuzz_pull_cursor overflow
        v = v * 10 + d;
    }
    *seq = v;
    return true;
}

bool ParseInt(const std::string& s, int lo, int hi, int* out) {
    if (s.empty() || s.size() > 9) return false;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

// [SECTION] organizations: the store serving this request ------------------------------
// Set first thing for every request by pre-routing (from the bearer token's "<slug>."
// prefix; none = the default organization; an unknown organization is refused there),
// then by Login and Enroll from their body. The worker thread that runs pre-routing also
// runs the handler, so a thread_local is the request's context. Handlers reach a store
// only through App::store / AdminApi::current_store, i.e. this one: a token is looked up
// only in the store that minted it, so one organization's credentials never reach
// another organization's data (see organizations.h).
struct RequestOrg {
    std::string slug;  // "" = the default organization
    ServerStore* store = nullptr;
};
thread_local RequestOrg t_org;

struct CurrentStore {
    ServerStore* operator->() const { return t_org.store; }
};

std::string OrgSlugOf(const std::string& slug) { return slug == kDefaultOrgSlug ? "" : slug; }

struct App {
    ServerConfig config;
    CurrentStore store;                  // this request's organization's store
    std::unique_ptr<OrgDirectory> orgs;  // every organization's store
    StaticFiles files{""};
    RateLimiter rate_limiter{600};
    LoginThrottle login_throttle;
    // Phone self-enrolment per client IP (a venue's Wi-Fi puts a crowd behind one address).
    RateLimiter phone_enroll_limiter{30};
    Metrics metrics;

    explicit App(const ServerConfig& c) : config(c), rate_limiter(c.rate_limit_per_minute) {}

    Principal Auth(const httplib::Request& req) {
        std::string token = BearerToken(req);
        if (token.empty() || token.size() > 200) return {};
        std::string slug, secret;
        SplitOrgPrefix(token, &slug, &secret);
        // Pre-routing selected t_org from this same token; never look it up elsewhere.
        if (secret.empty() || OrgSlugOf(slug) != t_org.slug || !t_org.store) return {};
        Principal p = store->Authenticate(Sha256Hex(secret), NowMs());
        p.organization = t_org.slug;
        return p;
    }

    // Selects the store of `slug` for this request. False (reply written) if unknown
    // (`unknown`: the error to send) or unavailable.
    bool SelectOrg(const std::string& slug, httplib::Response& res, WireErrorCode unknown, const char* message) {
        bool unavailable = false;
        ServerStore* s = orgs->Find(OrgSlugOf(slug), &unavailable);
        if (!s) {
            if (unavailable) Unavailable(res);
            else ReplyError(res, unknown, message);
            return false;
        }
        t_org = {OrgSlugOf(slug), s};
        return true;
    }

    // Staff/admin only. False (and the reply written) otherwise.
    bool RequireUser(const httplib::Request& req, httplib::Response& res) {
        Principal p = Auth(req);
        if (p.kind == Principal::Kind::None) {
            ReplyError(res, WireErrorCode::Unauthorized, "a valid staff token is required");
            return false;
        }
        if (p.kind != Principal::Kind::User) {
            ReplyError(res, WireErrorCode::Forbidden, "this endpoint is for staff accounts, not devices");
            return false;
        }
        return true;
    }

    // [SECTION] handlers -----------------------------------------------------------------
    void Health(const httplib::Request&, httplib::Response& res) {
        ReplyJson(res, 200, {{"status", "ok"}, {"version", COMPTOIR_VERSION}, {"protocol", kProtocolVersion}});
    }

    bool ReadJsonBody(const httplib::Request& req, httplib::Response& res, json* j) {
        if (!IsJsonContentType(req)) {
            ReplyError(res, WireErrorCode::UnsupportedMediaType, "Content-Type must be application/json");
            return false;
        }
        WireError err;
        if (!ParseJson(req.body, j, &err)) {
            ReplyError(res, err.code, err.message);
            return false;
        }
        return true;
    }

    void Enroll(const httplib::Request& req, httplib::Response& res) {
        int retry = 0;
        std::string ip_key = "enroll-ip:" + req.remote_addr;
        if (!login_throttle.Check(ip_key, NowMs(), &retry)) {
            res.set_header("Retry-After", std::to_string(retry));
            ReplyError(res, WireErrorCode::TooManyAttempts, "too many failed enrolments; try again later");
            return;
        }
        json j;
        if (!ReadJsonBody(req, res, &j)) return;
        // Phones (issue 4, docs/server.md "Phones"): {"join_code", "device_name",
        // "request_id"} instead of "enrollment_code"; any enrolment may carry a
        // request_id (idempotent retry, see ServerStore::EnrollOnce).
        const bool join = j.is_object() && j.contains("join_code") && !j.contains("enrollment_code");
        std::string request_id;
        if (j.is_object() && j.contains("request_id")) {
            const json& r = j["request_id"];
            if (!r.is_string() || r.get<std::string>().size() < 16 || r.get<std::string>().size() > 100)
                return ReplyError(res, WireErrorCode::InvalidEnvelope, "request_id must be a string of 16-100 bytes",
                                  "request_id");
            request_id = r.get<std::string>();
        }
        if (join) {
            if (!j["join_code"].is_string())
                return ReplyError(res, WireErrorCode::InvalidEnvelope, "join_code must be a non-empty string",
                                  "join_code");
            int wait = 0;
            if (!phone_enroll_limiter.Allow("phone-enroll:" + req.remote_addr, NowMs(), &wait)) {
                res.set_header("Retry-After", std::to_string(wait));
                return ReplyError(res, WireErrorCode::TooManyAttempts, "too many phone enrolments; try again later");
            }
            j["enrollment_code"] = j["join_code"];   // same shape and organization prefix
        }
        EnrollRequest er;
        WireError err;
        if (!DecodeEnrollRequest(j, &er, &err)) {
            if (join && err.field == "enrollment_code") err.field = "join_code";
            return ReplyError(res, err.code, err.message, err.field);
        }
        {  // "<slug>.CODE": served by the store of the organization that minted the code.
            std::string slug;
            SplitOrgPrefix(er.enrollment_code, &slug, &er.enrollment_code);
            bool unavailable = false;
            ServerStore* s = orgs->Find(OrgSlugOf(slug), &unavailable);
            if (unavailable) return Unavailable(res);
            if (!s) {
                login_throttle.Failure(ip_key, NowMs());
                return ReplyError(res, WireErrorCode::EnrollmentCodeInvalid,
                                  "unknown, expired or already used enrollment code", "enrollment_code");
            }
            t_org = {OrgSlugOf(slug), s};
        }
        std::string device_name;
        if (NormalizeText(er.device_name, 200, true, &device_name) != ErrorCode::None)
            return ReplyError(res, WireErrorCode::InvalidEnvelope, "device_name is not valid text", "device_name");
        EnrollResponse out;
        out.device_id = NewUuid();
        out.device_token = NewToken();
        const std::string code_hash = Sha256Hex(NormalizeEnrollmentCode(er.enrollment_code));
        ServerStore::EnrollGrant grant;
        EnrollOutcome o = join || !request_id.empty()
                              ? store->EnrollOnce(code_hash, join, device_name, request_id, out.device_id,
                                                  Sha256Hex(out.device_token), NowMs(), &grant)
                              : store->Enroll(code_hash, device_name, out.device_id, Sha256Hex(out.device_token),
                                              NowMs());
        if (o == EnrollOutcome::InvalidCode) {
            login_throttle.Failure(ip_key, NowMs());
            if (join)
                return ReplyError(res, WireErrorCode::EnrollmentCodeInvalid, "unknown or expired join code",
                                  "join_code");
            return ReplyError(res, WireErrorCode::EnrollmentCodeInvalid,
                              "unknown, expired or already used enrollment code", "enrollment_code");
        }
        if (o != EnrollOutcome::Ok) return Unavailable(res);
        if (!grant.device_id.empty()) out.device_id = grant.device_id;
        LogJson("info", grant.rotated ? "device enrolment retried: token re-issued" : "device enrolled",
                json{{"device_id", out.device_id}, {"kind", grant.kind.empty() ? "kiosk" : grant.kind}}.dump());
        out.device_token = QualifyOrg(t_org.slug, out.device_token);  // stored: the hash of the secret
        json answer = EncodeEnrollResponse(out);
        answer["kind"] = grant.kind.empty() ? "kiosk" : grant.kind;
        if (!grant.event_id.empty()) answer["event_id"] = grant.event_id;
        ReplyJson(res, 200, answer);
    }

    void Unavailable(httplib::Response& res) {
        res.set_header("Retry-After", "5");
        ReplyError(res, WireErrorCode::Unavailable, "storage busy or failing; retry later");
    }

    void Login(const httplib::Request& req, httplib::Response& res) {
        json j;
        if (!ReadJsonBody(req, res, &j)) return;
        LoginRequest lr;
        WireError err;
        if (!DecodeLoginRequest(j, &lr, &err)) return ReplyError(res, err.code, err.message, err.field);
        // The organization: the "organization" field, else "username@<slug>" when <slug> is
        // a registered organization, else the default one. Unknown: wrong credentials.
        std::string org;
        if (j.contains("organization")) {
            if (!j["organization"].is_string() || j["organization"].get<std::string>().size() > 64)
                return ReplyError(res, WireErrorCode::InvalidEnvelope, "organization must be a slug", "organization");
            org = j["organization"].get<std::string>();
            for (char& c : org) c = char(std::tolower(static_cast<unsigned char>(c)));
        } else if (size_t at = lr.username.rfind('@'); at != std::string::npos && at + 1 < lr.username.size()) {
            std::string slug = lr.username.substr(at + 1);
            for (char& c : slug) c = char(std::tolower(static_cast<unsigned char>(c)));
            if (ValidOrgSlug(slug) && orgs->Find(slug)) {
                org = slug;
                lr.username.resize(at);
            }
        }
        org = OrgSlugOf(org);
        bool unavailable = false;
        ServerStore* org_store = orgs->Find(org, &unavailable);
        if (unavailable) return Unavailable(res);
        t_org = {org, org_store};  // org_store null: no such organization (answered as a wrong password)
        int64_t now = NowMs();
        std::string user_key = "user:" + org + ":" + lr.username, ip_key = "ip:" + req.remote_addr;
        int retry = 0, retry2 = 0;
        bool ok_user = login_throttle.Check(user_key, now, &retry);
        bool ok_ip = login_throttle.Check(ip_key, now, &retry2);
        if (!ok_user || !ok_ip) {
            res.set_header("Retry-After", std::to_string(std::max(retry, retry2)));
            return ReplyError(res, WireErrorCode::TooManyAttempts, "too many failed logins; try again later");
        }
        std::optional<UserRecord> user = org_store ? store->FindUser(lr.username) : std::nullopt;
        bool ok = false;
        if (user && !user->disabled) ok = VerifyPassword(user->password_hash, lr.password);
        else DummyPasswordVerify();
        if (!ok) {
            login_throttle.Failure(user_key, NowMs());
            login_throttle.Failure(ip_key, NowMs());
            {
                std::lock_guard<std::mutex> lock(metrics.mutex);
                metrics.login_failures++;
            }
            return ReplyError(res, WireErrorCode::InvalidCredentials, "wrong username or password");
        }
        login_throttle.Success(user_key);
        login_throttle.Success(ip_key);
        LoginResponse out;
        out.token = NewToken();
        int64_t expires = NowMs() + int64_t(config.session_hours) * 3600 * 1000;
        out.expires_at = FormatRfc3339(expires);
        out.role = user->role;
        if (!store->CreateSession(Sha256Hex(out.token), user->id, expires)) return Unavailable(res);
        out.token = QualifyOrg(org, out.token);  // stored: the hash of the secret
        ReplyJson(res, 200, EncodeLoginResponse(out));
    }

    // Authenticates a device for push/pull; false (and the reply written) otherwise.
    bool RequireDevice(const httplib::Request& req, httplib::Response& res, Principal* p, bool allow_staff) {
        *p = Auth(req);
        if (p->kind == Principal::Kind::None) {
            ReplyError(res, WireErrorCode::Unauthorized, "missing or unknown token");
            return false;
        }
        if (p->kind == Principal::Kind::User) {
            if (allow_staff) return true;
            ReplyError(res, WireErrorCode::Forbidden, "only enrolled devices push changes");
            return false;
        }
        if (p->revoked) {
            ReplyError(res, WireErrorCode::DeviceRevoked, "this device has been revoked");
            return false;
        }
        bool expired = false;   // phones (issue 4): their access ends with their event day
        p->device_kind = store->DeviceKind(p->device_id, NowMs(), &expired);
        if (expired) {
            ReplyError(res, WireErrorCode::DeviceRevoked, "this phone's access ended with its event day");
            return false;
        }
        return true;
    }

    static std::string ShapeMessage(const std::string& code) {
        if (code == reject::kInvalidChange) return "a change must be a JSON object";
        if (code == reject::kInvalidId) return "id must be a non-empty string of at most 100 bytes";
        if (code == reject::kUnknownEntity) return "entity must be creator, need, offer or attendance";
        if (code == reject::kInvalidOp) return "op must be upsert or delete";
        if (code == reject::kInvalidVersion) return "version must be an integer >= 1";
        return "data has the wrong shape";
    }

    void Push(const httplib::Request& req, httplib::Response& res) {
        Principal p;
        if (!RequireDevice(req, res, &p, false)) return;
        json j;
        if (!ReadJsonBody(req, res, &j)) return;
        PushRequest pr;
        WireError err;
        // Each change's data is moved out of the parsed body, not copied.
        if (!DecodePushRequest(std::move(j), &pr, &err)) return ReplyError(res, err.code, err.message, err.field);
        if (pr.device_id != p.device_id)
            return ReplyError(res, WireErrorCode::DeviceMismatch, "device_id is not the token's device", "device_id");
        // Each change is decoded and validated here, on this request's thread, outside the
        // store's lock; the store calls this in order and may already be writing the first
        // changes while the next are prepared (ServerStore::ApplyPush).
        std::vector<PreparedChange> prepared(pr.changes.size());
        auto prepare = [&](size_t i) {
            PreparedChange& pc = prepared[i];
            pc.change = std::move(pr.changes[i]);
            auto refuse = [&pc](const std::string& code, const std::string& field, const std::string& message) {
                pc.rejected = true;
                pc.code = code;
                pc.field = field;
                pc.message = message;
            };
            if (!pc.change.shape_error.empty())
                return refuse(pc.change.shape_error, pc.change.shape_field, ShapeMessage(pc.change.shape_error));
            if (!IsKnownPushEntity(pc.change.entity))
                return refuse(reject::kUnknownEntity, "entity", ShapeMessage(reject::kUnknownEntity));
            if (pc.change.op == "delete") return;  // no data to decode
            try {
                if (!DecodeEntity(pc.change, &pc.entity))
                    return refuse(pc.entity.error_code, pc.entity.error_field,
                                  pc.entity.errors.empty() ? ShapeMessage(pc.entity.error_code)
                                                           : ErrorMessage(pc.entity.errors.front().code, Lang::En));
                // The text to store. The sent data is no longer needed.
                pc.data_json = EncodeEntityDataText(pc.entity);
                if (pc.entity.entity == "creator") pc.identity_key = EmailIdentityKey(pc.entity.creator.email);
                pc.change.data = json();
            } catch (const std::exception&) {  // out of memory: this change alone (the store waits for each)
                refuse(reject::kStorage, "", "could not be prepared");
            }
        };
        std::string answer;
        PushOutcome o = store->ApplyPush(p.device_id, pr, prepared, prepare, NowRfc3339(), &answer);
        switch (o) {
            case PushOutcome::BatchConflict:
                return ReplyError(res, WireErrorCode::BatchConflict, "batch_id already used by another device",
                                  "batch_id");
            case PushOutcome::StorageError:
                LogJson("error", "push storage failure", json{{"device_id", p.device_id}}.dump());
                return Unavailable(res);
            case PushOutcome::Replayed: {
                std::lock_guard<std::mutex> lock(metrics.mutex);
                metrics.batches_replayed++;
                break;
            }
            case PushOutcome::Applied: {
                // Counted from the answer's text instead of parsing it again: `"status":"`
                // with bare quotes only occurs as a result's key (quotes inside strings
                // are escaped), and the statuses are our own four words.
                uint64_t counts[4] = {0, 0, 0, 0};
                static const char* const kStatuses[4] = {"applied", "duplicate", "stale", "rejected"};
                static const std::string kKey = "\"status\":\"";
                for (size_t at = answer.find(kKey); at != std::string::npos; at = answer.find(kKey, at + 1)) {
                    size_t v = at + kKey.size();
                    for (int k = 0; k < 4; ++k) {
                        size_t n = std::strlen(kStatuses[k]);
                        if (answer.compare(v, n, kStatuses[k]) == 0 && v + n < answer.size() && answer[v + n] == '"') {
                            counts[k]++;
                            break;
                        }
                    }
                }
                std::lock_guard<std::mutex> lock(metrics.mutex);
                for (int k = 0; k < 4; ++k)
                    if (counts[k]) metrics.push_changes[kStatuses[k]] += counts[k];
                break;
            }
        }
        res.status = 200;
        res.set_content(answer, "application/json; charset=utf-8");
    }

    void Pull(const httplib::Request& req, httplib::Response& res) {
        Principal p;
        if (!RequireDevice(req, res, &p, true)) return;
        int64_t since = 0;
        if (req.get_param_value_count("since") > 1 || !ParseCursor(req.get_param_value("since"), &since))
            return ReplyError(res, WireErrorCode::InvalidCursor, "since is not a cursor this server gave", "since");
        int limit = int(kMaxPullPage);
        if (req.has_param("limit") && !ParseInt(req.get_param_value("limit"), 1, int(kMaxPullPage), &limit))
            return ReplyError(res, WireErrorCode::InvalidParameter, "limit must be 1..500", "limit");
        PullResponse out;
        int64_t last = since;
        // Kiosks get a join code for each coming event (setting "join.<event_id>"); phones
        // never see them (issue 4). A failure to mint only delays the codes.
        if (p.kind == Principal::Kind::Device && p.device_kind != "phone")
            store->IssueJoinCodes(NowMs(), [slug = t_org.slug] {
                std::string code = NormalizeEnrollmentCode(NewEnrollmentCode());
                // Shown as "<slug>.CODE" (organizations.h): the enrolment is routed back here.
                return std::make_pair(QualifyOrg(slug, code), Sha256Hex(code));
            });
        // Devices also get the settings aimed at them (current_event); staff the common rows.
        bool ok = p.kind == Principal::Kind::Device ? store->PullForDevice(p.device_id, since, size_t(limit), &out, &last)
                                                    : store->Pull(since, size_t(limit), &out, &last);
        if (!ok) return Unavailable(res);
        if (p.device_kind == "phone")
            std::erase_if(out.changes, [](const PullChange& c) { return c.entity == "setting" && c.id.rfind("join.", 0) == 0; });
        out.cursor = CursorOf(last);
        ReplyJson(res, 200, EncodePullResponse(out));
    }

    void CreatorById(const httplib::Request& req, httplib::Response& res) {
        if (!RequireUser(req, res)) return;
        std::string id = req.matches.size() > 1 ? std::string(req.matches[1]) : "";
        auto b = store->CreatorBundle(id);
        if (!b) return ReplyError(res, WireErrorCode::NotFound, "no creator with this id");
        ReplyJson(res, 200, *b);
    }

    void NeedsReport(const httplib::Request& req, httplib::Response& res) {
        if (!RequireUser(req, res)) return;
        NeedsReportQuery q;
        q.sector = req.get_param_value("sector");
        q.profession = req.get_param_value("profession");
        q.event = req.get_param_value("event");
        q.from_date = req.get_param_value("from");
        q.to_date = req.get_param_value("to");
        if ((!q.from_date.empty() && !IsIsoDate(q.from_date)) || (!q.to_date.empty() && !IsIsoDate(q.to_date)))
            return ReplyError(res, WireErrorCode::InvalidParameter, "from/to must be YYYY-MM-DD dates");
        if (req.has_param("threshold") && !ParseInt(req.get_param_value("threshold"), 1, 100000, &q.threshold))
            return ReplyError(res, WireErrorCode::InvalidParameter, "threshold must be a positive integer",
                              "threshold");
        std::string error;
        auto report = store->NeedsReport(q, &error);
        if (!report) {
            LogJson("error", "needs report failed", json{{"reason", error}}.dump());
            return Unavailable(res);
        }
        ReplyJson(res, 200, *report);
    }

    // GET /api/v1/network/reports/needs: the needs report of every organization, counts
    // only (no creator, name or email), for accounts of the default organization holding
    // the network right (`comptoir-server org grant-network <username>`). A creator
    // registered in two organizations counts in each (organizations never share people).
    void NetworkNeedsReport(const httplib::Request& req, httplib::Response& res) {
        Principal p = Auth(req);
        if (p.kind == Principal::Kind::None)
            return ReplyError(res, WireErrorCode::Unauthorized, "a valid staff token is required");
        if (p.kind != Principal::Kind::User || !p.organization.empty() || !orgs->HasNetworkRight(p.username))
            return ReplyError(res, WireErrorCode::Forbidden, "this report needs the network right");
        NeedsReportQuery q;
        q.sector = req.get_param_value("sector");
        q.profession = req.get_param_value("profession");
        q.from_date = req.get_param_value("from");
        q.to_date = req.get_param_value("to");
        if (req.has_param("event"))
            return ReplyError(res, WireErrorCode::InvalidParameter, "events belong to one organization", "event");
        if ((!q.from_date.empty() && !IsIsoDate(q.from_date)) || (!q.to_date.empty() && !IsIsoDate(q.to_date)))
            return ReplyError(res, WireErrorCode::InvalidParameter, "from/to must be YYYY-MM-DD dates");
        if (req.has_param("threshold") && !ParseInt(req.get_param_value("threshold"), 1, 100000, &q.threshold))
            return ReplyError(res, WireErrorCode::InvalidParameter, "threshold must be a positive integer",
                              "threshold");
        std::vector<Organization> list = {{kDefaultOrgSlug, kDefaultOrgSlug, ""}};
        for (Organization& o : orgs->List()) list.push_back(std::move(o));
        json organizations = json::array();
        std::map<std::string, json> items;  // item -> {category, creators, by_organization}
        int64_t considered = 0, with_needs = 0;
        for (const Organization& o : list) {
            ServerStore* s = orgs->Find(o.slug);
            std::string error;
            std::optional<json> r = s ? s->NeedsReport(q, &error) : std::nullopt;
            if (!r) {
                LogJson("error", "network report failed", json{{"org", o.slug}, {"reason", error}}.dump());
                return Unavailable(res);
            }
            int64_t c = (*r)["creators_considered"].get<int64_t>(), w = (*r)["creators_with_needs"].get<int64_t>();
            considered += c;
            with_needs += w;
            organizations.push_back(
                {{"slug", o.slug}, {"name", o.name}, {"creators_considered", c}, {"creators_with_needs", w}});
            for (const json& row : (*r)["items"]) {
                int64_t n = row["creators"].get<int64_t>();
                json& it = items[row["item"].get<std::string>()];
                if (it.is_null()) it = {{"category", row["category"]}, {"creators", 0}, {"by_organization", json::object()}};
                it["creators"] = it["creators"].get<int64_t>() + n;
                it["by_organization"][o.slug] = n;
            }
        }
        std::vector<std::pair<std::string, json>> rows(items.begin(), items.end());
        using Row = std::pair<std::string, json>;
        std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
            return a.second["creators"].get<int64_t>() > b.second["creators"].get<int64_t>();
        });
        json out_items = json::array();
        for (auto& [item, it] : rows)
            out_items.push_back({{"item", item},
                                 {"category", it["category"]},
                                 {"creators", it["creators"]},
                                 {"critical_mass", it["creators"].get<int64_t>() >= q.threshold},
                                 {"by_organization", it["by_organization"]}});
        ReplyJson(res, 200,
                  {{"threshold", q.threshold},
                   {"filter", {{"sector", q.sector}, {"profession", q.profession}, {"from", q.from_date}, {"to", q.to_date}}},
                   {"organizations", std::move(organizations)},
                   {"creators_considered", considered},
                   {"creators_with_needs", with_needs},
                   {"items", std::move(out_items)}});
    }

    void MetricsText(const httplib::Request&, httplib::Response& res) {
        std::string out;
        int64_t creators = store->CountCreators();
        ServerStore::PushCommitStats commits = store->PushCommits();
        std::lock_guard<std::mutex> lock(metrics.mutex);
        out += "# HELP comptoir_http_requests_total HTTP requests by route and status.\n";
        out += "# TYPE comptoir_http_requests_total counter\n";
        for (auto& [k, v] : metrics.requests)
            out += "comptoir_http_requests_total{route=\"" + k.first + "\",status=\"" + std::to_string(k.second) +
                   "\"} " + std::to_string(v) + "\n";
        out += "# HELP comptoir_http_request_duration_seconds_sum Time spent answering, by route.\n";
        out += "# TYPE comptoir_http_request_duration_seconds_sum counter\n";
        for (auto& [k, v] : metrics.duration_sum)
            out += "comptoir_http_request_duration_seconds_sum{route=\"" + k + "\"} " + std::to_string(v) + "\n";
        out += "# HELP comptoir_push_changes_total Pushed changes by result.\n";
        out += "# TYPE comptoir_push_changes_total counter\n";
        for (const char* s : {"applied", "duplicate", "stale", "rejected"})
            out += std::string("comptoir_push_changes_total{status=\"") + s + "\"} " +
                   std::to_string(metrics.push_changes[s]) + "\n";
        out += "# TYPE comptoir_push_batches_replayed_total counter\ncomptoir_push_batches_replayed_total " +
               std::to_string(metrics.batches_replayed) + "\n";
        out += "# HELP comptoir_push_commits_total Push transactions committed (group commit: one may hold "
               "several devices' batches).\n# TYPE comptoir_push_commits_total counter\ncomptoir_push_commits_total " +
               std::to_string(commits.commits) + "\n";
        out += "# TYPE comptoir_push_batches_committed_total counter\ncomptoir_push_batches_committed_total " +
               std::to_string(commits.batches) + "\n";
        out += "# TYPE comptoir_login_failures_total counter\ncomptoir_login_failures_total " +
               std::to_string(metrics.login_failures) + "\n";
        out += "# TYPE comptoir_creators gauge\ncomptoir_creators " + std::to_string(creators) + "\n";
        out += "# TYPE comptoir_uptime_seconds gauge\ncomptoir_uptime_seconds " +
               std::to_string((NowMs() - metrics.start_ms) / 1000) + "\n";
        res.status = 200;
        res.set_content(out, "text/plain; version=0.0.4; charset=utf-8");
    }

    void Static(const httplib::Request& req, httplib::Response& res) {
        if (req.path.rfind("/api/", 0) == 0 || req.path == "/metrics") {
            std::string label = RouteLabel(req.method, req.path), allow;
            for (const ApiRoute& r : ApiRoutes())
                if (label == r.path) allow += (allow.empty() ? "" : ", ") + std::string(r.method);
            if (!allow.empty()) {
                res.set_header("Allow", allow);
                return ReplyError(res, WireErrorCode::MethodNotAllowed, "method not allowed on this path");
            }
            return ReplyError(res, WireErrorCode::NotFound, "no such endpoint");
        }
        StaticResult r = files.Get(req.path, req.get_header_value("Accept-Encoding"));
        if (r.status != 200) return ReplyError(res, WireErrorCode::NotFound, "not found");
        res.status = 200;
        res.set_header("Cache-Control", r.cache_control);
        res.set_header("Vary", "Accept-Encoding");
        if (!r.content_encoding.empty()) res.set_header("Content-Encoding", r.content_encoding);
        res.set_content(std::move(r.body), r.content_type.c_str());
    }
};

// Per-request context: the worker thread that runs pre-routing also runs the handler and
// the logger of that request.
thread_local int64_t t_request_start_us = 0;
thread_local std::string t_request_id;

// Request threads run 5 nice levels below the process (a third of its CPU share when
// both want a core), once per thread: the SQLite store's single writer thread, which
// every push waits for, then keeps its core while the next batches are parsed (see
// sqlite_store.cpp, group commit). Lowering a priority needs no privilege.
void LowerThreadPriority() {
    thread_local bool lowered = false;
    if (lowered) return;
    lowered = true;
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, tid);
    if (errno == 0) setpriority(PRIO_PROCESS, tid, std::min(nice + 5, 19));
}

int64_t NowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::atomic<bool> g_stop_requested{false};
extern "C" void OnStopSignal(int) { g_stop_requested = true; }

void SetSecurityHeaders(httplib::Response& res) {
    // The web app: our own scripts + wasm only (Emscripten's runtime needs no eval);
    // inline styles for the shell's canvas sizing.
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                   "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
                   "manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                   "frame-ancestors 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cross-Origin-Opener-Policy", "same-origin");
}

// Start-up: loads every organization's needs report facts (core's NeedsReportIndex: a
// few hundred ms at 100k creators) so that the first staff request finds them warm. A
// request arriving meanwhile waits for this load (the store's lock) instead of starting
// its own. Logs the time taken (no personal data).
void WarmNeedsReports(OrgDirectory& orgs) {
    const int64_t t0 = NowUs();
    std::vector<ServerStore*> stores{orgs.Default()};
    for (const Organization& o : orgs.List())
        if (ServerStore* s = orgs.Find(o.slug)) stores.push_back(s);
    int failed = 0;
    for (ServerStore* s : stores) {
        std::string error;
        if (!s->NeedsReport(NeedsReportQuery{}, &error)) ++failed;
    }
    LogJson(failed ? "warn" : "info", "needs report warmed",
            json{{"stores", stores.size()}, {"failed", failed}, {"duration_ms", (NowUs() - t0) / 1000}}.dump());
}

}  // namespace

// [SECTION] RunServe ---------------------------------------------------------------------
int RunServe(const ServerConfig& config) {
    if (!InitCrypto()) {
        LogJson("error", "libsodium failed to initialize");
        return 1;
    }
    App app(config);
    std::string error;
    app.orgs = OrgDirectory::Open(config.database, &error);
    if (!app.orgs || !app.orgs->OpenAll(&error)) {
        LogJson("error", "cannot open the database", json{{"reason", error}}.dump());
        return 1;
    }
    std::string web_root = config.web_root;
    struct stat st;
    if (web_root.empty() && stat("build/wasm/web", &st) == 0 && S_ISDIR(st.st_mode)) web_root = "build/wasm/web";
    app.files = StaticFiles(web_root);
    if (!config.web_root.empty() && !app.files.Enabled())
        LogJson("warn", "web root not found; static files disabled", json{{"web_root", config.web_root}}.dump());

    httplib::Server svr;
    svr.set_payload_max_length(kMaxBodyBytes);
    svr.set_read_timeout(15, 0);
    svr.set_write_timeout(15, 0);
    svr.set_keep_alive_timeout(5);
    svr.set_keep_alive_max_count(100);
    // An answer is written as headers then body: with Nagle's algorithm the body waited
    // for the client's delayed ACK of the headers (up to 40 ms per request on Linux).
    svr.set_tcp_nodelay(true);

    svr.set_pre_routing_handler([&app](const httplib::Request& req, httplib::Response& res) {
        LowerThreadPriority();
        t_request_start_us = NowUs();
        t_request_id = NewRequestId();
        t_org = {"", app.orgs->Default()};
        res.set_header("X-Request-Id", t_request_id);
        SetSecurityHeaders(res);
        if (req.path.rfind("/api/", 0) == 0 && req.path != "/api/v1/health") {
            std::string token = BearerToken(req);
            std::string key = token.empty() ? "ip:" + req.remote_addr : "tok:" + Sha256Hex(token).substr(0, 32);
            int retry = 0;
            if (!app.rate_limiter.Allow(key, NowMs(), &retry)) {
                res.set_header("Retry-After", std::to_string(retry));
                ReplyError(res, WireErrorCode::RateLimited, "too many requests; slow down");
                return httplib::Server::HandlerResponse::Handled;
            }
            std::string slug, secret;
            SplitOrgPrefix(token, &slug, &secret);
            if (!slug.empty() && !app.SelectOrg(slug, res, WireErrorCode::Unauthorized, "missing or unknown token"))
                return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });

    // Errors httplib produces itself (no route, body too large…) get the JSON error shape.
    svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 413) {
            ReplyError(res, WireErrorCode::PayloadTooLarge, "request body over 1 MiB");
        } else if (res.status == 400 || res.status == 404 || res.status == 405) {
            // httplib answers 400/404 for a method without handler: 405 on our routes.
            std::string label = RouteLabel(req.method, req.path);
            std::string allow;
            for (const ApiRoute& r : ApiRoutes())
                if (label == r.path) allow += (allow.empty() ? "" : ", ") + std::string(r.method);
            bool wrong_method = !allow.empty() && allow.find(req.method) == std::string::npos;
            if (wrong_method) {
                res.set_header("Allow", allow);
                ReplyError(res, WireErrorCode::MethodNotAllowed, "method not allowed on this path");
            } else if (res.status == 400) {
                ReplyError(res, WireErrorCode::InvalidEnvelope, "bad request");
            } else {
                ReplyError(res, WireErrorCode::NotFound, "not found");
            }
        } else if (res.status >= 500) {
            ReplyError(res, WireErrorCode::Internal, "internal error");
        } else {
            ReplyError(res, WireErrorCode::InvalidEnvelope, "bad request");
            res.status = res.status >= 400 ? res.status : 400;
        }
        return httplib::Server::HandlerResponse::Handled;
    }));
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        ReplyError(res, WireErrorCode::Internal, "internal error");
    });

    svr.set_logger([&app](const httplib::Request& req, const httplib::Response& res) {
        std::string route = RouteLabel(req.method, req.path);
        double secs = t_request_start_us ? double(NowUs() - t_request_start_us) / 1e6 : 0.0;
        {
            std::lock_guard<std::mutex> lock(app.metrics.mutex);
            app.metrics.requests[{route, res.status}]++;
            app.metrics.duration_sum[route] += secs;
        }
        LogJson("info", "request",
                json{{"request_id", res.get_header_value("X-Request-Id")},
                     {"method", req.method},
                     {"route", route},
                     {"status", res.status},
                     {"duration_ms", int64_t(secs * 1000.0)},
                     {"bytes_in", req.body.size()},
                     {"org", t_org.slug.empty() ? kDefaultOrgSlug : t_org.slug}}
                    .dump());
    });

    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    svr.Get("/api/v1/health", [&app](Req q, Res r) { app.Health(q, r); });
    svr.Post("/api/v1/devices/enroll", [&app](Req q, Res r) { app.Enroll(q, r); });
    svr.Post("/api/v1/auth/login", [&app](Req q, Res r) { app.Login(q, r); });
    svr.Post("/api/v1/sync/push", [&app](Req q, Res r) { app.Push(q, r); });
    svr.Get("/api/v1/sync/pull", [&app](Req q, Res r) { app.Pull(q, r); });
    AdminApi admin{app.orgs->Default(), [&app](Req q) { return app.Auth(q); }, [] { return t_org.store; }};
    RegisterAdminRoutes(svr, &admin);  // before /creators/{id} and the static catch-all
    svr.Get(R"(/api/v1/creators/([^/]+))", [&app](Req q, Res r) { app.CreatorById(q, r); });
    svr.Get("/api/v1/reports/needs", [&app](Req q, Res r) { app.NeedsReport(q, r); });
    svr.Get("/api/v1/network/reports/needs", [&app](Req q, Res r) { app.NetworkNeedsReport(q, r); });
    svr.Get("/metrics", [&app](Req q, Res r) { app.MetricsText(q, r); });
    svr.Get(R"(/.*)", [&app](Req q, Res r) { app.Static(q, r); });

    struct sigaction sa {};
    sa.sa_handler = OnStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);

    if (!svr.bind_to_port(config.host.c_str(), config.port)) {
        LogJson("error", "cannot listen", json{{"host", config.host}, {"port", config.port}}.dump());
        return 1;
    }
    std::thread stopper([&svr] {
        while (!g_stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        svr.stop();  // closes the listener; in-flight requests finish, then listen returns
    });
    LogJson("info", "listening",
            json{{"host", config.host},
                 {"port", config.port},
                 {"version", COMPTOIR_VERSION},
                 {"web_root", app.files.Root()}}
                .dump());
    std::thread warm([&app] { WarmNeedsReports(*app.orgs); });
    bool ok = svr.listen_after_bind();
    g_stop_requested = true;
    stopper.join();
    warm.join();
    LogJson("info", "stopped");
    return ok ? 0 : 1;
}

}  // namespace comptoir
