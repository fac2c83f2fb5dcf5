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
// A person's data lives only in these structs while on screen; ResetPersonState wipes
// it (after saving, on cancel, on timeout) so the next person never sees it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/services.h"
#include "app/ui.h"
#include "core/i18n.h"
#include "core/validate.h"

namespace comptoir::app {

enum class Screen { StorageError, Setup, Start, Register, Done, Returning };
const char* ScreenName(Screen s);   // "setup", "start", "register", ... (test hook)

struct SetupForm {
    std::string code;
    std::string device_name;
    std::string pin;
    std::string pin_again;
    bool tried = false;
    bool working = false;
    std::string failure;            // translated banner of the last attempt
};

struct RegistrationForm {
    std::string first_name;
    std::string last_name;
    std::string email;
    std::string sector;                   // sector id
    std::vector<std::string> needs;       // need item ids
    bool consent_processing = false;
    bool consent_contact = false;         // optional consents: off unless ticked
    bool consent_newsletter = false;
    bool consent_directory = false;
    std::vector<FieldError> errors;       // of the last save attempt, refreshed on edit
    bool tried = false;                   // show errors only after the first attempt
    bool saving = false;
    std::string failure;                  // storage failure banner
};

struct ReturningForm {
    std::string email;
    enum class Result { None, NotFound, Found, CheckedIn } result = Result::None;
    std::string first_name;
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
};

// A person's screens reset to Start after this long without input: the next person
// never sees what the previous one typed. (A warning with "continue" comes later.)
constexpr int64_t kInactivityResetMs = 120000;
void NoteUserInput(AppState& st, int64_t now_ms);

void InitApp(AppState& st, AppServices& s, const std::string& enroll_code);
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

// The translated message of the first error on `field`, or null.
const char* FieldErrorText(const std::vector<FieldError>& errors, const char* field, Lang lang);

}  // namespace comptoir::app
