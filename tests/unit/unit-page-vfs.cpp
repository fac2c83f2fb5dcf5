// tests/unit/unit-page-vfs.cpp — the page-tracking VFS and the durable record format
// (core/page_vfs.h). Runs natively and in wasm under Node.
//
// `FakeIdb` below plays the role of web/js/persist.js's IndexedDB stores: a `commits`
// store (seq -> record bytes), a `pages` store (pgno -> bytes) and a `meta` entry,
// written exactly as persist.js writes them; the tests then damage it the ways storage
// can be damaged and check what the device would reopen.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "core/db.h"
#include "core/page_vfs.h"

using namespace comptoir;

namespace {

struct FakeIdb {
    std::map<uint32_t, std::vector<uint8_t>> pages;  // base image pages
    bool meta_present = false;
    uint64_t base_seq = 0;
    uint32_t page_size = 0;
    uint64_t file_size = 0;
    uint64_t checksum = 0;
    std::map<uint64_t, std::vector<uint8_t>> commits;

    // One strict transaction of persist.js commit(): put the record, drop later keys.
    void Commit(uint64_t seq, std::vector<uint8_t> rec) {
        commits.erase(commits.upper_bound(seq), commits.end());
        commits[seq] = std::move(rec);
    }
    // One transaction of persist.js compact(): base pages + meta, fold commits <= seq.
    void Compact(uint64_t seq, const DirtyPages& d) {
        if (d.full) pages.clear();
        for (auto& [pg, b] : d.pages) pages[pg] = b;
        uint32_t n = uint32_t(d.file_size / d.page_size);
        pages.erase(pages.upper_bound(n), pages.end());
        meta_present = true;
        base_seq = seq;
        page_size = d.page_size;
        file_size = d.file_size;
        checksum = d.checksum;
        commits.erase(commits.begin(), commits.upper_bound(seq));
    }
    // persist.js load(): assemble the base and hand the records over.
    RestoreResult Load() const {
        StoredBase b;
        b.present = meta_present;
        if (meta_present) {
            b.seq = base_seq;
            b.page_size = page_size;
            b.file_size = file_size;
            b.checksum = checksum;
            b.image.assign(file_size, 0);
            for (auto& [pg, bytes] : pages)
                if (uint64_t(pg) * page_size <= file_size && bytes.size() == page_size)
                    std::copy(bytes.begin(), bytes.end(), b.image.begin() + size_t(pg - 1) * page_size);
        }
        std::vector<RecordBytes> recs;
        for (auto& [k, v] : commits) recs.push_back({k, v.data(), v.size()});
        return RestoreImage(b, recs);
    }
};

// A device session: the VFS file, its SQLite connection and the save counter.
struct Session {
    std::string name;
    std::unique_ptr<Db> db;
    uint64_t seq = 0;

    explicit Session(std::string n, uint64_t start_seq = 0) : name(std::move(n)), seq(start_seq) {
        REQUIRE(RegisterPageVfs());
        std::string err;
        db = Db::Open(name, &err, kPageVfsName);
        REQUIRE_MESSAGE(db, err);
    }
    // What persist_web.cpp's PersistNow does: take dirty pages -> one record.
    size_t Save(FakeIdb& idb) {
        DirtyPages d = PageVfsTakeDirty(name);
        REQUIRE(d.ok);
        if (d.pages.empty() && !d.full) return 0;
        ++seq;
        idb.Commit(seq, EncodeCommitRecord(seq, d));
        return d.pages.size();
    }
    int64_t Count(const char* table = "people") {
        Stmt s = db->Prepare(std::string("SELECT count(*) FROM ") + table);
        REQUIRE(s.Step());
        return s.Int(0);
    }
};

void CreateSchema(Db& db) {
    REQUIRE(db.Exec("CREATE TABLE people(id TEXT PRIMARY KEY, name TEXT, email TEXT, notes TEXT);"
                    "CREATE INDEX people_email ON people(email);"));
}

void InsertRows(Db& db, int from, int count) {
    Transaction tx(db);
    REQUIRE(tx.Ok());
    Stmt s = db.Prepare("INSERT INTO people(id, name, email, notes) VALUES (?, ?, ?, ?)");
    REQUIRE(s.Valid());
    for (int i = from; i < from + count; ++i) {
        s.Reset();
        std::string id = "id-" + std::to_string(i);
        s.Bind(1, id).Bind(2, "Name " + std::to_string(i)).Bind(3, "user" + std::to_string(i) + "@example.be");
        s.Bind(4, std::string(120, char('a' + i % 26)));
        REQUIRE(s.Run());
    }
    REQUIRE(tx.Commit());
}

void Fresh(const std::string& name) {
    PageVfsDelete(name);
    PageVfsDelete(name + "-journal");
}

// Reopens what `idb` holds under a new name, as a new page load would.
std::unique_ptr<Session> Reopen(const FakeIdb& idb, const std::string& name, RestoreResult* out = nullptr) {
    RestoreResult r = idb.Load();
    REQUIRE_MESSAGE(r.ok, r.error);
    Fresh(name);
    REQUIRE(PageVfsLoadImage(name, r.image.data(), r.image.size()));
    REQUIRE(PageVfsMarkSinceBase(name, r.replayed_pages, r.replayed_full));
    auto s = std::make_unique<Session>(name, r.seq);
    if (out) *out = std::move(r);
    return s;
}

}  // namespace

TEST_CASE("page vfs: a new database round-trips through commit records") {
    Fresh("rt.db");
    FakeIdb idb;
    {
        Session s("rt.db");
        CreateSchema(*s.db);
        InsertRows(*s.db, 0, 50);
        CHECK(s.Save(idb) > 0);
        InsertRows(*s.db, 50, 10);
        CHECK(s.Save(idb) > 0);
        CHECK(PageVfsCheckInvariants("rt.db") == "");
        CHECK(idb.commits.size() == 2);
    }
    RestoreResult r;
    auto s2 = Reopen(idb, "rt2.db", &r);
    INFO(r.note);
    CHECK(r.seq == 2);
    CHECK(r.dropped == 0);
    CHECK(r.note.empty());
    CHECK(r.image == PageVfsImage("rt.db"));
    CHECK(s2->Count() == 60);
    Stmt q = s2->db->Prepare("SELECT email FROM people WHERE id='id-55'");
    REQUIRE(q.Step());
    CHECK(q.Text(0) == "user55@example.be");
    // Saving from the reopened image continues the same history.
    InsertRows(*s2->db, 60, 1);
    CHECK(s2->Save(idb) > 0);
    CHECK(idb.commits.count(3) == 1);
    auto s3 = Reopen(idb, "rt3.db");
    CHECK(s3->Count() == 61);
}

TEST_CASE("page vfs: one insert dirties a few pages even in a 100k-row database") {
    Fresh("big.db");
    FakeIdb idb;
    Session s("big.db");
    CreateSchema(*s.db);
    for (int i = 0; i < 100000; i += 10000) InsertRows(*s.db, i, 10000);
    size_t first = s.Save(idb);
    CHECK(first > 1000);  // the first save is the whole file
    InsertRows(*s.db, 100000, 1);
    size_t dirty = PageVfsDirtyCount("big.db");
    CHECK(dirty >= 2);   // at least the table leaf and the header
    CHECK(dirty <= 12);  // header + a leaf per b-tree + maybe a split: never the file
    size_t saved = s.Save(idb);
    CHECK(saved == dirty);
    CHECK(idb.commits.rbegin()->second.size() < 16 * 4096 + 1000);
    // Nothing new: nothing to write.
    CHECK_FALSE(PageVfsHasDirty("big.db"));
    CHECK(s.Save(idb) == 0);
}

TEST_CASE("page vfs: a write transaction in progress is never taken") {
    Fresh("busy.db");
    FakeIdb idb;
    Session s("busy.db");
    CreateSchema(*s.db);
    s.Save(idb);
    REQUIRE(s.db->Exec("BEGIN IMMEDIATE"));
    REQUIRE(s.db->Exec("INSERT INTO people(id) VALUES ('x')"));
    DirtyPages d = PageVfsTakeDirty("busy.db");
    CHECK_FALSE(d.ok);
    CHECK(d.busy);
    REQUIRE(s.db->Exec("COMMIT"));
    d = PageVfsTakeDirty("busy.db");
    CHECK(d.ok);
    CHECK_FALSE(d.pages.empty());
}

TEST_CASE("page vfs: a torn or damaged last commit recovers to the previous complete one") {
    Fresh("torn.db");
    FakeIdb idb;
    Session s("torn.db");
    CreateSchema(*s.db);
    InsertRows(*s.db, 0, 20);
    s.Save(idb);  // seq 1: 20 rows
    InsertRows(*s.db, 20, 5);
    s.Save(idb);  // seq 2: 25 rows
    InsertRows(*s.db, 25, 5);
    s.Save(idb);  // seq 3: 30 rows

    SUBCASE("one byte flipped in the last record") {
        idb.commits[3][60] ^= 0x01;
        RestoreResult r;
        auto s2 = Reopen(idb, "torn2.db", &r);
        CHECK(r.seq == 2);
        CHECK(r.dropped == 1);
        CHECK(r.note.find("recovered to commit 2") != std::string::npos);
        CHECK(s2->Count() == 25);
    }
    SUBCASE("last record cut short") {
        idb.commits[3].resize(idb.commits[3].size() / 2);
        RestoreResult r;
        auto s2 = Reopen(idb, "torn2.db", &r);
        CHECK(r.seq == 2);
        CHECK(s2->Count() == 25);
    }
    SUBCASE("a record missing in the middle stops the replay before it") {
        idb.commits.erase(2);
        RestoreResult r;
        auto s2 = Reopen(idb, "torn2.db", &r);
        CHECK(r.seq == 1);
        CHECK(r.dropped == 1);
        CHECK(s2->Count() == 20);
        // The next save reuses seq 2 and removes the orphan 3.
        InsertRows(*s2->db, 100, 1);
        s2->Save(idb);
        CHECK(idb.commits.count(3) == 0);
        auto s3 = Reopen(idb, "torn3.db", &r);
        CHECK(r.seq == 2);
        CHECK(r.dropped == 0);
        CHECK(s3->Count() == 21);
    }
    SUBCASE("an intact record carrying the wrong image checksum is refused") {
        // A record from another history (e.g. written by a second tab) under seq 3.
        CommitRecord rec;
        std::string why;
        REQUIRE(DecodeCommitRecord(idb.commits[3].data(), idb.commits[3].size(), &rec, &why));
        DirtyPages d;
        d.page_size = rec.page_size;
        d.file_size = rec.file_size;
        d.checksum = rec.checksum + 1;
        d.pages = rec.pages;
        idb.commits[3] = EncodeCommitRecord(3, d);
        RestoreResult r;
        auto s2 = Reopen(idb, "torn2.db", &r);
        CHECK(r.seq == 2);
        CHECK(r.note.find("checksum") != std::string::npos);
    }
    SUBCASE("the first record damaged: refuse rather than open an empty database") {
        idb.commits[1][100] ^= 0x01;
        RestoreResult r = idb.Load();
        CHECK_FALSE(r.ok);
    }
    SUBCASE("the first record lost: refuse rather than open an empty database") {
        idb.commits.erase(1);
        RestoreResult r = idb.Load();
        CHECK_FALSE(r.ok);
        CHECK_FALSE(r.error.empty());
    }
}

TEST_CASE("page vfs: compaction folds commits into the base image") {
    Fresh("cmp.db");
    FakeIdb idb;
    Session s("cmp.db");
    CreateSchema(*s.db);
    InsertRows(*s.db, 0, 500);
    s.Save(idb);
    InsertRows(*s.db, 500, 3);
    s.Save(idb);
    REQUIRE_FALSE(PageVfsHasDirty("cmp.db"));
    DirtyPages base = PageVfsTakeSinceBase("cmp.db");
    REQUIRE(base.ok);
    CHECK(base.full);  // first compaction writes the whole file
    idb.Compact(s.seq, base);
    CHECK(idb.commits.empty());
    CHECK(idb.base_seq == 2);

    InsertRows(*s.db, 503, 1);
    s.Save(idb);
    DirtyPages delta = PageVfsTakeSinceBase("cmp.db");
    CHECK_FALSE(delta.full);
    CHECK(delta.pages.size() <= 12);  // only what changed since the last compaction
    // Compaction not applied yet: base (seq 2) + record 3.
    RestoreResult r;
    auto s2 = Reopen(idb, "cmp2.db", &r);
    CHECK(r.seq == 3);
    CHECK(r.replayed == 1);
    CHECK(s2->Count() == 504);
    idb.Compact(s.seq, delta);
    auto s3 = Reopen(idb, "cmp3.db", &r);
    CHECK(r.seq == 3);
    CHECK(r.replayed == 0);
    CHECK(s3->Count() == 504);
    CHECK(r.image == PageVfsImage("cmp.db"));

    SUBCASE("after a reload that replayed records, compaction still yields a good base") {
        InsertRows(*s3->db, 600, 2);
        s3->Save(idb);  // seq 4
        auto s4 = Reopen(idb, "cmp4.db", &r);
        CHECK(r.replayed == 1);
        REQUIRE_FALSE(PageVfsHasDirty("cmp4.db"));
        idb.Compact(s4->seq, PageVfsTakeSinceBase("cmp4.db"));
        auto s5 = Reopen(idb, "cmp5.db", &r);
        CHECK(r.seq == 4);
        CHECK(s5->Count() == 506);
    }
    SUBCASE("a failed write re-dirties its pages; the retry carries them") {
        InsertRows(*s3->db, 700, 1);
        DirtyPages lost = PageVfsTakeDirty("cmp3.db");  // the IndexedDB write fails
        REQUIRE(lost.ok);
        std::vector<uint32_t> pg;
        for (auto& x : lost.pages) pg.push_back(x.first);
        REQUIRE(PageVfsMarkDirty("cmp3.db", pg, false));
        CHECK(PageVfsCheckInvariants("cmp3.db") == "");
        s3->Save(idb);
        auto s4 = Reopen(idb, "cmp4.db", &r);
        CHECK(s4->Count() == 505);
    }
    SUBCASE("a damaged base page is detected, never replaced by an empty database") {
        idb.pages.begin()->second[200] ^= 0xff;
        RestoreResult bad = idb.Load();
        CHECK_FALSE(bad.ok);
        CHECK(bad.error.find("checksum") != std::string::npos);
    }
    SUBCASE("a missing base page is detected") {
        idb.pages.erase(std::prev(idb.pages.end()));
        CHECK_FALSE(idb.Load().ok);
    }
}

TEST_CASE("page vfs: deletes that shrink the file and a page size change survive restore") {
    Fresh("shr.db");
    FakeIdb idb;
    Session s("shr.db");
    CreateSchema(*s.db);
    InsertRows(*s.db, 0, 2000);
    s.Save(idb);
    REQUIRE(s.db->Exec("DELETE FROM people WHERE rowid > 100"));
    REQUIRE(s.db->Exec("VACUUM"));
    s.Save(idb);
    CHECK(PageVfsCheckInvariants("shr.db") == "");
    RestoreResult r;
    auto s2 = Reopen(idb, "shr2.db", &r);
    CHECK(r.image == PageVfsImage("shr.db"));
    CHECK(s2->Count() == 100);

    REQUIRE(s.db->Exec("PRAGMA page_size=8192"));
    REQUIRE(s.db->Exec("VACUUM"));
    DirtyPages d = PageVfsTakeDirty("shr.db");
    REQUIRE(d.ok);
    CHECK(d.full);
    CHECK(d.page_size == 8192);
    ++s.seq;
    idb.Commit(s.seq, EncodeCommitRecord(s.seq, d));
    auto s3 = Reopen(idb, "shr3.db", &r);
    CHECK(r.page_size == 8192);
    CHECK(s3->Count() == 100);
}

TEST_CASE("page vfs: records are self-checking") {
    DirtyPages d;
    d.page_size = 512;
    d.file_size = 1024;
    d.pages.emplace_back(2, std::vector<uint8_t>(512, 7));
    d.checksum = 42;
    auto rec = EncodeCommitRecord(9, d);
    CommitRecord out;
    std::string why;
    REQUIRE(DecodeCommitRecord(rec.data(), rec.size(), &out, &why));
    CHECK(out.seq == 9);
    CHECK(out.pages.size() == 1);
    CHECK(out.pages[0].first == 2);
    CHECK(out.checksum == 42);
    for (size_t i = 0; i < rec.size(); i += 97) {
        auto bad = rec;
        bad[i] ^= 0x10;
        CHECK_FALSE(DecodeCommitRecord(bad.data(), bad.size(), &out, &why));
    }
    CHECK_FALSE(DecodeCommitRecord(rec.data(), rec.size() - 1, &out, &why));
}
