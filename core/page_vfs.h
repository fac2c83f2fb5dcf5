// core/page_vfs.h — an in-memory SQLite VFS that knows which pages each commit dirtied,
// and the storage format that makes those pages durable (log records + a base image).
//
// The browser keeps the database in memory (this VFS), and after each commit writes
// only the dirtied pages to IndexedDB in one transaction (app/persist_web.cpp,
// web/js/persist.js). At start, the file is rebuilt from what IndexedDB holds:
// a base image (pages at commit `base_seq`) plus the commit records written since,
// replayed in order and checked (RestoreImage). Cost of a save grows with the change,
// not with the database. No Emscripten here: the same code is unit-tested natively.
//
// Usage:
//   RegisterPageVfs();                                     // once; idempotent
//   PageVfsLoadImage("comptoir.db", bytes, n);             // optional, before opening
//   auto db = Db::Open("comptoir.db", &err, kPageVfsName);
//   ... commit ...
//   DirtyPages d = PageVfsTakeDirty("comptoir.db");        // pages changed since last call
//   std::vector<uint8_t> rec = EncodeCommitRecord(++seq, d);  // -> one IndexedDB put
//   // later, at start:
//   RestoreResult r = RestoreImage(base, records);         // base + replay, verified
//   if (r.ok) PageVfsLoadImage("comptoir.db", r.image.data(), r.image.size());
//
// Page numbers are 1-based, like SQLite's. All multi-byte integers of the record
// format are little-endian. The format is described in docs/persistence.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace comptoir {

inline constexpr const char* kPageVfsName = "comptoir-mem";

// Registers the VFS (not as the default one). Safe to call more than once.
bool RegisterPageVfs();

// Replaces (or creates) the in-memory file `name` with these bytes; its dirty set is
// emptied (the bytes are taken as already durable). Fails if the file is open.
bool PageVfsLoadImage(const std::string& name, const uint8_t* bytes, size_t n);
// True if a file of that name exists in the VFS.
bool PageVfsExists(const std::string& name);
// Removes a file (fails if open). Tests use it to start fresh.
bool PageVfsDelete(const std::string& name);
// A copy of the whole file (tests, export).
std::vector<uint8_t> PageVfsImage(const std::string& name);

struct DirtyPages {
    bool ok = false;          // false: no such file, or busy (see below)
    bool busy = false;        // a write transaction is open: nothing was taken
    bool full = false;        // `pages` holds every page (first save, page size changed)
    uint32_t page_size = 0;
    uint64_t file_size = 0;   // bytes; a multiple of page_size
    uint64_t checksum = 0;    // PageSetChecksum of the whole file after these pages
    std::vector<std::pair<uint32_t, std::vector<uint8_t>>> pages;  // (pgno, bytes), ascending
};

// Takes the pages written since the previous call (their current content) and clears
// the dirty set. Refuses (busy) while a connection holds a write lock on the file.
DirtyPages PageVfsTakeDirty(const std::string& name);
// True if pages were written since the last PageVfsTakeDirty (or the file shrank).
bool PageVfsHasDirty(const std::string& name);
// Number of pages currently marked dirty (benchmarks, tests).
size_t PageVfsDirtyCount(const std::string& name);

// Pages taken by PageVfsTakeDirty since the last call of this function: what a
// compaction must write into the base image. Same shape as DirtyPages; call only when
// PageVfsHasDirty() is false, so that the content equals the last durable commit.
DirtyPages PageVfsTakeSinceBase(const std::string& name);

// After a failed storage write: the pages of the lost record count as dirty again
// (full: every page), so that the next save writes them.
bool PageVfsMarkDirty(const std::string& name, const std::vector<uint32_t>& pgnos, bool full);
// Adds pages to the since-base set: after a restore that replayed records (they are not
// in the stored base yet), or after a failed compaction (full: rewrite the whole base).
bool PageVfsMarkSinceBase(const std::string& name, const std::vector<uint32_t>& pgnos, bool full);

// Checks the VFS's invariants for one file (see page_vfs.cpp); returns "" when they hold,
// else what is wrong. Cost grows with the file: tests and debug builds only.
std::string PageVfsCheckInvariants(const std::string& name);

// --- checksums ---
uint64_t Hash64(const uint8_t* p, size_t n, uint64_t seed = 0);
// Order-independent checksum of a whole image: sum over pages of a mix of
// (pgno, Hash64(page)), modulo 2^64 — updatable page by page.
uint64_t PageSetChecksum(const uint8_t* bytes, size_t n, uint32_t page_size);
// The page size a database header declares (bytes 16-17), or 0 if not a database header.
uint32_t HeaderPageSize(const uint8_t* bytes, size_t n);

// --- commit records (what one save writes) ---
enum RecordFlags : uint32_t { kRecordFull = 1 };

struct CommitRecord {
    uint64_t seq = 0;
    uint32_t flags = 0;
    uint32_t page_size = 0;
    uint64_t file_size = 0;
    uint64_t checksum = 0;  // PageSetChecksum of the file once this record is applied
    std::vector<std::pair<uint32_t, std::vector<uint8_t>>> pages;
};

std::vector<uint8_t> EncodeCommitRecord(uint64_t seq, const DirtyPages& d);
// False (with why) when the bytes are not a complete, intact record.
bool DecodeCommitRecord(const uint8_t* p, size_t n, CommitRecord* out, std::string* why);

// --- rebuilding the file at start ---
struct StoredBase {
    bool present = false;    // false: nothing stored yet (first start)
    uint64_t seq = 0;        // commit number the base image reflects
    uint32_t page_size = 0;
    uint64_t file_size = 0;
    uint64_t checksum = 0;
    std::vector<uint8_t> image;  // file_size bytes assembled from the stored base pages
};

struct RecordBytes {
    uint64_t key = 0;        // the key it was stored under (its seq)
    const uint8_t* data = nullptr;
    size_t size = 0;
};

struct RestoreResult {
    bool ok = false;          // false: stored data cannot be trusted; do not open anything
    std::string error;        // why not ok (technical, English)
    uint64_t seq = 0;         // last commit reflected by `image`
    uint32_t page_size = 0;
    std::vector<uint8_t> image;
    size_t replayed = 0;      // records applied on top of the base
    size_t dropped = 0;       // records after the last complete commit, ignored
    std::vector<uint32_t> replayed_pages;  // pages written by the replayed records
    bool replayed_full = false;            // a replayed record was a full image
    std::string note;         // non-empty when something was dropped (technical, English)
};

// Base + records (any order; sorted here by seq) -> the image of the last complete
// commit. A record is applied only if intact, its seq follows the previous one and the
// image checksum after it matches the one it carries; the first one that fails stops
// the replay (everything after it is dropped, with a note). A damaged base, or records
// while the base is missing and the first record is not a full image, give ok=false:
// never an empty database in place of lost data.
RestoreResult RestoreImage(const StoredBase& base, std::vector<RecordBytes> records);

}  // namespace comptoir
