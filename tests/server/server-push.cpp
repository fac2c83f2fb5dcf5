// tests/server/server-push.cpp — per-change results of push (applied, duplicate, stale,
// rejected), batch replay, identity merge across devices, text kept exactly, pull.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <thread>

#include "core/db.h"
#include "core/uuid.h"
#include "server_harness.h"

using namespace testsrv;
using comptoir::NewUuid;

namespace {

json Push(TestServer& srv, const TestDevice& dev, const json& changes, const std::string& batch_id = "") {
    auto cli = srv.Client();
    auto r = PostJson(cli, "/api/v1/sync/push", MakeBatch(dev.id, changes, batch_id).dump(), dev.token);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return Body(r);
}

std::vector<std::string> Statuses(const json& answer) {
    std::vector<std::string> out;
    for (const json& r : answer["results"]) out.push_back(r["status"].get<std::string>());
    return out;
}

// SQLite store only: writing creator `id`'s sector row fails (a storage error in the middle
// of that change's writes, after its creators row). DROP TRIGGER inject_failure undoes it.
void InjectSectorFailure(TestServer& srv, const std::string& id) {
    std::string err;
    auto db = comptoir::Db::Open(srv.Database(), &err);
    REQUIRE_MESSAGE(db, err);
    REQUIRE_MESSAGE(db->Exec("CREATE TRIGGER inject_failure BEFORE INSERT ON creator_sectors WHEN NEW.creator_id = '" + id +
                                 "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
                             &err),
                    err);
}

json ReadBack(TestServer& srv, const std::string& id) {
    auto cli = srv.Client();
    auto r = GetAuth(cli, "/api/v1/creators/" + id, srv.AdminToken());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return Body(r);
}

}  // namespace

TEST_CASE("push: applied, duplicate, stale and rejected results, in order") {
    TestServer& srv = SharedServer();
    TestDevice dev = srv.EnrollDevice("Kiosque résultats");
    std::string creator = NewUuid(), need = NewUuid();
    json data = CreatorData("Bruno", "Résultat", "bruno.resultat@example.be");

    json first = Push(srv, dev,
                      json::array({MakeChange(creator, "creator", 2, data),
                                   MakeChange(need, "need", 1, {{"creator_id", creator}, {"item", "materiel.camera"}})}));
    CHECK(Statuses(first) == std::vector<std::string>{"applied", "applied"});
    CHECK(first["results"][0]["id"] == creator);
    CHECK(first["results"][1]["id"] == need);
    CHECK(!first["results"][0].contains("error"));
    CHECK(first["server_time"].is_string());

    // Same (id, version) in another batch: duplicate. Lower version: stale, not applied.
    json stale_data = data;
    stale_data["first_name"] = "Ancien";
    json second = Push(srv, dev,
                       json::array({MakeChange(creator, "creator", 2, data),
                                    MakeChange(creator, "creator", 1, stale_data)}));
    CHECK(Statuses(second) == std::vector<std::string>{"duplicate", "stale"});
    CHECK(ReadBack(srv, creator)["creator"]["data"]["first_name"] == "Bruno");

    // A higher version is applied.
    json newer = data;
    newer["commune"] = "Mons";
    CHECK(Statuses(Push(srv, dev, json::array({MakeChange(creator, "creator", 3, newer)}))) ==
          std::vector<std::string>{"applied"});
    CHECK(ReadBack(srv, creator)["creator"]["data"]["commune"] == "Mons");
    CHECK(ReadBack(srv, creator)["creator"]["version"] == 3);

    // Delete of the need, then its stale upsert stays deleted.
    CHECK(Statuses(Push(srv, dev, json::array({MakeChange(need, "need", 2, json::object(), "delete")}))) ==
          std::vector<std::string>{"applied"});
    CHECK(ReadBack(srv, creator)["needs"].size() == 0);
    CHECK(Statuses(Push(srv, dev, json::array({MakeChange(need, "need", 1, {{"creator_id", creator},
                                                                             {"item", "materiel.camera"}})}))) ==
          std::vector<std::string>{"stale"});
}

TEST_CASE("push: one bad record never blocks the others") {
    TestServer& srv = SharedServer();
    TestDevice dev = srv.EnrollDevice("Kiosque mélangé");
    std::string a = NewUuid(), bad = NewUuid(), c = NewUuid();
    json no_email = CreatorData("Sans", "Courriel", "");
    no_email.erase("email");
    json no_consent = CreatorData("Sans", "Accord", "sans.accord@example.be");
    no_consent["consents"]["processing"]["given"] = false;
    json bad_email = CreatorData("Mauvais", "Courriel", "pas-un-email");
    json changes = json::array({
        MakeChange(a, "creator", 1, CreatorData("Chloé", "Valide", "chloe.valide@example.be")),
        MakeChange(bad, "creator", 1, no_email),
        MakeChange(NewUuid(), "creator", 1, no_consent),
        MakeChange(NewUuid(), "creator", 1, bad_email),
        MakeChange(NewUuid(), "need", 1, {{"creator_id", a}, {"item", "catalogue.inexistant"}}),
        MakeChange(NewUuid(), "need", 1, {{"creator_id", NewUuid()}, {"item", "materiel.camera"}}),
        MakeChange(NewUuid(), "spaceship", 1, json::object()),
        json{{"id", NewUuid()}, {"entity", "need"}, {"op", "upsert"}, {"version", "un"}, {"data", json::object()}},
        json("not a change"),
        MakeChange(NewUuid(), "creator", 1, {{"first_name", 42}}),
        MakeChange(c, "need", 1, {{"creator_id", a}, {"item", "materiel.camera"}, {"frequency", "mensuel"}}),
    });
    json answer = Push(srv, dev, changes);
    REQUIRE(answer["results"].size() == changes.size());
    std::vector<std::string> st = Statuses(answer);
    CHECK(st == std::vector<std::string>{"applied", "rejected", "rejected", "rejected", "rejected", "rejected",
                                         "rejected", "rejected", "rejected", "rejected", "applied"});
    auto err = [&](size_t i) { return answer["results"][i]["error"]; };
    CHECK(err(1)["code"] == "required");
    CHECK(err(1)["field"] == "email");
    CHECK(err(1)["message"].get<std::string>().size() > 5);
    CHECK(err(2)["code"] == "consent.required");
    CHECK(err(3)["code"] == "email.invalid");
    CHECK(err(4)["code"] == "unknown_item");
    CHECK(err(4)["field"] == "item");
    CHECK(err(5)["code"] == "unknown_reference");
    CHECK(err(5)["field"] == "creator_id");
    CHECK(err(6)["code"] == "unknown_entity");
    CHECK(err(7)["code"] == "invalid_version");
    CHECK(err(8)["code"] == "invalid_change");
    CHECK(answer["results"][8]["id"] == "");
    CHECK(err(9)["code"] == "invalid_value");
    CHECK(err(9)["field"] == "first_name");
    json back = ReadBack(srv, a);
    CHECK(back["needs"].size() == 1);
    CHECK(back["needs"][0]["data"]["frequency"] == "mensuel");
}

TEST_CASE("push: replaying a batch_id returns the first answer and changes nothing") {
    TestServer& srv = SharedServer();
    TestDevice dev = srv.EnrollDevice("Kiosque rejoue");
    std::string creator = NewUuid(), batch = NewUuid();
    json changes = json::array({MakeChange(creator, "creator", 1, CreatorData("Denis", "Rejoue", "denis@example.be"))});
    auto cli = srv.Client();
    auto r1 = PostJson(cli, "/api/v1/sync/push", MakeBatch(dev.id, changes, batch).dump(), dev.token);
    REQUIRE(r1->status == 200);
    // Same batch id, other content (a buggy or crashed device): the first answer, no change.
    json altered = json::array({MakeChange(creator, "creator", 2, CreatorData("Autre", "Nom", "denis@example.be"))});
    auto r2 = PostJson(cli, "/api/v1/sync/push", MakeBatch(dev.id, altered, batch).dump(), dev.token);
    REQUIRE(r2->status == 200);
    CHECK(r2->body == r1->body);
    CHECK(Statuses(Body(r2)) == std::vector<std::string>{"applied"});
    json back = ReadBack(srv, creator);
    CHECK(back["creator"]["data"]["first_name"] == "Denis");
    CHECK(back["creator"]["version"] == 1);
    // Another device reusing that batch id is refused.
    TestDevice other = srv.EnrollDevice("Kiosque copieur");
    auto r3 = PostJson(cli, "/api/v1/sync/push", MakeBatch(other.id, changes, batch).dump(), other.token);
    CHECK(r3->status == 409);
    CHECK(ErrorCode(r3) == "batch_conflict");
}

TEST_CASE("push: two devices, same email (case, spaces) -> one creator with an alias") {
    TestServer& srv = SharedServer();
    TestDevice kiosk = srv.EnrollDevice("Kiosque A");
    TestDevice tablet = srv.EnrollDevice("Tablette B");
    std::string x = NewUuid(), y = NewUuid();
    CHECK(Statuses(Push(srv, kiosk, json::array({MakeChange(x, "creator", 1,
                                                            CreatorData("Élise", "Fusion", "Elise.Fusion@Example.BE"))}))) ==
          std::vector<std::string>{"applied"});
    json second = CreatorData("Élise", "Fusion", "  elise.fusion@example.be ");
    second["phone"] = "0470 12 34 56";
    CHECK(Statuses(Push(srv, tablet, json::array({MakeChange(y, "creator", 1, second),
                                                  MakeChange(NewUuid(), "need", 1,
                                                             {{"creator_id", y}, {"item", "materiel.son"}})}))) ==
          std::vector<std::string>{"applied", "applied"});

    auto cli = srv.Client();
    auto by_email = GetAuth(cli, "/api/v1/creators?email=ELISE.FUSION%40example.be", srv.AdminToken());
    REQUIRE(by_email->status == 200);
    json list = Body(by_email)["creators"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["creator"]["id"] == x);
    CHECK(list[0]["aliases"] == json::array({y}));
    CHECK(list[0]["creator"]["data"]["phone"] == "+32470123456");
    REQUIRE(list[0]["needs"].size() == 1);
    CHECK(list[0]["needs"][0]["data"]["creator_id"] == x);
    // The alias id reads back the same person.
    CHECK(ReadBack(srv, y)["creator"]["id"] == x);

    // Later changes under either id land on the same person.
    json later = second;
    later["commune"] = "Quaregnon";
    CHECK(Statuses(Push(srv, tablet, json::array({MakeChange(y, "creator", 2, later),
                                                  MakeChange(NewUuid(), "offer", 1,
                                                             {{"creator_id", y}, {"kind", "competence"},
                                                              {"description", "Montage son"}})}))) ==
          std::vector<std::string>{"applied", "applied"});
    json back = ReadBack(srv, x);
    CHECK(back["creator"]["data"]["commune"] == "Quaregnon");
    CHECK(back["offers"].size() == 1);
    auto again = GetAuth(cli, "/api/v1/creators?email=elise.fusion%40example.be", srv.AdminToken());
    CHECK(Body(again)["creators"].size() == 1);

    // Devices learn the alias through pull.
    bool seen = false;
    std::string cursor;
    for (int page = 0; page < 50; ++page) {
        auto p = GetAuth(cli, "/api/v1/sync/pull" + (cursor.empty() ? "" : "?since=" + cursor), kiosk.token);
        REQUIRE(p->status == 200);
        json b = Body(p);
        for (const json& c : b["changes"])
            if (c["entity"] == "creator_alias" && c["id"] == y) seen = c["data"]["creator_id"] == x;
        cursor = b["cursor"];
        if (!b["has_more"].get<bool>()) break;
    }
    CHECK(seen);
}

TEST_CASE("push: text stored exactly as sent after NFC and trimming") {
    TestServer& srv = SharedServer();
    TestDevice dev = srv.EnrollDevice("Kiosque accents");
    std::string id = NewUuid();
    // "Zoë" sent decomposed (e + U+0308), names with Polish, Spanish, Japanese, an emoji.
    json data = CreatorData("  Zoe\xCC\x88  ", "Łukasz-Ñoño 日本 🎬", "zoe.accents@example.be");
    data["commune"] = "Saint-Ghislain";
    data["other_profession"] = "Créatrice « sonore » — d'œuvres";
    data["structure_name"] = "L'Atelier 🎨 ASBL";
    json need = {{"creator_id", id}, {"item", "materiel.camera"}, {"comment", "Ligne 1\nLigne 2 — ça marche ? 👍"}};
    std::string need_id = NewUuid();
    json answer = Push(srv, dev, json::array({MakeChange(id, "creator", 1, data), MakeChange(need_id, "need", 1, need)}));
    REQUIRE(Statuses(answer) == std::vector<std::string>{"applied", "applied"});
    json back = ReadBack(srv, id);
    json d = back["creator"]["data"];
    CHECK(d["first_name"] == "Zo\xC3\xAB");  // NFC, trimmed
    CHECK(d["last_name"] == "Łukasz-Ñoño 日本 🎬");
    CHECK(d["other_profession"] == "Créatrice « sonore » — d'œuvres");
    CHECK(d["structure_name"] == "L'Atelier 🎨 ASBL");
    CHECK(back["needs"][0]["data"]["comment"] == "Ligne 1\nLigne 2 — ça marche ? 👍");

    // Control characters are refused, not silently removed.
    json ctrl = CreatorData("Bad\x07name", "X", "ctrl@example.be");
    json r = Push(srv, dev, json::array({MakeChange(NewUuid(), "creator", 1, ctrl)}));
    CHECK(r["results"][0]["status"] == "rejected");
    CHECK(r["results"][0]["error"]["code"] == "control_chars");
    CHECK(r["results"][0]["error"]["field"] == "first_name");
}

// The SQLite store applies a batch without a savepoint per change and, when a change
// fails half-written (a storage error), applies the batch again with savepoints: only that
// change is rejected ("storage"), nothing of it stays, the others are applied.
TEST_CASE("push: a change failing half-written is rejected alone and leaves nothing behind") {
    TestServer srv;
    if (srv.Database().rfind("postgresql://", 0) == 0) return;   // SQLite store only
    TestDevice dev = srv.EnrollDevice("Kiosque panne");
    std::string a = NewUuid(), broken = NewUuid(), c = NewUuid();
    InjectSectorFailure(srv, broken);   // its creators row is written, then its sector row fails
    json changes = json::array({MakeChange(a, "creator", 1, CreatorData("Anna", "Avant", "anna.avant@example.be")),
                                MakeChange(broken, "creator", 1, CreatorData("Bob", "Panne", "bob.panne@example.be")),
                                MakeChange(c, "creator", 1, CreatorData("Cleo", "Apres", "cleo.apres@example.be")),
                                MakeChange(NewUuid(), "need", 1, {{"creator_id", c}, {"item", "materiel.camera"}})});
    json answer = Push(srv, dev, changes);
    CHECK(Statuses(answer) == std::vector<std::string>{"applied", "rejected", "applied", "applied"});
    CHECK(answer["results"][1]["id"] == broken);
    CHECK(answer["results"][1]["error"]["code"] == "storage");
    CHECK(ReadBack(srv, a)["creator"]["data"]["last_name"] == "Avant");
    CHECK(ReadBack(srv, c)["needs"].size() == 1);
    auto cli = srv.Client();
    auto gone = GetAuth(cli, "/api/v1/creators/" + broken, srv.AdminToken());
    REQUIRE(gone);
    CHECK(gone->status == 404);
    {
        std::string err;
        auto db = comptoir::Db::Open(srv.Database(), &err);
        REQUIRE(db);
        REQUIRE(db->Exec("DROP TRIGGER inject_failure", &err));
    }
    // Its version was not recorded either: sent again, it is applied (not a duplicate).
    CHECK(Statuses(Push(srv, dev, json::array({changes[1]}))) == std::vector<std::string>{"applied"});
    CHECK(ReadBack(srv, broken)["creator"]["data"]["last_name"] == "Panne");
}

TEST_CASE("pull: reference data by cursor with paging; malformed cursor 400") {
    TestServer& srv = SharedServer();
    TestDevice dev = srv.EnrollDevice("Kiosque tire");
    CommandResult ev = srv.Cli({"event", "add", "--title", "Table sectorielle cinéma", "--date", "2026-12-03",
                                "--sector", "cinema", "--place", "Mons"});
    REQUIRE(ev.exit_code == 0);
    std::string event_id = ev.out.substr(0, ev.out.find('\n'));
    auto cli = srv.Client();
    auto all = GetAuth(cli, "/api/v1/sync/pull", dev.token);
    REQUIRE(all->status == 200);
    json everything = Body(all);
    std::set<std::string> entities;
    for (const json& c : everything["changes"]) entities.insert(c["entity"].get<std::string>());
    CHECK(entities.count("sector") == 1);
    CHECK(entities.count("profession") == 1);
    CHECK(entities.count("catalogue_item") == 1);
    CHECK(entities.count("event") == 1);

    // Paging: small pages give the same sequence.
    std::vector<std::string> paged;
    std::string cursor;
    int pages = 0;
    for (; pages < 1000; ++pages) {
        auto p = GetAuth(cli, "/api/v1/sync/pull?limit=7" + (cursor.empty() ? "" : "&since=" + cursor), dev.token);
        REQUIRE(p->status == 200);
        json b = Body(p);
        CHECK(b["changes"].size() <= 7);
        for (const json& c : b["changes"]) paged.push_back(c["entity"].get<std::string>() + "/" + c["id"].get<std::string>());
        cursor = b["cursor"];
        if (!b["has_more"].get<bool>()) break;
    }
    CHECK(pages > 1);
    if (!everything["has_more"].get<bool>()) {
        std::vector<std::string> whole;
        for (const json& c : everything["changes"])
            whole.push_back(c["entity"].get<std::string>() + "/" + c["id"].get<std::string>());
        CHECK(paged == whole);
    }
    // At the end: nothing new, same cursor.
    auto end = GetAuth(cli, "/api/v1/sync/pull?since=" + cursor, dev.token);
    CHECK(Body(end)["changes"].size() == 0);
    CHECK(Body(end)["cursor"] == cursor);
    bool event_seen = false;
    for (const json& c : everything["changes"])
        if (c["entity"] == "event" && c["id"] == event_id) event_seen = c["data"]["title"] == "Table sectorielle cinéma";
    CHECK(event_seen);

    for (const char* bad : {"?since=garbage", "?since=r1.x", "?since=r1.-1", "?since=%00", "?limit=0", "?limit=abc"}) {
        CAPTURE(bad);
        auto r = GetAuth(cli, std::string("/api/v1/sync/pull") + bad, dev.token);
        CHECK(r->status == 400);
    }
    CHECK(ErrorCode(GetAuth(cli, "/api/v1/sync/pull?since=garbage", dev.token)) == "invalid_cursor");
    CHECK(GetAuth(cli, "/api/v1/sync/pull", "")->status == 401);
}

TEST_CASE("devices: the server remembers last sync, app version and pending count") {
    TestServer& srv = SharedServer();
    TestDevice dev = srv.EnrollDevice("Kiosque suivi");
    json batch = MakeBatch(dev.id, json::array());
    batch["pending"] = 17;
    batch["app_version"] = "1.2.3";
    auto cli = srv.Client();
    REQUIRE(PostJson(cli, "/api/v1/sync/push", batch.dump(), dev.token)->status == 200);
    CommandResult list = srv.Cli({"device", "list", "--json"});
    REQUIRE(list.exit_code == 0);
    json devices = json::parse(list.out, nullptr, false);
    bool found = false;
    for (const json& d : devices)
        if (d["id"] == dev.id) {
            found = true;
            CHECK(d["pending"] == 17);
            CHECK(d["app_version"] == "1.2.3");
            CHECK(d["last_sync_at"].get<std::string>().size() >= 20);
        }
    CHECK(found);
}

TEST_CASE("push: concurrent registrations of one person from four devices give one creator") {
    TestServer& srv = SharedServer();
    std::vector<TestDevice> devices;
    for (int i = 0; i < 4; ++i) devices.push_back(srv.EnrollDevice("Kiosque parallèle " + std::to_string(i)));
    const char* emails[] = {"Hugo.Course@example.be", "hugo.course@EXAMPLE.BE", " hugo.course@example.be",
                            "HUGO.COURSE@example.be"};
    std::vector<std::string> ids(4), statuses(4);
    for (auto& id : ids) id = NewUuid();
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] {
            auto cli = srv.Client();
            auto r = PostJson(cli, "/api/v1/sync/push",
                              MakeBatch(devices[i].id, json::array({MakeChange(ids[i], "creator", 1,
                                                                               CreatorData("Hugo", "Course", emails[i]))}))
                                  .dump(),
                              devices[i].token);
            statuses[i] = r && r->status == 200 ? Body(r)["results"][0]["status"].get<std::string>() : "http error";
        });
    for (auto& t : threads) t.join();
    for (const std::string& st : statuses) CHECK(st == "applied");
    auto cli = srv.Client();
    json list = Body(GetAuth(cli, "/api/v1/creators?email=hugo.course%40example.be", srv.AdminToken()))["creators"];
    REQUIRE(list.size() == 1);
    std::set<std::string> all = {list[0]["creator"]["id"].get<std::string>()};
    for (const json& a : list[0]["aliases"]) all.insert(a.get<std::string>());
    CHECK(all == std::set<std::string>(ids.begin(), ids.end()));
}

namespace {
uint64_t MetricValue(const std::string& text, const std::string& name) {
    size_t at = text.find("\n" + name + " ");
    return at == std::string::npos ? 0 : std::stoull(text.substr(at + name.size() + 2));
}
}  // namespace

// Concurrent batches from several devices are committed together (group commit, SQLite
// store): each batch must still be all-or-nothing, answered after its commit, replayable
// and applied once; a batch failing mid-change must not take its group-mates down.
TEST_CASE("push: concurrent batches from six devices, grouped commits, each batch exact") {
    TestServer srv;
    const bool sqlite = srv.Database().rfind("postgresql://", 0) != 0;
    std::string broken = NewUuid();
    if (sqlite) InjectSectorFailure(srv, broken);
    constexpr int kDevices = 6, kBatches = 6, kPerBatch = 40;
    std::vector<TestDevice> devices;
    for (int d = 0; d < kDevices; ++d) devices.push_back(srv.EnrollDevice("Kiosque groupé " + std::to_string(d)));
    // Every device: kBatches batches in order; each creator's need goes in the NEXT batch
    // (it names a creator of the previous batch: the batches of one device must be
    // applied in order). Device 0's batch 3 also carries the broken creator; every
    // device registers one shared person (one creator plus aliases at the end).
    std::vector<std::vector<json>> bodies(kDevices);
    std::vector<std::string> all_creators;
    for (int d = 0; d < kDevices; ++d) {
        std::vector<std::string> previous;
        for (int b = 0; b < kBatches; ++b) {
            json changes = json::array();
            for (const std::string& c : previous)
                changes.push_back(MakeChange(NewUuid(), "need", 1, {{"creator_id", c}, {"item", "materiel.camera"}}));
            previous.clear();
            for (int i = 0; i < kPerBatch; ++i) {
                std::string id = NewUuid();
                previous.push_back(id);
                all_creators.push_back(id);
                std::string tag = std::to_string(d) + "-" + std::to_string(b) + "-" + std::to_string(i);
                changes.push_back(MakeChange(id, "creator", 1, CreatorData("Groupe", "N" + tag, "g" + tag + "@example.be")));
            }
            if (b == 2)
                changes.push_back(MakeChange(NewUuid(), "creator", 1,
                                             CreatorData("Iris", "Commune", "iris.commune@example.be")));
            if (d == 0 && b == 3)
                changes.push_back(MakeChange(broken, "creator", 1, CreatorData("Bob", "Panne", "bob.panne@example.be")));
            bodies[d].push_back(MakeBatch(devices[d].id, changes));
        }
    }
    // Device 5 sends its batch 1 twice at once (a retry racing the original).
    std::vector<std::vector<std::string>> answers(kDevices);
    std::string twin;
    std::vector<std::thread> threads;
    for (int d = 0; d < kDevices; ++d)
        threads.emplace_back([&, d] {
            auto cli = srv.Client();
            for (int b = 0; b < kBatches; ++b) {
                std::thread racer;
                if (d == 5 && b == 1)
                    racer = std::thread([&] {
                        auto c2 = srv.Client();
                        auto r = PostJson(c2, "/api/v1/sync/push", bodies[d][b].dump(), devices[d].token);
                        twin = r && r->status == 200 ? r->body : "http error";
                    });
                auto r = PostJson(cli, "/api/v1/sync/push", bodies[d][b].dump(), devices[d].token);
                answers[d].push_back(r && r->status == 200 ? r->body : "http error " + std::to_string(r ? r->status : 0));
                if (racer.joinable()) racer.join();
            }
        });
    for (auto& t : threads) t.join();

    for (int d = 0; d < kDevices; ++d)
        for (int b = 0; b < kBatches; ++b) {
            CAPTURE(d);
            CAPTURE(b);
            json a = json::parse(answers[d][b], nullptr, false);
            REQUIRE(a.is_object());
            CHECK(a["batch_id"] == bodies[d][b]["batch_id"]);
            REQUIRE(a["results"].size() == bodies[d][b]["changes"].size());
            for (size_t i = 0; i < a["results"].size(); ++i) {
                const json& r = a["results"][i];
                CHECK(r["id"] == bodies[d][b]["changes"][i]["id"]);
                if (sqlite && r["id"] == broken) {
                    CHECK(r["status"] == "rejected");
                    CHECK(r["error"]["code"] == "storage");
                } else {
                    CHECK(r["status"] == "applied");  // needs found their creator: order kept
                }
            }
        }
    CHECK(json::parse(twin, nullptr, false) == json::parse(answers[5][1], nullptr, false));

    // Everything present once, the broken one absent, the shared person one creator.
    auto cli = srv.Client();
    for (size_t i = 0; i < all_creators.size(); i += 17) {
        json back = ReadBack(srv, all_creators[i]);
        CHECK(back["creator"]["id"] == all_creators[i]);
        bool last_batch = (i / kPerBatch) % kBatches == kBatches - 1;
        CHECK(back["needs"].size() == (last_batch ? 0u : 1u));
    }
    json iris = Body(GetAuth(cli, "/api/v1/creators?email=iris.commune%40example.be", srv.AdminToken()))["creators"];
    REQUIRE(iris.size() == 1);
    CHECK(iris[0]["aliases"].size() == kDevices - 1);
    if (sqlite) CHECK(GetAuth(cli, "/api/v1/creators/" + broken, srv.AdminToken())->status == 404);
    auto m = cli.Get("/metrics");
    REQUIRE(m->status == 200);
    CHECK(m->body.find("comptoir_push_changes_total{status=\"applied\"} " +
                       std::to_string(all_creators.size() + kDevices + (kDevices * (kBatches - 1) * kPerBatch) +
                                      (sqlite ? 0 : 1))) !=  // PostgreSQL: no injected failure, the broken one applies
          std::string::npos);
    CHECK(MetricValue(m->body, "comptoir_push_batches_replayed_total") == 1);
    if (sqlite) {
        uint64_t commits = MetricValue(m->body, "comptoir_push_commits_total");
        uint64_t batches = MetricValue(m->body, "comptoir_push_batches_committed_total");
        CHECK(batches == uint64_t(kDevices * kBatches));
        CHECK(commits >= 1);
        CHECK(commits <= batches);
        MESSAGE("group commit: " << batches << " batches in " << commits << " commits");
    }
}
