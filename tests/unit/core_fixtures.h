// tests/unit/core_fixtures.h — shared helpers for core's unit tests.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/domain.h"
#include "core/validate.h"

namespace comptoir::test {

inline bool HasError(const std::vector<FieldError>& errors, const std::string& field, ErrorCode code) {
    return std::any_of(errors.begin(), errors.end(),
                       [&](const FieldError& e) { return e.field == field && e.code == code; });
}

inline std::string ErrorsToString(const std::vector<FieldError>& errors) {
    std::string s;
    for (const auto& e : errors) s += e.field + ":" + ErrorWireId(e.code) + " ";
    return s;
}

// A complete, valid kiosk registration (cinema, one need, one offer).
inline Registration SampleRegistration(const std::string& email = "anne.dupont@example.be") {
    Registration r;
    Creator& c = r.creator;
    c.first_name = "Anne";
    c.last_name = "Dupont";
    c.email = email;
    c.phone = "0470 12 34 56";
    c.postcode = "7000";
    c.commune = "Mons";
    c.sectors = {"cinema"};
    c.professions = {"cinema.scenariste", "cinema.realisateur"};
    c.work.statuses = {"independant-complementaire"};
    c.work.ata = true;
    c.work.ata_level = "debutant";
    c.languages = {"fr", "en"};
    c.preferred_lang = "fr";
    c.consents.processing.given = true;
    c.consents.processing.text_version = "fr-2026-1";
    c.consents.contact.given = true;
    Need n;
    n.item = "espaces.salle-montage";
    n.frequency = "mensuel";
    n.urgency = "haute";
    n.budget = "<50";
    n.comment = "Deux jours par mois.";
    r.needs.push_back(n);
    Offer o;
    o.kind = "materiel";
    o.item = "materiel.camera";
    o.description = "Sony FX3 à prêter le week-end";
    r.offers.push_back(o);
    return r;
}

}  // namespace comptoir::test
