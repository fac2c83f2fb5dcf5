// tests/fault/fault-proxy.cpp — the fault proxy does what it claims (otherwise the
// scenario tests would prove nothing): each fault, forced, seen from a real HTTP client.
#include <doctest/doctest.h>

#include <chrono>

#include "fault_proxy.h"
#include "server_harness.h"
#include "server_process.h"

using namespace faulttest;
using nlohmann::json;

namespace {

httplib::Result Health(int port) {
    httplib::Client cli("127.0.0.1", port);
    cli.set_read_timeout(10, 0);
    return cli.Get("/api/v1/health");
}

std::string NewCode(ServerProcess& server) {
    auto add = server.Cli({"device", "add", "proxy-test", "--json"});
    REQUIRE(add.exit_code == 0);
    return json::parse(add.out)["enrollment_code"].get<std::string>();
}

httplib::Result EnrollVia(int port, const std::string& code) {
    httplib::Client cli("127.0.0.1", port);
    cli.set_read_timeout(10, 0);
    return testsrv::PostJson(cli, "/api/v1/devices/enroll",
                             json{{"enrollment_code", code}, {"device_name", "proxy-test"}}.dump());
}

}  // namespace

TEST_CASE("fault proxy: each forced fault behaves as documented") {
    testsrv::TempDir dir;
    ServerProcess server(dir.path);
    REQUIRE(server.Start());
    FaultProxy proxy(1);
    REQUIRE(proxy.Start(server.Port()));

    proxy.Force(Fault::Pass);
    auto r = Health(proxy.Port());
    REQUIRE(r);
    CHECK(r->status == 200);

    proxy.Force(Fault::Delay);
    auto t0 = std::chrono::steady_clock::now();
    r = Health(proxy.Port());
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(40));  // two waits of >= 20 ms

    for (Fault f : {Fault::Drop, Fault::Reset, Fault::Truncate, Fault::ResetAfterRequest}) {
        CAPTURE(FaultName(f));
        proxy.Force(f);
        r = Health(proxy.Port());
        CHECK(!r);  // the client sees a failure, never a (partial) answer
    }

    // Drop and Reset happen before the server sees anything: the code is still unused.
    for (Fault f : {Fault::Drop, Fault::Reset}) {
        CAPTURE(FaultName(f));
        std::string code = NewCode(server);
        proxy.Force(f);
        CHECK(!EnrollVia(proxy.Port(), code));
        auto direct = EnrollVia(server.Port(), code);
        REQUIRE(direct);
        CHECK(direct->status == 200);
    }
    // Truncate and ResetAfterRequest lose the answer of a request the server carried out:
    // the enrolment code is consumed although the client never got its token.
    for (Fault f : {Fault::Truncate, Fault::ResetAfterRequest}) {
        CAPTURE(FaultName(f));
        std::string code = NewCode(server);
        proxy.Force(f);
        CHECK(!EnrollVia(proxy.Port(), code));
        auto direct = EnrollVia(server.Port(), code);
        REQUIRE(direct);
        CHECK(direct->status != 200);
    }

    // Server down: the proxy refuses like a closed port would.
    proxy.Force(Fault::Pass);
    server.Kill9();
    CHECK(!Health(proxy.Port()));
    CHECK(proxy.Stats().upstream_connect_failures >= 1);
    REQUIRE(server.Start());
    proxy.SetUpstreamPort(server.Port());
    r = Health(proxy.Port());
    REQUIRE(r);
    CHECK(r->status == 200);
}
