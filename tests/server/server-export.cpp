// tests/server/server-export.cpp — CSV/XLSX exports: cell escaping (CsvCell), the CSV
// files parsed back and compared with the server's own numbers, formula injection
// neutralized, XLSX files that are real zip workbooks.
#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <set>

#include "core/uuid.h"
#include "server-admin-util.h"
#include "sync/server/export.h"

using namespace testsrv;
using comptoir::CsvCell;
using comptoir::NewUuid;

TEST_CASE("CsvCell: quoting, doubled quotes, formula neutralization") {
    CHECK(CsvCell("Anne") == "Anne");
    CHECK(CsvCell("") == "");
    CHECK(CsvCell("a;b") == "\"a;b\"");
    CHECK(CsvCell("dit \"non\"") == "\"dit \"\"non\"\"\"");
    CHECK(CsvCell("ligne\nsuivante") == "\"ligne\nsuivante\"");
    CHECK(CsvCell("=1+1") == "'=1+1");
    CHECK(CsvCell("+32470") == "'+32470");
    CHECK(CsvCell("-2") == "'-2");
    CHECK(CsvCell("@SUM(A1)") == "'@SUM(A1)");
    CHECK(CsvCell("\tx") == "'\tx");
    CHECK(CsvCell("\r=x") == "\"'\r=x\"");
    CHECK(CsvCell("=HYPERLINK(\"http://x\";\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"");
    CHECK(CsvCell("Zoë Ångström") == "Zoë Ångström");
    CHECK(comptoir::CsvLine({"a", "b;c", ""}) == "a;\"b;c\";\r\n");
    // Round trip through the parser the tests use.
    bool bom = false;
    auto rows = ParseCsv(comptoir::CsvDocument({{"x\"y", "a;b", "l1\r\nl2"}, {"=cmd", "ok", ""}}), &bom);
    CHECK(bom);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == std::vector<std::string>{"x\"y", "a;b", "l1\r\nl2"});
    CHECK(rows[1] == std::vector<std::string>{"'=cmd", "ok", ""});
}

TEST_CASE("exports: CSV matches the server's numbers, formulas neutralized, XLSX is a workbook") {
    TestServer srv;
    REQUIRE(srv.Running());
    auto cli = srv.Client();
    std::string staff = StaffToken(srv, "staff-export");
    TestDevice dev = srv.EnrollDevice("Kiosque export");
    REQUIRE(Call(cli, "POST", "/api/v1/events", R"({"id":"expo","title":"Expo; \"Mons\"","date":"2026-10-01"})", staff)->status == 201);
    json changes = json::array();
    std::vector<std::string> ids;
    const char* items[] = {"materiel.son", "materiel.camera", "materiel.son", "materiel.lumiere", "materiel.son"};
    for (int i = 0; i < 5; ++i) {
        std::string id = NewUuid();
        ids.push_back(id);
        json d = CreatorData(i == 0 ? "=HYPERLINK(\"http://evil\";\"x\")" : "Prénom" + std::to_string(i),
                             i == 1 ? "+Cmd|' /C calc'!A0" : "Nom; \"guillemets\" " + std::to_string(i),
                             "export" + std::to_string(i) + "@example.be");
        changes.push_back(MakeChange(id, "creator", 1, d));
        changes.push_back(MakeChange(NewUuid(), "need", 1, {{"creator_id", id}, {"item", items[i]}, {"frequency", "mensuel"}}));
        if (i < 3) changes.push_back(MakeChange(NewUuid(), "attendance", 1, {{"creator_id", id}, {"event_id", "expo"}, {"at", "2026-10-01T10:00:00Z"}}));
    }
    REQUIRE(Push(cli, dev, changes));

    // creators.csv
    auto r = GetAuth(cli, "/api/v1/exports/creators.csv", staff);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    CHECK(r->get_header_value("Content-Type").find("text/csv") == 0);
    CHECK(r->get_header_value("Content-Disposition").find("creators.csv") != std::string::npos);
    CHECK(r->body.find("\r\n") != std::string::npos);
    CHECK(r->body.find("\n", r->body.find("\r\n") + 2) == r->body.find("\r\n", r->body.find("\r\n") + 2) + 1);
    bool bom = false;
    auto rows = ParseCsv(r->body, &bom);
    CHECK(bom);
    REQUIRE(rows.size() == 6);
    CHECK(rows[0][1] == "Prénom");
    json list = Body(GetAuth(cli, "/api/v1/creators?limit=500", staff));
    REQUIRE(list["total"] == 5);
    std::map<std::string, std::vector<std::string>> by_id;
    for (size_t i = 1; i < rows.size(); ++i) by_id[rows[i][0]] = rows[i];
    for (const json& c : list["creators"]) {
        auto it = by_id.find(c["id"]);
        REQUIRE(it != by_id.end());
        std::string first = c["first_name"], last = c["last_name"];
        // Text kept, except the apostrophe that neutralizes a formula.
        CHECK(it->second[1] == (comptoir::IsFormulaLike(first) ? "'" + first : first));
        CHECK(it->second[2] == (comptoir::IsFormulaLike(last) ? "'" + last : last));
        CHECK(it->second[3] == c["email"]);
    }
    for (const auto& row : rows)
        for (const std::string& cell : row) {
            CAPTURE(cell);
            CHECK_FALSE(comptoir::IsFormulaLike(cell));
        }
    // English headers on request.
    CHECK(ParseCsv(GetAuth(cli, "/api/v1/exports/creators.csv?lang=en", staff)->body, &bom)[0][1] == "First name");

    // needs.csv = the needs report.
    auto n = GetAuth(cli, "/api/v1/exports/needs.csv?threshold=3", staff);
    REQUIRE(n->status == 200);
    auto nrows = ParseCsv(n->body, &bom);
    json report = Body(GetAuth(cli, "/api/v1/reports/needs?threshold=3", staff));
    REQUIRE(nrows.size() == report["items"].size() + 1);
    for (size_t i = 0; i < report["items"].size(); ++i) {
        const json& it = report["items"][i];
        CHECK(nrows[i + 1][0] == it["item"]);
        CHECK(nrows[i + 1][3] == std::to_string(it["creators"].get<int64_t>()));
        CHECK(nrows[i + 1][4] == (it["critical_mass"].get<bool>() ? "oui" : "non"));
    }
    CHECK(nrows[1][0] == "materiel.son");
    CHECK(nrows[1][3] == "3");
    CHECK(nrows[1][2] == "Matériel son");
    CHECK(GetAuth(cli, "/api/v1/exports/needs.csv?from=2026-13-01", staff)->status == 400);

    // attendance.csv = the event's attendance list.
    auto a = GetAuth(cli, "/api/v1/exports/attendance.csv?event=expo", staff);
    auto arows = ParseCsv(a->body, &bom);
    json att = Body(GetAuth(cli, "/api/v1/events/expo/attendance", staff));
    CHECK(att["attendances"] == 3);
    REQUIRE(arows.size() == 4);
    for (size_t i = 1; i < arows.size(); ++i) {
        CHECK(arows[i][0] == "expo");
        CHECK(arows[i][1] == "Expo; \"Mons\"");
    }

    // XLSX: a zip whose central directory lists [Content_Types].xml.
    for (const char* w : {"creators", "needs", "attendance"}) {
        CAPTURE(w);
        auto x = GetAuth(cli, std::string("/api/v1/exports/") + w + ".xlsx", staff);
        REQUIRE(x);
        REQUIRE(x->status == 200);
        CHECK(x->get_header_value("Content-Type") ==
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        REQUIRE(x->body.size() > 100);
        CHECK(x->body.compare(0, 4, "PK\x03\x04") == 0);
        size_t eocd = x->body.rfind(std::string("PK\x05\x06", 4));
        REQUIRE(eocd != std::string::npos);
        size_t cd = x->body.find(std::string("PK\x01\x02", 4));
        REQUIRE(cd != std::string::npos);
        CHECK(x->body.find("[Content_Types].xml", cd) != std::string::npos);
        CHECK(x->body.find("xl/worksheets/sheet1.xml", cd) != std::string::npos);
        // And unzip agrees, when it is installed.
        std::string path = srv.Dir() + "/" + w + ".xlsx";
        FILE* f = std::fopen(path.c_str(), "wb");
        REQUIRE(f);
        std::fwrite(x->body.data(), 1, x->body.size(), f);
        std::fclose(f);
        if (std::system("command -v unzip >/dev/null 2>&1") == 0) {
            CHECK(std::system(("unzip -tq '" + path + "' >/dev/null 2>&1").c_str()) == 0);
            if (std::string(w) == "creators") {
                std::string strings = path + ".strings";
                REQUIRE(std::system(("unzip -p '" + path + "' xl/sharedStrings.xml > '" + strings + "'").c_str()) == 0);
                std::string xml = ReadFileBytes(strings);
                CHECK(xml.find("Prénom1") != std::string::npos);
                CHECK(xml.find("=HYPERLINK") != std::string::npos);  // text, not a formula
            }
        }
    }
}
