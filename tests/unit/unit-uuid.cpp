// tests/unit/unit-uuid.cpp — record ids (core/uuid.h): UUID version 7, time-ordered.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/uuid.h"

using namespace comptoir;

namespace {
uint64_t TimestampMs(const std::string& id) {  // the first 48 bits
    std::string hex = id.substr(0, 8) + id.substr(9, 4);
    return std::stoull(hex, nullptr, 16);
}
}  // namespace

TEST_CASE("uuid: version 7 ids carry the creation time, sort in creation order and never repeat") {
    const uint64_t before = uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
    std::vector<std::string> ids;
    for (int i = 0; i < 20000; ++i) ids.push_back(NewUuid());  // many per millisecond
    const uint64_t after = uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
    std::set<std::string> unique(ids.begin(), ids.end());
    CHECK(unique.size() == ids.size());
    size_t bad = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        const std::string& id = ids[i];
        bool ok = IsUuid(id) && id[14] == '7'                         // version
                  && std::string("89ab").find(id[19]) != std::string::npos  // variant 10xx
                  && id.find_first_of("ABCDEF") == std::string::npos     // lowercase
                  && (i == 0 || ids[i - 1] < id);                        // strictly increasing
        if (!ok && bad++ < 5) FAIL_CHECK("bad or out-of-order id " << id << " after " << (i ? ids[i - 1] : ""));
    }
    CHECK(bad == 0);
    // The timestamp is the wall clock's (a counter may borrow a few ms ahead when more
    // than 2,048 ids are made in one millisecond).
    CHECK(TimestampMs(ids.front()) >= before);
    CHECK(TimestampMs(ids.back()) <= after + 20);
    // Random bits differ between two ids of the same millisecond.
    CHECK(ids[0].substr(19) != ids[1].substr(19));
}

TEST_CASE("uuid: IsUuid checks the 8-4-4-4-12 hex syntax, any case") {
    CHECK(IsUuid("0190f3c2-8d1e-7abc-9def-0123456789ab"));
    CHECK(IsUuid("0190F3C2-8D1E-7ABC-9DEF-0123456789AB"));
    CHECK_FALSE(IsUuid("0190f3c2-8d1e-7abc-9def-0123456789a"));
    CHECK_FALSE(IsUuid("0190f3c28d1e-7abc-9def-0123456789abc"));
    CHECK_FALSE(IsUuid("0190f3c2-8d1e-7abc-9def-0123456789ag"));
    CHECK_FALSE(IsUuid(""));
}

TEST_CASE("uuid: ShortId tells a session's records apart (the random end, not the time)") {
    std::string a = NewUuid(), b = NewUuid();
    CHECK(ShortId(a) != ShortId(b));
    CHECK(ShortId(a) == a.substr(28));
    CHECK(ShortId("abc") == "abc");
}
