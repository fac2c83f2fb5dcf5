// tests/fuzz/fuzz_push_envelope.cpp — bytes -> what comptoir-server does with a push body:
// ParseJson -> DecodePushRequest -> for every change DecodeEntity -> EncodeEntityData.
//
// Invariants:
//   - nothing throws (an escaping exception aborts: libFuzzer reports it);
//   - ParseJson agrees with nlohmann's parser on documents within the depth limit, and
//     refuses any text with a raw NUL byte (the parser would silently stop there);
//   - a decoded envelope re-encodes (EncodePushRequest) and decodes again to the same
//     envelope: ids, times, extensions and every well-formed change (id, entity, op,
//     version, updated_at, data), and the same shape errors;
//   - a rejected envelope has a whole-request error code with a 4xx status;
//   - the moving decoder (DecodePushRequest(json&&), the server's) gives the same envelope,
//     and the push answer written as text equals the DOM encoder's dump;
//   - a change decoded without errors: its normalized data dumps as JSON (valid UTF-8),
//     EncodeEntityDataText writes the same bytes,
//     decodes again without errors (a normalized record re-validates) and re-encodes to
//     the very same data (normalization is idempotent); a rejected one has a code.
// Run: build/fuzz/tests/fuzz/fuzz_push_envelope -dict=tests/fuzz/json.dict tests/fuzz/corpus/fuzz_push_envelope
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <string>

#include "sync/protocol/protocol.h"
#include "tests/fuzz/fuzz_common.h"

using namespace comptoir;
using nlohmann::json;

namespace {

// Nesting depth of a parsed document, capped just above `limit` (the recursion never
// goes deeper than limit + 1, whatever the document).
int Depth(const json& j, int limit = kMaxJsonDepth) {
    if (!j.is_object() && !j.is_array()) return 0;
    if (limit < 0) return 1;
    int d = 0;
    for (const auto& e : j) d = std::max(d, Depth(e, limit - 1));
    return d + 1;
}

void CheckEntity(const Change& c) {
    DecodedEntity e;
    bool ok = DecodeEntity(c, &e);
    FUZZ_CHECK(ok == e.error_code.empty(), "DecodeEntity result agrees with error_code");
    FUZZ_CHECK(ok == e.errors.empty() || !e.error_code.empty(), "errors imply a code");
    if (!ok) {
        FUZZ_CHECK(!e.error_field.empty(), "a rejected entity names its field");
        return;
    }
    json data = EncodeEntityData(e);
    FUZZ_CHECK(data.is_object(), "EncodeEntityData gives an object");
    std::string text;
    FUZZ_CHECK(fuzz::Dumps(data, &text), "normalized data dumps (valid UTF-8)");
    // What the server's push path stores is written without the DOM: the same bytes.
    FUZZ_CHECK(EncodeEntityDataText(e) == text, "EncodeEntityDataText == EncodeEntityData().dump()");
    // What the server stores is read back by the same decoder: it must pass again.
    Change again = c;
    again.data = json::parse(text, nullptr, false);
    FUZZ_CHECK(!again.data.is_discarded(), "normalized data parses back");
    DecodedEntity e2;
    FUZZ_CHECK(DecodeEntity(again, &e2), "normalized entity re-validates without errors");
    FUZZ_CHECK(EncodeEntityData(e2) == data, "normalization is idempotent");
}

bool SameChange(const Change& a, const Change& b) {
    return a.id == b.id && a.entity == b.entity && a.op == b.op && a.version == b.version &&
           a.updated_at == b.updated_at && a.data == b.data && a.shape_error == b.shape_error &&
           a.shape_field == b.shape_field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > kMaxBodyBytes) return -1;  // the server answers 413 before parsing
    std::string_view text(reinterpret_cast<const char*>(data), size);

    json j;
    WireError err;
    bool parsed = ParseJson(text, &j, &err);
    json plain = json::parse(text.begin(), text.end(), nullptr, false);
    // nlohmann 3.11 stops reading at a NUL byte and ignores the rest: a raw NUL is never
    // valid JSON text (RFC 8259), so ParseJson must refuse it rather than accept a prefix.
    bool has_nul = text.find('\0') != std::string_view::npos;
    if (!parsed) {
        FUZZ_CHECK(err.code == WireErrorCode::MalformedJson, "ParseJson error code");
        FUZZ_CHECK(HttpStatusOf(err.code) == 400, "malformed JSON is a 400");
        if (!plain.is_discarded() && !has_nul)
            FUZZ_CHECK(Depth(plain) > kMaxJsonDepth, "ParseJson refuses only malformed or too deep JSON");
        return 0;
    }
    FUZZ_CHECK(!has_nul, "ParseJson accepted a body with a NUL byte (the bytes after it are ignored)");
    FUZZ_CHECK(!plain.is_discarded() && plain == j, "ParseJson gives what the parser gives");
    FUZZ_CHECK(Depth(j) <= kMaxJsonDepth, "ParseJson accepted a too deep document");
    FUZZ_CHECK(fuzz::Dumps(j), "a parsed document dumps");

    PushRequest req;
    err = WireError{};
    if (!DecodePushRequest(j, &req, &err)) {
        FUZZ_CHECK(err.code != WireErrorCode::None, "a refused envelope has a code");
        int status = HttpStatusOf(err.code);
        FUZZ_CHECK(status >= 400 && status < 500, "a refused envelope is a 4xx");
        FUZZ_CHECK(fuzz::Dumps(EncodeErrorBody(err)), "error body dumps");
        return 0;
    }
    FUZZ_CHECK(req.protocol == kProtocolVersion, "protocol");
    FUZZ_CHECK(!req.device_id.empty() && req.device_id.size() <= kMaxWireIdLength, "device_id");
    FUZZ_CHECK(!req.batch_id.empty() && req.batch_id.size() <= kMaxWireIdLength, "batch_id");
    FUZZ_CHECK(req.changes.size() <= kMaxChanges, "change count");

    // Round trip of the envelope.
    json encoded = EncodePushRequest(req);
    std::string body;
    FUZZ_CHECK(fuzz::Dumps(encoded, &body), "EncodePushRequest dumps");
    json reparsed;
    WireError err2;
    FUZZ_CHECK(ParseJson(body, &reparsed, &err2), "re-encoded envelope parses");
    PushRequest req2;
    FUZZ_CHECK(DecodePushRequest(reparsed, &req2, &err2), "re-encoded envelope decodes");
    FUZZ_CHECK(req2.device_id == req.device_id && req2.batch_id == req.batch_id && req2.sent_at == req.sent_at &&
                   req2.app_version == req.app_version && req2.pending == req.pending,
               "envelope fields survive a round trip");
    FUZZ_CHECK(req2.changes.size() == req.changes.size(), "change count survives a round trip");
    for (size_t i = 0; i < req.changes.size(); ++i) {
        const Change& c = req.changes[i];
        if (c.shape_error.empty())
            FUZZ_CHECK(SameChange(c, req2.changes[i]), "a well-formed change survives a round trip");
        else
            FUZZ_CHECK(!c.shape_field.empty() || c.shape_error == reject::kInvalidChange,
                       "a malformed change names its field");
    }

    // The server's push path moves each change's data out of the parsed body: it must
    // decode to the same envelope as the copying decoder.
    PushRequest moved;
    WireError err3;
    json consumed = j;
    FUZZ_CHECK(DecodePushRequest(std::move(consumed), &moved, &err3), "moving decoder accepts it too");
    FUZZ_CHECK(moved.changes.size() == req.changes.size(), "moving decoder: change count");
    for (size_t i = 0; i < req.changes.size() && i < moved.changes.size(); ++i)
        FUZZ_CHECK(SameChange(req.changes[i], moved.changes[i]), "moving decoder: same change");

    // Its answer is written without the DOM too: the same bytes (ids are any valid text).
    PushResponse answer;
    answer.batch_id = req.batch_id;
    answer.server_time = req.sent_at;
    for (size_t i = 0; i < req.changes.size(); ++i) {
        const Change& c = req.changes[i];
        ChangeResult r{c.id, ChangeStatusId(ChangeStatus(i % 4)), "", "", ""};
        if (r.status == "rejected") {
            r.error_code = c.shape_error;
            r.error_field = c.shape_field;
            r.error_message = c.updated_at;
        }
        answer.results.push_back(std::move(r));
    }
    FUZZ_CHECK(EncodePushResponseText(answer) == EncodePushResponse(answer).dump(),
               "EncodePushResponseText == EncodePushResponse().dump()");

    for (const Change& c : req.changes)
        if (c.shape_error.empty() && c.op == "upsert") CheckEntity(c);
    return 0;
}
