// app/screen_start.cpp — the welcome screen a creator sees first: register, or check in
// when already registered.
#include <algorithm>

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
    // A phone keeps nobody's data (it cannot look a person up): the server recognises a
    // known email and updates that record instead.
    if (st.phone) ui::MutedText(T(L, AppText::PhoneReturningHint));
    else if (ui::SecondaryButton("start.returning", T(L, AppText::StartReturning), w)) GoTo(st, Screen::Returning);
    ImGui::Dummy(ImVec2(0, ui::Px(20)));
    // "Register on your phone": a QR code of the app's address with the current event.
    // Only on a wide screen (a kiosk or tablet); a phone is already the phone.
    st.qr_url.clear();
    if (!st.app_url.empty() && !st.phone && ImGui::GetIO().DisplaySize.x >= ui::Px(700)) {
        auto ev = CurrentEvent(s);
        std::string url = PhoneUrl(st.app_url, ev ? ev->id : "", ev ? JoinCodeFor(s, ev->id) : "");
        ImGui::Dummy(ImVec2(0, ui::Px(12)));
        ImVec2 p = ImGui::GetCursorScreenPos();
        const float side = ui::Px(200), pad = ui::Px(16);
        const float w = ImGui::GetContentRegionAvail().x;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->ChannelsSplit(2);   // the card goes under its content once its height is known
        dl->ChannelsSetCurrent(1);
        ImGui::SetCursorScreenPos(ImVec2(p.x + pad, p.y + pad));
        float bottom = p.y;
        if (ui::QrCode("start.qr", url, side)) {
            st.qr_url = url;
            bottom = ImGui::GetItemRectMax().y + pad;
            ImGui::SameLine(0, ui::Px(24));
            ImGui::BeginGroup();
            ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ui::Px(24));
            ImGui::PushTextWrapPos(ImGui::GetWindowContentRegionMax().x - pad);
            ui::Heading(T(L, AppText::StartPhoneTitle));
            ui::Paragraph(T(L, AppText::StartPhoneBody));
            ImGui::PopTextWrapPos();
            ImGui::EndGroup();
            bottom = std::max(bottom, ImGui::GetItemRectMax().y + pad);
        }
        dl->ChannelsSetCurrent(0);
        if (bottom > p.y) dl->AddRectFilled(p, ImVec2(p.x + w, bottom), IM_COL32(255, 255, 255, 255), ui::Px(12));
        dl->ChannelsMerge();
        ImGui::SetCursorScreenPos(ImVec2(p.x, bottom));
        ImGui::Dummy(ImVec2(w, ui::Px(8)));
    }
    StoreCounts c = Counts(s);
    st.creators_on_device = c.creators;
    std::string count = Tf(L, AppText::StartCount, static_cast<int>(c.creators));
    ui::MutedText(count.c_str());
    ui::RecordLastItem("start.count");
}

}  // namespace comptoir::app
