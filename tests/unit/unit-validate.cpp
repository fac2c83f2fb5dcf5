// tests/unit/unit-validate.cpp — normalization and validation (core/validate.h).
#include <doctest/doctest.h>

#include "core/validate.h"
#include "tests/unit/core_fixtures.h"

using namespace comptoir;
using comptoir::test::HasError;

namespace {

std::string Norm(std::string_view in, size_t max = kMaxNameLength, bool required = true, ErrorCode expect = ErrorCode::None) {
    std::string out = "untouched";
    ErrorCode e = NormalizeText(in, max, required, &out);
    CHECK_MESSAGE(e == expect, "input: ", std::string(in), " got: ", ErrorWireId(e));
    return out;
}

ErrorCode Email(std::string_view in, std::string* out) { return NormalizeEmail(in, out); }

std::string Phone(std::string_view in) {
    std::string out;
    ErrorCode e = NormalizePhone(in, &out);
    return e == ErrorCode::None ? out : std::string("ERR:") + ErrorWireId(e);
}

std::string Url(std::string_view in) {
    std::string out;
    ErrorCode e = NormalizeUrl(in, &out);
    return e == ErrorCode::None ? out : std::string("ERR:") + ErrorWireId(e);
}

}  // namespace

TEST_CASE("NormalizeText") {
    SUBCASE("every character is kept") {
        for (const char* name : {"Élodie", "Muñoz", "Œdipe", "Łukasz", "Ørsted", "王小明", "محمد", "Zoë 🎬",
                                 "👩‍🎨 Frida", "Ngũgĩ wa Thiong'o", "Ἀθηνᾶ", "Dvořák", "Þór"}) {
            CHECK(Norm(name) == name);
        }
    }
    SUBCASE("combining sequences are composed to NFC") {
        CHECK(Norm("e\xCC\x81lodie") == "\xC3\xA9lodie");                  // e + U+0301 -> é
        CHECK(Norm("Mun\xCC\x83oz") == "Mu\xC3\xB1oz");                     // n + U+0303 -> ñ
        CHECK(Norm("A\xCC\x8A" "se") == "\xC3\x85se");                      // A + ring -> Å
        CHECK(Norm("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB") == "\xED\x95\x9C");  // Hangul jamo -> 한
    }
    SUBCASE("Unicode spaces are trimmed at both ends, kept inside") {
        CHECK(Norm("  Anne  ") == "Anne");
        CHECK(Norm("\xC2\xA0" "Anne\xE3\x80\x80") == "Anne");  // NBSP, ideographic space
        CHECK(Norm("Anne Marie") == "Anne Marie");
        CHECK(Norm("\xE2\x80\xAF" "Jean-Luc\xE2\x80\x83") == "Jean-Luc");
    }
    SUBCASE("control characters are refused, never removed") {
        Norm("Anne\x01", kMaxNameLength, true, ErrorCode::ControlChars);
        Norm("An\tne", kMaxNameLength, true, ErrorCode::ControlChars);
        Norm("Anne\n", kMaxNameLength, true, ErrorCode::ControlChars);
        Norm("An\rne", kMaxNameLength, true, ErrorCode::ControlChars);
        Norm("Anne\x7F", kMaxNameLength, true, ErrorCode::ControlChars);
        Norm("Anne\xC2\x85", kMaxNameLength, true, ErrorCode::ControlChars);   // U+0085 (C1)
        Norm("Anne\xC2\x9B", kMaxNameLength, true, ErrorCode::ControlChars);   // U+009B (C1)
        Norm("Anne\xE2\x80\xA8", kMaxNameLength, true, ErrorCode::ControlChars);  // U+2028
        Norm(std::string_view("An\0ne", 5), kMaxNameLength, true, ErrorCode::ControlChars);
    }
    SUBCASE("invalid UTF-8 is refused") {
        Norm("\xC3\x28", kMaxNameLength, true, ErrorCode::InvalidUtf8);
        Norm("\xC0\xAF", kMaxNameLength, true, ErrorCode::InvalidUtf8);          // overlong '/'
        Norm("\xED\xA0\x80", kMaxNameLength, true, ErrorCode::InvalidUtf8);      // surrogate
        Norm("Anne\xF4\x90\x80\x80", kMaxNameLength, true, ErrorCode::InvalidUtf8);  // > U+10FFFF
        Norm("caf\xC3", kMaxNameLength, true, ErrorCode::InvalidUtf8);           // truncated
    }
    SUBCASE("required and optional empty values") {
        Norm("", kMaxNameLength, true, ErrorCode::Required);
        Norm(" \xC2\xA0 ", kMaxNameLength, true, ErrorCode::Required);
        CHECK(Norm("   ", kMaxNameLength, false) == "");
    }
    SUBCASE("length counts code points after normalization") {
        std::string hundred_e_acute;
        for (int i = 0; i < 100; ++i) hundred_e_acute += "e\xCC\x81";  // 300 bytes before NFC
        CHECK(Norm(hundred_e_acute).size() == 200);
        Norm(std::string(101, 'a'), kMaxNameLength, true, ErrorCode::TooLong);
        std::string out = "untouched";
        CHECK(NormalizeText(std::string(101, 'a'), kMaxNameLength, true, &out) == ErrorCode::TooLong);
        CHECK(out == "untouched");
    }
    SUBCASE("multiline text: line feeds kept, CRLF unified, other controls refused") {
        std::string out;
        CHECK(NormalizeMultilineText("Ligne 1\r\nLigne 2\rLigne 3\n\n", kMaxCommentLength, false, &out) == ErrorCode::None);
        CHECK(out == "Ligne 1\nLigne 2\nLigne 3");
        CHECK(NormalizeMultilineText("a\tb", kMaxCommentLength, false, &out) == ErrorCode::ControlChars);
        CHECK(NormalizeMultilineText("a\x1B[31m", kMaxCommentLength, false, &out) == ErrorCode::ControlChars);
    }
    SUBCASE("ASCII text (its own fast path) follows the same rules as any text") {
        std::string out;
        CHECK(NormalizeMultilineText("\n  Ligne 1\nLigne 2 \n\n ", kMaxCommentLength, false, &out) == ErrorCode::None);
        CHECK(out == "Ligne 1\nLigne 2");
        CHECK(NormalizeMultilineText("\n\xC2\xA0Ligne 1\nLigne 2 \n\n ", kMaxCommentLength, false, &out) == ErrorCode::None);
        CHECK(out == "Ligne 1\nLigne 2");  // the same through utf8proc (NBSP)
        CHECK(Norm(std::string(100, 'a')).size() == 100);
        CHECK(Norm(" Anne ", 4) == "Anne");
        Norm(" Annie ", 4, true, ErrorCode::TooLong);
        Norm("Anne\x1F", kMaxNameLength, true, ErrorCode::ControlChars);
        out = "untouched";
        CHECK(NormalizeText("    ", kMaxNameLength, true, &out) == ErrorCode::Required);
        CHECK(out == "untouched");
    }
}

TEST_CASE("NormalizeEmail and EmailIdentityKey") {
    std::string out;
    SUBCASE("trimmed, domain lowercased, local part kept") {
        CHECK(Email("  Anne.Dupont@Example.BE ", &out) == ErrorCode::None);
        CHECK(out == "Anne.Dupont@example.be");
        CHECK(Email("a+films@sub.domain.co.uk", &out) == ErrorCode::None);
        CHECK(out == "a+films@sub.domain.co.uk");
    }
    SUBCASE("internationalized addresses stay UTF-8") {
        CHECK(Email("José@Café.BE", &out) == ErrorCode::None);
        CHECK(out == "José@café.be");
        CHECK(Email("用户@例子.广告", &out) == ErrorCode::None);
        CHECK(out == "用户@例子.广告");
        CHECK(Email("jose\xCC\x81@example.be", &out) == ErrorCode::None);
        CHECK(out == "jos\xC3\xA9@example.be");  // NFC
    }
    SUBCASE("invalid syntax") {
        for (const char* bad : {"anne", "anne@", "@example.be", "anne@example", "anne@@example.be", "an ne@example.be",
                                "anne@exa mple.be", "anne@.example.be", "anne@example..be", "anne@example.be.",
                                ".anne@example.be", "anne.@example.be", "an..ne@example.be", "anne@-example.be",
                                "anne@example-.be", "anne@example.b", "anne@192.168.1.1", "an(ne)@example.be",
                                "anne@exa_mple.be", "anne@example.be,bob@example.be"}) {
            CHECK_MESSAGE(Email(bad, &out) == ErrorCode::EmailInvalid, bad);
        }
    }
    SUBCASE("ASCII host names (their own fast path) follow the same label rules") {
        CHECK(Email("anne@x.be", &out) == ErrorCode::None);
        CHECK(Email("anne@" + std::string(63, 'b') + ".be", &out) == ErrorCode::None);
        CHECK(Email("anne@" + std::string(64, 'b') + ".be", &out) == ErrorCode::EmailInvalid);
        CHECK(Email("anne@example.123", &out) == ErrorCode::EmailInvalid);
        CHECK(Email("anne@example.b2", &out) == ErrorCode::None);
        CHECK(Email("anne@EX-AMPLE.BE", &out) == ErrorCode::None);
        CHECK(out == "anne@ex-ample.be");
        CHECK(Email("anne@exa\x7Fmple.be", &out) == ErrorCode::ControlChars);
    }
    SUBCASE("empty, control characters, length") {
        CHECK(Email("  ", &out) == ErrorCode::Required);
        CHECK(Email("anne\n@example.be", &out) == ErrorCode::ControlChars);
        std::string long_local(64, 'a');
        std::string long_domain;
        for (int i = 0; i < 4; ++i) long_domain += std::string(60, 'b') + ".";
        CHECK(Email(long_local + "@" + long_domain + "be", &out) == ErrorCode::TooLong);
        CHECK(Email(std::string(65, 'a') + "@example.be", &out) == ErrorCode::EmailInvalid);
    }
    SUBCASE("identity key: one person whatever the case or composition") {
        std::string a, b, c;
        REQUIRE(Email("Anne.Dupont@Example.be", &a) == ErrorCode::None);
        REQUIRE(Email("anne.dupont@example.be", &b) == ErrorCode::None);
        REQUIRE(Email("ANNE.DUPONT@EXAMPLE.BE", &c) == ErrorCode::None);
        CHECK(EmailIdentityKey(a) == EmailIdentityKey(b));
        CHECK(EmailIdentityKey(c) == EmailIdentityKey(b));
        CHECK(EmailIdentityKey("Stra\xC3\x9F" "e@example.de") == "strasse@example.de");  // full case fold: ß -> ss
        CHECK(EmailIdentityKey("ÉLODIE@example.be") == EmailIdentityKey("élodie@example.be"));
        CHECK(EmailIdentityKey("anne@example.be") != EmailIdentityKey("anne2@example.be"));
        CHECK(EmailIdentityKey("Anne.DUPONT+crc@Example.BE") == "anne.dupont+crc@example.be");  // ASCII path
    }
}

TEST_CASE("NormalizePhone") {
    SUBCASE("Belgian mobiles in every usual spelling") {
        CHECK(Phone("0470 12 34 56") == "+32470123456");
        CHECK(Phone("0470/12.34.56") == "+32470123456");
        CHECK(Phone("0470-123-456") == "+32470123456");
        CHECK(Phone("+32 470 12 34 56") == "+32470123456");
        CHECK(Phone("0032 470 12 34 56") == "+32470123456");
        CHECK(Phone("+32 (0)470 12 34 56") == "+32470123456");
        CHECK(Phone(" 0470\xC2\xA0" "12\xC2\xA0" "34\xC2\xA0" "56 ") == "+32470123456");
    }
    SUBCASE("Belgian landlines: 8 national digits") {
        CHECK(Phone("065 12 34 56") == "+3265123456");   // Mons
        CHECK(Phone("02 123 45 67") == "+3221234567");   // Brussels
        CHECK(Phone("+32 65 12 34 56") == "+3265123456");
    }
    SUBCASE("foreign numbers keep + and digits") {
        CHECK(Phone("+33 6 12 34 56 78") == "+33612345678");
        CHECK(Phone("0033 6 12 34 56 78") == "+33612345678");
        CHECK(Phone("+31 20 123 4567") == "+31201234567");
    }
    SUBCASE("empty is allowed") { CHECK(Phone("  ") == ""); }
    SUBCASE("invalid numbers") {
        for (const char* bad : {"0470 12 34 5", "0470 12 34 567", "065 12 34 5", "470123456", "+32 0470 12 34 5",
                                "abc", "0470 12 34 5x", "+1234", "+0123456789", "+1234567890123456", "0", "++32470123456",
                                "+32 470 12 34 56 ext 2", "0800-12345x"}) {
            CHECK_MESSAGE(Phone(bad) == "ERR:phone.invalid", bad);
        }
        CHECK(Phone("0470\t123456") == "ERR:control_chars");
    }
}

TEST_CASE("NormalizePostcode") {
    std::string out;
    CHECK(NormalizePostcode(" 7000 ", &out) == ErrorCode::None);
    CHECK(out == "7000");
    CHECK(NormalizePostcode("1000", &out) == ErrorCode::None);
    CHECK(NormalizePostcode("9999", &out) == ErrorCode::None);
    CHECK(NormalizePostcode("", &out) == ErrorCode::None);
    CHECK(out == "");
    for (const char* bad : {"0999", "999", "10000", "70 00", "B-7000", "७०००", "７０００"})
        CHECK_MESSAGE(NormalizePostcode(bad, &out) == ErrorCode::PostcodeInvalid, bad);
}

TEST_CASE("NormalizeUrl") {
    CHECK(Url("monsite.be") == "https://monsite.be");
    CHECK(Url(" www.CRC-Mons.be/projets?x=1#top ") == "https://www.crc-mons.be/projets?x=1#top");
    CHECK(Url("HTTP://Example.com:8080/a") == "http://example.com:8080/a");
    CHECK(Url("https://café.be") == "https://café.be");
    CHECK(Url("") == "");
    for (const char* bad : {"ftp://example.com", "javascript:alert(1)", "https://localhost", "https://exa mple.com",
                            "https://user@example.com", "https://example.com:99999", "example", "https://.be",
                            "mailto:anne@example.be", "https://example.com:abc", "https://<x>.com"})
        CHECK_MESSAGE(Url(bad) == "ERR:url.invalid", bad);
}

TEST_CASE("ValidateCreator") {
    SUBCASE("a complete creator is normalized in place") {
        Creator c = comptoir::test::SampleRegistration().creator;
        c.first_name = "  e\xCC\x81lodie ";
        c.email = " Elodie@EXAMPLE.be";
        c.website = "elodie.be";
        c.languages = {"FR", "nl", "fr"};
        c.sectors = {"cinema", "musique", "cinema"};
        auto errors = ValidateCreator(c);
        CHECK_MESSAGE(errors.empty(), comptoir::test::ErrorsToString(errors));
        CHECK(c.first_name == "élodie");
        CHECK(c.email == "Elodie@example.be");
        CHECK(c.phone == "+32470123456");
        CHECK(c.website == "https://elodie.be");
        CHECK(c.languages == std::vector<std::string>{"fr", "nl"});
        CHECK(c.sectors == std::vector<std::string>{"cinema", "musique"});
    }
    SUBCASE("every error is reported with its field, in field order") {
        Creator c;
        c.email = "nope";
        c.phone = "12";
        c.postcode = "700";
        c.website = "ftp://x.be";
        c.sectors = {"Cinéma"};
        c.work.statuses = {"artiste"};
        c.work.ata_level = "expert";
        c.preferred_lang = "de";
        auto errors = ValidateCreator(c);
        CHECK(HasError(errors, "first_name", ErrorCode::Required));
        CHECK(HasError(errors, "last_name", ErrorCode::Required));
        CHECK(HasError(errors, "email", ErrorCode::EmailInvalid));
        CHECK(HasError(errors, "phone", ErrorCode::PhoneInvalid));
        CHECK(HasError(errors, "postcode", ErrorCode::PostcodeInvalid));
        CHECK(HasError(errors, "website", ErrorCode::UrlInvalid));
        CHECK(HasError(errors, "sectors[0]", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "work_status.statuses[0]", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "work_status.ata_level", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "preferred_lang", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "consents.processing", ErrorCode::ConsentRequired));
        REQUIRE(errors.size() >= 2);
        CHECK(errors[0].field == "first_name");
        CHECK(errors[1].field == "last_name");
    }
    SUBCASE("optional consents stay off with nothing recorded") {
        Creator c = comptoir::test::SampleRegistration().creator;
        c.consents.newsletter.given = false;
        c.consents.newsletter.at = "2026-11-27T14:00:00Z";
        c.consents.newsletter.text_version = "fr-2026-1";
        CHECK(ValidateCreator(c).empty());
        CHECK(c.consents.newsletter.at.empty());
        CHECK(c.consents.newsletter.text_version.empty());
    }
    SUBCASE("ids and times must be well-formed") {
        Creator c = comptoir::test::SampleRegistration().creator;
        c.id = "not-a-uuid";
        c.consents.processing.at = "27/11/2026";
        auto errors = ValidateCreator(c);
        CHECK(HasError(errors, "id", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "consents.processing.at", ErrorCode::InvalidValue));
    }
}

TEST_CASE("ValidateNeed, ValidateOffer, ValidateAttendance, ValidateEvent") {
    SUBCASE("need") {
        Need n;
        n.item = "espaces.salle-montage";
        n.frequency = "mensuel";
        n.comment = "  Deux jours\r\npar mois  ";
        CHECK(ValidateNeed(n).empty());
        CHECK(n.comment == "Deux jours\npar mois");
        n.frequency = "souvent";
        n.urgency = "demain";
        n.item = "";
        auto errors = ValidateNeed(n);
        CHECK(HasError(errors, "item", ErrorCode::Required));
        CHECK(HasError(errors, "frequency", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "urgency", ErrorCode::InvalidValue));
        n = Need{};
        n.item = "Espaces Salle";
        CHECK(HasError(ValidateNeed(n), "item", ErrorCode::InvalidValue));
    }
    SUBCASE("offer needs a kind and an item or a description") {
        Offer o;
        o.kind = "competence";
        CHECK(HasError(ValidateOffer(o), "description", ErrorCode::Required));
        o.description = "Montage sur DaVinci Resolve";
        CHECK(ValidateOffer(o).empty());
        o.kind = "argent";
        CHECK(HasError(ValidateOffer(o), "kind", ErrorCode::InvalidValue));
    }
    SUBCASE("attendance") {
        Attendance a;
        auto errors = ValidateAttendance(a);
        CHECK(HasError(errors, "creator_id", ErrorCode::Required));
        CHECK(HasError(errors, "event_id", ErrorCode::Required));
        a.creator_id = "0b0e6f1e-5a53-4c1e-9d7e-3c6a1c2b9f10";
        a.event_id = "table-cinema-2026-11";
        a.at = "2026-11-27T14:00:00+01:00";
        CHECK(ValidateAttendance(a).empty());
    }
    SUBCASE("event") {
        Event e{"table-cinema-2026-11", " Table cinéma ", "cinema", "2026-11-27", "CRC Mons", false};
        CHECK(ValidateEvent(e).empty());
        CHECK(e.title == "Table cinéma");
        e.date = "2026-02-30";
        CHECK(HasError(ValidateEvent(e), "date", ErrorCode::InvalidValue));
    }
}

TEST_CASE("ValidateRegistrationForKiosk requires a sector and a need") {
    Registration r = comptoir::test::SampleRegistration();
    CHECK(ValidateRegistrationForKiosk(r).empty());
    r.creator.sectors.clear();
    r.needs.clear();
    auto errors = ValidateRegistrationForKiosk(r);
    CHECK(HasError(errors, "sectors", ErrorCode::SectorRequired));
    CHECK(HasError(errors, "needs", ErrorCode::NeedRequired));
}

TEST_CASE("error ids are stable and translated") {
    CHECK(std::string(ErrorWireId(ErrorCode::EmailInvalid)) == "email.invalid");
    CHECK(std::string(ErrorWireId(ErrorCode::Required)) == "required");
    CHECK(std::string(ErrorWireId(ErrorCode::InvalidValue)) == "invalid_value");
    CHECK(std::string(ErrorWireId(ErrorCode::UnknownItem)) == "unknown_item");
    CHECK(std::string(ErrorWireId(ErrorCode::ConsentRequired)) == "consent.required");
    CHECK(std::string(ErrorMessage(ErrorCode::EmailInvalid, Lang::Nl)).find("e-mailadres") != std::string::npos);
    for (int code = int(ErrorCode::Required); code <= int(ErrorCode::InvalidValue); ++code) {
        for (Lang l : {Lang::Fr, Lang::Nl, Lang::En}) {
            CHECK(std::string(ErrorMessage(ErrorCode(code), l)).size() > 5);
        }
        CHECK(std::string(ErrorWireId(ErrorCode(code))).size() > 0);
    }
}
