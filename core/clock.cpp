// core/clock.cpp — see clock.h.
#include "core/clock.h"

#include <chrono>
#include <cstdio>

namespace comptoir {

namespace {

int64_t g_frozen_ms = 0;

bool Digits(std::string_view s, size_t pos, size_t n, int* value) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Howard Hinnant's civil_from_days.
void CivilFromDays(int64_t z, int* y, int* m, int* d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = yoe + era * 400;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = int(doy - (153 * mp + 2) / 5 + 1);
    *m = int(mp < 10 ? mp + 3 : mp - 9);
    *y = int(yy + (*m <= 2));
}

}  // namespace

int64_t NowMs() {
    if (g_frozen_ms != 0) return g_frozen_ms;
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void SetNowMsForTests(int64_t unix_ms) { g_frozen_ms = unix_ms; }

std::string FormatRfc3339(int64_t ms) {
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int millis = int(ms - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y, m, d;
    CivilFromDays(days, &y, &m, &d);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, int(rem / 3600),
                  int(rem / 60 % 60), int(rem % 60), millis);
    return buf;
}

std::string NowRfc3339() { return FormatRfc3339(NowMs()); }

bool IsIsoDate(std::string_view s) {
    int y, m, d;
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return false;
    return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

bool IsRfc3339(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM); 't'/'z' lowercase allowed by RFC 3339.
    if (s.size() < 20 || !IsIsoDate(s.substr(0, 10))) return false;
    if (s[10] != 'T' && s[10] != 't') return false;
    int hh = 0, mm = 0, ss = 0;
    if (!Digits(s, 11, 2, &hh) || s[13] != ':' || !Digits(s, 14, 2, &mm) || s[16] != ':' ||
        !Digits(s, 17, 2, &ss))
        return false;
    if (hh > 23 || mm > 59 || ss > 60) return false;
    size_t p = 19;
    if (p < s.size() && s[p] == '.') {
        size_t start = ++p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
        if (p == start || p - start > 9) return false;
    }
    if (p == s.size()) return false;
    if (s[p] == 'Z' || s[p] == 'z') return p + 1 == s.size();
    if (s[p] != '+' && s[p] != '-') return false;
    int oh = 0, om = 0;
    if (s.size() != p + 6 || !Digits(s, p + 1, 2, &oh) || s[p + 3] != ':' || !Digits(s, p + 4, 2, &om))
        return false;
    return oh <= 23 && om <= 59;
}

}  // namespace comptoir
