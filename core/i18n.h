// core/i18n.h — the three languages of Comptoir and core's translated texts.
//
// Every user-facing text exists in French (first), Dutch and English. Texts are
// declared once in an X-macro table (core/texts.inc for core: validation errors,
// consent texts, catalogue-independent labels); app/ keeps its own table for screens
// with the same mechanism. Catalogue labels (sectors, professions, need items) are
// data, stored with their three labels.
//
//   Tr(Lang::Nl, Text::ErrEmailInvalid)  -> "Dit e-mailadres is ongeldig."
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace comptoir {

enum class Lang { Fr = 0, Nl = 1, En = 2 };
constexpr int kLangCount = 3;

const char* LangCode(Lang lang);                       // "fr", "nl", "en"
std::optional<Lang> LangFromCode(std::string_view code);  // accepts "fr", "fr-BE", "NL"...

enum class Text : int {
#define COMPTOIR_TEXT(id, fr, nl, en) id,
#include "core/texts.inc"
#undef COMPTOIR_TEXT
    Count_
};

const char* Tr(Lang lang, Text id);
// The stable name of a text id, e.g. "ErrEmailInvalid" (for tests and logs).
const char* TextName(Text id);

// Formats a date "2026-11-27" for the language: "27/11/2026" (fr), "27-11-2026" (nl), "27 Nov 2026" (en).
std::string FormatDate(Lang lang, std::string_view iso_date);

}  // namespace comptoir
