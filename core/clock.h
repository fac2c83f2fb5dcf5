// core/clock.h — wall-clock time as the records carry it (RFC 3339 UTC) and checks of
// time/date strings received from outside.
//
//   std::string t = NowRfc3339();          // "2026-11-27T14:00:00.123Z"
//   int64_t ms = NowMs();                  // milliseconds since the Unix epoch
//   IsRfc3339("2026-11-27T14:00:00Z")      // true; offsets "+01:00" accepted too
//   IsIsoDate("2026-11-27")                // true (calendar-checked: no 2026-02-30)
//   SetNowMsForTests(1790000000000);       // freezes the clock (0 = real clock again)
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace comptoir {

int64_t NowMs();
std::string NowRfc3339();
std::string FormatRfc3339(int64_t unix_ms);  // UTC, millisecond precision, 'Z'
bool IsRfc3339(std::string_view s);
bool IsIsoDate(std::string_view s);
void SetNowMsForTests(int64_t unix_ms);

}  // namespace comptoir
