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
//   std::string body = EncodePushRequest(req);
//   PushResponse resp; WireError err;
//   if (!DecodePushResponse(http_body, &resp, &err)) ...;
//   ErrorBody e; if (DecodeErrorBody(http_body, &e)) ... e.code == "protocol_mismatch" ...
// Usage (server):
//   PushRequest req; WireError err;
//   if (!DecodePushRequest(body, &req, &err)) reply(HttpStatusOf(err.code), EncodeErrorBody(err));
//   for each change: ValidateChangeShape(change) then DecodeEntity(change, ...)
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

namespace comptoir::sync {

using json = nlohmann::json;

constexpr int kProtocolVersion = 1;
constexpr size_t kMaxChanges = 500;             // per push batch (413 above)
constexpr size_t kMaxBodyBytes = 1u << 20;      // 1 MiB per request body (413 above)
constexpr int kMaxJsonDepth = 32;               // deeper documents are malformed (400)
constexpr size_t kMaxIdLength = 100;            // ids, batch ids, device ids (bytes)
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
    json data = json::object();
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
    std::string app_version;            // extension, optional
    std::optional<int64_t> pending;     // extension, optional
};

struct ChangeError {
    std::string code;
    std::string field;
    std::string message;
};

struct ChangeResult {
    std::string id;
    ChangeStatus status = ChangeStatus::Applied;
    ChangeError error;        // only meaningful (and only encoded) when Rejected
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
    json data = json::object();
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
// Parses text as JSON with a depth limit; false (and *err) if malformed or too deep.
bool ParseJson(std::string_view text, json* out, WireError* err);

std::string EncodePushRequest(const PushRequest& r);
bool DecodePushRequest(std::string_view text, PushRequest* out, WireError* err);
std::string EncodePushResponse(const PushResponse& r);
bool DecodePushResponse(std::string_view text, PushResponse* out, WireError* err);
std::string EncodePullResponse(const PullResponse& r);
bool DecodePullResponse(std::string_view text, PullResponse* out, WireError* err);
std::string EncodeEnrollRequest(const EnrollRequest& r);
bool DecodeEnrollRequest(std::string_view text, EnrollRequest* out, WireError* err);
std::string EncodeEnrollResponse(const EnrollResponse& r);
bool DecodeEnrollResponse(std::string_view text, EnrollResponse* out, WireError* err);
std::string EncodeLoginRequest(const LoginRequest& r);
bool DecodeLoginRequest(std::string_view text, LoginRequest* out, WireError* err);
std::string EncodeLoginResponse(const LoginResponse& r);
bool DecodeLoginResponse(std::string_view text, LoginResponse* out, WireError* err);
// `{"error": {"code": "...", "message": "..."[, "field": "..."]}}`
std::string EncodeErrorBody(const WireError& e);
// Reads an error body; unknown codes keep their text in *raw_code.
bool DecodeErrorBody(std::string_view text, WireError* out, std::string* raw_code = nullptr);

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
json EncodeEntityData(const DecodedEntity& e);

bool IsKnownPushEntity(std::string_view entity);

}  // namespace comptoir::sync
