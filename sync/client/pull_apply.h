// sync/client/pull_apply.h — applies pulled reference data to the device's store.
//
// Entities (sync-v1 pull): event, catalogue_item, sector, profession (core/domain_json.h
// shapes), setting ({"value": <string or any JSON>} keyed by the setting name as id),
// creator_alias ({"canonical_id": "…"} keyed by the alias id). A "delete" retires events
// and catalogue entries (history stays) and removes settings. Unknown entities are
// skipped (a newer server may send more). Returns the number of changes applied.
#pragma once
#include <vector>

#include "sync/protocol/protocol.h"

namespace comptoir {

class LocalStore;

int ApplyPulledChanges(LocalStore& store, const std::vector<PullChange>& changes);

}  // namespace comptoir
