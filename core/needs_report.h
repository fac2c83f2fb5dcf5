// core/needs_report.h — the needs aggregation ("masse critique"), the same code on the
// devices (staff counts) and on the server (GET /api/v1/reports/needs).
//
//   ReportFilter f;  f.sector = "cinema";  f.threshold = 10;
//   NeedsReport r = ComputeNeedsReport(store.db(), f);
//   for (auto& row : r.rows) if (row.critical_mass) ...;
//   nlohmann::json j = ToJson(r);     // the report endpoint's body
//
// Repeated reports (a dashboard switching filters, the server answering many
// requests): keep a NeedsReportIndex. Refresh() reloads the facts from the database
// only when it changed since the last load; Compute() then runs in memory.
//   NeedsReportIndex index;            // one per database connection
//   if (index.Refresh(db)) r = index.Compute(filter);
//
// Per need item: the number of DISTINCT creators who declared it (a creator counts once
// per item however many need records name it), split by sector and by profession of
// those creators (a creator with two sectors counts in both), whether that number
// reaches the threshold, and how many offers name the same item.
//
// Tables read (the server creates the same columns; other columns are ignored):
//   creators(id TEXT, deleted INTEGER)                 -- deleted=1 rows are left out
//   creator_sectors(creator_id TEXT, sector_id TEXT)
//   creator_professions(creator_id TEXT, profession_id TEXT)
//   needs(creator_id TEXT, item TEXT, updated_at TEXT, deleted INTEGER)
//   attendances(creator_id TEXT, event_id TEXT, deleted INTEGER)   -- event filter only
//   offers(item TEXT, deleted INTEGER)
//   catalogue(id TEXT, kind TEXT, parent TEXT, sort INTEGER, retired INTEGER)
//                                                       -- the rows' order and categories
// Ids are compared bytewise (SQLite BINARY collation). The scan merges the tables in
// creator_id order, so these indexes make it fast (the local store has them):
//   creators PRIMARY KEY(id); needs(creator_id, item, updated_at) WHERE deleted = 0;
//   creator_sectors PRIMARY KEY(creator_id, sector_id); creator_professions likewise;
//   attendances(event_id, creator_id); offers(item) WHERE deleted = 0.
// Filters: sector / profession / event restrict the creators counted; from_date /
// to_date ("YYYY-MM-DD", inclusive) restrict needs by the date of their updated_at.
// Offers are counted over all creators (an offer from another sector still helps).
// Rows: every non-retired catalogue need item (even at 0), plus any other item that
// has needs; sorted by creators (most first), then catalogue order.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace comptoir {

class Db;

struct ReportFilter {
    std::string sector;
    std::string profession;
    std::string event_id;
    std::string from_date;   // "YYYY-MM-DD" or empty
    std::string to_date;     // "YYYY-MM-DD" or empty, inclusive
    int threshold = 10;      // critical mass: creators >= threshold (at least 1)
};

struct CountById {
    std::string id;
    int64_t creators = 0;
};

struct NeedsReportRow {
    std::string item;                     // catalogue need item id
    std::string category;                 // its need category ("espaces")
    int64_t creators = 0;                 // distinct creators
    std::vector<CountById> by_sector;     // most first; only non-zero
    std::vector<CountById> by_profession; // most first; only non-zero
    bool critical_mass = false;
    int64_t matching_offers = 0;
};

struct NeedsReport {
    ReportFilter filter;
    int64_t creators_considered = 0;  // creators passing the filter
    int64_t creators_with_needs = 0;  // of those, with at least one need counted
    std::vector<NeedsReportRow> rows;
    bool ok = true;                   // false: a query failed (error says why)
    std::string error;
};

// Where NeedsReportIndex::Load reads the facts. Load(Db&) uses the SQLite tables above;
// another database (the server's PostgreSQL store) implements these two interfaces.
// Each kind of fact is one query whose rows have these text columns (deleted = 0 rows
// only; ids ordered bytewise, e.g. PostgreSQL's COLLATE "C"):
//   Catalogue:   id, parent, retired   of kind 'need_item', ORDER BY sort, id
//   Creators:    id                    ORDER BY id
//   Needs:       creator_id, item, updated_at          ORDER BY creator_id
//   Sectors:     creator_id, sector_id (creator_sectors)  ORDER BY creator_id
//   Professions: creator_id, profession_id             ORDER BY creator_id
//   Attendances: creator_id, event_id                  ORDER BY creator_id
//   Offers:      item, count           item <> '', GROUP BY item
// All queries should see one snapshot (one transaction) so the facts agree.
enum class NeedsFact { Catalogue, Creators, Needs, Sectors, Professions, Attendances, Offers };

class NeedsFactRows {
public:
    virtual ~NeedsFactRows() = default;
    // Moves to the next row; false at the end or on an error (then Failed()).
    virtual bool Next() = 0;
    // Column `col` of the current row; valid until the next Next().
    virtual std::string_view Text(int col) const = 0;
    virtual bool Failed() const = 0;
    virtual std::string Error() const = 0;
};

class NeedsFactSource {
public:
    virtual ~NeedsFactSource() = default;
    // The rows of one kind of fact; on failure, rows whose Failed() is true.
    virtual std::unique_ptr<NeedsFactRows> Open(NeedsFact what) = 0;
};

// One-shot: loads the facts and computes (= NeedsReportIndex::Load + Compute).
// Invalid filter dates give ok=false.
NeedsReport ComputeNeedsReport(Db& db, const ReportFilter& filter);

// The per-creator facts the report needs (sectors, professions, need items with their
// day, attended events), held in memory in compact arrays (~60 bytes per creator).
// Not thread-safe: one per connection/thread, or guard it.
class NeedsReportIndex {
public:
    NeedsReportIndex();
    ~NeedsReportIndex();
    NeedsReportIndex(NeedsReportIndex&&) noexcept;
    NeedsReportIndex& operator=(NeedsReportIndex&&) noexcept;

    // Loads the facts unconditionally. False on a query error (see Error()).
    bool Load(Db& db);
    bool Load(NeedsFactSource& source);  // another database (see NeedsFactSource)
    // Loads only if nothing is loaded or the database changed since (this connection's
    // total changes, or another connection's commit via PRAGMA data_version). After
    // TrackWrites(db), this connection's writes that NoteWrites() describes refresh
    // incrementally (below).
    bool Refresh(Db& db);
    // Incremental refresh for a long-lived connection whose writer describes its own
    // writes (comptoir-server's SQLite store; call once after the schema is final).
    // After each committed transaction, the writer calls NoteWrites() with
    // db.TotalChanges() before the transaction began and after its commit, the creators
    // whose facts it may have changed (rows of creators, creator_sectors,
    // creator_professions, needs, attendances; the old and the new creator of a row
    // that moved) and whether it changed offers. Refresh() then re-reads only those
    // creators' facts (WHERE creator_id IN the noted ids) and the offer counts. It
    // reloads everything when the connection's change count moved without a
    // description (any other write: an admin edit, an erasure, the catalogue), when more
    // than 2,000 creators were noted, or when another connection/process committed
    // (PRAGMA data_version). A description with no creators and no offers (sessions,
    // devices, batches) costs no refresh at all.
    // (Triggers could note the same automatically; their mere presence made SQLite keep
    // a statement journal for every write on the connection: ~30% of a push's CPU.)
    bool TrackWrites(Db& db, std::string* error);
    void NoteWrites(int64_t changes_before, int64_t changes_after, std::vector<std::string> creators, bool offers);
    struct RefreshStats {
        int64_t full_loads = 0;
        int64_t incremental_refreshes = 0;
        int64_t last_creators_reread = 0;  // by the last incremental refresh
    };
    RefreshStats Stats() const;
    bool Loaded() const;
    NeedsReport Compute(const ReportFilter& filter) const;
    const std::string& Error() const;

    struct Data;  // implementation detail (needs_report.cpp)

private:
    bool RefreshWritten(Db& db, int64_t data_version);
    std::unique_ptr<Data> d_;
};

// {"threshold", "filter": {...}, "creators_considered", "creators_with_needs",
//  "items": [{"item", "category", "creators", "critical_mass", "matching_offers",
//             "by_sector": {"cinema": 12, …}, "by_profession": {…}}]}
nlohmann::json ToJson(const NeedsReport& report);

}  // namespace comptoir
