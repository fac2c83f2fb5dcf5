// core/uuid.cpp — see uuid.h. Randomness from std::random_device (the OS's CSPRNG
// natively; crypto.getRandomValues / Node's crypto in wasm).
#include "core/uuid.h"

#include <cstdint>
#include <random>

namespace comptoir {

std::string NewUuid() {
    static std::random_device rd;
    uint8_t b[16];
    for (int i = 0; i < 16; i += 4) {
        uint32_t r = rd();
        b[i] = uint8_t(r);
        b[i + 1] = uint8_t(r >> 8);
        b[i + 2] = uint8_t(r >> 16);
        b[i + 3] = uint8_t(r >> 24);
    }
    b[6] = uint8_t((b[6] & 0x0F) | 0x40);  // version 4
    b[8] = uint8_t((b[8] & 0x3F) | 0x80);  // variant 10xx
    static const char* const kHex = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += kHex[b[i] >> 4];
        s += kHex[b[i] & 0x0F];
    }
    return s;
}

bool IsUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < 36; ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

}  // namespace comptoir
