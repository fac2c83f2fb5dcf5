// sync/protocol/protocol.h — the sync-v1 wire format shared by devices and comptoir-server.
//
// Contract: shared/spec/sync-v1.md; the server's routes are in docs/openapi.yaml.
// One header for both ends so they cannot drift (like Tracy's TracyProtocol.hpp): a
// protocol version, the envelope types, their JSON codecs and the stable error codes.
//
// Codecs never throw: Decode* parse with `json::parse(text, nullptr, false)`, check every
// type and return false with a WireError {code, message, field} on the first problem.
//
// Usage (device):
//   PushRequest req; req.device_id = ...; req.batch_id = NewUuid(); req.changes.push_back(c);
//   std::string body = EncodePushRequest(req).dump();
//   PushResponse resp; std::string why;
//   if (!DecodePushResponse(json::parse(http_body, nullptr, false), &resp, &why)) ...;
// Usage (server):
//   json j; PushRequest req; WireError err;
//   if (!ParseJson(body, &j, &err) || !DecodePushRequest(j, &req, &err))
//       reply(HttpStatusOf(err.code), EncodeErrorBody(err).dump());
//   for each change: DecodeEntity(change, &decoded) -> normalized record or rejection
//   (the push path itself: DecodePushRequest(std::move(j), ...), EncodeEntityDataText and
//   EncodePushResponseText write the same bytes as the DOM codecs, without the DOM)
//
// Envelope of a push (fields beyond the spec marked "extension", all optional):
//   protocol (int, must equal kProtocolVersion), device_id, batch_id (non-empty strings
//   <= 100 bytes), sent_at (string), changes (array, <= kMaxChanges), app_version
//   (extension: string <= 100 bytes), pending (extension: integer >= 0, outbox size left
//   on the device). A malformed *change* does not fail the envelope: it is decoded with
//   `shape_error` set and answered `rejected` (one bad record never blocks the others).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/domain.h"
#include "core/validate.h"

namespace comptoir {

constexpr int kProtocolVersion = 1;
constexpr size_t kMaxChanges = 500;             // per push batch (413 above)
constexpr size_t kMaxBodyBytes = 1u << 20;      // 1 MiB per request body (413 above)
constexpr int kMaxJsonDepth = 32;               // deeper documents are malformed (400)
constexpr size_t kMaxWireIdLength = 100;        // ids, batch ids, device ids (bytes)
constexpr size_t kMaxPullPage = 500;            // changes per pull answer

// Whole-request error codes: X(enum, wire code, HTTP status).
#define COMPTOIR_WIRE_ERRORS(X)                                      \
    X(MalformedJson, "malformed_json", 400)                          \
    X(InvalidEnvelope, "invalid_envelope", 400)                      \
    X(ProtocolMismatch, "protocol_mismatch", 400)                    \
    X(InvalidCursor, "invalid_cursor", 400)                          \
    X(InvalidParameter, "invalid_parameter", 400)                    \
    X(EnrollmentCodeInvalid, "enrollment_code_invalid", 400)         \
    X(Unauthorized, "unauthorized", 401)                             \
    X(InvalidCredentials, "invalid_credentials", 401)                \
    X(DeviceRevoked, "device_revoked", 403)                          \
    X(Forbidden, "forbidden", 403)                                   \
    X(NotFound, "not_found", 404)                                    \
    X(MethodNotAllowed, "method_not_allowed", 405)                   \
    X(DeviceMismatch, "device_mismatch", 409)                        \
    X(BatchConflict, "batch_conflict", 409)                          \
    X(PayloadTooLarge, "payload_too_large", 413)                     \
    X(TooManyChanges, "too_many_changes", 413)                       \
    X(UnsupportedMediaType, "unsupported_media_type", 415)           \
    X(RateLimited, "rate_limited", 429)                              \
    X(TooManyAttempts, "too_many_attempts", 429)                     \
    X(Internal, "internal", 500)                                     \
    X(Unavailable, "unavailable", 503)

enum class WireErrorCode {
    None = 0,
#define COMPTOIR_WIRE_ERROR_ENUM(e, code, status) e,
    COMPTOIR_WIRE_ERRORS(COMPTOIR_WIRE_ERROR_ENUM)
#undef COMPTOIR_WIRE_ERROR_ENUM
};

const char* WireErrorId(WireErrorCode code);     // "protocol_mismatch"
int HttpStatusOf(WireErrorCode code);            // 400
// Parses a wire id back ("" or unknown -> None).
WireErrorCode WireErrorFromId(std::string_view id);

// A whole-request error: the `{"error": {...}}` body of every 4xx/5xx answer.
struct WireError {
    WireErrorCode code = WireErrorCode::None;
    std::string message;   // English, for operators and logs; never personal data
    std::string field;     // offending envelope field, if any ("changes", "protocol"…)
};

// Per-change result statuses of a push.
enum class ChangeStatus { Applied, Duplicate, Stale, Rejected };
const char* ChangeStatusId(ChangeStatus s);       // "applied"…
std::optional<ChangeStatus> ChangeStatusFromId(std::string_view id);

// Per-change rejection codes besides core's validation ids (ErrorWireId: "required",
// "email.invalid"…).
namespace reject {
inline constexpr const char* kInvalidChange = "invalid_change";       // not an object
inline constexpr const char* kInvalidId = "invalid_id";               // id missing/not a string/too long
inline constexpr const char* kUnknownEntity = "unknown_entity";
inline constexpr const char* kInvalidOp = "invalid_op";
inline constexpr const char* kInvalidVersion = "invalid_version";     // not an integer >= 1
inline constexpr const char* kInvalidData = "invalid_data";           // data not an object / wrong types
inline constexpr const char* kUnknownReference = "unknown_reference"; // creator_id unknown on the server
inline constexpr const char* kIdentityConflict = "identity_conflict"; // email already another creator's
inline constexpr const char* kStorage = "storage";                    // could not be stored
}  // namespace reject

// --- push ---------------------------------------------------------------------------
struct Change {
    std::string id;
    std::string entity;       // "creator" | "need" | "offer" | "attendance"
    std::string op;           // "upsert" | "delete"
    int64_t version = 0;
    std::string updated_at;
    nlohmann::json data = nlohmann::json::object();
    // Set by DecodePushRequest when this change is malformed (it will be rejected).
    std::string shape_error;  // reject code, "" when well-formed
    std::string shape_field;
};

struct PushRequest {
    int protocol = kProtocolVersion;
    std::string device_id;
    std::string batch_id;
    std::string sent_at;
    std::vector<Change> changes;
    std::string app_version;            // extension, optional ("" = not sent)
    std::optional<int64_t> pending;     // extension, optional
};

struct ChangeResult {
    std::string id;
    std::string status;        // "applied" | "duplicate" | "stale" | "rejected" (ChangeStatusId)
    std::string error_code;    // only when rejected: wire code ("email.invalid", "unknown_item"…)
    std::string error_field;   // only when rejected: offending field ("email", "data.item"…)
    std::string error_message; // only when rejected: English sentence
};

struct PushResponse {
    std::string batch_id;
    std::vector<ChangeResult> results;
    std::string server_time;
};

// --- pull ---------------------------------------------------------------------------
struct PullChange {
    std::string entity;       // "event" | "catalogue_item" | "sector" | "profession" | "setting" | "creator_alias"
    std::string id;
    std::string op;           // "upsert" | "delete"
    nlohmann::json data = nlohmann::json::object();
};

struct PullResponse {
    std::string cursor;
    bool has_more = false;
    std::vector<PullChange> changes;
};

// --- enrolment and login --------------------------------------------------------------
struct EnrollRequest { std::string enrollment_code, device_name; };
struct EnrollResponse { std::string device_id, device_token; };
struct LoginRequest { std::string username, password; };
struct LoginResponse { std::string token, expires_at, role; };

// --- codecs ---------------------------------------------------------------------------
// Parses text as JSON (never throws) with a nesting limit; false (and *err) if malformed
// or deeper than kMaxJsonDepth.
bool ParseJson(std::string_view text, nlohmann::json* out, WireError* err);

// Encoders return the JSON value (call .dump() for the body). Decoders take a parsed
// value, check every type and say what is wrong in *error (or *err for the server side).
nlohmann::json EncodePushRequest(const PushRequest& r);
// The same body as EncodePushRequest(r).dump(), built as text from changes whose `data`
// is already JSON text (the device's outbox stores it so): no parse and re-dump of every
// record on the device. r.changes is ignored. A `data_json` that is not a JSON object is
// sent as {} (as EncodePushRequest does with a non-object).
struct RawChange {
    std::string id, entity, op;
    int64_t version = 0;
    std::string updated_at;
    std::string data_json;
};
std::string EncodePushRequestText(const PushRequest& envelope, const std::vector<RawChange>& changes);
// Server side: strict envelope validation with stable codes (invalid_envelope,
// protocol_mismatch, too_many_changes). Malformed changes are kept with shape_error set.
bool DecodePushRequest(const nlohmann::json& j, PushRequest* out, WireError* err);
// The same, moving each change's `data` out of j instead of copying it (the server's
// push path: j is not used afterwards).
bool DecodePushRequest(nlohmann::json&& j, PushRequest* out, WireError* err);
nlohmann::json EncodePushResponse(const PushResponse& r);
// The same text as EncodePushResponse(r).dump(), written directly (no JSON DOM).
std::string EncodePushResponseText(const PushResponse& r);
bool DecodePushResponse(const nlohmann::json& j, PushResponse* out, std::string* error);
nlohmann::json EncodePullResponse(const PullResponse& r);
bool DecodePullResponse(const nlohmann::json& j, PullResponse* out, std::string* error);
nlohmann::json EncodeEnrollRequest(const EnrollRequest& r);
bool DecodeEnrollRequest(const nlohmann::json& j, EnrollRequest* out, WireError* err);
nlohmann::json EncodeEnrollResponse(const EnrollResponse& r);
bool DecodeEnrollResponse(const nlohmann::json& j, EnrollResponse* out, std::string* error);
nlohmann::json EncodeLoginRequest(const LoginRequest& r);
bool DecodeLoginRequest(const nlohmann::json& j, LoginRequest* out, WireError* err);
nlohmann::json EncodeLoginResponse(const LoginResponse& r);
bool DecodeLoginResponse(const nlohmann::json& j, LoginResponse* out, std::string* error);
// `{"error": {"code": "...", "message": "..."[, "field": "..."]}}`
nlohmann::json EncodeErrorBody(const WireError& e);
// Reads an error body; *raw_code gets the code text even when this build does not know it.
bool DecodeErrorBody(const nlohmann::json& j, WireError* out, std::string* raw_code = nullptr);

// --- entity data ----------------------------------------------------------------------
// A decoded, validated and normalized entity of a push change. Exactly one of the
// records is meaningful, per `entity`. errors: field-level problems (entity rejected).
struct DecodedEntity {
    std::string entity;
    Creator creator;
    Need need;
    Offer offer;
    Attendance attendance;
    std::vector<FieldError> errors;
    std::string error_code;   // first error's wire code ("email.invalid", "invalid_data"…)
    std::string error_field;
};
// Decodes `change.data` with core/domain_json.h, then validates and normalizes
// (NFC + trim) with core/validate.h. id/version/updated_at come from the change.
// Returns false if the entity is unknown or the data is invalid (see out->error_code).
bool DecodeEntity(const Change& change, DecodedEntity* out);
// The normalized `data` object of a decoded entity (what the server stores and returns).
nlohmann::json EncodeEntityData(const DecodedEntity& e);
// The same text as EncodeEntityData(e).dump(), written directly (no JSON DOM); with
// creator_id, a need/offer/attendance names that creator instead of its own creator_id
// (the server stores children under the canonical creator). Text fields are valid UTF-8
// after DecodeEntity, so this never fails.
std::string EncodeEntityDataText(const DecodedEntity& e, const std::string* creator_id = nullptr);

bool IsKnownPushEntity(std::string_view entity);

}  // namespace comptoir
