// app/screen_start.cpp — the welcome screen a creator sees first: register, or check in
// when already registered.
#include "app/app.h"
#include "app/app_text.h"
#include "imgui.h"

namespace comptoir::app {

void DrawStartScreen(AppState& st, AppServices& s) {
    const Lang L = st.lang;
    ImGui::Dummy(ImVec2(0, ui::Px(16)));
    ui::Title(T(L, AppText::StartTitle));
    ui::Paragraph(T(L, AppText::StartIntro));
    ImGui::Dummy(ImVec2(0, ui::Px(20)));
    const float w = ImGui::GetContentRegionAvail().x;
    if (ui::PrimaryButton("start.new", T(L, AppText::StartNew), w)) GoTo(st, Screen::Register);
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    if (ui::SecondaryButton("start.returning", T(L, AppText::StartReturning), w)) GoTo(st, Screen::Returning);
    ImGui::Dummy(ImVec2(0, ui::Px(20)));
    StoreCounts c = Counts(s);
    st.creators_on_device = c.creators;
    std::string count = Tf(L, AppText::StartCount, static_cast<int>(c.creators));
    ui::MutedText(count.c_str());
    ui::RecordLastItem("start.count");
}

}  // namespace comptoir::app
