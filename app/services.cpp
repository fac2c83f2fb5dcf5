// app/services.cpp — see services.h.
#include "app/services.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "app/pin.h"
#include "core/clock.h"
#include "core/uuid.h"

#ifndef COMPTOIR_VERSION
#define COMPTOIR_VERSION "0.1.0"
#endif

namespace comptoir::app {
namespace {
constexpr const char* kDeviceId = "local.device_id";
constexpr const char* kDeviceToken = "local.device_token";
constexpr const char* kDeviceName = "local.device_name";
constexpr const char* kStaffPin = "local.staff_pin";
constexpr const char* kCurrentEvent = "local.current_event";
constexpr const char* kPinFailures = "local.pin_failures";
constexpr const char* kPinLockedUntil = "local.pin_locked_until";
constexpr const char* kIdleWarn = "local.kiosk.idle_warn_s";
constexpr const char* kIdleCountdown = "local.kiosk.idle_countdown_s";
constexpr const char* kEnrollRequest = "local.enroll_request";
constexpr const char* kDeviceKind = "local.device_kind";
constexpr const char* kJoinCode = "local.join_code";

// The request id of an enrolment attempt with `code`: the same as the last attempt's
// when the code is the same (a retry), else a new one; remembered in local settings.
std::string EnrollRequestId(AppServices& s, const std::string& code) {
    std::string key;
    for (char c : code)
        if (c != ' ' && c != '-') key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string last = s.store->Setting(kEnrollRequest).value_or("");
    size_t bar = last.rfind('|');
    if (bar != std::string::npos && last.substr(0, bar) == key) return last.substr(bar + 1);
    std::string id = NewUuid();
    s.store->SetSetting(kEnrollRequest, key + "|" + id);
    return id;
}

struct EnrollAnswer {
    bool ok = false;
    bool refused = false;   // a 4xx answer: the code itself was refused
    std::string device_id, device_token, kind, event_id;
};

// POST /api/v1/devices/enroll with a request id (the engine's Enroll() has none).
void PostEnroll(AppServices& s, nlohmann::json body, std::function<void(EnrollAnswer)> done) {
    HttpRequest req;
    req.method = "POST";
    req.path = "/api/v1/devices/enroll";
    req.headers = {{"Content-Type", "application/json"}};
    req.body = body.dump();
    req.timeout_ms = 20000;
    s.transport->Send(req, [done](HttpResponse r) {
        EnrollAnswer a;
        if (r.status == 200) {
            nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
            if (j.is_object() && j.value("device_id", "") != "" && j.value("device_token", "") != "") {
                a.ok = true;
                a.device_id = j.value("device_id", "");
                a.device_token = j.value("device_token", "");
                a.kind = j.value("kind", "kiosk");
                a.event_id = j.value("event_id", "");
            }
        } else {
            a.refused = r.status >= 400 && r.status < 500 && r.status != 429;
        }
        done(a);
    });
}

int64_t SettingInt(AppServices& s, const char* key, int64_t fallback) {
    if (!s.store) return fallback;
    auto v = s.store->Setting(key);
    if (!v || v->empty()) return fallback;
    char* end = nullptr;
    long long n = std::strtoll(v->c_str(), &end, 10);
    return end && *end == 0 ? n : fallback;
}

void ConfigureEngine(AppServices& s) {
    if (!s.engine) return;
    SyncConfig cfg;
    cfg.base_url = s.base_url;
    cfg.device_id = s.store->Setting(kDeviceId).value_or("");
    cfg.device_token = s.store->Setting(kDeviceToken).value_or("");
    cfg.app_version = COMPTOIR_VERSION;
    s.engine->Configure(cfg);
}
}  // namespace

void MarkWake(AppServices& s) {
    s.wake = true;
    if (s.on_wake) s.on_wake();
}

bool StartServices(AppServices& s, const std::string& base_url) {
    s.base_url = base_url;
    std::string err;
    PersistError code = PersistError::None;
    s.store = OpenDeviceStore(&err, &code);
    if (!s.store) {
        s.open_error = code == PersistError::None ? PersistError::Unavailable : code;
        s.open_error_detail = err;
        return false;
    }
    s.transport = MakeDefaultTransport(base_url);
    s.engine = std::make_unique<SyncEngine>(*s.store, *s.transport);
    s.engine->SetOnChange([&s] { MarkWake(s); });
    s.engine->SetOnStoreChanged([&s] {
        MarkWake(s);
        // Phones keep no personal data once the server has it (minimal retention).
        if (IsPhone(s) && s.store->PurgeAcknowledged() > 0) CompactSoon();
        PersistNow(nullptr);
    });
    if (IsEnrolled(s)) {
        ConfigureEngine(s);
        s.engine->RequestSyncNow();
    }
    return true;
}

void TickServices(AppServices& s, int64_t now_ms) {
    if (s.transport) s.transport->Poll();
    if (s.engine) s.engine->Tick(now_ms);
}

bool StoreReady(const AppServices& s) { return s.store != nullptr; }

bool IsEnrolled(AppServices& s) {
    if (!s.store) return false;
    return !s.store->Setting(kDeviceToken).value_or("").empty() && !s.store->Setting(kDeviceId).value_or("").empty();
}

// After an enrollment answer was stored (`stored`): makes it durable, then starts syncing.
static void FinishEnroll(AppServices& s, bool stored, const std::function<void(EnrollOutcome)>& done) {
    if (!stored) {
        done(EnrollOutcome::Storage);
        return;
    }
    PersistNow([&s, done](bool saved, PersistError) {
        MarkWake(s);
        if (!saved) {
            done(EnrollOutcome::Storage);
            return;
        }
        ConfigureEngine(s);
        s.engine->RequestSyncNow();
        done(EnrollOutcome::Ok);
    });
}

void EnrollDevice(AppServices& s, const std::string& code, const std::string& device_name,
                  const std::string& staff_pin, std::function<void(EnrollOutcome)> done) {
    std::string pin_hash = HashPin(staff_pin);
    nlohmann::json body = {{"enrollment_code", code}, {"device_name", device_name},
                           {"request_id", EnrollRequestId(s, code)}};
    PostEnroll(s, body, [&s, device_name, pin_hash, done](EnrollAnswer r) {
        MarkWake(s);
        if (!r.ok) {
            done(r.refused ? EnrollOutcome::Refused : EnrollOutcome::Network);
            return;
        }
        bool ok = s.store->SetSetting(kDeviceId, r.device_id) && s.store->SetSetting(kDeviceToken, r.device_token) &&
                  s.store->SetSetting(kDeviceName, device_name) && s.store->SetSetting(kStaffPin, pin_hash) &&
                  s.store->SetSetting(kDeviceKind, "") && s.store->SetSetting(kEnrollRequest, "");
        FinishEnroll(s, ok, done);
    });
}

void EnrollPhone(AppServices& s, const std::string& join_code, std::function<void(EnrollOutcome)> done) {
    nlohmann::json body = {{"join_code", join_code}, {"device_name", "phone"},
                           {"request_id", EnrollRequestId(s, join_code)}};
    PostEnroll(s, body, [&s, join_code, done](EnrollAnswer r) {
        MarkWake(s);
        if (!r.ok) {
            done(r.refused ? EnrollOutcome::Refused : EnrollOutcome::Network);
            return;
        }
        bool ok = s.store->SetSetting(kDeviceId, r.device_id) && s.store->SetSetting(kDeviceToken, r.device_token) &&
                  s.store->SetSetting(kDeviceName, "phone") && s.store->SetSetting(kStaffPin, "") &&
                  s.store->SetSetting(kDeviceKind, "phone") && s.store->SetSetting(kJoinCode, join_code) &&
                  s.store->SetSetting(kEnrollRequest, "") &&
                  (r.event_id.empty() || s.store->SetSetting(kCurrentEvent, r.event_id));
        FinishEnroll(s, ok, done);
    });
}

bool IsPhone(AppServices& s) { return s.store && s.store->Setting(kDeviceKind).value_or("") == "phone"; }

std::string PhoneJoinCode(AppServices& s) { return s.store ? s.store->Setting(kJoinCode).value_or("") : ""; }

std::string JoinCodeFor(AppServices& s, const std::string& event_id) {
    if (!s.store || event_id.empty()) return "";
    std::string code = s.store->Setting("join." + event_id).value_or("");
    if (code.empty()) return "";
    // Tokens of an organization's devices read "<slug>.<secret>": its codes need the prefix.
    std::string token = s.store->Setting(kDeviceToken).value_or("");
    size_t dot = token.find('.');
    return dot == std::string::npos ? code : token.substr(0, dot + 1) + code;
}

bool CheckStaffPin(AppServices& s, const std::string& pin) {
    auto stored = s.store ? s.store->Setting(kStaffPin) : std::nullopt;
    return stored && VerifyPin(pin, *stored);
}

PinAttempt TryStaffPin(AppServices& s, const std::string& pin, int64_t now_ms) {
    PinAttempt a;
    a.failures = static_cast<int>(SettingInt(s, kPinFailures, 0));
    a.locked_until_ms = SettingInt(s, kPinLockedUntil, 0);
    if (a.locked_until_ms > now_ms) {
        a.locked = true;
        return a;
    }
    if (CheckStaffPin(s, pin)) {
        a.ok = true;
        a.failures = 0;
        a.locked_until_ms = 0;
        s.store->SetSetting(kPinFailures, "0");
        s.store->SetSetting(kPinLockedUntil, "0");
    } else {
        a.failures += 1;
        a.locked_until_ms = 0;
        if (a.failures >= kPinFreeAttempts) {
            int doublings = std::min(a.failures - kPinFreeAttempts, 20);
            int64_t lock = std::min(kPinFirstLockMs << doublings, kPinMaxLockMs);
            a.locked_until_ms = now_ms + lock;
        }
        s.store->SetSetting(kPinFailures, std::to_string(a.failures));
        s.store->SetSetting(kPinLockedUntil, std::to_string(a.locked_until_ms));
    }
    PersistNow(nullptr);
    return a;
}

int64_t StaffPinLockedUntil(AppServices& s) { return SettingInt(s, kPinLockedUntil, 0); }

KioskSettings LoadKioskSettings(AppServices& s) {
    KioskSettings k;
    k.idle_warn_s = static_cast<int>(std::clamp<int64_t>(SettingInt(s, kIdleWarn, k.idle_warn_s), kIdleMinS, kIdleMaxS));
    k.idle_countdown_s =
        static_cast<int>(std::clamp<int64_t>(SettingInt(s, kIdleCountdown, k.idle_countdown_s), kIdleMinS, kIdleMaxS));
    return k;
}

bool SaveKioskSettings(AppServices& s, const KioskSettings& k) {
    if (!s.store) return false;
    bool ok = s.store->SetSetting(kIdleWarn, std::to_string(std::clamp(k.idle_warn_s, kIdleMinS, kIdleMaxS))) &&
              s.store->SetSetting(kIdleCountdown, std::to_string(std::clamp(k.idle_countdown_s, kIdleMinS, kIdleMaxS)));
    if (ok) PersistNow(nullptr);
    return ok;
}

void SaveRegistration(AppServices& s, Registration reg, std::function<void(SaveOutcome)> done) {
    SaveResult r = s.store->SaveRegistration(std::move(reg));
    if (!r.ok) {
        SaveOutcome out;
        out.errors = r.errors;
        out.storage_failed = r.errors.empty();
        done(out);
        return;
    }
    PersistNow([&s, done](bool saved, PersistError e) {
        MarkWake(s);
        SaveOutcome out;
        out.ok = saved;
        out.persist_error = e;
        out.storage_failed = !saved;
        if (saved && s.engine) s.engine->RequestSyncNow();
        done(out);
    });
}

std::optional<ReturningCreator> FindReturning(AppServices& s, const std::string& email) {
    return s.store ? s.store->LookupReturning(email) : std::nullopt;
}

bool CheckInReturning(AppServices& s, const std::string& creator_id, std::function<void(bool)> done) {
    auto ev = CurrentEvent(s);
    if (!ev) return false;
    if (!s.store->CheckIn(creator_id, ev->id)) return false;
    PersistNow([&s, done](bool saved, PersistError) {
        MarkWake(s);
        if (saved && s.engine) s.engine->RequestSyncNow();
        done(saved);
    });
    return true;
}

std::vector<CatalogueEntry> Sectors(AppServices& s) { return s.store->Catalogue("sector"); }
std::vector<CatalogueEntry> NeedCategories(AppServices& s) { return s.store->Catalogue("need_category"); }
std::vector<CatalogueEntry> NeedItems(AppServices& s) { return s.store->Catalogue("need_item"); }

std::optional<Event> CurrentEvent(AppServices& s) {
    if (!s.store) return std::nullopt;
    std::vector<Event> events = s.store->Events();
    std::string chosen = s.store->Setting(kCurrentEvent).value_or("");
    std::string today = NowRfc3339().substr(0, 10);
    for (const Event& e : events)
        if (!chosen.empty() && e.id == chosen) return e;
    for (const Event& e : events)
        if (e.date == today) return e;
    return std::nullopt;
}

std::vector<Event> Events(AppServices& s) { return s.store ? s.store->Events() : std::vector<Event>{}; }

std::string CurrentEventSetting(AppServices& s) {
    return s.store ? s.store->Setting(kCurrentEvent).value_or("") : "";
}

bool SetCurrentEvent(AppServices& s, const std::string& event_id) {
    if (!s.store || !s.store->SetSetting(kCurrentEvent, event_id)) return false;
    PersistNow(nullptr);
    return true;
}

std::vector<CatalogueEntry> Professions(AppServices& s) { return s.store->Catalogue("profession"); }

const char* Label(const CatalogueEntry& e, Lang lang) {
    const std::string& l = lang == Lang::Nl ? e.label_nl : lang == Lang::En ? e.label_en : e.label_fr;
    return l.empty() ? e.label_fr.c_str() : l.c_str();
}

StoreCounts Counts(AppServices& s) {
    if (!s.store) return {};
    auto ev = CurrentEvent(s);
    return s.store->Counts(ev ? ev->id : "");
}

SyncStatus SyncState(AppServices& s) { return s.engine ? s.engine->Status() : SyncStatus{}; }

void SyncNow(AppServices& s) {
    // Staff asked: skip the backoff (never a server's Retry-After).
    if (s.engine && IsEnrolled(s)) s.engine->SyncNowIgnoringBackoff();
}

std::vector<OutboxEntry> RejectedEntries(AppServices& s) {
    return s.store ? s.store->RejectedOutbox() : std::vector<OutboxEntry>{};
}

}  // namespace comptoir::app
