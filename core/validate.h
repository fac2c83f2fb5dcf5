// core/validate.h — normalization and validation: pure functions, no I/O.
//
// Every check returns field-level errors with a stable id (ErrorCode, and its string
// form for the wire, e.g. "email.invalid") plus a translated message (i18n.h).
// Text is normalized to Unicode NFC (utf8proc) and trimmed; every script and accent is
// kept; control characters are refused, never silently removed.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "core/i18n.h"

namespace comptoir {

// X(enum, wire id, text id)
#define COMPTOIR_ERRORS(X)                                  \
    X(Required, "required", ErrRequired)                    \
    X(TooLong, "too_long", ErrTooLong)                      \
    X(ControlChars, "control_chars", ErrControlChars)       \
    X(InvalidUtf8, "invalid_utf8", ErrInvalidUtf8)          \
    X(EmailInvalid, "email.invalid", ErrEmailInvalid)       \
    X(PhoneInvalid, "phone.invalid", ErrPhoneInvalid)       \
    X(PostcodeInvalid, "postcode.invalid", ErrPostcodeInvalid) \
    X(UrlInvalid, "url.invalid", ErrUrlInvalid)             \
    X(ConsentRequired, "consent.required", ErrConsentRequired) \
    X(SectorRequired, "sector.required", ErrSectorRequired) \
    X(NeedRequired, "need.required", ErrNeedRequired)       \
    X(UnknownItem, "unknown_item", ErrUnknownItem)          \
    X(InvalidValue, "invalid_value", ErrInvalidValue)

enum class ErrorCode {
    None = 0,
#define COMPTOIR_ERROR_ENUM(e, wire, text) e,
    COMPTOIR_ERRORS(COMPTOIR_ERROR_ENUM)
#undef COMPTOIR_ERROR_ENUM
};

const char* ErrorWireId(ErrorCode code);            // "email.invalid"
const char* ErrorMessage(ErrorCode code, Lang lang);  // translated sentence

struct FieldError {
    std::string field;   // dotted path as on the wire: "email", "consents.processing", "needs[0].item"
    ErrorCode code = ErrorCode::None;
};

// Length limits, in Unicode code points after normalization.
constexpr size_t kMaxNameLength = 100;
constexpr size_t kMaxEmailLength = 254;
constexpr size_t kMaxShortText = 200;
constexpr size_t kMaxCommentLength = 2000;
constexpr size_t kMaxUrlLength = 2000;
constexpr size_t kMaxIdLength = 100;     // catalogue ids, event ids

// Each Normalize* writes the normalized value to *out and returns ErrorCode::None, or
// returns the error and leaves *out untouched. Empty input gives Required only where
// the field is required (`required` argument).
ErrorCode NormalizeText(std::string_view in, size_t max_len, bool required, std::string* out);
ErrorCode NormalizeEmail(std::string_view in, std::string* out);   // trimmed, domain lowercased
ErrorCode NormalizePhone(std::string_view in, std::string* out);   // "" allowed; BE -> +32…
ErrorCode NormalizePostcode(std::string_view in, std::string* out);  // "" allowed
ErrorCode NormalizeUrl(std::string_view in, std::string* out);     // "" allowed; adds https://
// Like NormalizeText, for comments and descriptions: line feeds are allowed inside
// ("\r\n" and "\r" become "\n"), every other control character is refused.
ErrorCode NormalizeMultilineText(std::string_view in, size_t max_len, bool required, std::string* out);
// Catalogue / event ids: 1..kMaxIdLength of [a-z0-9._-], starting with a letter or digit.
bool IsCatalogueId(std::string_view id);
// The identity key of a person: the normalized email, fully case-folded.
std::string EmailIdentityKey(std::string_view normalized_email);

// Validates and normalizes a creator in place (names, email, phone, postcode, urls,
// texts, required processing consent). Returns every error found, in field order.
std::vector<FieldError> ValidateCreator(Creator& creator);
std::vector<FieldError> ValidateNeed(Need& need);
std::vector<FieldError> ValidateOffer(Offer& offer);
std::vector<FieldError> ValidateAttendance(Attendance& attendance);
std::vector<FieldError> ValidateEvent(Event& event);
std::vector<FieldError> ValidateCatalogueEntry(CatalogueEntry& entry);

// What the kiosk form requires beyond the sync contract: at least one sector
// ("sectors", SectorRequired) and at least one need ("needs", NeedRequired). The server
// accepts minimal creators (contract) and does not call this.
std::vector<FieldError> ValidateRegistrationForKiosk(const Registration& reg);

// Allowed values of the enumerated fields (see domain.h). Empty is allowed where the
// field is optional (frequency, urgency, ata_level).
bool IsWorkStatus(std::string_view s);
bool IsNeedFrequency(std::string_view s);
bool IsNeedUrgency(std::string_view s);
bool IsOfferKind(std::string_view s);

}  // namespace comptoir
