// tests/scale/scale-pg.cpp — two comptoir-server instances on ONE PostgreSQL database,
// 20 simulated devices pushing 500 records each at the same time, spread over both
// instances, many of them registering the same people (same emails) on different
// devices. What a CRC would check afterwards:
//   - every record is stored exactly once (each creator id is a creator or an alias of
//     one; every need is there once; record_versions has one row per record id),
//   - every person exists exactly once (one creator per email, the other devices' ids
//     its aliases), as seen through both instances' API,
//   - a batch sent to both instances at the same moment is applied once and both
//     answers are the same bytes.
// Needs COMPTOIR_TEST_DATABASE_URL (e.g. `scripts/pg start` then
// `COMPTOIR_TEST_DATABASE_URL=$(scripts/pg url) build/<dir>/tests/scale/scale_tests`);
// without it the test cases are skipped (reported as skipped, not passed).
#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/uuid.h"
#include "server_harness.h"

using namespace testsrv;
using comptoir::NewUuid;

namespace {

constexpr int kDevices = 20;
constexpr int kCreatorsPerDevice = 400;  // + kNeedsPerDevice = 500 records per device
constexpr int kNeedsPerDevice = 100;
constexpr int kSharedPeople = 300;       // creator i < 300 on every device: the same person
constexpr int kBatchSize = 50;

const bool kSkip = [] {
    if (UsingPostgres()) return false;
    std::fprintf(stderr,
                 "scale_tests: COMPTOIR_TEST_DATABASE_URL is not a postgresql:// URL: skipped "
                 "(scripts/pg start; COMPTOIR_TEST_DATABASE_URL=$(scripts/pg url) scale_tests)\n");
    return true;
}();

// One integer from a query (-1 on error).
int64_t PgCount(PGconn* c, const std::string& sql) {
    PGresult* r = PQexec(c, sql.c_str());
    int64_t v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) v = std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10);
    else MESSAGE("query failed: " << PQresultErrorMessage(r));
    PQclear(r);
    return v;
}

std::string SharedEmail(int i) { return "personne." + std::to_string(i) + "@scale.example.be"; }

}  // namespace

TEST_CASE("scale: 2 servers on one PostgreSQL, 20 devices x 500 records at once: every record and person once" *
          doctest::skip(kSkip) * doctest::timeout(600)) {
    TempDir dir;
    TestDatabase db(dir.path);
    REQUIRE_MESSAGE(db.Error().empty(), db.Error());
    TestServer a({"--rate-limit", "0"}, "", db.Location());
    REQUIRE(a.Running());
    TestServer b({"--rate-limit", "0"}, "", db.Location());
    REQUIRE(b.Running());
    TestServer* servers[2] = {&a, &b};

    // Devices enrolled alternately through both instances (one database).
    std::vector<TestDevice> devices;
    for (int d = 0; d < kDevices; ++d) devices.push_back(servers[d % 2]->EnrollDevice("Kiosque " + std::to_string(d)));

    // Each device's records: 400 creators (the first 300 are people registered on every
    // device, in a rotated order so devices hit the same person at about the same time;
    // the other 100 only on this device) and 100 needs of its own creators.
    struct Plan {
        std::vector<json> batches;
        std::vector<std::string> creator_ids;   // index i: creator i of this device
        std::vector<std::string> need_ids;
    };
    std::vector<Plan> plans(kDevices);
    for (int d = 0; d < kDevices; ++d) {
        Plan& p = plans[size_t(d)];
        json changes = json::array();
        for (int k = 0; k < kCreatorsPerDevice; ++k) {
            int i = k < kSharedPeople ? (k + d * 15) % kSharedPeople : k;
            std::string id = NewUuid();
            p.creator_ids.push_back(id);
            std::string email = i < kSharedPeople ? SharedEmail(i)
                                                  : "seul." + std::to_string(d) + "." + std::to_string(i) +
                                                        "@scale.example.be";
            // Different letter case on some devices: the identity key folds it.
            if (i < kSharedPeople && d % 3 == 1) std::transform(email.begin(), email.end(), email.begin(), ::toupper);
            changes.push_back(MakeChange(id, "creator", 1,
                                         CreatorData("Prénom" + std::to_string(i), "Nom" + std::to_string(i), email)));
            if (k % 4 == 3) {  // a need for every 4th creator: 100 needs
                std::string nid = NewUuid();
                p.need_ids.push_back(nid);
                changes.push_back(MakeChange(nid, "need", 1, {{"creator_id", id}, {"item", "materiel.son"}}));
            }
        }
        REQUIRE(int(changes.size()) == kCreatorsPerDevice + kNeedsPerDevice);
        for (size_t s = 0; s < changes.size(); s += kBatchSize) {
            json part = json::array();
            for (size_t j = s; j < std::min(changes.size(), s + kBatchSize); ++j) part.push_back(changes[j]);
            p.batches.push_back(MakeBatch(devices[size_t(d)].id, part));
        }
    }

    // All devices at once; batch k of device d goes to instance (d + k) % 2, and every
    // 4th batch is sent to BOTH instances at the same moment (a retry racing the first try).
    std::atomic<int> failures{0}, not_applied{0}, answers_differ{0};
    std::mutex log_mutex;
    std::vector<std::string> problems;
    auto note = [&](const std::string& s) {
        std::lock_guard<std::mutex> lock(log_mutex);
        if (problems.size() < 10) problems.push_back(s);
    };
    // A transport failure (no HTTP answer) is retried with the same batch, as a device
    // does (batch_id makes that safe); any HTTP status but 200 is a failure.
    std::atomic<int> transport_retries{0};
    auto push = [&](int server, const TestDevice& dev, const std::string& body, std::string* answer) {
        httplib::Client cli = servers[server]->Client();
        cli.set_read_timeout(120, 0);
        auto r = PostJson(cli, "/api/v1/sync/push", body, dev.token);
        for (int retry = 0; !r && retry < 5; ++retry) {
            ++transport_retries;
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            httplib::Client again = servers[server]->Client();
            again.set_read_timeout(120, 0);
            r = PostJson(again, "/api/v1/sync/push", body, dev.token);
        }
        if (!r || r->status != 200) {
            ++failures;
            note("push -> " + (r ? std::to_string(r->status) + " " + r->body : "no answer: " + httplib::to_string(r.error())));
            return false;
        }
        *answer = r->body;
        return true;
    };
    // Meanwhile a device pulls continuously (alternating instances, following its
    // cursor): it must end up with every alias. If log rows could commit out of sequence
    // order, its cursor would pass a row still uncommitted and never see it.
    std::atomic<bool> pushing{true};
    std::set<std::string> pulled_aliases;
    std::atomic<int> pull_errors{0};
    std::thread puller([&] {
        std::string cursor;
        for (int n = 0;; ++n) {
            bool last_round = !pushing;
            bool more = true;
            while (more) {
                httplib::Client cli = servers[n % 2]->Client();
                auto r = GetAuth(cli, "/api/v1/sync/pull?since=" + cursor, devices[0].token);
                if (!r || r->status != 200) {
                    ++pull_errors;
                    break;
                }
                json j = Body(r);
                for (const json& ch : j["changes"])
                    if (ch["entity"] == "creator_alias") pulled_aliases.insert(ch["id"].get<std::string>());
                cursor = j["cursor"].get<std::string>();
                more = j["has_more"].get<bool>();
            }
            if (last_round) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int d = 0; d < kDevices; ++d) {
        threads.emplace_back([&, d] {
            const TestDevice& dev = devices[size_t(d)];
            const Plan& p = plans[size_t(d)];
            for (size_t k = 0; k < p.batches.size(); ++k) {
                std::string body = p.batches[k].dump();
                int first = int((size_t(d) + k) % 2);
                std::string answer, twin;
                if (k % 4 == 0) {
                    bool ok2 = false;
                    std::thread other([&] { ok2 = push(1 - first, dev, body, &twin); });
                    bool ok1 = push(first, dev, body, &answer);
                    other.join();
                    if (ok1 && ok2 && answer != twin) {
                        ++answers_differ;
                        note("replayed answer differs");
                    }
                    if (!ok1 || !ok2) continue;
                } else if (!push(first, dev, body, &answer)) {
                    continue;
                }
                json j = json::parse(answer, nullptr, false);
                if (!j.is_object() || !j["results"].is_array() || j["results"].size() != p.batches[k]["changes"].size()) {
                    ++not_applied;
                    note("bad answer");
                    continue;
                }
                for (const json& res : j["results"])
                    if (res["status"] != "applied") {
                        ++not_applied;
                        note("change " + res.dump());
                    }
            }
        });
    }
    for (auto& t : threads) t.join();
    pushing = false;
    puller.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    MESSAGE(kDevices * (kCreatorsPerDevice + kNeedsPerDevice) << " records from " << kDevices << " devices in " << secs
                                                               << " s over 2 instances");
    if (transport_retries > 0) MESSAGE(transport_retries.load() << " pushes retried after a transport failure");
    for (const std::string& s : problems) MESSAGE(s);
    CHECK(failures == 0);
    if (failures > 0) {  // keep the servers' logs (JSON lines, no personal data)
        std::ofstream("scale-server-a.log") << a.LogText();
        std::ofstream("scale-server-b.log") << b.LogText();
        MESSAGE("server logs: scale-server-a.log, scale-server-b.log (current directory)");
    }
    CHECK(not_applied == 0);
    CHECK(answers_differ == 0);
    CHECK(pull_errors == 0);

    // --- the database: every record once, every person once ---------------------------
    PGconn* c = PQconnectdb(db.Location().c_str());
    REQUIRE(PQstatus(c) == CONNECTION_OK);
    const int64_t people = kSharedPeople + int64_t(kDevices) * (kCreatorsPerDevice - kSharedPeople);
    const int64_t creator_records = int64_t(kDevices) * kCreatorsPerDevice;
    CHECK(PgCount(c, "SELECT count(*) FROM creators") == people);
    CHECK(PgCount(c, "SELECT count(DISTINCT email_key) FROM creators") == people);
    CHECK(PgCount(c, "SELECT count(*) FROM creator_aliases") == creator_records - people);
    // Each creator id sent is exactly one of: a creator, an alias (of an existing creator).
    CHECK(PgCount(c, "SELECT count(*) FROM (SELECT id FROM creators UNION ALL SELECT alias_id FROM creator_aliases) x") ==
          creator_records);
    CHECK(PgCount(c, "SELECT count(DISTINCT x.id) FROM (SELECT id FROM creators UNION ALL "
                     "SELECT alias_id FROM creator_aliases) x") == creator_records);
    CHECK(PgCount(c, "SELECT count(*) FROM creator_aliases a LEFT JOIN creators c ON c.id = a.creator_id "
                     "WHERE c.id IS NULL") == 0);
    CHECK(PgCount(c, "SELECT count(*) FROM needs") == int64_t(kDevices) * kNeedsPerDevice);
    CHECK(PgCount(c, "SELECT count(*) FROM record_versions") == int64_t(kDevices) * (kCreatorsPerDevice + kNeedsPerDevice));
    CHECK(PgCount(c, "SELECT count(*) FROM batches") == int64_t(kDevices) * ((kCreatorsPerDevice + kNeedsPerDevice) / kBatchSize));
    // Every alias is published to devices by pull exactly once.
    CHECK(PgCount(c, "SELECT count(*) FROM reference_log WHERE entity = 'creator_alias'") == creator_records - people);
    CHECK(PgCount(c, "SELECT count(DISTINCT id) FROM reference_log WHERE entity = 'creator_alias'") ==
          creator_records - people);
    PQfinish(c);
    CHECK(int64_t(pulled_aliases.size()) == creator_records - people);

    // --- through the API of both instances --------------------------------------------
    std::string admin = a.AdminToken();  // one database: the account works on both
    for (TestServer* s : servers) {
        httplib::Client cli = s->Client();
        for (int i : {0, 7, 150, 299}) {
            std::string email = SharedEmail(i);
            std::string q = "/api/v1/creators?email=" + httplib::detail::encode_query_param(email);
            auto r = GetAuth(cli, q, admin);
            REQUIRE(r);
            REQUIRE(r->status == 200);
            json j = Body(r);
            json list = j.is_array() ? j : j.value("creators", json::array());
            REQUIRE(list.size() == 1);  // one person
            CHECK(list[0]["aliases"].size() == kDevices - 1);  // the other devices' ids
            std::string stored = list[0]["creator"]["data"]["email"].get<std::string>();
            std::transform(stored.begin(), stored.end(), stored.begin(), ::tolower);  // last arrival's case
            CHECK(stored == email);
        }
        // Any device's id for a shared person leads to that one person.
        std::set<std::string> canonical;
        for (int d = 0; d < kDevices; ++d) {
            auto r = GetAuth(cli, "/api/v1/creators/" + plans[size_t(d)].creator_ids[size_t((kSharedPeople - d * 15 % kSharedPeople) % kSharedPeople)], admin);
            REQUIRE(r);
            REQUIRE(r->status == 200);
            canonical.insert(Body(r)["creator"]["id"].get<std::string>());
        }
        CHECK(canonical.size() == 1);
        auto rep = GetAuth(cli, "/api/v1/reports/needs", admin);
        REQUIRE(rep);
        REQUIRE(rep->status == 200);
        CHECK(Body(rep)["creators_considered"] == people);
    }
    CHECK(a.Stop() == 0);
    CHECK(b.Stop() == 0);
}
