// tests/server/server-admin-util.h — helpers of the admin API tests (server-admin*.cpp,
// server-export*.cpp): staff login, any-method calls, database scans.
//
//   AdminSetup setup("staff-x");                             // server + admin + staff sessions
//   auto& [srv, cli, admin, staff] = setup;
//   std::string staff = StaffToken(srv, "staff-x");          // role staff via the CLI
//   auto r = Call(cli, "PATCH", "/api/v1/events/e1", R"({"title":"T"})", staff);
//   Push(cli, dev, changes);                                 // true if every change applied
//   TablesContaining(db_path, "anne@example.be")             // "table.column" hits
#pragma once
#include <string>
#include <vector>

#include "server_harness.h"
#include "sync/server/admin_api.h"

namespace testsrv {

std::string StaffToken(TestServer& srv, const std::string& username);
// The start of an admin API test: a running server of its own, a client, an admin
// session and a staff session (account `staff_name`, role staff).
struct AdminSetup {
    explicit AdminSetup(const std::string& staff_name);
    TestServer srv;
    httplib::Client cli;
    std::string admin, staff;
};
httplib::Result Call(httplib::Client& cli, const std::string& method, const std::string& path,
                     const std::string& body, const std::string& token);
bool Push(httplib::Client& cli, const TestDevice& dev, const json& changes);
// "/api/v1/creators/abc/audit" -> "/api/v1/creators/{id}/audit" (per AdminRoutes()).
std::string RoutePatternOf(const std::string& path);
// Every "table.column" whose text contains `needle` (scans all tables of the file).
std::vector<std::string> TablesContaining(const std::string& db_path, const std::string& needle);
std::string ReadFileBytes(const std::string& path);
// Parses our CSV (BOM, ';', CRLF, "" quotes) into rows of cells.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text, bool* bom);

}  // namespace testsrv
