// sync/protocol/protocol.cpp — envelope codecs of sync-v1 (see protocol.h).
// Entity `data` decoding is in protocol_entities.cpp.
#include "sync/protocol/protocol.h"

#include <cstring>

namespace comptoir {

using nlohmann::json;

namespace {

struct WireErrorInfo {
    WireErrorCode code;
    const char* id;
    int status;
};

constexpr WireErrorInfo kWireErrors[] = {
    {WireErrorCode::None, "", 200},
#define COMPTOIR_WIRE_ERROR_ROW(e, id, status) {WireErrorCode::e, id, status},
    COMPTOIR_WIRE_ERRORS(COMPTOIR_WIRE_ERROR_ROW)
#undef COMPTOIR_WIRE_ERROR_ROW
};

bool Fail(WireError* err, WireErrorCode code, std::string message, std::string field = "") {
    if (err) {
        err->code = code;
        err->message = std::move(message);
        err->field = std::move(field);
    }
    return false;
}

bool FailText(std::string* error, std::string message) {
    if (error) *error = std::move(message);
    return false;
}

// Nesting depth of a JSON text, counted outside strings. Checked before parsing so a
// hostile document cannot make the parser or destructor recurse deeply.
bool DepthWithin(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '[' || c == '{') {
            if (++depth > max_depth) return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

bool IsShortString(const json& j, size_t max_len) {
    return j.is_string() && !j.get_ref<const std::string&>().empty() &&
           j.get_ref<const std::string&>().size() <= max_len;
}

// Reads an optional string member: absent/null -> "", wrong type -> false.
bool OptString(const json& obj, const char* key, std::string* out) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        out->clear();
        return true;
    }
    if (!it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
}

bool ReqString(const json& obj, const char* key, std::string* out) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
}

}  // namespace

const char* WireErrorId(WireErrorCode code) {
    for (const auto& e : kWireErrors)
        if (e.code == code) return e.id;
    return "internal";
}

int HttpStatusOf(WireErrorCode code) {
    for (const auto& e : kWireErrors)
        if (e.code == code) return e.status;
    return 500;
}

WireErrorCode WireErrorFromId(std::string_view id) {
    if (id.empty()) return WireErrorCode::None;
    for (const auto& e : kWireErrors)
        if (id == e.id) return e.code;
    return WireErrorCode::None;
}

const char* ChangeStatusId(ChangeStatus s) {
    switch (s) {
        case ChangeStatus::Applied: return "applied";
        case ChangeStatus::Duplicate: return "duplicate";
        case ChangeStatus::Stale: return "stale";
        case ChangeStatus::Rejected: return "rejected";
    }
    return "rejected";
}

std::optional<ChangeStatus> ChangeStatusFromId(std::string_view id) {
    if (id == "applied") return ChangeStatus::Applied;
    if (id == "duplicate") return ChangeStatus::Duplicate;
    if (id == "stale") return ChangeStatus::Stale;
    if (id == "rejected") return ChangeStatus::Rejected;
    return std::nullopt;
}

bool IsKnownPushEntity(std::string_view entity) {
    return entity == "creator" || entity == "need" || entity == "offer" || entity == "attendance";
}

bool ParseJson(std::string_view text, json* out, WireError* err) {
    // nlohmann/json stops at a NUL byte and ignores what follows: refuse such bodies.
    if (text.find('\0') != std::string_view::npos)
        return Fail(err, WireErrorCode::MalformedJson, "body is not valid JSON");
    if (!DepthWithin(text, kMaxJsonDepth))
        return Fail(err, WireErrorCode::MalformedJson, "JSON nested too deeply");
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return Fail(err, WireErrorCode::MalformedJson, "body is not valid JSON");
    *out = std::move(j);
    return true;
}

// --- push request ---------------------------------------------------------------------

json EncodePushRequest(const PushRequest& r) {
    json changes = json::array();
    for (const Change& c : r.changes) {
        changes.push_back({{"id", c.id},
                           {"entity", c.entity},
                           {"op", c.op},
                           {"version", c.version},
                           {"updated_at", c.updated_at},
                           {"data", c.data.is_object() ? c.data : json::object()}});
    }
    json j = {{"protocol", r.protocol},   {"device_id", r.device_id}, {"batch_id", r.batch_id},
              {"sent_at", r.sent_at},     {"changes", std::move(changes)}};
    if (!r.app_version.empty()) j["app_version"] = r.app_version;
    if (r.pending) j["pending"] = *r.pending;
    return j;
}

namespace {
void AppendJsonString(std::string* out, const std::string& s) {
    *out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}
// True when text is one JSON object (what the device's outbox stores as data_json).
bool IsJsonObjectText(const std::string& text) {
    size_t i = text.find_first_not_of(" \t\r\n");
    if (i == std::string::npos || text[i] != '{') return false;
    return json::accept(text);
}
}  // namespace

std::string EncodePushRequestText(const PushRequest& r, const std::vector<RawChange>& changes) {
    std::string out;
    size_t reserve = 256;
    for (const RawChange& c : changes) reserve += c.data_json.size() + c.id.size() + c.updated_at.size() + 96;
    out.reserve(reserve);
    out += "{\"protocol\":" + std::to_string(r.protocol) + ",\"device_id\":";
    AppendJsonString(&out, r.device_id);
    out += ",\"batch_id\":";
    AppendJsonString(&out, r.batch_id);
    out += ",\"sent_at\":";
    AppendJsonString(&out, r.sent_at);
    if (!r.app_version.empty()) {
        out += ",\"app_version\":";
        AppendJsonString(&out, r.app_version);
    }
    if (r.pending) out += ",\"pending\":" + std::to_string(*r.pending);
    out += ",\"changes\":[";
    for (size_t i = 0; i < changes.size(); ++i) {
        const RawChange& c = changes[i];
        if (i) out += ',';
        out += "{\"id\":";
        AppendJsonString(&out, c.id);
        out += ",\"entity\":";
        AppendJsonString(&out, c.entity);
        out += ",\"op\":";
        AppendJsonString(&out, c.op);
        out += ",\"version\":" + std::to_string(c.version) + ",\"updated_at\":";
        AppendJsonString(&out, c.updated_at);
        out += ",\"data\":";
        if (IsJsonObjectText(c.data_json)) out += c.data_json;
        else out += "{}";
        out += '}';
    }
    out += "]}";
    return out;
}

// owner: the same value as c when its `data` may be moved out (else copied).
static void DecodeChange(const json& c, Change* out, json* owner) {
    *out = Change{};
    if (!c.is_object()) {
        out->shape_error = reject::kInvalidChange;
        return;
    }
    auto id = c.find("id");
    if (id != c.end() && id->is_string()) out->id = id->get<std::string>();
    if (id == c.end() || !IsShortString(*id, kMaxWireIdLength)) {
        if (out->id.size() > kMaxWireIdLength) out->id.clear();
        out->shape_error = reject::kInvalidId;
        out->shape_field = "id";
        return;
    }
    if (!ReqString(c, "entity", &out->entity) || out->entity.size() > 50) {
        out->entity.clear();
        out->shape_error = reject::kUnknownEntity;
        out->shape_field = "entity";
        return;
    }
    if (!ReqString(c, "op", &out->op) || (out->op != "upsert" && out->op != "delete")) {
        out->shape_error = reject::kInvalidOp;
        out->shape_field = "op";
        return;
    }
    auto v = c.find("version");
    if (v == c.end() || !v->is_number_integer() || v->get<int64_t>() < 1) {
        out->shape_error = reject::kInvalidVersion;
        out->shape_field = "version";
        return;
    }
    out->version = v->get<int64_t>();
    if (!OptString(c, "updated_at", &out->updated_at) || out->updated_at.size() > 64) {
        out->shape_error = reject::kInvalidData;
        out->shape_field = "updated_at";
        return;
    }
    auto d = c.find("data");
    if (d == c.end() || d->is_null()) {
        out->data = json::object();
        if (out->op == "upsert") {
            out->shape_error = reject::kInvalidData;
            out->shape_field = "data";
        }
        return;
    }
    if (!d->is_object()) {
        out->shape_error = reject::kInvalidData;
        out->shape_field = "data";
        return;
    }
    if (owner) out->data = std::move((*owner)["data"]);
    else out->data = *d;
}

// owner: the same value as j when the changes' data may be moved out of it.
static bool DecodePushRequestImpl(const json& j, PushRequest* out, WireError* err, json* owner) {
    *out = PushRequest{};
    if (!j.is_object()) return Fail(err, WireErrorCode::InvalidEnvelope, "body must be a JSON object");
    auto p = j.find("protocol");
    if (p == j.end()) return Fail(err, WireErrorCode::InvalidEnvelope, "protocol is required", "protocol");
    if (!p->is_number_integer())
        return Fail(err, WireErrorCode::InvalidEnvelope, "protocol must be an integer", "protocol");
    if (p->get<int64_t>() != kProtocolVersion)
        return Fail(err, WireErrorCode::ProtocolMismatch,
                    "this server speaks sync protocol " + std::to_string(kProtocolVersion), "protocol");
    out->protocol = kProtocolVersion;
    auto dev = j.find("device_id");
    if (dev == j.end() || !IsShortString(*dev, kMaxWireIdLength))
        return Fail(err, WireErrorCode::InvalidEnvelope, "device_id must be a non-empty string", "device_id");
    out->device_id = dev->get<std::string>();
    auto batch = j.find("batch_id");
    if (batch == j.end() || !IsShortString(*batch, kMaxWireIdLength))
        return Fail(err, WireErrorCode::InvalidEnvelope, "batch_id must be a non-empty string", "batch_id");
    out->batch_id = batch->get<std::string>();
    if (!OptString(j, "sent_at", &out->sent_at) || out->sent_at.size() > 64)
        return Fail(err, WireErrorCode::InvalidEnvelope, "sent_at must be a string", "sent_at");
    if (!OptString(j, "app_version", &out->app_version) || out->app_version.size() > kMaxWireIdLength)
        return Fail(err, WireErrorCode::InvalidEnvelope, "app_version must be a short string", "app_version");
    auto pend = j.find("pending");
    if (pend != j.end() && !pend->is_null()) {
        if (!pend->is_number_integer() || pend->get<int64_t>() < 0)
            return Fail(err, WireErrorCode::InvalidEnvelope, "pending must be an integer >= 0", "pending");
        out->pending = pend->get<int64_t>();
    }
    auto ch = j.find("changes");
    if (ch == j.end() || !ch->is_array())
        return Fail(err, WireErrorCode::InvalidEnvelope, "changes must be an array", "changes");
    if (ch->size() > kMaxChanges)
        return Fail(err, WireErrorCode::TooManyChanges,
                    "at most " + std::to_string(kMaxChanges) + " changes per batch", "changes");
    out->changes.resize(ch->size());
    json* owned_changes = owner ? &(*owner)["changes"] : nullptr;
    for (size_t i = 0; i < ch->size(); ++i)
        DecodeChange((*ch)[i], &out->changes[i], owned_changes ? &(*owned_changes)[i] : nullptr);
    return true;
}

bool DecodePushRequest(const json& j, PushRequest* out, WireError* err) {
    return DecodePushRequestImpl(j, out, err, nullptr);
}

bool DecodePushRequest(json&& j, PushRequest* out, WireError* err) { return DecodePushRequestImpl(j, out, err, &j); }

// --- push response --------------------------------------------------------------------

json EncodePushResponse(const PushResponse& r) {
    json results = json::array();
    for (const ChangeResult& c : r.results) {
        json one = {{"id", c.id}, {"status", c.status}};
        if (c.status == "rejected")
            one["error"] = {{"code", c.error_code}, {"field", c.error_field}, {"message", c.error_message}};
        results.push_back(std::move(one));
    }
    return {{"batch_id", r.batch_id}, {"results", std::move(results)}, {"server_time", r.server_time}};
}

bool DecodePushResponse(const json& j, PushResponse* out, std::string* error) {
    *out = PushResponse{};
    if (!j.is_object()) return FailText(error, "answer is not a JSON object");
    if (!ReqString(j, "batch_id", &out->batch_id)) return FailText(error, "batch_id missing");
    if (!OptString(j, "server_time", &out->server_time)) return FailText(error, "server_time not a string");
    auto res = j.find("results");
    if (res == j.end() || !res->is_array()) return FailText(error, "results missing");
    for (const json& r : *res) {
        ChangeResult c;
        if (!r.is_object() || !ReqString(r, "id", &c.id) || !ReqString(r, "status", &c.status) ||
            !ChangeStatusFromId(c.status))
            return FailText(error, "malformed result");
        auto e = r.find("error");
        if (e != r.end() && e->is_object()) {
            if (!OptString(*e, "code", &c.error_code) || !OptString(*e, "field", &c.error_field) ||
                !OptString(*e, "message", &c.error_message))
                return FailText(error, "malformed result error");
        } else if (c.status == "rejected") {
            return FailText(error, "rejected result without error");
        }
        out->results.push_back(std::move(c));
    }
    return true;
}

// --- pull -----------------------------------------------------------------------------

json EncodePullResponse(const PullResponse& r) {
    json changes = json::array();
    for (const PullChange& c : r.changes)
        changes.push_back({{"entity", c.entity}, {"id", c.id}, {"op", c.op}, {"data", c.data}});
    return {{"cursor", r.cursor}, {"has_more", r.has_more}, {"changes", std::move(changes)}};
}

bool DecodePullResponse(const json& j, PullResponse* out, std::string* error) {
    *out = PullResponse{};
    if (!j.is_object()) return FailText(error, "answer is not a JSON object");
    if (!ReqString(j, "cursor", &out->cursor)) return FailText(error, "cursor missing");
    auto hm = j.find("has_more");
    if (hm == j.end() || !hm->is_boolean()) return FailText(error, "has_more missing");
    out->has_more = hm->get<bool>();
    auto ch = j.find("changes");
    if (ch == j.end() || !ch->is_array()) return FailText(error, "changes missing");
    for (const json& c : *ch) {
        PullChange p;
        if (!c.is_object() || !ReqString(c, "entity", &p.entity) || !ReqString(c, "id", &p.id) ||
            !ReqString(c, "op", &p.op) || (p.op != "upsert" && p.op != "delete"))
            return FailText(error, "malformed change");
        auto d = c.find("data");
        if (d != c.end() && !d->is_null()) {
            if (!d->is_object()) return FailText(error, "change data not an object");
            p.data = *d;
        }
        out->changes.push_back(std::move(p));
    }
    return true;
}

// --- enrolment and login --------------------------------------------------------------

json EncodeEnrollRequest(const EnrollRequest& r) {
    return {{"enrollment_code", r.enrollment_code}, {"device_name", r.device_name}};
}

bool DecodeEnrollRequest(const json& j, EnrollRequest* out, WireError* err) {
    if (!j.is_object()) return Fail(err, WireErrorCode::InvalidEnvelope, "body must be a JSON object");
    auto c = j.find("enrollment_code");
    if (c == j.end() || !IsShortString(*c, 100))
        return Fail(err, WireErrorCode::InvalidEnvelope, "enrollment_code must be a non-empty string",
                    "enrollment_code");
    auto n = j.find("device_name");
    if (n == j.end() || !IsShortString(*n, 200))
        return Fail(err, WireErrorCode::InvalidEnvelope, "device_name must be a non-empty string", "device_name");
    out->enrollment_code = c->get<std::string>();
    out->device_name = n->get<std::string>();
    return true;
}

json EncodeEnrollResponse(const EnrollResponse& r) {
    return {{"device_id", r.device_id}, {"device_token", r.device_token}};
}

bool DecodeEnrollResponse(const json& j, EnrollResponse* out, std::string* error) {
    if (!j.is_object() || !ReqString(j, "device_id", &out->device_id) ||
        !ReqString(j, "device_token", &out->device_token))
        return FailText(error, "malformed enrolment answer");
    return true;
}

json EncodeLoginRequest(const LoginRequest& r) { return {{"username", r.username}, {"password", r.password}}; }

bool DecodeLoginRequest(const json& j, LoginRequest* out, WireError* err) {
    if (!j.is_object()) return Fail(err, WireErrorCode::InvalidEnvelope, "body must be a JSON object");
    auto u = j.find("username");
    if (u == j.end() || !IsShortString(*u, 100))
        return Fail(err, WireErrorCode::InvalidEnvelope, "username must be a non-empty string", "username");
    auto p = j.find("password");
    if (p == j.end() || !IsShortString(*p, 1000))
        return Fail(err, WireErrorCode::InvalidEnvelope, "password must be a non-empty string", "password");
    out->username = u->get<std::string>();
    out->password = p->get<std::string>();
    return true;
}

json EncodeLoginResponse(const LoginResponse& r) {
    json j = {{"token", r.token}, {"expires_at", r.expires_at}};
    if (!r.role.empty()) j["role"] = r.role;
    return j;
}

bool DecodeLoginResponse(const json& j, LoginResponse* out, std::string* error) {
    if (!j.is_object() || !ReqString(j, "token", &out->token) || !ReqString(j, "expires_at", &out->expires_at) ||
        !OptString(j, "role", &out->role))
        return FailText(error, "malformed login answer");
    return true;
}

// --- errors ---------------------------------------------------------------------------

json EncodeErrorBody(const WireError& e) {
    json inner = {{"code", WireErrorId(e.code)}, {"message", e.message}};
    if (!e.field.empty()) inner["field"] = e.field;
    return {{"error", std::move(inner)}};
}

bool DecodeErrorBody(const json& j, WireError* out, std::string* raw_code) {
    if (!j.is_object()) return false;
    auto e = j.find("error");
    if (e == j.end() || !e->is_object()) return false;
    std::string code;
    if (!ReqString(*e, "code", &code) || !OptString(*e, "message", &out->message) ||
        !OptString(*e, "field", &out->field))
        return false;
    out->code = WireErrorFromId(code);
    if (raw_code) *raw_code = code;
    return true;
}

// --- direct text encoders (the server's push path: no JSON DOM) ----------------------

namespace {

// Appends s as a JSON string, byte for byte as nlohmann's dump() writes it (ensure_ascii
// off): `"`, `\` and control characters escaped (\b \f \n \r \t, else \u00xx), every
// other byte as is. s is valid UTF-8 (it came through the JSON parser or the validators).
void AppendQuoted(std::string* out, std::string_view s) {
    static const char kHex[] = "0123456789abcdef";
    out->push_back('"');
    size_t run = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out->append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out->append("\\\""); break;
            case '\\': out->append("\\\\"); break;
            case '\b': out->append("\\b"); break;
            case '\f': out->append("\\f"); break;
            case '\n': out->append("\\n"); break;
            case '\r': out->append("\\r"); break;
            case '\t': out->append("\\t"); break;
            default:
                out->append("\\u00");
                out->push_back(kHex[c >> 4]);
                out->push_back(kHex[c & 15]);
        }
    }
    out->append(s.data() + run, s.size() - run);
    out->push_back('"');
}

// One JSON object written member by member. Members must come in nlohmann's order
// (its objects are std::map: keys sorted bytewise) for the text to equal dump()'s.
struct ObjectText {
    std::string* out;
    bool first = true;
    explicit ObjectText(std::string* o) : out(o) { out->push_back('{'); }
    std::string* Key(const char* key) {
        if (!first) out->push_back(',');
        first = false;
        out->push_back('"');
        out->append(key);
        out->append("\":");
        return out;
    }
    void Str(const char* key, std::string_view v) { AppendQuoted(Key(key), v); }
    void Bool(const char* key, bool v) { Key(key)->append(v ? "true" : "false"); }
    void StrArray(const char* key, const std::vector<std::string>& v) {
        Key(key)->push_back('[');
        for (size_t i = 0; i < v.size(); ++i) {
            if (i) out->push_back(',');
            AppendQuoted(out, v[i]);
        }
        out->push_back(']');
    }
    void End() { out->push_back('}'); }
};

void ConsentText(std::string* out, const Consent& c) {
    ObjectText o(out);
    o.Str("at", c.at);
    o.Bool("given", c.given);
    o.Str("text_version", c.text_version);
    o.End();
}

}  // namespace

std::string EncodeEntityDataText(const DecodedEntity& e, const std::string* creator_id) {
    std::string out;
    if (e.entity == "creator") {
        const Creator& c = e.creator;
        out.reserve(512 + c.first_name.size() + c.last_name.size() + c.email.size() + c.structure_name.size() +
                    c.website.size() + c.other_profession.size());
        ObjectText o(&out);
        o.Str("commune", c.commune);
        {
            ObjectText cs(o.Key("consents"));
            ConsentText(cs.Key("contact"), c.consents.contact);
            ConsentText(cs.Key("directory"), c.consents.directory);
            ConsentText(cs.Key("newsletter"), c.consents.newsletter);
            ConsentText(cs.Key("processing"), c.consents.processing);
            cs.End();
        }
        o.Str("created_at", c.created_at);
        o.Str("email", c.email);
        o.Str("first_name", c.first_name);
        o.StrArray("languages", c.languages);
        o.Str("last_name", c.last_name);
        o.Str("other_profession", c.other_profession);
        o.Str("phone", c.phone);
        o.Str("postcode", c.postcode);
        o.Str("preferred_lang", c.preferred_lang);
        o.StrArray("professions", c.professions);
        o.StrArray("sectors", c.sectors);
        o.Str("structure_name", c.structure_name);
        o.Str("website", c.website);
        {
            ObjectText w(o.Key("work_status"));
            w.Bool("arts_allowance", c.work.arts_allowance);
            w.Bool("ata", c.work.ata);
            w.Str("ata_level", c.work.ata_level);
            w.StrArray("statuses", c.work.statuses);
            w.Bool("via_smart", c.work.via_smart);
            w.End();
        }
        o.End();
        return out;
    }
    if (e.entity == "need") {
        const Need& n = e.need;
        ObjectText o(&out);
        o.Str("budget", n.budget);
        o.Str("comment", n.comment);
        o.Str("creator_id", creator_id ? *creator_id : n.creator_id);
        o.Str("frequency", n.frequency);
        o.Str("item", n.item);
        o.Str("urgency", n.urgency);
        o.End();
        return out;
    }
    if (e.entity == "offer") {
        const Offer& f = e.offer;
        ObjectText o(&out);
        o.Str("creator_id", creator_id ? *creator_id : f.creator_id);
        o.Str("description", f.description);
        o.Str("item", f.item);
        o.Str("kind", f.kind);
        o.End();
        return out;
    }
    if (e.entity == "attendance") {
        const Attendance& a = e.attendance;
        ObjectText o(&out);
        o.Str("at", a.at);
        o.Str("creator_id", creator_id ? *creator_id : a.creator_id);
        o.Str("event_id", a.event_id);
        o.End();
        return out;
    }
    return "{}";
}

std::string EncodePushResponseText(const PushResponse& r) {
    std::string out;
    size_t reserve = 96 + r.batch_id.size() + r.server_time.size();
    for (const ChangeResult& c : r.results) reserve += 32 + c.id.size() + c.status.size();
    out.reserve(reserve);
    ObjectText o(&out);
    o.Str("batch_id", r.batch_id);
    o.Key("results")->push_back('[');
    for (size_t i = 0; i < r.results.size(); ++i) {
        const ChangeResult& c = r.results[i];
        if (i) out.push_back(',');
        ObjectText one(&out);
        if (c.status == "rejected") {
            ObjectText err(one.Key("error"));
            err.Str("code", c.error_code);
            err.Str("field", c.error_field);
            err.Str("message", c.error_message);
            err.End();
        }
        one.Str("id", c.id);
        one.Str("status", c.status);
        one.End();
    }
    out.push_back(']');
    o.Str("server_time", r.server_time);
    o.End();
    return out;
}

}  // namespace comptoir
