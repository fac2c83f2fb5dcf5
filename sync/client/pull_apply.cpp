// sync/client/pull_apply.cpp — see pull_apply.h.
#include "sync/client/pull_apply.h"

#include "core/domain_json.h"
#include "core/store.h"

namespace comptoir {

namespace {

std::string CatalogueKind(const std::string& entity) {
    if (entity == "catalogue_item") return "need_item";
    return entity;  // "sector", "profession" (and "need_category" if a server sends it)
}

bool ApplyOne(LocalStore& store, const PullChange& c) {
    std::vector<FieldError> errors;
    if (c.entity == "event") {
        Event e;
        if (c.op == "delete") {
            for (Event existing : store.Events(true))
                if (existing.id == c.id) {
                    existing.retired = true;
                    return store.UpsertEvent(existing);
                }
            return false;
        }
        if (!FromJson(c.data, &e, &errors)) return false;
        e.id = c.id;
        return store.UpsertEvent(e);
    }
    if (c.entity == "catalogue_item" || c.entity == "sector" || c.entity == "profession" ||
        c.entity == "need_category") {
        std::string kind = CatalogueKind(c.entity);
        if (c.op == "delete") {
            for (CatalogueEntry existing : store.Catalogue(kind, true))
                if (existing.id == c.id) {
                    existing.retired = true;
                    return store.UpsertCatalogue(existing);
                }
            return false;
        }
        CatalogueEntry e;
        e.kind = kind;
        if (!FromJson(c.data, &e, &errors)) return false;
        e.id = c.id;
        if (e.kind.empty()) e.kind = kind;
        return store.UpsertCatalogue(e);
    }
    if (c.entity == "setting") {
        if (c.op == "delete") return store.SetSetting(c.id, "");
        const nlohmann::json* v = c.data.is_object() && c.data.contains("value") ? &c.data["value"] : &c.data;
        return store.SetSetting(c.id, v->is_string() ? v->get<std::string>() : v->dump());
    }
    if (c.entity == "creator_alias") {
        if (!c.data.is_object()) return false;
        for (const char* key : {"canonical_id", "creator_id"})
            if (c.data.contains(key) && c.data[key].is_string())
                return store.AddCreatorAlias(c.id, c.data[key].get<std::string>());
        return false;
    }
    return false;
}

}  // namespace

int ApplyPulledChanges(LocalStore& store, const std::vector<PullChange>& changes) {
    int applied = 0;
    for (const PullChange& c : changes)
        if (ApplyOne(store, c)) applied++;
    return applied;
}

}  // namespace comptoir
