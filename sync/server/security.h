// sync/server/security.h — secrets and abuse control for comptoir-server.
//
//   std::string token = NewToken();            // 32 random bytes, 64 hex chars
//   std::string h = Sha256Hex(token);          // what the store keeps
//   std::string code = NewEnrollmentCode();    // "K7QD-2M9X-HT4B" (60 bits, Crockford base32)
//   NormalizeEnrollmentCode(" k7qd 2m9x-ht4b ") == "K7QD2M9XHT4B"
//   std::string ph; HashPassword(pw, &ph); VerifyPassword(ph, pw);   // Argon2id
//   RateLimiter rl(600);  rl.Allow("dev:abc", now_ms, &retry_after_s);
//   LoginThrottle lt;     lt.Check(key, now_ms, &retry_after_s); lt.Failure(key, now_ms);
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace comptoir {

// Initializes libsodium; false if it cannot (the server must not start then).
bool InitCrypto();
std::string NewToken();
std::string NewRequestId();                    // 8 random bytes hex, for logs
std::string Sha256Hex(std::string_view data);
std::string NewEnrollmentCode();
std::string NormalizeEnrollmentCode(std::string_view code);
// Argon2id with libsodium's interactive limits.
bool HashPassword(const std::string& password, std::string* out);
bool VerifyPassword(const std::string& hash, const std::string& password);
// Spends about the time of a verification (unknown user: same timing as a wrong password).
void DummyPasswordVerify();

// Token bucket per key: `per_minute` requests, burst of the same size. Thread-safe.
class RateLimiter {
public:
    explicit RateLimiter(int per_minute) : per_minute_(per_minute) {}
    // False if over the limit; *retry_after_s: seconds until the next request is allowed.
    bool Allow(const std::string& key, int64_t now_ms, int* retry_after_s);

private:
    struct Bucket {
        double tokens = 0;
        int64_t last_ms = 0;
    };
    int per_minute_;
    std::mutex mutex_;
    std::map<std::string, Bucket> buckets_;
};

// Failed-login slowdown per key ("user:<name>", "ip:<addr>"): after kFreeFailures
// failures within kWindowMs, the key is locked for 30 s doubling per further failure
// (at most 15 min). A success clears the key.
class LoginThrottle {
public:
    static constexpr int kFreeFailures = 5;
    static constexpr int64_t kWindowMs = 15 * 60 * 1000;
    bool Check(const std::string& key, int64_t now_ms, int* retry_after_s);
    void Failure(const std::string& key, int64_t now_ms);
    void Success(const std::string& key);

private:
    struct Entry {
        int failures = 0;
        int64_t first_ms = 0;
        int64_t locked_until_ms = 0;
    };
    std::mutex mutex_;
    std::map<std::string, Entry> entries_;
};

}  // namespace comptoir
