// app/screen_setup.cpp — first start: enroll this device with the server and choose the
// staff PIN. Shown while the device has no token (IsEnrolled() false).
#include "app/app.h"
#include "app/app_text.h"
#include "app/pin.h"
#include "imgui.h"

namespace comptoir::app {

namespace {
// A phone opened a kiosk's QR code: it enrolls itself with the join code, at once.
void DrawPhoneJoin(AppState& st, AppServices& s) {
    SetupForm& f = st.setup;
    const Lang L = st.lang;
    ui::Title(T(L, AppText::PhoneJoinTitle));
    if (!f.failure.empty()) {
        ui::ErrorText("setup.failure", f.failure.c_str());
        ImGui::Dummy(ImVec2(0, ui::Px(8)));
        if (!ui::PrimaryButton("setup.retry", T(L, AppText::PhoneJoinRetry), ImGui::GetContentRegionAvail().x)) return;
        f.failure.clear();
    }
    if (!f.working) {
        f.working = true;
        EnrollPhone(s, f.join_code, [&st](EnrollOutcome out) {
            st.setup.working = false;
            switch (out) {
                case EnrollOutcome::Ok:
                    st.setup = SetupForm{};
                    st.phone = true;
                    st.kiosk_mode = false;
                    GoTo(st, Screen::Start);
                    break;
                case EnrollOutcome::Refused: st.setup.failure = T(st.lang, AppText::ErrJoinRefused); break;
                case EnrollOutcome::Network: st.setup.failure = T(st.lang, AppText::ErrEnrollNetwork); break;
                case EnrollOutcome::Storage: st.setup.failure = T(st.lang, AppText::ErrStorage); break;
            }
        });
    }
    ui::Paragraph(T(L, AppText::PhoneJoinWorking));
    ui::RecordLastItem("setup.working");
}
}  // namespace

void DrawSetupScreen(AppState& st, AppServices& s) {
    SetupForm& f = st.setup;
    const Lang L = st.lang;
    if (!f.join_code.empty()) return DrawPhoneJoin(st, s);
    ui::Title(T(L, AppText::SetupTitle));
    ui::Paragraph(T(L, AppText::SetupIntro));
    ImGui::Dummy(ImVec2(0, ui::Px(8)));

    std::string trimmed_code = f.code;
    const char* err_code = f.tried && f.code.empty() ? ErrorMessage(ErrorCode::Required, L) : nullptr;
    const char* err_name = f.tried && f.device_name.empty() ? ErrorMessage(ErrorCode::Required, L) : nullptr;
    const char* err_pin = f.tried && !IsValidPinFormat(f.pin) ? T(L, AppText::ErrPinFormat) : nullptr;
    const char* err_pin2 = f.tried && !err_pin && f.pin != f.pin_again ? T(L, AppText::ErrPinMismatch) : nullptr;

    ui::TextField("setup.code", T(L, AppText::SetupCode), &f.code, ui::FieldKind::Code, err_code);
    ui::TextField("setup.name", T(L, AppText::SetupDeviceName), &f.device_name, ui::FieldKind::Text, err_name);
    ui::TextField("setup.pin", T(L, AppText::SetupPin), &f.pin, ui::FieldKind::Pin, err_pin);
    ui::TextField("setup.pin2", T(L, AppText::SetupPinAgain), &f.pin_again, ui::FieldKind::Pin, err_pin2);

    if (!f.failure.empty()) ui::ErrorText("setup.failure", f.failure.c_str());
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    if (f.working) {
        ui::Paragraph(T(L, AppText::SetupWorking));
        ui::RecordLastItem("setup.working");
        return;
    }
    const bool enter = ui::TakeSubmit();   // Enter after the last field (keyboard)
    if (ui::PrimaryButton("setup.submit", T(L, AppText::SetupSubmit), ImGui::GetContentRegionAvail().x) || enter) {
        f.tried = true;
        f.failure.clear();
        bool valid = !f.code.empty() && !f.device_name.empty() && IsValidPinFormat(f.pin) && f.pin == f.pin_again;
        if (valid) {
            f.working = true;
            ui::ClearTextFocus();
            // The callback may run after the form moved on: it only touches `st`, which
            // outlives every screen.
            EnrollDevice(s, f.code, f.device_name, f.pin, [&st](EnrollOutcome out) {
                st.setup.working = false;
                switch (out) {
                    case EnrollOutcome::Ok:
                        st.setup = SetupForm{};   // forget the PIN in clear
                        st.screen = Screen::Start;
                        break;
                    case EnrollOutcome::Refused: st.setup.failure = T(st.lang, AppText::ErrEnrollRefused); break;
                    case EnrollOutcome::Network: st.setup.failure = T(st.lang, AppText::ErrEnrollNetwork); break;
                    case EnrollOutcome::Storage: st.setup.failure = T(st.lang, AppText::ErrStorage); break;
                }
            });
        }
    }
}

}  // namespace comptoir::app
