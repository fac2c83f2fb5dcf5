// core/page_vfs.cpp — the page-tracking in-memory VFS and the durable record format.
//
// With db.cpp, the only file of the project that includes sqlite3.h.
//
// Invariants (checked by PageVfsCheckInvariants, run by the unit tests and, in debug
// builds, after every PageVfsTakeDirty):
//  1. A file is its `data` bytes. The main database is written by SQLite in whole pages;
//     `page_size` is the size its header declares (4096 until a header exists).
//  2. Every page whose bytes changed since the last PageVfsTakeDirty is in `dirty`,
//     or `full_dirty` is set (all pages count as dirty). Pages past the end of the file
//     are never in `dirty`.
//  3. For every page p that is not dirty, mixes[p] == Mix(p, Hash64(page p)), and when
//     nothing is dirty, `checksum` == sum of mixes == PageSetChecksum(data): the
//     checksum a commit record carries is the checksum of the complete image it leads to.
//  4. PageVfsTakeDirty never takes pages while a connection holds RESERVED or a
//     stronger lock on the file: what it returns is always a committed state.
//  5. `since_base` holds every page taken by PageVfsTakeDirty since the last
//     PageVfsTakeSinceBase (or `since_base_full`).
//  6. Records: a record is applied at restore only if its trailer hash matches, its seq
//     is the previous seq + 1, and the checksum of the image after it equals the one it
//     carries. So a restored image is always exactly the image of one complete commit.
#include "core/page_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace comptoir {

// ---------------------------------------------------------------------------------
// Checksums
namespace {

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline uint64_t Fmix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}
inline uint64_t Mix(uint32_t pgno, uint64_t page_hash) {
    return Fmix(page_hash ^ (uint64_t(pgno) * 0x9E3779B97F4A7C15ULL));
}

}  // namespace

uint64_t Hash64(const uint8_t* p, size_t n, uint64_t seed) {
    const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
    uint64_t h = seed ^ (uint64_t(n) * 0x9E3779B97F4A7C15ULL);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t k;
        std::memcpy(&k, p + i, 8);
        k *= c1;
        k = Rotl(k, 31);
        k *= c2;
        h ^= k;
        h = Rotl(h, 27) * 5 + 0x52dce729;
    }
    uint64_t tail = 0;
    for (size_t j = 0; i + j < n; ++j) tail |= uint64_t(p[i + j]) << (8 * j);
    h ^= Rotl(tail * c1, 31) * c2;
    return Fmix(h);
}

uint32_t HeaderPageSize(const uint8_t* b, size_t n) {
    if (n < 100 || std::memcmp(b, "SQLite format 3", 16) != 0) return 0;
    uint32_t v = (uint32_t(b[16]) << 8) | b[17];
    if (v == 1) return 65536;
    if (v < 512 || (v & (v - 1)) != 0) return 0;
    return v;
}

uint64_t PageSetChecksum(const uint8_t* bytes, size_t n, uint32_t page_size) {
    if (page_size == 0) return 0;
    uint64_t sum = 0;
    std::vector<uint8_t> last;
    for (size_t off = 0, pg = 1; off < n; off += page_size, ++pg) {
        size_t len = std::min<size_t>(page_size, n - off);
        if (len == page_size) {
            sum += Mix(uint32_t(pg), Hash64(bytes + off, len));
        } else {  // a short last page counts as zero-padded
            last.assign(page_size, 0);
            std::memcpy(last.data(), bytes + off, len);
            sum += Mix(uint32_t(pg), Hash64(last.data(), page_size));
        }
    }
    return sum;
}

// ---------------------------------------------------------------------------------
// The in-memory file system
namespace {

constexpr uint32_t kDefaultPageSize = 4096;

struct MemFile {
    std::vector<uint8_t> data;
    bool is_main = false;
    int open_count = 0;
    // locks
    int shared = 0;            // connections holding SHARED or more
    void* reserved_by = nullptr;
    void* pending_by = nullptr;
    void* exclusive_by = nullptr;
    // page tracking (main databases)
    uint32_t page_size = kDefaultPageSize;
    std::set<uint32_t> dirty;  // 1-based
    bool full_dirty = true;    // a new file: nothing of it is durable yet
    std::vector<uint64_t> mixes;  // index pgno-1
    uint64_t checksum = 0;
    std::set<uint32_t> since_base;
    bool since_base_full = true;

    uint32_t PageCount() const {
        return uint32_t((data.size() + page_size - 1) / page_size);
    }
    void RefreshPageSize() {
        uint32_t ps = HeaderPageSize(data.data(), data.size());
        if (ps != 0 && ps != page_size) {
            page_size = ps;
            full_dirty = true;  // every page boundary moved
            dirty.clear();
            since_base_full = true;
        }
    }
    void MarkDirty(uint64_t off, uint64_t amt) {
        if (full_dirty || amt == 0) return;
        uint64_t first = off / page_size + 1, last = (off + amt - 1) / page_size + 1;
        for (uint64_t p = first; p <= last; ++p) dirty.insert(uint32_t(p));
    }
    std::vector<uint8_t> PageBytes(uint32_t pgno) const {
        std::vector<uint8_t> out(page_size, 0);
        size_t off = size_t(pgno - 1) * page_size;
        if (off < data.size())
            std::memcpy(out.data(), data.data() + off, std::min<size_t>(page_size, data.size() - off));
        return out;
    }
    void RecomputeAll() {
        uint32_t n = PageCount();
        mixes.assign(n, 0);
        checksum = 0;
        for (uint32_t p = 1; p <= n; ++p) {
            auto b = PageBytes(p);
            mixes[p - 1] = Mix(p, Hash64(b.data(), b.size()));
            checksum += mixes[p - 1];
        }
    }
};

struct Registry {
    std::mutex mu;
    std::map<std::string, std::shared_ptr<MemFile>> files;
};
Registry& Reg() {
    static Registry r;
    return r;
}

struct Handle {
    sqlite3_file base;  // must be first
    std::shared_ptr<MemFile>* file;  // owned (placement-new'd pointer)
    int lock;
    bool delete_on_close;
    std::string* name;
};

MemFile& F(sqlite3_file* f) { return **reinterpret_cast<Handle*>(f)->file; }

int MemClose(sqlite3_file* f) {
    auto* h = reinterpret_cast<Handle*>(f);
    {
        std::lock_guard<std::mutex> g(Reg().mu);
        MemFile& m = **h->file;
        m.open_count--;
        if (h->delete_on_close && h->name && !h->name->empty()) Reg().files.erase(*h->name);
    }
    delete h->file;
    delete h->name;
    h->file = nullptr;
    h->name = nullptr;
    return SQLITE_OK;
}

int MemRead(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
    MemFile& m = F(f);
    auto* out = static_cast<uint8_t*>(buf);
    if (off < 0) return SQLITE_IOERR_READ;
    size_t have = size_t(off) < m.data.size() ? m.data.size() - size_t(off) : 0;
    size_t n = std::min<size_t>(have, size_t(amt));
    if (n) std::memcpy(out, m.data.data() + off, n);
    if (n < size_t(amt)) {
        std::memset(out + n, 0, size_t(amt) - n);
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

int MemWrite(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
    MemFile& m = F(f);
    if (off < 0) return SQLITE_IOERR_WRITE;
    size_t end = size_t(off) + size_t(amt);
    if (end > m.data.size()) {
        if (end > m.data.capacity()) m.data.reserve(std::max(end, m.data.capacity() * 2));
        m.data.resize(end, 0);
    }
    std::memcpy(m.data.data() + off, buf, size_t(amt));
    if (m.is_main) {
        if (off < 100) m.RefreshPageSize();
        m.MarkDirty(uint64_t(off), uint64_t(amt));
    }
    return SQLITE_OK;
}

int MemTruncate(sqlite3_file* f, sqlite3_int64 size) {
    MemFile& m = F(f);
    if (size < 0) return SQLITE_IOERR_TRUNCATE;
    size_t old = m.data.size();
    m.data.resize(size_t(size), 0);
    if (m.is_main && !m.full_dirty) {
        if (size_t(size) > old) m.MarkDirty(old, size_t(size) - old);
        uint32_t n = m.PageCount();
        m.dirty.erase(m.dirty.upper_bound(n), m.dirty.end());
        // A partial last page changed too.
        if (size_t(size) % m.page_size != 0 && n > 0) m.dirty.insert(n);
    }
    return SQLITE_OK;
}

int MemSync(sqlite3_file*, int) { return SQLITE_OK; }

int MemFileSize(sqlite3_file* f, sqlite3_int64* size) {
    *size = sqlite3_int64(F(f).data.size());
    return SQLITE_OK;
}

int MemLock(sqlite3_file* f, int level) {
    auto* h = reinterpret_cast<Handle*>(f);
    MemFile& m = F(f);
    if (h->lock >= level) return SQLITE_OK;
    if (level == SQLITE_LOCK_SHARED) {
        if ((m.exclusive_by && m.exclusive_by != h) || (m.pending_by && m.pending_by != h))
            return SQLITE_BUSY;
        m.shared++;
        h->lock = SQLITE_LOCK_SHARED;
        return SQLITE_OK;
    }
    if (level == SQLITE_LOCK_RESERVED) {
        if (m.reserved_by && m.reserved_by != h) return SQLITE_BUSY;
        m.reserved_by = h;
        h->lock = SQLITE_LOCK_RESERVED;
        return SQLITE_OK;
    }
    // PENDING / EXCLUSIVE
    if (m.pending_by && m.pending_by != h) return SQLITE_BUSY;
    m.pending_by = h;
    if (m.shared > 1) {
        h->lock = SQLITE_LOCK_PENDING;
        return SQLITE_BUSY;
    }
    m.exclusive_by = h;
    m.reserved_by = h;
    h->lock = SQLITE_LOCK_EXCLUSIVE;
    return SQLITE_OK;
}

int MemUnlock(sqlite3_file* f, int level) {
    auto* h = reinterpret_cast<Handle*>(f);
    MemFile& m = F(f);
    if (h->lock <= level) return SQLITE_OK;
    if (level < SQLITE_LOCK_EXCLUSIVE && m.exclusive_by == h) m.exclusive_by = nullptr;
    if (level < SQLITE_LOCK_PENDING && m.pending_by == h) m.pending_by = nullptr;
    if (level < SQLITE_LOCK_RESERVED && m.reserved_by == h) m.reserved_by = nullptr;
    if (level < SQLITE_LOCK_SHARED && h->lock >= SQLITE_LOCK_SHARED) m.shared--;
    h->lock = level;
    return SQLITE_OK;
}

int MemCheckReserved(sqlite3_file* f, int* out) {
    MemFile& m = F(f);
    *out = m.reserved_by != nullptr || m.exclusive_by != nullptr;
    return SQLITE_OK;
}

int MemFileControl(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int MemSectorSize(sqlite3_file*) { return 512; }
int MemDeviceCharacteristics(sqlite3_file*) {
    return SQLITE_IOCAP_POWERSAFE_OVERWRITE | SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_SEQUENTIAL;
}

const sqlite3_io_methods* IoMethods() {
    static sqlite3_io_methods io = [] {
        sqlite3_io_methods m;
        std::memset(&m, 0, sizeof m);
        m.iVersion = 1;  // no shared memory: WAL is unavailable, rollback journals are in memory
        m.xClose = MemClose;
        m.xRead = MemRead;
        m.xWrite = MemWrite;
        m.xTruncate = MemTruncate;
        m.xSync = MemSync;
        m.xFileSize = MemFileSize;
        m.xLock = MemLock;
        m.xUnlock = MemUnlock;
        m.xCheckReservedLock = MemCheckReserved;
        m.xFileControl = MemFileControl;
        m.xSectorSize = MemSectorSize;
        m.xDeviceCharacteristics = MemDeviceCharacteristics;
        return m;
    }();
    return &io;
}

int VfsOpen(sqlite3_vfs*, const char* zName, sqlite3_file* f, int flags, int* out_flags) {
    auto* h = reinterpret_cast<Handle*>(f);
    h->base.pMethods = nullptr;
    h->file = nullptr;
    h->name = nullptr;
    h->lock = SQLITE_LOCK_NONE;
    h->delete_on_close = (flags & SQLITE_OPEN_DELETEONCLOSE) != 0;
    std::shared_ptr<MemFile> file;
    {
        std::lock_guard<std::mutex> g(Reg().mu);
        if (zName) {
            auto it = Reg().files.find(zName);
            if (it != Reg().files.end()) {
                if (flags & SQLITE_OPEN_EXCLUSIVE) return SQLITE_CANTOPEN;
                file = it->second;
            } else {
                if (!(flags & SQLITE_OPEN_CREATE)) return SQLITE_CANTOPEN;
                file = std::make_shared<MemFile>();
                Reg().files[zName] = file;
            }
        } else {
            file = std::make_shared<MemFile>();  // anonymous temp file
        }
        if (flags & SQLITE_OPEN_MAIN_DB) file->is_main = true;
        file->open_count++;
    }
    h->file = new std::shared_ptr<MemFile>(std::move(file));
    h->name = new std::string(zName ? zName : "");
    h->base.pMethods = IoMethods();
    if (out_flags) *out_flags = flags;
    return SQLITE_OK;
}

int VfsDelete(sqlite3_vfs*, const char* zName, int) {
    std::lock_guard<std::mutex> g(Reg().mu);
    Reg().files.erase(zName);
    return SQLITE_OK;
}

int VfsAccess(sqlite3_vfs*, const char* zName, int, int* out) {
    std::lock_guard<std::mutex> g(Reg().mu);
    auto it = Reg().files.find(zName);
    // A zero-length journal is as good as none (unix VFS behaviour for hot journals).
    *out = it != Reg().files.end();
    return SQLITE_OK;
}

int VfsFullPathname(sqlite3_vfs*, const char* zName, int nOut, char* zOut) {
    sqlite3_snprintf(nOut, zOut, "%s", zName);
    return SQLITE_OK;
}

sqlite3_vfs* DefaultVfs() {
    static sqlite3_vfs* d = sqlite3_vfs_find(nullptr);
    return d;
}
int VfsRandomness(sqlite3_vfs*, int n, char* out) {
    return DefaultVfs()->xRandomness(DefaultVfs(), n, out);
}
int VfsSleep(sqlite3_vfs*, int us) { return DefaultVfs()->xSleep(DefaultVfs(), us); }
int VfsCurrentTime(sqlite3_vfs*, double* t) {
    return DefaultVfs()->xCurrentTime(DefaultVfs(), t);
}
int VfsGetLastError(sqlite3_vfs*, int, char*) { return 0; }
int VfsCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* t) {
    sqlite3_vfs* d = DefaultVfs();
    if (d->iVersion >= 2 && d->xCurrentTimeInt64) return d->xCurrentTimeInt64(d, t);
    double r = 0;
    int rc = d->xCurrentTime(d, &r);
    *t = sqlite3_int64(r * 86400000.0);
    return rc;
}

std::shared_ptr<MemFile> Find(const std::string& name) {
    std::lock_guard<std::mutex> g(Reg().mu);
    auto it = Reg().files.find(name);
    return it == Reg().files.end() ? nullptr : it->second;
}

}  // namespace

bool RegisterPageVfs() {
    static sqlite3_vfs vfs;
    static bool done = false;
    if (done) return true;
    if (sqlite3_initialize() != SQLITE_OK || !DefaultVfs()) return false;
    std::memset(&vfs, 0, sizeof vfs);
    vfs.iVersion = 2;
    vfs.szOsFile = int(sizeof(Handle));
    vfs.mxPathname = 512;
    vfs.zName = kPageVfsName;
    vfs.xOpen = VfsOpen;
    vfs.xDelete = VfsDelete;
    vfs.xAccess = VfsAccess;
    vfs.xFullPathname = VfsFullPathname;
    vfs.xRandomness = VfsRandomness;
    vfs.xSleep = VfsSleep;
    vfs.xCurrentTime = VfsCurrentTime;
    vfs.xGetLastError = VfsGetLastError;
    vfs.xCurrentTimeInt64 = VfsCurrentTimeInt64;
    if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) return false;
    done = true;
    return true;
}

bool PageVfsLoadImage(const std::string& name, const uint8_t* bytes, size_t n) {
    std::lock_guard<std::mutex> g(Reg().mu);
    auto& slot = Reg().files[name];
    if (slot && slot->open_count > 0) return false;
    auto f = std::make_shared<MemFile>();
    f->is_main = true;
    if (n) f->data.assign(bytes, bytes + n);
    uint32_t ps = HeaderPageSize(f->data.data(), f->data.size());
    f->page_size = ps ? ps : kDefaultPageSize;
    // An empty image has nothing durable to build on: its first save is a full one.
    f->full_dirty = n == 0;
    f->since_base_full = false;
    f->RecomputeAll();
    slot = std::move(f);
    return true;
}

bool PageVfsExists(const std::string& name) { return Find(name) != nullptr; }

bool PageVfsDelete(const std::string& name) {
    std::lock_guard<std::mutex> g(Reg().mu);
    auto it = Reg().files.find(name);
    if (it == Reg().files.end()) return true;
    if (it->second->open_count > 0) return false;
    Reg().files.erase(it);
    return true;
}

std::vector<uint8_t> PageVfsImage(const std::string& name) {
    auto f = Find(name);
    return f ? f->data : std::vector<uint8_t>{};
}

bool PageVfsHasDirty(const std::string& name) {
    auto f = Find(name);
    return f && (f->full_dirty || !f->dirty.empty() || f->mixes.size() != f->PageCount());
}

size_t PageVfsDirtyCount(const std::string& name) {
    auto f = Find(name);
    if (!f) return 0;
    return f->full_dirty ? f->PageCount() : f->dirty.size();
}

DirtyPages PageVfsTakeDirty(const std::string& name) {
    DirtyPages out;
    auto f = Find(name);
    if (!f) return out;
    MemFile& m = *f;
    if (m.reserved_by || m.exclusive_by || m.pending_by) {
        out.busy = true;  // invariant 4
        return out;
    }
    uint32_t n = m.PageCount();
    out.full = m.full_dirty;
    if (m.full_dirty) {
        m.mixes.assign(n, 0);
        m.checksum = 0;
        m.dirty.clear();
        for (uint32_t p = 1; p <= n; ++p) m.dirty.insert(p);
    }
    // Pages cut off by a truncation leave the checksum.
    while (m.mixes.size() > n) {
        m.checksum -= m.mixes.back();
        m.mixes.pop_back();
    }
    m.mixes.resize(n, 0);  // grown pages are dirty (written), their mix is set below
    for (uint32_t p : m.dirty) {
        if (p > n) continue;
        auto bytes = m.PageBytes(p);
        uint64_t mix = Mix(p, Hash64(bytes.data(), bytes.size()));
        m.checksum += mix - m.mixes[p - 1];
        m.mixes[p - 1] = mix;
        m.since_base.insert(p);
        out.pages.emplace_back(p, std::move(bytes));
    }
    if (out.full) m.since_base_full = true;
    m.dirty.clear();
    m.full_dirty = false;
    out.ok = true;
    out.page_size = m.page_size;
    out.file_size = uint64_t(n) * m.page_size;
    out.checksum = m.checksum;
#ifndef NDEBUG
    if (n <= 4096) {  // keep debug builds usable with big databases
        std::string bad = PageVfsCheckInvariants(name);
        if (!bad.empty()) {
            out.ok = false;
            out.pages.clear();
        }
    }
#endif
    return out;
}

DirtyPages PageVfsTakeSinceBase(const std::string& name) {
    DirtyPages out;
    auto f = Find(name);
    if (!f) return out;
    MemFile& m = *f;
    if (m.reserved_by || m.exclusive_by || m.pending_by) {
        out.busy = true;
        return out;
    }
    uint32_t n = m.PageCount();
    out.full = m.since_base_full;
    if (out.full) {
        for (uint32_t p = 1; p <= n; ++p) out.pages.emplace_back(p, m.PageBytes(p));
    } else {
        for (uint32_t p : m.since_base)
            if (p <= n) out.pages.emplace_back(p, m.PageBytes(p));
    }
    m.since_base.clear();
    m.since_base_full = false;
    out.ok = true;
    out.page_size = m.page_size;
    out.file_size = uint64_t(n) * m.page_size;
    out.checksum = m.checksum;
    return out;
}

bool PageVfsMarkDirty(const std::string& name, const std::vector<uint32_t>& pgnos, bool full) {
    auto f = Find(name);
    if (!f) return false;
    MemFile& m = *f;
    if (full) {
        m.full_dirty = true;
        m.dirty.clear();
        return true;
    }
    if (m.full_dirty) return true;
    uint32_t n = m.PageCount();
    for (uint32_t p : pgnos)
        if (p >= 1 && p <= n) m.dirty.insert(p);
    return true;
}

bool PageVfsMarkSinceBase(const std::string& name, const std::vector<uint32_t>& pgnos, bool full) {
    auto f = Find(name);
    if (!f) return false;
    if (full) f->since_base_full = true;
    for (uint32_t p : pgnos) f->since_base.insert(p);
    return true;
}

std::string PageVfsCheckInvariants(const std::string& name) {
    auto f = Find(name);
    if (!f) return "no such file";
    const MemFile& m = *f;
    if (!m.is_main) return "";
    uint32_t ps = HeaderPageSize(m.data.data(), m.data.size());
    if (ps && ps != m.page_size) return "1: page size differs from the header";
    if (ps && !m.reserved_by && m.data.size() % m.page_size != 0)
        return "1: file size is not a multiple of the page size";
    uint32_t n = m.PageCount();
    if (!m.dirty.empty() && *m.dirty.rbegin() > n) return "2: dirty page past the end";
    if (m.full_dirty) return "";
    uint64_t sum = 0;
    for (uint32_t p = 1; p <= n && p <= m.mixes.size(); ++p) {
        if (m.dirty.count(p)) continue;
        auto b = m.PageBytes(p);
        uint64_t mix = Mix(p, Hash64(b.data(), b.size()));
        if (mix != m.mixes[p - 1])
            return "3: page " + std::to_string(p) + " changed but is not marked dirty";
        sum += mix;
    }
    if (m.dirty.empty() && m.mixes.size() == n) {
        if (sum != m.checksum) return "3: running checksum differs from the image";
    }
    return "";
}

// ---------------------------------------------------------------------------------
// Commit records
namespace {

constexpr uint32_t kMagic = 0x31525043;  // "CPR1" little-endian
constexpr size_t kHeader = 40;

void Put32(std::vector<uint8_t>& v, uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(uint8_t(x >> (8 * i)));
}
void Put64(std::vector<uint8_t>& v, uint64_t x) {
    for (int i = 0; i < 8; ++i) v.push_back(uint8_t(x >> (8 * i)));
}
uint32_t Get32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint64_t Get64(const uint8_t* p) { return uint64_t(Get32(p)) | uint64_t(Get32(p + 4)) << 32; }

}  // namespace

std::vector<uint8_t> EncodeCommitRecord(uint64_t seq, const DirtyPages& d) {
    std::vector<uint8_t> v;
    v.reserve(kHeader + d.pages.size() * (4 + size_t(d.page_size)) + 8);
    Put32(v, kMagic);
    Put32(v, d.full ? uint32_t(kRecordFull) : 0u);
    Put64(v, seq);
    Put32(v, d.page_size);
    Put32(v, uint32_t(d.pages.size()));
    Put64(v, d.file_size);
    Put64(v, d.checksum);
    for (auto& [pg, _] : d.pages) Put32(v, pg);
    for (auto& [_, bytes] : d.pages) v.insert(v.end(), bytes.begin(), bytes.end());
    Put64(v, Hash64(v.data(), v.size(), 0x636f6d70746f6972ULL));
    return v;
}

bool DecodeCommitRecord(const uint8_t* p, size_t n, CommitRecord* out, std::string* why) {
    auto fail = [&](const char* w) {
        if (why) *why = w;
        return false;
    };
    if (n < kHeader + 8) return fail("record too short");
    if (Get32(p) != kMagic) return fail("not a commit record");
    if (Get64(p + n - 8) != Hash64(p, n - 8, 0x636f6d70746f6972ULL))
        return fail("record hash mismatch (torn or damaged)");
    CommitRecord r;
    r.flags = Get32(p + 4);
    r.seq = Get64(p + 8);
    r.page_size = Get32(p + 16);
    uint32_t count = Get32(p + 20);
    r.file_size = Get64(p + 24);
    r.checksum = Get64(p + 32);
    if (r.page_size < 512 || r.page_size > 65536 || (r.page_size & (r.page_size - 1)))
        return fail("bad page size");
    if (r.file_size % r.page_size != 0) return fail("file size is not whole pages");
    if (n != kHeader + size_t(count) * (4 + r.page_size) + 8) return fail("record length mismatch");
    const uint8_t* pg = p + kHeader;
    const uint8_t* data = pg + size_t(count) * 4;
    r.pages.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        uint32_t no = Get32(pg + 4 * i);
        if (no == 0 || uint64_t(no) * r.page_size > r.file_size) return fail("page past the end");
        const uint8_t* b = data + size_t(i) * r.page_size;
        r.pages.emplace_back(no, std::vector<uint8_t>(b, b + r.page_size));
    }
    *out = std::move(r);
    return true;
}

// ---------------------------------------------------------------------------------
// Restore
RestoreResult RestoreImage(const StoredBase& base, std::vector<RecordBytes> records) {
    RestoreResult res;
    std::sort(records.begin(), records.end(),
              [](const RecordBytes& a, const RecordBytes& b) { return a.key < b.key; });

    std::vector<uint8_t> img;
    uint32_t ps = 0;
    std::vector<uint64_t> mixes;
    uint64_t sum = 0;
    uint64_t seq = 0;

    if (base.present) {
        if (base.page_size < 512 || base.page_size > 65536 || (base.page_size & (base.page_size - 1)) ||
            base.file_size % base.page_size != 0 || base.image.size() != base.file_size) {
            res.error = "stored base image has an impossible shape";
            return res;
        }
        img = base.image;
        ps = base.page_size;
        uint32_t n = uint32_t(img.size() / ps);
        mixes.resize(n);
        for (uint32_t p = 1; p <= n; ++p) {
            mixes[p - 1] = Mix(p, Hash64(img.data() + size_t(p - 1) * ps, ps));
            sum += mixes[p - 1];
        }
        if (sum != base.checksum) {
            res.error = "stored base image fails its checksum (pages missing or damaged)";
            return res;
        }
        seq = base.seq;
    }

    size_t i = 0;
    // Records already folded into the base (cannot normally remain) are skipped.
    while (i < records.size() && records[i].key <= seq) ++i;
    if (!base.present && i < records.size()) {
        // Without a base, history must start at the first, full commit.
        CommitRecord first;
        std::string why;
        if (records[i].key != 1 ||
            !DecodeCommitRecord(records[i].data, records[i].size, &first, &why) ||
            !(first.flags & kRecordFull)) {
            res.error = "stored data has commits but no base image and no first commit";
            return res;
        }
    }
    std::string stop;
    for (; i < records.size(); ++i) {
        const RecordBytes& rb = records[i];
        CommitRecord r;
        std::string why;
        if (rb.key != seq + 1) {
            stop = "commit " + std::to_string(seq + 1) + " missing";
            break;
        }
        if (!DecodeCommitRecord(rb.data, rb.size, &r, &why)) {
            stop = "commit " + std::to_string(rb.key) + ": " + why;
            break;
        }
        if (r.seq != rb.key) {
            stop = "commit " + std::to_string(rb.key) + " stored under the wrong key";
            break;
        }
        bool full = r.flags & kRecordFull;
        if (!full && r.page_size != ps) {
            stop = "commit " + std::to_string(rb.key) + " changes page size without a full image";
            break;
        }
        // Apply on a copy of the bookkeeping so a failed check leaves the last good state.
        std::vector<uint8_t> nimg;
        std::vector<uint64_t> nmixes;
        uint64_t nsum = 0;
        uint32_t n = uint32_t(r.file_size / r.page_size);
        if (full) {
            nimg.assign(r.file_size, 0);
            nmixes.assign(n, 0);
        } else {
            nimg = img;
            nimg.resize(r.file_size, 0);
            nmixes = mixes;
            nsum = sum;
            while (nmixes.size() > n) {
                nsum -= nmixes.back();
                nmixes.pop_back();
            }
            nmixes.resize(n, 0);
        }
        std::vector<bool> touched(n, false);
        for (auto& [pg, bytes] : r.pages) {
            std::memcpy(nimg.data() + size_t(pg - 1) * r.page_size, bytes.data(), r.page_size);
            uint64_t mix = Mix(pg, Hash64(bytes.data(), bytes.size()));
            nsum += mix - nmixes[pg - 1];
            nmixes[pg - 1] = mix;
            touched[pg - 1] = true;
        }
        // Pages that appeared without being written (grown file) hold zeros.
        bool grown_ok = true;
        for (uint32_t p = 1; p <= n; ++p) {
            if (!touched[p - 1] && (full || p > mixes.size())) {
                uint64_t mix = Mix(p, Hash64(nimg.data() + size_t(p - 1) * r.page_size, r.page_size));
                nsum += mix - nmixes[p - 1];
                nmixes[p - 1] = mix;
                if (full) grown_ok = false;
            }
        }
        if (!grown_ok) {
            stop = "commit " + std::to_string(rb.key) + ": full image lacks pages";
            break;
        }
        if (nsum != r.checksum) {
            stop = "commit " + std::to_string(rb.key) + ": image checksum mismatch";
            break;
        }
        if (full) res.replayed_full = true;
        for (auto& pr : r.pages) res.replayed_pages.push_back(pr.first);
        img = std::move(nimg);
        mixes = std::move(nmixes);
        sum = nsum;
        ps = r.page_size;
        seq = r.seq;
        res.replayed++;
    }
    if (i < records.size()) {
        if (seq == 0) {  // nothing complete to fall back on: never an empty database
            res.error = "stored data has no complete commit: " + stop;
            return res;
        }
        res.dropped = records.size() - i;
        res.note = "recovered to commit " + std::to_string(seq) + "; ignored " +
                   std::to_string(res.dropped) + " later record(s): " + stop;
    }
    std::sort(res.replayed_pages.begin(), res.replayed_pages.end());
    res.replayed_pages.erase(std::unique(res.replayed_pages.begin(), res.replayed_pages.end()),
                             res.replayed_pages.end());
    res.ok = true;
    res.seq = seq;
    res.page_size = ps;
    res.image = std::move(img);
    return res;
}

}  // namespace comptoir
