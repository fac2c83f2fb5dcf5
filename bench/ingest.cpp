// bench/ingest.cpp — server ingest throughput, and the raw SQLite ceiling it is compared to.
//
//   bench_ingest comptoir <base_url> <records> <batch> <devices_file>
//       devices_file: one "device_id token" per line (enrolled by bench/run); one thread
//       and one HTTP connection per device, each pushing its share of `records` creator
//       upserts to POST /api/v1/sync/push in batches of `batch` (sync-v1).
//   bench_ingest couch <base_url> <records> <batch> <devices> <db>
//       the same documents, `devices` concurrent clients, POST /<db>/_bulk_docs (CouchDB
//       protocol: the pouchdb-server peer).
//   bench_ingest raw <db_path> <records> <batch>
//       the ceiling: the same rows comptoir-server writes for each record, into the same
//       B-trees, inserted directly with core/db.h in one process, `batch` records per
//       transaction, with the server's pragmas (WAL + synchronous=FULL, foreign keys,
//       cache size, secure_delete, checkpoint interval: sync/server/sqlite_store.cpp).
//       One record = one creator upsert = a creators row (its table and its two indexes,
//       email_key and creators_live) holding the very `data` text the server stores
//       (normalized by protocol.h's DecodeEntity, written by EncodeEntityDataText), a
//       record_versions row and a creator_sectors row (one sector each here); per batch,
//       a batches row holding the answer and the devices row updated.
// Request bodies are serialized before the clock starts. Prints one JSON line:
//   {"mode":..,"records":..,"seconds":..,"cpu_s":.. (raw only; -1 otherwise),"records_per_s":..,"ok":..,"errors":..}
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/catalogue.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/uuid.h"
#include "core/validate.h"
#include "sync/protocol/protocol.h"

using namespace comptoir;
using nlohmann::json;

namespace {

struct Row {
    std::string id, email, email_key, first, last, sector;
    json data;
};

std::vector<Row> MakeRows(int n) {
    std::vector<std::string> sectors;
    for (const auto& e : SeedCatalogue())
        if (e.kind == "sector" && !e.retired) sectors.push_back(e.id);
    static const char* firsts[] = {"Anne", "Zoë", "Jérôme", "Łukasz", "Noémie", "Saïd", "Ines", "Bram"};
    std::string now = NowRfc3339();
    std::vector<Row> rows(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        Row& r = rows[size_t(i)];
        r.id = NewUuid();
        r.first = firsts[i % 8];
        r.last = "Ingest-" + std::to_string(i);
        // Unique across runs and concurrent clients (bench/pg's 2 instances each number
        // their rows from 0): 8 hex digits of the id's random tail — its head is a
        // timestamp with UUID v7, the same for every row made within ~65 s.
        r.email = "ingest." + std::to_string(i) + "." + r.id.substr(28, 8) + "@exemple.be";
        std::string norm;
        NormalizeEmail(r.email, &norm);
        r.email_key = EmailIdentityKey(norm);
        r.sector = sectors.empty() ? "" : sectors[size_t(i) % sectors.size()];
        r.data = {{"first_name", r.first}, {"last_name", r.last}, {"email", r.email},
                  {"postcode", "7000"}, {"commune", "Mons"}, {"preferred_lang", "fr"},
                  {"sectors", json::array({r.sector})}, {"created_at", now},
                  {"consents", {{"processing", {{"given", true}, {"at", now}, {"text_version", "fr-2026-1"}}}}}};
    }
    return rows;
}

double Since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Print(const char* mode, int records, double s, int64_t ok, int64_t errors, const std::string& note,
           double cpu_s = -1) {
    json out = {{"mode", mode}, {"records", records}, {"seconds", s}, {"cpu_s", cpu_s},
                {"records_per_s", s > 0 ? records / s : 0.0}, {"ok", ok}, {"errors", errors}, {"note", note}};
    std::printf("%s\n", out.dump().c_str());
}

bool SplitUrl(const std::string& url, std::string* host, int* port) {
    auto p = url.find("://");
    std::string rest = p == std::string::npos ? url : url.substr(p + 3);
    auto c = rest.rfind(':');
    if (c == std::string::npos) return false;
    *host = rest.substr(0, c);
    *port = std::atoi(rest.c_str() + c + 1);
    return *port > 0;
}

// Runs one thread per body list; each posts its bodies in order on its own connection.
void PostAll(const std::string& host, int port, const std::vector<std::vector<std::string>>& bodies,
             const std::vector<std::string>& paths, const std::vector<std::string>& tokens,
             const std::function<int64_t(const std::string&)>& count_ok,
             std::atomic<int64_t>* ok, std::atomic<int64_t>* errors, std::string* first_error) {
    std::mutex m;
    std::vector<std::thread> threads;
    for (size_t d = 0; d < bodies.size(); ++d) {
        threads.emplace_back([&, d] {
            httplib::Client cli(host, port);
            cli.set_keep_alive(true);
            cli.set_tcp_nodelay(true);  // as browsers and the native device transport do
            cli.set_read_timeout(120, 0);
            httplib::Headers h;
            if (!tokens[d].empty()) h.emplace("Authorization", "Bearer " + tokens[d]);
            for (const std::string& body : bodies[d]) {
                auto res = cli.Post(paths[d], h, body, "application/json");
                if (!res || (res->status != 200 && res->status != 201)) {
                    errors->fetch_add(1);
                    std::lock_guard<std::mutex> lock(m);
                    if (first_error->empty())
                        *first_error = res ? "HTTP " + std::to_string(res->status) + " " + res->body.substr(0, 200)
                                           : "network: " + httplib::to_string(res.error());
                    continue;
                }
                ok->fetch_add(count_ok(res->body));
            }
        });
    }
    for (auto& t : threads) t.join();
}

int Comptoir(const std::string& url, int n, int batch, const std::string& devices_file) {
    std::vector<std::pair<std::string, std::string>> devices;
    std::ifstream f(devices_file);
    std::string id, token;
    while (f >> id >> token) devices.emplace_back(id, token);
    std::string host;
    int port = 0;
    if (devices.empty() || !SplitUrl(url, &host, &port)) {
        std::fprintf(stderr, "no devices or bad url\n");
        return 2;
    }
    auto rows = MakeRows(n);
    std::string now = NowRfc3339();
    std::vector<std::vector<std::string>> bodies(devices.size());
    std::vector<std::string> paths(devices.size(), "/api/v1/sync/push"), tokens;
    for (auto& d : devices) tokens.push_back(d.second);
    size_t per = (rows.size() + devices.size() - 1) / devices.size();
    for (size_t d = 0; d < devices.size(); ++d) {
        for (size_t b = d * per; b < std::min(rows.size(), (d + 1) * per); b += size_t(batch)) {
            json changes = json::array();
            for (size_t i = b; i < std::min({rows.size(), (d + 1) * per, b + size_t(batch)}); ++i)
                changes.push_back({{"id", rows[i].id}, {"entity", "creator"}, {"op", "upsert"}, {"version", 1},
                                   {"updated_at", now}, {"data", rows[i].data}});
            json env = {{"protocol", 1}, {"device_id", devices[d].first}, {"batch_id", NewUuid()},
                        {"sent_at", now}, {"changes", changes}};
            bodies[d].push_back(env.dump());
        }
    }
    std::atomic<int64_t> ok{0}, errors{0};
    std::string first_error;
    auto count = [](const std::string& body) -> int64_t {
        auto j = json::parse(body, nullptr, false);
        int64_t c = 0;
        if (j.is_object() && j["results"].is_array())
            for (const auto& r : j["results"])
                if (r.value("status", "") == "applied") c++;
        return c;
    };
    auto t0 = std::chrono::steady_clock::now();
    std::clock_t c0 = std::clock();
    PostAll(host, port, bodies, paths, tokens, count, &ok, &errors, &first_error);
    double s = Since(t0);
    Print("comptoir", n, s, ok.load(), errors.load(), first_error, double(std::clock() - c0) / CLOCKS_PER_SEC);
    return ok.load() == n ? 0 : 1;
}

int Couch(const std::string& url, int n, int batch, int devices, const std::string& db) {
    std::string host;
    int port = 0;
    if (devices < 1 || !SplitUrl(url, &host, &port)) return 2;
    auto rows = MakeRows(n);
    std::vector<std::vector<std::string>> bodies(static_cast<size_t>(devices));
    std::vector<std::string> paths(static_cast<size_t>(devices), "/" + db + "/_bulk_docs"), tokens(static_cast<size_t>(devices));
    size_t per = (rows.size() + size_t(devices) - 1) / size_t(devices);
    for (size_t d = 0; d < size_t(devices); ++d)
        for (size_t b = d * per; b < std::min(rows.size(), (d + 1) * per); b += size_t(batch)) {
            json docs = json::array();
            for (size_t i = b; i < std::min({rows.size(), (d + 1) * per, b + size_t(batch)}); ++i) {
                json doc = rows[i].data;
                doc["_id"] = rows[i].id;
                doc["type"] = "creator";
                docs.push_back(doc);
            }
            bodies[d].push_back(json{{"docs", docs}}.dump());
        }
    std::atomic<int64_t> ok{0}, errors{0};
    std::string first_error;
    auto count = [](const std::string& body) -> int64_t {
        auto j = json::parse(body, nullptr, false);
        int64_t c = 0;
        if (j.is_array())
            for (const auto& r : j)
                if (r.is_object() && r.value("ok", false)) c++;
        return c;
    };
    auto t0 = std::chrono::steady_clock::now();
    PostAll(host, port, bodies, paths, tokens, count, &ok, &errors, &first_error);
    double s = Since(t0);
    Print("couch", n, s, ok.load(), errors.load(), first_error);
    return ok.load() == n ? 0 : 1;
}

int Raw(const std::string& path, int n, int batch) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
    std::string err;
    auto db = Db::Open(path, &err);
    if (!db ||
        !db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                  "PRAGMA secure_delete=ON; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8192;",
                  &err) ||
        !db->Exec(R"(
CREATE TABLE batches(batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, received_at TEXT NOT NULL,
  answer TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE record_versions(entity TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
  PRIMARY KEY (entity, id)) WITHOUT ROWID;
CREATE TABLE creators(id TEXT PRIMARY KEY, version INTEGER NOT NULL, email_key TEXT NOT NULL UNIQUE,
  first_name TEXT NOT NULL, last_name TEXT NOT NULL, email TEXT NOT NULL, postcode TEXT NOT NULL DEFAULT '',
  preferred_lang TEXT NOT NULL DEFAULT 'fr', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  received_at TEXT NOT NULL, device_id TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL, erased_at TEXT) WITHOUT ROWID;
CREATE INDEX creators_live ON creators(id, deleted) WHERE deleted = 0;
CREATE TABLE devices(id TEXT PRIMARY KEY, last_sync_at TEXT, last_app_version TEXT, last_pending INTEGER)
  WITHOUT ROWID;
INSERT INTO devices(id) VALUES ('raw');
CREATE TABLE creator_sectors(creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
  sector_id TEXT NOT NULL, PRIMARY KEY (creator_id, sector_id)) WITHOUT ROWID;
)", &err)) {
        std::fprintf(stderr, "raw: %s\n", err.c_str());
        return 1;
    }
    auto rows = MakeRows(n);
    std::string now = NowRfc3339();
    std::vector<std::string> data;   // what the server stores: the normalized data
    for (const auto& r : rows) {
        Change c;
        c.id = r.id;
        c.entity = "creator";
        c.op = "upsert";
        c.version = 1;
        c.updated_at = now;
        c.data = r.data;
        DecodedEntity e;
        if (!DecodeEntity(c, &e)) {
            std::fprintf(stderr, "raw: row %s rejected (%s)\n", r.id.c_str(), e.error_code.c_str());
            return 1;
        }
        data.push_back(EncodeEntityDataText(e));
    }
    Stmt ins = db->Prepare(
        "INSERT INTO creators(id,version,email_key,first_name,last_name,email,postcode,preferred_lang,"
        "created_at,updated_at,received_at,device_id,data) VALUES(?,1,?,?,?,?,'7000','fr',?,?,?,'raw',?)");
    Stmt ver = db->Prepare("INSERT INTO record_versions(entity,id,version) VALUES('creator',?,1)");
    Stmt sec = db->Prepare("INSERT INTO creator_sectors(creator_id,sector_id) VALUES(?,?)");
    Stmt bat = db->Prepare("INSERT INTO batches(batch_id,device_id,received_at,answer) VALUES(?,'raw',?,?)");
    Stmt dev = db->Prepare("UPDATE devices SET last_sync_at = ? WHERE id = 'raw'");
    int64_t ok = 0, errors = 0;
    std::clock_t c0 = std::clock();
    auto t0 = std::chrono::steady_clock::now();
    for (size_t b = 0; b < rows.size(); b += size_t(batch)) {
        Transaction tx(*db);
        PushResponse answer;
        answer.batch_id = NewUuid();
        for (size_t i = b; i < std::min(rows.size(), b + size_t(batch)); ++i) {
            const Row& r = rows[i];
            std::string t = NowRfc3339();
            ins.Reset();
            ins.Bind(1, r.id).Bind(2, r.email_key).Bind(3, r.first).Bind(4, r.last).Bind(5, r.email)
                .Bind(6, now).Bind(7, now).Bind(8, t).Bind(9, data[i]);
            ver.Reset();
            ver.Bind(1, r.id);
            sec.Reset();
            sec.Bind(1, r.id).Bind(2, r.sector);
            if (ins.Run() && ver.Run() && sec.Run()) ok++;
            else errors++;
            answer.results.push_back({r.id, "applied", "", "", ""});
        }
        answer.server_time = NowRfc3339();
        bat.Reset();
        bat.Bind(1, answer.batch_id).Bind(2, answer.server_time).Bind(3, EncodePushResponseText(answer));
        dev.Reset();
        dev.Bind(1, answer.server_time);
        if (!bat.Run() || !dev.Run()) errors++;
        if (!tx.Commit()) errors++;
    }
    double s = Since(t0);
    Print("raw", n, s, ok, errors, "WAL, synchronous=FULL; the server's pragmas, tables and indexes",
          double(std::clock() - c0) / CLOCKS_PER_SEC);
    return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "comptoir" && argc == 6) return Comptoir(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), argv[5]);
    if (mode == "couch" && argc == 7)
        return Couch(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), std::atoi(argv[5]), argv[6]);
    if (mode == "raw" && argc == 5) return Raw(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
    std::fprintf(stderr,
                 "usage: bench_ingest comptoir <base_url> <records> <batch> <devices_file>\n"
                 "       bench_ingest couch <base_url> <records> <batch> <devices> <db>\n"
                 "       bench_ingest raw <db_path> <records> <batch>\n");
    return 2;
}
