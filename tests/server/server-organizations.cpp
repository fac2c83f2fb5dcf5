// tests/server/server-organizations.cpp — several organizations on one server (issue 7
// item 4; the "other organization" column of issue 8's security matrix), over real HTTP
// against the real binary, on SQLite and on PostgreSQL (COMPTOIR_TEST_DATABASE_URL).
//
// Two organizations, "mons" (A) and "liege" (B), each with an admin and a staff account
// of the SAME usernames and passwords, an enrolled device, creators with the SAME email,
// an event, a catalogue entry. For every route of the server's table (ApiRoutes(): a new
// route is covered without editing this file), B's admin, staff and device tokens aim at
// A's ids with bodies that would change A's data: no answer holds an A string, no A row
// changes. Plus: identity merge stays per organization, forged token prefixes, the
// aggregate-only network report, and an existing (pre-organizations) database whose
// tokens keep working.
#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include "core/db.h"
#include "core/uuid.h"
#include "server-admin-util.h"
#include "sync/server/http_server.h"

using namespace testsrv;
using comptoir::NewUuid;

namespace {

const char* kPassword = "same password everywhere";

// Drops the PostgreSQL schemas of the organizations (TestDatabase drops only its own).
struct OrgSchemas {
    std::string base;  // the test schema, from the location's search_path
    std::vector<std::string> slugs;
    explicit OrgSchemas(const std::string& location) {
        size_t p = location.find("search_path%3D");
        if (p != std::string::npos) base = location.substr(p + 14);
    }
    ~OrgSchemas() {
        if (base.empty() || !UsingPostgres()) return;
        PGconn* c = PQconnectdb(TestDatabaseUrl().c_str());
        if (PQstatus(c) == CONNECTION_OK) {
            PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
            for (const std::string& s : slugs) PQclear(PQexec(c, ("DROP SCHEMA IF EXISTS " + base + "_org_" + s + " CASCADE").c_str()));
        }
        PQfinish(c);
    }
};

std::string Login(TestServer& srv, const json& body) {
    auto cli = srv.Client();
    auto r = PostJson(cli, "/api/v1/auth/login", body.dump());
    REQUIRE(r);
    if (r->status != 200) return "";
    return Body(r)["token"].get<std::string>();
}

struct Org {
    std::string slug, marker;  // marker: in every A string (names, titles, labels)
    std::string admin, staff, lonely;  // tokens; lonely: an account only this org has
    TestDevice dev, dev2;
    std::string creator, creator2, alias, event, item, spare_code;
};

TestDevice Enroll(TestServer& srv, const std::string& slug, const std::string& name, std::string* code_out = nullptr) {
    CommandResult add = srv.Cli({"device", "add", name, "--json", "--org", slug});
    REQUIRE(add.exit_code == 0);
    json j = json::parse(add.out, nullptr, false);
    REQUIRE(j.is_object());
    std::string code = j["enrollment_code"].get<std::string>();
    CHECK(code.rfind(slug + ".", 0) == 0);  // the organization travels with the code
    if (code_out) {
        *code_out = code;
        return {};
    }
    auto cli = srv.Client();
    auto r = PostJson(cli, "/api/v1/devices/enroll", json{{"enrollment_code", code}, {"device_name", name}}.dump());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    TestDevice d{Body(r)["device_id"], Body(r)["device_token"]};
    CHECK(d.token.rfind(slug + ".", 0) == 0);
    return d;
}

Org SetUpOrg(TestServer& srv, const std::string& slug, const std::string& marker) {
    Org o;
    o.slug = slug;
    o.marker = marker;
    REQUIRE(srv.Cli({"org", "add", slug, "--name", "CRC " + slug}).exit_code == 0);
    REQUIRE(srv.Cli({"admin", "add", "boss", "--org", slug}, std::string(kPassword) + "\n").exit_code == 0);
    REQUIRE(srv.Cli({"admin", "add", "clerk", "--role", "staff", "--org", slug}, std::string(kPassword) + "\n").exit_code == 0);
    REQUIRE(srv.Cli({"admin", "add", "only-" + slug, "--role", "staff", "--org", slug}, std::string(kPassword) + "\n")
                .exit_code == 0);
    o.admin = Login(srv, {{"username", "boss"}, {"password", kPassword}, {"organization", slug}});
    o.staff = Login(srv, {{"username", "clerk@" + slug}, {"password", kPassword}});  // the user@org form
    o.lonely = Login(srv, {{"username", "only-" + slug}, {"password", kPassword}, {"organization", slug}});
    REQUIRE(o.admin.rfind(slug + ".", 0) == 0);
    REQUIRE(o.staff.rfind(slug + ".", 0) == 0);
    REQUIRE(!o.lonely.empty());
    o.dev = Enroll(srv, slug, "Kiosque " + marker);
    o.dev2 = Enroll(srv, slug, "Tablette " + marker);
    Enroll(srv, slug, "Réserve " + marker, &o.spare_code);
    // The same email in both organizations; a second id for it inside one (an alias).
    o.creator = NewUuid();
    o.creator2 = NewUuid();
    o.alias = NewUuid();
    auto cli = srv.Client();
    REQUIRE(Push(cli, o.dev, json::array({MakeChange(o.creator, "creator", 1, CreatorData("Anne", "Anne" + marker, "anne@example.be")),
                                          MakeChange(o.creator2, "creator", 1, CreatorData("Bob", "Bob" + marker, "bob-" + slug + "@example.be")),
                                          MakeChange(NewUuid(), "need", 1, {{"creator_id", o.creator}, {"item", "materiel.son"}}),
                                          MakeChange(NewUuid(), "need", 1, {{"creator_id", o.creator2}, {"item", "materiel.son"}})})));
    auto second = PostJson(cli, "/api/v1/sync/push",
                           MakeBatch(o.dev2.id, json::array({MakeChange(o.alias, "creator", 1,
                                                                        CreatorData("Anne", "Anne" + marker, "Anne@Example.be"))}))
                               .dump(),
                           o.dev2.token);
    REQUIRE(second);
    REQUIRE(second->status == 200);
    o.event = "ev-" + slug;
    REQUIRE(srv.Cli({"event", "add", "--id", o.event, "--title", "Atelier " + marker, "--date", "2026-12-05", "--org", slug})
                .exit_code == 0);
    REQUIRE(Push(cli, o.dev, json::array({MakeChange(NewUuid(), "attendance", 1, {{"creator_id", o.creator}, {"event_id", o.event}})})));
    o.item = "materiel.local-" + slug;
    auto e = Call(cli, "POST", "/api/v1/catalogue",
                  json{{"kind", "need_item"}, {"id", o.item}, {"parent", "materiel"}, {"label_fr", "Banc " + marker},
                       {"label_nl", "Bank " + marker}, {"label_en", "Bench " + marker}}
                      .dump(),
                  o.admin);
    REQUIRE(e);
    REQUIRE(e->status == 201);
    return o;
}

// The route pattern with A's ids in it, plus a query aimed at A's data.
std::string Concrete(const comptoir::ApiRoute& r, const Org& a) {
    std::string p = r.path, m = r.method;
    auto put = [&](const std::string& param, const std::string& value) {
        size_t i = p.find(param);
        if (i != std::string::npos) p.replace(i, param.size(), value);
    };
    if (p.rfind("/api/v1/events/", 0) == 0) put("{id}", a.event);
    if (p.rfind("/api/v1/devices/", 0) == 0) put("{id}", a.dev.id);
    put("{kind}", "need_item");
    if (p.rfind("/api/v1/catalogue/", 0) == 0) put("{id}", a.item);
    put("{item}", a.item);
    put("{username}", "only-" + a.slug);
    while (p.find('{') != std::string::npos) {  // any other parameter (a future route): A's creator
        size_t i = p.find('{'), j = p.find('}', i);
        p.replace(i, j - i + 1, a.creator);
    }
    if (m == "GET" && p == "/api/v1/creators") p += "?q=" + a.marker;
    if (m == "GET" && (p.find("/exports/") != std::string::npos || p.find("/reports/") != std::string::npos) &&
        p.find("/network/") == std::string::npos)
        p += "?event=" + a.event;
    return p;
}

// A body that would change A's data if the request reached A's store.
std::string BodyFor(const comptoir::ApiRoute& r, const Org& a, const Org& b) {
    std::string key = std::string(r.method) + " " + r.path;
    if (key == "PATCH /api/v1/creators/{id}") return json{{"first_name", "Pirate"}}.dump();
    if (key == "POST /api/v1/creators/{id}/merge") return json{{"into", a.creator2}}.dump();
    if (key == "POST /api/v1/events") return json{{"id", a.event}, {"title", "Pirate event"}, {"date", "2026-12-24"}}.dump();
    if (key == "PATCH /api/v1/events/{id}") return json{{"title", "Pirate"}}.dump();
    if (key == "POST /api/v1/catalogue")
        return json{{"kind", "need_item"}, {"id", a.item}, {"parent", "materiel"}, {"label_fr", "Pirate"},
                    {"label_nl", "Pirate"}, {"label_en", "Pirate"}}
            .dump();
    if (key == "PATCH /api/v1/catalogue/{kind}/{id}") return json{{"label_fr", "Pirate"}}.dump();
    if (key == "POST /api/v1/devices") return json{{"name", "Pirate device"}}.dump();
    if (key == "PUT /api/v1/devices/{id}/current-event") return json{{"event_id", nullptr}}.dump();
    if (key == "POST /api/v1/accounts")
        return json{{"username", "only-" + a.slug}, {"password", "pirate password"}, {"role", "admin"}}.dump();
    if (key == "PATCH /api/v1/accounts/{username}") return json{{"disabled", true}}.dump();
    if (key == "POST /api/v1/sync/push")
        return MakeBatch(b.dev.id, json::array({MakeChange(a.creator, "creator", 9, CreatorData("Pirate", "Pirate", "pirate@example.be"))}))
            .dump();
    if (key == "POST /api/v1/devices/enroll") {
        std::string secret = a.spare_code.substr(a.spare_code.find('.') + 1);
        return json{{"enrollment_code", b.slug + "." + secret}, {"device_name", "Pirate"}}.dump();
    }
    if (key == "POST /api/v1/auth/login")
        return json{{"username", "only-" + a.slug}, {"password", kPassword}, {"organization", b.slug}}.dump();
    return "{}";
}

// The text of an answer (an XLSX workbook: every part, unzipped).
std::string AnswerText(TestServer& srv, const httplib::Result& r) {
    if (r->get_header_value("Content-Type").find("spreadsheetml") == std::string::npos) return r->body;
    std::string path = srv.Dir() + "/answer.xlsx", out = srv.Dir() + "/answer.txt";
    std::ofstream(path, std::ios::binary) << r->body;
    std::string cmd = "python3 -c \"import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); "
                      "sys.stdout.write(''.join(z.read(n).decode('utf-8','replace') for n in z.namelist()))\" '" +
                      path + "' > '" + out + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::string text = ReadFileBytes(out);
    CHECK(text.find("sheetData") != std::string::npos);  // really unzipped
    return text;
}

}  // namespace

TEST_CASE("organizations: every endpoint x other organization's admin, staff and device") {
    TestServer srv;
    REQUIRE(srv.Running());
    OrgSchemas schemas(srv.Database());
    schemas.slugs = {"mons", "liege"};
    Org a = SetUpOrg(srv, "mons", "MONSONLY");
    Org b = SetUpOrg(srv, "liege", "LIEGEONLY");
    auto cli = srv.Client();

    // Identity merge by email stays per organization: one Anne in each, two persons.
    for (const Org* o : {&a, &b}) {
        auto r = GetAuth(cli, "/api/v1/creators?email=anne@example.be", o->staff);
        REQUIRE(r);
        REQUIRE(r->status == 200);
        json list = Body(r)["creators"];
        REQUIRE(list.size() == 1);
        CHECK(list[0]["creator"]["id"] == o->creator);
        CHECK(list[0]["creator"]["data"]["last_name"] == "Anne" + o->marker);
        CHECK(list[0]["aliases"].dump().find(o->alias) != std::string::npos);
    }
    CHECK(a.creator != b.creator);

    // Not a.creator: B's device writes a record of B's own under that id (and B may then
    // read it); A's person is recognized by the marker in every A name.
    const std::vector<std::string> a_strings = {a.marker, a.creator2, a.alias, a.dev.id, a.dev2.id, "only-mons@"};
    struct Who {
        const char* name;
        std::string token;
    };
    std::vector<Who> others = {{"B admin", b.admin}, {"B staff", b.staff}, {"B device", b.dev.token}};
    int routes = 0;
    for (const comptoir::ApiRoute& r : comptoir::ApiRoutes()) {
        ++routes;
        std::string path = Concrete(r, a), body = BodyFor(r, a, b);
        for (const Who& w : others) {
            CAPTURE(std::string(r.method) + " " + path + " as " + w.name);
            auto res = Call(cli, r.method, path, body, w.token);
            REQUIRE(res);
            CHECK(res->status < 500);
            std::string text = res->status == 200 ? AnswerText(srv, res) : res->body;
            for (const std::string& s : a_strings) {
                CAPTURE(s);
                CHECK(text.find(s) == std::string::npos);
            }
        }
    }
    CHECK(routes >= 38);

    // B's own answers are B's: its search finds its people, never A's.
    auto mine = GetAuth(cli, "/api/v1/creators", b.admin);
    REQUIRE(mine);
    CHECK(Body(mine)["total"].get<int>() >= 2);
    CHECK(mine->body.find(b.marker) != std::string::npos);
    CHECK(mine->body.find(a.marker) == std::string::npos);

    // A is untouched: creators, audit trail, events, catalogue, devices, accounts, sessions.
    auto creator = GetAuth(cli, "/api/v1/creators/" + a.creator, a.admin);
    REQUIRE(creator);
    REQUIRE(creator->status == 200);
    CHECK(Body(creator)["creator"]["data"]["first_name"] == "Anne");
    CHECK(Body(creator)["creator"]["data"]["last_name"] == "Anne" + a.marker);
    auto audit = GetAuth(cli, "/api/v1/creators/" + a.creator + "/audit", a.admin);
    REQUIRE(audit);
    CHECK(Body(audit)["entries"].empty());
    CHECK(GetAuth(cli, "/api/v1/creators/" + a.creator2, a.admin)->status == 200);  // not merged away
    auto events = GetAuth(cli, "/api/v1/events", a.admin);
    REQUIRE(events);
    CHECK(events->body.find("Atelier MONSONLY") != std::string::npos);
    CHECK(events->body.find("Pirate") == std::string::npos);
    CHECK(events->body.find(b.marker) == std::string::npos);
    auto catalogue = GetAuth(cli, "/api/v1/catalogue", a.admin);
    REQUIRE(catalogue);
    CHECK(catalogue->body.find("Banc MONSONLY") != std::string::npos);
    CHECK(catalogue->body.find("Pirate") == std::string::npos);
    CHECK(catalogue->body.find(b.item) == std::string::npos);
    auto devices = GetAuth(cli, "/api/v1/devices", a.admin);
    REQUIRE(devices);
    CHECK(Body(devices)["devices"].size() == 2);
    const json device_list = Body(devices)["devices"];   // a range-for over a temporary's member would dangle
    for (const json& d : device_list) CHECK(d["revoked_at"].is_null());
    auto accounts = GetAuth(cli, "/api/v1/accounts", a.admin);
    REQUIRE(accounts);
    CHECK(Body(accounts)["accounts"].size() == 3);
    const json account_list = Body(accounts)["accounts"];
    for (const json& u : account_list) CHECK(u["disabled"] == false);
    CHECK(GetAuth(cli, "/api/v1/catalogue", a.lonely)->status == 200);  // A's session still valid
    CHECK(Push(cli, a.dev, json::array({MakeChange(a.creator, "creator", 2, CreatorData("Anne", "Anne" + a.marker, "anne@example.be"))})));
    auto pulled = GetAuth(cli, "/api/v1/sync/pull", a.dev.token);
    REQUIRE(pulled);
    CHECK(pulled->body.find("Atelier MONSONLY") != std::string::npos);
    CHECK(pulled->body.find(b.marker) == std::string::npos);
    CHECK(pulled->body.find("Pirate") == std::string::npos);
    // A's spare enrollment code was not consumed by B's attempt, and works for A.
    auto enrolled = PostJson(cli, "/api/v1/devices/enroll", json{{"enrollment_code", a.spare_code}, {"device_name", "Réserve"}}.dump());
    REQUIRE(enrolled);
    CHECK(enrolled->status == 200);
    // B still has its one Anne: nothing of A's merged into it.
    auto b_anne = GetAuth(cli, "/api/v1/creators?email=anne@example.be", b.admin);
    REQUIRE(b_anne);
    REQUIRE(Body(b_anne)["creators"].size() == 1);
    CHECK(Body(b_anne)["creators"][0]["creator"]["id"] == b.creator);
}

TEST_CASE("organizations: forged prefixes, logins and the CLI") {
    TestServer srv;
    REQUIRE(srv.Running());
    OrgSchemas schemas(srv.Database());
    schemas.slugs = {"mons", "liege"};
    std::string def_admin = srv.AdminToken();  // the default organization (no prefix)
    CHECK(def_admin.find('.') == std::string::npos);
    Org a = SetUpOrg(srv, "mons", "MONSONLY");
    REQUIRE(srv.Cli({"org", "add", "liege", "--name", "CRC Liège"}).exit_code == 0);
    auto cli = srv.Client();

    std::string secret = a.admin.substr(a.admin.find('.') + 1);
    for (const std::string& forged : {secret, "liege." + secret, "nowhere." + secret, "mons." + def_admin,
                                      "MONS." + secret + "x", std::string("mons.")}) {
        CAPTURE(forged);
        auto r = GetAuth(cli, "/api/v1/creators", forged);
        REQUIRE(r);
        CHECK(r->status == 401);
    }
    CHECK(GetAuth(cli, "/api/v1/creators", "MONS." + secret)->status == 200);  // the slug is case-insensitive
    std::string dev_secret = a.dev.token.substr(a.dev.token.find('.') + 1);
    auto stripped = PostJson(cli, "/api/v1/sync/push", MakeBatch(a.dev.id, json::array()).dump(), dev_secret);
    REQUIRE(stripped);
    CHECK(stripped->status == 401);

    // Logins: the same name exists in "mons" only; the organization decides.
    CHECK(Login(srv, {{"username", "boss"}, {"password", kPassword}}).empty());  // default org: no "boss"
    CHECK(Login(srv, {{"username", "boss"}, {"password", kPassword}, {"organization", "liege"}}).empty());
    CHECK(Login(srv, {{"username", "boss"}, {"password", kPassword}, {"organization", "nowhere"}}).empty());
    CHECK(!Login(srv, {{"username", "boss@mons"}, {"password", kPassword}}).empty());
    auto bad = PostJson(cli, "/api/v1/auth/login", json{{"username", "boss"}, {"password", kPassword}, {"organization", 3}}.dump());
    REQUIRE(bad);
    CHECK(bad->status == 400);

    // An admin of an organization mints codes of that organization.
    auto code = Call(cli, "POST", "/api/v1/devices", R"({"name":"Tablette API"})", a.admin);
    REQUIRE(code);
    REQUIRE(code->status == 201);
    std::string c = Body(code)["enrollment_code"];
    CHECK(c.rfind("mons.", 0) == 0);
    CHECK(Body(code)["enrollment_url"].get<std::string>().find("#enroll=mons.") != std::string::npos);
    auto dev = PostJson(cli, "/api/v1/devices/enroll", json{{"enrollment_code", c}, {"device_name", "Tablette API"}}.dump());
    REQUIRE(dev);
    REQUIRE(dev->status == 200);
    CHECK(Body(dev)["device_token"].get<std::string>().rfind("mons.", 0) == 0);
    auto listed = GetAuth(cli, "/api/v1/devices", a.admin);
    CHECK(listed->body.find("Tablette API") != std::string::npos);
    CHECK(GetAuth(cli, "/api/v1/devices", def_admin)->body.find("Tablette API") == std::string::npos);

    // Phones: the join code a kiosk of "mons" pulls for a coming event carries the prefix,
    // and the phone it enrols belongs to "mons".
    std::string join, cursor;
    for (int page = 0; page < 20; ++page) {
        auto pulled = GetAuth(cli, "/api/v1/sync/pull?since=" + cursor, a.dev.token);
        REQUIRE(pulled);
        REQUIRE(pulled->status == 200);
        json body = Body(pulled);
        for (const json& ch : body["changes"])
            if (ch["entity"] == "setting" && ch["id"] == "join." + a.event) join = ch["data"]["value"].get<std::string>();
        cursor = body["cursor"].get<std::string>();
        if (!body.value("has_more", false)) break;
    }
    REQUIRE(!join.empty());
    CHECK(join.rfind("mons.", 0) == 0);
    auto phone = PostJson(cli, "/api/v1/devices/enroll",
                          json{{"join_code", join}, {"device_name", "Téléphone"}, {"request_id", NewUuid()}}.dump());
    REQUIRE(phone);
    CHECK(phone->status == 200);
    CHECK(Body(phone)["device_token"].get<std::string>().rfind("mons.", 0) == 0);
    auto wrong = PostJson(cli, "/api/v1/devices/enroll",
                          json{{"join_code", "liege." + join.substr(5)}, {"device_name", "Téléphone"}, {"request_id", NewUuid()}}.dump());
    REQUIRE(wrong);
    CHECK(wrong->status == 400);

    // CLI: list, refusals.
    CommandResult list = srv.Cli({"org", "list", "--json"});
    REQUIRE(list.exit_code == 0);
    json orgs = json::parse(list.out, nullptr, false);
    REQUIRE(orgs.is_array());
    REQUIRE(orgs.size() == 2);
    CHECK(orgs[0]["slug"] == "liege");
    CHECK(orgs[1]["slug"] == "mons");
    CHECK(srv.Cli({"org", "add", "mons", "--name", "Encore"}).exit_code != 0);
    CHECK(srv.Cli({"org", "add", "default", "--name", "X"}).exit_code != 0);
    CHECK(srv.Cli({"org", "add", "Bad_Slug", "--name", "X"}).exit_code != 0);
    CHECK(srv.Cli({"device", "add", "X", "--org", "nowhere"}).exit_code != 0);
    CHECK(srv.Cli({"device", "list", "--json", "--org", "mons"}).out.find(a.dev.id) != std::string::npos);
    CHECK(srv.Cli({"device", "list", "--json"}).out.find(a.dev.id) == std::string::npos);
}

TEST_CASE("organizations: the network needs report sums counts, never people") {
    TestServer srv;
    REQUIRE(srv.Running());
    OrgSchemas schemas(srv.Database());
    schemas.slugs = {"mons", "liege"};
    Org a = SetUpOrg(srv, "mons", "MONSONLY");
    Org b = SetUpOrg(srv, "liege", "LIEGEONLY");
    auto cli = srv.Client();
    // One default-organization creator with the same need.
    TestDevice d = srv.EnrollDevice("Kiosque réseau");
    std::string dc = NewUuid();
    REQUIRE(Push(cli, d, json::array({MakeChange(dc, "creator", 1, CreatorData("Dora", "DEFAULTONLY", "anne@example.be")),
                                      MakeChange(NewUuid(), "need", 1, {{"creator_id", dc}, {"item", "materiel.son"}})})));
    // "net" exists in the default organization AND in liege; only the default's is granted.
    REQUIRE(srv.Cli({"admin", "add", "net", "--role", "staff"}, std::string(kPassword) + "\n").exit_code == 0);
    REQUIRE(srv.Cli({"admin", "add", "net", "--role", "admin", "--org", "liege"}, std::string(kPassword) + "\n").exit_code == 0);
    CHECK(srv.Cli({"org", "grant-network", "nobody"}).exit_code != 0);
    REQUIRE(srv.Cli({"org", "grant-network", "net"}).exit_code == 0);
    std::string net = Login(srv, {{"username", "net"}, {"password", kPassword}});
    std::string liege_net = Login(srv, {{"username", "net"}, {"password", kPassword}, {"organization", "liege"}});
    std::string def_admin = srv.AdminToken();  // default admin without the right
    REQUIRE(!net.empty());
    REQUIRE(!liege_net.empty());

    const std::string path = "/api/v1/network/reports/needs?threshold=3";
    CHECK(GetAuth(cli, path, "")->status == 401);
    for (const std::string& t : {liege_net, b.admin, a.staff, def_admin, d.token, a.dev.token}) {
        auto r = GetAuth(cli, path, t);
        REQUIRE(r);
        CHECK(r->status == 403);
    }
    auto r = GetAuth(cli, path, net);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    json rep = Body(r);
    CHECK(rep["organizations"].size() == 3);
    CHECK(rep["creators_considered"] == 5);  // Anne + Bob in each, Dora
    json son;
    for (const json& it : rep["items"])
        if (it["item"] == "materiel.son") son = it;
    REQUIRE(son.is_object());
    CHECK(son["creators"] == 5);
    CHECK(son["by_organization"]["mons"] == 2);
    CHECK(son["by_organization"]["liege"] == 2);
    CHECK(son["by_organization"]["default"] == 1);
    CHECK(son["critical_mass"] == true);
    // Aggregate only: no person, no id, no personal field.
    for (const std::string& s : {a.marker, b.marker, std::string("DEFAULTONLY"), std::string("@"), a.creator, b.creator, dc,
                                 std::string("email"), std::string("first_name"), std::string("contacts")}) {
        CAPTURE(s);
        CHECK(r->body.find(s) == std::string::npos);
    }
    CHECK(GetAuth(cli, path + "&event=" + a.event, net)->status == 400);
    REQUIRE(srv.Cli({"org", "revoke-network", "net"}).exit_code == 0);
    CHECK(GetAuth(cli, path, net)->status == 403);
}

TEST_CASE("organizations: an existing database keeps its tokens; organizations come later") {
    TempDir dir;
    TestDatabase db(dir.path);
    REQUIRE(db.Error().empty());
    OrgSchemas schemas(db.Location());
    schemas.slugs = {"namur"};
    std::string admin, staff;
    TestDevice dev;
    {
        TestServer before({}, "", db.Location());
        REQUIRE(before.Running());
        admin = before.AdminToken();
        dev = before.EnrollDevice("Kiosque historique");
        auto cli = before.Client();
        REQUIRE(Push(cli, dev, json::array({MakeChange(NewUuid(), "creator", 1, CreatorData("Eva", "Ancienne", "eva@example.be"))})));
        before.Stop();
    }
    // As a database made before organizations existed: no registry tables.
    if (UsingPostgres()) {
        PGconn* c = PQconnectdb(db.Location().c_str());
        REQUIRE(PQstatus(c) == CONNECTION_OK);
        PGresult* r = PQexec(c, "DROP TABLE organizations; DROP TABLE organization_network_accounts");
        CHECK(PQresultStatus(r) == PGRES_COMMAND_OK);
        PQclear(r);
        PQfinish(c);
    } else {
        std::string err;
        auto sqlite = comptoir::Db::Open(db.Location(), &err);
        REQUIRE(sqlite);
        REQUIRE(sqlite->Exec("DROP TABLE organizations; DROP TABLE organization_network_accounts", &err));
    }
    TestServer after({}, "", db.Location());
    REQUIRE(after.Running());
    auto cli = after.Client();
    auto found = GetAuth(cli, "/api/v1/creators?q=Ancienne", admin);
    REQUIRE(found);
    CHECK(found->status == 200);
    CHECK(Body(found)["total"] == 1);
    CHECK(Push(cli, dev, json::array({MakeChange(NewUuid(), "creator", 1, CreatorData("Fay", "Ancienne", "fay@example.be"))})));
    REQUIRE(after.Cli({"org", "add", "namur", "--name", "CRC Namur"}).exit_code == 0);
    CHECK(Push(cli, dev, json::array({MakeChange(NewUuid(), "creator", 1, CreatorData("Gil", "Ancienne", "gil@example.be"))})));
    CHECK(Body(GetAuth(cli, "/api/v1/creators?q=Ancienne", admin))["total"] == 3);
    // The running server finds the organization added by the CLI (no restart).
    REQUIRE(after.Cli({"admin", "add", "boss", "--org", "namur"}, std::string(kPassword) + "\n").exit_code == 0);
    std::string namur;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // registry re-read at most every 50 ms
    for (int i = 0; i < 3 && namur.empty(); ++i) {
        namur = Login(after, {{"username", "boss"}, {"password", kPassword}, {"organization", "namur"}});
        if (namur.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    REQUIRE(!namur.empty());
    CHECK(Body(GetAuth(cli, "/api/v1/creators", namur))["total"] == 0);
    if (!UsingPostgres()) {  // SQLite: the organization's own file, next to the default one
        std::string file = db.Location().substr(0, db.Location().rfind(".db")) + ".org-namur.db";
        CHECK(std::ifstream(file).good());
    }
}
