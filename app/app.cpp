// app/app.cpp — the frame around every screen: header (brand, language switch, current
// event), the centered content column, the sync line; screen dispatch and timers.
//   [SECTION] Navigation and state
//   [SECTION] Frame
#include "app/app.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "app/app_text.h"
#include "imgui.h"

namespace comptoir::app {

// [SECTION] Navigation and state
const char* ScreenName(Screen s) {
    switch (s) {
        case Screen::StorageError: return "storage-error";
        case Screen::Setup: return "setup";
        case Screen::Start: return "start";
        case Screen::Register: return "register";
        case Screen::Done: return "done";
        case Screen::Returning: return "returning";
    }
    return "?";
}

void ResetPersonState(AppState& st) {
    st.reg = RegistrationForm{};
    st.ret = ReturningForm{};
    ui::ClearTextFocus();
}

void GoTo(AppState& st, Screen screen) {
    if (screen == Screen::Start) ResetPersonState(st);
    ui::ClearTextFocus();
    st.screen = screen;
}

void InitApp(AppState& st, AppServices& s, const std::string& enroll_code) {
    if (!StoreReady(s)) {
        st.screen = Screen::StorageError;
        return;
    }
    if (!IsEnrolled(s)) {
        st.screen = Screen::Setup;
        st.setup.code = enroll_code;
    } else {
        st.screen = Screen::Start;
    }
}

namespace {
bool HoldsPersonalData(Screen s) { return s == Screen::Register || s == Screen::Returning; }
}  // namespace

void NoteUserInput(AppState& st, int64_t now_ms) { st.last_input_ms = now_ms; }

int64_t NextTimerMs(const AppState& st) {
    if (st.screen == Screen::Done) return st.now_ms + 1000 - (st.now_ms % 1000);  // countdown redraw
    if (HoldsPersonalData(st.screen) && st.last_input_ms > 0) return st.last_input_ms + kInactivityResetMs;
    return 0;
}

std::string StateJson(const AppState& st) {
    nlohmann::json j = {{"screen", ScreenName(st.screen)}, {"lang", LangCode(st.lang)}};
    if (st.screen == Screen::Register) {
        nlohmann::json errs = nlohmann::json::array();
        for (const FieldError& e : st.reg.errors) errs.push_back({{"field", e.field}, {"code", ErrorWireId(e.code)}});
        j["errors"] = errs;
        j["saving"] = st.reg.saving;
    }
    if (st.screen == Screen::Setup) j["working"] = st.setup.working;
    if (st.screen == Screen::Start) j["creators_on_device"] = st.creators_on_device;
    if (st.screen == Screen::Returning) {
        const char* r[] = {"none", "not_found", "found", "checked_in"};
        j["result"] = r[static_cast<int>(st.ret.result)];
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
        std::string line = Tf(st.lang, AppText::CurrentEvent, ev->title.c_str());
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
}

}  // namespace

void DrawApp(AppState& st, AppServices& s, const ui::UiPlatform& platform, int64_t now_ms) {
    st.now_ms = now_ms;
    ui::BeginFrame(platform);
    ImGuiIO& io = ImGui::GetIO();
    const float column = ui::Px(760);
    const float pad_x = std::max(ui::Px(20), (io.DisplaySize.x - column) * 0.5f);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(pad_x, ui::Px(12)));
    ImGui::Begin("##root", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav);
    ImGui::PopStyleVar();
    if (st.drawn_screen != st.screen) ImGui::SetScrollY(0);   // also after async transitions
    else if (platform.scroll_delta_y != 0) ImGui::SetScrollY(ImGui::GetScrollY() - platform.scroll_delta_y);
    st.drawn_screen = st.screen;

    if (HoldsPersonalData(st.screen) && st.last_input_ms > 0 && now_ms - st.last_input_ms >= kInactivityResetMs &&
        !st.reg.saving)
        GoTo(st, Screen::Start);   // wipes the form
    DrawHeader(st, s);
    switch (st.screen) {
        case Screen::StorageError: DrawStorageErrorScreen(st, s); break;
        case Screen::Setup: DrawSetupScreen(st, s); break;
        case Screen::Start: DrawStartScreen(st, s); break;
        case Screen::Register: DrawRegisterScreen(st, s); break;
        case Screen::Done: DrawDoneScreen(st, s); break;
        case Screen::Returning: DrawReturningScreen(st, s); break;
    }
    DrawSyncLine(st, s);
    ImGui::Dummy(ImVec2(0, ui::Px(24)));
    ImGui::End();
    ui::EndFrame();
}

}  // namespace comptoir::app
