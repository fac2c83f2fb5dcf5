// sync/protocol/protocol_entities.cpp — decoding of a push change's `data` into core
// records (core/domain_json.h), then validation and normalization (core/validate.h):
// text is kept exactly as sent after Unicode NFC and trimming.
#include "core/domain_json.h"
#include "core/validate.h"
#include "sync/protocol/protocol.h"

namespace comptoir {

namespace {

template <typename Record>
bool Finish(std::vector<FieldError> errors, DecodedEntity* out) {
    out->errors = std::move(errors);
    if (out->errors.empty()) return true;
    out->error_code = ErrorWireId(out->errors.front().code);
    out->error_field = out->errors.front().field;
    return false;
}

}  // namespace

bool DecodeEntity(const Change& change, DecodedEntity* out) {
    *out = DecodedEntity{};
    out->entity = change.entity;
    if (!IsKnownPushEntity(change.entity)) {
        out->error_code = reject::kUnknownEntity;
        out->error_field = "entity";
        return false;
    }
    if (!change.data.is_object()) {
        out->error_code = reject::kInvalidData;
        out->error_field = "data";
        return false;
    }
    std::vector<FieldError> errors;
    if (change.entity == "creator") {
        Creator& c = out->creator;
        if (!FromJson(change.data, &c, &errors)) return Finish<Creator>(std::move(errors), out);
        c.id = change.id;
        c.version = change.version;
        if (c.updated_at.empty()) c.updated_at = change.updated_at;
        return Finish<Creator>(ValidateCreator(c), out);
    }
    if (change.entity == "need") {
        Need& n = out->need;
        if (!FromJson(change.data, &n, &errors)) return Finish<Need>(std::move(errors), out);
        n.id = change.id;
        n.version = change.version;
        if (n.updated_at.empty()) n.updated_at = change.updated_at;
        return Finish<Need>(ValidateNeed(n), out);
    }
    if (change.entity == "offer") {
        Offer& o = out->offer;
        if (!FromJson(change.data, &o, &errors)) return Finish<Offer>(std::move(errors), out);
        o.id = change.id;
        o.version = change.version;
        if (o.updated_at.empty()) o.updated_at = change.updated_at;
        return Finish<Offer>(ValidateOffer(o), out);
    }
    Attendance& a = out->attendance;
    if (!FromJson(change.data, &a, &errors)) return Finish<Attendance>(std::move(errors), out);
    a.id = change.id;
    a.version = change.version;
    if (a.updated_at.empty()) a.updated_at = change.updated_at;
    return Finish<Attendance>(ValidateAttendance(a), out);
}

nlohmann::json EncodeEntityData(const DecodedEntity& e) {
    if (e.entity == "creator") return ToJson(e.creator);
    if (e.entity == "need") return ToJson(e.need);
    if (e.entity == "offer") return ToJson(e.offer);
    if (e.entity == "attendance") return ToJson(e.attendance);
    return nlohmann::json::object();
}

}  // namespace comptoir
