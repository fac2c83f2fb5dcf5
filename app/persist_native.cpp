// app/persist_native.cpp — app/persist.h on the native kiosk: a plain SQLite file on
// disk in WAL mode with PRAGMA synchronous=FULL, so a COMMIT that returned is on disk
// and PersistNow() can report "saved" at once.
//
// Why WAL + FULL: with FULL, a WAL commit appends its pages to the -wal file and fsyncs
// it once before returning — as durable as the rollback journal, which needs 3–4 fsyncs
// per commit (journal, its header, the database, the journal's removal). Never NORMAL:
// in WAL, NORMAL skips that fsync and a power cut could lose a registration the person
// was told was saved. If the file system cannot do WAL (no shared memory, e.g. some
// network mounts) SQLite keeps the rollback journal, still with FULL: slower, as safe.
// The database is then three files (comptoir.db, -wal, -shm): copy them together, or
// use SQLite's backup API. The browser store (persist_web.cpp, page VFS) is unaffected:
// its VFS has no shared memory and keeps its in-memory rollback journal.
//
// Compiled in both builds; its content exists only outside Emscripten
// (persist_web.cpp is the browser counterpart).
#ifndef __EMSCRIPTEN__
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "app/persist.h"
#include "core/db.h"

namespace comptoir {
namespace {

struct NativeState {
    std::string path;
    bool open = false;
    PersistError last_error = PersistError::None;
    std::string last_error_detail;
};
NativeState& N() {
    static NativeState s;
    return s;
}

std::string DefaultPath() {
    if (const char* p = std::getenv("COMPTOIR_DB"); p && *p) return p;
    std::filesystem::path dir;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        dir = x;
    else if (const char* h = std::getenv("HOME"); h && *h)
        dir = std::filesystem::path(h) / ".local" / "share";
    else
        dir = ".";
    return (dir / "comptoir" / "comptoir.db").string();
}

}  // namespace

void SetDeviceStorePath(const std::string& path) { N().path = path; }

std::string DeviceStorePath() { return N().path.empty() ? DefaultPath() : N().path; }

std::unique_ptr<LocalStore> OpenDeviceStore(std::string* error, PersistError* code) {
    NativeState& s = N();
    auto fail = [&](PersistError e, std::string why) -> std::unique_ptr<LocalStore> {
        s.last_error = e;
        s.last_error_detail = why;
        if (error) *error = why;
        if (code) *code = e;
        return nullptr;
    };
    if (code) *code = PersistError::None;
    std::string path = DeviceStorePath();
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec) return fail(PersistError::Unavailable, "cannot create " + parent.string() + ": " + ec.message());
    }
    std::string err;
    auto store = LocalStore::Open(path, &err);
    if (!store) return fail(PersistError::Unavailable, "cannot open the database file: " + err);
    // WAL + synchronous=FULL (see the top): durable at COMMIT, one fsync per commit. A
    // file system without WAL support keeps the rollback journal, still FULL: as durable.
    if (!store->UseDurableWal(nullptr, &err))
        return fail(PersistError::Unavailable, "cannot set journal_mode=WAL, synchronous=FULL: " + err);
    s.open = true;
    return store;
}

void PersistNow(SavedCallback saved) {
    // Every COMMIT already reached the disk (synchronous=FULL).
    if (!saved) return;
    if (!N().open) {
        saved(false, PersistError::NotOpen);
        return;
    }
    saved(true, PersistError::None);
}

StorageStatus GetStorageStatus() {
    NativeState& s = N();
    StorageStatus st;
    st.persistent = true;
    std::error_code ec;
    std::string path = DeviceStorePath();
    auto size = std::filesystem::file_size(path, ec);
    if (!ec) st.usage_bytes = double(size);
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        auto extra = std::filesystem::file_size(path + suffix, ec);
        if (!ec) st.usage_bytes += double(extra);
    }
    auto dir = std::filesystem::path(path).parent_path();
    auto space = std::filesystem::space(dir.empty() ? "." : dir, ec);
    if (!ec) st.quota_bytes = st.usage_bytes + double(space.available);
    st.near_quota = st.quota_bytes > 0 && st.usage_bytes > 0.8 * st.quota_bytes;
    st.last_error = s.last_error;
    st.last_error_detail = s.last_error_detail;
    return st;
}

void CompactSoon() {}  // the SQLite file is the only copy

void CloseDeviceStore() { N().open = false; }

}  // namespace comptoir
#endif  // !__EMSCRIPTEN__
