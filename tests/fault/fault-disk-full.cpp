// tests/fault/fault-disk-full.cpp — the server's disk fills up under a kiosk's pushes.
//
// The server runs with RLIMIT_FSIZE just above its database's current size (and SIGXFSZ
// ignored), so SQLite's writes past it fail with EFBIG like on a full disk. Expected:
// pushes answered 5xx (never 200 for a batch that was not stored, never a crash), the
// kiosk keeps every entry; after a restart without the limit everything syncs once.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "core/db.h"
#include "server_harness.h"
#include "server_process.h"
#include "sim_device.h"

using namespace faulttest;
using nlohmann::json;

namespace {

int64_t FileSize(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 ? int64_t(st.st_size) : 0;
}

comptoir::Registration SimpleRegistration(int i) {
    comptoir::Registration r;
    r.creator.first_name = "Disque";
    r.creator.last_name = "Plein-" + std::to_string(i);
    r.creator.email = "plein" + std::to_string(i) + "@example.be";
    r.creator.sectors = {"musique"};
    r.creator.consents.processing.given = true;
    r.creator.consents.processing.at = comptoir::NowRfc3339();
    r.creator.consents.processing.text_version = "fr-2026-1";
    comptoir::Need n;
    n.item = "espaces.salle-montage";
    n.frequency = "mensuel";
    n.comment = std::string(200, 'x');  // bulk, so a batch needs far more room than is left
    r.needs.push_back(n);
    return r;
}

// Steps the device until pred() or the deadline.
template <class Pred>
bool RunUntil(SimDevice& dev, Pred pred, int seconds) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!pred() && std::chrono::steady_clock::now() < end) {
        dev.Step();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return pred();
}

int64_t Count(comptoir::Db& db, const char* sql) {
    comptoir::Stmt s = db.Prepare(sql);
    return s.Step() ? s.Int(0) : -1;
}

}  // namespace

TEST_CASE("fault: disk full on the server -> 5xx, the kiosk keeps its data, syncs once the disk has room") {
    testsrv::TempDir dir;
    ServerProcess server(dir.path);
    REQUIRE(server.Start());
    SimDevice dev("kiosque-disque", dir.path + "/kiosque.db", "http://127.0.0.1:" + std::to_string(server.Port()));
    REQUIRE(dev.store);
    auto add = server.Cli({"device", "add", "kiosque-disque", "--json"});
    REQUIRE(add.exit_code == 0);
    std::string err;
    REQUIRE(dev.Enroll(json::parse(add.out)["enrollment_code"].get<std::string>(), &err));
    // A first registration syncs normally (and the first pull brings the catalogue).
    REQUIRE(dev.Save(SimpleRegistration(0)).ok);
    REQUIRE(RunUntil(dev, [&] { return dev.store->PendingCount() == 0 && dev.Idle(); }, 30));
    REQUIRE(server.Stop() == 0);  // clean stop: checkpointed, no WAL left

    // Restart with almost no room to grow; the kiosk keeps registering meanwhile.
    const int64_t limit = FileSize(server.Database()) + 16 * 1024;
    REQUIRE(server.Start(limit));
    dev.Reconnect("http://127.0.0.1:" + std::to_string(server.Port()));
    SimDevice& dev2 = dev;
    constexpr int kRegs = 300;
    for (int i = 1; i <= kRegs; ++i) REQUIRE(dev2.Save(SimpleRegistration(i)).ok);
    const int64_t pending = dev2.store->PendingCount();
    REQUIRE(pending >= 2 * kRegs);
    REQUIRE(RunUntil(dev2, [&] { return dev2.transport->Counts().push_5xx >= 3; }, 60));
    const TransportCounts full = dev2.transport->Counts();
    MESSAGE("disk full (RLIMIT_FSIZE " << limit << " bytes): " << full.pushes << " pushes, " << full.push_5xx
            << " answered 5xx, " << full.push_200 << " answered 200, " << full.network_errors << " network errors");
    CHECK(server.Alive());                       // refused, not crashed
    CHECK(full.push_200 == 0);                   // no 200 for a batch that could not be stored
    CHECK(full.rejected == 0);
    CHECK(dev2.store->PendingCount() == pending);  // the kiosk lost nothing
    CHECK(dev2.store->RejectedOutbox().empty());
    CHECK(dev2.engine->Status().phase == comptoir::SyncStatus::Phase::Backoff);
    CHECK(server.Stop() == 0);
    {  // nothing of the refused batches reached the server
        auto db = comptoir::Db::Open(server.Database(), &err);
        REQUIRE(db);
        CHECK(Count(*db, "SELECT COUNT(*) FROM creators") == 1);
        CHECK(Count(*db, "SELECT COUNT(*) FROM needs") == 1);
    }

    // Room again: everything syncs, exactly once.
    REQUIRE(server.Start());
    dev.Reconnect("http://127.0.0.1:" + std::to_string(server.Port()));
    SimDevice& dev3 = dev;
    REQUIRE(RunUntil(dev3, [&] { return dev3.store->PendingCount() == 0 && dev3.Idle(); }, 60));
    CHECK(dev3.store->RejectedOutbox().empty());
    CHECK(dev3.transport->Counts().rejected == 0);
    REQUIRE(server.Stop() == 0);
    auto db = comptoir::Db::Open(server.Database(), &err);
    REQUIRE(db);
    CHECK(Count(*db, "SELECT COUNT(*) FROM creators") == kRegs + 1);
    CHECK(Count(*db, "SELECT COUNT(*) FROM needs") == kRegs + 1);
    comptoir::Stmt ic = db->Prepare("PRAGMA integrity_check");
    REQUIRE(ic.Step());
    CHECK(ic.Text(0) == "ok");
}
