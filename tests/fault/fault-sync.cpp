// tests/fault/fault-sync.cpp — "nothing acknowledged is lost, nothing duplicated" under
// network faults and server crashes.
//
// Scenario (one doctest case, ~1-2 minutes on 2 cores):
//   - comptoir-server on a temp SQLite database, behind FaultProxy (fault_proxy.h);
//   - 4 simulated kiosks (sim_device.h: real LocalStore file + real SyncEngine + native
//     transport) enrolled through the proxy, then together saving 10,400 registrations
//     (some emails shared across kiosks, in varying case, so the server merges identities;
//     some re-registrations, so versions grow and needs are deleted) while syncing;
//   - a chaos thread SIGKILLs the server at random moments (preferably while a request is
//     at the server) at least 7 times and restarts it on the same database;
//   - then the proxy passes everything through and the kiosks drain their outboxes.
// Checks: every outbox empty and nothing rejected; every kiosk still holds exactly what
// it saved; the server (staff API, then its SQLite file read directly) holds every person
// once (one creator per email identity, every kiosk id a creator or an alias of it) and
// every live need exactly once, under the right person; integrity_check ok.
// Figures are printed (MESSAGE) for docs/reliability.md.
//
// Run: build/<dir>/tests/fault/fault_tests            (env COMPTOIR_FAULT_SEED=n to vary)
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <stdlib.h>

#include "core/catalogue.h"
#include "core/db.h"
#include "core/validate.h"
#include "fault_proxy.h"
#include "server_harness.h"
#include "server_process.h"
#include "sim_device.h"

using namespace faulttest;
using comptoir::Registration;
using nlohmann::json;

namespace {

uint64_t Seed() {
    const char* s = std::getenv("COMPTOIR_FAULT_SEED");
    return s && *s ? std::strtoull(s, nullptr, 10) : 20261127;
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<std::string> CatalogueIds(const std::string& kind) {
    std::vector<std::string> out;
    for (const auto& e : comptoir::SeedCatalogue())
        if (e.kind == kind && !e.retired) out.push_back(e.id);
    return out;
}

// What one kiosk declared last for one person (its current truth).
struct Declared {
    std::string email;                 // as typed the last time
    std::set<std::string> items;
};

Registration MakeRegistration(std::mt19937_64& rng, const std::string& email, int n,
                              const std::vector<std::string>& sectors, const std::vector<std::string>& items,
                              std::set<std::string>* chosen) {
    static const char* firsts[] = {"Anne", "Zoë", "Jérôme", "Łukasz", "Noémie", "Saïd", "Ines", "Bram"};
    static const char* freqs[] = {"ponctuel", "mensuel", "hebdomadaire", "permanent"};
    Registration r;
    r.creator.first_name = firsts[n % 8];
    r.creator.last_name = "Testeur-" + std::to_string(n);
    r.creator.email = email;
    r.creator.sectors = {sectors[rng() % sectors.size()]};
    r.creator.consents.processing.given = true;
    r.creator.consents.processing.at = comptoir::NowRfc3339();
    r.creator.consents.processing.text_version = "fr-2026-1";
    size_t k = 1 + rng() % 3;
    chosen->clear();
    while (chosen->size() < k) chosen->insert(items[rng() % items.size()]);
    for (const std::string& it : *chosen) {
        comptoir::Need need;
        need.item = it;
        need.frequency = freqs[rng() % 4];
        r.needs.push_back(need);
    }
    return r;
}

std::string UrlEncode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string o;
    for (unsigned char c : s) {
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            o += char(c);
        } else {
            o += '%';
            o += hex[c >> 4];
            o += hex[c & 15];
        }
    }
    return o;
}

std::string KeyOf(const std::string& email) {
    std::string norm;
    comptoir::NormalizeEmail(email, &norm);
    return comptoir::EmailIdentityKey(norm);
}

}  // namespace

TEST_CASE("fault: 4 kiosks, 10,400 registrations, network faults and SIGKILLed server lose nothing") {
    const uint64_t seed = Seed();
    constexpr int kDevices = 4;
    constexpr int kPerDevice = 2600;
    constexpr int kMinKills = 7;
    constexpr int kSharedPool = 150;
    auto t0 = std::chrono::steady_clock::now();
    std::mt19937_64 rng(seed);
    const auto sectors = CatalogueIds("sector");
    const auto items = CatalogueIds("need_item");
    REQUIRE(!sectors.empty());
    REQUIRE(items.size() >= 3);

    testsrv::TempDir dir;
    ServerProcess server(dir.path);
    REQUIRE(server.Cli({"admin", "add", "fault-staff", "--role", "admin"}, "fault staff password\n").exit_code == 0);
    REQUIRE(server.Start());
    FaultProxy proxy(seed);
    REQUIRE(proxy.Start(server.Port()));
    proxy.SetPassThrough(true);  // enrolment codes are single-use: enrol without faults
    std::string base = "http://127.0.0.1:" + std::to_string(proxy.Port());

    // Kiosk stores on tmpfs when there is one (a kiosk's fsyncs are not under test here and
    // would dominate the run time); the server's database stays on disk.
    char shm_tmpl[] = "/dev/shm/comptoir-fault-XXXXXX";
    const char* shm = mkdtemp(shm_tmpl);
    const std::string kiosk_dir = shm ? shm : dir.path;
    struct RemoveDir {
        std::string path;
        ~RemoveDir() {
            if (path.rfind("/dev/shm/comptoir-fault-", 0) == 0) std::system(("rm -rf '" + path + "'").c_str());
        }
    } remove_kiosk_dir{kiosk_dir};
    std::vector<std::unique_ptr<SimDevice>> devices;
    for (int d = 0; d < kDevices; ++d) {
        std::string name = "kiosque-" + std::to_string(d + 1);
        auto dev = std::make_unique<SimDevice>(name, kiosk_dir + "/" + name + ".db", base);
        REQUIRE(dev->store);
        auto add = server.Cli({"device", "add", name, "--json"});
        REQUIRE(add.exit_code == 0);
        json code = json::parse(add.out, nullptr, false);
        REQUIRE(code.is_object());
        std::string err;
        INFO("enrol " << name << ": " << err);
        REQUIRE(dev->Enroll(code["enrollment_code"].get<std::string>(), &err));
        devices.push_back(std::move(dev));
    }
    proxy.SetPassThrough(false);
    proxy.SetMix(FaultMix{});

    // --- chaos: SIGKILL + restart on the same database, from another thread ----------------
    std::atomic<bool> stop_chaos{false};
    std::atomic<int> kills{0}, kills_in_flight{0}, restart_failures{0};
    std::atomic<int64_t> down_ms_total{0};
    std::thread chaos([&] {
        std::mt19937_64 crng(seed ^ 0x5eed);
        auto nap = [&](int ms) {
            for (int i = 0; i < ms / 10 && !stop_chaos; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        };
        while (!stop_chaos) {
            nap(int(400 + crng() % 1400));
            if (stop_chaos) break;
            for (int i = 0; i < 40 && proxy.InFlight() == 0; ++i)  // aim at a request being served
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            std::this_thread::sleep_for(std::chrono::milliseconds(int(crng() % 40)));
            if (proxy.InFlight() > 0) kills_in_flight++;
            server.Kill9();
            kills++;
            int down = int(50 + crng() % 700);
            std::this_thread::sleep_for(std::chrono::milliseconds(down));
            down_ms_total += down;
            if (!server.Start()) {
                restart_failures++;
                if (!server.Start()) break;
            }
            proxy.SetUpstreamPort(server.Port());
        }
    });

    // --- kiosks: save and sync -----------------------------------------------------------------
    std::vector<std::map<std::string, Declared>> declared(kDevices);  // per kiosk: key -> last declaration
    std::vector<std::vector<std::string>> own_emails(kDevices);
    int64_t saves = 0, shared_saves = 0, re_registrations = 0, save_failures = 0;
    std::vector<int> created(kDevices, 0);
    int serial = 0;
    auto all_created = [&] {
        return std::all_of(created.begin(), created.end(), [](int c) { return c >= kPerDevice; });
    };
    while (!all_created() || kills < kMinKills) {
        for (int d = 0; d < kDevices; ++d) {
            SimDevice& dev = *devices[size_t(d)];
            for (int k = 0; k < 6 && created[size_t(d)] < kPerDevice; ++k) {
                std::string email;
                int roll = int(rng() % 100);
                if (roll < 7) {  // a person who also registers on other kiosks, typed in varying case
                    int p = int(rng() % kSharedPool);
                    email = (rng() % 2 ? "Partage." : "partage.") + std::to_string(p) +
                            (rng() % 2 ? "@Example.BE" : "@example.be");
                    shared_saves++;
                } else if (roll < 10 && !own_emails[size_t(d)].empty()) {  // comes back, new needs
                    email = own_emails[size_t(d)][rng() % own_emails[size_t(d)].size()];
                    re_registrations++;
                } else {
                    email = "k" + std::to_string(d + 1) + ".p" + std::to_string(serial) + "@example.be";
                    own_emails[size_t(d)].push_back(email);
                }
                std::set<std::string> chosen;
                Registration reg = MakeRegistration(rng, email, serial++, sectors, items, &chosen);
                comptoir::SaveResult r = dev.Save(std::move(reg));
                if (!r.ok) {
                    save_failures++;
                    continue;
                }
                saves++;
                created[size_t(d)]++;
                declared[size_t(d)][KeyOf(email)] = Declared{email, chosen};
            }
            dev.Step();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        REQUIRE(SecondsSince(t0) < 240);
    }
    stop_chaos = true;
    chaos.join();
    REQUIRE(restart_failures.load() == 0);
    const double chaos_seconds = SecondsSince(t0);
    CHECK(save_failures == 0);

    // --- drain without faults, server alive -------------------------------------------------------
    if (!server.Running()) REQUIRE(server.Start());
    proxy.SetUpstreamPort(server.Port());
    proxy.SetPassThrough(true);
    for (auto& dev : devices) dev->engine->RequestSyncNow();
    auto drained = [&] {
        for (auto& dev : devices)
            if (dev->store->PendingCount() != 0 || !dev->Idle()) return false;
        return true;
    };
    auto drain_start = std::chrono::steady_clock::now();
    while (!drained() && SecondsSince(drain_start) < 120) {
        for (auto& dev : devices) dev->Step();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE(drained());
    REQUIRE(server.Alive());

    // --- every kiosk: empty outbox, nothing rejected, everything it saved still there -----------
    std::map<std::string, int64_t> expected_needs_per_key;  // summed over kiosks
    std::map<std::string, std::pair<std::string, std::string>> device_need;  // need id -> (key, item)
    std::map<std::string, std::string> device_creator;                     // kiosk creator id -> key
    for (int d = 0; d < kDevices; ++d) {
        SimDevice& dev = *devices[size_t(d)];
        CAPTURE(dev.name);
        CHECK(dev.store->PendingCount() == 0);
        CHECK(dev.store->RejectedOutbox().empty());
        CHECK(dev.engine->Status().rejected == 0);
        int64_t api_mismatches = 0;
        for (const auto& [key, decl] : declared[size_t(d)]) {
            // The kiosk's storage itself: the person's row and live needs, read with SQL.
            comptoir::Stmt cs = dev.store->db().Prepare(
                "SELECT id FROM creators WHERE email_key = ? AND deleted = 0");
            cs.Bind(1, key);
            REQUIRE(cs.Step());
            std::string creator_id = cs.Text(0);
            comptoir::Stmt ns = dev.store->db().Prepare(
                "SELECT id, item FROM needs WHERE creator_id = ? AND deleted = 0");
            ns.Bind(1, creator_id);
            std::set<std::string> got;
            while (ns.Step()) {
                got.insert(ns.Text(1));
                device_need[ns.Text(0)] = {key, ns.Text(1)};
            }
            CHECK(got == decl.items);
            device_creator[creator_id] = key;
            expected_needs_per_key[key] += int64_t(decl.items.size());
            // What the app sees through LocalStore's API (staff screens, returning creators).
            auto c = dev.store->FindCreatorByEmail(decl.email);
            std::set<std::string> api_items;
            if (c)
                for (const auto& n : dev.store->NeedsOf(c->id)) api_items.insert(n.item);
            if (!c || !dev.store->GetCreator(c->id) || api_items != decl.items) api_mismatches++;
        }
        // Fails while LocalStore follows a pulled creator_alias to a creator this kiosk does
        // not hold (see fault-regressions.cpp).
        CHECK_MESSAGE(api_mismatches == 0, "LocalStore::GetCreator/NeedsOf lose people merged on the server");
        comptoir::Stmt cnt = dev.store->db().Prepare("SELECT COUNT(*) FROM creators");
        REQUIRE(cnt.Step());
        CHECK(cnt.Int(0) == int64_t(declared[size_t(d)].size()));
    }
    std::set<std::string> expected_keys;
    for (const auto& m : declared)
        for (const auto& kv : m) expected_keys.insert(kv.first);

    // --- the server through the staff API: a sample of people, shared ones included ------------
    {
        httplib::Client cli("127.0.0.1", server.Port());
        cli.set_read_timeout(20, 0);
        auto login = testsrv::PostJson(cli, "/api/v1/auth/login",
                                       json{{"username", "fault-staff"}, {"password", "fault staff password"}}.dump());
        REQUIRE(login);
        REQUIRE(login->status == 200);
        std::string token = testsrv::Body(login)["token"].get<std::string>();
        std::vector<std::string> sample;
        for (int p = 0; p < 20; ++p) sample.push_back("PARTAGE." + std::to_string(p) + "@example.be");
        std::vector<std::string> all(expected_keys.begin(), expected_keys.end());
        for (int i = 0; i < 40; ++i) sample.push_back(all[rng() % all.size()]);
        int checked = 0;
        for (const std::string& email : sample) {
            std::string key = KeyOf(email);
            if (!expected_keys.count(key)) continue;
            auto r = testsrv::GetAuth(cli, "/api/v1/creators?email=" + UrlEncode(email), token);
            REQUIRE(r);
            REQUIRE(r->status == 200);
            json b = testsrv::Body(r);
            CAPTURE(email);
            REQUIRE(b["creators"].size() == 1);
            CHECK(int64_t(b["creators"][0]["needs"].size()) == expected_needs_per_key[key]);
            checked++;
        }
        CHECK(checked >= 40);
        auto rep = testsrv::GetAuth(cli, "/api/v1/reports/needs?threshold=1", token);
        REQUIRE(rep);
        REQUIRE(rep->status == 200);
        CHECK(testsrv::Body(rep)["creators_with_needs"].get<int64_t>() == int64_t(expected_keys.size()));
    }

    // --- the server's database, read directly after a clean stop --------------------------------
    REQUIRE(server.Stop() == 0);
    std::string err;
    auto db = comptoir::Db::Open(server.Database(), &err);
    REQUIRE(db);
    {
        comptoir::Stmt ic = db->Prepare("PRAGMA integrity_check");
        REQUIRE(ic.Step());
        CHECK(ic.Text(0) == "ok");
    }
    std::map<std::string, std::string> server_creator_key;  // server creator id -> email_key
    {
        comptoir::Stmt s = db->Prepare("SELECT id, email_key, email FROM creators");
        std::set<std::string> keys;
        int64_t rows = 0;
        while (s.Step()) {
            rows++;
            server_creator_key[s.Text(0)] = s.Text(1);
            keys.insert(s.Text(1));
            CHECK(KeyOf(s.Text(2)) == s.Text(1));
        }
        CHECK(rows == int64_t(expected_keys.size()));   // every person once ...
        CHECK(keys == expected_keys);                     // ... and exactly those people
    }
    std::map<std::string, std::string> alias_of;
    {
        comptoir::Stmt s = db->Prepare("SELECT alias_id, creator_id FROM creator_aliases");
        while (s.Step()) alias_of[s.Text(0)] = s.Text(1);
    }
    int64_t unmatched_creator_ids = 0;
    for (const auto& [id, key] : device_creator) {  // every kiosk id resolves to its person
        std::string canonical = alias_of.count(id) ? alias_of[id] : id;
        auto it = server_creator_key.find(canonical);
        if (it == server_creator_key.end() || it->second != key) unmatched_creator_ids++;
    }
    CHECK(unmatched_creator_ids == 0);
    int64_t server_needs = 0, misplaced_needs = 0, unknown_needs = 0;
    {
        comptoir::Stmt s = db->Prepare("SELECT id, creator_id, item FROM needs");
        while (s.Step()) {
            server_needs++;
            auto it = device_need.find(s.Text(0));
            if (it == device_need.end()) {
                unknown_needs++;  // deleted on its kiosk, or never there
                continue;
            }
            if (server_creator_key[s.Text(1)] != it->second.first || s.Text(2) != it->second.second)
                misplaced_needs++;
        }
    }
    CHECK(server_needs == int64_t(device_need.size()));  // every live need exactly once
    CHECK(unknown_needs == 0);
    CHECK(misplaced_needs == 0);

    // --- figures --------------------------------------------------------------------------------
    TransportCounts sum;
    int64_t backoffs = 0, skipped = 0;
    for (auto& dev : devices) {
        const TransportCounts& c = dev->transport->Counts();
        sum.requests += c.requests;
        sum.pushes += c.pushes;
        sum.network_errors += c.network_errors;
        sum.status_2xx += c.status_2xx;
        sum.status_429 += c.status_429;
        sum.status_5xx += c.status_5xx;
        sum.status_other += c.status_other;
        sum.push_200 += c.push_200;
        sum.applied += c.applied;
        sum.duplicate += c.duplicate;
        sum.stale += c.stale;
        sum.rejected += c.rejected;
        backoffs += dev->backoffs;
        skipped += dev->skipped_ms;
    }
    ProxyStats ps = proxy.Stats();
    proxy.Stop();
    std::string faults;
    for (int f = 0; f < int(Fault::kCount); ++f)
        faults += std::string(f ? ", " : "") + FaultName(Fault(f)) + " " + std::to_string(ps.by_fault[f]);
    MESSAGE("seed " << seed << "; " << kDevices << " kiosks; " << saves << " registrations saved ("
            << shared_saves << " with a shared email, " << re_registrations << " re-registrations); "
            << expected_keys.size() << " people, " << device_need.size() << " live needs");
    MESSAGE("server SIGKILLed " << kills.load() << " times (" << kills_in_flight.load() << " with a request at the server), "
            << double(down_ms_total.load()) / 1000.0 << " s down in total; chaos phase " << chaos_seconds << " s, total "
            << SecondsSince(t0) << " s");
    MESSAGE("proxy: " << ps.connections << " connections (" << faults << "); " << ps.upstream_connect_failures
            << " refused while the server was down");
    MESSAGE("kiosks: " << sum.requests << " requests, " << sum.pushes << " pushes (" << sum.push_200
            << " answered 200), " << sum.network_errors << " network errors, " << sum.status_5xx << " 5xx, "
            << sum.status_429 << " 429, " << sum.status_other << " other; " << backoffs
            << " backoffs (" << skipped / 1000 << " s of waiting skipped by the fake clock)");
    MESSAGE("push results: " << sum.applied << " applied, " << sum.duplicate << " duplicate (resent after a lost "
            << "answer), " << sum.stale << " stale, " << sum.rejected << " rejected");
    CHECK(sum.rejected == 0);
    CHECK(kills.load() >= kMinKills);
    CHECK(sum.duplicate > 0);  // answers were lost after the server applied a batch
    for (int f = 0; f < int(Fault::kCount); ++f) CHECK(ps.by_fault[f] > 0);
}
