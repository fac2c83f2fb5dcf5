// app/screen_done.cpp — "Merci, c'est enregistré": shown only after the registration is
// durable on the device; returns to the start by itself.
#include "app/app.h"
#include "app/app_text.h"
#include "imgui.h"

namespace comptoir::app {

void DrawDoneScreen(AppState& st, AppServices& s) {
    const Lang L = st.lang;
    ImGui::Dummy(ImVec2(0, ui::Px(24)));
    ui::VCenterRest("done.centre");   // a kiosk's tall screen: not all at the top
    ui::SuccessBanner("done.title", T(L, AppText::DoneTitle));
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    // A phone keeps nothing once the server has it: say where the registration goes.
    ui::Paragraph(T(L, IsPhone(s) ? AppText::DoneBodyPhone : AppText::DoneBody));
    int64_t left_s = (st.done_until_ms - st.now_ms + 999) / 1000;
    if (left_s <= 0) {
        GoTo(st, Screen::Start);
        return;
    }
    std::string countdown = Tf(L, AppText::DoneCountdown, static_cast<int>(left_s));
    ui::MutedText(countdown.c_str());
    ImGui::Dummy(ImVec2(0, ui::Px(16)));
    if (ui::PrimaryButton("done.back", T(L, AppText::DoneBack), ImGui::GetContentRegionAvail().x)) GoTo(st, Screen::Start);
}

}  // namespace comptoir::app
