// tests/fuzz/fuzz_pull_cursor.cpp — the pull side of sync-v1, both ends:
//   server: the `since` cursor parser of GET /api/v1/sync/pull (ParseCursor/CursorOf);
//   device: DecodePullResponse of the answer, then ApplyPulledChanges into a store.
//
// ParseCursor is file-local (anonymous namespace) in sync/server/http_server.cpp, so this
// target compiles that file into itself to reach it; its external symbols then come from
// here and the archive's copy is never linked. Once the parser is exposed (e.g. in
// sync/protocol/protocol.h), call it directly and drop the #include below.
//
// Invariants:
//   - the cursor parser never overflows (UBSan) and accepts only cursors that mean a
//     sequence number >= 0; CursorOf(n) parses back to n for every n >= 0;
//   - a decoded pull answer re-encodes and decodes to the same answer; the cursor the
//     client will send back as `since` is whatever the server put there (not checked);
//   - applying the changes to a device store never crashes; an event or catalogue entry
//     upserted last in the batch reads back exactly as validated; a setting reads back.
// Run: build/fuzz/tests/fuzz/fuzz_pull_cursor -dict=tests/fuzz/json.dict tests/fuzz/corpus/fuzz_pull_cursor
#include "sync/server/http_server.cpp"  // NOLINT: reaches the file-local ParseCursor/CursorOf

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>

#include "core/domain_json.h"
#include "core/store.h"
#include "sync/client/pull_apply.h"
#include "tests/fuzz/fuzz_common.h"

using namespace comptoir;
using nlohmann::json;

namespace {

void CheckCursor(const std::string& s) {
    int64_t seq = -12345;
    if (!ParseCursor(s, &seq)) return;
    FUZZ_CHECK(seq >= 0, "an accepted cursor is a sequence number >= 0");
    int64_t back = -1;
    FUZZ_CHECK(ParseCursor(CursorOf(seq), &back) && back == seq, "CursorOf/ParseCursor round trip");
}

LocalStore& Store() {
    static std::unique_ptr<LocalStore> store = [] {
        std::string error;
        auto s = LocalStore::Open(":memory:", &error);
        FUZZ_CHECK(s != nullptr, "in-memory store opens");
        return s;
    }();
    return *store;
}

std::string CatalogueKindOf(const std::string& entity) { return entity == "catalogue_item" ? "need_item" : entity; }

void CheckApply(const std::vector<PullChange>& changes) {
    LocalStore& store = Store();
    std::map<std::string, size_t> last;  // event/catalogue/setting id -> index of its last change
    for (size_t i = 0; i < changes.size(); ++i) {
        const std::string& e = changes[i].entity;
        std::string group = e == "event" ? "event" : e == "setting" ? "setting" : e == "creator_alias" ? "alias" : "catalogue";
        last[group + "\n" + changes[i].id] = i;
    }
    for (size_t i = 0; i < changes.size(); ++i) {
        const PullChange& c = changes[i];
        bool applied = ApplyPulledChanges(store, {c}) == 1;
        if (!applied || c.op != "upsert") continue;
        if (c.entity == "event" && last["event\n" + c.id] == i) {
            Event want;
            std::vector<FieldError> errs;
            FUZZ_CHECK(FromJson(c.data, &want, &errs), "an applied event decodes");
            want.id = c.id;
            FUZZ_CHECK(ValidateEvent(want).empty(), "an applied event is valid");
            bool found = false;
            for (const Event& got : store.Events(true))
                if (got.id == c.id) {
                    found = true;
                    FUZZ_CHECK(ToJson(got) == ToJson(want), "an applied event reads back as validated");
                }
            FUZZ_CHECK(found, "an applied event is stored");
        } else if (c.entity == "setting" && last["setting\n" + c.id] == i) {
            const json* v = c.data.is_object() && c.data.contains("value") ? &c.data["value"] : &c.data;
            std::string want = v->is_string() ? v->get<std::string>() : v->dump();
            FUZZ_CHECK(store.Setting(c.id) == want, "an applied setting reads back");
        } else if ((c.entity == "catalogue_item" || c.entity == "sector" || c.entity == "profession" ||
                    c.entity == "need_category") &&
                   last["catalogue\n" + c.id] == i) {
            CatalogueEntry want;
            want.kind = CatalogueKindOf(c.entity);
            std::vector<FieldError> errs;
            FUZZ_CHECK(FromJson(c.data, &want, &errs), "an applied catalogue entry decodes");
            want.id = c.id;
            if (want.kind.empty()) want.kind = CatalogueKindOf(c.entity);
            FUZZ_CHECK(ValidateCatalogueEntry(want).empty(), "an applied catalogue entry is valid");
            bool found = false;
            for (const CatalogueEntry& got : store.Catalogue("", true))
                if (got.id == c.id) {
                    found = true;
                    FUZZ_CHECK(ToJson(got) == ToJson(want), "an applied catalogue entry reads back as validated");
                }
            FUZZ_CHECK(found, "an applied catalogue entry is stored");
        }
    }
}

bool SamePull(const PullResponse& a, const PullResponse& b) {
    if (a.cursor != b.cursor || a.has_more != b.has_more || a.changes.size() != b.changes.size()) return false;
    for (size_t i = 0; i < a.changes.size(); ++i) {
        const PullChange &x = a.changes[i], &y = b.changes[i];
        if (x.entity != y.entity || x.id != y.id || x.op != y.op || x.data != y.data) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);

    // 1. The whole input as a `since` value.
    CheckCursor(text);
    // 2. Every sequence number prints and parses back.
    if (size >= 8) {
        uint64_t u = 0;
        std::memcpy(&u, data, 8);
        int64_t n = int64_t(u >> 1);  // 0..INT64_MAX
        int64_t back = -1;
        FUZZ_CHECK(ParseCursor(CursorOf(n), &back) && back == n, "CursorOf(n) parses back to n");
    }

    // 3. The input as a pull answer, on the device.
    json j;
    WireError err;
    if (!ParseJson(text, &j, &err)) return 0;
    PullResponse resp;
    std::string why;
    if (!DecodePullResponse(j, &resp, &why)) {
        FUZZ_CHECK(!why.empty(), "a refused pull answer says why");
        return 0;
    }
    CheckCursor(resp.cursor);
    std::string body;
    FUZZ_CHECK(fuzz::Dumps(EncodePullResponse(resp), &body), "EncodePullResponse dumps");
    PullResponse again;
    FUZZ_CHECK(DecodePullResponse(json::parse(body, nullptr, false), &again, &why), "re-encoded pull decodes");
    FUZZ_CHECK(SamePull(resp, again), "pull answer round trip");
    if (resp.changes.size() <= 64) CheckApply(resp.changes);
    return 0;
}
