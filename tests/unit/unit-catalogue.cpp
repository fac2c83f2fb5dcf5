// tests/unit/unit-catalogue.cpp — the start catalogue and the consent text (core/catalogue.h).
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "core/catalogue.h"
#include "core/validate.h"

using namespace comptoir;

namespace {
int CountKind(const std::vector<CatalogueEntry>& all, const std::string& kind, const std::string& parent = "") {
    int n = 0;
    for (const auto& e : all)
        if (e.kind == kind && (parent.empty() || e.parent == parent)) ++n;
    return n;
}
}  // namespace

TEST_CASE("seed catalogue") {
    const auto all = SeedCatalogue();
    SUBCASE("the start lists of the product brief") {
        CHECK(CountKind(all, "sector") == 10);
        CHECK(CountKind(all, "profession", "cinema") == 26);
        CHECK(CountKind(all, "need_category") == 6);
        CHECK(CountKind(all, "need_item") >= 25);
        for (const char* id : {"cinema", "scene", "musique", "arts-plastiques", "photographie", "litterature", "design",
                               "mode", "jeu-video", "artisanat"})
            CHECK_MESSAGE(FindEntry(all, id) != nullptr, id);
        for (const char* id : {"materiel", "espaces", "services", "formation", "reseau", "financement"})
            CHECK_MESSAGE(FindEntry(all, id) != nullptr, id);
    }
    SUBCASE("the cinema table's priorities are there") {
        for (const char* id : {"reseau.cartographie-competences", "espaces.bureau-partage", "reseau.annuaire-professionnels",
                               "materiel.partage-equipement", "espaces.salle-montage", "services.juridique",
                               "services.comptabilite", "materiel.camera"}) {
            const CatalogueEntry* e = FindEntry(all, id);
            REQUIRE_MESSAGE(e != nullptr, id);
            CHECK(e->kind == "need_item");
        }
        CHECK(Label(*FindEntry(all, "reseau.cartographie-competences"), Lang::En) == "Skills map");
        CHECK(Label(*FindEntry(all, "cinema.scenariste"), Lang::Fr) == "Scénariste");
    }
    SUBCASE("every entry is valid, unique, with a parent of the right kind, labelled in three languages") {
        std::set<std::string> ids;
        for (auto e : all) {
            CAPTURE(e.id);
            CHECK(ids.insert(e.id).second);
            CHECK(ValidateCatalogueEntry(e).empty());
            CHECK_FALSE(e.retired);
            for (Lang l : {Lang::Fr, Lang::Nl, Lang::En}) CHECK(!Label(e, l).empty());
            if (e.kind == "profession" || e.kind == "need_item") {
                const CatalogueEntry* p = FindEntry(all, e.parent);
                REQUIRE(p != nullptr);
                CHECK(p->kind == (e.kind == "profession" ? "sector" : "need_category"));
                CHECK(e.id.rfind(e.parent + ".", 0) == 0);  // "<parent>.<name>"
            }
        }
    }
    SUBCASE("labels fall back to French, then the id") {
        CatalogueEntry e{"sector", "x", "", "Français", "", "", 0, false};
        CHECK(Label(e, Lang::Nl) == "Français");
        e.label_fr.clear();
        CHECK(Label(e, Lang::En) == "x");
    }
}

TEST_CASE("processing consent text and version") {
    CHECK(ConsentTextVersion(Lang::Fr) == std::string("fr-") + kConsentTextVersion);
    CHECK(ConsentTextVersion(Lang::Nl) == std::string("nl-") + kConsentTextVersion);
    for (Lang l : {Lang::Fr, Lang::Nl, Lang::En}) {
        std::string t = ProcessingConsentText(l);
        CHECK(t.size() > 300);
        CHECK(t.find("CRC Mons") != std::string::npos);
    }
    CHECK(std::string(ProcessingConsentText(Lang::Nl)).find("Gegevensbeschermingsautoriteit") != std::string::npos);
}
