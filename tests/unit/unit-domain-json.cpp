// tests/unit/unit-domain-json.cpp — sync-v1 `data` codecs (core/domain_json.h).
#include <doctest/doctest.h>

#include <random>

#include "core/domain_json.h"
#include "tests/unit/core_fixtures.h"

using namespace comptoir;
using comptoir::test::HasError;
using nlohmann::json;

TEST_CASE("creator data shape") {
    Creator c = comptoir::test::SampleRegistration().creator;
    c.first_name = "Łukasz 王 محمد 🎬";
    c.consents.processing.at = "2026-11-27T14:00:00.000Z";
    json j = ToJson(c);
    SUBCASE("fields as the contract names them") {
        CHECK(j["first_name"] == "Łukasz 王 محمد 🎬");
        CHECK(j["email"] == "anne.dupont@example.be");
        CHECK(j["sectors"] == json::array({"cinema"}));
        CHECK(j["professions"].size() == 2);
        CHECK(j["work_status"]["statuses"] == json::array({"independant-complementaire"}));
        CHECK(j["work_status"]["ata"] == true);
        CHECK(j["work_status"]["ata_level"] == "debutant");
        CHECK(j["work_status"]["arts_allowance"] == false);
        CHECK(j["work_status"]["via_smart"] == false);
        CHECK(j["consents"]["processing"]["given"] == true);
        CHECK(j["consents"]["processing"]["at"] == "2026-11-27T14:00:00.000Z");
        CHECK(j["consents"]["processing"]["text_version"] == "fr-2026-1");
        CHECK(j["consents"]["newsletter"]["given"] == false);
        CHECK(j["languages"] == json::array({"fr", "en"}));
        CHECK_FALSE(j.contains("id"));       // the envelope carries id and version
        CHECK_FALSE(j.contains("version"));
    }
    SUBCASE("round trip keeps every field and character") {
        Creator back;
        std::vector<FieldError> errors;
        REQUIRE(FromJson(json::parse(j.dump()), &back, &errors));
        CHECK(errors.empty());
        CHECK(ToJson(back) == j);
        CHECK(back.first_name == c.first_name);
        CHECK(back.work.ata_level == "debutant");
        CHECK(back.consents.contact.given);
    }
    SUBCASE("a minimal creator per contract decodes") {
        json min = {{"first_name", "Anne"}, {"last_name", "Dupont"}, {"email", "anne@example.be"},
                    {"consents", {{"processing", {{"given", true}}}}}};
        Creator m;
        std::vector<FieldError> errors;
        CHECK(FromJson(min, &m, &errors));
        CHECK(m.consents.processing.given);
        CHECK(m.sectors.empty());
        CHECK(m.preferred_lang == "fr");
        CHECK(ValidateCreator(m).empty());
    }
}

TEST_CASE("FromJson is strict and never throws") {
    std::vector<FieldError> errors;
    SUBCASE("missing required fields") {
        Creator c;
        CHECK_FALSE(FromJson(json::object(), &c, &errors));
        CHECK(HasError(errors, "first_name", ErrorCode::Required));
        CHECK(HasError(errors, "last_name", ErrorCode::Required));
        CHECK(HasError(errors, "email", ErrorCode::Required));
        CHECK(HasError(errors, "consents.processing.given", ErrorCode::Required));
    }
    SUBCASE("wrong types give invalid_value on the field") {
        json j = {{"first_name", 42}, {"last_name", json::array()}, {"email", true},
                  {"sectors", "cinema"}, {"professions", {"cinema.scenariste", 7}},
                  {"work_status", {{"ata", "yes"}, {"statuses", json::array({json::object()})}}},
                  {"consents", {{"processing", {{"given", 1}}}, {"newsletter", "no"}}}};
        Creator c;
        c.first_name = "unchanged";
        CHECK_FALSE(FromJson(j, &c, &errors));
        CHECK(c.first_name == "unchanged");  // nothing written on failure
        CHECK(HasError(errors, "first_name", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "last_name", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "email", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "sectors", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "professions[1]", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "work_status.ata", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "work_status.statuses[0]", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "consents.processing.given", ErrorCode::InvalidValue));
        CHECK(HasError(errors, "consents.newsletter", ErrorCode::InvalidValue));
    }
    SUBCASE("null counts as absent; unknown fields are ignored") {
        json j = {{"first_name", "A"}, {"last_name", "B"}, {"email", "a@b.be"}, {"phone", nullptr},
                  {"future_field", {1, 2, 3}}, {"consents", {{"processing", {{"given", true}, {"at", nullptr}}}}}};
        Creator c;
        CHECK(FromJson(j, &c, &errors));
        CHECK(c.phone.empty());
    }
    SUBCASE("data that is not an object") {
        Creator c;
        Need n;
        for (const json& bad : {json(nullptr), json(1), json("x"), json::array({1}), json(true)}) {
            errors.clear();
            CHECK_FALSE(FromJson(bad, &c, &errors));
            CHECK(HasError(errors, "data", ErrorCode::InvalidValue));
            CHECK_FALSE(FromJson(bad, &n, &errors));
        }
    }
    SUBCASE("need, offer, attendance") {
        Need n;
        CHECK_FALSE(FromJson(json{{"item", 3}}, &n, &errors));
        CHECK(HasError(errors, "creator_id", ErrorCode::Required));
        CHECK(HasError(errors, "item", ErrorCode::InvalidValue));
        errors.clear();
        CHECK(FromJson(json{{"creator_id", "c"}, {"item", "espaces.salle-montage"}, {"frequency", "mensuel"}}, &n, &errors));
        CHECK(n.frequency == "mensuel");
        Offer o;
        CHECK_FALSE(FromJson(json{{"creator_id", "c"}}, &o, &errors));
        CHECK(HasError(errors, "kind", ErrorCode::Required));
        Attendance a;
        errors.clear();
        CHECK(FromJson(ToJson(Attendance{"i", 1, "c", "e", "2026-11-27T14:00:00Z", ""}), &a, &errors));
        CHECK(a.event_id == "e");
    }
    SUBCASE("event and catalogue entry (pull)") {
        Event e{"ev1", "Table cinéma", "cinema", "2026-11-27", "Mons", false};
        Event back;
        back.id = "ev1";
        CHECK(FromJson(ToJson(e), &back, &errors));
        CHECK(ToJson(back) == ToJson(e));
        CatalogueEntry ce;
        ce.kind = "need_item";
        CHECK(FromJson(json{{"label_fr", "a"}, {"label_nl", "b"}, {"label_en", "c"}, {"sort", 5}}, &ce, &errors));
        CHECK(ce.kind == "need_item");  // kept from the pull entity when absent
        CHECK(ce.sort == 5);
        CHECK_FALSE(FromJson(json{{"label_fr", "a"}, {"label_nl", "b"}, {"label_en", "c"}, {"sort", 1.5}}, &ce, &errors));
        CHECK(HasError(errors, "sort", ErrorCode::InvalidValue));
        errors.clear();
        CHECK_FALSE(FromJson(json{{"label_fr", "a"}, {"label_nl", "b"}, {"label_en", "c"}, {"sort", 1LL << 40}}, &ce, &errors));
        CHECK(HasError(errors, "sort", ErrorCode::InvalidValue));
    }
}

TEST_CASE("FromJson survives random mutations (fuzz)") {
    std::mt19937 rng(12345);
    json base = ToJson(comptoir::test::SampleRegistration().creator);
    const json kValues[] = {json(nullptr), json(0), json(-1), json(1.5), json(""), json("x"), json(true),
                            json::array(), json::array({1, "a", nullptr}), json::object(),
                            json{{"given", "yes"}}, json(18446744073709551615ULL)};
    int decoded = 0;
    for (int round = 0; round < 2000; ++round) {
        json j = base;
        int mutations = 1 + int(rng() % 4);
        for (int m = 0; m < mutations; ++m) {
            json* target = &j;
            // Walk down a random path of objects.
            while (target->is_object() && !target->empty() && rng() % 3 != 0) {
                auto it = target->begin();
                std::advance(it, long(rng() % target->size()));
                if (!it->is_object()) {
                    *it = kValues[rng() % std::size(kValues)];
                    target = nullptr;
                    break;
                }
                target = &*it;
            }
            if (target) *target = kValues[rng() % std::size(kValues)];
        }
        Creator c;
        Need n;
        std::vector<FieldError> errors;
        bool ok = false;
        CHECK_NOTHROW(ok = FromJson(j, &c, &errors));
        CHECK(ok == errors.empty());
        if (ok) {
            ++decoded;
            CHECK_NOTHROW(ValidateCreator(c));
        }
        CHECK_NOTHROW(FromJson(j, &n, &errors));
    }
    CHECK(decoded > 0);
}

TEST_CASE("ErrorToJson") {
    json e = ErrorToJson(FieldError{"needs[0].item", ErrorCode::UnknownItem}, Lang::En);
    CHECK(e["code"] == "unknown_item");
    CHECK(e["field"] == "needs[0].item");
    CHECK(e["message"] == "This item does not exist in the catalogue.");
}
