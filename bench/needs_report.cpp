// bench/needs_report.cpp — time of the needs report over a large registry.
//
//   bench_needs_report [creators=100000] [needs_per_creator=5] [db=:memory:]
//
// Fills a LocalStore schema with synthetic creators (1–2 sectors, 1–3 professions,
// `needs_per_creator` distinct need items each, attendances to 20 events, 20k offers),
// then times:
//   SQLite scan of the facts (floor)  the same rows stepped through, nothing kept
//   one-shot ComputeNeedsReport       load + compute, nothing kept (a device's report)
//   NeedsReportIndex::Load            the load alone: what comptoir-server does at
//                                     start-up (in the background), after another
//                                     process's write or a big batch
//   warm index: ...                   what a request sees once the facts are loaded
//   after one write: Refresh + full   the first request after a push of one creator
//                                     with its needs (TrackWrites: re-reads that creator)
//   ... full reload                   the same without TrackWrites (reload + compute)
// Goal: full report <= 50 ms for 100k creators × 5 needs (docs/core.md has the figures).
//   COMPTOIR_BENCH_LOADS=N bench_needs_report ...   only loads N times (for perf).
//   COMPTOIR_BENCH_MMAP=1 bench_needs_report ...    PRAGMA mmap_size=1 GiB (file databases).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "core/catalogue.h"
#include "core/db.h"
#include "core/needs_report.h"
#include "core/store.h"
#include "core/uuid.h"

using namespace comptoir;

namespace {

double Ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// Runs fn `runs` times; prints min/median wall time and min CPU time (CPU time is
// what to compare on a loaded machine).
template <typename Fn>
void Time(const char* name, int runs, Fn fn) {
    std::vector<double> wall, cpu;
    std::string info;
    for (int i = 0; i < runs; ++i) {
        std::clock_t c0 = std::clock();
        auto a = std::chrono::steady_clock::now();
        info = fn();
        auto b = std::chrono::steady_clock::now();
        std::clock_t c1 = std::clock();
        wall.push_back(Ms(a, b));
        cpu.push_back(1000.0 * double(c1 - c0) / CLOCKS_PER_SEC);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("%-34s wall min %7.1f ms  median %7.1f ms | cpu min %7.1f ms  %s\n", name, wall.front(),
                wall[wall.size() / 2], cpu.front(), info.c_str());
}

std::string Describe(const NeedsReport& r) {
    int64_t critical = 0;
    for (const auto& row : r.rows) critical += row.critical_mass;
    char buf[160];
    std::snprintf(buf, sizeof buf, "(creators %lld, with needs %lld, items %zu, critical %lld)%s",
                  (long long)r.creators_considered, (long long)r.creators_with_needs, r.rows.size(),
                  (long long)critical, r.ok ? "" : " FAILED");
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    const int n_creators = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int needs_per = argc > 2 ? std::atoi(argv[2]) : 5;
    std::string path = argc > 3 ? argv[3] : ":memory:";
    // "mem:<file>": copy a database filled earlier into memory (fast repeated runs).
    std::string copy_from;
    if (path.rfind("mem:", 0) == 0) {
        copy_from = path.substr(4);
        path = ":memory:";
    }
    std::string err;
    auto store = LocalStore::Open(path, &err);
    if (!store) {
        std::fprintf(stderr, "open: %s\n", err.c_str());
        return 1;
    }
    Db& db = store->db();
    std::vector<std::string> sectors, items;
    std::vector<std::vector<std::string>> professions_of;  // by sector index
    for (const auto& e : SeedCatalogue()) {
        if (e.kind == "sector") sectors.push_back(e.id);
        if (e.kind == "need_item") items.push_back(e.id);
    }
    professions_of.resize(sectors.size());
    for (const auto& e : SeedCatalogue())
        if (e.kind == "profession")
            for (size_t s = 0; s < sectors.size(); ++s)
                if (sectors[s] == e.parent) professions_of[s].push_back(e.id);

    std::mt19937 rng(42);
    if (!copy_from.empty()) {
        db.Exec("ATTACH '" + copy_from + "' AS src");
        db.Exec("BEGIN");
        for (const char* t : {"creators", "creator_sectors", "creator_professions", "needs", "attendances", "offers"})
            if (!db.Exec(std::string("INSERT INTO main.") + t + " SELECT * FROM src." + t, &err))
                std::fprintf(stderr, "copy %s: %s\n", t, err.c_str());
        db.Exec("COMMIT");
        db.Exec("DETACH src");
    }
    Stmt existing = db.Prepare("SELECT count(*) FROM creators");
    const bool filled = existing.Step() && existing.Int(0) >= n_creators;
    auto t0 = std::chrono::steady_clock::now();
    db.Exec("PRAGMA cache_size=-65536");
    // COMPTOIR_BENCH_MMAP=1: memory-mapped reads (no copy of each page from the OS cache).
    if (std::getenv("COMPTOIR_BENCH_MMAP")) db.Exec("PRAGMA mmap_size=1073741824");
    db.Exec("BEGIN");
    Stmt ic = db.Prepare(
        "INSERT INTO creators(id, version, first_name, last_name, email, email_key, created_at, updated_at) "
        "VALUES (?,1,'Prénom','Nom',?,?,'2026-11-27T10:00:00Z','2026-11-27T10:00:00Z')");
    Stmt is = db.Prepare("INSERT INTO creator_sectors(creator_id, sector_id, pos) VALUES (?,?,?)");
    Stmt ip = db.Prepare("INSERT INTO creator_professions(creator_id, profession_id, pos) VALUES (?,?,?)");
    Stmt in = db.Prepare("INSERT INTO needs(id, version, creator_id, item, updated_at) VALUES (?,1,?,?,?)");
    Stmt ia = db.Prepare("INSERT INTO attendances(id, version, creator_id, event_id, at, updated_at) VALUES (?,1,?,?,'2026-11-27T10:00:00Z','2026-11-27T10:00:00Z')");
    Stmt io = db.Prepare("INSERT INTO offers(id, version, creator_id, kind, item, updated_at) VALUES (?,1,?,'materiel',?,'2026-11-27T10:00:00Z')");
    for (int c = 0; !filled && c < n_creators; ++c) {
        std::string id = NewUuid();
        std::string email = "creator" + std::to_string(c) + "@example.be";
        ic.Reset();
        ic.Bind(1, id).Bind(2, email).Bind(3, email).Run();
        // Skewed sector choice: cinema and music are the big ones.
        size_t s1 = std::min<size_t>(sectors.size() - 1, size_t(std::abs(std::normal_distribution<>(0, 3)(rng))));
        std::vector<size_t> my_sectors{s1};
        if (rng() % 3 == 0) my_sectors.push_back((s1 + 1 + rng() % (sectors.size() - 1)) % sectors.size());
        int pos = 0;
        for (size_t s : my_sectors) {
            is.Reset();
            is.Bind(1, id).Bind(2, sectors[s]).Bind(3, pos++).Run();
        }
        const auto& profs = professions_of[s1];
        int np = 1 + int(rng() % 3);
        std::vector<std::string> mine;
        for (int k = 0; k < np && !profs.empty(); ++k) {
            const std::string& p = profs[rng() % profs.size()];
            if (std::find(mine.begin(), mine.end(), p) != mine.end()) continue;
            mine.push_back(p);
            ip.Reset();
            ip.Bind(1, id).Bind(2, p).Bind(3, k).Run();
        }
        std::vector<size_t> my_items;
        while (int(my_items.size()) < std::min<int>(needs_per, int(items.size()))) {
            size_t it = std::min(items.size() - 1, size_t(std::abs(std::normal_distribution<>(0, 8)(rng))));
            if (std::find(my_items.begin(), my_items.end(), it) == my_items.end()) my_items.push_back(it);
        }
        for (size_t it : my_items) {
            char day[32];
            std::snprintf(day, sizeof day, "2026-%02d-%02dT10:00:00Z", 1 + int(rng() % 12), 1 + int(rng() % 28));
            in.Reset();
            in.Bind(1, NewUuid()).Bind(2, id).Bind(3, items[it]).Bind(4, std::string(day)).Run();
        }
        ia.Reset();
        ia.Bind(1, NewUuid()).Bind(2, id).Bind(3, "event-" + std::to_string(rng() % 20)).Run();
        if (c % 5 == 0) {
            io.Reset();
            io.Bind(1, NewUuid()).Bind(2, id).Bind(3, items[rng() % items.size()]).Run();
        }
    }
    db.Exec("COMMIT");
    db.Exec("ANALYZE");
    auto t1 = std::chrono::steady_clock::now();
    if (filled) std::printf("reusing %s\n", path.c_str());
    else std::printf("filled %d creators x %d needs in %.0f ms (%s)\n", n_creators, needs_per, Ms(t0, t1), path.c_str());

    ReportFilter all;
    ReportFilter sector;
    sector.sector = "cinema";
    ReportFilter prof;
    prof.profession = "cinema.scenariste";
    ReportFilter event;
    event.event_id = "event-3";
    ReportFilter dates;
    dates.from_date = "2026-03-01";
    dates.to_date = "2026-05-31";

    // Profiling aid: COMPTOIR_BENCH_LOADS=N only loads the index N times (perf record ...).
    if (const char* loads = std::getenv("COMPTOIR_BENCH_LOADS")) {
        NeedsReportIndex index;
        for (int i = 0, n = std::atoi(loads); i < n; ++i) index.Load(db);
        return 0;
    }
    // The floor: SQLite stepping through the same rows, nothing kept.
    Time("SQLite scan of the facts (floor)", 5, [&] {
        int64_t rows = 0, bytes = 0;
        for (const char* sql :
             {"SELECT id FROM creators WHERE deleted=0 ORDER BY id",
              "SELECT creator_id, item, updated_at FROM needs WHERE deleted=0 ORDER BY creator_id",
              "SELECT creator_id, sector_id FROM creator_sectors ORDER BY creator_id",
              "SELECT creator_id, profession_id FROM creator_professions ORDER BY creator_id",
              "SELECT creator_id, event_id FROM attendances WHERE deleted=0 ORDER BY creator_id"}) {
            Stmt s = db.Prepare(sql);
            while (s.Step()) {
                ++rows;
                bytes += int64_t(s.TextView(0).size());
            }
        }
        return "(" + std::to_string(rows) + " rows, " + std::to_string(bytes / 1000000) + " MB of ids)";
    });
    Time("one-shot ComputeNeedsReport, full", 5, [&] { return Describe(ComputeNeedsReport(db, all)); });
    NeedsReportIndex index;
    Time("NeedsReportIndex::Load", 5, [&] { return std::string(index.Load(db) ? "" : index.Error()); });
    Time("warm index: full report", 21, [&] { return Describe(index.Compute(all)); });
    Time("warm index: sector=cinema", 21, [&] { return Describe(index.Compute(sector)); });
    Time("warm index: profession=scenariste", 21, [&] { return Describe(index.Compute(prof)); });
    Time("warm index: event=event-3", 21, [&] { return Describe(index.Compute(event)); });
    Time("warm index: dates Mar-May", 21, [&] { return Describe(index.Compute(dates)); });
    Time("Refresh (unchanged) + full", 21, [&] {
        index.Refresh(db);
        return Describe(index.Compute(all));
    });
    // What the first request after a push pays: one creator registered with its sectors,
    // professions and `needs_per` needs, then the report. With TrackWrites the refresh
    // re-reads that creator only; without, any write reloads every fact.
    Stmt iw = db.Prepare("INSERT INTO needs(id, version, creator_id, item, updated_at) "
                         "VALUES (?, 1, ?, ?, '2026-11-27T10:00:00Z')");
    int written = 0;
    std::string last_written;
    auto write_one = [&] {
        const std::string id = NewUuid(), email = "new" + std::to_string(written++) + "@example.be";
        last_written = id;
        ic.Reset();
        ic.Bind(1, id).Bind(2, email).Bind(3, email).Run();
        is.Reset();
        is.Bind(1, id).Bind(2, sectors[0]).Bind(3, 0).Run();
        ip.Reset();
        ip.Bind(1, id).Bind(2, professions_of[0].empty() ? std::string("x") : professions_of[0][0]).Bind(3, 0).Run();
        for (int k = 0; k < needs_per && k < int(items.size()); ++k) {
            iw.Reset();
            iw.Bind(1, NewUuid()).Bind(2, id).Bind(3, items[size_t(k)]).Run();
        }
    };
    // One creator written (a push of one registration), then that index's report.
    auto write_then_report = [&](NeedsReportIndex& ix) {
        return [&] {
            const int64_t before = db.TotalChanges();
            db.Exec("BEGIN");
            write_one();
            db.Exec("COMMIT");
            ix.NoteWrites(before, db.TotalChanges(), {last_written}, false);  // as a push describes it
            ix.Refresh(db);
            return Describe(ix.Compute(all));
        };
    };
    NeedsReportIndex full_index;
    full_index.Load(db);
    Time("after one write: ... full reload", 5, write_then_report(full_index));
    if (!index.TrackWrites(db, &err)) std::fprintf(stderr, "TrackWrites: %s\n", err.c_str());
    index.Refresh(db);  // the full load after TrackWrites
    Time("after one write: Refresh + full", 21, write_then_report(index));
    const auto st = index.Stats();
    std::printf("  (incremental refreshes %lld, full loads %lld, creators re-read last %lld)\n",
                (long long)st.incremental_refreshes, (long long)st.full_loads, (long long)st.last_creators_reread);
    return 0;
}
