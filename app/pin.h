// app/pin.h — the staff PIN, stored hashed with a per-device random salt.
//
//   std::string stored = HashPin("4821");           // "pbkdf2-sha256$20000$<salt hex>$<hash hex>"
//   bool ok = VerifyPin("4821", stored);            // constant-time comparison
//   bool well_formed = IsValidPinFormat("4821");    // 4 to 8 ASCII digits
// PBKDF2-HMAC-SHA256 (RFC 8018) with a 16-byte salt: a PIN is short, so the hash only
// slows down someone who copied the device database; the real protection is the kiosk.
#pragma once
#include <string>
#include <string_view>

namespace comptoir::app {

bool IsValidPinFormat(std::string_view pin);
std::string HashPin(std::string_view pin);
bool VerifyPin(std::string_view pin, std::string_view stored);
// Exposed for the unit test against RFC 4231/FIPS vectors.
std::string Sha256Hex(std::string_view data);
std::string Pbkdf2Sha256Hex(std::string_view password, std::string_view salt, int iterations, size_t out_len);

}  // namespace comptoir::app
