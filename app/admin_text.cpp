// app/admin_text.cpp — the admin mode's translated strings (app/admin_texts.inc,
// app/admin_tabs_texts.inc), looked up by T() of app/app_text.cpp. A translation unit of
// its own so the browser's kiosk module leaves them out (app/app_text.h).
#include "app/app_text.h"

namespace comptoir::app {
namespace {
constexpr TextRow kAdminRows[] = {
#define APP_TEXT(id, fr, nl, en) {{fr, nl, en}},
#include "app/admin_texts.inc"
#include "app/admin_tabs_texts.inc"
#undef APP_TEXT
};
static_assert(sizeof(kAdminRows) / sizeof(kAdminRows[0]) ==
              static_cast<size_t>(AppText::Count_) - static_cast<size_t>(kKioskTextCount));
}  // namespace

const char* AdminText(Lang lang, AppText id) {
    const int i = static_cast<int>(id) - kKioskTextCount;
    if (i < 0 || i >= static_cast<int>(sizeof(kAdminRows) / sizeof(kAdminRows[0]))) return "";
    return kAdminRows[i].text[static_cast<int>(lang)];
}

}  // namespace comptoir::app
