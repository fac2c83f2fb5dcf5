// core/catalogue.h — the start catalogue (sectors, professions, need categories and
// items, in FR/NL/EN) and the processing-consent text the kiosk shows.
//
// The catalogue is data: the store seeds it on first open (LocalStore::Open), the
// server seeds its own copy and devices then pull the edited one. Ids are stable and
// never reused; an entry that is no longer offered is retired, not deleted.
//   sectors:         "cinema", "scene", "musique", …
//   professions:     "<sector>.<profession>", parent = sector id ("cinema.scenariste")
//   need categories: "materiel", "espaces", "services", "formation", "reseau", "financement"
//   need items:      "<category>.<item>", parent = category id ("espaces.salle-montage")
//
//   for (auto& e : SeedCatalogue()) if (e.kind == "sector") puts(Label(e, Lang::Nl).c_str());
//   c.consents.processing.text_version = ConsentTextVersion(Lang::Fr);   // "fr-2026-1"
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "core/i18n.h"

namespace comptoir {

std::vector<CatalogueEntry> SeedCatalogue();

// The label in that language (falls back to French, then to the id, if empty).
const std::string& Label(const CatalogueEntry& e, Lang lang);
// Finds an entry by id in a list, or null.
const CatalogueEntry* FindEntry(const std::vector<CatalogueEntry>& entries, std::string_view id);

// Version of the processing-consent text (Text::ConsentProcessingText). Bump it with
// every change of that text: the version is stored with each consent.
constexpr const char* kConsentTextVersion = "2026-1";
// "fr-2026-1": the language and version of the text a person was shown.
std::string ConsentTextVersion(Lang lang);
const char* ProcessingConsentText(Lang lang);

}  // namespace comptoir
