// tests/fuzz/fuzz_validators.cpp — bytes -> every normalizer of core/validate.h.
//
// Invariants, for NormalizeText / NormalizeMultilineText / NormalizeEmail / NormalizePhone /
// NormalizePostcode / NormalizeUrl and EmailIdentityKey:
//   - on error the output is left untouched and the code is a real error;
//   - on success the output is valid UTF-8 in NFC, without control characters (only '\n'
//     in multi-line text), without surrounding spaces, within the length limit;
//   - idempotence: normalizing the output again succeeds and gives the same string;
//   - shapes: phone "" or "+<8..15 digits>", postcode "" or 4 digits, URL "" or
//     http(s)://..., email exactly one '@' and no spaces;
//   - EmailIdentityKey is idempotent and NFC; two spellings that normalize to the same
//     email have the same key (checked on an upper-cased variant).
// Run: build/fuzz/tests/fuzz/fuzz_validators tests/fuzz/corpus/fuzz_validators
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/validate.h"
#include "tests/fuzz/fuzz_common.h"

using namespace comptoir;

namespace {

const std::string kUntouched = "\x01untouched";

size_t CodePoints(const std::string& s) {
    size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

bool StartsOrEndsWithSpace(const std::string& s) {
    if (s.empty()) return false;
    // ASCII space and the Unicode spaces NormalizeText trims (checked on code points).
    auto is_space = [](int32_t c) {
        return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F ||
               c == 0x205F || c == 0x3000;
    };
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    utf8proc_int32_t first = 0, last = 0;
    utf8proc_iterate(p, utf8proc_ssize_t(s.size()), &first);
    size_t i = s.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    utf8proc_iterate(p + i, utf8proc_ssize_t(s.size() - i), &last);
    return is_space(first) || is_space(last);
}

using Fn = ErrorCode (*)(std::string_view, std::string*);

// Runs fn on in, checks the common invariants, returns the error (out: result).
ErrorCode Check(const char* name, Fn fn, std::string_view in, std::string* result) {
    std::string out = kUntouched;
    ErrorCode e = fn(in, &out);
    if (e != ErrorCode::None) {
        FUZZ_CHECK(out == kUntouched, name);
        FUZZ_CHECK(ErrorWireId(e)[0] != '\0', name);
        return e;
    }
    FUZZ_CHECK(fuzz::IsValidUtf8(out), name);
    FUZZ_CHECK(fuzz::IsNfc(out), name);
    FUZZ_CHECK(!fuzz::HasControl(out), name);
    FUZZ_CHECK(!StartsOrEndsWithSpace(out), name);
    std::string again = kUntouched;
    ErrorCode e2 = fn(out, &again);
    FUZZ_CHECK(e2 == ErrorCode::None, name);   // a normalized value is valid
    FUZZ_CHECK(again == out, name);            // and normalizing it changes nothing
    *result = out;
    return e;
}

ErrorCode Name(std::string_view in, std::string* out) { return NormalizeText(in, kMaxNameLength, true, out); }
ErrorCode OptionalText(std::string_view in, std::string* out) { return NormalizeText(in, kMaxShortText, false, out); }
ErrorCode Comment(std::string_view in, std::string* out) {
    return NormalizeMultilineText(in, kMaxCommentLength, false, out);
}

bool AllDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string out;

    // Names: required, <= 100 code points.
    if (Check("NormalizeText(name)", Name, in, &out) == ErrorCode::None) {
        FUZZ_CHECK(!out.empty() && CodePoints(out) <= kMaxNameLength, "name length");
    } else {
        std::string o2 = kUntouched;
        // An input refused as a name because it is empty is fine as an optional text.
        if (NormalizeText(in, kMaxNameLength, true, &o2) == ErrorCode::Required)
            FUZZ_CHECK(OptionalText(in, &o2) == ErrorCode::None && o2.empty(), "required vs optional");
    }
    if (Check("NormalizeText(optional)", OptionalText, in, &out) == ErrorCode::None)
        FUZZ_CHECK(CodePoints(out) <= kMaxShortText, "text length");

    // Multi-line: only '\n' allowed as a control character, never '\r'.
    {
        std::string m = kUntouched;
        if (Comment(in, &m) == ErrorCode::None) {
            FUZZ_CHECK(fuzz::IsValidUtf8(m) && fuzz::IsNfc(m), "multiline NFC");
            FUZZ_CHECK(!fuzz::HasControl(m, true), "multiline control chars");
            FUZZ_CHECK(m.find('\r') == std::string::npos, "multiline CR");
            FUZZ_CHECK(CodePoints(m) <= kMaxCommentLength, "multiline length");
            std::string again;
            FUZZ_CHECK(Comment(m, &again) == ErrorCode::None && again == m, "multiline idempotent");
        } else {
            FUZZ_CHECK(m == kUntouched, "multiline untouched on error");
        }
    }

    if (Check("NormalizeEmail", NormalizeEmail, in, &out) == ErrorCode::None) {
        FUZZ_CHECK(out.find('@') != std::string::npos && out.find('@') == out.rfind('@'), "email one @");
        FUZZ_CHECK(out.find(' ') == std::string::npos, "email no space");
        FUZZ_CHECK(CodePoints(out) <= kMaxEmailLength, "email length");
        std::string key = EmailIdentityKey(out);
        FUZZ_CHECK(fuzz::IsNfc(key), "identity key NFC");
        FUZZ_CHECK(EmailIdentityKey(key) == key, "identity key idempotent");
        // The same address typed in capitals is the same person.
        std::string upper(in);
        for (char& c : upper)
            if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
        std::string out_upper;
        if (NormalizeEmail(upper, &out_upper) == ErrorCode::None)
            FUZZ_CHECK(EmailIdentityKey(out_upper) == key, "identity key ignores ASCII case");
    }
    // EmailIdentityKey on anything (it is also called on raw lookups): never crashes,
    // and on valid UTF-8 gives NFC.
    {
        std::string key = EmailIdentityKey(in);
        if (fuzz::IsValidUtf8(in)) FUZZ_CHECK(fuzz::IsNfc(key), "identity key of raw text NFC");
    }

    if (Check("NormalizePhone", NormalizePhone, in, &out) == ErrorCode::None && !out.empty()) {
        FUZZ_CHECK(out[0] == '+' && AllDigits(std::string_view(out).substr(1)), "phone shape");
        FUZZ_CHECK(out.size() >= 9 && out.size() <= 16, "phone length");
        FUZZ_CHECK(out[1] != '0', "phone country code");
    }

    if (Check("NormalizePostcode", NormalizePostcode, in, &out) == ErrorCode::None && !out.empty())
        FUZZ_CHECK(out.size() == 4 && AllDigits(out) && out[0] != '0', "postcode shape");

    if (Check("NormalizeUrl", NormalizeUrl, in, &out) == ErrorCode::None && !out.empty()) {
        FUZZ_CHECK(out.rfind("https://", 0) == 0 || out.rfind("http://", 0) == 0, "url scheme");
        FUZZ_CHECK(out.find_first_of(" \\<>\"") == std::string::npos, "url characters");
        FUZZ_CHECK(CodePoints(out) <= kMaxUrlLength, "url length");
    }

    // Catalogue ids are already normal text.
    if (IsCatalogueId(in)) {
        std::string t;
        FUZZ_CHECK(NormalizeText(in, kMaxIdLength, true, &t) == ErrorCode::None && t == in, "catalogue id is normal");
    }
    return 0;
}
