// tests/server/server-admin-util.cpp — see server-admin-util.h.
#include "server-admin-util.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "core/db.h"
#include "core/uuid.h"

namespace testsrv {

std::string StaffToken(TestServer& srv, const std::string& username) {
    CommandResult add = srv.Cli({"admin", "add", username, "--role", "staff"}, "staff password 123\n");
    REQUIRE(add.exit_code == 0);
    auto cli = srv.Client();
    auto r = PostJson(cli, "/api/v1/auth/login", json{{"username", username}, {"password", "staff password 123"}}.dump());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return Body(r)["token"].get<std::string>();
}

AdminSetup::AdminSetup(const std::string& staff_name) : cli(srv.Client()) {
    REQUIRE(srv.Running());
    admin = srv.AdminToken();
    staff = StaffToken(srv, staff_name);
}

httplib::Result Call(httplib::Client& cli, const std::string& method, const std::string& path,
                     const std::string& body, const std::string& token) {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    const char* ct = "application/json";
    if (method == "GET") return cli.Get(path.c_str(), h);
    if (method == "POST") return cli.Post(path.c_str(), h, body, ct);
    if (method == "PUT") return cli.Put(path.c_str(), h, body, ct);
    if (method == "PATCH") return cli.Patch(path.c_str(), h, body, ct);
    if (method == "DELETE") return cli.Delete(path.c_str(), h, body, ct);
    return cli.Options(path.c_str(), h);  // not used by the tests
}

bool Push(httplib::Client& cli, const TestDevice& dev, const json& changes) {
    auto r = PostJson(cli, "/api/v1/sync/push", MakeBatch(dev.id, changes).dump(), dev.token);
    if (!r || r->status != 200) return false;
    bool ok = true;
    json answer = Body(r);
    for (const json& res : answer["results"]) {
        if (res["status"] != "applied") {
            MESSAGE("push result: " << res.dump());
            ok = false;
        }
    }
    return ok;
}

std::string RoutePatternOf(const std::string& full) {
    std::string path = full.substr(0, full.find('?'));
    auto split = [](const std::string& s) {
        std::vector<std::string> out;
        std::stringstream ss(s);
        std::string part;
        while (std::getline(ss, part, '/')) out.push_back(part);
        return out;
    };
    std::vector<std::string> parts = split(path);
    std::vector<const char*> pats;
    for (const comptoir::ApiRoute& r : comptoir::ApiRoutes()) pats.push_back(r.path);
    for (bool literal : {true, false})
        for (const char* p : pats) {
            std::string pat = p;
            if ((pat.find('{') == std::string::npos) != literal) continue;
            std::vector<std::string> pp = split(pat);
            if (pp.size() != parts.size()) continue;
            bool ok = true;
            for (size_t i = 0; i < pp.size() && ok; ++i)
                ok = (pp[i].size() > 2 && pp[i].front() == '{') ? !parts[i].empty() : pp[i] == parts[i];
            if (ok) return pat;
        }
    return path;
}

std::vector<std::string> TablesContaining(const std::string& db_path, const std::string& needle) {
    if (testsrv::UsingPostgres()) return testsrv::PgTablesContaining(db_path, needle);
    std::string err;
    auto db = comptoir::Db::Open(db_path, &err);
    REQUIRE(db);
    std::vector<std::string> tables, hits;
    comptoir::Stmt t = db->Prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
    while (t.Step()) tables.push_back(t.Text(0));
    REQUIRE(tables.size() > 10);
    for (const std::string& table : tables) {
        comptoir::Stmt cols = db->Prepare("SELECT name FROM pragma_table_info(?)");
        cols.Bind(1, table);
        std::vector<std::string> names;
        while (cols.Step()) names.push_back(cols.Text(0));
        for (const std::string& col : names) {
            comptoir::Stmt q = db->Prepare("SELECT count(*) FROM \"" + table + "\" WHERE instr(CAST(\"" + col +
                                           "\" AS TEXT), ?) > 0");
            q.Bind(1, needle);
            REQUIRE(q.Step());
            if (q.Int(0) > 0) hits.push_back(table + "." + col);
        }
    }
    return hits;
}

std::string ReadFileBytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<std::vector<std::string>> ParseCsv(const std::string& text, bool* bom) {
    size_t i = 0;
    *bom = text.rfind("\xEF\xBB\xBF", 0) == 0;
    if (*bom) i = 3;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false, any = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        any = true;
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ';') {
            row.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row.push_back(std::move(cell));
            cell.clear();
            rows.push_back(std::move(row));
            row.clear();
            ++i;
            any = false;
        } else {
            cell += c;
        }
    }
    if (any) {
        row.push_back(cell);
        rows.push_back(row);
    }
    return rows;
}

}  // namespace testsrv
