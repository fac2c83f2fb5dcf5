// app/screen_returning.cpp — a creator already registered finds themself by email; only
// the first name is ever shown back. With a current event, the attendance is recorded.
#include "app/app.h"
#include "app/app_text.h"
#include "imgui.h"

namespace comptoir::app {

void DrawReturningScreen(AppState& st, AppServices& s) {
    ReturningForm& f = st.ret;
    const Lang L = st.lang;
    ui::Title(T(L, AppText::RetTitle));
    ui::Paragraph(T(L, AppText::RetIntro));
    if (ui::TextField("ret.email", T(L, AppText::RegEmail), &f.email, ui::FieldKind::Email, nullptr))
        f.result = ReturningForm::Result::None;
    const float w = ImGui::GetContentRegionAvail().x;
    if (f.result == ReturningForm::Result::None) {
        const bool enter = ui::TakeSubmit();   // Enter in the email field (keyboard)
        if (ui::PrimaryButton("ret.find", T(L, AppText::RetFind), w) || enter) {
            ui::ClearTextFocus();
            if (auto found = FindReturning(s, f.email)) {
                f.first_name = found->first_name;
                f.result = ReturningForm::Result::Found;
                CheckInReturning(s, found->creator_id, [&st](bool ok) {
                    if (ok && st.screen == Screen::Returning) st.ret.result = ReturningForm::Result::CheckedIn;
                });
            } else {
                f.result = ReturningForm::Result::NotFound;
            }
        }
    }
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    switch (f.result) {
        case ReturningForm::Result::None: break;
        case ReturningForm::Result::NotFound: ui::ErrorText("ret.result", T(L, AppText::RetNotFound)); break;
        case ReturningForm::Result::Found:
        case ReturningForm::Result::CheckedIn: {
            std::string hello = Tf(L, AppText::RetHello, f.first_name.c_str());
            ui::SuccessBanner("ret.result", hello.c_str());
            ui::Paragraph(T(L, f.result == ReturningForm::Result::CheckedIn ? AppText::RetCheckedIn : AppText::RetKnown));
            break;
        }
    }
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    if (ui::SecondaryButton("ret.back", T(L, AppText::Back), w)) GoTo(st, Screen::Start);
}

}  // namespace comptoir::app
