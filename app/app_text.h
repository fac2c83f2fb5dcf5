// app/app_text.h — the screens' translated strings (table in app/texts.inc).
//
//   T(Lang::Nl, AppText::RegSave) -> "Opslaan"
// Core's texts (validation errors) stay in core: use comptoir::ErrorMessage for those.
//
// The admin mode's rows (app/admin_texts.inc, app/admin_tabs_texts.inc) live in their own
// translation unit, app/admin_text.cpp, so the browser's kiosk module, which has no admin
// mode (app/CMakeLists.txt), does not download them: there app/admin_link_web.cpp answers
// AdminText() instead. The few admin rows that kiosk screens show are listed in
// app/app_text.cpp (KioskUsesAdminText) and stay in the kiosk's table.
#pragma once
#include <string>

#include "core/i18n.h"

namespace comptoir::app {

enum class AppText : int {
#define APP_TEXT(id, fr, nl, en) id,
#include "app/texts.inc"
#include "app/admin_texts.inc"
#include "app/admin_tabs_texts.inc"
#undef APP_TEXT
    Count_
};

const char* T(Lang lang, AppText id);
// printf-style formatting of a translated pattern ("%s", "%d").
std::string Tf(Lang lang, AppText id, ...);

// Rows of app/texts.inc: the first kKioskTextCount ids; the admin mode's follow.
namespace text_detail {
enum : int {
#define APP_TEXT(id, fr, nl, en) kKioskRow_##id,
#include "app/texts.inc"
#undef APP_TEXT
    kKioskTextCount
};
}  // namespace text_detail
inline constexpr int kKioskTextCount = text_detail::kKioskTextCount;
// One row of a text table (app/app_text.cpp, app/admin_text.cpp): the text per Lang.
struct TextRow {
    const char* text[kLangCount];
};

// Internal to T(): the text of an admin-mode id (id >= kKioskTextCount) not kept in the
// kiosk's table. app/admin_text.cpp (native app, browser admin module); app/admin_link_web.cpp
// (browser kiosk module: "", its admin screens never draw).
const char* AdminText(Lang lang, AppText id);

}  // namespace comptoir::app
