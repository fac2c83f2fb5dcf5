// app/screen_storage_error.cpp — the device's store could not be opened (another tab,
// no IndexedDB, damaged data): nothing can be registered, say why.
#include "app/app.h"
#include "app/app_text.h"
#include "imgui.h"

namespace comptoir::app {

void DrawStorageErrorScreen(AppState& st, AppServices& s) {
    const Lang L = st.lang;
    ImGui::Dummy(ImVec2(0, ui::Px(24)));
    ui::VCenterRest("storage.centre");   // a kiosk's tall screen: not all at the top
    if (s.open_error == PersistError::OtherTab) {
        ui::ErrorText("storage.error", T(L, AppText::OtherTab));
    } else {
        ui::ErrorText("storage.error", PersistErrorText(L, s.open_error));
        if (!s.open_error_detail.empty()) ui::MutedText(s.open_error_detail.c_str());
    }
}

}  // namespace comptoir::app
