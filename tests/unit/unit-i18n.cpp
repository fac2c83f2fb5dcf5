// tests/unit/unit-i18n.cpp — languages and core's texts (core/i18n.h).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/i18n.h"

using namespace comptoir;

TEST_CASE("every text exists, non-empty, in the three languages") {
    std::set<std::string> names;
    for (int i = 0; i < int(Text::Count_); ++i) {
        Text id = Text(i);
        CAPTURE(TextName(id));
        CHECK(std::string(TextName(id)).size() > 0);
        CHECK(names.insert(TextName(id)).second);  // names are unique
        for (Lang l : {Lang::Fr, Lang::Nl, Lang::En}) CHECK(std::string(Tr(l, id)).size() > 0);
    }
    CHECK(int(Text::Count_) >= 13);
}

TEST_CASE("translations are really translated") {
    // Dutch and French must differ for sentences (a forgotten copy-paste is a bug).
    for (Text id : {Text::ErrRequired, Text::ErrEmailInvalid, Text::ConsentProcessingText, Text::ConsentContact}) {
        CAPTURE(TextName(id));
        CHECK(std::string(Tr(Lang::Fr, id)) != Tr(Lang::Nl, id));
        CHECK(std::string(Tr(Lang::Fr, id)) != Tr(Lang::En, id));
    }
    CHECK(std::string(Tr(Lang::Nl, Text::ErrEmailInvalid)).rfind("Dit e-mailadres is ongeldig", 0) == 0);
    CHECK(std::string(Tr(Lang::Fr, Text::ErrRequired)) == "Ce champ est obligatoire.");
    CHECK(std::string(TextName(Text::ErrEmailInvalid)) == "ErrEmailInvalid");
}

TEST_CASE("language codes") {
    SUBCASE("codes") {
        CHECK(std::string(LangCode(Lang::Fr)) == "fr");
        CHECK(std::string(LangCode(Lang::Nl)) == "nl");
        CHECK(std::string(LangCode(Lang::En)) == "en");
    }
    SUBCASE("parsing accepts regions and any case") {
        CHECK(LangFromCode("fr") == Lang::Fr);
        CHECK(LangFromCode("fr-BE") == Lang::Fr);
        CHECK(LangFromCode("NL") == Lang::Nl);
        CHECK(LangFromCode("nl_BE") == Lang::Nl);
        CHECK(LangFromCode("en-GB") == Lang::En);
        CHECK_FALSE(LangFromCode("de").has_value());
        CHECK_FALSE(LangFromCode("").has_value());
        CHECK_FALSE(LangFromCode("f").has_value());
        CHECK_FALSE(LangFromCode("french").has_value());
    }
}

TEST_CASE("dates follow the language") {
    CHECK(FormatDate(Lang::Fr, "2026-11-27") == "27/11/2026");
    CHECK(FormatDate(Lang::Nl, "2026-11-27") == "27-11-2026");
    CHECK(FormatDate(Lang::En, "2026-11-27") == "27 Nov 2026");
    CHECK(FormatDate(Lang::En, "2026-01-05T10:00:00Z") == "5 Jan 2026");
    CHECK(FormatDate(Lang::Fr, "not a date") == "not a date");
    CHECK(FormatDate(Lang::Fr, "2026-13-01") == "2026-13-01");
}
