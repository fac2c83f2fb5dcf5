// core/needs_report.cpp — see needs_report.h.
//
// [SECTION] Load: one pass, no per-row SQL. The creators, their needs, sectors,
//   professions and attendances are read as streams sorted by creator_id and merged
//   like a merge join into compact arrays (CSR: one offset array per fact kind).
//   Ids are interned to small integers. The streams come from a NeedsFactSource:
//   SqliteFactSource here (core's tables); the server's PostgreSQL store has its own.
//   The incremental refresh (TrackWrites, NoteWrites) reads the same streams restricted to the
//   noted creators and merges them with the kept creators' facts (both in id order).
// [SECTION] Compute: per creator, filters are integer compares; its need items are
//   deduplicated with a stamp array, then counted per item, per (item, sector) and per
//   (item, profession).
#include "core/needs_report.h"

#include <algorithm>
#include <cstdlib>
#include <deque>

#include "core/clock.h"
#include "core/db.h"

namespace comptoir {

namespace {

// Interns ids to dense integers: an open-addressing table (no allocation per lookup, no
// division), as the load looks up every fact row's id (~1M lookups at 100k creators).
class Interner {
public:
    int Id(std::string_view s) {
        if ((names_.size() + 1) * 2 > slots_.size()) Grow();
        const size_t h = std::hash<std::string_view>()(s);
        size_t i = h & (slots_.size() - 1);
        for (;; i = (i + 1) & (slots_.size() - 1)) {
            Slot& slot = slots_[i];
            if (slot.id < 0) break;
            if (slot.hash == h && names_[size_t(slot.id)] == s) return slot.id;
        }
        names_.emplace_back(s);
        slots_[i] = {h, int(names_.size() - 1)};
        return slots_[i].id;
    }
    int Find(std::string_view s) const {
        if (slots_.empty()) return -1;
        const size_t h = std::hash<std::string_view>()(s);
        for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
            const Slot& slot = slots_[i];
            if (slot.id < 0) return -1;
            if (slot.hash == h && names_[size_t(slot.id)] == s) return slot.id;
        }
    }
    const std::string& Name(int id) const { return names_[size_t(id)]; }
    size_t Size() const { return names_.size(); }

private:
    struct Slot {
        size_t hash = 0;
        int id = -1;
    };
    void Grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(std::max<size_t>(64, old.size() * 2), Slot{});
        for (const Slot& o : old) {
            if (o.id < 0) continue;
            size_t i = o.hash & (slots_.size() - 1);
            while (slots_[i].id >= 0) i = (i + 1) & (slots_.size() - 1);
            slots_[i] = o;
        }
    }
    std::deque<std::string> names_;
    std::vector<Slot> slots_;  // size: a power of two, at most half full
};

// A query whose first column is the creator id, read in that order. The key of the
// current row is read once per row (it is compared several times).
struct Stream {
    std::unique_ptr<NeedsFactRows> rows;
    bool valid = false;
    std::string_view key;
    void Next() {
        valid = rows->Next();
        if (valid) key = rows->Text(0);
    }
    std::string_view Key() const { return key; }
    // Skips rows of creators before `key`; true while a row of `key` is ready.
    bool SeekTo(std::string_view key) {
        while (valid && Key() < key) Next();
        return valid && Key() == key;
    }
    bool More(std::string_view key) const { return valid && Key() == key; }
};

// The facts from core's SQLite tables (the device's store, the server's SQLite store).
class SqliteFactRows final : public NeedsFactRows {
public:
    SqliteFactRows(Db& db, const std::string& sql) : db_(db), stmt_(db.Prepare(sql)) {}
    bool Next() override { return stmt_.Valid() && stmt_.Step(); }
    std::string_view Text(int col) const override { return stmt_.TextView(col); }
    bool Failed() const override { return !stmt_.Valid() || stmt_.Failed(); }
    std::string Error() const override { return stmt_.Error().empty() ? db_.LastError() : stmt_.Error(); }

private:
    Db& db_;
    Stmt stmt_;
};

// The temporary table RefreshWritten() fills with the noted creators for its queries
// (per connection; created by TrackWrites()).
constexpr const char* kDirtyTable = "needs_report_dirty";
// More creators than this written since the last refresh: a full reload is cheaper.
constexpr int64_t kMaxIncrementalCreators = 2000;

class SqliteFactSource final : public NeedsFactSource {
public:
    // dirty_only: only the creators listed in the dirty table (the incremental refresh).
    explicit SqliteFactSource(Db& db, bool dirty_only = false) : db_(db), dirty_only_(dirty_only) {}
    std::unique_ptr<NeedsFactRows> Open(NeedsFact what) override {
        const std::string in = dirty_only_ ? " AND creator_id IN (SELECT id FROM temp.needs_report_dirty WHERE kind=0)"
                                           : "";
        std::string sql;
        switch (what) {
            case NeedsFact::Catalogue:
                sql = "SELECT id, parent, retired FROM catalogue WHERE kind='need_item' ORDER BY sort, id";
                break;
            case NeedsFact::Creators:
                sql = dirty_only_ ? "SELECT id FROM creators WHERE deleted=0 AND id IN "
                                    "(SELECT id FROM temp.needs_report_dirty WHERE kind=0) ORDER BY id"
                                  : "SELECT id FROM creators WHERE deleted=0 ORDER BY id";
                break;
            case NeedsFact::Needs:
                sql = "SELECT creator_id, item, updated_at FROM needs WHERE deleted=0" + in + " ORDER BY creator_id";
                break;
            case NeedsFact::Sectors:
                sql = "SELECT creator_id, sector_id FROM creator_sectors WHERE 1" + in + " ORDER BY creator_id";
                break;
            case NeedsFact::Professions:
                sql = "SELECT creator_id, profession_id FROM creator_professions WHERE 1" + in + " ORDER BY creator_id";
                break;
            case NeedsFact::Attendances:
                sql = "SELECT creator_id, event_id FROM attendances WHERE deleted=0" + in + " ORDER BY creator_id";
                break;
            case NeedsFact::Offers:
                sql = "SELECT item, count(*) FROM offers WHERE deleted=0 AND item<>'' GROUP BY item";
                break;
        }
        return std::make_unique<SqliteFactRows>(db_, sql);
    }

private:
    Db& db_;
    bool dirty_only_;
};

// "2026-11-27…" -> 20261127; 0 if it does not start with a valid date.
int32_t DayNumber(std::string_view s) {
    if (s.size() < 10 || !IsIsoDate(s.substr(0, 10))) return 0;
    auto num = [&](size_t pos, size_t n) {
        int v = 0;
        for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    return num(0, 4) * 10000 + num(5, 2) * 100 + num(8, 2);
}

int64_t ToInt(std::string_view s) { return std::strtoll(std::string(s).c_str(), nullptr, 10); }

void SortCounts(std::vector<CountById>* v) {
    std::sort(v->begin(), v->end(), [](const CountById& a, const CountById& b) {
        return a.creators != b.creators ? a.creators > b.creators : a.id < b.id;
    });
}

}  // namespace

struct NeedsReportIndex::Data {
    Interner items, sectors, professions, events;
    std::vector<std::string> item_category;  // by item id
    size_t catalogue_items = 0;              // ids below this are live catalogue items
    // Per creator i (in creator id order, bytewise), facts in [off[i], off[i+1]).
    std::vector<std::string> creator_ids;
    std::vector<uint32_t> sector_off{0}, profession_off{0}, need_off{0}, event_off{0};
    std::vector<uint16_t> sector, profession, need_item;
    std::vector<int32_t> need_day;
    std::vector<uint32_t> event;
    std::vector<int64_t> offers;  // by item id
    size_t creators = 0;
    bool loaded = false;
    bool tracking = false;        // TrackWrites() was called on this connection
    // The connection's sqlite3_total_changes() that the loaded facts and the notes below
    // account for: another value means a write nobody described (a full reload).
    int64_t total_changes = -1;
    std::vector<std::string> noted;  // creators whose facts described writes changed
    bool noted_offers = false;
    bool reload = false;             // more noted than kMaxIncrementalCreators
    int64_t data_version = -1;
    RefreshStats stats;
    std::string error;
};

namespace {

// Appends creator `id`'s facts from the streams (sorted by creator id, positioned at or
// before `id`) to `d`. False when an id space outgrows the compact arrays.
bool AppendCreator(NeedsReportIndex::Data& d, std::string_view id, Stream& csec, Stream& cpro, Stream& att,
                   Stream& needs) {
    for (bool more = csec.SeekTo(id); more; csec.Next(), more = csec.More(id))
        d.sector.push_back(uint16_t(d.sectors.Id(csec.rows->Text(1))));
    for (bool more = cpro.SeekTo(id); more; cpro.Next(), more = cpro.More(id))
        d.profession.push_back(uint16_t(d.professions.Id(cpro.rows->Text(1))));
    for (bool more = att.SeekTo(id); more; att.Next(), more = att.More(id))
        d.event.push_back(uint32_t(d.events.Id(att.rows->Text(1))));
    for (bool more = needs.SeekTo(id); more; needs.Next(), more = needs.More(id)) {
        d.need_item.push_back(uint16_t(d.items.Id(needs.rows->Text(1))));
        d.need_day.push_back(DayNumber(needs.rows->Text(2)));
    }
    d.sector_off.push_back(uint32_t(d.sector.size()));
    d.profession_off.push_back(uint32_t(d.profession.size()));
    d.event_off.push_back(uint32_t(d.event.size()));
    d.need_off.push_back(uint32_t(d.need_item.size()));
    d.creator_ids.emplace_back(id);
    ++d.creators;
    return d.items.Size() <= 0xFFFF && d.sectors.Size() <= 0xFFFF && d.professions.Size() <= 0xFFFF;
}

// Appends creator i of `from` (facts already interned in the same id spaces) to `to`;
// its id string is moved out of `from`.
void CopyCreator(NeedsReportIndex::Data& from, size_t i, NeedsReportIndex::Data& to) {
    auto copy = [](const auto& v, const std::vector<uint32_t>& off, size_t i, auto* out,
                   std::vector<uint32_t>* out_off) {
        out->insert(out->end(), v.begin() + off[i], v.begin() + off[i + 1]);
        out_off->push_back(uint32_t(out->size()));
    };
    copy(from.sector, from.sector_off, i, &to.sector, &to.sector_off);
    copy(from.profession, from.profession_off, i, &to.profession, &to.profession_off);
    copy(from.event, from.event_off, i, &to.event, &to.event_off);
    to.need_day.insert(to.need_day.end(), from.need_day.begin() + from.need_off[i],
                       from.need_day.begin() + from.need_off[i + 1]);
    copy(from.need_item, from.need_off, i, &to.need_item, &to.need_off);
    to.creator_ids.push_back(std::move(from.creator_ids[i]));
    ++to.creators;
}

bool ReadOffers(NeedsFactSource& source, NeedsReportIndex::Data& d, std::string* error) {
    d.offers.assign(d.items.Size(), 0);
    auto s = source.Open(NeedsFact::Offers);
    while (s->Next()) {
        int item = d.items.Find(s->Text(0));
        if (item >= 0) d.offers[size_t(item)] = ToInt(s->Text(1));
    }
    if (!s->Failed()) return true;
    *error = s->Error();
    return false;
}

}  // namespace

NeedsReportIndex::NeedsReportIndex() : d_(std::make_unique<Data>()) {}
NeedsReportIndex::~NeedsReportIndex() = default;
NeedsReportIndex::NeedsReportIndex(NeedsReportIndex&&) noexcept = default;
NeedsReportIndex& NeedsReportIndex::operator=(NeedsReportIndex&&) noexcept = default;
bool NeedsReportIndex::Loaded() const { return d_->loaded; }
const std::string& NeedsReportIndex::Error() const { return d_->error; }
NeedsReportIndex::RefreshStats NeedsReportIndex::Stats() const { return d_->stats; }

// [SECTION] Load ---------------------------------------------------------------------------

bool NeedsReportIndex::TrackWrites(Db& db, std::string* error) {
    // A temporary table: this connection's only, in memory with temp_store=MEMORY.
    // Created once here: creating it later would be a schema change in the middle of
    // the caller's prepared statements.
    if (!db.Exec(std::string("CREATE TEMP TABLE IF NOT EXISTS ") + kDirtyTable +
                     "(kind INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;",
                 error))
        return false;
    d_->tracking = true;
    d_->loaded = false;  // what was written before is not described: reload
    return true;
}

void NeedsReportIndex::NoteWrites(int64_t changes_before, int64_t changes_after, std::vector<std::string> creators,
                                  bool offers) {
    Data& d = *d_;
    // Not loaded: the next Refresh() loads everything anyway. Something written in
    // between that nobody described: total_changes stays behind, so the next Refresh()
    // reloads everything (this description cannot make that write incremental).
    if (!d.tracking || !d.loaded || changes_before != d.total_changes) return;
    if (d.noted.empty()) d.noted = std::move(creators);
    else d.noted.insert(d.noted.end(), std::make_move_iterator(creators.begin()), std::make_move_iterator(creators.end()));
    d.noted_offers = d.noted_offers || offers;
    d.total_changes = changes_after;
    if (d.noted.size() > size_t(kMaxIncrementalCreators)) {
        std::sort(d.noted.begin(), d.noted.end());
        d.noted.erase(std::unique(d.noted.begin(), d.noted.end()), d.noted.end());
        if (d.noted.size() > size_t(kMaxIncrementalCreators)) {  // a full reload is cheaper
            d.noted = {};
            d.reload = true;
        }
    }
}

bool NeedsReportIndex::Refresh(Db& db) {
    if (!d_->loaded || d_->reload) return Load(db);
    const int64_t version = db.DataVersion();
    if (version != d_->data_version) return Load(db);  // another connection committed
    if (db.TotalChanges() != d_->total_changes) return Load(db);  // a write nobody described
    if (d_->noted.empty() && !d_->noted_offers) return true;
    return RefreshWritten(db, version);
}

// The incremental refresh: only the creators this connection's committed writes noted.
bool NeedsReportIndex::RefreshWritten(Db& db, int64_t version) {
    std::vector<std::string>& noted = d_->noted;
    std::sort(noted.begin(), noted.end());
    noted.erase(std::unique(noted.begin(), noted.end()), noted.end());
    const auto creators = int64_t(noted.size());
    const bool offers = d_->noted_offers;
    if (creators > kMaxIncrementalCreators) return Load(db);
    if (creators > 0) {  // the queries below join the noted ids from the temporary table
        if (!db.Exec("SAVEPOINT needs_report_noted")) return Load(db);
        Stmt ins = db.Prepare(std::string("INSERT OR IGNORE INTO temp.") + kDirtyTable + "(kind, id) VALUES (0, ?)");
        bool ok = ins.Valid();
        for (size_t i = 0; ok && i < noted.size(); ++i) {
            ins.Reset();
            ins.Bind(1, noted[i]);
            ok = ins.Run();
        }
        ins = Stmt();
        if (!db.Exec(ok ? "RELEASE needs_report_noted" : "ROLLBACK TO needs_report_noted; RELEASE needs_report_noted") || !ok)
            return Load(db);
    }
    if (creators > 0 || offers) {
        Data& o = *d_;
        auto n = std::make_unique<Data>();
        n->items = std::move(o.items);
        n->sectors = std::move(o.sectors);
        n->professions = std::move(o.professions);
        n->events = std::move(o.events);
        n->item_category = std::move(o.item_category);
        n->catalogue_items = o.catalogue_items;
        n->offers = std::move(o.offers);
        n->tracking = o.tracking;
        n->stats = o.stats;
        n->creator_ids.reserve(o.creators + size_t(creators));
        n->sector.reserve(o.sector.size() + 64);
        n->profession.reserve(o.profession.size() + 64);
        n->event.reserve(o.event.size() + 64);
        n->need_item.reserve(o.need_item.size() + 256);
        n->need_day.reserve(o.need_day.size() + 256);
        for (auto* off : {&n->sector_off, &n->profession_off, &n->event_off, &n->need_off})
            off->reserve(o.creators + size_t(creators) + 1);
        SqliteFactSource source(db, true);
        {
            Stream dirty{std::make_unique<SqliteFactRows>(
                db, "SELECT id FROM temp.needs_report_dirty WHERE kind=0 ORDER BY id")};
            Stream live{source.Open(NeedsFact::Creators)};
            Stream needs{source.Open(NeedsFact::Needs)};
            Stream csec{source.Open(NeedsFact::Sectors)};
            Stream cpro{source.Open(NeedsFact::Professions)};
            Stream att{source.Open(NeedsFact::Attendances)};
            Stream* all_streams[] = {&dirty, &live, &needs, &csec, &cpro, &att};
            for (Stream* s : all_streams) {
                s->Next();
                if (s->rows->Failed()) return Load(db);
            }
            // Merge the kept creators (sorted) with the written ones (sorted): a written
            // creator's old facts are dropped, its current ones (if it still exists) read.
            size_t i = 0;
            for (; dirty.valid; dirty.Next()) {
                const std::string_view id = dirty.Key();
                while (i < o.creators && std::string_view(o.creator_ids[i]) < id) CopyCreator(o, i++, *n);
                if (i < o.creators && o.creator_ids[i] == id) ++i;
                if (live.SeekTo(id) && !AppendCreator(*n, id, csec, cpro, att, needs)) return Load(db);
            }
            while (i < o.creators) CopyCreator(o, i++, *n);
            for (Stream* s : all_streams)
                if (s->rows->Failed()) return Load(db);
        }
        if (offers && !ReadOffers(source, *n, &n->error)) return Load(db);
        n->offers.resize(n->items.Size(), 0);
        n->item_category.resize(n->items.Size());
        n->loaded = true;
        n->stats.incremental_refreshes++;
        n->stats.last_creators_reread = creators;
        d_ = std::move(n);
    }
    if (!db.Exec("DELETE FROM temp.needs_report_dirty")) return Load(db);
    d_->noted.clear();
    d_->noted_offers = false;
    d_->data_version = version;
    d_->total_changes = db.TotalChanges();
    return true;
}

bool NeedsReportIndex::Load(Db& db) {
    // The version before the read: a commit by another connection during it makes the
    // next Refresh reload again (harmless), never miss it.
    const int64_t version = db.DataVersion();
    if (d_->tracking && !db.Exec("DELETE FROM temp.needs_report_dirty")) {
        d_->error = db.LastError();
        d_->loaded = false;
        return false;
    }
    SqliteFactSource source(db);
    if (!Load(source)) return false;
    d_->total_changes = db.TotalChanges();
    d_->data_version = version;
    return true;
}

bool NeedsReportIndex::Load(NeedsFactSource& source) {
    auto d = std::make_unique<Data>();
    d->tracking = d_->tracking;
    d->stats = d_->stats;
    auto fail_with = [&](std::string error) {
        const bool tracking = d->tracking;
        const RefreshStats stats = d->stats;
        d_ = std::make_unique<Data>();
        d_->tracking = tracking;
        d_->stats = stats;
        d_->error = error.empty() ? "needs report query failed" : std::move(error);
        return false;
    };
    auto fail = [&](const NeedsFactRows& rows) { return fail_with(rows.Error()); };
    {
        auto s = source.Open(NeedsFact::Catalogue);
        while (s->Next()) {
            if (ToInt(s->Text(2)) != 0) continue;
            int id = d->items.Id(s->Text(0));
            d->item_category.resize(d->items.Size());
            d->item_category[size_t(id)] = std::string(s->Text(1));
        }
        if (s->Failed()) return fail(*s);
        d->catalogue_items = d->items.Size();
    }
    Stream creators{source.Open(NeedsFact::Creators)};
    Stream needs{source.Open(NeedsFact::Needs)};
    Stream csec{source.Open(NeedsFact::Sectors)};
    Stream cpro{source.Open(NeedsFact::Professions)};
    Stream att{source.Open(NeedsFact::Attendances)};
    Stream* all[] = {&creators, &needs, &csec, &cpro, &att};
    for (Stream* s : all) {
        s->Next();
        if (s->rows->Failed()) return fail(*s->rows);
    }
    for (; creators.valid; creators.Next())
        if (!AppendCreator(*d, creators.Key(), csec, cpro, att, needs))
            return fail_with("too many distinct ids for the needs report");
    for (Stream* s : all)
        if (s->rows->Failed()) return fail(*s->rows);
    std::string error;
    if (!ReadOffers(source, *d, &error)) return fail_with(error);
    d->item_category.resize(d->items.Size());
    d->loaded = true;
    d->stats.full_loads++;
    d_ = std::move(d);
    return true;
}

// [SECTION] Compute ------------------------------------------------------------------------

NeedsReport NeedsReportIndex::Compute(const ReportFilter& filter) const {
    const Data& d = *d_;
    NeedsReport report;
    report.filter = filter;
    report.filter.threshold = std::max(1, filter.threshold);
    const int64_t threshold = report.filter.threshold;
    if (!d.loaded) {
        report.ok = false;
        report.error = d.error.empty() ? "needs report index not loaded" : d.error;
        return report;
    }
    const int32_t from = filter.from_date.empty() ? 0 : DayNumber(filter.from_date);
    const int32_t to = filter.to_date.empty() ? 99999999 : DayNumber(filter.to_date);
    if ((!filter.from_date.empty() && (filter.from_date.size() != 10 || from == 0)) ||
        (!filter.to_date.empty() && (filter.to_date.size() != 10 || to == 0))) {
        report.ok = false;
        report.error = "invalid date filter (expected YYYY-MM-DD)";
        return report;
    }
    const bool by_date = from != 0 || to != 99999999;
    // An unknown id in a filter matches nobody (-2); no filter is -1.
    auto wanted = [](const std::string& v, const Interner& in) {
        if (v.empty()) return -1;
        int id = in.Find(v);
        return id < 0 ? -2 : id;
    };
    const int want_sector = wanted(filter.sector, d.sectors);
    const int want_profession = wanted(filter.profession, d.professions);
    const int want_event = wanted(filter.event_id, d.events);

    const size_t n_items = d.items.Size(), n_sectors = d.sectors.Size(), n_professions = d.professions.Size();
    std::vector<int64_t> per_item(n_items, 0);
    std::vector<int64_t> per_sector(n_items * n_sectors, 0), per_profession(n_items * n_professions, 0);
    std::vector<uint32_t> stamp(n_items, 0);  // creator index + 1 that last counted the item

    auto contains = [](const auto& v, uint32_t b, uint32_t e, int x) {
        for (uint32_t k = b; k < e; ++k)
            if (int(v[k]) == x) return true;
        return false;
    };
    for (size_t i = 0; i < d.creators; ++i) {
        const uint32_t sb = d.sector_off[i], se = d.sector_off[i + 1];
        const uint32_t pb = d.profession_off[i], pe = d.profession_off[i + 1];
        if (want_sector != -1 && !contains(d.sector, sb, se, want_sector)) continue;
        if (want_profession != -1 && !contains(d.profession, pb, pe, want_profession)) continue;
        if (want_event != -1 && !contains(d.event, d.event_off[i], d.event_off[i + 1], want_event)) continue;
        ++report.creators_considered;
        bool any = false;
        for (uint32_t k = d.need_off[i]; k < d.need_off[i + 1]; ++k) {
            if (by_date && (d.need_day[k] < from || d.need_day[k] > to)) continue;
            const uint16_t item = d.need_item[k];
            if (stamp[item] == i + 1) continue;  // this creator already counted for it
            stamp[item] = uint32_t(i + 1);
            any = true;
            ++per_item[item];
            for (uint32_t s = sb; s < se; ++s) ++per_sector[item * n_sectors + d.sector[s]];
            for (uint32_t p = pb; p < pe; ++p) ++per_profession[item * n_professions + d.profession[p]];
        }
        if (any) ++report.creators_with_needs;
    }

    for (size_t i = 0; i < n_items; ++i) {
        if (per_item[i] == 0 && i >= d.catalogue_items) continue;  // retired/unknown and unused
        NeedsReportRow row;
        row.item = d.items.Name(int(i));
        row.category = d.item_category[i];
        if (row.category.empty()) row.category = row.item.substr(0, row.item.find('.'));
        row.creators = per_item[i];
        for (size_t s = 0; s < n_sectors; ++s)
            if (int64_t n = per_sector[i * n_sectors + s]) row.by_sector.push_back({d.sectors.Name(int(s)), n});
        for (size_t p = 0; p < n_professions; ++p)
            if (int64_t n = per_profession[i * n_professions + p])
                row.by_profession.push_back({d.professions.Name(int(p)), n});
        SortCounts(&row.by_sector);
        SortCounts(&row.by_profession);
        row.critical_mass = row.creators >= threshold;
        row.matching_offers = d.offers[i];
        report.rows.push_back(std::move(row));
    }
    // Most creators first; ties keep the catalogue order (stable sort).
    std::stable_sort(report.rows.begin(), report.rows.end(),
                     [](const NeedsReportRow& a, const NeedsReportRow& b) { return a.creators > b.creators; });
    return report;
}

NeedsReport ComputeNeedsReport(Db& db, const ReportFilter& filter) {
    NeedsReportIndex index;
    if (!index.Load(db)) {
        NeedsReport r;
        r.filter = filter;
        r.ok = false;
        r.error = index.Error();
        return r;
    }
    return index.Compute(filter);
}

nlohmann::json ToJson(const NeedsReport& r) {
    using nlohmann::json;
    json items = json::array();
    for (const auto& row : r.rows) {
        json by_sector = json::object(), by_profession = json::object();
        for (const auto& c : row.by_sector) by_sector[c.id] = c.creators;
        for (const auto& c : row.by_profession) by_profession[c.id] = c.creators;
        items.push_back({{"item", row.item},
                         {"category", row.category},
                         {"creators", row.creators},
                         {"critical_mass", row.critical_mass},
                         {"matching_offers", row.matching_offers},
                         {"by_sector", by_sector},
                         {"by_profession", by_profession}});
    }
    return json{{"threshold", r.filter.threshold},
                {"filter", {{"sector", r.filter.sector}, {"profession", r.filter.profession},
                            {"event", r.filter.event_id}, {"from", r.filter.from_date}, {"to", r.filter.to_date}}},
                {"creators_considered", r.creators_considered},
                {"creators_with_needs", r.creators_with_needs},
                {"items", items}};
}

}  // namespace comptoir
