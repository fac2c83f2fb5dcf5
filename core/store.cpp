// core/store.cpp — see store.h.
//
// [SECTION] Schema and migrations
// [SECTION] Row mapping
// [SECTION] Open
// [SECTION] Registrations
// [SECTION] Returning creators
// [SECTION] Outbox
// [SECTION] Reference data
// [SECTION] Counts and purge
//
// Tables (the server's schema mirrors creators/creator_sectors/creator_professions/
// needs/offers/attendances for the needs report, see core/needs_report.h):
//   creators(id PK, version, first_name, last_name, email, email_key UNIQUE (non-empty),
//            phone, postcode, commune, other_profession, work_json, structure_name,
//            website, languages_json, preferred_lang, consents_json, created_at,
//            updated_at, deleted, purged)
//   creator_sectors(creator_id, sector_id, pos)      creator_professions(creator_id, profession_id, pos)
//   needs(id PK, version, creator_id, item, frequency, urgency, budget, comment, updated_at, deleted)
//   offers(id PK, version, creator_id, kind, item, description, updated_at, deleted)
//   attendances(id PK, version, creator_id, event_id, at, updated_at, deleted, UNIQUE(creator_id, event_id))
//   events, catalogue, settings, creator_aliases, outbox(seq AUTOINCREMENT, …)
#include "core/store.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

#include "core/catalogue.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/domain_json.h"
#include "core/uuid.h"

namespace comptoir {

using nlohmann::json;

// [SECTION] Schema and migrations --------------------------------------------------------

namespace {

const char* const kSchemaV1 = R"sql(
CREATE TABLE creators(
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT NOT NULL,
  email_key TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  commune TEXT NOT NULL DEFAULT '',
  other_profession TEXT NOT NULL DEFAULT '',
  work_json TEXT NOT NULL DEFAULT '{}',
  structure_name TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  languages_json TEXT NOT NULL DEFAULT '[]',
  preferred_lang TEXT NOT NULL DEFAULT 'fr',
  consents_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  purged INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX creators_email_key ON creators(email_key) WHERE email_key <> '';
CREATE TABLE creator_sectors(
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  sector_id TEXT NOT NULL,
  pos INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(creator_id, sector_id)
) WITHOUT ROWID;
CREATE INDEX creator_sectors_sector ON creator_sectors(sector_id);
CREATE TABLE creator_professions(
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  profession_id TEXT NOT NULL,
  pos INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(creator_id, profession_id)
) WITHOUT ROWID;
CREATE INDEX creator_professions_profession ON creator_professions(profession_id);
CREATE TABLE needs(
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  item TEXT NOT NULL,
  frequency TEXT NOT NULL DEFAULT '',
  urgency TEXT NOT NULL DEFAULT '',
  budget TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX needs_report ON needs(creator_id, item, updated_at) WHERE deleted = 0;
CREATE INDEX needs_item ON needs(item);
CREATE TABLE offers(
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  item TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX offers_creator ON offers(creator_id);
CREATE INDEX offers_item ON offers(item) WHERE deleted = 0;
CREATE TABLE attendances(
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  UNIQUE(creator_id, event_id)
);
CREATE INDEX attendances_event ON attendances(event_id, creator_id);
CREATE TABLE events(
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  sector TEXT NOT NULL DEFAULT '',
  date TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  retired INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE catalogue(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  label_fr TEXT NOT NULL,
  label_nl TEXT NOT NULL,
  label_en TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  retired INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX catalogue_kind ON catalogue(kind, sort);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE creator_aliases(alias_id TEXT PRIMARY KEY, canonical_id TEXT NOT NULL);
CREATE TABLE outbox(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  data_json TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  rejected INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox(rejected, seq);
CREATE INDEX outbox_record ON outbox(record_id);
)sql";

bool UpsertCatalogueRow(Db& db, const CatalogueEntry& e) {
    Stmt s = db.Prepare(
        "INSERT INTO catalogue(id, kind, parent, label_fr, label_nl, label_en, sort, retired) "
        "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, parent=excluded.parent, "
        "label_fr=excluded.label_fr, label_nl=excluded.label_nl, label_en=excluded.label_en, "
        "sort=excluded.sort, retired=excluded.retired");
    s.Bind(1, e.id).Bind(2, e.kind).Bind(3, e.parent).Bind(4, e.label_fr).Bind(5, e.label_nl);
    s.Bind(6, e.label_en).Bind(7, e.sort).Bind(8, e.retired);
    return s.Run();
}

bool SeedCatalogueStep(Db& db, std::string* error) {
    for (const auto& e : SeedCatalogue()) {
        Stmt s = db.Prepare(
            "INSERT OR IGNORE INTO catalogue(id, kind, parent, label_fr, label_nl, label_en, sort, retired) "
            "VALUES (?,?,?,?,?,?,?,0)");
        s.Bind(1, e.id).Bind(2, e.kind).Bind(3, e.parent).Bind(4, e.label_fr).Bind(5, e.label_nl);
        s.Bind(6, e.label_en).Bind(7, e.sort);
        if (!s.Run()) {
            *error = s.Error();
            return false;
        }
    }
    return true;
}

struct Migration {
    const char* name;
    bool (*apply)(Db& db, std::string* error);
};

// Append-only: migration i brings user_version from i to i+1. Never edit a shipped step.
const Migration kMigrations[] = {
    {"schema v1", [](Db& db, std::string* error) { return db.Exec(kSchemaV1, error); }},
    {"seed catalogue", SeedCatalogueStep},
    // The needs report scans creators and attendances in creator id order: covering
    // partial indexes avoid a table lookup per row for `deleted`.
    {"report indexes", [](Db& db, std::string* error) {
         return db.Exec("CREATE INDEX creators_live ON creators(id) WHERE deleted = 0;"
                        "CREATE INDEX attendances_live ON attendances(creator_id, event_id) WHERE deleted = 0;",
                        error);
     }},
};
constexpr int kSchemaVersion = int(sizeof(kMigrations) / sizeof(kMigrations[0]));

bool Migrate(Db& db, std::string* error) {
    int v = db.UserVersion();
    if (v < 0) {
        *error = "cannot read schema version: " + db.LastError();
        return false;
    }
    if (v > kSchemaVersion) {
        *error = "database was written by a newer version of Comptoir (schema " + std::to_string(v) + ")";
        return false;
    }
    for (int i = v; i < kSchemaVersion; ++i) {
        Transaction tx(db);
        std::string err;
        if (!tx.Ok() || !kMigrations[i].apply(db, &err) || !db.SetUserVersion(i + 1) || !tx.Commit()) {
            *error = std::string("migration '") + kMigrations[i].name + "' failed: " + (err.empty() ? db.LastError() : err);
            return false;
        }
    }
    return true;
}

// [SECTION] Row mapping --------------------------------------------------------------------

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json ParseOr(const std::string& text, json fallback) {
    json j = json::parse(text, nullptr, false);
    return j.is_discarded() ? fallback : j;
}

const char* const kCreatorColumns =
    "id, version, first_name, last_name, email, phone, postcode, commune, other_profession, work_json, "
    "structure_name, website, languages_json, preferred_lang, consents_json, created_at, updated_at";

Creator ReadCreator(Db& db, const Stmt& s) {
    Creator c;
    c.id = s.Text(0);
    c.version = s.Int(1);
    c.first_name = s.Text(2);
    c.last_name = s.Text(3);
    c.email = s.Text(4);
    c.phone = s.Text(5);
    c.postcode = s.Text(6);
    c.commune = s.Text(7);
    c.other_profession = s.Text(8);
    c.structure_name = s.Text(10);
    c.website = s.Text(11);
    c.preferred_lang = s.Text(13);
    c.created_at = s.Text(15);
    c.updated_at = s.Text(16);
    // work, languages and consents were written by ToJson: decode with the same codec.
    Creator shape;
    shape.first_name = "x";
    json data = ToJson(shape);
    data["work_status"] = ParseOr(s.Text(9), json::object());
    data["languages"] = ParseOr(s.Text(12), json::array());
    data["consents"] = ParseOr(s.Text(14), json::object());
    Creator decoded;
    std::vector<FieldError> ignored;
    FromJson(data, &decoded, &ignored);
    c.work = decoded.work;
    c.languages = decoded.languages;
    c.consents = decoded.consents;
    Stmt sec = db.Prepare("SELECT sector_id FROM creator_sectors WHERE creator_id=? ORDER BY pos");
    sec.Bind(1, c.id);
    while (sec.Step()) c.sectors.push_back(sec.Text(0));
    Stmt pro = db.Prepare("SELECT profession_id FROM creator_professions WHERE creator_id=? ORDER BY pos");
    pro.Bind(1, c.id);
    while (pro.Step()) c.professions.push_back(pro.Text(0));
    return c;
}

std::optional<Creator> CreatorWhere(Db& db, const char* where, const std::string& arg) {
    Stmt s = db.Prepare(std::string("SELECT ") + kCreatorColumns + " FROM creators WHERE " + where);
    s.Bind(1, arg);
    if (!s.Step()) return std::nullopt;
    return ReadCreator(db, s);
}

std::vector<Need> ReadNeeds(Db& db, const std::string& creator_id) {
    std::vector<Need> out;
    Stmt s = db.Prepare(
        "SELECT id, version, creator_id, item, frequency, urgency, budget, comment, updated_at FROM needs "
        "WHERE creator_id=? AND deleted=0 ORDER BY rowid");
    s.Bind(1, creator_id);
    while (s.Step())
        out.push_back(Need{s.Text(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7), s.Text(8)});
    return out;
}

std::vector<Offer> ReadOffers(Db& db, const std::string& creator_id) {
    std::vector<Offer> out;
    Stmt s = db.Prepare(
        "SELECT id, version, creator_id, kind, item, description, updated_at FROM offers "
        "WHERE creator_id=? AND deleted=0 ORDER BY rowid");
    s.Bind(1, creator_id);
    while (s.Step()) out.push_back(Offer{s.Text(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6)});
    return out;
}

bool AddOutbox(Db& db, const char* entity, const std::string& id, const char* op, int64_t version,
               const std::string& updated_at, const json& data) {
    Stmt s = db.Prepare(
        "INSERT INTO outbox(entity, record_id, op, version, updated_at, data_json) VALUES (?,?,?,?,?,?)");
    s.Bind(1, entity).Bind(2, id).Bind(3, op).Bind(4, version).Bind(5, updated_at).Bind(6, Dump(data));
    return s.Run();
}

bool WriteNeed(Db& db, const Need& n) {
    Stmt s = db.Prepare(
        "INSERT INTO needs(id, version, creator_id, item, frequency, urgency, budget, comment, updated_at, deleted) "
        "VALUES (?,?,?,?,?,?,?,?,?,0) ON CONFLICT(id) DO UPDATE SET version=excluded.version, "
        "creator_id=excluded.creator_id, item=excluded.item, frequency=excluded.frequency, "
        "urgency=excluded.urgency, budget=excluded.budget, comment=excluded.comment, "
        "updated_at=excluded.updated_at, deleted=0");
    s.Bind(1, n.id).Bind(2, n.version).Bind(3, n.creator_id).Bind(4, n.item).Bind(5, n.frequency);
    s.Bind(6, n.urgency).Bind(7, n.budget).Bind(8, n.comment).Bind(9, n.updated_at);
    return s.Run() && AddOutbox(db, "need", n.id, "upsert", n.version, n.updated_at, ToJson(n));
}

bool WriteOffer(Db& db, const Offer& o) {
    Stmt s = db.Prepare(
        "INSERT INTO offers(id, version, creator_id, kind, item, description, updated_at, deleted) "
        "VALUES (?,?,?,?,?,?,?,0) ON CONFLICT(id) DO UPDATE SET version=excluded.version, "
        "creator_id=excluded.creator_id, kind=excluded.kind, item=excluded.item, "
        "description=excluded.description, updated_at=excluded.updated_at, deleted=0");
    s.Bind(1, o.id).Bind(2, o.version).Bind(3, o.creator_id).Bind(4, o.kind).Bind(5, o.item);
    s.Bind(6, o.description).Bind(7, o.updated_at);
    return s.Run() && AddOutbox(db, "offer", o.id, "upsert", o.version, o.updated_at, ToJson(o));
}

// Tombstone: the row stays (deleted=1) so a later resend of an older version is stale.
template <typename T>
bool DeleteRecord(Db& db, const char* table, const char* entity, T rec, const std::string& now) {
    rec.version += 1;
    rec.updated_at = now;
    Stmt s = db.Prepare(std::string("UPDATE ") + table + " SET deleted=1, version=?, updated_at=? WHERE id=?");
    s.Bind(1, rec.version).Bind(2, now).Bind(3, rec.id);
    return s.Run() && AddOutbox(db, entity, rec.id, "delete", rec.version, now, ToJson(rec));
}

// Adds the attendance (creator × event) unless it exists. *added tells whether it did.
bool AddAttendance(Db& db, const std::string& creator_id, const std::string& event_id, const std::string& now,
                   bool* added) {
    *added = false;
    Stmt q = db.Prepare("SELECT id, version, deleted FROM attendances WHERE creator_id=? AND event_id=?");
    q.Bind(1, creator_id).Bind(2, event_id);
    Attendance a{NewUuid(), 1, creator_id, event_id, now, now};
    if (q.Step()) {
        if (q.Int(2) == 0) return true;
        a.id = q.Text(0);
        a.version = q.Int(1) + 1;
    }
    Stmt s = db.Prepare(
        "INSERT INTO attendances(id, version, creator_id, event_id, at, updated_at, deleted) VALUES (?,?,?,?,?,?,0) "
        "ON CONFLICT(id) DO UPDATE SET version=excluded.version, at=excluded.at, "
        "updated_at=excluded.updated_at, deleted=0");
    s.Bind(1, a.id).Bind(2, a.version).Bind(3, a.creator_id).Bind(4, a.event_id).Bind(5, a.at).Bind(6, a.updated_at);
    if (!s.Run() || !AddOutbox(db, "attendance", a.id, "upsert", a.version, now, ToJson(a))) return false;
    *added = true;
    return true;
}

// Inside the caller's transaction.
bool WriteSetting(Db& db, const std::string& key, const std::string& value) {
    Stmt s = db.Prepare("INSERT INTO settings(key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    return s.Bind(1, key).Bind(2, value).Run();
}

// Entries matching `where` with seq > after_seq, in seq order: one range of the
// outbox_pending index (rejected, seq), no sort.
std::vector<OutboxEntry> ReadOutbox(Db& db, const char* where, size_t limit, int64_t after_seq = 0) {
    std::vector<OutboxEntry> out;
    Stmt s = db.Prepare(std::string("SELECT seq, entity, record_id, op, version, updated_at, data_json, attempts, "
                                    "last_error, rejected FROM outbox WHERE ") +
                        where + " AND seq>? ORDER BY seq LIMIT ?");
    s.Bind(1, after_seq).Bind(2, int64_t(limit > size_t(INT64_MAX) ? INT64_MAX : int64_t(limit)));
    while (s.Step())
        out.push_back(OutboxEntry{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5), s.Text(6),
                                  int(s.Int(7)), s.Text(8), s.Int(9) != 0});
    return out;
}

}  // namespace

// [SECTION] Open ---------------------------------------------------------------------------

struct LocalStore::Impl {
    std::unique_ptr<Db> db;
    std::function<void()> commit_hook;

    void Committed() {
        if (commit_hook) commit_hook();
    }
    // Catalogue id of that kind, present and not retired.
    bool CatalogueHas(const char* kind, const std::string& id) {
        Stmt s = db->Prepare("SELECT 1 FROM catalogue WHERE id=? AND kind=? AND retired=0");
        s.Bind(1, id).Bind(2, kind);
        return s.Step();
    }
    bool EventExists(const std::string& id) {
        Stmt s = db->Prepare("SELECT 1 FROM events WHERE id=?");
        s.Bind(1, id);
        return s.Step();
    }
    // Follows an alias only to a creator this device holds: after a merge on the server
    // the canonical person may live on another device (regression: fault-regressions).
    std::string Canonical(const std::string& id) {
        Stmt s = db->Prepare(
            "SELECT a.canonical_id FROM creator_aliases a JOIN creators c ON c.id = a.canonical_id "
            "WHERE a.alias_id=?");
        s.Bind(1, id);
        return s.Step() ? s.Text(0) : id;
    }
};

std::unique_ptr<LocalStore> LocalStore::Open(const std::string& path, std::string* error, const char* vfs) {
    std::string local_error;
    std::string* err = error ? error : &local_error;
    auto db = Db::Open(path, err, vfs);
    if (!db) return nullptr;
    db->Exec("PRAGMA foreign_keys=ON");
    db->Exec("PRAGMA secure_delete=ON");
    if (!Migrate(*db, err)) return nullptr;
    auto store = std::unique_ptr<LocalStore>(new LocalStore());
    store->impl_ = std::make_unique<Impl>();
    store->impl_->db = std::move(db);
    return store;
}

LocalStore::~LocalStore() = default;

bool LocalStore::UseDurableWal(std::string* journal_mode, std::string* error) {
    Db& db = *impl_->db;
    std::string mode;
    {
        Stmt s = db.Prepare("PRAGMA journal_mode=WAL");
        if (s.Step()) mode = s.Text(0);
        if (s.Failed()) {
            if (error) *error = s.Error();
            return false;
        }
    }
    if (journal_mode) *journal_mode = mode;
    // After the mode: synchronous applies to whichever journal SQLite kept.
    return db.Exec("PRAGMA synchronous=FULL", error);
}

Db& LocalStore::db() { return *impl_->db; }

void LocalStore::SetCommitHook(std::function<void()> hook) { impl_->commit_hook = std::move(hook); }

// [SECTION] Registrations ---------------------------------------------------------------------

namespace {

void Prefixed(std::vector<FieldError>* out, const std::string& prefix, std::vector<FieldError> errs) {
    for (auto& e : errs) out->push_back({prefix + e.field, e.code});
}

bool SameNeed(const Need& a, const Need& b) {
    return a.item == b.item && a.frequency == b.frequency && a.urgency == b.urgency && a.budget == b.budget &&
           a.comment == b.comment;
}

bool SameOffer(const Offer& a, const Offer& b) {
    return a.kind == b.kind && a.item == b.item && a.description == b.description;
}

}  // namespace

SaveResult LocalStore::SaveRegistration(Registration reg) {
    SaveResult result;
    Db& db = *impl_->db;
    Creator& c = reg.creator;

    // 1. Validate and normalize everything before writing anything.
    result.errors = ValidateCreator(c);
    for (size_t i = 0; i < c.sectors.size(); ++i)
        if (!impl_->CatalogueHas("sector", c.sectors[i]))
            result.errors.push_back({"sectors[" + std::to_string(i) + "]", ErrorCode::UnknownItem});
    for (size_t i = 0; i < c.professions.size(); ++i)
        if (!impl_->CatalogueHas("profession", c.professions[i]))
            result.errors.push_back({"professions[" + std::to_string(i) + "]", ErrorCode::UnknownItem});
    std::set<std::string> items;
    for (size_t i = 0; i < reg.needs.size(); ++i) {
        Need& n = reg.needs[i];
        std::string p = "needs[" + std::to_string(i) + "].";
        n.creator_id.clear();  // set below, once the creator's id is known
        auto errs = ValidateNeed(n);
        bool item_ok = std::none_of(errs.begin(), errs.end(), [](const FieldError& e) { return e.field == "item"; });
        Prefixed(&result.errors, p, std::move(errs));
        if (!item_ok) continue;
        if (!impl_->CatalogueHas("need_item", n.item)) result.errors.push_back({p + "item", ErrorCode::UnknownItem});
        else if (!items.insert(n.item).second) result.errors.push_back({p + "item", ErrorCode::InvalidValue});
    }
    for (size_t i = 0; i < reg.offers.size(); ++i) {
        Offer& o = reg.offers[i];
        std::string p = "offers[" + std::to_string(i) + "].";
        o.creator_id.clear();
        auto errs = ValidateOffer(o);
        bool item_ok = std::none_of(errs.begin(), errs.end(), [](const FieldError& e) { return e.field == "item"; });
        Prefixed(&result.errors, p, std::move(errs));
        if (item_ok && !o.item.empty() && !impl_->CatalogueHas("need_item", o.item))
            result.errors.push_back({p + "item", ErrorCode::UnknownItem});
    }
    if (!reg.event_id.empty() && !impl_->EventExists(reg.event_id))
        result.errors.push_back({"event_id", ErrorCode::UnknownItem});
    if (!result.errors.empty()) return result;

    // 2. Write creator, needs, offers, attendance and their outbox entries atomically.
    Transaction tx(db);
    if (!tx.Ok()) {
        result.storage_error = db.LastError();
        return result;
    }
    const std::string now = NowRfc3339();
    const std::string key = EmailIdentityKey(c.email);
    std::optional<Creator> existing = CreatorWhere(db, "email_key=? AND email_key <> '' AND deleted=0", key);
    if (!existing && !c.id.empty()) existing = CreatorWhere(db, "id=?", c.id);
    if (existing) {
        c.id = existing->id;
        c.version = existing->version + 1;
        c.created_at = existing->created_at;
    } else {
        if (c.id.empty()) c.id = NewUuid();
        c.version = 1;
        c.created_at = now;
    }
    c.updated_at = now;
    for (Consent* consent : {&c.consents.processing, &c.consents.contact, &c.consents.newsletter, &c.consents.directory})
        if (consent->given && consent->at.empty()) consent->at = now;

    json data = ToJson(c);
    bool ok = true;
    {
        Stmt s = db.Prepare(
            "INSERT INTO creators(id, version, first_name, last_name, email, email_key, phone, postcode, commune, "
            "other_profession, work_json, structure_name, website, languages_json, preferred_lang, consents_json, "
            "created_at, updated_at, deleted, purged) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,0) "
            "ON CONFLICT(id) DO UPDATE SET version=excluded.version, first_name=excluded.first_name, "
            "last_name=excluded.last_name, email=excluded.email, email_key=excluded.email_key, "
            "phone=excluded.phone, postcode=excluded.postcode, commune=excluded.commune, "
            "other_profession=excluded.other_profession, work_json=excluded.work_json, "
            "structure_name=excluded.structure_name, website=excluded.website, "
            "languages_json=excluded.languages_json, preferred_lang=excluded.preferred_lang, "
            "consents_json=excluded.consents_json, updated_at=excluded.updated_at, deleted=0, purged=0");
        s.Bind(1, c.id).Bind(2, c.version).Bind(3, c.first_name).Bind(4, c.last_name).Bind(5, c.email).Bind(6, key);
        s.Bind(7, c.phone).Bind(8, c.postcode).Bind(9, c.commune).Bind(10, c.other_profession);
        s.Bind(11, Dump(data["work_status"])).Bind(12, c.structure_name).Bind(13, c.website);
        s.Bind(14, Dump(data["languages"])).Bind(15, c.preferred_lang).Bind(16, Dump(data["consents"]));
        s.Bind(17, c.created_at).Bind(18, c.updated_at);
        ok = s.Run();
    }
    for (const char* sql : {"DELETE FROM creator_sectors WHERE creator_id=?",
                            "DELETE FROM creator_professions WHERE creator_id=?"}) {
        Stmt s = db.Prepare(sql);
        ok = ok && s.Bind(1, c.id).Run();
    }
    for (size_t i = 0; ok && i < c.sectors.size(); ++i) {
        Stmt s = db.Prepare("INSERT INTO creator_sectors(creator_id, sector_id, pos) VALUES (?,?,?)");
        ok = s.Bind(1, c.id).Bind(2, c.sectors[i]).Bind(3, int64_t(i)).Run();
    }
    for (size_t i = 0; ok && i < c.professions.size(); ++i) {
        Stmt s = db.Prepare("INSERT INTO creator_professions(creator_id, profession_id, pos) VALUES (?,?,?)");
        ok = s.Bind(1, c.id).Bind(2, c.professions[i]).Bind(3, int64_t(i)).Run();
    }
    ok = ok && AddOutbox(db, "creator", c.id, "upsert", c.version, c.updated_at, data);

    // Needs: matched by item with the ones already recorded for this person.
    std::vector<Need> old_needs = ReadNeeds(db, c.id);
    std::vector<bool> need_kept(old_needs.size(), false);
    for (Need& n : reg.needs) {
        if (!ok) break;
        n.creator_id = c.id;
        auto it = std::find_if(old_needs.begin(), old_needs.end(), [&](const Need& o) { return o.item == n.item; });
        if (it != old_needs.end()) {
            need_kept[size_t(it - old_needs.begin())] = true;
            if (SameNeed(*it, n)) continue;
            n.id = it->id;
            n.version = it->version + 1;
        } else {
            if (n.id.empty()) n.id = NewUuid();
            n.version = 1;
        }
        n.updated_at = now;
        ok = WriteNeed(db, n);
    }
    for (size_t i = 0; ok && i < old_needs.size(); ++i)
        if (!need_kept[i]) ok = DeleteRecord(db, "needs", "need", old_needs[i], now);

    std::vector<Offer> old_offers = ReadOffers(db, c.id);
    std::vector<bool> offer_kept(old_offers.size(), false);
    for (Offer& o : reg.offers) {
        if (!ok) break;
        o.creator_id = c.id;
        auto it = std::find_if(old_offers.begin(), old_offers.end(), [&](const Offer& x) { return SameOffer(x, o); });
        if (it != old_offers.end() && !offer_kept[size_t(it - old_offers.begin())]) {
            offer_kept[size_t(it - old_offers.begin())] = true;
            continue;
        }
        o.id = NewUuid();
        o.version = 1;
        o.updated_at = now;
        ok = WriteOffer(db, o);
    }
    for (size_t i = 0; ok && i < old_offers.size(); ++i)
        if (!offer_kept[i]) ok = DeleteRecord(db, "offers", "offer", old_offers[i], now);

    if (ok && !reg.event_id.empty()) {
        bool added = false;
        ok = AddAttendance(db, c.id, reg.event_id, now, &added);
    }
    if (!ok || !tx.Commit()) {
        result.storage_error = db.LastError();
        return result;
    }
    impl_->Committed();
    result.ok = true;
    result.creator_id = c.id;
    return result;
}

std::optional<Creator> LocalStore::GetCreator(const std::string& id) {
    return CreatorWhere(*impl_->db, "id=? AND deleted=0", impl_->Canonical(id));
}

std::optional<Creator> LocalStore::FindCreatorByEmail(const std::string& email) {
    std::string normalized;
    if (NormalizeEmail(email, &normalized) != ErrorCode::None) return std::nullopt;
    return CreatorWhere(*impl_->db, "email_key=? AND email_key <> '' AND deleted=0", EmailIdentityKey(normalized));
}

std::vector<Need> LocalStore::NeedsOf(const std::string& creator_id) {
    return ReadNeeds(*impl_->db, impl_->Canonical(creator_id));
}

std::vector<Offer> LocalStore::OffersOf(const std::string& creator_id) {
    return ReadOffers(*impl_->db, impl_->Canonical(creator_id));
}

std::vector<Attendance> LocalStore::AttendancesOf(const std::string& creator_id) {
    std::vector<Attendance> out;
    Stmt s = impl_->db->Prepare(
        "SELECT id, version, creator_id, event_id, at, updated_at FROM attendances WHERE creator_id=? AND deleted=0 "
        "ORDER BY at, rowid");
    s.Bind(1, impl_->Canonical(creator_id));
    while (s.Step()) out.push_back(Attendance{s.Text(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
    return out;
}

// [SECTION] Returning creators ---------------------------------------------------------------

std::optional<ReturningCreator> LocalStore::LookupReturning(const std::string& email) {
    std::string normalized;
    if (NormalizeEmail(email, &normalized) != ErrorCode::None) return std::nullopt;
    Stmt s = impl_->db->Prepare("SELECT id, first_name FROM creators WHERE email_key=? AND email_key <> '' AND deleted=0 AND purged=0");
    s.Bind(1, EmailIdentityKey(normalized));
    if (!s.Step()) return std::nullopt;
    return ReturningCreator{s.Text(0), s.Text(1)};
}

bool LocalStore::CheckIn(const std::string& creator_id, const std::string& event_id) {
    Db& db = *impl_->db;
    std::string id = impl_->Canonical(creator_id);
    if (event_id.empty() || !impl_->EventExists(event_id)) return false;
    if (!CreatorWhere(db, "id=? AND deleted=0", id)) return false;
    Transaction tx(db);
    if (!tx.Ok()) return false;
    bool added = false;
    if (!AddAttendance(db, id, event_id, NowRfc3339(), &added)) return false;
    if (!added) return true;  // already checked in: nothing written
    if (!tx.Commit()) return false;
    impl_->Committed();
    return true;
}

// [SECTION] Outbox ----------------------------------------------------------------------------

namespace {
// The first `n` entries that fit in max_bytes (data_json sizes); the first always fits.
void KeepWithinBytes(std::vector<OutboxEntry>& all, size_t max_bytes) {
    size_t bytes = 0;
    size_t n = 0;
    for (; n < all.size(); ++n) {
        bytes += all[n].data_json.size();
        if (bytes > max_bytes && n > 0) break;  // the first entry always goes, alone if needed
    }
    all.resize(n);
}
}  // namespace

std::vector<OutboxEntry> LocalStore::PendingOutbox(size_t max_changes, size_t max_bytes) {
    std::vector<OutboxEntry> all = ReadOutbox(*impl_->db, "rejected=0", max_changes);
    KeepWithinBytes(all, max_bytes);
    return all;
}

std::vector<OutboxEntry> LocalStore::PendingOutboxAfter(int64_t after_seq, size_t max_changes, size_t max_bytes) {
    std::vector<OutboxEntry> all = ReadOutbox(*impl_->db, "rejected=0", max_changes, after_seq);
    KeepWithinBytes(all, max_bytes);
    return all;
}

namespace {

// "[1,2,3]": a list of seqs bound as one parameter and read back with json_each(), so a
// whole batch is one statement (SQLite has no array binding without the carray extension).
std::string SeqListJson(const std::vector<int64_t>& seqs) {
    std::string out = "[";
    out.reserve(seqs.size() * 8 + 2);
    for (size_t i = 0; i < seqs.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(seqs[i]);
    }
    out += ']';
    return out;
}

}  // namespace

bool LocalStore::MarkOutboxResults(const std::vector<std::pair<int64_t, OutboxOutcome>>& results,
                                   const std::vector<std::string>& reasons,
                                   const std::vector<std::pair<std::string, std::string>>& settings) {
    Db& db = *impl_->db;
    std::vector<int64_t> acknowledged;
    acknowledged.reserve(results.size());
    for (const auto& [seq, outcome] : results)
        if (outcome != OutboxOutcome::Rejected) acknowledged.push_back(seq);
    Transaction tx(db);
    if (!tx.Ok()) return false;
    // Applied/Duplicate/Stale: the server holds the change (or a newer one); one DELETE for
    // the whole batch. Only the seqs answered here leave — nothing else in the outbox.
    if (!acknowledged.empty()) {
        Stmt del = db.Prepare("DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?))");
        if (!del.Bind(1, SeqListJson(acknowledged)).Run()) return false;
    }
    // Rejected (rare): each keeps its own reason for staff; one statement prepared once.
    Stmt reject;
    for (size_t i = 0; i < results.size(); ++i) {
        const auto& [seq, outcome] = results[i];
        if (outcome != OutboxOutcome::Rejected) continue;
        if (!reject.Valid())
            reject = db.Prepare("UPDATE outbox SET rejected=1, attempts=attempts+1, last_error=? WHERE seq=?");
        else
            reject.Reset();
        reject.Bind(1, i < reasons.size() ? reasons[i] : std::string("rejected")).Bind(2, seq);
        if (!reject.Run()) return false;
    }
    for (const auto& [key, value] : settings)
        if (!WriteSetting(db, key, value)) return false;
    if (!tx.Commit()) return false;
    impl_->Committed();
    return true;
}

bool LocalStore::NoteOutboxFailure(const std::vector<int64_t>& seqs, const std::string& reason) {
    Db& db = *impl_->db;
    Transaction tx(db);
    if (!tx.Ok()) return false;
    if (!seqs.empty()) {
        Stmt s = db.Prepare(
            "UPDATE outbox SET attempts=attempts+1, last_error=? "
            "WHERE seq IN (SELECT value FROM json_each(?)) AND rejected=0");
        if (!s.Bind(1, reason).Bind(2, SeqListJson(seqs)).Run()) return false;
    }
    if (!tx.Commit()) return false;
    impl_->Committed();
    return true;
}

std::vector<OutboxEntry> LocalStore::RejectedOutbox() { return ReadOutbox(*impl_->db, "rejected=1", SIZE_MAX); }

int64_t LocalStore::RejectedCount() {
    Stmt s = impl_->db->Prepare("SELECT count(*) FROM outbox WHERE rejected=1");
    return s.Step() ? s.Int(0) : 0;
}

int64_t LocalStore::PendingCount() {
    Stmt s = impl_->db->Prepare("SELECT count(*) FROM outbox WHERE rejected=0");
    return s.Step() ? s.Int(0) : 0;
}

// [SECTION] Reference data --------------------------------------------------------------------

std::vector<CatalogueEntry> LocalStore::Catalogue(const std::string& kind, bool include_retired) {
    std::vector<CatalogueEntry> out;
    Stmt s = impl_->db->Prepare(
        "SELECT kind, id, parent, label_fr, label_nl, label_en, sort, retired FROM catalogue "
        "WHERE (?1 = '' OR kind = ?1) AND (?2 OR retired = 0) ORDER BY kind, sort, id");
    s.Bind(1, kind).Bind(2, include_retired);
    while (s.Step())
        out.push_back(CatalogueEntry{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), int(s.Int(6)),
                                     s.Int(7) != 0});
    return out;
}

bool LocalStore::UpsertCatalogue(const CatalogueEntry& entry) {
    CatalogueEntry e = entry;
    if (!ValidateCatalogueEntry(e).empty()) return false;
    Transaction tx(*impl_->db);
    if (!tx.Ok() || !UpsertCatalogueRow(*impl_->db, e) || !tx.Commit()) return false;
    impl_->Committed();
    return true;
}

std::vector<Event> LocalStore::Events(bool include_retired) {
    std::vector<Event> out;
    Stmt s = impl_->db->Prepare(
        "SELECT id, title, sector, date, place, retired FROM events WHERE (? OR retired = 0) ORDER BY date DESC, title");
    s.Bind(1, include_retired);
    while (s.Step()) out.push_back(Event{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5) != 0});
    return out;
}

bool LocalStore::UpsertEvent(const Event& event) {
    Event e = event;
    if (!ValidateEvent(e).empty()) return false;
    Db& db = *impl_->db;
    Transaction tx(db);
    if (!tx.Ok()) return false;
    Stmt s = db.Prepare(
        "INSERT INTO events(id, title, sector, date, place, retired) VALUES (?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE "
        "SET title=excluded.title, sector=excluded.sector, date=excluded.date, place=excluded.place, "
        "retired=excluded.retired");
    s.Bind(1, e.id).Bind(2, e.title).Bind(3, e.sector).Bind(4, e.date).Bind(5, e.place).Bind(6, e.retired);
    if (!s.Run() || !tx.Commit()) return false;
    impl_->Committed();
    return true;
}

std::optional<std::string> LocalStore::Setting(const std::string& key) {
    Stmt s = impl_->db->Prepare("SELECT value FROM settings WHERE key=?");
    s.Bind(1, key);
    if (!s.Step()) return std::nullopt;
    return s.Text(0);
}

bool LocalStore::SetSetting(const std::string& key, const std::string& value) {
    Db& db = *impl_->db;
    Transaction tx(db);
    if (!tx.Ok()) return false;
    if (!WriteSetting(db, key, value) || !tx.Commit()) return false;
    impl_->Committed();
    return true;
}

bool LocalStore::AddCreatorAlias(const std::string& alias_id, const std::string& canonical_id) {
    if (alias_id.empty() || canonical_id.empty() || alias_id == canonical_id) return false;
    Db& db = *impl_->db;
    Transaction tx(db);
    if (!tx.Ok()) return false;
    Stmt s = db.Prepare(
        "INSERT INTO creator_aliases(alias_id, canonical_id) VALUES (?,?) "
        "ON CONFLICT(alias_id) DO UPDATE SET canonical_id=excluded.canonical_id");
    if (!s.Bind(1, alias_id).Bind(2, canonical_id).Run() || !tx.Commit()) return false;
    impl_->Committed();
    return true;
}

// [SECTION] Counts and purge ------------------------------------------------------------------

StoreCounts LocalStore::Counts(const std::string& current_event_id) {
    Db& db = *impl_->db;
    StoreCounts c;
    auto count = [&](const char* sql, const std::string* arg = nullptr) -> int64_t {
        Stmt s = db.Prepare(sql);
        if (arg) s.Bind(1, *arg);
        return s.Step() ? s.Int(0) : 0;
    };
    c.creators = count("SELECT count(*) FROM creators WHERE deleted=0");
    c.needs = count("SELECT count(*) FROM needs WHERE deleted=0");
    c.attendances_current_event =
        count("SELECT count(*) FROM attendances WHERE event_id=? AND deleted=0", &current_event_id);
    c.outbox_pending = count("SELECT count(*) FROM outbox WHERE rejected=0");
    c.outbox_rejected = count("SELECT count(*) FROM outbox WHERE rejected=1");
    return c;
}

int LocalStore::PurgeAcknowledged() {
    Db& db = *impl_->db;
    // Overwrite freed cell space with zeros, so the erased text is not left in the pages.
    if (!db.Exec("PRAGMA secure_delete=ON")) return -1;
    Transaction tx(db);
    if (!tx.Ok()) return -1;
    const char* const kDone =
        "purged=0 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.record_id=creators.id "
        "OR o.record_id IN (SELECT id FROM needs WHERE creator_id=creators.id) "
        "OR o.record_id IN (SELECT id FROM offers WHERE creator_id=creators.id) "
        "OR o.record_id IN (SELECT id FROM attendances WHERE creator_id=creators.id))";
    std::vector<std::string> ids;
    {
        Stmt s = db.Prepare(std::string("SELECT id FROM creators WHERE ") + kDone);
        while (s.Step()) ids.push_back(s.Text(0));
        if (s.Failed()) return -1;
    }
    for (const auto& id : ids) {
        Stmt a = db.Prepare(
            "UPDATE creators SET first_name='', last_name='', email='', email_key='', phone='', postcode='', "
            "commune='', other_profession='', structure_name='', website='', consents_json='{}', purged=1 WHERE id=?");
        Stmt b = db.Prepare("UPDATE needs SET comment='', budget='' WHERE creator_id=?");
        Stmt c = db.Prepare("UPDATE offers SET description='' WHERE creator_id=?");
        if (!a.Bind(1, id).Run() || !b.Bind(1, id).Run() || !c.Bind(1, id).Run()) return -1;
    }
    if (!tx.Commit()) return -1;
    if (!ids.empty()) {
        // In WAL mode (UseDurableWal) the -wal file still holds the pages as they were
        // before the purge: copy the purged pages into the database and empty the WAL.
        // A no-op with a rollback journal (the browser's page VFS).
        db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
        impl_->Committed();
    }
    return int(ids.size());
}

}  // namespace comptoir
