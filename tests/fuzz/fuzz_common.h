// tests/fuzz/fuzz_common.h — shared helpers of the libFuzzer targets.
//
// FUZZ_CHECK(cond, what) aborts with a message when an invariant does not hold, so
// libFuzzer saves the input as crash-<sha1> (replay: ./fuzz_x crash-<sha1>).
// Messages name the invariant only, never the input bytes (they may look like personal
// data once the fuzzer has mutated a seed).
#pragma once
#include <utf8proc.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#define FUZZ_CHECK(cond, what)                                                              \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            std::fprintf(stderr, "\nINVARIANT VIOLATED at %s:%d: %s\n  check: %s\n", __FILE__, \
                         __LINE__, what, #cond);                                            \
            std::abort();                                                                   \
        }                                                                                   \
    } while (0)

namespace fuzz {

// Whole string is well-formed UTF-8 (no surrogates, no overlongs, <= U+10FFFF).
inline bool IsValidUtf8(std::string_view s) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    utf8proc_ssize_t left = utf8proc_ssize_t(s.size());
    while (left > 0) {
        utf8proc_int32_t c = 0;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
        if (n <= 0 || c < 0) return false;
        p += n;
        left -= n;
    }
    return true;
}

// Valid UTF-8 already in Unicode NFC.
inline bool IsNfc(std::string_view s) {
    if (!IsValidUtf8(s)) return false;
    if (s.empty()) return true;
    utf8proc_uint8_t* dst = nullptr;
    utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                      utf8proc_ssize_t(s.size()), &dst,
                                      utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    bool same = n >= 0 && std::string_view(reinterpret_cast<const char*>(dst), size_t(n)) == s;
    std::free(dst);
    return same;
}

// Any C0/C1 control character or U+007F, optionally allowing '\n'.
inline bool HasControl(std::string_view s, bool allow_lf = false) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    utf8proc_ssize_t left = utf8proc_ssize_t(s.size());
    while (left > 0) {
        utf8proc_int32_t c = 0;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
        if (n <= 0) return true;
        if (!(allow_lf && c == '\n') && (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))) return true;
        p += n;
        left -= n;
    }
    return false;
}

// json::dump() throws on invalid UTF-8 in a string: everything we encode must dump.
inline bool Dumps(const nlohmann::json& j, std::string* out = nullptr) {
    try {
        std::string s = j.dump();
        if (out) *out = std::move(s);
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace fuzz
