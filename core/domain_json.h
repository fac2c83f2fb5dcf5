// core/domain_json.h — the records as the `data` object of sync-v1 changes.
//
// ToJson() gives the `data` object (the envelope — id, version, updated_at, op — is
// built by sync/protocol from the outbox entry). FromJson() decodes a `data` object
// received from outside (pushed changes on the server, pulled reference data on the
// device): it never throws; a field of the wrong type gives `invalid_value` on that
// field, a missing required field `required`, and it returns false when any error was
// found. It checks shapes only: call ValidateCreator()/ValidateNeed()/… afterwards to
// normalize and validate values. Unknown fields are ignored (forward compatibility);
// null counts as absent.
//
//   nlohmann::json data = ToJson(creator);
//   Creator c; std::vector<FieldError> errs;
//   if (FromJson(data, &c, &errs)) { errs = ValidateCreator(c); ... }
//
// Creator `data` shape:
//   { "first_name", "last_name", "email", "phone", "postcode", "commune",
//     "sectors": [ids], "professions": [ids], "other_profession",
//     "work_status": {"statuses": [..], "ata": bool, "ata_level", "arts_allowance": bool,
//                     "via_smart": bool},
//     "structure_name", "website", "languages": [..], "preferred_lang",
//     "consents": {"processing"|"contact"|"newsletter"|"directory":
//                  {"given": bool, "at", "text_version"}},
//     "created_at" }
// Required: first_name, last_name, email, consents.processing.given.
// Need: {creator_id*, item*, frequency, urgency, budget, comment}
// Offer: {creator_id*, kind*, item, description}
// Attendance: {creator_id*, event_id*, at}
// Event (pull): {title*, sector, date*, place, retired}
// CatalogueEntry (pull): {kind, parent, label_fr*, label_nl*, label_en*, sort, retired}
//   (`kind` may be absent: the pull entity says it; FromJson keeps entry->kind then.)
// (* = required; the record id is the envelope's `id`, not part of `data`.)
#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "core/domain.h"
#include "core/validate.h"

namespace comptoir {

nlohmann::json ToJson(const Creator& c);
nlohmann::json ToJson(const Need& n);
nlohmann::json ToJson(const Offer& o);
nlohmann::json ToJson(const Attendance& a);
nlohmann::json ToJson(const Event& e);
nlohmann::json ToJson(const CatalogueEntry& e);

bool FromJson(const nlohmann::json& j, Creator* out, std::vector<FieldError>* errors);
bool FromJson(const nlohmann::json& j, Need* out, std::vector<FieldError>* errors);
bool FromJson(const nlohmann::json& j, Offer* out, std::vector<FieldError>* errors);
bool FromJson(const nlohmann::json& j, Attendance* out, std::vector<FieldError>* errors);
bool FromJson(const nlohmann::json& j, Event* out, std::vector<FieldError>* errors);
bool FromJson(const nlohmann::json& j, CatalogueEntry* out, std::vector<FieldError>* errors);

// Field errors as the wire shows them: {"code": "email.invalid", "field": "email",
// "message": "<translated>"}.
nlohmann::json ErrorToJson(const FieldError& e, Lang lang);

}  // namespace comptoir
