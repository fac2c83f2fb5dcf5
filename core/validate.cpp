// core/validate.cpp — see validate.h.
//
// [SECTION] Unicode helpers (utf8proc)
// [SECTION] Error ids
// [SECTION] Text
// [SECTION] Email
// [SECTION] Phone, postcode, URL
// [SECTION] Records
#include "core/validate.h"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "core/clock.h"
#include "core/uuid.h"

namespace comptoir {

// [SECTION] Unicode helpers (utf8proc) -------------------------------------------------

namespace {

using CodePoints = std::vector<int32_t>;

bool Decode(std::string_view in, CodePoints* out) {
    out->clear();
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
    utf8proc_ssize_t left = utf8proc_ssize_t(in.size());
    while (left > 0) {
        utf8proc_int32_t c = 0;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
        if (n <= 0 || c < 0) return false;
        out->push_back(c);
        p += n;
        left -= n;
    }
    return true;
}

std::string Encode(const CodePoints& cps, size_t begin, size_t end) {
    std::string s;
    s.reserve(end - begin);
    utf8proc_uint8_t buf[4];
    for (size_t i = begin; i < end; ++i) {
        utf8proc_ssize_t n = utf8proc_encode_char(cps[i], buf);
        s.append(reinterpret_cast<const char*>(buf), size_t(n));
    }
    return s;
}

bool IsAscii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string AsciiLower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return r;
}

// Applies a utf8proc transformation; the input must be valid UTF-8. ASCII text (most of
// what is sent) skips utf8proc: composition leaves it unchanged and case folding only
// lowers A-Z. Only those two options are used here.
std::string Map(const std::string& s, int options) {
    if (IsAscii(s)) {
        return (options & UTF8PROC_CASEFOLD) ? AsciiLower(s) : s;
    }
    utf8proc_uint8_t* dst = nullptr;
    utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                      utf8proc_ssize_t(s.size()), &dst, utf8proc_option_t(options));
    if (n < 0) {
        std::free(dst);
        return s;
    }
    std::string r(reinterpret_cast<const char*>(dst), size_t(n));
    std::free(dst);
    return r;
}

std::string Nfc(const std::string& s) { return Map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE); }

size_t CountCodePoints(std::string_view s) {
    size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

bool IsControl(int32_t c) { return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F); }

// Unicode White_Space characters that are not control characters.
bool IsSpace(int32_t c) {
    return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

bool IsLineSeparator(int32_t c) { return c == 0x2028 || c == 0x2029; }

// NormalizeImpl for ASCII text without a carriage return: the same checks without
// decoding to code points (NFC leaves ASCII unchanged). False: not such text.
bool NormalizeAscii(std::string_view in, size_t max_len, bool required, bool multiline, std::string* out,
                    ErrorCode* result) {
    for (char ch : in) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || c == '\r') return false;
        if (IsControl(c) && !(multiline && c == '\n')) {
            *result = ErrorCode::ControlChars;
            return true;
        }
    }
    auto trimmable = [&](char c) { return c == ' ' || (multiline && c == '\n'); };
    size_t b = 0, e = in.size();
    while (b < e && trimmable(in[b])) ++b;
    while (e > b && trimmable(in[e - 1])) --e;
    *result = ErrorCode::None;
    if (b == e) {
        if (required) *result = ErrorCode::Required;
        else out->clear();
    } else if (e - b > max_len) {
        *result = ErrorCode::TooLong;
    } else {
        out->assign(in.data() + b, e - b);
    }
    return true;
}

ErrorCode NormalizeImpl(std::string_view in, size_t max_len, bool required, bool multiline,
                        std::string* out) {
    ErrorCode ascii;
    if (NormalizeAscii(in, max_len, required, multiline, out, &ascii)) return ascii;
    CodePoints cps;
    if (!Decode(in, &cps)) return ErrorCode::InvalidUtf8;
    CodePoints clean;
    clean.reserve(cps.size());
    for (size_t i = 0; i < cps.size(); ++i) {
        int32_t c = cps[i];
        if (multiline && c == '\r') {
            if (i + 1 < cps.size() && cps[i + 1] == '\n') ++i;
            clean.push_back('\n');
            continue;
        }
        if (multiline && (c == '\n' || IsLineSeparator(c))) {
            clean.push_back(c);
            continue;
        }
        if (IsControl(c) || IsLineSeparator(c)) return ErrorCode::ControlChars;
        clean.push_back(c);
    }
    auto trimmable = [&](int32_t c) { return IsSpace(c) || (multiline && (c == '\n' || IsLineSeparator(c))); };
    size_t b = 0, e = clean.size();
    while (b < e && trimmable(clean[b])) ++b;
    while (e > b && trimmable(clean[e - 1])) --e;
    if (b == e) {
        if (required) return ErrorCode::Required;
        out->clear();
        return ErrorCode::None;
    }
    std::string s = Nfc(Encode(clean, b, e));
    if (CountCodePoints(s) > max_len) return ErrorCode::TooLong;
    *out = std::move(s);
    return ErrorCode::None;
}

bool IsAsciiAlnum(int32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// A letter, mark or digit outside ASCII (internationalized domain labels).
bool IsUnicodeLabelChar(int32_t c) {
    if (c < 0x80) return false;
    switch (utf8proc_category(c)) {
        case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
            return true;
        default:
            return false;
    }
}

// NormalizeHost for an ASCII host name.
bool NormalizeHostAscii(std::string_view host, std::string* out) {
    std::string lowered = AsciiLower(host);
    int labels = 0;
    size_t start = 0;
    for (size_t i = 0; i <= lowered.size(); ++i) {
        if (i < lowered.size() && lowered[i] != '.') {
            if (!IsAsciiAlnum(lowered[i]) && lowered[i] != '-') return false;
            continue;
        }
        const size_t len = i - start;
        if (len == 0 || len > 63 || lowered[start] == '-' || lowered[i - 1] == '-') return false;
        ++labels;
        if (i == lowered.size()) {  // top-level label
            if (len < 2) return false;
            if (std::all_of(lowered.begin() + long(start), lowered.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return false;
        }
        start = i + 1;
    }
    if (labels < 2) return false;
    *out = std::move(lowered);
    return true;
}

// Lowercases a host name (ASCII and Unicode) and checks its labels: at least two,
// each 1..63 bytes of letters/digits/hyphens not at the ends, a top-level label of 2+
// characters that is not all digits. Returns false if invalid.
bool NormalizeHost(std::string_view host, std::string* out) {
    if (host.empty() || host.size() > 253) return false;
    if (IsAscii(host)) return NormalizeHostAscii(host, out);  // the same rules, without utf8proc
    CodePoints cps;
    if (host.empty() || host.size() > 253 || !Decode(host, &cps)) return false;
    for (auto& c : cps) c = utf8proc_tolower(c);
    std::string lowered = Nfc(Encode(cps, 0, cps.size()));
    if (lowered.size() > 253) return false;  // lowercasing can lengthen UTF-8 (Ⱥ -> ⱥ)
    if (!Decode(lowered, &cps)) return false;
    int labels = 0;
    size_t start = 0;
    for (size_t i = 0; i <= cps.size(); ++i) {
        if (i < cps.size() && cps[i] != '.') {
            int32_t c = cps[i];
            if (!IsAsciiAlnum(c) && c != '-' && !IsUnicodeLabelChar(c)) return false;
            continue;
        }
        size_t len = i - start;
        if (len == 0) return false;
        std::string label = Encode(cps, start, i);
        if (label.size() > 63 || cps[start] == '-' || cps[i - 1] == '-') return false;
        ++labels;
        if (i == cps.size()) {  // top-level label
            if (len < 2) return false;
            bool all_digits = std::all_of(cps.begin() + long(start), cps.begin() + long(i),
                                          [](int32_t c) { return c >= '0' && c <= '9'; });
            if (all_digits) return false;
        }
        start = i + 1;
    }
    if (labels < 2) return false;
    *out = lowered;
    return true;
}

bool HasInnerSpace(std::string_view s) {
    if (IsAscii(s))
        return std::any_of(s.begin(), s.end(), [](char c) { return IsSpace(c) || IsControl(c); });
    CodePoints cps;
    if (!Decode(s, &cps)) return true;
    return std::any_of(cps.begin(), cps.end(), [](int32_t c) { return IsSpace(c) || IsControl(c); });
}

}  // namespace

// [SECTION] Error ids ------------------------------------------------------------------

const char* ErrorWireId(ErrorCode code) {
    switch (code) {
#define COMPTOIR_ERROR_WIRE(e, wire, text) \
    case ErrorCode::e: return wire;
        COMPTOIR_ERRORS(COMPTOIR_ERROR_WIRE)
#undef COMPTOIR_ERROR_WIRE
        case ErrorCode::None: return "";
    }
    return "";
}

const char* ErrorMessage(ErrorCode code, Lang lang) {
    switch (code) {
#define COMPTOIR_ERROR_TEXT(e, wire, text) \
    case ErrorCode::e: return Tr(lang, Text::text);
        COMPTOIR_ERRORS(COMPTOIR_ERROR_TEXT)
#undef COMPTOIR_ERROR_TEXT
        case ErrorCode::None: return "";
    }
    return "";
}

// [SECTION] Text -----------------------------------------------------------------------

ErrorCode NormalizeText(std::string_view in, size_t max_len, bool required, std::string* out) {
    return NormalizeImpl(in, max_len, required, false, out);
}

ErrorCode NormalizeMultilineText(std::string_view in, size_t max_len, bool required, std::string* out) {
    return NormalizeImpl(in, max_len, required, true, out);
}

bool IsCatalogueId(std::string_view id) {
    if (id.empty() || id.size() > kMaxIdLength) return false;
    auto ok_start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!ok_start(id[0])) return false;
    return std::all_of(id.begin(), id.end(),
                       [&](char c) { return ok_start(c) || c == '.' || c == '-' || c == '_'; });
}

// [SECTION] Email ----------------------------------------------------------------------

ErrorCode NormalizeEmail(std::string_view in, std::string* out) {
    std::string s;
    ErrorCode err = NormalizeText(in, kMaxEmailLength, true, &s);
    if (err != ErrorCode::None) return err;
    if (HasInnerSpace(s)) return ErrorCode::EmailInvalid;
    size_t at = s.find('@');
    if (at == std::string::npos || s.find('@', at + 1) != std::string::npos) return ErrorCode::EmailInvalid;
    std::string_view local(s.data(), at);
    std::string_view domain(s.data() + at + 1, s.size() - at - 1);
    if (local.empty() || local.size() > 64) return ErrorCode::EmailInvalid;
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
        return ErrorCode::EmailInvalid;
    static const std::string_view kAtext = "!#$%&'*+/=?^_`{|}~-.";
    for (char ch : local) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || IsAsciiAlnum(c) || kAtext.find(ch) != std::string_view::npos) continue;
        return ErrorCode::EmailInvalid;
    }
    std::string host;
    if (!NormalizeHost(domain, &host)) return ErrorCode::EmailInvalid;
    std::string result = std::string(local) + "@" + host;
    if (CountCodePoints(result) > kMaxEmailLength) return ErrorCode::TooLong;
    *out = std::move(result);
    return ErrorCode::None;
}

std::string EmailIdentityKey(std::string_view normalized_email) {
    std::string s(normalized_email);
    CodePoints cps;
    if (!Decode(s, &cps)) return s;
    return Map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

// [SECTION] Phone, postcode, URL ---------------------------------------------------------

namespace {

bool AllDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// nat: the Belgian national number without its leading 0.
bool BelgianNational(std::string_view nat, std::string* out) {
    if (!AllDigits(nat) || nat[0] == '0') return false;
    size_t want = nat[0] == '4' ? 9 : 8;  // mobiles 04xx xx xx xx, landlines 0x(x) xx xx xx
    if (nat.size() != want) return false;
    *out = "+32" + std::string(nat);
    return true;
}

}  // namespace

ErrorCode NormalizePhone(std::string_view in, std::string* out) {
    std::string s;
    ErrorCode err = NormalizeText(in, kMaxShortText, false, &s);
    if (err != ErrorCode::None) return err;
    if (s.empty()) {
        out->clear();
        return ErrorCode::None;
    }
    CodePoints cps;
    Decode(s, &cps);
    std::string compact;
    for (int32_t c : cps) {
        if (IsSpace(c) || c == '.' || c == '/' || c == '-' || c == '(' || c == ')') continue;
        if ((c >= '0' && c <= '9') || c == '+') {
            compact += char(c);
            continue;
        }
        return ErrorCode::PhoneInvalid;
    }
    std::string_view v = compact;
    std::string intl;
    if (!v.empty() && v[0] == '+') {
        intl = std::string(v.substr(1));
    } else if (v.size() >= 2 && v[0] == '0' && v[1] == '0') {
        intl = std::string(v.substr(2));
    } else if (!v.empty() && v[0] == '0') {
        std::string r;
        if (!BelgianNational(v.substr(1), &r)) return ErrorCode::PhoneInvalid;
        *out = r;
        return ErrorCode::None;
    } else {
        return ErrorCode::PhoneInvalid;
    }
    if (!AllDigits(intl)) return ErrorCode::PhoneInvalid;
    if (intl.rfind("32", 0) == 0) {
        std::string_view nat = std::string_view(intl).substr(2);
        if (!nat.empty() && nat[0] == '0') nat.remove_prefix(1);  // "+32 (0)470…"
        std::string r;
        if (!BelgianNational(nat, &r)) return ErrorCode::PhoneInvalid;
        *out = r;
        return ErrorCode::None;
    }
    if (intl[0] == '0' || intl.size() < 8 || intl.size() > 15) return ErrorCode::PhoneInvalid;
    *out = "+" + intl;
    return ErrorCode::None;
}

ErrorCode NormalizePostcode(std::string_view in, std::string* out) {
    std::string s;
    ErrorCode err = NormalizeText(in, kMaxShortText, false, &s);
    if (err != ErrorCode::None) return err;
    if (s.empty()) {
        out->clear();
        return ErrorCode::None;
    }
    if (s.size() != 4 || !AllDigits(s) || s[0] == '0') return ErrorCode::PostcodeInvalid;
    *out = s;
    return ErrorCode::None;
}

ErrorCode NormalizeUrl(std::string_view in, std::string* out) {
    std::string s;
    ErrorCode err = NormalizeText(in, kMaxUrlLength, false, &s);
    if (err != ErrorCode::None) return err;
    if (s.empty()) {
        out->clear();
        return ErrorCode::None;
    }
    if (HasInnerSpace(s)) return ErrorCode::UrlInvalid;
    if (s.find_first_of("\\<>\"") != std::string::npos) return ErrorCode::UrlInvalid;
    size_t sep = s.find("://");
    std::string scheme = "https";
    std::string rest = s;
    if (sep != std::string::npos) {
        scheme = s.substr(0, sep);
        for (auto& c : scheme) c = char(std::tolower(static_cast<unsigned char>(c)));
        if (scheme != "http" && scheme != "https") return ErrorCode::UrlInvalid;
        rest = s.substr(sep + 3);
    }
    size_t path_at = rest.find_first_of("/?#");
    std::string authority = rest.substr(0, path_at);
    std::string path = path_at == std::string::npos ? "" : rest.substr(path_at);
    if (authority.find('@') != std::string::npos) return ErrorCode::UrlInvalid;
    std::string port;
    size_t colon = authority.rfind(':');
    if (colon != std::string::npos) {
        port = authority.substr(colon + 1);
        authority.resize(colon);
        if (!AllDigits(port) || port.size() > 5 || std::atoi(port.c_str()) > 65535 || std::atoi(port.c_str()) == 0)
            return ErrorCode::UrlInvalid;
    }
    std::string host;
    if (!NormalizeHost(authority, &host)) return ErrorCode::UrlInvalid;
    std::string result = scheme + "://" + host + (port.empty() ? "" : ":" + port) + path;
    if (CountCodePoints(result) > kMaxUrlLength) return ErrorCode::TooLong;
    *out = std::move(result);
    return ErrorCode::None;
}

// [SECTION] Records ----------------------------------------------------------------------

bool IsWorkStatus(std::string_view s) {
    static const std::string_view kAll[] = {"salarie", "independant-principal", "independant-complementaire",
                                            "fonctionnaire", "etudiant", "demandeur-emploi"};
    return std::find(std::begin(kAll), std::end(kAll), s) != std::end(kAll);
}
bool IsNeedFrequency(std::string_view s) {
    return s.empty() || s == "ponctuel" || s == "mensuel" || s == "hebdomadaire" || s == "permanent";
}
bool IsNeedUrgency(std::string_view s) { return s.empty() || s == "faible" || s == "moyenne" || s == "haute"; }
bool IsOfferKind(std::string_view s) { return s == "materiel" || s == "espace" || s == "competence"; }

namespace {

struct Checker {
    std::vector<FieldError> errors;
    void Add(std::string field, ErrorCode code) {
        if (code != ErrorCode::None) errors.push_back({std::move(field), code});
    }
    void Text(const char* field, std::string& v, size_t max, bool required) {
        std::string n;
        ErrorCode e = NormalizeText(v, max, required, &n);
        if (e == ErrorCode::None) v = std::move(n);
        Add(field, e);
    }
    void Multiline(const char* field, std::string& v, size_t max, bool required) {
        std::string n;
        ErrorCode e = NormalizeMultilineText(v, max, required, &n);
        if (e == ErrorCode::None) v = std::move(n);
        Add(field, e);
    }
    void With(const char* field, std::string& v, ErrorCode (*fn)(std::string_view, std::string*)) {
        std::string n;
        ErrorCode e = fn(v, &n);
        if (e == ErrorCode::None) v = std::move(n);
        Add(field, e);
    }
    void Id(const char* field, const std::string& v, bool required) {
        if (v.empty()) {
            if (required) Add(field, ErrorCode::Required);
        } else if (!IsUuid(v)) {
            Add(field, ErrorCode::InvalidValue);
        }
    }
    void Time(const char* field, const std::string& v) {
        if (!v.empty() && !IsRfc3339(v)) Add(field, ErrorCode::InvalidValue);
    }
    // Id lists: each a catalogue id; duplicates dropped (order kept).
    void IdList(const std::string& field, std::vector<std::string>& list, bool (*valid)(std::string_view)) {
        std::vector<std::string> kept;
        std::set<std::string> seen;
        for (size_t i = 0; i < list.size(); ++i) {
            if (!valid(list[i])) {
                Add(field + "[" + std::to_string(i) + "]", ErrorCode::InvalidValue);
                continue;
            }
            if (seen.insert(list[i]).second) kept.push_back(list[i]);
        }
        list = std::move(kept);
    }
};

bool IsLanguageCode(std::string_view s) {
    return (s.size() == 2 || s.size() == 3) &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

void CheckConsent(Checker& c, const char* field, Consent& consent) {
    std::string f = std::string("consents.") + field;
    if (!consent.given) {  // optional consents stay off, with nothing recorded
        consent.at.clear();
        consent.text_version.clear();
        return;
    }
    if (!consent.at.empty() && !IsRfc3339(consent.at)) c.Add(f + ".at", ErrorCode::InvalidValue);
    std::string tv;
    ErrorCode e = NormalizeText(consent.text_version, 50, false, &tv);
    if (e == ErrorCode::None) consent.text_version = tv;
    c.Add(f + ".text_version", e);
}

}  // namespace

std::vector<FieldError> ValidateCreator(Creator& cr) {
    Checker c;
    c.Id("id", cr.id, false);
    c.Text("first_name", cr.first_name, kMaxNameLength, true);
    c.Text("last_name", cr.last_name, kMaxNameLength, true);
    c.With("email", cr.email, NormalizeEmail);
    c.With("phone", cr.phone, NormalizePhone);
    c.With("postcode", cr.postcode, NormalizePostcode);
    c.Text("commune", cr.commune, kMaxShortText, false);
    c.IdList("sectors", cr.sectors, IsCatalogueId);
    c.IdList("professions", cr.professions, IsCatalogueId);
    c.Text("other_profession", cr.other_profession, kMaxShortText, false);
    c.IdList("work_status.statuses", cr.work.statuses, IsWorkStatus);
    if (cr.work.ata_level != "" && cr.work.ata_level != "debutant" && cr.work.ata_level != "plus")
        c.Add("work_status.ata_level", ErrorCode::InvalidValue);
    else if (!cr.work.ata_level.empty() && !cr.work.ata)
        c.Add("work_status.ata_level", ErrorCode::InvalidValue);
    c.Text("structure_name", cr.structure_name, kMaxShortText, false);
    c.With("website", cr.website, NormalizeUrl);
    for (auto& l : cr.languages)
        for (auto& ch : l) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    c.IdList("languages", cr.languages, IsLanguageCode);
    if (!LangFromCode(cr.preferred_lang) || cr.preferred_lang.size() != 2) c.Add("preferred_lang", ErrorCode::InvalidValue);
    if (!cr.consents.processing.given) c.Add("consents.processing", ErrorCode::ConsentRequired);
    CheckConsent(c, "processing", cr.consents.processing);
    CheckConsent(c, "contact", cr.consents.contact);
    CheckConsent(c, "newsletter", cr.consents.newsletter);
    CheckConsent(c, "directory", cr.consents.directory);
    c.Time("created_at", cr.created_at);
    c.Time("updated_at", cr.updated_at);
    return c.errors;
}

std::vector<FieldError> ValidateNeed(Need& n) {
    Checker c;
    c.Id("id", n.id, false);
    c.Id("creator_id", n.creator_id, false);
    if (n.item.empty()) c.Add("item", ErrorCode::Required);
    else if (!IsCatalogueId(n.item)) c.Add("item", ErrorCode::InvalidValue);
    if (!IsNeedFrequency(n.frequency)) c.Add("frequency", ErrorCode::InvalidValue);
    if (!IsNeedUrgency(n.urgency)) c.Add("urgency", ErrorCode::InvalidValue);
    c.Text("budget", n.budget, kMaxShortText, false);
    c.Multiline("comment", n.comment, kMaxCommentLength, false);
    c.Time("updated_at", n.updated_at);
    return c.errors;
}

std::vector<FieldError> ValidateOffer(Offer& o) {
    Checker c;
    c.Id("id", o.id, false);
    c.Id("creator_id", o.creator_id, false);
    if (o.kind.empty()) c.Add("kind", ErrorCode::Required);
    else if (!IsOfferKind(o.kind)) c.Add("kind", ErrorCode::InvalidValue);
    if (!o.item.empty() && !IsCatalogueId(o.item)) c.Add("item", ErrorCode::InvalidValue);
    c.Multiline("description", o.description, kMaxCommentLength, o.item.empty());
    c.Time("updated_at", o.updated_at);
    return c.errors;
}

std::vector<FieldError> ValidateAttendance(Attendance& a) {
    Checker c;
    c.Id("id", a.id, false);
    c.Id("creator_id", a.creator_id, true);
    if (a.event_id.empty()) c.Add("event_id", ErrorCode::Required);
    else if (!IsCatalogueId(a.event_id) && !IsUuid(a.event_id)) c.Add("event_id", ErrorCode::InvalidValue);
    c.Time("at", a.at);
    c.Time("updated_at", a.updated_at);
    return c.errors;
}

std::vector<FieldError> ValidateEvent(Event& e) {
    Checker c;
    if (e.id.empty()) c.Add("id", ErrorCode::Required);
    else if (!IsCatalogueId(e.id) && !IsUuid(e.id)) c.Add("id", ErrorCode::InvalidValue);
    c.Text("title", e.title, kMaxShortText, true);
    if (!e.sector.empty() && !IsCatalogueId(e.sector)) c.Add("sector", ErrorCode::InvalidValue);
    if (e.date.empty()) c.Add("date", ErrorCode::Required);
    else if (!IsIsoDate(e.date)) c.Add("date", ErrorCode::InvalidValue);
    c.Text("place", e.place, kMaxShortText, false);
    return c.errors;
}

std::vector<FieldError> ValidateCatalogueEntry(CatalogueEntry& e) {
    Checker c;
    if (e.kind != "sector" && e.kind != "profession" && e.kind != "need_category" && e.kind != "need_item")
        c.Add("kind", ErrorCode::InvalidValue);
    if (e.id.empty()) c.Add("id", ErrorCode::Required);
    else if (!IsCatalogueId(e.id)) c.Add("id", ErrorCode::InvalidValue);
    bool needs_parent = e.kind == "profession" || e.kind == "need_item";
    if (needs_parent && e.parent.empty()) c.Add("parent", ErrorCode::Required);
    else if (!e.parent.empty() && !IsCatalogueId(e.parent)) c.Add("parent", ErrorCode::InvalidValue);
    c.Text("label_fr", e.label_fr, kMaxShortText, true);
    c.Text("label_nl", e.label_nl, kMaxShortText, true);
    c.Text("label_en", e.label_en, kMaxShortText, true);
    return c.errors;
}

std::vector<FieldError> ValidateRegistrationForKiosk(const Registration& reg) {
    std::vector<FieldError> errors;
    if (reg.creator.sectors.empty()) errors.push_back({"sectors", ErrorCode::SectorRequired});
    if (reg.needs.empty()) errors.push_back({"needs", ErrorCode::NeedRequired});
    return errors;
}

}  // namespace comptoir
