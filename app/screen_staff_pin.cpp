// app/screen_staff_pin.cpp — the staff PIN pad in front of the staff panel. Digits are
// tapped on the pad (or typed on a physical keyboard: digits, Backspace, Enter); the
// PIN is checked with TryStaffPin, which slows guessing down (5 wrong -> 30 s lock,
// then doubling). The typed digits live only in st.pin and are wiped with the session.
#include <algorithm>

#include "app/app.h"
#include "app/app_text.h"
#include "app/pin.h"
#include "imgui.h"

namespace comptoir::app {

namespace {
constexpr size_t kMaxPinDigits = 8;

void Submit(AppState& st, AppServices& s) {
    PinAttempt a = TryStaffPin(s, st.pin.pin, st.now_ms);
    st.pin.pin.clear();
    st.pin.failures = a.failures;
    st.pin.locked_until_ms = a.locked_until_ms;
    if (a.ok) {
        st.pin = StaffPinForm{};
        st.staff = StaffForm{};
        st.staff.edit = st.kiosk;
        GoTo(st, Screen::Staff);
        return;
    }
    st.pin.wrong = !a.locked;
}
}  // namespace

void DrawStaffPinScreen(AppState& st, AppServices& s) {
    StaffPinForm& f = st.pin;
    const Lang L = st.lang;
    if (f.locked_until_ms == 0) f.locked_until_ms = StaffPinLockedUntil(s);
    const bool locked = f.locked_until_ms > st.now_ms;
    if (!locked && f.locked_until_ms > 0) f.locked_until_ms = 0;

    ui::Title(T(L, AppText::StaffPinTitle));
    ui::Paragraph(T(L, AppText::StaffPinIntro));
    ImGui::Dummy(ImVec2(0, ui::Px(8)));

    // The PIN as dots (never the digits).
    const float dot = ui::Px(14), gap = ui::Px(14);
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    size_t shown = std::max<size_t>(4, f.pin.size());
    for (size_t i = 0; i < shown; ++i) {
        ImVec2 c(p.x + dot + i * (2 * dot + gap), p.y + dot + ui::Px(4));
        if (i < f.pin.size()) dl->AddCircleFilled(c, dot, IM_COL32(21, 75, 137, 255));
        else dl->AddCircle(c, dot, IM_COL32(110, 116, 128, 255), 0, ui::Px(2));
    }
    ImGui::Dummy(ImVec2(shown * (2 * dot + gap), 2 * dot + ui::Px(8)));
    ui::RecordLastItem("pin.dots");

    if (locked) {
        int left = static_cast<int>((f.locked_until_ms - st.now_ms + 999) / 1000);
        std::string msg = Tf(L, AppText::StaffPinLocked, left);
        ui::ErrorText("pin.locked", msg.c_str());
    } else if (f.wrong) {
        std::string msg = Tf(L, AppText::StaffPinWrong, std::max(0, kPinFreeAttempts - f.failures));
        ui::ErrorText("pin.wrong", f.failures >= kPinFreeAttempts ? T(L, AppText::StaffPinWrongLast) : msg.c_str());
    }
    ImGui::Dummy(ImVec2(0, ui::Px(8)));

    // Physical keyboard: digits, Backspace, Enter.
    ImGuiIO& io = ImGui::GetIO();
    bool submit = false;
    if (!locked) {
        for (int i = 0; i < io.InputQueueCharacters.Size; ++i) {
            ImWchar c = io.InputQueueCharacters[i];
            if (c >= '0' && c <= '9' && f.pin.size() < kMaxPinDigits) f.pin += static_cast<char>(c), f.wrong = false;
        }
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace)) && !f.pin.empty()) f.pin.pop_back();
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
            ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false))
            submit = IsValidPinFormat(f.pin);
    }

    // The pad: 1-9, erase, 0, OK. Big keys, at most 420 px wide.
    const float width = std::min(ImGui::GetContentRegionAvail().x, ui::Px(420));
    const float kgap = ui::Px(12);
    const float kw = (width - 2 * kgap) / 3, kh = ui::Px(72);
    const char* labels[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", T(L, AppText::StaffPinErase), "0", "OK"};
    const char* keys[12] = {"pin.1", "pin.2", "pin.3", "pin.4", "pin.5", "pin.6",
                            "pin.7", "pin.8", "pin.9", "pin.del", "pin.0", "pin.ok"};
    ImGui::BeginDisabled(locked);
    ImGui::PushFont(ui::GetFonts().heading);
    for (int i = 0; i < 12; ++i) {
        if (i % 3) ImGui::SameLine(0, kgap);
        const bool ok_key = i == 11;
        if (!ok_key) {
            ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1, 1, 1, 1));
            ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.93f, 0.95f, 0.99f, 1));
            ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.85f, 0.89f, 0.96f, 1));
        } else {
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
        }
        ImGui::PushID(keys[i]);
        if (ImGui::Button(labels[i], ImVec2(kw, kh))) {
            f.wrong = false;
            if (i == 9) {
                if (!f.pin.empty()) f.pin.pop_back();
            } else if (ok_key) {
                submit = IsValidPinFormat(f.pin);
                if (!submit) f.wrong = true;
            } else if (f.pin.size() < kMaxPinDigits) {
                f.pin += labels[i];
            }
        }
        ImGui::PopID();
        ImGui::PopStyleColor(ok_key ? 1 : 3);
        ui::RecordLastItem(keys[i]);
    }
    ImGui::PopFont();
    ImGui::EndDisabled();
    if (submit && !locked) Submit(st, s);

    ImGui::Dummy(ImVec2(0, ui::Px(12)));
    if (ui::SecondaryButton("pin.cancel", T(L, AppText::Back), width)) GoTo(st, Screen::Start);
}

}  // namespace comptoir::app
