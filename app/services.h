// app/services.h — everything a screen may call: the device's local store, the sync
// engine and persistence, behind small functions. Screens never run SQL or HTTP.
//
// Usage (entry points):
//   AppServices services;
//   StartServices(services, base_url);         // "" in the browser (same origin)
//   each loop iteration: TickServices(services, now_ms); if (services.wake) redraw;
//
// Local settings (never synced) live under "local.*" keys of LocalStore settings:
//   local.device_id, local.device_token, local.device_name, local.staff_pin
//   (PBKDF2 hash, app/pin.h), local.current_event, local.pin_failures,
//   local.pin_locked_until (unix ms), local.kiosk.idle_warn_s, local.kiosk.idle_countdown_s,
//   local.enroll_request ("<code>|<request id>" of the last enrolment attempt),
//   local.device_kind ("phone" for phones; unset = kiosk), local.join_code (phones).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/persist.h"
#include "core/domain.h"
#include "core/store.h"
#include "sync/client/engine.h"
#include "sync/client/transport.h"

namespace comptoir::app {

struct AppServices {
    std::unique_ptr<LocalStore> store;
    std::unique_ptr<Transport> transport;
    std::unique_ptr<SyncEngine> engine;
    PersistError open_error = PersistError::None;
    std::string open_error_detail;   // technical, for staff
    std::string base_url;
    bool wake = false;               // something changed outside input: redraw
    // Called right after `wake` is set (a fetch, IndexedDB or sync callback): the browser
    // entry resumes its paused main loop here (app/main_web.cpp). May be empty.
    std::function<void()> on_wake;
};

// Sets s.wake and calls s.on_wake: every asynchronous completion goes through this.
void MarkWake(AppServices& s);

bool StartServices(AppServices& s, const std::string& base_url);
void TickServices(AppServices& s, int64_t now_ms);
bool StoreReady(const AppServices& s);

// --- device enrollment ---
bool IsEnrolled(AppServices& s);
enum class EnrollOutcome { Ok, Refused, Network, Storage };
// Enrolls with the server, then stores the device id/token and the hashed staff PIN,
// makes it durable and starts syncing. `done` runs on the main thread.
void EnrollDevice(AppServices& s, const std::string& code, const std::string& device_name,
                  const std::string& staff_pin, std::function<void(EnrollOutcome)> done);
bool CheckStaffPin(AppServices& s, const std::string& pin);
// Enrolment is idempotent (docs/server.md "Idempotent enrolment"): each attempt carries
// a request id kept in local.enroll_request with the code; trying the same code again
// (the answer was lost, the person taps again) reuses it, and the server gives the same
// device a fresh token.
//
// Phones (docs/server.md "Phones"): "#event=<id>&join=<code>" from a kiosk's QR code.
// The phone enrolls itself with the join code (no PIN, no staff panel, no kiosk mode),
// its current event is the code's event, and the personal data of a registration is
// blanked on the phone once the server has acknowledged it (LocalStore::PurgeAcknowledged).
// `done` runs on the main thread.
void EnrollPhone(AppServices& s, const std::string& join_code, std::function<void(EnrollOutcome)> done);
bool IsPhone(AppServices& s);                        // enrolled with a join code
std::string PhoneJoinCode(AppServices& s);           // the join code it enrolled with
// The join code kiosks show for an event (pulled setting "join.<event_id>", prefixed with
// this device's organization like its token), "" if none yet.
std::string JoinCodeFor(AppServices& s, const std::string& event_id);

// Staff PIN with slowing down: after 5 wrong PINs in a row the pad locks for 30 s, and
// each further wrong PIN doubles the lock (60 s, 120 s, … up to 1 h). The count and the
// lock are kept in local settings, so a reload does not reset them. A right PIN resets.
struct PinAttempt {
    bool ok = false;
    bool locked = false;          // refused without checking: still locked
    int failures = 0;             // wrong PINs in a row
    int64_t locked_until_ms = 0;  // unix ms, 0 = not locked
};
constexpr int kPinFreeAttempts = 5;
constexpr int64_t kPinFirstLockMs = 30000;
constexpr int64_t kPinMaxLockMs = 3600000;
PinAttempt TryStaffPin(AppServices& s, const std::string& pin, int64_t now_ms);
int64_t StaffPinLockedUntil(AppServices& s);   // unix ms, 0 = not locked

// --- kiosk settings (local, never synced) ---
struct KioskSettings {
    int idle_warn_s = 45;        // no input for this long: "are you still there?"
    int idle_countdown_s = 15;   // then this countdown before the privacy reset
};
constexpr int kIdleMinS = 2;
constexpr int kIdleMaxS = 3600;
KioskSettings LoadKioskSettings(AppServices& s);
bool SaveKioskSettings(AppServices& s, const KioskSettings& k);   // clamped, made durable

// --- registrations ---
struct SaveOutcome {
    bool ok = false;                      // durably stored on the device
    std::vector<FieldError> errors;       // validation: nothing was written
    PersistError persist_error = PersistError::None;
    bool storage_failed = false;          // SQLite or persistence failure
};
// Validates and writes the registration, waits until it is durable, then asks the sync
// engine to push it. `done` runs once, on the main thread (possibly synchronously when
// validation fails).
void SaveRegistration(AppServices& s, Registration reg, std::function<void(SaveOutcome)> done);
std::optional<ReturningCreator> FindReturning(AppServices& s, const std::string& email);
bool CheckInReturning(AppServices& s, const std::string& creator_id, std::function<void(bool)> done);

// --- reference data ---
std::vector<CatalogueEntry> Sectors(AppServices& s);
std::vector<CatalogueEntry> NeedCategories(AppServices& s);
std::vector<CatalogueEntry> NeedItems(AppServices& s);
std::optional<Event> CurrentEvent(AppServices& s);
std::vector<Event> Events(AppServices& s);                       // pulled, not retired
bool SetCurrentEvent(AppServices& s, const std::string& event_id);   // "" = automatic (today's)
std::string CurrentEventSetting(AppServices& s);
std::vector<CatalogueEntry> Professions(AppServices& s);
const char* Label(const CatalogueEntry& e, Lang lang);
StoreCounts Counts(AppServices& s);
SyncStatus SyncState(AppServices& s);
void SyncNow(AppServices& s);
std::vector<OutboxEntry> RejectedEntries(AppServices& s);

}  // namespace comptoir::app
