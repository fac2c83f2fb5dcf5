// tests/server/server-admin-manage.cpp — events and the per-device current event,
// catalogue, devices, accounts; creators edit/audit/duplicates/merge; needs contacts
// and trend.
#include <doctest/doctest.h>

#include "core/uuid.h"
#include "server-admin-util.h"

using namespace testsrv;
using comptoir::NewUuid;

namespace {

// The last pulled value of a setting, or "<none>".
std::string PulledSetting(httplib::Client& cli, const std::string& token, const std::string& key) {
    json pull = Body(GetAuth(cli, "/api/v1/sync/pull", token));
    std::string v = "<none>";
    for (const json& ch : pull["changes"])
        if (ch["entity"] == "setting" && ch["id"] == key) v = ch["data"]["value"];
    return v;
}

json PulledEntity(httplib::Client& cli, const std::string& token, const std::string& entity, const std::string& id) {
    json pull = Body(GetAuth(cli, "/api/v1/sync/pull", token));
    json last;
    for (const json& ch : pull["changes"])
        if (ch["entity"] == entity && ch["id"] == id) last = ch;
    return last;
}

}  // namespace

TEST_CASE("events, per-device current event, catalogue, devices and accounts") {
    AdminSetup setup("staff-manage");
    auto& [srv, cli, admin, staff] = setup;
    TestDevice a = srv.EnrollDevice("Kiosque A");
    TestDevice b = srv.EnrollDevice("Kiosque B");

    // Events: validation with field codes, creation, edit, pull.
    auto bad = Call(cli, "POST", "/api/v1/events", R"({"title":"","date":"2026-02-30"})", staff);
    REQUIRE(bad);
    CHECK(bad->status == 400);
    json berr = Body(bad)["error"];
    CHECK(berr["errors"].size() >= 2);
    auto bad_sector = Call(cli, "POST", "/api/v1/events", R"({"title":"X","date":"2026-03-01","sector":"nope"})", staff);
    CHECK(bad_sector->status == 400);
    CHECK(Body(bad_sector)["error"]["field"] == "sector");
    auto ev = Call(cli, "POST", "/api/v1/events", R"({"title":"Rencontre cinéma","date":"2026-12-01","sector":"cinema","place":"Mons"})", staff);
    REQUIRE(ev->status == 201);
    std::string ev_id = Body(ev)["id"];
    CHECK(Call(cli, "POST", "/api/v1/events", json{{"id", ev_id}, {"title", "T"}, {"date", "2026-12-01"}}.dump(), staff)->status == 409);
    auto ed = Call(cli, "PATCH", "/api/v1/events/" + ev_id, R"J({"title":"Rencontre cinéma (2)","retired":true})J", staff);
    REQUIRE(ed->status == 200);
    CHECK(Body(ed)["title"] == "Rencontre cinéma (2)");
    CHECK(Body(ed)["place"] == "Mons");
    CHECK(Call(cli, "PATCH", "/api/v1/events/" + ev_id, R"({"id":"other"})", staff)->status == 400);
    json pulled = PulledEntity(cli, a.token, "event", ev_id);
    CHECK(pulled["data"]["title"] == "Rencontre cinéma (2)");
    CHECK(pulled["data"]["retired"] == true);
    json events = Body(GetAuth(cli, "/api/v1/events", staff))["events"];
    REQUIRE(events.size() == 1);
    CHECK(events[0]["id"] == ev_id);

    // Current event: each device gets its own value.
    auto e2 = Call(cli, "POST", "/api/v1/events", R"({"id":"atelier","title":"Atelier","date":"2026-12-02"})", staff);
    REQUIRE(e2->status == 201);
    REQUIRE(Call(cli, "PUT", "/api/v1/devices/" + a.id + "/current-event", json{{"event_id", ev_id}}.dump(), staff)->status == 200);
    REQUIRE(Call(cli, "PUT", "/api/v1/devices/" + b.id + "/current-event", R"({"event_id":"atelier"})", staff)->status == 200);
    CHECK(PulledSetting(cli, a.token, "current_event") == ev_id);
    CHECK(PulledSetting(cli, b.token, "current_event") == "atelier");
    CHECK(PulledSetting(cli, admin, "current_event") == "<none>");
    REQUIRE(Call(cli, "PUT", "/api/v1/devices/" + a.id + "/current-event", R"({"event_id":null})", staff)->status == 200);
    CHECK(PulledSetting(cli, a.token, "current_event") == "");
    CHECK(PulledSetting(cli, b.token, "current_event") == "atelier");
    CHECK(Call(cli, "PUT", "/api/v1/devices/" + a.id + "/current-event", R"({"event_id":"nope"})", staff)->status == 400);
    CHECK(Call(cli, "PUT", "/api/v1/devices/" + NewUuid() + "/current-event", R"({"event_id":"atelier"})", staff)->status == 404);

    // Catalogue: three labels required, parent checked, retire keeps history.
    auto miss = Call(cli, "POST", "/api/v1/catalogue",
                     R"({"kind":"need_item","id":"materiel.drone","parent":"materiel","label_fr":"Drone","label_nl":"","label_en":"Drone"})", admin);
    REQUIRE(miss->status == 400);
    CHECK(Body(miss)["error"]["field"] == "label_nl");
    CHECK(Body(miss)["error"]["code"] == "required");
    auto orphan = Call(cli, "POST", "/api/v1/catalogue",
                       R"({"kind":"need_item","id":"materiel.drone","parent":"nope","label_fr":"Drone","label_nl":"Drone","label_en":"Drone"})", admin);
    CHECK(orphan->status == 400);
    CHECK(Body(orphan)["error"]["field"] == "parent");
    auto add = Call(cli, "POST", "/api/v1/catalogue",
                    R"J({"kind":"need_item","id":"materiel.drone","parent":"materiel","label_fr":"Drone","label_nl":"Drone (NL)","label_en":"Drone (EN)","sort":99})J", admin);
    REQUIRE(add->status == 201);
    CHECK(Call(cli, "POST", "/api/v1/catalogue", add->body, admin)->status == 409);
    CHECK(PulledEntity(cli, a.token, "catalogue_item", "materiel.drone")["data"]["label_nl"] == "Drone (NL)");
    // A need for it, then retire it: the need stays, devices get retired: true.
    std::string cr = NewUuid();
    REQUIRE(Push(cli, a, json::array({MakeChange(cr, "creator", 1, CreatorData("Dora", "Drone", "dora@example.be")),
                                      MakeChange(NewUuid(), "need", 1, {{"creator_id", cr}, {"item", "materiel.drone"}})})));
    CHECK(Call(cli, "PATCH", "/api/v1/catalogue/sector/materiel.drone", R"({"retired":true})", admin)->status == 404);
    CHECK(Call(cli, "PATCH", "/api/v1/catalogue/need_item/materiel.drone", R"({"label_en":""})", admin)->status == 400);
    auto ret = Call(cli, "PATCH", "/api/v1/catalogue/need_item/materiel.drone", R"({"retired":true})", admin);
    REQUIRE(ret->status == 200);
    CHECK(Body(ret)["label_nl"] == "Drone (NL)");
    CHECK(PulledEntity(cli, a.token, "catalogue_item", "materiel.drone")["data"]["retired"] == true);
    json bundle = Body(GetAuth(cli, "/api/v1/creators/" + cr, staff));
    CHECK(bundle["needs"].size() == 1);
    bool listed = false;
    json catalogue = Body(GetAuth(cli, "/api/v1/catalogue", staff));
    for (const json& e : catalogue["entries"])
        if (e["id"] == "materiel.drone") listed = e["retired"] == true;
    CHECK(listed);

    // Devices: list, new enrollment code with QR, revoke.
    auto nd = Call(cli, "POST", "/api/v1/devices", R"({"name":"Tablette accueil"})", admin);
    REQUIRE(nd->status == 201);
    json ndj = Body(nd);
    CHECK(ndj["enrollment_url"].get<std::string>().find("#enroll=" + ndj["enrollment_code"].get<std::string>()) != std::string::npos);
    CHECK(ndj["qr_svg"].get<std::string>().rfind("<svg", 0) == 0);
    CHECK(ndj["qr_svg"].get<std::string>().find("<path d=\"M") != std::string::npos);
    auto enr = PostJson(cli, "/api/v1/devices/enroll",
                        json{{"enrollment_code", ndj["enrollment_code"]}, {"device_name", "Tablette accueil"}}.dump());
    REQUIRE(enr->status == 200);
    CHECK(Call(cli, "POST", "/api/v1/devices", R"({"name":""})", admin)->status == 400);
    json devs = Body(GetAuth(cli, "/api/v1/devices", admin))["devices"];
    CHECK(devs.size() == 3);
    bool a_synced = false;
    for (const json& d : devs)
        if (d["id"] == a.id) a_synced = d["last_sync_at"].is_string();
    CHECK(a_synced);
    REQUIRE(Call(cli, "POST", "/api/v1/devices/" + b.id + "/revoke", "{}", admin)->status == 200);
    CHECK(GetAuth(cli, "/api/v1/sync/pull", b.token)->status == 403);
    CHECK(Call(cli, "POST", "/api/v1/devices/" + NewUuid() + "/revoke", "{}", admin)->status == 404);

    // Accounts.
    auto weak = Call(cli, "POST", "/api/v1/accounts", R"({"username":"julie","password":"court","role":"staff"})", admin);
    REQUIRE(weak->status == 400);
    CHECK(Body(weak)["error"]["code"] == "password.too_short");
    CHECK(Call(cli, "POST", "/api/v1/accounts", R"({"username":"ju lie","password":"assez longue phrase","role":"staff"})", admin)->status == 400);
    CHECK(Call(cli, "POST", "/api/v1/accounts", R"({"username":"julie","password":"assez longue phrase","role":"boss"})", admin)->status == 400);
    REQUIRE(Call(cli, "POST", "/api/v1/accounts", R"({"username":"julie","password":"assez longue phrase","role":"staff"})", admin)->status == 201);
    CHECK(Call(cli, "POST", "/api/v1/accounts", R"({"username":"julie","password":"assez longue phrase"})", admin)->status == 409);
    auto login = PostJson(cli, "/api/v1/auth/login", R"({"username":"julie","password":"assez longue phrase"})");
    REQUIRE(login->status == 200);
    std::string julie = Body(login)["token"];
    CHECK(GetAuth(cli, "/api/v1/accounts", julie)->status == 403);
    REQUIRE(Call(cli, "PATCH", "/api/v1/accounts/julie", R"({"role":"admin"})", admin)->status == 200);
    CHECK(GetAuth(cli, "/api/v1/accounts", julie)->status == 200);  // the role applies at once
    CHECK(Call(cli, "PATCH", "/api/v1/accounts/admin-test", R"({"disabled":true})", admin)->status == 409);
    CHECK(Call(cli, "PATCH", "/api/v1/accounts/nobody", R"({"disabled":true})", admin)->status == 404);
    json accts = Body(GetAuth(cli, "/api/v1/accounts", admin))["accounts"];
    CHECK(accts.size() == 3);
    CHECK(accts.dump().find("password") == std::string::npos);
    // Secrets and personal data never reach the log.
    std::string log = srv.LogText();
    CHECK(log.find("assez longue phrase") == std::string::npos);
    CHECK(log.find("dora@example.be") == std::string::npos);
    CHECK(log.find(ndj["enrollment_code"].get<std::string>()) == std::string::npos);
}

TEST_CASE("creators: search, edit with audit trail, duplicates, merge; needs contacts and trend") {
    AdminSetup setup("staff-creators");
    auto& [srv, cli, admin, staff] = setup;
    TestDevice dev = srv.EnrollDevice("Kiosque créateurs");
    REQUIRE(Call(cli, "POST", "/api/v1/events", R"({"id":"e1","title":"Un","date":"2026-01-10"})", staff)->status == 201);
    REQUIRE(Call(cli, "POST", "/api/v1/events", R"({"id":"e2","title":"Deux","date":"2026-02-10"})", staff)->status == 201);
    std::string a = NewUuid(), b = NewUuid(), c = NewUuid();
    json ad = CreatorData("Élodie", "Martin", "elodie@example.be");
    ad["consents"]["contact"] = {{"given", true}, {"at", "2026-01-10T10:00:00Z"}, {"text_version", "fr-2026-1"}};
    json bd = CreatorData("ÉLODIE", "martin", "elodie.martin@autre.be");  // same name, other email
    json cd = CreatorData("Bruno", "Lemaire", "bruno@example.be");
    REQUIRE(Push(cli, dev, json::array({
        MakeChange(a, "creator", 1, ad), MakeChange(b, "creator", 1, bd), MakeChange(c, "creator", 1, cd),
        MakeChange(NewUuid(), "need", 1, {{"creator_id", a}, {"item", "materiel.son"}}),
        MakeChange(NewUuid(), "need", 1, {{"creator_id", b}, {"item", "materiel.son"}}),
        MakeChange(NewUuid(), "need", 1, {{"creator_id", c}, {"item", "materiel.camera"}}),
        MakeChange(NewUuid(), "attendance", 1, {{"creator_id", a}, {"event_id", "e1"}}),
        MakeChange(NewUuid(), "attendance", 1, {{"creator_id", b}, {"event_id", "e2"}}),
        MakeChange(NewUuid(), "attendance", 1, {{"creator_id", c}, {"event_id", "e2"}}),
    })));

    // Search: substring, paging.
    json s = Body(GetAuth(cli, "/api/v1/creators?q=MART", staff));
    CHECK(s["total"] == 2);
    CHECK(Body(GetAuth(cli, "/api/v1/creators?q=bruno%40", staff))["total"] == 1);
    json page = Body(GetAuth(cli, "/api/v1/creators?limit=1&offset=1", staff));
    CHECK(page["total"] == 3);
    CHECK(page["creators"].size() == 1);
    CHECK(GetAuth(cli, "/api/v1/creators?limit=0", staff)->status == 400);
    CHECK(Body(GetAuth(cli, "/api/v1/creators?q=%25", staff))["total"] == 0);  // LIKE wildcard is literal

    // Edit: validation with field codes, identity conflict, audit rows.
    auto inv = Call(cli, "PATCH", "/api/v1/creators/" + c, R"({"email":"pas-un-email","postcode":"12"})", staff);
    REQUIRE(inv->status == 400);
    CHECK(Body(inv)["error"]["errors"].size() == 2);
    CHECK(Call(cli, "PATCH", "/api/v1/creators/" + c, R"({"consents":{}})", staff)->status == 400);
    auto conflict = Call(cli, "PATCH", "/api/v1/creators/" + c, R"({"email":"Elodie@example.be"})", staff);
    CHECK(conflict->status == 409);
    CHECK(Body(conflict)["error"]["code"] == "identity_conflict");
    auto ok = Call(cli, "PATCH", "/api/v1/creators/" + c, R"({"last_name":"  Lemaître ","postcode":"7000"})", staff);
    REQUIRE(ok->status == 200);
    CHECK(Body(ok)["creator"]["data"]["last_name"] == "Lemaître");
    json audit = Body(GetAuth(cli, "/api/v1/creators/" + c + "/audit", staff))["entries"];
    REQUIRE(audit.size() == 2);
    CHECK(audit[0]["field"] == "last_name");
    CHECK(audit[0]["old"] == "Lemaire");
    CHECK(audit[0]["new"] == "Lemaître");
    CHECK(audit[0]["actor"] == "staff-creators");
    CHECK(audit[1]["field"] == "postcode");
    CHECK(srv.LogText().find("Lemaître") == std::string::npos);  // values never logged
    CHECK(Call(cli, "PATCH", "/api/v1/creators/" + NewUuid(), R"({"postcode":"7000"})", staff)->status == 404);

    // Contacts: only those who agreed.
    json contacts = Body(GetAuth(cli, "/api/v1/reports/needs/materiel.son/contacts", staff))["contacts"];
    REQUIRE(contacts.size() == 1);
    CHECK(contacts[0]["id"] == a);
    CHECK(GetAuth(cli, "/api/v1/reports/needs/nope/contacts", staff)->status == 404);

    // Offers matching a need: those naming the item first, then item-less offers of the
    // kind serving its category; the email only of creators who agreed to be contacted.
    REQUIRE(Push(cli, dev, json::array({
        MakeChange(NewUuid(), "offer", 1, {{"creator_id", a}, {"kind", "materiel"}, {"description", "Je prête un micro"}}),
        MakeChange(NewUuid(), "offer", 1, {{"creator_id", c}, {"kind", "materiel"}, {"item", "materiel.son"},
                                           {"description", "Table de mixage"}}),
        MakeChange(NewUuid(), "offer", 1, {{"creator_id", b}, {"kind", "espace"}, {"description", "Un atelier"}}),
        MakeChange(NewUuid(), "offer", 1, {{"creator_id", c}, {"kind", "competence"}, {"description", "Contrats"}}),
    })));
    json sound = Body(GetAuth(cli, "/api/v1/reports/needs/materiel.son/offers", staff));
    CHECK(sound["kind"] == "materiel");
    REQUIRE(sound["offers"].size() == 2);
    CHECK(sound["offers"][0]["description"] == "Table de mixage");
    CHECK(sound["offers"][0]["match"] == "item");
    CHECK(sound["offers"][0]["creator_id"] == c);
    CHECK(sound["offers"][0]["last_name"] == "Lemaître");
    CHECK(sound["offers"][0]["contact_consent"] == false);
    CHECK(!sound["offers"][0].contains("email"));  // Bruno did not agree to be contacted
    CHECK(sound["offers"][1]["description"] == "Je prête un micro");
    CHECK(sound["offers"][1]["match"] == "kind");
    CHECK(sound["offers"][1]["first_name"] == "Élodie");
    CHECK(sound["offers"][1]["email"] == "elodie@example.be");
    json atelier = Body(GetAuth(cli, "/api/v1/reports/needs/espaces.atelier/offers", staff))["offers"];
    REQUIRE(atelier.size() == 1);
    CHECK(atelier[0]["description"] == "Un atelier");
    CHECK(atelier[0]["kind"] == "espace");
    json legal = Body(GetAuth(cli, "/api/v1/reports/needs/services.juridique/offers", staff))["offers"];
    REQUIRE(legal.size() == 1);
    CHECK(legal[0]["description"] == "Contrats");
    CHECK(Body(GetAuth(cli, "/api/v1/reports/needs/financement.subventions/offers", staff))["offers"].size() == 1);
    CHECK(GetAuth(cli, "/api/v1/reports/needs/nope/offers", staff)->status == 404);

    // Trend: creators per item at each event.
    json trend = Body(GetAuth(cli, "/api/v1/reports/needs/trend", staff))["events"];
    REQUIRE(trend.size() == 2);
    CHECK(trend[0]["event"]["id"] == "e1");
    CHECK(trend[0]["items"]["materiel.son"] == 1);
    CHECK(trend[1]["items"]["materiel.son"] == 1);
    CHECK(trend[1]["items"]["materiel.camera"] == 1);
    CHECK(Body(GetAuth(cli, "/api/v1/reports/needs/trend?from=2026-02-01", staff))["events"].size() == 1);

    // Duplicates, then merge b into a.
    json groups = Body(GetAuth(cli, "/api/v1/creators/duplicates", staff))["groups"];
    REQUIRE(groups.size() == 1);
    CHECK(groups[0]["creators"].size() == 2);
    CHECK(Call(cli, "POST", "/api/v1/creators/" + b + "/merge", json{{"into", a}}.dump(), staff)->status == 403);
    CHECK(Call(cli, "POST", "/api/v1/creators/" + b + "/merge", R"({})", admin)->status == 400);
    CHECK(Call(cli, "POST", "/api/v1/creators/" + b + "/merge", json{{"into", b}}.dump(), admin)->status == 409);
    auto m = Call(cli, "POST", "/api/v1/creators/" + b + "/merge", json{{"into", a}}.dump(), admin);
    REQUIRE(m->status == 200);
    json merged = Body(GetAuth(cli, "/api/v1/creators/" + b, staff));  // b is now an alias of a
    CHECK(merged["creator"]["id"] == a);
    CHECK(merged["aliases"] == json::array({b}));
    CHECK(merged["needs"].size() == 2);
    CHECK(merged["attendances"].size() == 2);
    CHECK(Body(GetAuth(cli, "/api/v1/creators/duplicates", staff))["groups"].empty());
    json report = Body(GetAuth(cli, "/api/v1/reports/needs?threshold=1", staff));
    int64_t son = -1;
    for (const json& row : report["items"])
        if (row["item"] == "materiel.son") son = row["creators"];
    CHECK(son == 1);  // one person now
    json pull = Body(GetAuth(cli, "/api/v1/sync/pull", dev.token));
    bool alias = false;
    for (const json& ch : pull["changes"])
        if (ch["entity"] == "creator_alias" && ch["id"] == b && ch["data"]["creator_id"] == a) alias = true;
    CHECK(alias);
    // Later changes pushed under b land on a.
    REQUIRE(Push(cli, dev, json::array({MakeChange(NewUuid(), "need", 1, {{"creator_id", b}, {"item", "materiel.lumiere"}})})));
    CHECK(Body(GetAuth(cli, "/api/v1/creators/" + a, staff))["needs"].size() == 3);
    json maudit = Body(GetAuth(cli, "/api/v1/creators/" + a + "/audit", staff))["entries"];
    REQUIRE(maudit.size() == 1);
    CHECK(maudit[0]["field"] == "merged");
}
