// tests/unit/unit-sync-protocol.cpp — sync-v1 codecs (sync/protocol/protocol.h): round
// trips, strict envelope validation with stable codes, malformed input never throws,
// entity data decoded, validated and normalized. Runs natively and as wasm under Node.
#include <doctest/doctest.h>

#include <string>

#include "sync/protocol/protocol.h"

using namespace comptoir;
using nlohmann::json;

namespace {

json Envelope() {
    return json::parse(R"({
      "protocol": 1, "device_id": "dev-1", "batch_id": "batch-1", "sent_at": "2026-11-27T14:00:00Z",
      "app_version": "0.1.0", "pending": 3,
      "changes": [
        {"id": "6f1c2a9e-3b7d-4c1e-9a2b-1d2e3f4a5b6c", "entity": "creator", "op": "upsert", "version": 3, "updated_at": "2026-11-27T14:00:00Z",
         "data": {"first_name": "Anne", "last_name": "Dupont", "email": "anne@example.be",
                  "consents": {"processing": {"given": true, "at": "2026-11-27T14:00:00Z", "text_version": "fr-2026-1"}}}},
        {"id": "7a2d3b0f-4c8e-4d2f-8b3c-2e3f4a5b6c7d", "entity": "need", "op": "upsert", "version": 1, "updated_at": "2026-11-27T14:00:00Z",
         "data": {"creator_id": "6f1c2a9e-3b7d-4c1e-9a2b-1d2e3f4a5b6c", "item": "espaces.salle-montage", "frequency": "mensuel"}}
      ]})");
}

WireErrorCode DecodeCode(const std::string& text) {
    json j;
    WireError err;
    PushRequest req;
    if (!ParseJson(text, &j, &err)) return err.code;
    if (!DecodePushRequest(j, &req, &err)) return err.code;
    return WireErrorCode::None;
}

}  // namespace

TEST_CASE("sync-protocol: error codes and statuses are stable") {
    CHECK(std::string(WireErrorId(WireErrorCode::ProtocolMismatch)) == "protocol_mismatch");
    CHECK(HttpStatusOf(WireErrorCode::ProtocolMismatch) == 400);
    CHECK(HttpStatusOf(WireErrorCode::Unauthorized) == 401);
    CHECK(HttpStatusOf(WireErrorCode::DeviceRevoked) == 403);
    CHECK(HttpStatusOf(WireErrorCode::DeviceMismatch) == 409);
    CHECK(HttpStatusOf(WireErrorCode::PayloadTooLarge) == 413);
    CHECK(HttpStatusOf(WireErrorCode::TooManyChanges) == 413);
    CHECK(HttpStatusOf(WireErrorCode::UnsupportedMediaType) == 415);
    CHECK(HttpStatusOf(WireErrorCode::RateLimited) == 429);
    CHECK(WireErrorFromId("device_revoked") == WireErrorCode::DeviceRevoked);
    CHECK(WireErrorFromId("something_new") == WireErrorCode::None);
    CHECK(std::string(ChangeStatusId(ChangeStatus::Stale)) == "stale");
    CHECK(ChangeStatusFromId("duplicate") == ChangeStatus::Duplicate);
    CHECK(!ChangeStatusFromId("maybe"));
}

TEST_CASE("sync-protocol: push request round trip") {
    PushRequest req;
    WireError err;
    REQUIRE(DecodePushRequest(Envelope(), &req, &err));
    CHECK(req.device_id == "dev-1");
    CHECK(req.batch_id == "batch-1");
    CHECK(req.app_version == "0.1.0");
    REQUIRE(req.pending);
    CHECK(*req.pending == 3);
    REQUIRE(req.changes.size() == 2);
    CHECK(req.changes[0].version == 3);
    CHECK(req.changes[0].shape_error.empty());
    CHECK(req.changes[1].data["item"] == "espaces.salle-montage");

    PushRequest again;
    REQUIRE(DecodePushRequest(EncodePushRequest(req), &again, &err));
    CHECK(EncodePushRequest(again) == EncodePushRequest(req));
    // Optional extensions stay absent when unset.
    PushRequest bare;
    bare.device_id = "d";
    bare.batch_id = "b";
    json j = EncodePushRequest(bare);
    CHECK(!j.contains("app_version"));
    CHECK(!j.contains("pending"));
    CHECK(j["protocol"] == kProtocolVersion);
}

TEST_CASE("sync-protocol: envelope validation with stable codes") {
    SUBCASE("malformed JSON, truncated, too deep") {
        std::string text = Envelope().dump();
        CHECK(DecodeCode("") == WireErrorCode::MalformedJson);
        CHECK(DecodeCode(text.substr(0, text.size() - 3)) == WireErrorCode::MalformedJson);
        CHECK(DecodeCode(std::string(100000, '[')) == WireErrorCode::MalformedJson);
        CHECK(DecodeCode(std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']')) ==
              WireErrorCode::MalformedJson);
        // Brackets inside strings do not count as depth.
        json deep_string = Envelope();
        deep_string["changes"][0]["data"]["other_profession"] = std::string(200, '[');
        CHECK(DecodeCode(deep_string.dump()) == WireErrorCode::None);
    }
    SUBCASE("protocol mismatch is explicit") {
        json j = Envelope();
        j["protocol"] = 2;
        CHECK(DecodeCode(j.dump()) == WireErrorCode::ProtocolMismatch);
        j["protocol"] = "1";
        CHECK(DecodeCode(j.dump()) == WireErrorCode::InvalidEnvelope);
        j.erase("protocol");
        CHECK(DecodeCode(j.dump()) == WireErrorCode::InvalidEnvelope);
    }
    SUBCASE("wrong types of envelope fields") {
        for (const char* field : {"device_id", "batch_id", "changes", "sent_at", "app_version", "pending"}) {
            CAPTURE(field);
            json j = Envelope();
            j[field] = json::object({{"x", 1}});
            PushRequest req;
            WireError err;
            CHECK(!DecodePushRequest(j, &req, &err));
            CHECK(err.code == WireErrorCode::InvalidEnvelope);
            CHECK(err.field == field);
        }
        json neg = Envelope();
        neg["pending"] = -2;
        CHECK(DecodeCode(neg.dump()) == WireErrorCode::InvalidEnvelope);
        json empty_batch = Envelope();
        empty_batch["batch_id"] = "";
        CHECK(DecodeCode(empty_batch.dump()) == WireErrorCode::InvalidEnvelope);
        CHECK(DecodeCode("[1,2]") == WireErrorCode::InvalidEnvelope);
    }
    SUBCASE("over 500 changes") {
        json j = Envelope();
        for (size_t i = 0; i < kMaxChanges; ++i) j["changes"].push_back(j["changes"][0]);
        CHECK(DecodeCode(j.dump()) == WireErrorCode::TooManyChanges);
    }
    SUBCASE("a malformed change is kept, marked, and does not fail the envelope") {
        json j = Envelope();
        j["changes"].push_back("text");
        j["changes"].push_back({{"id", 5}});
        j["changes"].push_back({{"id", "x"}, {"entity", "need"}, {"op", "merge"}, {"version", 1}});
        j["changes"].push_back({{"id", "y"}, {"entity", "need"}, {"op", "upsert"}, {"version", 0}});
        j["changes"].push_back({{"id", "z"}, {"entity", "need"}, {"op", "upsert"}, {"version", 1}, {"data", "no"}});
        j["changes"].push_back({{"id", "w"}, {"entity", "need"}, {"op", "delete"}, {"version", 2}});
        PushRequest req;
        WireError err;
        REQUIRE(DecodePushRequest(j, &req, &err));
        REQUIRE(req.changes.size() == 8);
        CHECK(req.changes[2].shape_error == reject::kInvalidChange);
        CHECK(req.changes[3].shape_error == reject::kInvalidId);
        CHECK(req.changes[4].shape_error == reject::kInvalidOp);
        CHECK(req.changes[5].shape_error == reject::kInvalidVersion);
        CHECK(req.changes[6].shape_error == reject::kInvalidData);
        CHECK(req.changes[7].shape_error.empty());  // a delete needs no data
    }
}

TEST_CASE("sync-protocol: push response, pull response, errors") {
    PushResponse resp;
    resp.batch_id = "b";
    resp.server_time = "2026-11-27T14:00:01Z";
    resp.results.push_back({"c1", "applied", "", "", ""});
    resp.results.push_back({"n1", "rejected", "unknown_item", "item", "This item does not exist."});
    json j = EncodePushResponse(resp);
    CHECK(!j["results"][0].contains("error"));
    CHECK(j["results"][1]["error"]["field"] == "item");
    PushResponse back;
    std::string why;
    REQUIRE(DecodePushResponse(j, &back, &why));
    REQUIRE(back.results.size() == 2);
    CHECK(back.results[1].error_code == "unknown_item");
    CHECK(back.results[1].error_message == "This item does not exist.");
    json bad = j;
    bad["results"][0]["status"] = "maybe";
    CHECK(!DecodePushResponse(bad, &back, &why));
    CHECK(!why.empty());
    bad = j;
    bad["results"][1].erase("error");
    CHECK(!DecodePushResponse(bad, &back, &why));
    CHECK(!DecodePushResponse(json::parse("[]"), &back, &why));

    PullResponse pull;
    pull.cursor = "r1.12";
    pull.has_more = true;
    pull.changes.push_back({"creator_alias", "y", "upsert", {{"creator_id", "x"}}});
    PullResponse pull_back;
    REQUIRE(DecodePullResponse(EncodePullResponse(pull), &pull_back, &why));
    CHECK(pull_back.cursor == "r1.12");
    CHECK(pull_back.has_more);
    CHECK(pull_back.changes[0].data["creator_id"] == "x");
    CHECK(!DecodePullResponse(json{{"cursor", 3}, {"has_more", false}, {"changes", json::array()}}, &pull_back, &why));

    WireError e{WireErrorCode::DeviceRevoked, "revoked", ""};
    json body = EncodeErrorBody(e);
    CHECK(body["error"]["code"] == "device_revoked");
    CHECK(!body["error"].contains("field"));
    WireError e2;
    std::string raw;
    REQUIRE(DecodeErrorBody(body, &e2, &raw));
    CHECK(e2.code == WireErrorCode::DeviceRevoked);
    CHECK(raw == "device_revoked");
    CHECK(!DecodeErrorBody(json::parse(R"({"error": "nope"})"), &e2));

    EnrollRequest er;
    WireError err;
    CHECK(!DecodeEnrollRequest(json{{"enrollment_code", ""}, {"device_name", "x"}}, &er, &err));
    CHECK(err.field == "enrollment_code");
    LoginRequest lr;
    CHECK(!DecodeLoginRequest(json{{"username", "a"}, {"password", 5}}, &lr, &err));
    CHECK(err.field == "password");
    LoginResponse lresp;
    CHECK(DecodeLoginResponse(EncodeLoginResponse({"tok", "2026-11-28T02:00:00Z", "staff"}), &lresp, &why));
    CHECK(lresp.role == "staff");
}

TEST_CASE("sync-protocol: entity data decoded, validated and normalized") {
    PushRequest req;
    WireError err;
    REQUIRE(DecodePushRequest(Envelope(), &req, &err));
    DecodedEntity creator;
    bool creator_ok = DecodeEntity(req.changes[0], &creator);
    CAPTURE(creator.error_code);
    CAPTURE(creator.error_field);
    REQUIRE(creator_ok);
    CHECK(creator.creator.id == "6f1c2a9e-3b7d-4c1e-9a2b-1d2e3f4a5b6c");
    CHECK(creator.creator.version == 3);
    CHECK(creator.creator.first_name == "Anne");
    DecodedEntity need;
    REQUIRE(DecodeEntity(req.changes[1], &need));
    CHECK(need.need.item == "espaces.salle-montage");
    CHECK(need.need.creator_id == "6f1c2a9e-3b7d-4c1e-9a2b-1d2e3f4a5b6c");
    // Ids are UUIDs made by the device.
    Change not_uuid = req.changes[1];
    not_uuid.id = "n1";
    DecodedEntity bad_id;
    CHECK(!DecodeEntity(not_uuid, &bad_id));
    CHECK(bad_id.error_field == "id");

    SUBCASE("NFC and trimming, every character kept") {
        Change c = req.changes[0];
        c.data["first_name"] = "  Zoe\xCC\x88 ";
        c.data["last_name"] = "Łukasz 日本 🎬";
        DecodedEntity d;
        REQUIRE(DecodeEntity(c, &d));
        CHECK(d.creator.first_name == "Zo\xC3\xAB");
        CHECK(d.creator.last_name == "Łukasz 日本 🎬");
        CHECK(EncodeEntityData(d)["first_name"] == "Zo\xC3\xAB");
    }
    SUBCASE("rejections carry the field and the core wire id") {
        Change c = req.changes[0];
        c.data.erase("email");
        DecodedEntity d;
        CHECK(!DecodeEntity(c, &d));
        CHECK(d.error_code == "required");
        CHECK(d.error_field == "email");
        c = req.changes[0];
        c.data["consents"]["processing"]["given"] = false;
        CHECK(!DecodeEntity(c, &d));
        CHECK(d.error_code == "consent.required");
        c = req.changes[0];
        c.data["first_name"] = json::array({1});
        CHECK(!DecodeEntity(c, &d));
        CHECK(d.error_code == "invalid_value");
        CHECK(d.error_field == "first_name");
        c = req.changes[1];
        c.data.erase("item");
        CHECK(!DecodeEntity(c, &d));
        CHECK(d.error_field == "item");
        c.entity = "spaceship";
        CHECK(!DecodeEntity(c, &d));
        CHECK(d.error_code == reject::kUnknownEntity);
    }
}

// The server's push path writes the stored data and its answer as text without a DOM
// (EncodeEntityDataText, EncodePushResponseText): byte for byte what the DOM codecs dump.
TEST_CASE("sync-protocol: text encoders write the same bytes as the DOM codecs") {
    json j = Envelope();
    j["changes"][0]["data"]["last_name"] = "  Du\"pont\\ Zoe\xCC\x88  ";   // escapes, NFC, trim
    j["changes"][1]["data"]["comment"] = "Ligne 1\nLigne \"2\" \\ fin \xF0\x9F\x91\x8D";
    j["changes"][0]["data"]["sectors"] = json::array({"arts-visuels", "musique"});
    j["changes"][0]["data"]["languages"] = json::array({"fr", "nl"});
    j["changes"][0]["data"]["work_status"] = {{"statuses", {"salarie"}}, {"ata", true}, {"via_smart", true}};
    j["changes"][0]["data"]["consents"]["contact"] = {{"given", true}, {"at", "2026-11-27T14:00:00Z"},
                                                       {"text_version", "fr-2026-1"}};
    j["changes"].push_back({{"id", "8b3c4d5e-6f70-4a81-9b2c-3d4e5f6a7b8c"}, {"entity", "offer"}, {"op", "upsert"},
                            {"version", 2},
                            {"data", {{"creator_id", "6f1c2a9e-3b7d-4c1e-9a2b-1d2e3f4a5b6c"}, {"kind", "materiel"},
                                      {"description", "Une table\u00a0de montage"}}}});
    j["changes"].push_back({{"id", "9c4d5e6f-7081-4b92-8c3d-4e5f6a7b8c9d"}, {"entity", "attendance"},
                            {"op", "upsert"}, {"version", 1},
                            {"data", {{"creator_id", "6f1c2a9e-3b7d-4c1e-9a2b-1d2e3f4a5b6c"}, {"event_id", "ev-1"},
                                      {"at", "2026-11-27T14:00:00Z"}}}});
    PushRequest copied, moved;
    WireError err;
    REQUIRE(DecodePushRequest(j, &copied, &err));
    json consumed = j;
    REQUIRE(DecodePushRequest(std::move(consumed), &moved, &err));
    REQUIRE(moved.changes.size() == copied.changes.size());
    const std::string other = "11111111-2222-4333-8444-555555555555";
    for (size_t i = 0; i < copied.changes.size(); ++i) {
        CHECK(moved.changes[i].data == copied.changes[i].data);   // moving loses nothing
        DecodedEntity e;
        REQUIRE_MESSAGE(DecodeEntity(copied.changes[i], &e), copied.changes[i].entity << " " << e.error_code);
        CHECK(EncodeEntityDataText(e) == EncodeEntityData(e).dump());
        if (e.entity != "creator") {
            json d = EncodeEntityData(e);
            d["creator_id"] = other;
            CHECK(EncodeEntityDataText(e, &other) == d.dump());
        }
    }
    DecodedEntity c;
    REQUIRE(DecodeEntity(copied.changes[0], &c));
    CHECK(c.creator.last_name == "Du\"pont\\ Zo\xC3\xAB");   // NFC + trim, rest kept

    PushResponse r;
    r.batch_id = "b-\"1\"";
    r.server_time = "2026-11-27T14:00:01Z";
    CHECK(EncodePushResponseText(r) == EncodePushResponse(r).dump());   // no results
    r.results = {{"x", "applied", "", "", ""},
                 {"y", "rejected", "email.invalid", "email", "is not a valid email address"},
                 {"z\u00e9", "duplicate", "", "", ""},
                 {"w", "stale", "", "", ""}};
    CHECK(EncodePushResponseText(r) == EncodePushResponse(r).dump());
}
