// core/uuid.cpp — see uuid.h. Randomness from std::random_device (the OS's CSPRNG
// natively; crypto.getRandomValues / Node's crypto in wasm).
#include "core/uuid.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace comptoir {

// UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random bits,
// of which the first 12 (rand_a) count up within a millisecond (§6.2, method 1), so ids
// made on one device sort in creation order. Why not v4: a record's id is the key of
// every index it is in (on the device and on the server); random keys land on a random
// leaf page of each B-tree, so a batch of 500 creators rewrote ~2,000 pages of the
// server's database (and its WAL); time-ordered keys append to the same few pages. The
// time an id reveals is the record's creation time, which the record carries anyway.
// The wall clock is read directly (not core/clock's test clock); if it goes back, the
// last timestamp is kept and the counter goes on, so ids never go backwards.
std::string NewUuid() {
    static std::random_device rd;
    static std::mutex mutex;
    static uint64_t last_ms = 0;
    static uint32_t counter = 0;
    uint8_t b[16];
    for (int i = 0; i < 16; i += 4) {
        uint32_t r = rd();
        b[i] = uint8_t(r);
        b[i + 1] = uint8_t(r >> 8);
        b[i + 2] = uint8_t(r >> 16);
        b[i + 3] = uint8_t(r >> 24);
    }
    uint64_t ms = uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (ms > last_ms) {
            last_ms = ms;
            counter = ((uint32_t(b[6]) << 8) | b[7]) & 0x7FF;  // random start, room to count
        } else if (++counter > 0xFFF) {
            last_ms++;  // 2,048+ ids in one millisecond: borrow the next one (§6.2)
            counter = 0;
        }
        ms = last_ms;
        b[6] = uint8_t(counter >> 8);
        b[7] = uint8_t(counter);
    }
    for (int i = 0; i < 6; ++i) b[i] = uint8_t(ms >> (8 * (5 - i)));
    b[6] = uint8_t((b[6] & 0x0F) | 0x70);  // version 7
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
