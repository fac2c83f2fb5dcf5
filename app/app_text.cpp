// app/app_text.cpp — lookup table generated from app/texts.inc.
#include "app/app_text.h"

#include <cstdarg>
#include <cstdio>

namespace comptoir::app {
namespace {
struct Row {
    const char* text[kLangCount];
};
constexpr Row kRows[] = {
#define APP_TEXT(id, fr, nl, en) {{fr, nl, en}},
#include "app/texts.inc"
#include "app/admin_texts.inc"
#include "app/admin_tabs_texts.inc"
#undef APP_TEXT
};
static_assert(sizeof(kRows) / sizeof(kRows[0]) == static_cast<size_t>(AppText::Count_));
}  // namespace

const char* T(Lang lang, AppText id) {
    return kRows[static_cast<int>(id)].text[static_cast<int>(lang)];
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
