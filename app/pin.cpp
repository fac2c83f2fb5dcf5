// app/pin.cpp — SHA-256 (FIPS 180-4), HMAC (RFC 2104), PBKDF2 (RFC 8018); see pin.h.
#include "app/pin.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace comptoir::app {
namespace {

constexpr int kIterations = 20000;

struct Sha256 {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint8_t block[64] = {};
    size_t used = 0;
    uint64_t total = 0;

    static uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
    void Compress(const uint8_t* p) {
        static const uint32_t k[64] = {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
        uint32_t w[64];
        for (int i = 0; i < 16; ++i)
            w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 | p[4 * i + 3];
        for (int i = 16; i < 64; ++i) {
            uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; ++i) {
            uint32_t t1 = hh + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
            uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    void Update(const uint8_t* p, size_t n) {
        total += n;
        while (n > 0) {
            size_t take = std::min(n, 64 - used);
            std::memcpy(block + used, p, take);
            used += take; p += take; n -= take;
            if (used == 64) { Compress(block); used = 0; }
        }
    }
    std::array<uint8_t, 32> Final() {
        uint64_t bits = total * 8;
        uint8_t pad = 0x80;
        Update(&pad, 1);
        uint8_t zero = 0;
        while (used != 56) Update(&zero, 1);
        uint8_t len[8];
        for (int i = 0; i < 8; ++i) len[i] = uint8_t(bits >> (56 - 8 * i));
        Update(len, 8);
        std::array<uint8_t, 32> out;
        for (int i = 0; i < 8; ++i)
            for (int j = 0; j < 4; ++j) out[4 * i + j] = uint8_t(h[i] >> (24 - 8 * j));
        return out;
    }
};

using Digest = std::array<uint8_t, 32>;

Digest HmacSha256(std::string_view key, const uint8_t* msg, size_t n) {
    uint8_t k[64] = {};
    if (key.size() > 64) {
        Sha256 s;
        s.Update(reinterpret_cast<const uint8_t*>(key.data()), key.size());
        Digest d = s.Final();
        std::memcpy(k, d.data(), 32);
    } else {
        std::memcpy(k, key.data(), key.size());
    }
    uint8_t ipad[64], opad[64];
    for (int i = 0; i < 64; ++i) { ipad[i] = k[i] ^ 0x36; opad[i] = k[i] ^ 0x5c; }
    Sha256 inner;
    inner.Update(ipad, 64);
    inner.Update(msg, n);
    Digest d = inner.Final();
    Sha256 outer;
    outer.Update(opad, 64);
    outer.Update(d.data(), 32);
    return outer.Final();
}

std::string Hex(const uint8_t* p, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) { out += digits[p[i] >> 4]; out += digits[p[i] & 15]; }
    return out;
}

std::string Unhex(std::string_view hex) {
    std::string out;
    auto val = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out += char(val(hex[i]) << 4 | val(hex[i + 1]));
    return out;
}

}  // namespace

bool IsValidPinFormat(std::string_view pin) {
    if (pin.size() < 4 || pin.size() > 8) return false;
    for (char c : pin)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string Sha256Hex(std::string_view data) {
    Sha256 s;
    s.Update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    Digest d = s.Final();
    return Hex(d.data(), d.size());
}

std::string Pbkdf2Sha256Hex(std::string_view password, std::string_view salt, int iterations, size_t out_len) {
    std::vector<uint8_t> out;
    for (uint32_t block = 1; out.size() < out_len; ++block) {
        std::vector<uint8_t> msg(salt.begin(), salt.end());
        msg.push_back(uint8_t(block >> 24)); msg.push_back(uint8_t(block >> 16));
        msg.push_back(uint8_t(block >> 8)); msg.push_back(uint8_t(block));
        Digest u = HmacSha256(password, msg.data(), msg.size());
        Digest t = u;
        for (int i = 1; i < iterations; ++i) {
            u = HmacSha256(password, u.data(), u.size());
            for (int j = 0; j < 32; ++j) t[j] ^= u[j];
        }
        out.insert(out.end(), t.begin(), t.end());
    }
    out.resize(out_len);
    return Hex(out.data(), out.size());
}

std::string HashPin(std::string_view pin) {
    std::random_device rd;   // /dev/urandom natively, crypto.getRandomValues in the browser
    uint8_t salt[16];
    for (uint8_t& b : salt) b = uint8_t(rd());
    std::string salt_str(reinterpret_cast<const char*>(salt), sizeof salt);
    return "pbkdf2-sha256$" + std::to_string(kIterations) + "$" + Hex(salt, sizeof salt) + "$" +
           Pbkdf2Sha256Hex(pin, salt_str, kIterations, 32);
}

bool VerifyPin(std::string_view pin, std::string_view stored) {
    // pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>
    const std::string_view prefix = "pbkdf2-sha256$";
    if (stored.substr(0, prefix.size()) != prefix) return false;
    std::string_view rest = stored.substr(prefix.size());
    size_t a = rest.find('$');
    if (a == std::string_view::npos) return false;
    size_t b = rest.find('$', a + 1);
    if (b == std::string_view::npos) return false;
    int iterations = std::atoi(std::string(rest.substr(0, a)).c_str());
    if (iterations < 1 || iterations > 10000000) return false;
    std::string salt = Unhex(rest.substr(a + 1, b - a - 1));
    std::string_view expected = rest.substr(b + 1);
    std::string got = Pbkdf2Sha256Hex(pin, salt, iterations, expected.size() / 2);
    if (got.size() != expected.size()) return false;
    unsigned diff = 0;
    for (size_t i = 0; i < got.size(); ++i) diff |= unsigned(got[i] ^ expected[i]);
    return diff == 0;
}

}  // namespace comptoir::app
