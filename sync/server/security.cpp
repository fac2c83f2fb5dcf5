// sync/server/security.cpp — see security.h.
#include "sync/server/security.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace comptoir {

namespace {
std::string Hex(const unsigned char* p, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s(n * 2, '0');
    for (size_t i = 0; i < n; ++i) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    return s;
}
constexpr const char* kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}  // namespace

bool InitCrypto() { return sodium_init() >= 0; }

std::string NewToken() {
    unsigned char buf[32];
    randombytes_buf(buf, sizeof buf);
    return Hex(buf, sizeof buf);
}

std::string NewRequestId() {
    unsigned char buf[8];
    randombytes_buf(buf, sizeof buf);
    return Hex(buf, sizeof buf);
}

std::string Sha256Hex(std::string_view data) {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return Hex(out, sizeof out);
}

std::string NewEnrollmentCode() {
    std::string s;
    for (int i = 0; i < 12; ++i) {
        if (i > 0 && i % 4 == 0) s += '-';
        s += kCrockford[randombytes_uniform(32)];
    }
    return s;
}

std::string NormalizeEnrollmentCode(std::string_view code) {
    std::string s;
    for (char c : code) {
        if (c == '-' || c == ' ') continue;
        c = char(std::toupper(static_cast<unsigned char>(c)));
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        s += c;
    }
    return s;
}

bool HashPassword(const std::string& password, std::string* out) {
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password.c_str(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return false;
    *out = hash;
    return true;
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
    return crypto_pwhash_str_verify(hash.c_str(), password.c_str(), password.size()) == 0;
}

void DummyPasswordVerify() {
    static const std::string dummy = [] {
        std::string h;
        HashPassword("comptoir-dummy-password", &h);
        return h;
    }();
    VerifyPassword(dummy, "not-the-password");
}

bool RateLimiter::Allow(const std::string& key, int64_t now_ms, int* retry_after_s) {
    if (per_minute_ <= 0) return true;
    std::lock_guard<std::mutex> lock(mutex_);
    if (buckets_.size() > 100000) buckets_.clear();  // bounded memory under a flood
    auto [it, fresh] = buckets_.try_emplace(key);
    Bucket& b = it->second;
    double rate_per_ms = per_minute_ / 60000.0;
    if (fresh) {
        b.tokens = per_minute_;
    } else {
        b.tokens = std::min<double>(per_minute_, b.tokens + double(now_ms - b.last_ms) * rate_per_ms);
    }
    b.last_ms = now_ms;
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return true;
    }
    double wait_ms = (1.0 - b.tokens) / rate_per_ms;
    *retry_after_s = std::max(1, int(wait_ms / 1000.0 + 0.999));
    return false;
}

bool LoginThrottle::Check(const std::string& key, int64_t now_ms, int* retry_after_s) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.locked_until_ms <= now_ms) return true;
    *retry_after_s = std::max<int>(1, int((it->second.locked_until_ms - now_ms + 999) / 1000));
    return false;
}

void LoginThrottle::Failure(const std::string& key, int64_t now_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() > 100000) entries_.clear();
    Entry& e = entries_[key];
    if (e.failures == 0 || now_ms - e.first_ms > kWindowMs) {
        e = Entry{};
        e.first_ms = now_ms;
    }
    e.failures++;
    if (e.failures >= kFreeFailures) {
        int64_t lock_ms = 30000;
        for (int i = kFreeFailures; i < e.failures && lock_ms < 15 * 60 * 1000; ++i) lock_ms *= 2;
        lock_ms = std::min<int64_t>(lock_ms, 15 * 60 * 1000);
        e.locked_until_ms = now_ms + lock_ms;
    }
}

void LoginThrottle::Success(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(key);
}

}  // namespace comptoir
