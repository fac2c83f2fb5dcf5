// app/app_text.cpp — lookup table generated from app/texts.inc (the admin mode's rows:
// app/admin_text.cpp, see app/app_text.h).
#include "app/app_text.h"

#include <cstdarg>
#include <cstdio>

namespace comptoir::app {
namespace {
using Row = TextRow;
constexpr Row kRows[] = {
#define APP_TEXT(id, fr, nl, en) {{fr, nl, en}},
#include "app/texts.inc"
#undef APP_TEXT
};
static_assert(sizeof(kRows) / sizeof(kRows[0]) == static_cast<size_t>(kKioskTextCount));

// Admin-mode rows that kiosk screens show too (the staff panel's "admin" button): kept
// here, so the browser's kiosk module has them without the admin texts.
constexpr bool KioskUsesAdminText(AppText id) { return id == AppText::AdminOpenFromStaff; }
// Indexed by id - kKioskTextCount; the rows not used by kiosk screens are empty (their
// literals are never emitted: the table is a constant expression).
constexpr Row kSharedAdminRows[] = {
#define APP_TEXT(id, fr, nl, en) KioskUsesAdminText(AppText::id) ? Row{{fr, nl, en}} : Row{{}},
#include "app/admin_texts.inc"
#include "app/admin_tabs_texts.inc"
#undef APP_TEXT
};
static_assert(sizeof(kSharedAdminRows) / sizeof(kSharedAdminRows[0]) ==
              static_cast<size_t>(AppText::Count_) - static_cast<size_t>(kKioskTextCount));
}  // namespace

const char* T(Lang lang, AppText id) {
    const int i = static_cast<int>(id);
    if (i < kKioskTextCount) return kRows[i].text[static_cast<int>(lang)];
    if (i >= static_cast<int>(AppText::Count_)) return "";
    const char* shared = kSharedAdminRows[i - kKioskTextCount].text[static_cast<int>(lang)];
    return shared ? shared : AdminText(lang, id);
}

std::string Tf(Lang lang, AppText id, ...) {
    char buf[512];
    va_list args;
    va_start(args, id);
    std::vsnprintf(buf, sizeof buf, T(lang, id), args);
    va_end(args);
    return buf;
}

}  // namespace comptoir::app
