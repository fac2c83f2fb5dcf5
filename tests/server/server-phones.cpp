// tests/server/server-phones.cpp — phones self-enrolling with an event's join code, and
// idempotent enrolment (a retry with the same request_id after a lost answer), over real
// HTTP against the comptoir-server binary; the end-of-day expiry and the retry window,
// which need a clock, against the store itself. Both backends (server_harness.h).
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/clock.h"
#include "core/uuid.h"
#include "server_harness.h"
#include "sync/server/server_store.h"

using namespace testsrv;

namespace {

std::string Today() { return comptoir::NowRfc3339().substr(0, 10); }
std::string DayOffset(int days) {
    return comptoir::FormatRfc3339(comptoir::NowMs() + int64_t(days) * 86400000LL).substr(0, 10);
}

void AddEvent(TestServer& srv, const std::string& id, const std::string& date) {
    CommandResult r = srv.Cli({"event", "add", "--title", "Permanence " + id, "--date", date, "--id", id});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

// Every "setting" change of a pull whose id starts with "join." -> value.
std::map<std::string, std::string> JoinCodes(const json& pull) {
    std::map<std::string, std::string> out;
    for (const json& c : pull["changes"])
        if (c["entity"] == "setting" && c["id"].get<std::string>().rfind("join.", 0) == 0)
            out[c["id"].get<std::string>().substr(5)] = c["data"]["value"].get<std::string>();
    return out;
}

httplib::Result EnrollPhone(httplib::Client& cli, const std::string& join_code, const std::string& request_id) {
    json body = {{"join_code", join_code}, {"device_name", "phone"}};
    if (!request_id.empty()) body["request_id"] = request_id;
    return PostJson(cli, "/api/v1/devices/enroll", body.dump());
}

}  // namespace

TEST_CASE("phones: kiosks pull a join code per coming event; a phone enrolls with it and only pushes") {
    TestServer srv;
    REQUIRE(srv.Running());
    auto cli = srv.Client();
    AddEvent(srv, "ev-past", DayOffset(-1));
    AddEvent(srv, "ev-today", Today());
    AddEvent(srv, "ev-next", DayOffset(7));
    TestDevice kiosk = srv.EnrollDevice("Borne accueil");

    json pull = Body(GetAuth(cli, "/api/v1/sync/pull", kiosk.token));
    std::map<std::string, std::string> codes = JoinCodes(pull);
    CHECK(codes.count("ev-today") == 1);
    CHECK(codes.count("ev-next") == 1);
    CHECK(codes.count("ev-past") == 0);             // over: no code
    REQUIRE(codes.count("ev-today") == 1);
    CHECK(codes["ev-today"] != codes["ev-next"]);   // one code per event
    CHECK(codes["ev-today"].size() >= 12);
    // Pulled again from the cursor: nothing new, the codes are not re-minted each pull.
    json again = Body(GetAuth(cli, "/api/v1/sync/pull?since=" + pull["cursor"].get<std::string>(), kiosk.token));
    CHECK(JoinCodes(again).empty());
    // The code is never in the server's files or logs in a way a log reader could use.
    CHECK(srv.LogText().find(codes["ev-today"]) == std::string::npos);

    // A phone enrolls with the join code: kind phone, bound to the event.
    auto r = EnrollPhone(cli, codes["ev-today"], comptoir::NewUuid());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    json phone = Body(r);
    CHECK(phone["kind"] == "phone");
    CHECK(phone["event_id"] == "ev-today");
    std::string phone_token = phone["device_token"], phone_id = phone["device_id"];
    CHECK(comptoir::IsUuid(phone_id));
    // Multi-use: a second phone with the same code is another device.
    auto r2 = EnrollPhone(cli, codes["ev-today"], comptoir::NewUuid());
    REQUIRE(r2);
    CHECK(r2->status == 200);
    CHECK(Body(r2)["device_id"] != phone_id);
    // Kiosk enrolment answers say so too.
    // Unknown join code, and a kiosk enrolment code used as a join code: refused.
    auto bad = EnrollPhone(cli, "AAAA-BBBB-CCCC", comptoir::NewUuid());
    CHECK(bad->status == 400);
    CHECK(ErrorCode(bad) == "enrollment_code_invalid");
    CommandResult add = srv.Cli({"device", "add", "Tablette", "--json"});
    REQUIRE(add.exit_code == 0);
    auto kiosk_code_as_join = EnrollPhone(cli, json::parse(add.out)["enrollment_code"], "");
    CHECK(kiosk_code_as_join->status == 400);
    auto short_request_id = EnrollPhone(cli, codes["ev-today"], "abc");
    CHECK(short_request_id->status == 400);
    CHECK(ErrorCode(short_request_id) == "invalid_envelope");

    // The phone pulls reference data (events) but never the join codes.
    json phone_pull = Body(GetAuth(cli, "/api/v1/sync/pull", phone_token));
    REQUIRE(phone_pull["changes"].is_array());
    bool has_event = false;
    for (const json& c : phone_pull["changes"]) has_event = has_event || (c["entity"] == "event" && c["id"] == "ev-today");
    CHECK(has_event);
    CHECK(JoinCodes(phone_pull).empty());

    // It pushes a registration; staff read it back; the phone itself cannot read people.
    std::string creator = comptoir::NewUuid();
    json batch = MakeBatch(phone_id, json::array({MakeChange(creator, "creator", 1,
                                                             CreatorData("Léa", "Dubois", "lea.phone@example.org"))}));
    auto push = PostJson(cli, "/api/v1/sync/push", batch.dump(), phone_token);
    REQUIRE(push);
    REQUIRE(push->status == 200);
    CHECK(Body(push)["results"][0]["status"] == "applied");
    auto staff_read = GetAuth(cli, "/api/v1/creators/" + creator, srv.AdminToken());
    CHECK(staff_read->status == 200);
    CHECK(Body(staff_read)["creator"]["data"]["first_name"] == "Léa");
    auto phone_read = GetAuth(cli, "/api/v1/creators/" + creator, phone_token);
    CHECK(phone_read->status == 403);
    auto phone_report = GetAuth(cli, "/api/v1/reports/needs", phone_token);
    CHECK(phone_report->status == 403);
}

TEST_CASE("enrolment retried with the same request_id re-issues the token of the same device") {
    TestServer srv;
    REQUIRE(srv.Running());
    auto cli = srv.Client();
    CommandResult add = srv.Cli({"device", "add", "Borne", "--json"});
    REQUIRE(add.exit_code == 0);
    std::string code = json::parse(add.out)["enrollment_code"];
    std::string request_id = comptoir::NewUuid();
    json body = {{"enrollment_code", code}, {"device_name", "Borne"}, {"request_id", request_id}};

    auto first = PostJson(cli, "/api/v1/devices/enroll", body.dump());
    REQUIRE(first);
    REQUIRE(first->status == 200);
    json a = Body(first);
    CHECK(a["kind"] == "kiosk");
    // The answer is "lost": the device sends the same request again.
    auto retry = PostJson(cli, "/api/v1/devices/enroll", body.dump());
    REQUIRE(retry);
    REQUIRE(retry->status == 200);
    json b = Body(retry);
    CHECK(b["device_id"] == a["device_id"]);           // the same device, not a second one
    CHECK(b["device_token"] != a["device_token"]);     // a fresh token...
    CHECK(GetAuth(cli, "/api/v1/sync/pull", b["device_token"])->status == 200);
    CHECK(GetAuth(cli, "/api/v1/sync/pull", a["device_token"])->status == 401);   // ...the lost one is dead
    // The code stays single-use for anybody else.
    json other = body;
    other["request_id"] = comptoir::NewUuid();
    auto stolen = PostJson(cli, "/api/v1/devices/enroll", other.dump());
    CHECK(stolen->status == 400);
    CHECK(ErrorCode(stolen) == "enrollment_code_invalid");
    auto no_id = PostJson(cli, "/api/v1/devices/enroll",
                          json{{"enrollment_code", code}, {"device_name", "Borne"}}.dump());
    CHECK(no_id->status == 400);
    // The same request_id with another code is not a retry.
    CommandResult add2 = srv.Cli({"device", "add", "Borne 2", "--json"});
    json mixed = body;
    mixed["enrollment_code"] = json::parse(add2.out)["enrollment_code"];
    CHECK(PostJson(cli, "/api/v1/devices/enroll", mixed.dump())->status == 400);
    // One device was enrolled from the first code, not two.
    auto devices = GetAuth(cli, "/api/v1/devices", srv.AdminToken());
    if (devices && devices->status == 200) {
        int named = 0;
        json list = Body(devices);
        for (const json& d : list["devices"]) named += d["name"] == "Borne" ? 1 : 0;
        CHECK_MESSAGE(named == 1, list.dump());
    }

    // Phones too: the same request_id gives the same phone device.
    AddEvent(srv, "ev-retry", Today());
    json pull = Body(GetAuth(cli, "/api/v1/sync/pull", b["device_token"]));
    std::string join = JoinCodes(pull)["ev-retry"];
    REQUIRE(!join.empty());
    std::string rid = comptoir::NewUuid();
    json p1 = Body(EnrollPhone(cli, join, rid));
    json p2 = Body(EnrollPhone(cli, join, rid));
    CHECK(p1["device_id"] == p2["device_id"]);
    CHECK(p1["device_token"] != p2["device_token"]);
    CHECK(GetAuth(cli, "/api/v1/sync/pull", p1["device_token"])->status == 401);
    CHECK(GetAuth(cli, "/api/v1/sync/pull", p2["device_token"])->status == 200);
}

TEST_CASE("phone enrolment is rate-limited per client address") {
    TestServer srv;
    REQUIRE(srv.Running());
    auto cli = srv.Client();
    AddEvent(srv, "ev-crowd", Today());
    TestDevice kiosk = srv.EnrollDevice("Borne");
    std::string join = JoinCodes(Body(GetAuth(cli, "/api/v1/sync/pull", kiosk.token)))["ev-crowd"];
    REQUIRE(!join.empty());
    int ok = 0, limited = 0;
    std::string retry_after;
    for (int i = 0; i < 40; ++i) {
        auto r = EnrollPhone(cli, join, comptoir::NewUuid());
        REQUIRE(r);
        if (r->status == 200) ok++;
        if (r->status == 429) {
            limited++;
            retry_after = r->get_header_value("Retry-After");
            CHECK(ErrorCode(r) == "too_many_attempts");
        }
    }
    CHECK(ok >= 30);          // a crowd behind one venue address still gets in
    CHECK(limited >= 1);
    CHECK(!retry_after.empty());
    // Kiosk enrolment is not counted against phones.
    TestDevice another = srv.EnrollDevice("Borne 2");
    CHECK(!another.token.empty());
}

TEST_CASE("store: join codes expire at the end of the event day; retries only within the window") {
    TempDir dir;
    TestDatabase db(dir.path);
    if (db.Location().rfind("postgres", 0) != 0) std::filesystem::create_directories(dir.path + "/data");
    REQUIRE_MESSAGE(db.Error().empty(), db.Error());
    std::string err;
    auto store = comptoir::OpenServerStore(db.Location(), &err);
    REQUIRE_MESSAGE(store, err);
    const int64_t noon = 1795780800000;   // 2026-11-27T12:00:00Z
    CHECK(comptoir::EndOfDayUtcMs("2026-11-27") == 1795824000000);   // 2026-11-28T00:00:00Z
    CHECK(comptoir::EndOfDayUtcMs("2026-13-01") == 0);
    comptoir::Event ev;
    ev.id = "ev-store";
    ev.title = "Permanence";
    ev.date = "2026-11-27";
    REQUIRE(store->UpsertEvent(ev));
    int minted = 0;
    auto mint = [&minted] {
        ++minted;
        std::string code = "JOINCODE" + std::to_string(minted);
        return std::make_pair(code, "hash-" + code);
    };
    REQUIRE(store->IssueJoinCodes(noon, mint));
    CHECK(minted == 1);
    REQUIRE(store->IssueJoinCodes(noon + 1000, mint));
    CHECK(minted == 1);   // still valid: not minted again

    comptoir::ServerStore::EnrollGrant g;
    CHECK(store->EnrollOnce("hash-JOINCODE1", true, "phone", "request-0000000001", "dev-1", "tok-1", noon, &g) ==
          comptoir::EnrollOutcome::Ok);
    CHECK(g.kind == "phone");
    CHECK(g.event_id == "ev-store");
    bool expired = true;
    CHECK(store->DeviceKind("dev-1", noon, &expired) == "phone");
    CHECK(!expired);
    store->DeviceKind("dev-1", 1795824000000, &expired);
    CHECK(expired);   // the event day is over
    CHECK(store->Authenticate("tok-1", noon).device_id == "dev-1");

    // A retry after the window is refused; within it, the token is re-issued.
    comptoir::ServerStore::EnrollGrant g2;
    CHECK(store->EnrollOnce("hash-JOINCODE1", true, "phone", "request-0000000001", "dev-2", "tok-2",
                            noon + comptoir::ServerStore::kEnrollRetryMs + 1, &g2) == comptoir::EnrollOutcome::InvalidCode);
    CHECK(store->EnrollOnce("hash-JOINCODE1", true, "phone", "request-0000000001", "dev-3", "tok-3", noon + 60000, &g2) ==
          comptoir::EnrollOutcome::Ok);
    CHECK(g2.device_id == "dev-1");
    CHECK(g2.rotated);
    CHECK(store->Authenticate("tok-1", noon).kind == comptoir::Principal::Kind::None);
    CHECK(store->Authenticate("tok-3", noon).device_id == "dev-1");
    // After the day, the code enrolls nobody, and the next day's pull mints nothing for it.
    comptoir::ServerStore::EnrollGrant g3;
    CHECK(store->EnrollOnce("hash-JOINCODE1", true, "phone", "request-0000000009", "dev-9", "tok-9", 1795824000000,
                            &g3) == comptoir::EnrollOutcome::InvalidCode);
    REQUIRE(store->IssueJoinCodes(1795824000000 + 1000, mint));
    CHECK(minted == 1);
    CHECK(store->DeviceKind("unknown-kiosk", noon, &expired) == "kiosk");
    CHECK(!expired);
}
