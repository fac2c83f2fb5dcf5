// core/needs_report.cpp — see needs_report.h.
//
// [SECTION] Load: one pass, no per-row SQL. The creators, their needs, sectors,
//   professions and attendances are read as streams sorted by creator_id and merged
//   like a merge join into compact arrays (CSR: one offset array per fact kind).
//   Ids are interned to small integers. The streams come from a NeedsFactSource:
//   SqliteFactSource here (core's tables); the server's PostgreSQL store has its own.
// [SECTION] Compute: per creator, filters are integer compares; its need items are
//   deduplicated with a stamp array, then counted per item, per (item, sector) and per
//   (item, profession).
#include "core/needs_report.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <unordered_map>

#include "core/clock.h"
#include "core/db.h"

namespace comptoir {

namespace {

// Interns ids to dense integers.
class Interner {
public:
    int Id(std::string_view s) {
        auto it = index_.find(s);
        if (it != index_.end()) return it->second;
        names_.emplace_back(s);
        int id = int(names_.size() - 1);
        index_.emplace(names_.back(), id);
        return id;
    }
    int Find(std::string_view s) const {
        auto it = index_.find(s);
        return it == index_.end() ? -1 : it->second;
    }
    const std::string& Name(int id) const { return names_[size_t(id)]; }
    size_t Size() const { return names_.size(); }

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::deque<std::string> names_;  // stable addresses for the views in index_
    std::unordered_map<std::string_view, int, Hash, std::equal_to<>> index_;
};

// A query whose first column is the creator id, read in that order.
struct Stream {
    std::unique_ptr<NeedsFactRows> rows;
    bool valid = false;
    void Next() { valid = rows->Next(); }
    std::string_view Key() const { return rows->Text(0); }
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
    SqliteFactRows(Db& db, const char* sql) : db_(db), stmt_(db.Prepare(sql)) {}
    bool Next() override { return stmt_.Valid() && stmt_.Step(); }
    std::string_view Text(int col) const override { return stmt_.TextView(col); }
    bool Failed() const override { return !stmt_.Valid() || stmt_.Failed(); }
    std::string Error() const override { return stmt_.Error().empty() ? db_.LastError() : stmt_.Error(); }

private:
    Db& db_;
    Stmt stmt_;
};

class SqliteFactSource final : public NeedsFactSource {
public:
    explicit SqliteFactSource(Db& db) : db_(db) {}
    std::unique_ptr<NeedsFactRows> Open(NeedsFact what) override {
        const char* sql = "";
        switch (what) {
            case NeedsFact::Catalogue:
                sql = "SELECT id, parent, retired FROM catalogue WHERE kind='need_item' ORDER BY sort, id";
                break;
            case NeedsFact::Creators: sql = "SELECT id FROM creators WHERE deleted=0 ORDER BY id"; break;
            case NeedsFact::Needs:
                sql = "SELECT creator_id, item, updated_at FROM needs WHERE deleted=0 ORDER BY creator_id";
                break;
            case NeedsFact::Sectors:
                sql = "SELECT creator_id, sector_id FROM creator_sectors ORDER BY creator_id";
                break;
            case NeedsFact::Professions:
                sql = "SELECT creator_id, profession_id FROM creator_professions ORDER BY creator_id";
                break;
            case NeedsFact::Attendances:
                sql = "SELECT creator_id, event_id FROM attendances WHERE deleted=0 ORDER BY creator_id";
                break;
            case NeedsFact::Offers:
                sql = "SELECT item, count(*) FROM offers WHERE deleted=0 AND item<>'' GROUP BY item";
                break;
        }
        return std::make_unique<SqliteFactRows>(db_, sql);
    }

private:
    Db& db_;
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
    // Per creator i, facts in [off[i], off[i+1]).
    std::vector<uint32_t> sector_off{0}, profession_off{0}, need_off{0}, event_off{0};
    std::vector<uint16_t> sector, profession, need_item;
    std::vector<int32_t> need_day;
    std::vector<uint32_t> event;
    std::vector<int64_t> offers;  // by item id
    size_t creators = 0;
    bool loaded = false;
    int64_t total_changes = -1;
    int64_t data_version = -1;
    std::string error;
};

NeedsReportIndex::NeedsReportIndex() : d_(std::make_unique<Data>()) {}
NeedsReportIndex::~NeedsReportIndex() = default;
NeedsReportIndex::NeedsReportIndex(NeedsReportIndex&&) noexcept = default;
NeedsReportIndex& NeedsReportIndex::operator=(NeedsReportIndex&&) noexcept = default;
bool NeedsReportIndex::Loaded() const { return d_->loaded; }
const std::string& NeedsReportIndex::Error() const { return d_->error; }

// [SECTION] Load ---------------------------------------------------------------------------

bool NeedsReportIndex::Refresh(Db& db) {
    if (d_->loaded && db.TotalChanges() == d_->total_changes && db.DataVersion() == d_->data_version) return true;
    return Load(db);
}

bool NeedsReportIndex::Load(Db& db) {
    SqliteFactSource source(db);
    if (!Load(source)) return false;
    d_->total_changes = db.TotalChanges();
    d_->data_version = db.DataVersion();
    return true;
}

bool NeedsReportIndex::Load(NeedsFactSource& source) {
    auto d = std::make_unique<Data>();
    auto fail = [&](const NeedsFactRows& rows) {
        d_ = std::make_unique<Data>();
        d_->error = rows.Error();
        if (d_->error.empty()) d_->error = "needs report query failed";
        return false;
    };
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
    for (; creators.valid; creators.Next()) {
        std::string_view id = creators.Key();
        for (bool more = csec.SeekTo(id); more; csec.Next(), more = csec.More(id))
            d->sector.push_back(uint16_t(d->sectors.Id(csec.rows->Text(1))));
        for (bool more = cpro.SeekTo(id); more; cpro.Next(), more = cpro.More(id))
            d->profession.push_back(uint16_t(d->professions.Id(cpro.rows->Text(1))));
        for (bool more = att.SeekTo(id); more; att.Next(), more = att.More(id))
            d->event.push_back(uint32_t(d->events.Id(att.rows->Text(1))));
        for (bool more = needs.SeekTo(id); more; needs.Next(), more = needs.More(id)) {
            d->need_item.push_back(uint16_t(d->items.Id(needs.rows->Text(1))));
            d->need_day.push_back(DayNumber(needs.rows->Text(2)));
        }
        d->sector_off.push_back(uint32_t(d->sector.size()));
        d->profession_off.push_back(uint32_t(d->profession.size()));
        d->event_off.push_back(uint32_t(d->event.size()));
        d->need_off.push_back(uint32_t(d->need_item.size()));
        ++d->creators;
        if (d->items.Size() > 0xFFFF || d->sectors.Size() > 0xFFFF || d->professions.Size() > 0xFFFF) {
            d_ = std::make_unique<Data>();
            d_->error = "too many distinct ids for the needs report";
            return false;
        }
    }
    for (Stream* s : all)
        if (s->rows->Failed()) return fail(*s->rows);
    d->offers.assign(d->items.Size(), 0);
    {
        auto s = source.Open(NeedsFact::Offers);
        while (s->Next()) {
            int item = d->items.Find(s->Text(0));
            if (item >= 0) d->offers[size_t(item)] = ToInt(s->Text(1));
        }
        if (s->Failed()) return fail(*s);
    }
    d->item_category.resize(d->items.Size());
    d->loaded = true;
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
