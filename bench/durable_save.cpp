// bench/durable_save.cpp — native half of the durable-save benchmark: the C++ work of one
// browser save (SaveRegistration on the page VFS + PageVfsTakeDirty + EncodeCommitRecord)
// at 1k and 100k local records, and the start-up restore (RestoreImage + reopen).
// The browser half (IndexedDB strict transaction) is bench/durable_save.mjs.
//
// Usage: bench_durable_save [saves=300]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/db.h"
#include "core/page_vfs.h"
#include "core/store.h"

using namespace comptoir;
using Clock = std::chrono::steady_clock;

namespace {

double Ms(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

Registration Sample(int64_t i) {
    Registration r;
    Creator& c = r.creator;
    c.first_name = "Prenom" + std::to_string(i);
    c.last_name = "Nom";
    c.email = "creator" + std::to_string(i) + "@example.be";
    c.phone = "0470 12 34 56";
    c.postcode = "7000";
    c.commune = "Mons";
    c.sectors = {"cinema"};
    c.professions = {"cinema.scenariste"};
    c.work.statuses = {"independant-complementaire"};
    c.languages = {"fr"};
    c.consents.processing.given = true;
    c.consents.processing.text_version = "fr-2026-1";
    Need n;
    n.item = "espaces.salle-montage";
    n.frequency = "mensuel";
    r.needs.push_back(n);
    return r;
}

double Pct(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    size_t i = size_t(std::max(0.0, std::min(double(v.size() - 1), p / 100.0 * double(v.size()) - 1 + 0.999)));
    return v[i];
}

}  // namespace

int main(int argc, char** argv) {
    int saves = argc > 1 ? std::atoi(argv[1]) : 300;
    if (!RegisterPageVfs()) return 1;
    for (int size : {1000, 100000}) {
        std::string name = "bench-" + std::to_string(size) + ".db";
        PageVfsDelete(name);
        std::string err;
        auto store = LocalStore::Open(name, &err, kPageVfsName);
        if (!store) {
            std::fprintf(stderr, "open: %s\n", err.c_str());
            return 1;
        }
        // Synced records, seeded with bulk SQL (mirrors core/store.cpp's schema v1).
        std::string range = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < " +
                            std::to_string(size) + ") ";
        Db& db = store->db();
        bool ok = db.Exec("BEGIN", &err) &&
                  db.Exec(range + "INSERT INTO creators(id, version, first_name, last_name, email, email_key, phone, "
                                  "postcode, commune, languages_json, preferred_lang, consents_json, created_at, updated_at) "
                                  "SELECT printf('seed-%08d', i), 1, 'Prenom' || i, 'Nom', 'seed' || i || '@example.be', "
                                  "'seed' || i || '@example.be', '+32470123456', '7000', 'Mons', '[\"fr\"]', 'fr', '{}', "
                                  "'2026-11-27T10:00:00Z', '2026-11-27T10:00:00Z' FROM n", &err) &&
                  db.Exec(range + "INSERT INTO creator_sectors(creator_id, sector_id) SELECT printf('seed-%08d', i), "
                                  "'cinema' FROM n", &err) &&
                  db.Exec(range + "INSERT INTO creator_professions(creator_id, profession_id) "
                                  "SELECT printf('seed-%08d', i), 'cinema.scenariste' FROM n", &err) &&
                  db.Exec(range + "INSERT INTO needs(id, version, creator_id, item, frequency, budget, updated_at) "
                                  "SELECT printf('need-%08d', i), 1, printf('seed-%08d', i), 'espaces.salle-montage', "
                                  "'mensuel', '<50', '2026-11-27T10:00:00Z' FROM n", &err) &&
                  db.Exec("COMMIT", &err);
        if (!ok) {
            std::fprintf(stderr, "seed: %s\n", err.c_str());
            return 1;
        }
        DirtyPages first = PageVfsTakeDirty(name);
        std::vector<uint8_t> base_rec = EncodeCommitRecord(1, first);
        std::vector<double> total, take;
        std::vector<double> pages, bytes;
        for (int i = 0; i < saves; ++i) {
            auto t0 = Clock::now();
            if (!store->SaveRegistration(Sample(10000000 + i)).ok) return 1;
            auto t1 = Clock::now();
            DirtyPages d = PageVfsTakeDirty(name);
            std::vector<uint8_t> rec = EncodeCommitRecord(uint64_t(i) + 2, d);
            auto t2 = Clock::now();
            total.push_back(Ms(t0, t2));
            take.push_back(Ms(t1, t2));
            pages.push_back(double(d.pages.size()));
            bytes.push_back(double(rec.size()));
        }
        // Start-up: the whole file as one base record, restored and reopened.
        auto r0 = Clock::now();
        StoredBase none;
        RestoreResult rr = RestoreImage(none, {RecordBytes{1, base_rec.data(), base_rec.size()}});
        auto r1 = Clock::now();
        std::printf("%6d records: save+take+encode p50 %.3f ms p95 %.3f ms | take+encode p95 %.3f ms | "
                    "pages/save p50 %.0f max %.0f | record p50 %.0f B | file %.1f MB | restore %.1f ms (%s)\n",
                    size, Pct(total, 50), Pct(total, 95), Pct(take, 95), Pct(pages, 50), Pct(pages, 100),
                    Pct(bytes, 50), double(first.file_size) / 1e6, Ms(r0, r1), rr.ok ? "ok" : rr.error.c_str());
        store.reset();
        PageVfsDelete(name);
    }
    return 0;
}
