// tests/fuzz/fuzz_domain_json.cpp — bytes -> JSON -> FromJson for every record type of
// core/domain_json.h -> ToJson -> FromJson.
//
// Invariants, for Creator, Need, Offer, Attendance, Event and CatalogueEntry:
//   - FromJson never throws; it returns true exactly when it reports no error, and every
//     error names a field and has a code;
//   - when it fails, the record is left untouched;
//   - when it succeeds, ToJson(record) dumps (valid UTF-8), decodes again and re-encodes
//     to the same JSON (the round trip keeps every field);
//   - validation (Validate*) of a decoded record: a record that validates without errors
//     validates again without errors and unchanged (normalization is idempotent), and
//     its JSON still round-trips.
// Run: build/fuzz/tests/fuzz/fuzz_domain_json -dict=tests/fuzz/json.dict tests/fuzz/corpus/fuzz_domain_json
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/domain_json.h"
#include "sync/protocol/protocol.h"
#include "tests/fuzz/fuzz_common.h"

using namespace comptoir;
using nlohmann::json;

namespace {

std::vector<FieldError> Validate(Creator& r) { return ValidateCreator(r); }
std::vector<FieldError> Validate(Need& r) { return ValidateNeed(r); }
std::vector<FieldError> Validate(Offer& r) { return ValidateOffer(r); }
std::vector<FieldError> Validate(Attendance& r) { return ValidateAttendance(r); }
std::vector<FieldError> Validate(Event& r) { return ValidateEvent(r); }
std::vector<FieldError> Validate(CatalogueEntry& r) { return ValidateCatalogueEntry(r); }

// A record as the callers prepare it before FromJson: the envelope gives the id.
template <typename T>
T Fresh() {
    T r{};
    if constexpr (std::is_same_v<T, Event>) r.id = "fete-2026";
    else if constexpr (std::is_same_v<T, CatalogueEntry>) {
        r.id = "espaces.salle-montage";
        r.kind = "need_item";   // what pull_apply sets from the pull entity
    } else {
        r.id = "6f1c2e0a-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
    }
    return r;
}

template <typename T>
void RoundTrip(const char* type, const json& j) {
    T rec = Fresh<T>();
    const json before = ToJson(rec);
    std::vector<FieldError> errors;
    bool ok = FromJson(j, &rec, &errors);
    FUZZ_CHECK(ok == errors.empty(), type);
    for (const FieldError& e : errors) {
        FUZZ_CHECK(!e.field.empty(), type);
        FUZZ_CHECK(e.code != ErrorCode::None, type);
    }
    if (!ok) {
        FUZZ_CHECK(ToJson(rec) == before, "a failed FromJson leaves the record untouched");
        return;
    }
    json out = ToJson(rec);
    std::string text;
    FUZZ_CHECK(fuzz::Dumps(out, &text), "ToJson dumps (valid UTF-8)");
    T again = Fresh<T>();
    std::vector<FieldError> errors2;
    FUZZ_CHECK(FromJson(json::parse(text, nullptr, false), &again, &errors2), "ToJson output decodes");
    FUZZ_CHECK(ToJson(again) == out, "FromJson(ToJson(x)) == x");

    // Validation and normalization.
    std::vector<FieldError> verrs = Validate(rec);
    for (const FieldError& e : verrs) FUZZ_CHECK(!e.field.empty() && e.code != ErrorCode::None, type);
    if (!verrs.empty()) return;
    json normalized = ToJson(rec);
    FUZZ_CHECK(fuzz::Dumps(normalized), "normalized record dumps");
    T twice = rec;
    FUZZ_CHECK(Validate(twice).empty(), "a valid record validates again");
    FUZZ_CHECK(ToJson(twice) == normalized, "validation is idempotent");
    T back = Fresh<T>();
    std::vector<FieldError> errors3;
    FUZZ_CHECK(FromJson(normalized, &back, &errors3), "normalized record decodes");
    FUZZ_CHECK(Validate(back).empty() && ToJson(back) == normalized, "normalized record round-trips");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    json j;
    WireError err;
    if (!ParseJson(std::string_view(reinterpret_cast<const char*>(data), size), &j, &err)) return 0;
    // The records are the `data` of a change: also try a change's data if given a whole one.
    const json* docs[2] = {&j, nullptr};
    if (j.is_object() && j.contains("data")) docs[1] = &j["data"];
    for (const json* d : docs) {
        if (!d) continue;
        RoundTrip<Creator>("Creator", *d);
        RoundTrip<Need>("Need", *d);
        RoundTrip<Offer>("Offer", *d);
        RoundTrip<Attendance>("Attendance", *d);
        RoundTrip<Event>("Event", *d);
        RoundTrip<CatalogueEntry>("CatalogueEntry", *d);
    }
    return 0;
}
