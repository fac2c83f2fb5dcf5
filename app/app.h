// app/app.h — the app's state (plain structs, one per screen) and its frame function.
//
// Usage (entry points, once per rendered frame, inside NewFrame/Render):
//   AppState state;  AppServices services;  StartServices(services, base_url);
//   InitApp(state, services, enroll_code_from_url);
//   DrawApp(state, services, ui_platform, now_ms);
//   int64_t wake_at = NextTimerMs(state);     // render again at that time (countdowns)
//
// Flow: Setup (device not enrolled) -> Start -> Register -> Done -> Start
//                                            \-> Returning -> Start
//                                            \-> StaffPin -> Staff -> Start
//                                                                  \-> AdminSignIn -> Admin
// "#admin" in the URL opens AdminSignIn from any state, enrolled device or not (app/admin.h).
// A person's data lives only in these structs while on screen. Each visit is a
// *session*: EndSession (after saving, on cancel, on the inactivity reset) wipes every
// form, ImGui's text-edit state and the focused field, and starts a new ImGui ID scope
// (`session`), so nothing of one person carries over to the next.
//
// Inactivity (kiosk mode, session screens): after KioskSettings::idle_warn_s without
// input a warning with a countdown covers the screen ("Continue" keeps the session);
// after idle_countdown_s more, EndSession and back to Start.
//
// Adding a screen (e.g. app/screen_admin_*.cpp): add it to `Screen`, declare its draw
// function below and add one row to kScreens in app.cpp (name, draw, session?).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/admin.h"
#include "app/services.h"
#include "app/ui.h"
#include "core/i18n.h"
#include "core/validate.h"

namespace comptoir::app {

enum class Screen { StorageError, Setup, Start, Register, Done, Returning, StaffPin, Staff, AdminSignIn, Admin };
const char* ScreenName(Screen s);   // "setup", "start", "register", ... (test hook)

struct SetupForm {
    std::string code;
    std::string device_name;
    std::string pin;
    std::string pin_again;
    bool tried = false;
    bool working = false;
    std::string failure;            // translated banner of the last attempt
    std::string join_code;          // phones: "#join=" of the kiosk's QR code (self-enrolment)
};

// The registration wizard: one step per screen page, Summary last (edit links jump
// back to a step, whose "Next" then returns to the summary).
enum class WizardStep { Identity, Sectors, Work, Needs, Offers, Consents, Summary };
constexpr int kWizardStepCount = 7;
const char* WizardStepName(WizardStep s);   // "identity", ... (test hook)

struct NeedForm {
    std::string item;        // catalogue need item id
    std::string frequency;   // "", "ponctuel", "mensuel", "hebdomadaire", "permanent"
    std::string urgency;     // "", "faible", "moyenne", "haute"
    std::string budget;      // "", "0", "<50", "50-200", ">200"
    std::string comment;
};

struct OfferForm {
    std::string kind;        // "materiel", "espace", "competence"
    std::string description;
};

struct RegistrationForm {
    WizardStep step = WizardStep::Identity;
    bool from_summary = false;            // "Next" goes back to the summary
    std::string first_name;
    std::string last_name;
    std::string email;
    std::string phone;
    std::string postcode;
    std::string commune;
    std::vector<std::string> sectors;       // sector ids
    std::vector<std::string> professions;   // profession ids (of the chosen sectors)
    std::string other_profession;
    std::vector<std::string> work_statuses;
    bool ata = false;
    std::string ata_level;                  // "", "debutant", "plus"
    bool arts_allowance = false;
    bool via_smart = false;
    std::vector<NeedForm> needs;
    std::vector<OfferForm> offers;
    bool consent_processing = false;
    bool consent_contact = false;         // optional consents: off unless ticked
    bool consent_newsletter = false;
    bool consent_directory = false;
    std::vector<std::string> touched;     // fields left once: their errors show
    bool step_tried[kWizardStepCount] = {};   // "Next" pressed on that step: all its errors show
    std::vector<FieldError> errors;       // visible errors (refreshed every frame)
    bool tried = false;                   // "Save" pressed
    bool saving = false;
    std::string failure;                  // storage failure banner
};

struct ReturningForm {
    std::string email;
    enum class Result { None, NotFound, Found, CheckedIn } result = Result::None;
    std::string first_name;
};

struct StaffPinForm {
    std::string pin;                 // digits typed on the pad
    bool wrong = false;              // the last PIN was wrong
    int failures = 0;
    int64_t locked_until_ms = 0;     // unix ms
};

struct StaffForm {
    bool sync_requested = false;     // "sync now" pressed: show the progress
    bool settings_saved = false;
    KioskSettings edit;              // idle timeouts being edited
    bool confirm_leave = false;
};

struct AppState {
    Lang lang = Lang::Fr;
    Screen screen = Screen::Start;
    SetupForm setup;
    RegistrationForm reg;
    ReturningForm ret;
    int64_t done_until_ms = 0;     // Done screen: back to Start at this time
    int64_t now_ms = 0;
    int64_t creators_on_device = -1;   // shown on Start (and to the test hook)
    int64_t last_input_ms = 0;         // last touch/click/key (NoteUserInput)
    Screen drawn_screen = Screen::Start;   // screen of the last frame: a new one starts at the top
    bool scroll_to_top = false;            // a new page of the same screen (wizard step)
    StaffPinForm pin;
    StaffForm staff;
    // Kiosk mode: the inactivity reset runs and leaving needs the staff PIN.
    KioskSettings kiosk;
    bool kiosk_mode = true;
    uint32_t session = 1;              // ImGui ID scope of the current session
    int64_t idle_warning_at = 0;       // the inactivity warning is showing since (0 = not)
    int64_t logo_press_at = 0;         // long-press on the logo opens the staff PIN pad
    std::string app_url;               // where phones open the app (QR code on Start); "" = no QR
    std::string qr_url;                // the URL in the QR code drawn last (test hook)
    bool phone = false;                // a phone enrolled by join code: no staff panel, no kiosk mode
    AdminState admin;                  // admin mode (app/admin.h): token in memory only
};

// "https://host/path/" + "#event=<id>&join=<code>" (the QR code on Start).
std::string PhoneUrl(const std::string& app_url, const std::string& event_id, const std::string& join_code = "");
// The event's date for the header: "" when it is today, else e.g. "sam. 28 novembre".
std::string EventDateText(const std::string& iso_date, const std::string& today, Lang lang);
// Applies "#event=<id>" from the URL: makes that event current if it is known here.
void ApplyEventFromUrl(AppState& st, AppServices& s, const std::string& event_id);

void NoteUserInput(AppState& st, int64_t now_ms);
constexpr int64_t kLogoLongPressMs = 1500;
// Test/demo only: overrides the idle timeouts for this page load (web: ?idle=3,2).
void OverrideIdleTimes(AppState& st, int warn_s, int countdown_s);
// Does this screen hold a session (personal data or staff access)?
bool IsSessionScreen(Screen s);
// The privacy reset: wipes every form and the editing state, new ImGui ID scope.
void EndSession(AppState& st);

// join_code: "#join=" from a kiosk's QR code: a phone enrolls itself (or re-enrolls when
// its earlier code was another one) instead of showing the staff setup.
void InitApp(AppState& st, AppServices& s, const std::string& enroll_code, const std::string& join_code = "");
void DrawApp(AppState& st, AppServices& s, const ui::UiPlatform& platform, int64_t now_ms);
int64_t NextTimerMs(const AppState& st);   // 0 = no timer
void ResetPersonState(AppState& st);
void GoTo(AppState& st, Screen screen);
std::string StateJson(const AppState& st);

// One function per screen (one file each: screen_<name>.cpp).
void DrawSetupScreen(AppState& st, AppServices& s);
void DrawStartScreen(AppState& st, AppServices& s);
void DrawRegisterScreen(AppState& st, AppServices& s);
void DrawDoneScreen(AppState& st, AppServices& s);
void DrawReturningScreen(AppState& st, AppServices& s);
void DrawStorageErrorScreen(AppState& st, AppServices& s);
void DrawStaffPinScreen(AppState& st, AppServices& s);
void DrawStaffScreen(AppState& st, AppServices& s);

// The translated message of the first error on `field`, or null.
const char* FieldErrorText(const std::vector<FieldError>& errors, const char* field, Lang lang);

}  // namespace comptoir::app
