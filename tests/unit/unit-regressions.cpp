// Regressions found by the fuzzers (tests/fuzz/regressions/ holds the raw inputs);
// each case is named after what broke.
#include <doctest/doctest.h>

#include <string>

#include "core/validate.h"
#include "sync/protocol/protocol.h"

using namespace comptoir;

TEST_CASE("regression: a NUL byte ended the JSON body and the rest was ignored") {
    std::string body = R"({"protocol":1,"device_id":"d","batch_id":"b","sent_at":"x","changes":[]})";
    body += '\0';
    body += "garbage";
    nlohmann::json j;
    WireError err;
    CHECK_FALSE(ParseJson(body, &j, &err));
    CHECK(std::string(WireErrorId(err.code)) == "malformed_json");
    // Without the NUL the same body parses.
    CHECK(ParseJson(body.substr(0, body.find('\0')), &j, &err));
}

TEST_CASE("regression: an email host that grows when lowercased passed the length check") {
    // "Ⱥ" (2 bytes) lowercases to "ⱥ" (3 bytes): 5 labels of 21 of them are 214 bytes
    // before and 319 after lowercasing, over the 253-byte limit of a host name.
    std::string label;
    for (int i = 0; i < 21; ++i) label += "\xC8\xBA";
    std::string host = label + "." + label + "." + label + "." + label + "." + label;
    std::string out;
    SUBCASE("email") {
        CHECK(NormalizeEmail("a@" + host, &out) == ErrorCode::EmailInvalid);
    }
    SUBCASE("url") {
        CHECK(NormalizeUrl("https://" + host, &out) == ErrorCode::UrlInvalid);
    }
    SUBCASE("whatever is accepted normalizes to itself") {
        std::string once;
        if (NormalizeEmail("Anne@EXAMPLE.be", &once) == ErrorCode::None) {
            std::string twice;
            CHECK(NormalizeEmail(once, &twice) == ErrorCode::None);
            CHECK(twice == once);
        }
    }
}
