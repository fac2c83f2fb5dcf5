// sync/server/admin_api.cpp — see admin_api.h.
//
// [SECTION] routes and replies
// [SECTION] creators (search, edit, audit, duplicates, merge, GDPR)
// [SECTION] events and device settings
// [SECTION] catalogue
// [SECTION] devices and accounts
// [SECTION] reports and exports
#include "sync/server/admin_api.h"

#include <qrcodegen.hpp>

#include <map>
#include <set>

#include "core/clock.h"
#include "core/domain_json.h"
#include "core/uuid.h"
#include "core/validate.h"
#include "sync/server/export.h"
#include "sync/server/organizations.h"
#include "sync/server/security.h"

namespace comptoir {

using nlohmann::json;

// [SECTION] routes and replies -----------------------------------------------------------
const std::vector<AdminRoute>& AdminRoutes() {
    static const std::vector<AdminRoute> routes = {
        {{"GET", "/api/v1/creators"}, Role::Staff},
        {{"GET", "/api/v1/creators/duplicates"}, Role::Staff},
        {{"PATCH", "/api/v1/creators/{id}"}, Role::Staff},
        {{"DELETE", "/api/v1/creators/{id}"}, Role::Admin},
        {{"GET", "/api/v1/creators/{id}/audit"}, Role::Staff},
        {{"GET", "/api/v1/creators/{id}/export"}, Role::Admin},
        {{"POST", "/api/v1/creators/{id}/merge"}, Role::Admin},
        {{"GET", "/api/v1/events"}, Role::Staff},
        {{"POST", "/api/v1/events"}, Role::Staff},
        {{"PATCH", "/api/v1/events/{id}"}, Role::Staff},
        {{"GET", "/api/v1/events/{id}/attendance"}, Role::Staff},
        {{"GET", "/api/v1/catalogue"}, Role::Staff},
        {{"POST", "/api/v1/catalogue"}, Role::Admin},
        {{"PATCH", "/api/v1/catalogue/{kind}/{id}"}, Role::Admin},
        {{"GET", "/api/v1/devices"}, Role::Admin},
        {{"POST", "/api/v1/devices"}, Role::Admin},
        {{"POST", "/api/v1/devices/{id}/revoke"}, Role::Admin},
        {{"PUT", "/api/v1/devices/{id}/current-event"}, Role::Staff},
        {{"GET", "/api/v1/accounts"}, Role::Admin},
        {{"POST", "/api/v1/accounts"}, Role::Admin},
        {{"PATCH", "/api/v1/accounts/{username}"}, Role::Admin},
        {{"GET", "/api/v1/reports/needs/trend"}, Role::Staff},
        {{"GET", "/api/v1/reports/needs/{item}/contacts"}, Role::Staff},
        {{"GET", "/api/v1/reports/needs/{item}/offers"}, Role::Staff},
        {{"GET", "/api/v1/exports/creators.csv"}, Role::Staff},
        {{"GET", "/api/v1/exports/needs.csv"}, Role::Staff},
        {{"GET", "/api/v1/exports/attendance.csv"}, Role::Staff},
        {{"GET", "/api/v1/exports/creators.xlsx"}, Role::Staff},
        {{"GET", "/api/v1/exports/needs.xlsx"}, Role::Staff},
        {{"GET", "/api/v1/exports/attendance.xlsx"}, Role::Staff},
    };
    return routes;
}

namespace {

// The offer kind that serves needs of a catalogue category: "materiel" offers serve the
// equipment category, "espace" offers the spaces category, "competence" offers all the
// others (services, training, network, funding are know-how). docs/server.md.
std::string OfferKindForCategory(const std::string& category) {
    if (category == "materiel") return "materiel";
    if (category == "espaces") return "espace";
    return "competence";
}

using Req = const httplib::Request&;
using Res = httplib::Response&;

void Reply(Res res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void Fail(Res res, int status, const std::string& code, const std::string& message, const std::string& field = "",
          const json& errors = json()) {
    json e = {{"code", code}, {"message", message}};
    if (!field.empty()) e["field"] = field;
    if (errors.is_array() && !errors.empty()) e["errors"] = errors;
    Reply(res, status, {{"error", e}});
}

void Unavailable(Res res) {
    res.set_header("Retry-After", "5");
    Fail(res, 503, "unavailable", "storage busy or failing; retry later");
}

// Field errors (from core or ours): 400 with the first one as code/field.
void Invalid(Res res, const json& errors) {
    const json& first = errors.at(0);
    Fail(res, 400, first.value("code", "invalid_value"), first.value("message", "invalid value"),
         first.value("field", ""), errors);
}

json FieldErr(const std::string& code, const std::string& field, const std::string& message) {
    return {{"code", code}, {"field", field}, {"message", message}};
}

// core's ToJson leaves the id out (it is the pull change's id); the admin API shows it.
json EventJson(const Event& e) {
    json j = ToJson(e);
    j["id"] = e.id;
    return j;
}

json EntryJson(const CatalogueEntry& e) {
    json j = ToJson(e);
    j["id"] = e.id;
    return j;
}

std::string Param(Req req, size_t i) { return req.matches.size() > i ? std::string(req.matches[i]) : ""; }

bool ParseCount(const std::string& s, int64_t lo, int64_t hi, int64_t* out) {
    if (s.empty() || s.size() > 9) return false;
    int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

struct Handlers {
    AdminApi* api;
    ServerStore& store() { return api->current_store ? *api->current_store() : *api->store; }

    // Writes 401/403 unless the token is a user with at least `role`.
    bool Allow(Req req, Res res, Role role, Principal* who) {
        *who = api->authenticate(req);
        if (who->kind == Principal::Kind::None) {
            Fail(res, 401, "unauthorized", "a valid staff token is required");
            return false;
        }
        if (who->kind != Principal::Kind::User) {
            Fail(res, 403, "forbidden", "this endpoint is for staff accounts, not devices");
            return false;
        }
        if (role == Role::Admin && who->role != "admin") {
            Fail(res, 403, "forbidden", "this endpoint needs the admin role");
            return false;
        }
        return true;
    }

    bool Body(Req req, Res res, json* j) {
        std::string ct = req.get_header_value("Content-Type");
        for (auto& c : ct) c = char(std::tolower(static_cast<unsigned char>(c)));
        std::string base = ct.substr(0, ct.find(';'));
        while (!base.empty() && base.back() == ' ') base.pop_back();
        if (base != "application/json") {
            Fail(res, 415, "unsupported_media_type", "Content-Type must be application/json");
            return false;
        }
        *j = json::parse(req.body, nullptr, false);
        if (j->is_discarded()) {
            Fail(res, 400, "malformed_json", "the body is not valid JSON");
            return false;
        }
        if (!j->is_object()) {
            Fail(res, 400, "invalid_body", "the body must be a JSON object");
            return false;
        }
        return true;
    }

    // [SECTION] creators -------------------------------------------------------------
    void Creators(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        if (req.has_param("email")) {  // sync-v1: exact identity lookup, full bundles
            if (req.get_param_value("email").empty())
                return Fail(res, 400, "invalid_parameter", "email must not be empty", "email");
            json list = json::array();
            for (const std::string& id : store().FindCreatorIdsByEmail(req.get_param_value("email")))
                if (auto b = store().CreatorBundle(id)) list.push_back(std::move(*b));
            return Reply(res, 200, {{"creators", std::move(list)}});
        }
        int64_t limit = 50, offset = 0;
        if (req.has_param("limit") && !ParseCount(req.get_param_value("limit"), 1, 500, &limit))
            return Fail(res, 400, "invalid_parameter", "limit must be 1..500", "limit");
        if (req.has_param("offset") && !ParseCount(req.get_param_value("offset"), 0, 100000000, &offset))
            return Fail(res, 400, "invalid_parameter", "offset must be an integer >= 0", "offset");
        std::string q = req.get_param_value("q");
        if (q.size() > 200) return Fail(res, 400, "invalid_parameter", "q is at most 200 bytes", "q");
        std::vector<std::vector<std::string>> rows;
        int64_t total = 0;
        if (!store().QueryRows("creators", {q, std::to_string(limit), std::to_string(offset)}, &rows, &total))
            return Unavailable(res);
        json list = json::array();
        for (const auto& r : rows)
            list.push_back({{"id", r[0]}, {"first_name", r[1]}, {"last_name", r[2]}, {"email", r[3]},
                            {"postcode", r[4]}, {"preferred_lang", r[5]}, {"received_at", r[6]},
                            {"contact_consent", r[9] == "1"}});
        Reply(res, 200, {{"total", total}, {"limit", limit}, {"offset", offset}, {"creators", std::move(list)}});
    }

    void Duplicates(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        std::vector<std::vector<std::string>> rows;
        int64_t total = 0;
        if (!store().QueryRows("duplicates", {}, &rows, &total)) return Unavailable(res);
        json groups = json::array();
        std::string current;
        for (const auto& r : rows) {
            if (groups.empty() || r[0] != current) {
                current = r[0];
                groups.push_back({{"creators", json::array()}});
            }
            groups.back()["creators"].push_back(
                {{"id", r[1]}, {"first_name", r[2]}, {"last_name", r[3]}, {"email", r[4]}});
        }
        Reply(res, 200, {{"groups", std::move(groups)}});
    }

    void EditOutcomeReply(Res res, ServerStore::EditOutcome o, const json& errors) {
        switch (o) {
            case ServerStore::EditOutcome::NotFound: return Fail(res, 404, "not_found", "no creator with this id");
            case ServerStore::EditOutcome::Invalid: return Invalid(res, errors);
            case ServerStore::EditOutcome::Conflict:
                if (errors.is_array() && !errors.empty())
                    return Fail(res, 409, errors[0].value("code", "conflict"), errors[0].value("message", ""),
                                errors[0].value("field", ""), errors);
                return Fail(res, 409, "conflict", "conflicting request");
            case ServerStore::EditOutcome::StorageError: return Unavailable(res);
            case ServerStore::EditOutcome::Ok: return;
        }
    }

    void EditCreator(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        json errors;
        auto o = store().EditCreator(Param(req, 1), body, who.username, &errors);
        if (o != ServerStore::EditOutcome::Ok) return EditOutcomeReply(res, o, errors);
        auto b = store().CreatorBundle(Param(req, 1));
        if (!b) return Unavailable(res);
        Reply(res, 200, *b);
    }

    void Audit(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        auto a = store().CreatorAudit(Param(req, 1));
        if (!a) return Fail(res, 404, "not_found", "no creator with this id");
        Reply(res, 200, {{"entries", *a}});
    }

    void Merge(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        if (!body.contains("into") || !body["into"].is_string() || body["into"].get<std::string>().empty())
            return Invalid(res, json::array({FieldErr("required", "into", "the id of the creator to keep")}));
        std::string into = body["into"];
        auto o = store().MergeCreators(Param(req, 1), into, who.username);
        if (o == ServerStore::EditOutcome::Conflict)
            return Fail(res, 409, "same_creator", "both ids name the same creator", "into");
        if (o != ServerStore::EditOutcome::Ok) return EditOutcomeReply(res, o, json());
        auto b = store().CreatorBundle(into);
        if (!b) return Unavailable(res);
        Reply(res, 200, {{"merged", Param(req, 1)}, {"creator", *b}});
    }

    void Export(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        auto b = store().CreatorBundle(Param(req, 1));
        if (!b) return Fail(res, 404, "not_found", "no creator with this id");
        auto audit = store().CreatorAudit(Param(req, 1));
        json out = *b;
        out["exported_at"] = NowRfc3339();
        json consents = (*b)["creator"]["data"].value("consents", json::object());
        out["consents"] = consents;
        out["audit"] = audit ? *audit : json::array();
        res.set_header("Content-Disposition", "attachment; filename=\"creator-export.json\"");
        Reply(res, 200, out);
    }

    void Erase(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        json summary;
        auto o = store().EraseCreator(Param(req, 1), who.username, &summary);
        if (o != ServerStore::EditOutcome::Ok) return EditOutcomeReply(res, o, json());
        LogJson("info", "creator erased", json{{"by", who.username}}.dump());
        Reply(res, 200, summary);
    }

    // [SECTION] events and device settings ---------------------------------------------
    std::optional<Event> FindEvent(const std::string& id) {
        for (Event& e : store().Events())
            if (e.id == id) return e;
        return std::nullopt;
    }

    // Validates an event (core) + sector known; false with the reply written.
    bool CheckEvent(Event& e, Res res) {
        json errors = json::array();
        for (const FieldError& fe : ValidateEvent(e)) errors.push_back(ErrorToJson(fe, Lang::En));
        if (errors.empty() && !e.sector.empty() && !store().IsCatalogueId("sector", e.sector))
            errors.push_back(FieldErr("unknown_item", "sector", "no sector with this id"));
        if (!errors.empty()) {
            Invalid(res, errors);
            return false;
        }
        return true;
    }

    static bool DecodeEventJson(const json& j, Event* e, json* errors) {
        std::vector<FieldError> errs;
        if (!FromJson(j, e, &errs) || !errs.empty()) {
            for (const FieldError& fe : errs) errors->push_back(ErrorToJson(fe, Lang::En));
            if (errors->empty()) errors->push_back(FieldErr("invalid_value", "", "invalid event"));
            return false;
        }
        return true;
    }

    void ListEvents(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        json list = json::array();
        for (const Event& e : store().Events()) list.push_back(EventJson(e));
        Reply(res, 200, {{"events", std::move(list)}});
    }

    void CreateEvent(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        if (!body.contains("id")) body["id"] = NewUuid();
        Event e;
        json errors = json::array();
        if (!DecodeEventJson(body, &e, &errors)) return Invalid(res, errors);
        e.id = body["id"].is_string() ? body["id"].get<std::string>() : "";
        if (!CheckEvent(e, res)) return;
        if (FindEvent(e.id)) return Fail(res, 409, "already_exists", "an event with this id exists", "id");
        if (!store().UpsertEvent(e)) return Unavailable(res);
        Reply(res, 201, EventJson(e));
    }

    void EditEvent(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        auto existing = FindEvent(Param(req, 1));
        if (!existing) return Fail(res, 404, "not_found", "no event with this id");
        json merged = ToJson(*existing);
        for (auto& [k, v] : body.items()) {
            if (k != "title" && k != "sector" && k != "date" && k != "place" && k != "retired")
                return Invalid(res, json::array({FieldErr("not_editable", k, "this field cannot be edited")}));
            merged[k] = v;
        }
        Event e;
        json errors = json::array();
        if (!DecodeEventJson(merged, &e, &errors)) return Invalid(res, errors);
        e.id = existing->id;
        if (!CheckEvent(e, res)) return;
        if (!store().UpsertEvent(e)) return Unavailable(res);
        Reply(res, 200, EventJson(e));
    }

    void Attendance(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        auto ev = FindEvent(Param(req, 1));
        if (!ev) return Fail(res, 404, "not_found", "no event with this id");
        std::vector<std::vector<std::string>> rows;
        int64_t total = 0;
        if (!store().QueryRows("attendance", {ev->id}, &rows, &total)) return Unavailable(res);
        json list = json::array();
        std::set<std::string> distinct;
        int64_t anonymous = 0;
        for (const auto& r : rows) {
            distinct.insert(r[3]);
            if (r[6].empty()) {  // an erased person: counted, not listed
                ++anonymous;
                continue;
            }
            list.push_back({{"creator_id", r[3]}, {"first_name", r[4]}, {"last_name", r[5]}, {"email", r[6]},
                            {"at", r[7]}});
        }
        Reply(res, 200, {{"event", EventJson(*ev)},
                         {"attendances", total},
                         {"creators", distinct.size()},
                         {"anonymous", anonymous},
                         {"attendees", std::move(list)}});
    }

    void CurrentEvent(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        std::string device = Param(req, 1);
        bool known = false;
        for (const DeviceRecord& d : store().Devices()) known = known || (d.id == device && d.revoked_at.empty());
        if (!known) return Fail(res, 404, "not_found", "no active device with this id");
        if (!body.contains("event_id") || !(body["event_id"].is_string() || body["event_id"].is_null()))
            return Invalid(res, json::array({FieldErr("required", "event_id", "an event id, or null to clear")}));
        std::string ev = body["event_id"].is_string() ? body["event_id"].get<std::string>() : "";
        if (!ev.empty() && !FindEvent(ev)) return Invalid(res, json::array({FieldErr("unknown_item", "event_id", "no event with this id")}));
        if (!store().SetDeviceSetting(device, "current_event", ev)) return Unavailable(res);
        Reply(res, 200, {{"device_id", device}, {"current_event", ev.empty() ? json() : json(ev)}});
    }

    // [SECTION] catalogue ----------------------------------------------------------------
    void ListCatalogue(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        json list = json::array();
        for (const CatalogueEntry& e : store().Catalogue()) list.push_back(EntryJson(e));
        Reply(res, 200, {{"entries", std::move(list)}});
    }

    std::optional<CatalogueEntry> FindEntry(const std::string& kind, const std::string& id) {
        for (CatalogueEntry& e : store().Catalogue())
            if (e.id == id && (kind.empty() || e.kind == kind)) return e;
        return std::nullopt;
    }

    // Core validation + the three labels + parent of the right kind.
    bool CheckEntry(CatalogueEntry& e, Res res) {
        json errors = json::array();
        for (const FieldError& fe : ValidateCatalogueEntry(e)) errors.push_back(ErrorToJson(fe, Lang::En));
        for (auto [field, value] : {std::pair<const char*, std::string*>{"label_fr", &e.label_fr},
                                    {"label_nl", &e.label_nl},
                                    {"label_en", &e.label_en}}) {
            bool listed = false;
            for (const json& x : errors) listed = listed || x.value("field", "") == field;
            if (!listed && value->empty())
                errors.push_back(ErrorToJson(FieldError{field, ErrorCode::Required}, Lang::En));
        }
        std::string parent_kind = e.kind == "profession" ? "sector" : e.kind == "need_item" ? "need_category" : "";
        if (errors.empty() && !parent_kind.empty() && !store().IsCatalogueId(parent_kind, e.parent))
            errors.push_back(FieldErr("unknown_item", "parent", "parent must be a " + parent_kind + " id"));
        if (errors.empty() && parent_kind.empty() && !e.parent.empty())
            errors.push_back(FieldErr("invalid_value", "parent", "this kind has no parent"));
        if (!errors.empty()) {
            Invalid(res, errors);
            return false;
        }
        return true;
    }

    static bool DecodeEntryJson(const json& j, CatalogueEntry* e, json* errors) {
        std::vector<FieldError> errs;
        if (!FromJson(j, e, &errs) || !errs.empty()) {
            for (const FieldError& fe : errs) errors->push_back(ErrorToJson(fe, Lang::En));
            if (errors->empty()) errors->push_back(FieldErr("invalid_value", "", "invalid catalogue entry"));
            return false;
        }
        return true;
    }

    void CreateEntry(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        CatalogueEntry e;
        json errors = json::array();
        if (!DecodeEntryJson(body, &e, &errors)) return Invalid(res, errors);
        e.id = body.value("id", json()).is_string() ? body["id"].get<std::string>() : "";
        if (!CheckEntry(e, res)) return;
        if (FindEntry("", e.id)) return Fail(res, 409, "already_exists", "a catalogue entry with this id exists", "id");
        if (!store().UpsertCatalogueEntry(e)) return Unavailable(res);
        Reply(res, 201, EntryJson(e));
    }

    void EditEntry(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        auto existing = FindEntry(Param(req, 1), Param(req, 2));
        if (!existing) return Fail(res, 404, "not_found", "no catalogue entry of this kind with this id");
        json merged = ToJson(*existing);
        for (auto& [k, v] : body.items()) {
            if (k != "label_fr" && k != "label_nl" && k != "label_en" && k != "parent" && k != "sort" &&
                k != "retired")
                return Invalid(res, json::array({FieldErr("not_editable", k, "this field cannot be edited")}));
            merged[k] = v;
        }
        CatalogueEntry e;
        json errors = json::array();
        if (!DecodeEntryJson(merged, &e, &errors)) return Invalid(res, errors);
        e.id = existing->id;
        e.kind = existing->kind;
        if (!CheckEntry(e, res)) return;
        if (!store().UpsertCatalogueEntry(e)) return Unavailable(res);
        Reply(res, 200, EntryJson(e));
    }

    // [SECTION] devices and accounts -----------------------------------------------------
    void ListDevices(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        json list = json::array();
        for (const DeviceRecord& d : store().Devices()) {
            auto opt = [](const std::string& s) { return s.empty() ? json() : json(s); };
            list.push_back({{"id", d.id},
                            {"name", d.name},
                            {"enrolled_at", d.enrolled_at},
                            {"revoked_at", opt(d.revoked_at)},
                            {"last_sync_at", opt(d.last_sync_at)},
                            {"app_version", opt(d.last_app_version)},
                            {"pending", d.last_pending < 0 ? json() : json(d.last_pending)}});
        }
        Reply(res, 200, {{"devices", std::move(list)}});
    }

    void AddDevice(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        std::string name;
        if (!body.contains("name") || !body["name"].is_string())
            return Invalid(res, json::array({FieldErr("required", "name", "a name for the device")}));
        ErrorCode ec = NormalizeText(body["name"].get<std::string>(), kMaxShortText, true, &name);
        if (ec != ErrorCode::None) return Invalid(res, json::array({ErrorToJson(FieldError{"name", ec}, Lang::En)}));
        std::string code = NewEnrollmentCode(), error;
        int64_t expires = NowMs() + int64_t(7) * 24 * 3600 * 1000;
        if (!store().AddEnrollmentCode(Sha256Hex(NormalizeEnrollmentCode(code)), name, expires, &error))
            return Unavailable(res);
        code = QualifyOrg(who.organization, code);  // "<slug>.CODE" outside the default organization
        std::string host = req.get_header_value("Host");
        if (host.empty() || host.find_first_of(" /\\\"<>") != std::string::npos) host = "127.0.0.1";
        std::string url = "http://" + host + "/#enroll=" + code;
        Reply(res, 201, {{"enrollment_code", code},
                         {"expires_at", FormatRfc3339(expires)},
                         {"name", name},
                         {"enrollment_url", url},
                         {"qr_svg", QrSvg(url)}});
    }

    void RevokeDevice(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        std::string id = Param(req, 1);
        bool known = false, revoked = false;
        for (const DeviceRecord& d : store().Devices())
            if (d.id == id) {
                known = true;
                revoked = !d.revoked_at.empty();
            }
        if (!known) return Fail(res, 404, "not_found", "no device with this id");
        if (!revoked && !store().RevokeDevice(id)) return Unavailable(res);
        Reply(res, 200, {{"device_id", id}, {"revoked", true}});
    }

    void ListAccounts(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        json list = json::array();
        for (const UserRecord& u : store().Users())
            list.push_back({{"username", u.username}, {"role", u.role}, {"disabled", u.disabled}});
        Reply(res, 200, {{"accounts", std::move(list)}});
    }

    static bool ValidUsername(const std::string& u) {
        if (u.empty() || u.size() > 64) return false;
        for (char c : u)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
        return true;
    }

    void AddAccount(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        json errors = json::array();
        std::string username = body.value("username", json()).is_string() ? body["username"].get<std::string>() : "";
        std::string password = body.value("password", json()).is_string() ? body["password"].get<std::string>() : "";
        std::string role = body.value("role", json("staff")).is_string() ? body.value("role", "staff") : "";
        if (username.empty()) errors.push_back(FieldErr("required", "username", "a username is required"));
        else if (!ValidUsername(username))
            errors.push_back(FieldErr("username.invalid", "username", "1-64 of a-z A-Z 0-9 . _ -"));
        if (password.empty()) errors.push_back(FieldErr("required", "password", "a password is required"));
        else if (password.size() < 10)
            errors.push_back(FieldErr("password.too_short", "password", "at least 10 characters"));
        if (role != "admin" && role != "staff")
            errors.push_back(FieldErr("invalid_value", "role", "role must be admin or staff"));
        if (!errors.empty()) return Invalid(res, errors);
        std::string hash, error;
        if (!HashPassword(password, &hash)) return Unavailable(res);
        if (!store().AddUser(username, hash, role, &error)) {
            if (store().FindUser(username))
                return Fail(res, 409, "already_exists", "a user with this name exists", "username");
            return Unavailable(res);
        }
        Reply(res, 201, {{"username", username}, {"role", role}, {"disabled", false}});
    }

    void EditAccount(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Admin, &who)) return;
        json body;
        if (!Body(req, res, &body)) return;
        std::string username = Param(req, 1);
        std::string role;
        std::optional<bool> disabled;
        json errors = json::array();
        for (auto& [k, v] : body.items()) {
            if (k == "role") {
                if (!v.is_string() || (v != "admin" && v != "staff"))
                    errors.push_back(FieldErr("invalid_value", "role", "role must be admin or staff"));
                else role = v.get<std::string>();
            } else if (k == "disabled") {
                if (!v.is_boolean()) errors.push_back(FieldErr("invalid_value", "disabled", "must be true or false"));
                else disabled = v.get<bool>();
            } else {
                errors.push_back(FieldErr("not_editable", k, "only role and disabled can be changed"));
            }
        }
        if (errors.empty() && role.empty() && !disabled)
            errors.push_back(FieldErr("required", "role", "send role and/or disabled"));
        if (!errors.empty()) return Invalid(res, errors);
        if (!store().FindUser(username)) return Fail(res, 404, "not_found", "no account with this username");
        if (username == who.username && ((disabled && *disabled) || role == "staff"))
            return Fail(res, 409, "self_lockout", "you cannot disable or demote your own account");
        if (!store().UpdateUser(username, role, disabled)) return Unavailable(res);
        auto u = store().FindUser(username);
        if (!u) return Unavailable(res);
        Reply(res, 200, {{"username", u->username}, {"role", u->role}, {"disabled", u->disabled}});
    }

    // [SECTION] reports and exports ------------------------------------------------------
    // Reads the report filters; false with the reply written.
    bool ReportQuery(Req req, Res res, NeedsReportQuery* q) {
        q->sector = req.get_param_value("sector");
        q->profession = req.get_param_value("profession");
        q->event = req.get_param_value("event");
        q->from_date = req.get_param_value("from");
        q->to_date = req.get_param_value("to");
        if (!q->from_date.empty() && !IsIsoDate(q->from_date)) {
            Fail(res, 400, "invalid_parameter", "from must be a YYYY-MM-DD date", "from");
            return false;
        }
        if (!q->to_date.empty() && !IsIsoDate(q->to_date)) {
            Fail(res, 400, "invalid_parameter", "to must be a YYYY-MM-DD date", "to");
            return false;
        }
        int64_t t = q->threshold;
        if (req.has_param("threshold") && !ParseCount(req.get_param_value("threshold"), 1, 100000, &t)) {
            Fail(res, 400, "invalid_parameter", "threshold must be a positive integer", "threshold");
            return false;
        }
        q->threshold = int(t);
        return true;
    }

    void Contacts(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        std::string item = Param(req, 1);
        if (!store().IsCatalogueId("need_item", item))
            return Fail(res, 404, "not_found", "no need item with this id");
        std::vector<std::vector<std::string>> rows;
        int64_t total = 0;
        if (!store().QueryRows("contacts", {item}, &rows, &total)) return Unavailable(res);
        json list = json::array();
        for (const auto& r : rows)
            list.push_back({{"id", r[0]}, {"first_name", r[1]}, {"last_name", r[2]}, {"email", r[3]},
                            {"preferred_lang", r[4]}});
        Reply(res, 200, {{"item", item}, {"contacts", std::move(list)}});
    }

    // Offers that can answer a need for {item} (docs/server.md "Offers matching a need"):
    // those naming the item, then those without an item whose kind serves its category.
    // The offering creator's email only if they agreed to be contacted.
    void MatchingOffers(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        std::string item = Param(req, 1);
        if (!store().IsCatalogueId("need_item", item))
            return Fail(res, 404, "not_found", "no need item with this id");
        std::string category;
        for (const CatalogueEntry& e : store().Catalogue())
            if (e.kind == "need_item" && e.id == item) category = e.parent;
        std::string kind = OfferKindForCategory(category);
        std::vector<std::vector<std::string>> rows;
        int64_t total = 0;
        if (!store().QueryRows("offers", {item, kind}, &rows, &total)) return Unavailable(res);
        json list = json::array();
        for (const auto& r : rows) {
            bool consent = r[8] == "1";
            json o = {{"id", r[0]}, {"kind", r[1]}, {"item", r[2]}, {"description", r[3]},
                      {"match", r[2] == item ? "item" : "kind"}, {"creator_id", r[4]}, {"first_name", r[5]},
                      {"last_name", r[6]}, {"contact_consent", consent}};
            if (consent) o["email"] = r[7];
            list.push_back(std::move(o));
        }
        Reply(res, 200, {{"item", item}, {"kind", kind}, {"offers", std::move(list)}});
    }

    void Trend(Req req, Res res) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        NeedsReportQuery base;
        if (!ReportQuery(req, res, &base)) return;
        std::string only_item = req.get_param_value("item");
        json events = json::array();
        for (const Event& e : store().Events()) {
            if ((!base.from_date.empty() && e.date < base.from_date) || (!base.to_date.empty() && e.date > base.to_date))
                continue;
            NeedsReportQuery q = base;
            q.event = e.id;
            q.from_date.clear();  // from/to select events here, not need dates
            q.to_date.clear();
            std::string error;
            auto r = store().NeedsReport(q, &error);
            if (!r) return Unavailable(res);
            json items = json::object();
            for (const json& row : (*r)["items"])
                if (row["creators"].get<int64_t>() > 0 && (only_item.empty() || row["item"] == only_item))
                    items[row["item"].get<std::string>()] = row["creators"];
            events.push_back({{"event", EventJson(e)},
                              {"creators_considered", (*r)["creators_considered"]},
                              {"creators_with_needs", (*r)["creators_with_needs"]},
                              {"items", std::move(items)}});
        }
        Reply(res, 200, {{"events", std::move(events)}});
    }

    static std::string Lang3(Req req, const char* fr, const char* nl, const char* en) {
        std::string l = req.get_param_value("lang");
        return l == "nl" ? nl : l == "en" ? en : fr;
    }

    // The rows of one export (header first); false with the reply written.
    bool ExportTable(Req req, Res res, const std::string& which, ExportRows* out) {
        auto H = [&](const char* fr, const char* nl, const char* en) { return Lang3(req, fr, nl, en); };
        std::vector<std::vector<std::string>> rows;
        int64_t total = 0;
        if (which == "creators") {
            out->push_back({"id", H("Prénom", "Voornaam", "First name"), H("Nom", "Achternaam", "Last name"),
                            H("E-mail", "E-mail", "Email"), H("Code postal", "Postcode", "Postcode"),
                            H("Langue", "Taal", "Language"), H("Reçu le", "Ontvangen op", "Received at"),
                            H("Secteurs", "Sectoren", "Sectors"), H("Professions", "Beroepen", "Professions"),
                            H("Accepte d'être contacté", "Wil gecontacteerd worden", "Contact consent")});
            if (!store().QueryRows("creators", {"", "", ""}, &rows, &total)) {
                Unavailable(res);
                return false;
            }
            for (auto& r : rows) {
                r[9] = r[9] == "1" ? H("oui", "ja", "yes") : H("non", "nee", "no");
                out->push_back(std::move(r));
            }
            return true;
        }
        if (which == "attendance") {
            out->push_back({H("Événement", "Evenement", "Event"), H("Titre", "Titel", "Title"),
                            H("Date", "Datum", "Date"), H("Créateur", "Maker", "Creator"),
                            H("Prénom", "Voornaam", "First name"), H("Nom", "Achternaam", "Last name"),
                            H("E-mail", "E-mail", "Email"), H("Présent le", "Aanwezig op", "Attended at")});
            if (!store().QueryRows("attendance", {req.get_param_value("event")}, &rows, &total)) {
                Unavailable(res);
                return false;
            }
            for (auto& r : rows) out->push_back(std::move(r));
            return true;
        }
        // needs: the report's rows (same filters as GET /api/v1/reports/needs).
        NeedsReportQuery q;
        if (!ReportQuery(req, res, &q)) return false;
        std::string error;
        auto report = store().NeedsReport(q, &error);
        if (!report) {
            Unavailable(res);
            return false;
        }
        std::map<std::string, CatalogueEntry> labels;
        for (CatalogueEntry& e : store().Catalogue()) labels[e.id] = e;
        out->push_back({H("Besoin", "Behoefte", "Need"), H("Catégorie", "Categorie", "Category"),
                        H("Libellé", "Label", "Label"), H("Créateurs", "Makers", "Creators"),
                        H("Masse critique", "Kritische massa", "Critical mass"),
                        H("Offres correspondantes", "Overeenkomende aanbiedingen", "Matching offers")});
        for (const json& row : (*report)["items"]) {
            std::string item = row["item"];
            const CatalogueEntry& e = labels[item];
            std::string label = Lang3(req, e.label_fr.c_str(), e.label_nl.c_str(), e.label_en.c_str());
            out->push_back({item, row["category"].get<std::string>(), label,
                            std::to_string(row["creators"].get<int64_t>()),
                            row["critical_mass"].get<bool>() ? H("oui", "ja", "yes") : H("non", "nee", "no"),
                            std::to_string(row["matching_offers"].get<int64_t>())});
        }
        return true;
    }

    void ExportFile(Req req, Res res, const std::string& which, bool xlsx) {
        Principal who;
        if (!Allow(req, res, Role::Staff, &who)) return;
        ExportRows rows;
        if (!ExportTable(req, res, which, &rows)) return;
        std::string name = which + (xlsx ? ".xlsx" : ".csv");
        res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        res.set_header("Cache-Control", "no-store");
        res.status = 200;
        if (!xlsx) return res.set_content(CsvDocument(rows), "text/csv; charset=utf-8");
        std::string bytes, error;
        if (!XlsxDocument(which, rows, &bytes, &error)) {
            LogJson("error", "xlsx export failed", json{{"reason", error}}.dump());
            return Fail(res, 500, "internal", "could not write the workbook");
        }
        res.set_content(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
};

}  // namespace

std::string QrSvg(const std::string& text) {
    using qrcodegen::QrCode;
    try {
        QrCode qr = QrCode::encodeText(text.c_str(), QrCode::Ecc::MEDIUM);
        int border = 4, size = qr.getSize() + 2 * border;
        std::string path;
        for (int y = 0; y < qr.getSize(); ++y)
            for (int x = 0; x < qr.getSize(); ++x)
                if (qr.getModule(x, y))
                    path += "M" + std::to_string(x + border) + "," + std::to_string(y + border) + "h1v1h-1z";
        std::string s = std::to_string(size);
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 " + s + " " + s +
               "\" stroke=\"none\"><rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/><path d=\"" + path +
               "\" fill=\"#000000\"/></svg>";
    } catch (...) {  // data too long: no code rather than an exception
        return "";
    }
}

void RegisterAdminRoutes(httplib::Server& svr, AdminApi* api) {
    auto h = std::make_shared<Handlers>(Handlers{api});
    using M = void (Handlers::*)(Req, Res);
    auto bind = [h](M m) { return [h, m](Req q, Res r) { ((*h).*m)(q, r); }; };
    const std::string id = "([^/]+)";
    // Literal paths before the {id} patterns that would also match them.
    svr.Get("/api/v1/creators", bind(&Handlers::Creators));
    svr.Get("/api/v1/creators/duplicates", bind(&Handlers::Duplicates));
    svr.Patch("/api/v1/creators/" + id, bind(&Handlers::EditCreator));
    svr.Delete("/api/v1/creators/" + id, bind(&Handlers::Erase));
    svr.Get("/api/v1/creators/" + id + "/audit", bind(&Handlers::Audit));
    svr.Get("/api/v1/creators/" + id + "/export", bind(&Handlers::Export));
    svr.Post("/api/v1/creators/" + id + "/merge", bind(&Handlers::Merge));
    svr.Get("/api/v1/events", bind(&Handlers::ListEvents));
    svr.Post("/api/v1/events", bind(&Handlers::CreateEvent));
    svr.Patch("/api/v1/events/" + id, bind(&Handlers::EditEvent));
    svr.Get("/api/v1/events/" + id + "/attendance", bind(&Handlers::Attendance));
    svr.Get("/api/v1/catalogue", bind(&Handlers::ListCatalogue));
    svr.Post("/api/v1/catalogue", bind(&Handlers::CreateEntry));
    svr.Patch("/api/v1/catalogue/" + id + "/" + id, bind(&Handlers::EditEntry));
    svr.Get("/api/v1/devices", bind(&Handlers::ListDevices));
    svr.Post("/api/v1/devices", bind(&Handlers::AddDevice));
    svr.Post("/api/v1/devices/" + id + "/revoke", bind(&Handlers::RevokeDevice));
    svr.Put("/api/v1/devices/" + id + "/current-event", bind(&Handlers::CurrentEvent));
    svr.Get("/api/v1/accounts", bind(&Handlers::ListAccounts));
    svr.Post("/api/v1/accounts", bind(&Handlers::AddAccount));
    svr.Patch("/api/v1/accounts/" + id, bind(&Handlers::EditAccount));
    svr.Get("/api/v1/reports/needs/trend", bind(&Handlers::Trend));
    svr.Get("/api/v1/reports/needs/" + id + "/contacts", bind(&Handlers::Contacts));
    svr.Get("/api/v1/reports/needs/" + id + "/offers", bind(&Handlers::MatchingOffers));
    for (const char* which : {"creators", "needs", "attendance"})
        for (bool xlsx : {false, true})
            svr.Get(std::string("/api/v1/exports/") + which + (xlsx ? "\\.xlsx" : "\\.csv"),
                    [h, w = std::string(which), xlsx](Req q, Res r) { h->ExportFile(q, r, w, xlsx); });
}

}  // namespace comptoir
