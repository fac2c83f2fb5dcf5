// app/app_text.h — the screens' translated strings (table in app/texts.inc).
//
//   T(Lang::Nl, AppText::RegSave) -> "Opslaan"
// Core's texts (validation errors) stay in core: use comptoir::ErrorMessage for those.
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

}  // namespace comptoir::app
