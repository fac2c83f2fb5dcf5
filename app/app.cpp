// app/app.cpp — the frame around every screen: header (brand, language switch, current
// event), the centered content column, the sync line; screen dispatch and timers.
//   [SECTION] Navigation and state
//   [SECTION] Frame
#include "app/app.h"

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "app/app_text.h"
#include "core/clock.h"
#include "imgui.h"
#include "imgui_internal.h"   // ClearActiveID (long press)

namespace comptoir::app {

// [SECTION] Navigation and state
namespace {
struct ScreenInfo {
    Screen screen;
    const char* name;                        // test hook / state()
    void (*draw)(AppState&, AppServices&);
    bool session;                            // holds personal data or staff access: idle reset
};
// One row per screen; new screens (app/screen_admin_*.cpp) add a row here.
const ScreenInfo kScreens[] = {
    {Screen::StorageError, "storage-error", DrawStorageErrorScreen, false},
    {Screen::Setup, "setup", DrawSetupScreen, false},
    {Screen::Start, "start", DrawStartScreen, false},
    {Screen::Register, "register", DrawRegisterScreen, true},
    {Screen::Done, "done", DrawDoneScreen, false},
    {Screen::Returning, "returning", DrawReturningScreen, true},
    {Screen::StaffPin, "staff-pin", DrawStaffPinScreen, true},
    {Screen::Staff, "staff", DrawStaffScreen, true},
    // Admin mode (app/admin.h): an idle session only where the device is a kiosk.
    {Screen::AdminSignIn, "admin-signin", DrawAdminSignInScreen, true},
    {Screen::Admin, "admin", DrawAdminScreen, true},
};
const ScreenInfo& Info(Screen s) {
    for (const ScreenInfo& i : kScreens)
        if (i.screen == s) return i;
    return kScreens[0];
}
}  // namespace

const char* ScreenName(Screen s) { return Info(s).name; }
bool IsSessionScreen(Screen s) { return Info(s).session; }

void EndSession(AppState& st) {
    st.reg = RegistrationForm{};
    st.ret = ReturningForm{};
    st.pin = StaffPinForm{};
    st.staff = StaffForm{};
    if (st.admin.from_kiosk) AdminSignOut(st);   // a kiosk's admin session ends with the visit
    st.idle_warning_at = 0;
    st.logo_press_at = 0;
    st.last_input_ms = 0;
    ++st.session;                 // new ImGui ID scope: no widget state carries over
    ui::WipeEditingState();
}

void ResetPersonState(AppState& st) { EndSession(st); }

void GoTo(AppState& st, Screen screen) {
    if (screen == Screen::Start) EndSession(st);
    ui::ClearTextFocus();
    st.screen = screen;
    st.idle_warning_at = 0;
}

void InitApp(AppState& st, AppServices& s, const std::string& enroll_code, const std::string& join_code) {
    if (!StoreReady(s)) {
        st.screen = Screen::StorageError;
        return;
    }
    st.kiosk = LoadKioskSettings(s);
    st.phone = IsPhone(s);
    const bool enrolled = IsEnrolled(s);
    if (!join_code.empty() && (!enrolled || (st.phone && PhoneJoinCode(s) != join_code))) {
        st.phone = true;
        st.kiosk_mode = false;
        st.screen = Screen::Setup;
        st.setup.join_code = join_code;
        return;
    }
    if (st.phone) st.kiosk_mode = false;   // a personal device: no inactivity reset, no staff
    if (!enrolled) {
        st.screen = Screen::Setup;
        st.setup.code = enroll_code;
    } else {
        st.screen = Screen::Start;
    }
}

std::string PhoneUrl(const std::string& app_url, const std::string& event_id, const std::string& join_code) {
    std::string url = app_url.substr(0, app_url.find('#'));
    if (!event_id.empty()) url += "#event=" + event_id;
    if (!event_id.empty() && !join_code.empty()) url += "&join=" + join_code;
    return url;
}

std::string EventDateText(const std::string& iso_date, const std::string& today, Lang lang) {
    if (iso_date == today || iso_date.size() != 10) return "";
    const int y = std::atoi(iso_date.substr(0, 4).c_str()), m = std::atoi(iso_date.substr(5, 2).c_str()),
              d = std::atoi(iso_date.substr(8, 2).c_str());
    if (m < 1 || m > 12 || d < 1 || d > 31) return iso_date;
    auto nth = [](const char* list, int n) {   // n-th item of "a,b,c"
        std::string s = list;
        size_t start = 0;
        for (int i = 0; i < n; ++i) start = s.find(',', start) + 1;
        return s.substr(start, s.find(',', start) - start);
    };
    // Day of the week (Sakamoto), 0 = Sunday.
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    const int yy = m < 3 ? y - 1 : y;
    const int wd = (yy + yy / 4 - yy / 100 + yy / 400 + t[m - 1] + d) % 7;
    std::string out = nth(T(lang, AppText::WeekdaysShort), wd) + " " + std::to_string(d) + " " +
                      nth(T(lang, AppText::MonthsLong), m - 1);
    if (iso_date.substr(0, 4) != today.substr(0, 4)) out += " " + iso_date.substr(0, 4);
    return out;
}

void ApplyEventFromUrl(AppState&, AppServices& s, const std::string& event_id) {
    if (event_id.empty() || !IsCatalogueId(event_id)) return;
    for (const Event& e : Events(s))
        if (e.id == event_id) SetCurrentEvent(s, e.id);
}

void OverrideIdleTimes(AppState& st, int warn_s, int countdown_s) {
    if (warn_s > 0) st.kiosk.idle_warn_s = warn_s;
    if (countdown_s > 0) st.kiosk.idle_countdown_s = countdown_s;
}

namespace {
bool IdleWatched(const AppState& st) {
    // An admin signed in from a browser that is not a kiosk has no inactivity reset.
    const bool admin_screen = st.screen == Screen::Admin || st.screen == Screen::AdminSignIn;
    if (admin_screen && !st.admin.from_kiosk) return false;
    return st.kiosk_mode && IsSessionScreen(st.screen) && !st.reg.saving && st.last_input_ms > 0;
}
int64_t WarnMs(const AppState& st) { return int64_t(st.kiosk.idle_warn_s) * 1000; }
int64_t CountdownMs(const AppState& st) { return int64_t(st.kiosk.idle_countdown_s) * 1000; }
int64_t NextSecond(int64_t now) { return now + 1000 - (now % 1000); }
}  // namespace

void NoteUserInput(AppState& st, int64_t now_ms) { st.last_input_ms = now_ms; }

int64_t NextTimerMs(const AppState& st) {
    int64_t t = 0;
    auto at = [&t](int64_t v) { if (v > 0 && (t == 0 || v < t)) t = v; };
    if (st.screen == Screen::Done) at(NextSecond(st.now_ms));   // countdown redraw
    if (st.idle_warning_at > 0) {
        at(std::min(NextSecond(st.now_ms), st.idle_warning_at + CountdownMs(st)));
    } else if (IdleWatched(st)) {
        at(st.last_input_ms + WarnMs(st));
    }
    if (st.logo_press_at > 0) at(st.logo_press_at + kLogoLongPressMs);
    if (st.screen == Screen::StaffPin && st.pin.locked_until_ms > 0) at(NextSecond(st.now_ms));
    if (st.screen == Screen::Staff && st.staff.sync_requested) at(st.now_ms + 250);
    return t;
}

std::string StateJson(const AppState& st) {
    nlohmann::json j = {{"screen", ScreenName(st.screen)}, {"lang", LangCode(st.lang)}, {"session", st.session},
                        {"kiosk_mode", st.kiosk_mode}, {"phone", st.phone}, {"idle_warn_s", st.kiosk.idle_warn_s},
                        {"idle_countdown_s", st.kiosk.idle_countdown_s}};
    if (st.idle_warning_at > 0) {
        int64_t left = (st.idle_warning_at + CountdownMs(st) - st.now_ms + 999) / 1000;
        j["idle_warning"] = std::max<int64_t>(left, 0);
    }
    // The app can take a new version now (web/sw.js waits for this): nobody is mid-way.
    j["idle"] = st.screen == Screen::Start && !st.reg.saving && st.idle_warning_at == 0;
    if (st.screen == Screen::Register) {
        nlohmann::json errs = nlohmann::json::array();
        for (const FieldError& e : st.reg.errors) errs.push_back({{"field", e.field}, {"code", ErrorWireId(e.code)}});
        j["errors"] = errs;
        j["saving"] = st.reg.saving;
        j["step"] = WizardStepName(st.reg.step);
    }
    if (st.screen == Screen::Setup) j["working"] = st.setup.working;
    if (st.screen == Screen::Start) {
        j["creators_on_device"] = st.creators_on_device;
        j["qr_url"] = st.qr_url;
    }
    if (st.screen == Screen::Returning) {
        const char* r[] = {"none", "not_found", "found", "checked_in"};
        j["result"] = r[static_cast<int>(st.ret.result)];
    }
    if (st.screen == Screen::Admin || st.screen == Screen::AdminSignIn) AdminStateJson(st, &j);
    if (st.screen == Screen::StaffPin) {
        j["pin_length"] = st.pin.pin.size();
        j["pin_wrong"] = st.pin.wrong;
        j["pin_failures"] = st.pin.failures;
        j["pin_locked_s"] = st.pin.locked_until_ms > st.now_ms ? (st.pin.locked_until_ms - st.now_ms + 999) / 1000 : 0;
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* FieldErrorText(const std::vector<FieldError>& errors, const char* field, Lang lang) {
    for (const FieldError& e : errors)
        if (e.field == field) return ErrorMessage(e.code, lang);
    return nullptr;
}

// [SECTION] Frame
namespace {

void DrawHeader(AppState& st, AppServices& s) {
    const ui::Fonts& f = ui::GetFonts();
    ImDrawList* bg = ImGui::GetWindowDrawList();
    ImVec2 vp = ImGui::GetIO().DisplaySize;
    const float band_h = ui::Px(76);
    float scroll = ImGui::GetScrollY();
    bg->PushClipRectFullScreen();
    bg->AddRectFilled(ImVec2(0, -scroll), ImVec2(vp.x, band_h - scroll), IM_COL32(21, 75, 137, 255));
    bg->PopClipRect();

    ImGui::SetCursorPosY(ui::Px(12));
    ImGui::PushFont(f.bold);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    float y0 = ImGui::GetCursorPosY();
    ImGui::SetCursorPosY(y0 + ui::Px(14));
    ImGui::TextUnformatted("CRC Mons");
    ImGui::PopStyleColor();
    // Discreet staff entry: a long press on the logo (Start screen only; never on phones).
    if (st.screen == Screen::Start && !st.phone) {
        ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        ImGui::SetCursorScreenPos(ImVec2(a.x - ui::Px(8), a.y - ui::Px(12)));
        ImGui::InvisibleButton("##logo", ImVec2(b.x - a.x + ui::Px(16), b.y - a.y + ui::Px(24)));
        ui::RecordLastItem("header.logo");
        if (ImGui::IsItemActive()) {
            if (st.logo_press_at == 0) st.logo_press_at = st.now_ms;
            if (st.now_ms - st.logo_press_at >= kLogoLongPressMs) {
                st.logo_press_at = 0;
                ImGui::ClearActiveID();
                GoTo(st, Screen::StaffPin);
            }
        } else {
            st.logo_press_at = 0;
        }
    }
    // Language switch, right-aligned: always visible.
    const char* codes[kLangCount] = {"FR", "NL", "EN"};
    const char* keys[kLangCount] = {"lang.fr", "lang.nl", "lang.en"};
    float bw = ui::Px(58), gap = ui::Px(8);
    float right = ImGui::GetWindowContentRegionMax().x;
    ImGui::SameLine();
    ImGui::SetCursorPos(ImVec2(right - kLangCount * bw - (kLangCount - 1) * gap, y0));
    for (int i = 0; i < kLangCount; ++i) {
        if (i) ImGui::SameLine(0, gap);
        bool sel = static_cast<int>(st.lang) == i;
        ImGui::PushStyleColor(ImGuiCol_Button, sel ? ImVec4(1, 1, 1, 1) : ImVec4(1, 1, 1, 0.0f));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, sel ? ImVec4(1, 1, 1, 1) : ImVec4(1, 1, 1, 0.15f));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(1, 1, 1, 0.3f));
        ImGui::PushStyleColor(ImGuiCol_Text, sel ? ImVec4(0.08f, 0.29f, 0.54f, 1) : ImVec4(1, 1, 1, 1));
        ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(1, 1, 1, 0.85f));
        if (ImGui::Button(codes[i], ImVec2(bw, ui::Px(50)))) {
            st.lang = static_cast<Lang>(i);
        }
        ImGui::PopStyleColor(5);
        ui::RecordLastItem(keys[i]);
    }
    ImGui::PopFont();
    ImGui::SetCursorPosY(band_h + ui::Px(20));

    ImGui::PushFont(f.small);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.33f, 0.35f, 0.40f, 1));
    ImGui::TextUnformatted(T(st.lang, AppText::AppTitle));
    ImGui::SameLine(0, ui::Px(6));
    ImGui::TextUnformatted("·");
    ImGui::SameLine(0, ui::Px(6));
    ImGui::TextUnformatted(T(st.lang, AppText::AppPlace));
    ImGui::PopStyleColor();
    ImGui::PopFont();
    if (auto ev = CurrentEvent(s)) {
        // "Today: <title>", or the event's own date when it is another day.
        std::string when = EventDateText(ev->date, NowRfc3339().substr(0, 10), st.lang);
        std::string line = when.empty() ? Tf(st.lang, AppText::CurrentEvent, ev->title.c_str())
                                         : Tf(st.lang, AppText::CurrentEventOn, when.c_str(), ev->title.c_str());
        ImGui::PushFont(f.bold);
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(line.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        ui::RecordLastItem("event.current");
    }
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
}

void DrawSyncLine(AppState& st, AppServices& s) {
    if (!s.engine || !IsEnrolled(s)) return;
    SyncStatus ss = SyncState(s);
    ImGui::Dummy(ImVec2(0, ui::Px(24)));
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(p, ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y),
                                        IM_COL32(190, 192, 198, 255), ui::Px(1));
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    std::string text;
    if (ss.rejected > 0) text = Tf(st.lang, AppText::SyncRejected, static_cast<int>(ss.rejected));
    else if (ss.pending > 0 && ss.phase == SyncStatus::Phase::Backoff) text = T(st.lang, AppText::SyncOffline);
    else if (ss.pending > 0) text = Tf(st.lang, AppText::SyncPending, static_cast<int>(ss.pending));
    else text = T(st.lang, AppText::SyncAllSent);
    ui::MutedText(text.c_str());
    ui::RecordLastItem("sync.status");
    if (st.screen == Screen::Start && !st.phone) {
        // The small staff button: right-aligned, quiet, still a real tap target.
        const char* label = T(st.lang, AppText::StaffOpen);
        ImGui::PushFont(ui::GetFonts().small);
        ImVec2 size(ImGui::CalcTextSize(label).x + ui::Px(28), ui::Px(40));
        ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - size.x);
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0, 0, 0, 0.05f));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0, 0, 0, 0.10f));
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.33f, 0.35f, 0.40f, 1));
        ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(0.75f, 0.76f, 0.79f, 1));
        if (ImGui::Button(label, size)) GoTo(st, Screen::StaffPin);
        ImGui::PopStyleColor(5);
        ImGui::PopFont();
        ui::RecordLastItem("staff.open");
    }
}

// "Are you still there?": covers the whole screen (the root window gets no click while
// it shows); a tap anywhere or a key keeps the session, else the countdown ends it.
void DrawIdleWarning(AppState& st) {
    const Lang L = st.lang;
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::SetNextWindowFocus();
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.10f, 0.11f, 0.16f, 0.55f));
    ImGui::Begin("##idle", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoNav);
    ImGui::PopStyleColor();
    const float card_w = std::min(io.DisplaySize.x - ui::Px(32), ui::Px(560));
    const float pad = ui::Px(28);
    ImVec2 p((io.DisplaySize.x - card_w) * 0.5f, std::max(ui::Px(16), io.DisplaySize.y * 0.25f));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->ChannelsSplit(2);   // the card's background is drawn under its content once measured
    dl->ChannelsSetCurrent(1);
    ImGui::SetCursorScreenPos(ImVec2(p.x + pad, p.y + pad));
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(p.x + card_w - pad);
    ui::Heading(T(L, AppText::IdleTitle));
    ui::RecordLastItem("idle.title");
    int64_t left = std::max<int64_t>(0, (st.idle_warning_at + CountdownMs(st) - st.now_ms + 999) / 1000);
    std::string body = Tf(L, AppText::IdleBody, static_cast<int>(left));
    ImGui::TextUnformatted(body.c_str());
    ui::RecordLastItem("idle.countdown");
    ImGui::PopTextWrapPos();
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    bool keep = ui::PrimaryButton("idle.continue", T(L, AppText::IdleContinue), card_w - 2 * pad);
    ImGui::EndGroup();
    const float bottom = ImGui::GetItemRectMax().y + pad;
    dl->ChannelsSetCurrent(0);
    dl->AddRectFilled(p, ImVec2(p.x + card_w, bottom), IM_COL32(246, 244, 239, 255), ui::Px(16));
    dl->AddRectFilled(p, ImVec2(p.x + card_w, p.y + ui::Px(10)), IM_COL32(21, 75, 137, 255), ui::Px(16),
                      ImDrawFlags_RoundCornersTop);
    dl->ChannelsMerge();
    // Any tap on the dimmed screen or any key also means "I'm here".
    bool key = io.InputQueueCharacters.Size > 0;
    for (int i = 0; i < IM_ARRAYSIZE(io.KeysDown) && !key; ++i) key = ImGui::IsKeyPressed(i, false);
    if (keep || ImGui::IsMouseReleased(0) || key) {
        st.idle_warning_at = 0;
        st.last_input_ms = st.now_ms;
    }
    ImGui::End();
}

}  // namespace

void DrawApp(AppState& st, AppServices& s, const ui::UiPlatform& platform, int64_t now_ms) {
    st.now_ms = now_ms;
    ui::BeginFrame(platform);
    // Inactivity: warn, then end the session (before drawing: a reset frame shows Start).
    if (IdleWatched(st)) {
        if (st.idle_warning_at == 0 && now_ms - st.last_input_ms >= WarnMs(st)) {
            st.idle_warning_at = now_ms;
            ui::ClearTextFocus();   // the DOM input leaves; what was typed stays in the form
        }
        if (st.idle_warning_at > 0 && now_ms - st.idle_warning_at >= CountdownMs(st)) GoTo(st, Screen::Start);
    } else {
        st.idle_warning_at = 0;
    }
    ImGuiIO& io = ImGui::GetIO();
    // The admin screen (dashboard, tables) uses a wider column on big screens.
    const float column = st.screen == Screen::Admin ? ui::Px(1400) : ui::Px(760);
    const float pad_x = std::max(ui::Px(20), (io.DisplaySize.x - column) * 0.5f);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    // A new page starts at the top, in this very frame (SetScrollY would apply next frame).
    const bool new_page = st.drawn_screen != st.screen || st.scroll_to_top;
    if (new_page) ImGui::SetNextWindowScroll(ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(pad_x, ui::Px(12)));
    ImGui::Begin("##root", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav);
    ImGui::PopStyleVar();
    if (new_page) {
    } else if (platform.scroll_delta_y != 0 && st.idle_warning_at == 0)
        ImGui::SetScrollY(ImGui::GetScrollY() - platform.scroll_delta_y);
    st.drawn_screen = st.screen;
    st.scroll_to_top = false;

    ImGui::PushID(static_cast<int>(st.session));   // every widget id is per session
    DrawHeader(st, s);
    if (!st.kiosk_mode && !st.phone) {
        ui::ErrorText("kiosk.off", T(st.lang, AppText::KioskOff));
        if (st.screen == Screen::Start &&
            ui::SecondaryButton("kiosk.resume", T(st.lang, AppText::KioskResume), ImGui::GetContentRegionAvail().x))
            st.kiosk_mode = true;
    }
    const Screen drawing = st.screen;
    Info(drawing).draw(st, s);
    DrawSyncLine(st, s);
    ImGui::Dummy(ImVec2(0, ui::Px(24)));
    ImGui::PopID();
    ImGui::End();
    if (st.idle_warning_at > 0 && IsSessionScreen(st.screen)) {
        ImGui::PushID(static_cast<int>(st.session));
        DrawIdleWarning(st);
        ImGui::PopID();
    }
    ui::EndFrame();
}

}  // namespace comptoir::app
