// core/i18n.cpp — see i18n.h. The text table is generated from core/texts.inc.
#include "core/i18n.h"

#include <cctype>

namespace comptoir {

namespace {

struct TextRow {
    const char* name;
    const char* lang[kLangCount];
};

constexpr TextRow kTexts[] = {
#define COMPTOIR_TEXT(id, fr, nl, en) {#id, {fr, nl, en}},
#include "core/texts.inc"
#undef COMPTOIR_TEXT
};
static_assert(sizeof(kTexts) / sizeof(kTexts[0]) == size_t(Text::Count_), "text table out of sync");

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

const char* LangCode(Lang lang) {
    switch (lang) {
        case Lang::Fr: return "fr";
        case Lang::Nl: return "nl";
        case Lang::En: return "en";
    }
    return "fr";
}

std::optional<Lang> LangFromCode(std::string_view code) {
    if (code.size() < 2) return std::nullopt;
    if (code.size() > 2 && code[2] != '-' && code[2] != '_') return std::nullopt;
    char a = char(std::tolower(static_cast<unsigned char>(code[0])));
    char b = char(std::tolower(static_cast<unsigned char>(code[1])));
    if (a == 'f' && b == 'r') return Lang::Fr;
    if (a == 'n' && b == 'l') return Lang::Nl;
    if (a == 'e' && b == 'n') return Lang::En;
    return std::nullopt;
}

const char* Tr(Lang lang, Text id) {
    int i = int(id);
    int l = int(lang);
    if (i < 0 || i >= int(Text::Count_) || l < 0 || l >= kLangCount) return "";
    return kTexts[i].lang[l];
}

const char* TextName(Text id) {
    int i = int(id);
    if (i < 0 || i >= int(Text::Count_)) return "";
    return kTexts[i].name;
}

std::string FormatDate(Lang lang, std::string_view iso) {
    // Accepts "YYYY-MM-DD" optionally followed by a time ("2026-11-27T14:00:00Z").
    if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return std::string(iso);
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!IsDigit(iso[size_t(i)])) return std::string(iso);
    std::string y(iso.substr(0, 4)), m(iso.substr(5, 2)), d(iso.substr(8, 2));
    int month = (m[0] - '0') * 10 + (m[1] - '0');
    if (month < 1 || month > 12) return std::string(iso);
    switch (lang) {
        case Lang::Fr: return d + "/" + m + "/" + y;
        case Lang::Nl: return d + "-" + m + "-" + y;
        case Lang::En: {
            static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            std::string day = d[0] == '0' ? d.substr(1) : d;
            return day + " " + kMonths[month - 1] + " " + y;
        }
    }
    return std::string(iso);
}

}  // namespace comptoir
