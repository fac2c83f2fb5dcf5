// core/domain.h — what Comptoir records (see shared brief PRODUCT.md).
//
// Plain structs, no behaviour. Every synced record has a device-made UUID `id` and a
// `version` that grows by one at each local change. Times are RFC 3339 UTC strings.
// Optional text fields are empty strings when absent.
// JSON codecs (the `data` object of sync-v1 changes) are in core/domain_json.h.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace comptoir {

struct Consent {
    bool given = false;
    std::string at;            // when it was given (RFC 3339), empty if not given
    std::string text_version;  // version of the text shown, e.g. "fr-2026-1"
};

struct Consents {
    Consent processing;  // required to register
    Consent contact;     // being contacted about collective solutions
    Consent newsletter;
    Consent directory;   // appearing in the members' directory
};

// Belgian work situation: there is no legal "artist status".
// statuses: any of "salarie", "independant-principal", "independant-complementaire",
// "fonctionnaire", "etudiant", "demandeur-emploi".
struct WorkStatus {
    std::vector<std::string> statuses;
    bool ata = false;                  // attestation du travail des arts
    std::string ata_level;             // "", "debutant", "plus"
    bool arts_allowance = false;       // allocation du travail des arts
    bool via_smart = false;            // via SMart or a similar bureau
};

struct Creator {
    std::string id;
    int64_t version = 0;
    std::string first_name;
    std::string last_name;
    std::string email;             // normalized: the identity key
    std::string phone;             // E.164, "+32…" for Belgian numbers
    std::string postcode;          // 4 digits
    std::string commune;
    std::vector<std::string> sectors;            // sector ids
    std::vector<std::string> professions;        // profession ids
    std::string other_profession;                // free "other"
    WorkStatus work;
    std::string structure_name;
    std::string website;
    std::vector<std::string> languages;          // "fr", "nl", "en", "de", …
    std::string preferred_lang = "fr";           // language the person used
    Consents consents;
    std::string created_at;
    std::string updated_at;
};

// frequency: "ponctuel", "mensuel", "hebdomadaire", "permanent".
// urgency: "", "faible", "moyenne", "haute". budget: free text of what they could pay
// ("0", "<50", "50-200", ">200" per month in the app's choices).
struct Need {
    std::string id;
    int64_t version = 0;
    std::string creator_id;
    std::string item;          // catalogue item id, e.g. "espaces.salle-montage"
    std::string frequency;
    std::string urgency;
    std::string budget;
    std::string comment;
    std::string updated_at;
};

// kind: "materiel", "espace", "competence". item: optional catalogue item it matches.
struct Offer {
    std::string id;
    int64_t version = 0;
    std::string creator_id;
    std::string kind;
    std::string item;
    std::string description;
    std::string updated_at;
};

struct Event {
    std::string id;
    std::string title;
    std::string sector;        // sector id, may be empty (all sectors)
    std::string date;          // YYYY-MM-DD
    std::string place;
    bool retired = false;
};

struct Attendance {
    std::string id;
    int64_t version = 0;
    std::string creator_id;
    std::string event_id;
    std::string at;
    std::string updated_at;
};

// Catalogue: sectors, professions (per sector) and need items (per category), each
// with FR/NL/EN labels. A retired entry is hidden from forms but keeps its history.
struct CatalogueEntry {
    std::string kind;          // "sector", "profession", "need_category", "need_item"
    std::string id;            // stable, e.g. "cinema", "cinema.scenariste", "espaces.salle-montage"
    std::string parent;        // profession -> sector id; need item -> category id
    std::string label_fr;
    std::string label_nl;
    std::string label_en;
    int sort = 0;
    bool retired = false;
};

// A whole self-registration as the kiosk collects it; saved in one transaction.
struct Registration {
    Creator creator;
    std::vector<Need> needs;
    std::vector<Offer> offers;
    std::string event_id;      // current event, may be empty: an attendance is added if set
};

}  // namespace comptoir
