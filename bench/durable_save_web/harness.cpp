// bench/durable_save_web/harness.cpp — drives the real browser persistence path without
// the UI: OpenDeviceStore (IndexedDB image -> page VFS -> LocalStore), SaveRegistration,
// PersistNow (dirty pages -> one strict IndexedDB transaction). Every entry point reports
// one JSON object to the page (window.H) through harness_report().
//
// Used by bench/durable_save.mjs (latency figures) and web/tests/persist.spec.mjs.
#include <emscripten.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/persist.h"
#include "core/db.h"
#include "core/page_vfs.h"
#include "core/store.h"

using namespace comptoir;
using nlohmann::json;

namespace {

std::unique_ptr<LocalStore> g_store;

EM_JS(void, js_report, (const char* s), {
    var v = JSON.parse(UTF8ToString(s));
    var H = window.H;
    (H.reports = H.reports || []).push(v);
    var p = H.pending;
    H.pending = null;
    if (p) p(v);
});

void Report(const json& j) { js_report(j.dump().c_str()); }

Registration Sample(int64_t i) {
    Registration r;
    Creator& c = r.creator;
    c.first_name = "Prénom" + std::to_string(i);
    c.last_name = "Nom";
    c.email = "creator" + std::to_string(i) + "@example.be";
    c.phone = "0470 12 34 56";
    c.postcode = "7000";
    c.commune = "Mons";
    c.sectors = {"cinema"};
    c.professions = {"cinema.scenariste"};
    c.work.statuses = {"independant-complementaire"};
    c.languages = {"fr"};
    c.preferred_lang = "fr";
    c.consents.processing.given = true;
    c.consents.processing.text_version = "fr-2026-1";
    Need n;
    n.item = "espaces.salle-montage";
    n.frequency = "mensuel";
    n.budget = "<50";
    r.needs.push_back(n);
    return r;
}

json StatusJson() {
    StorageStatus st = GetStorageStatus();
    return json{{"persistent", st.persistent},       {"usage", st.usage_bytes},
                {"quota", st.quota_bytes},           {"otherTab", st.other_tab_active},
                {"savedSeq", st.saved_seq},          {"pending", st.pending_saves},
                {"unsaved", st.unsaved_changes},     {"lastError", PersistErrorName(st.last_error)},
                {"detail", st.last_error_detail},    {"note", st.recovered_note}};
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void harness_open(int) {
    std::string err;
    PersistError code = PersistError::None;
    g_store = OpenDeviceStore(&err, &code);
    json j = StatusJson();
    j["ok"] = g_store != nullptr;
    j["code"] = PersistErrorName(code);
    j["error"] = err;
    if (!g_store) {
        Report(j);
        return;
    }
    // The store's first save (new file / migrations) was queued by OpenDeviceStore.
    PersistNow([j](bool ok, PersistError e) mutable {
        j["firstSave"] = ok;
        j["firstSaveCode"] = PersistErrorName(e);
        j["savedSeq"] = GetStorageStatus().saved_seq;
        Report(j);
    });
}

// Adds n synced registrations (creator + sector + profession + one need) with bulk SQL
// in one transaction — SaveRegistration per row would take minutes at 100k — then makes
// them durable. Mirrors core/store.cpp's schema v1 (a schema change breaks this loudly).
EMSCRIPTEN_KEEPALIVE void harness_seed(int n) {
    if (!g_store) return Report({{"ok", false}, {"error", "not open"}});
    double t0 = emscripten_get_now();
    Db& db = g_store->db();
    int64_t from = g_store->Counts("").creators;
    std::string range = "WITH RECURSIVE n(i) AS (SELECT " + std::to_string(from) + " UNION ALL SELECT i+1 FROM n WHERE i < " +
                        std::to_string(from + n - 1) + ") ";
    std::string err;
    bool ok = db.Exec("BEGIN", &err) &&
              db.Exec(range + "INSERT INTO creators(id, version, first_name, last_name, email, email_key, phone, postcode, "
                              "commune, languages_json, preferred_lang, consents_json, created_at, updated_at) "
                              "SELECT printf('seed-%08d', i), 1, 'Prénom' || i, 'Nom', 'seed' || i || '@example.be', "
                              "'seed' || i || '@example.be', '+32470123456', '7000', 'Mons', '[\"fr\"]', 'fr', "
                              "'{\"processing\":{\"given\":true}}', '2026-11-27T10:00:00Z', '2026-11-27T10:00:00Z' FROM n",
                      &err) &&
              db.Exec(range + "INSERT INTO creator_sectors(creator_id, sector_id) SELECT printf('seed-%08d', i), 'cinema' FROM n", &err) &&
              db.Exec(range + "INSERT INTO creator_professions(creator_id, profession_id) "
                              "SELECT printf('seed-%08d', i), 'cinema.scenariste' FROM n", &err) &&
              db.Exec(range + "INSERT INTO needs(id, version, creator_id, item, frequency, budget, updated_at) "
                              "SELECT printf('need-%08d', i), 1, printf('seed-%08d', i), 'espaces.salle-montage', 'mensuel', "
                              "'<50', '2026-11-27T10:00:00Z' FROM n", &err) &&
              db.Exec("COMMIT", &err);
    if (!ok) {
        db.Exec("ROLLBACK");
        return Report({{"ok", false}, {"error", "seed failed: " + err}});
    }
    double t1 = emscripten_get_now();
    PersistNow([=](bool saved, PersistError e) {
        Report({{"ok", saved}, {"code", PersistErrorName(e)}, {"seedMs", t1 - t0},
                {"persistMs", emscripten_get_now() - t1}});
    });
}

// One registration as the kiosk makes it: SaveRegistration then PersistNow; the time
// is until the IndexedDB transaction completed.
EMSCRIPTEN_KEEPALIVE void harness_save(int i) {
    if (!g_store) return Report({{"ok", false}, {"error", "not open"}});
    double t0 = emscripten_get_now();
    SaveResult r = g_store->SaveRegistration(Sample(10000000 + int64_t(i)));
    if (!r.ok) return Report({{"ok", false}, {"error", "save refused: " + r.storage_error}});
    double t1 = emscripten_get_now();
    size_t dirty = PageVfsDirtyCount("comptoir.db");
    PersistNow([=](bool ok, PersistError e) {
        double t2 = emscripten_get_now();
        Report({{"ok", ok}, {"code", PersistErrorName(e)}, {"ms", t2 - t0}, {"persistMs", t2 - t1},
                {"sqlMs", t1 - t0}, {"dirtyPages", dirty}});
    });
}

// n registrations in a row, each followed by PersistNow without waiting: they must all
// be told "saved" (in order), with saves coalesced while one is in flight.
EMSCRIPTEN_KEEPALIVE void harness_burst(int n) {
    if (!g_store) return Report({{"ok", false}, {"error", "not open"}});
    auto order = std::make_shared<std::vector<int>>();
    auto oks = std::make_shared<int>(0);
    for (int i = 0; i < n; ++i) {
        if (!g_store->SaveRegistration(Sample(20000000 + int64_t(i) + int64_t(emscripten_get_now()) * 100)).ok)
            return Report({{"ok", false}, {"error", "save refused"}});
        PersistNow([=](bool ok, PersistError) {
            order->push_back(i);
            if (ok) (*oks)++;
            if (int(order->size()) == n) {
                bool in_order = true;
                for (int k = 0; k < n; ++k) in_order = in_order && (*order)[size_t(k)] == k;
                Report({{"ok", *oks == n && in_order}, {"saved", *oks}, {"inOrder", in_order},
                        {"savedSeq", GetStorageStatus().saved_seq}});
            }
        });
    }
}

EMSCRIPTEN_KEEPALIVE void harness_count(int) {
    json j = StatusJson();
    j["ok"] = g_store != nullptr;
    if (g_store) j["creators"] = g_store->Counts("").creators;
    Report(j);
}

// Whether registration i of harness_save exists (after a reload).
EMSCRIPTEN_KEEPALIVE void harness_has_saved(int i) {
    bool found = g_store && g_store->FindCreatorByEmail(Sample(10000000 + int64_t(i)).creator.email).has_value();
    Report({{"ok", true}, {"found", found}});
}

}  // extern "C"

int main() { return 0; }
