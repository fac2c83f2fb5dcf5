// app/admin_link_web.cpp — the admin mode as seen from the browser KIOSK module
// (web/comptoir.js + comptoir.wasm). The admin mode (app/admin*.cpp) is built into a
// second module, comptoir-admin.{js,wasm} (app/CMakeLists.txt), that a kiosk or phone
// never downloads: a first visit fetches only the kiosk module. Here the admin entry
// points of app/admin.h are links to that module:
//   OpenAdmin (the staff panel's "admin" button, "#admin" typed into an open page)
//     -> web/js/boot.js Module.comptoirBoot.openAdmin(): the address becomes "#admin" and the
//        page reloads; boot.js then loads comptoir-admin.js instead of this module.
// The admin module is the whole app plus the admin mode: opened on an enrolled kiosk it
// keeps running it as a kiosk after the admin session ends (app/main_web.cpp removes
// "#admin" from the address then, so a reload comes back to this module).
// The admin screens never show in this module, so they draw nothing.
#include <emscripten/emscripten.h>

#include "app/admin.h"
#include "app/app.h"
#include "app/app_text.h"

namespace comptoir::app {

namespace {
// clang-format off
EM_JS(void, js_open_admin_module, (), {
    var B = Module['comptoirBoot'];
    if (B && B.openAdmin) B.openAdmin();
});
// clang-format on
}  // namespace

void OpenAdmin(AppState&, bool) { js_open_admin_module(); }

// No admin session ever lives in this module: nothing to wipe but the (empty) state.
void AdminSignOut(AppState& st) { st.admin = AdminState{}; }
void DrawAdminSignInScreen(AppState&, AppServices&) {}
void DrawAdminScreen(AppState&, AppServices&) {}
void AdminStateJson(const AppState&, void*) {}

// The admin mode's texts (app/admin_text.cpp) are not in this module (app/app_text.h):
// only admin screens show them, and those never draw here.
const char* AdminText(Lang, AppText) { return ""; }

}  // namespace comptoir::app
