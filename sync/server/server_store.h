// sync/server/server_store.h — what comptoir-server keeps, behind one interface so a
// PostgreSQL backend (pg_store.cpp) lives next to the SQLite one (sqlite_store.cpp).
//
// Usage:
//   std::string err;
//   auto store = OpenServerStore("./data/comptoir.db", &err);   // migrations run on open
//   store->AddUser("marie", PasswordHash(pw), "admin");
//   PushOutcome o = store->ApplyPush(device_id, req, prepared, prepare, NowRfc3339(), &answer_json);
//
// Invariants (every backend):
//  1. A push batch is applied atomically (its own transaction, or its own savepoint in a
//     group committed together), its answer stored with it (batches), and answered only
//     after the commit: replaying a batch_id returns that stored answer and changes nothing.
//  2. record_versions keeps, per (entity, id as sent), the highest version applied, also
//     after a delete: same version -> duplicate, lower -> stale.
//  3. One creator per identity key (EmailIdentityKey of the normalized email). A second
//     id arriving with a known key becomes an alias (creator_aliases) of the first, and
//     is published to devices through pull (entity creator_alias); needs, offers and
//     attendances naming an alias are stored under the canonical creator.
//  4. Tokens and enrolment codes are stored only as SHA-256 hashes; passwords as
//     Argon2id strings (libsodium crypto_pwhash_str).
//  5. Reference data (catalogue, events, settings, aliases) changes are appended to a
//     log whose sequence number is the pull cursor.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/domain.h"
#include "core/needs_report.h"
#include "sync/protocol/protocol.h"

namespace comptoir {

struct UserRecord {
    int64_t id = 0;
    std::string username;
    std::string password_hash;
    std::string role;          // "admin" | "staff"
    bool disabled = false;
};

// Who a bearer token belongs to.
struct Principal {
    enum class Kind { None, Device, User };
    Kind kind = Kind::None;
    std::string device_id;
    bool revoked = false;      // a revoked device (403)
    std::string username;
    std::string role;
    std::string organization;  // slug; "" = the default organization (set by the HTTP layer)
    std::string device_kind;   // devices: "kiosk" | "phone" (set by the HTTP layer, issue 4)
};

struct DeviceRecord {
    std::string id;
    std::string name;
    std::string enrolled_at;
    std::string revoked_at;
    std::string last_sync_at;
    std::string last_app_version;
    int64_t last_pending = -1;
};

enum class EnrollOutcome { Ok, InvalidCode, StorageError };

// One change of a push, after envelope decoding and entity validation.
struct PreparedChange {
    Change change;
    DecodedEntity entity;        // validated + normalized when !rejected
    bool rejected = false;       // rejected before reaching the store
    std::string code, field, message;
    // EncodeEntityDataText(entity) when set by the HTTP layer (outside the store's lock);
    // "" = the store encodes it. Stored as is unless a child's creator_id is an alias.
    std::string data_json;
    // EmailIdentityKey of a creator's email, also set by the HTTP layer ("" = the store
    // computes it).
    std::string identity_key;
};

enum class PushOutcome { Applied, Replayed, BatchConflict, StorageError };

struct CreatorFilter {
    std::string email;   // any case/spaces: matched by identity key
};

// Needs report filters (sync-v1 GET /api/v1/reports/needs).
struct NeedsReportQuery {
    std::string sector, profession, event;
    std::string from_date, to_date;   // "YYYY-MM-DD" or empty (inclusive)
    int threshold = 10;
};

// Both stores answer with core's NeedsReportIndex (core/needs_report.h): the filter.
inline ReportFilter ToReportFilter(const NeedsReportQuery& q) {
    ReportFilter f;
    f.sector = q.sector;
    f.profession = q.profession;
    f.event_id = q.event;
    f.from_date = q.from_date;
    f.to_date = q.to_date;
    f.threshold = q.threshold;
    return f;
}

class ServerStore {
public:
    virtual ~ServerStore() = default;

    // --- staff accounts and sessions ---
    virtual bool AddUser(const std::string& username, const std::string& password_hash,
                         const std::string& role, std::string* error) = 0;
    virtual std::optional<UserRecord> FindUser(const std::string& username) = 0;
    virtual bool CreateSession(const std::string& token_hash, int64_t user_id, int64_t expires_ms) = 0;

    // --- devices ---
    virtual bool AddEnrollmentCode(const std::string& code_hash, const std::string& label,
                                   int64_t expires_ms, std::string* error) = 0;
    // Consumes a valid, unexpired, unused code; creates the device with its token hash.
    virtual EnrollOutcome Enroll(const std::string& code_hash, const std::string& device_name,
                                 const std::string& device_id, const std::string& token_hash,
                                 int64_t now_ms) = 0;
    virtual bool RevokeDevice(const std::string& device_id) = 0;
    virtual std::vector<DeviceRecord> Devices() = 0;
    // Device token or session token (unexpired) -> principal.
    virtual Principal Authenticate(const std::string& token_hash, int64_t now_ms) = 0;

    // --- sync ---
    // Applies one batch atomically (invariants 1-3). *answer_json: the answer to send
    // (the stored one when Replayed). `changes` are filled by `prepare(i)` (decode and
    // validate change i), which the store calls once per change, in order, on the
    // calling thread, before it reads that change; a store may start applying the first
    // changes while the next are prepared (SQLite's writer thread does).
    virtual PushOutcome ApplyPush(const std::string& device_id, const PushRequest& req,
                                  const std::vector<PreparedChange>& changes,
                                  const std::function<void(size_t)>& prepare, const std::string& now,
                                  std::string* answer_json) = 0;
    // Push transactions committed and the batches they held (a group commit holds several;
    // /metrics). Backends that commit each batch alone may leave both at 0.
    struct PushCommitStats {
        uint64_t commits = 0, batches = 0;
    };
    virtual PushCommitStats PushCommits() { return {}; }
    // Reference data after `since` (log sequence), at most `limit` changes.
    virtual bool Pull(int64_t since, size_t limit, PullResponse* out, int64_t* last_seq) = 0;
    virtual bool IsCatalogueId(const std::string& kind, const std::string& id) = 0;

    // --- reference data administration ---
    virtual bool UpsertEvent(const Event& e) = 0;
    virtual bool SetSetting(const std::string& key, const std::string& value) = 0;

    // --- staff reads ---
    // {"creator": {...}, "aliases": [...], "needs": [...], "offers": [...], "attendances": [...]}
    virtual std::optional<nlohmann::json> CreatorBundle(const std::string& id_or_alias) = 0;
    virtual std::vector<std::string> FindCreatorIdsByEmail(const std::string& email) = 0;
    virtual std::optional<nlohmann::json> NeedsReport(const NeedsReportQuery& q, std::string* error) = 0;

    // --- metrics ---
    virtual int64_t CountCreators() = 0;

    // [SECTION] admin (added for issue 6) ---------------------------------------------
    // Schema: migration 2 in sqlite_store.cpp (creators.erased_at, reference_log.device_id,
    // device_settings, creator_audit, erasures). Every method returns false / nullopt /
    // StorageError on a storage error. The default bodies fail (the HTTP layer answers
    // 503) so a backend compiles before it implements them; SQLite overrides them all.
    enum class EditOutcome { Ok, NotFound, Invalid, Conflict, StorageError };

    // Accounts, password_hash left empty; by username.
    virtual std::vector<UserRecord> Users() { return {}; }
    // Sets role ("admin"|"staff", "" = unchanged) and/or disabled (nullopt = unchanged);
    // disabling also ends the user's sessions. false if no such user.
    virtual bool UpdateUser(const std::string& /*username*/, const std::string& /*role*/,
                            std::optional<bool> /*disabled*/) { return false; }
    // Reference data for one device: rows with reference_log.device_id NULL or equal.
    // (Pull() returns only the rows with device_id NULL.)
    virtual bool PullForDevice(const std::string& /*device_id*/, int64_t /*since*/, size_t /*limit*/,
                               PullResponse* /*out*/, int64_t* /*last_seq*/) { return false; }
    // A setting delivered by pull only to that device (entity "setting", id = key,
    // data {"value"}); kept in device_settings.
    virtual bool SetDeviceSetting(const std::string& /*device_id*/, const std::string& /*key*/,
                                  const std::string& /*value*/) { return false; }
    virtual std::vector<Event> Events() { return {}; }                // by date, then id
    virtual std::vector<CatalogueEntry> Catalogue() { return {}; }    // by kind, sort, id
    // Insert or update + reference log (pull entity per kind, as at seeding).
    virtual bool UpsertCatalogueEntry(const CatalogueEntry& /*e*/) { return false; }
    // Rows of a flat query for staff (searches, exports, attendance lists). `which`:
    //  "creators"   [id, first_name, last_name, email, postcode, preferred_lang, received_at,
    //                sectors ("a,b" sorted), professions, contact consent ("1"/"0")]
    //               args {q: substring of first/last/"first last"/email, ASCII-case-
    //               insensitive, "" = all; limit ("" = none); offset}; order: last, first, id.
    //               *total = matches without limit/offset. Erased creators never appear.
    //  "attendance" [event_id, event title, event date, creator_id, first_name, last_name,
    //                email, at]  args {event_id or "" = all}; erased people's rows stay with
    //                empty personal columns (counts stay right).
    //  "contacts"   [creator_id, first_name, last_name, email, preferred_lang]: live creators
    //                with a need for args[0] and data.consents.contact.given == true.
    //  "offers"     [offer_id, kind, item, description, creator_id, first_name, last_name,
    //                email, contact consent ("1"/"0")]: live offers of live creators with
    //                item == args[0], then those with no item and kind == args[1]
    //                (docs/server.md "Offers matching a need"); each group by last, first.
    //  "duplicates" [group key, creator_id, first_name, last_name, email]: live creators
    //                whose case-folded NFC "first last" is shared with another identity
    //                key; rows of one group adjacent; *total = number of groups.
    virtual bool QueryRows(const std::string& /*which*/, const std::vector<std::string>& /*args*/,
                           std::vector<std::vector<std::string>>* /*rows*/, int64_t* /*total*/) {
        return false;
    }
    // Edits creator data fields (first_name, last_name, email, phone, postcode, commune,
    // website, structure_name, other_profession, preferred_lang): validated with core,
    // one creator_audit row per changed field (actor, field, old, new). Invalid: *errors
    // = [{code, field, message}]; Conflict: the email is another creator's.
    virtual EditOutcome EditCreator(const std::string& /*id*/, const nlohmann::json& /*fields*/,
                                    const std::string& /*actor*/, nlohmann::json* /*errors*/) {
        return EditOutcome::StorageError;
    }
    // [{"at","actor","field","old","new"}], oldest first; nullopt if no live creator.
    virtual std::optional<nlohmann::json> CreatorAudit(const std::string& /*id*/) { return std::nullopt; }
    // `from` becomes an alias of `into`: its needs/offers/attendances/sectors/professions,
    // aliases and audit rows move to `into`; the alias is published by pull. NotFound if
    // either is unknown, Conflict if both name the same creator.
    virtual EditOutcome MergeCreators(const std::string& /*from*/, const std::string& /*into*/,
                                      const std::string& /*actor*/) {
        return EditOutcome::StorageError;
    }
    // GDPR erasure (docs/server.md): personal data gone; what the needs report counts is
    // kept under a fresh anonymous creator (erased_at set). *summary: what was erased and
    // kept (counts, no personal data); an `erasures` row records it.
    virtual EditOutcome EraseCreator(const std::string& /*id*/, const std::string& /*actor*/,
                                     nlohmann::json* /*summary*/) {
        return EditOutcome::StorageError;
    }

    // [SECTION] phones and idempotent enrolment (issue 4; docs/server.md "Phones") --------
    // Schema: the "phones" migration (join_codes, device_kinds, enroll_requests).
    // A join code: multi-use, one per event, valid until the end of the event's day (UTC),
    // stored as its SHA-256 hash; its plain text is published by pull to kiosks as the
    // setting "join.<event_id>" (it is shown as a QR code on the kiosk's screen anyway).
    struct EnrollGrant {
        std::string device_id;   // the new device, or the one a retry re-issues a token for
        std::string kind;        // "kiosk" | "phone"
        std::string event_id;    // phones: the event of their join code
        bool rotated = false;    // a retry: the earlier, unreturned token no longer works
    };
    // Enrolment remembering `request_id` (client-generated, "" = not idempotent). The
    // first request creates `new_device_id` with `token_hash`: from an enrolment code
    // (join = false: consumed, as Enroll()) or from a join code (join = true: a "phone"
    // device bound to the code's event, expiring with the code). A repeat of the same
    // request_id with the same code within kEnrollRetryMs gives the SAME device the new
    // token_hash (the unreturned one stops working); after that, or with another code,
    // InvalidCode.
    static constexpr int64_t kEnrollRetryMs = 10 * 60 * 1000;
    virtual EnrollOutcome EnrollOnce(const std::string& /*code_hash*/, bool /*join*/,
                                     const std::string& /*device_name*/, const std::string& /*request_id*/,
                                     const std::string& /*new_device_id*/, const std::string& /*token_hash*/,
                                     int64_t /*now_ms*/, EnrollGrant* /*out*/) {
        return EnrollOutcome::StorageError;
    }
    // Gives every non-retired event dated today (UTC) or later a join code if it has no
    // unexpired one: mint() returns {plain code, its SHA-256 hex}. False on storage error.
    virtual bool IssueJoinCodes(int64_t /*now_ms*/,
                                const std::function<std::pair<std::string, std::string>()>& /*mint*/) {
        return false;
    }
    // "kiosk" (also for devices enrolled before phones existed) or "phone"; *expired: a
    // phone whose event day is over (its token is refused from then on).
    virtual std::string DeviceKind(const std::string& /*device_id*/, int64_t /*now_ms*/, bool* expired) {
        *expired = false;
        return "kiosk";
    }
};

// Unix ms at the end of the day `iso_date` ("YYYY-MM-DD", UTC): a join code's expiry.
// 0 if the date is malformed.
inline int64_t EndOfDayUtcMs(const std::string& iso_date) {
    if (iso_date.size() != 10 || iso_date[4] != '-' || iso_date[7] != '-') return 0;
    int y = 0, m = 0, d = 0;
    for (int i : {0, 1, 2, 3}) y = y * 10 + (iso_date[i] - '0');
    for (int i : {5, 6}) m = m * 10 + (iso_date[i] - '0');
    for (int i : {8, 9}) d = d * 10 + (iso_date[i] - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31) return 0;
    // days from civil (Howard Hinnant), then the next midnight.
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const int64_t days = int64_t(era) * 146097 + int64_t(doe) - 719468;
    return (days + 1) * 86400000LL;
}

// Opens the store named by `location`: a file path (SQLite) or a "postgresql://" /
// "postgres://" URL (PostgreSQL, pg_store.cpp). See store_factory.cpp.
std::unique_ptr<ServerStore> OpenServerStore(const std::string& location, std::string* error);
std::unique_ptr<ServerStore> OpenSqliteServerStore(const std::string& path, std::string* error);

}  // namespace comptoir
