// app/persist_web.cpp — app/persist.h in the browser: SQLite in memory through the
// page-tracking VFS (core/page_vfs.h), made durable in IndexedDB by web/js/persist.js.
//
// One save = the pages dirtied since the previous save, encoded as one commit record,
// written in ONE strict IndexedDB transaction. At most one save is in flight: calls made
// meanwhile wait and go out together in the next one, so records reach IndexedDB in seq
// order with no gaps. A failed write puts its pages back in the dirty set and its seq is
// reused. After a save, when nothing else is pending and the log has grown, the log is
// folded into the base image (compaction), costing the pages changed since the last one.
//
// Compiled in both builds; its content exists only under Emscripten (persist_native.cpp
// is the native counterpart).
#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

#include "app/persist.h"
#include "core/page_vfs.h"

namespace comptoir {
namespace {

constexpr const char* kFileName = "comptoir.db";
constexpr size_t kCompactRecords = 64;          // fold the log after this many saves...
constexpr size_t kCompactBytes = 4u << 20;      // ...or this many bytes of records

struct InFlight {
    int id = 0;
    uint64_t seq = 0;
    size_t bytes = 0;
    std::vector<uint32_t> pages;
    bool full = false;
    std::vector<SavedCallback> callbacks;
};

struct State {
    bool open = false;
    uint64_t seq = 0;          // last seq handed to IndexedDB (durable or in flight)
    uint64_t durable_seq = 0;
    bool inflight = false;
    InFlight cur;
    std::vector<SavedCallback> waiting;
    bool persist_scheduled = false;
    // log of commit records not yet folded into the base
    size_t log_records = 0, log_bytes = 0;
    bool compacting = false;
    int compact_id = 0;
    size_t compact_records = 0, compact_bytes = 0;
    std::vector<uint32_t> compact_pages;
    bool compact_full = false;
    bool compact_soon = false;     // CompactSoon(): ignore the thresholds once
    int next_id = 1;
    PersistError last_error = PersistError::None;
    std::string last_error_detail;
    std::string recovered_note;
};
State& S() {
    static State s;
    return s;
}

// --- JavaScript side (web/js/persist.js) ---------------------------------------------
EM_JS(int, js_persist_state, (), {
    var P = Module.comptoirPersist;
    if (!P) return 4;
    switch (P.state) {
        case "ready": return 1;
        case "other-tab": return 2;
        case "unavailable": return 3;
        default: return 4;
    }
});
EM_JS(int, js_persist_error_len, (), {
    var P = Module.comptoirPersist;
    return P ? lengthBytesUTF8(P.error || "") + 1 : 1;
});
EM_JS(void, js_persist_error_copy, (char* dst, int max), {
    var P = Module.comptoirPersist;
    stringToUTF8(P ? (P.error || "") : "persist.js is not loaded", dst, max);
});
// out (uint32 x 8): present, baseSeq, pageSize, fileSize, checksumHi, checksumLo, records, lastKnownSeq
EM_JS(void, js_persist_load_meta, (uint32_t* out), {
    var P = Module.comptoirPersist, L = P && P.load;
    var o = out >> 2;
    for (var i = 0; i < 8; i++) HEAPU32[o + i] = 0;
    if (!L) return;
    HEAPU32[o] = L.present ? 1 : 0;
    HEAPU32[o + 1] = L.baseSeq;
    HEAPU32[o + 2] = L.pageSize;
    HEAPU32[o + 3] = L.fileSize;
    var c = ("0000000000000000" + L.checksum).slice(-16);
    HEAPU32[o + 4] = parseInt(c.slice(0, 8), 16) >>> 0;
    HEAPU32[o + 5] = parseInt(c.slice(8), 16) >>> 0;
    HEAPU32[o + 6] = L.records.length;
    HEAPU32[o + 7] = P.lastKnownSeq >>> 0;
});
EM_JS(void, js_persist_copy_base, (uint8_t* dst), {
    var L = Module.comptoirPersist.load;
    HEAPU8.set(L.image, dst);
});
EM_JS(uint32_t, js_persist_record_key, (int i), {
    return Module.comptoirPersist.load.records[i].key >>> 0;
});
EM_JS(uint32_t, js_persist_record_size, (int i), {
    return Module.comptoirPersist.load.records[i].bytes.byteLength >>> 0;
});
EM_JS(void, js_persist_copy_record, (int i, uint8_t* dst), {
    HEAPU8.set(Module.comptoirPersist.load.records[i].bytes, dst);
});
EM_JS(void, js_persist_release, (), {
    Module.comptoirPersist.releaseLoad();
});
EM_JS(void, js_persist_commit, (int id, double seq, const uint8_t* p, uint32_t n), {
    Module.comptoirPersist.commit(id, seq, HEAPU8.subarray(p, p + n));
});
EM_JS(void, js_persist_compact, (int id, double seq, const uint8_t* p, uint32_t n), {
    Module.comptoirPersist.compact(id, seq, HEAPU8.subarray(p, p + n));
});
// out (double x 5): persistent, usage, quota, otherTab, inflight
EM_JS(void, js_persist_status, (double* out), {
    var P = Module.comptoirPersist, o = out >> 3;
    if (!P) { for (var i = 0; i < 5; i++) HEAPF64[o + i] = 0; return; }
    HEAPF64[o] = P.status.persistent ? 1 : 0;
    HEAPF64[o + 1] = P.status.usage;
    HEAPF64[o + 2] = P.status.quota;
    HEAPF64[o + 3] = P.status.otherTab ? 1 : 0;
    HEAPF64[o + 4] = P.inflight;
});

std::string JsError() {
    int n = js_persist_error_len();
    std::string s(size_t(n), '\0');
    js_persist_error_copy(s.data(), n);
    s.resize(std::strlen(s.c_str()));
    return s;
}

void Defer(std::function<void()> fn) {
    auto* heap = new std::function<void()>(std::move(fn));
    emscripten_async_call(
        [](void* arg) {
            auto* f = static_cast<std::function<void()>*>(arg);
            (*f)();
            delete f;
        },
        heap, 0);
}

void RunCallbacks(std::vector<SavedCallback> cbs, bool ok, PersistError e) {
    for (auto& cb : cbs)
        if (cb) cb(ok, e);
}

void MaybeCompact() {
    State& s = S();
    if (!s.open || s.inflight || s.compacting || !s.waiting.empty()) return;
    if (!s.compact_soon && s.log_records < kCompactRecords && s.log_bytes < kCompactBytes) return;
    if (s.log_records == 0) { s.compact_soon = false; return; }
    if (PageVfsHasDirty(kFileName)) return;  // the base must be exactly commit durable_seq
    DirtyPages d = PageVfsTakeSinceBase(kFileName);
    if (!d.ok) return;
    std::vector<uint8_t> rec = EncodeCommitRecord(s.durable_seq, d);
    s.compacting = true;
    s.compact_soon = false;
    s.compact_id = s.next_id++;
    s.compact_records = s.log_records;
    s.compact_bytes = s.log_bytes;
    s.compact_full = d.full;
    s.compact_pages.clear();
    for (auto& pr : d.pages) s.compact_pages.push_back(pr.first);
    js_persist_compact(s.compact_id, double(s.durable_seq), rec.data(), uint32_t(rec.size()));
}

// Sends everything dirty as one record; `cbs` run when it is durable.
void StartCommit(std::vector<SavedCallback> cbs) {
    State& s = S();
    DirtyPages d = PageVfsTakeDirty(kFileName);
    if (!d.ok) {
        PersistError e = d.busy ? PersistError::Busy : PersistError::WriteFailed;
        Defer([cbs = std::move(cbs), e]() mutable { RunCallbacks(std::move(cbs), false, e); });
        return;
    }
    if (d.pages.empty() && !d.full) {
        // Nothing new: what these callers committed is already durable.
        Defer([cbs = std::move(cbs)]() mutable { RunCallbacks(std::move(cbs), true, PersistError::None); });
        MaybeCompact();
        return;
    }
    std::vector<uint8_t> rec = EncodeCommitRecord(s.seq + 1, d);
    s.seq += 1;
    s.inflight = true;
    s.cur = InFlight{};
    s.cur.id = s.next_id++;
    s.cur.seq = s.seq;
    s.cur.bytes = rec.size();
    s.cur.full = d.full;
    for (auto& pr : d.pages) s.cur.pages.push_back(pr.first);
    s.cur.callbacks = std::move(cbs);
    js_persist_commit(s.cur.id, double(s.cur.seq), rec.data(), uint32_t(rec.size()));
}

PersistError CodeToError(int code) {
    return code == 2 ? PersistError::QuotaExceeded : PersistError::WriteFailed;
}

}  // namespace

// Called by persist.js when a commit transaction completed (ok=1) or failed.
extern "C" EMSCRIPTEN_KEEPALIVE void comptoir_persist_done(int id, int ok, int code) {
    State& s = S();
    if (!s.inflight || id != s.cur.id) return;
    InFlight done = std::move(s.cur);
    s.inflight = false;
    PersistError e = PersistError::None;
    if (ok) {
        s.durable_seq = done.seq;
        s.log_records += 1;
        s.log_bytes += done.bytes;
        if (s.last_error == PersistError::WriteFailed || s.last_error == PersistError::QuotaExceeded) {
            s.last_error = PersistError::None;
            s.last_error_detail.clear();
        }
    } else {
        e = CodeToError(code);
        PageVfsMarkDirty(kFileName, done.pages, done.full);  // the retry writes them again
        s.seq = done.seq - 1;
        s.last_error = e;
        s.last_error_detail = JsError();
    }
    // Callers that came meanwhile go out now, before anyone is told (so a callback that
    // saves again queues behind them).
    if (!s.waiting.empty()) {
        std::vector<SavedCallback> next = std::move(s.waiting);
        s.waiting.clear();
        StartCommit(std::move(next));
    }
    MaybeCompact();  // only when nothing is in flight or dirty
    RunCallbacks(std::move(done.callbacks), ok != 0, e);
}

extern "C" EMSCRIPTEN_KEEPALIVE void comptoir_persist_compacted(int id, int ok, int) {
    State& s = S();
    if (!s.compacting || id != s.compact_id) return;
    s.compacting = false;
    if (ok) {
        s.log_records -= std::min(s.log_records, s.compact_records);
        s.log_bytes -= std::min(s.log_bytes, s.compact_bytes);
    } else {
        // The base did not move: these pages still have to go into it next time.
        PageVfsMarkSinceBase(kFileName, s.compact_pages, s.compact_full);
        s.last_error_detail = "compaction failed: " + JsError();
    }
    s.compact_pages.clear();
}

// visibilitychange -> hidden: write what is pending now.
extern "C" EMSCRIPTEN_KEEPALIVE void comptoir_persist_flush() {
    if (S().open) PersistNow(nullptr);
}

std::unique_ptr<LocalStore> OpenDeviceStore(std::string* error, PersistError* code) {
    State& s = S();
    auto fail = [&](PersistError e, std::string why) -> std::unique_ptr<LocalStore> {
        s.last_error = e;
        s.last_error_detail = why;
        if (error) *error = why;
        if (code) *code = e;
        return nullptr;
    };
    if (code) *code = PersistError::None;
    if (s.open) return fail(PersistError::Unavailable, "the device store is already open");
    int st = js_persist_state();
    if (st == 2) return fail(PersistError::OtherTab, "another tab holds the device");
    if (st != 1) return fail(PersistError::Unavailable, "browser storage unavailable: " + JsError());
    if (!RegisterPageVfs()) return fail(PersistError::Unavailable, "cannot register the page VFS");

    uint32_t meta[8];
    js_persist_load_meta(meta);
    StoredBase base;
    base.present = meta[0] != 0;
    base.seq = meta[1];
    base.page_size = meta[2];
    base.file_size = meta[3];
    base.checksum = (uint64_t(meta[4]) << 32) | meta[5];
    if (base.present) {
        base.image.resize(base.file_size);
        if (base.file_size) js_persist_copy_base(base.image.data());
    }
    std::vector<std::vector<uint8_t>> rec_bytes(meta[6]);
    std::vector<RecordBytes> recs;
    for (uint32_t i = 0; i < meta[6]; ++i) {
        rec_bytes[i].resize(js_persist_record_size(int(i)));
        if (!rec_bytes[i].empty()) js_persist_copy_record(int(i), rec_bytes[i].data());
        recs.push_back({js_persist_record_key(int(i)), rec_bytes[i].data(), rec_bytes[i].size()});
    }
    js_persist_release();
    uint64_t last_known = meta[7];

    RestoreResult r = RestoreImage(base, recs);
    rec_bytes.clear();
    base.image.clear();
    if (!r.ok) return fail(PersistError::Damaged, r.error);

    std::string note = r.note;
    if (last_known > r.seq) {
        if (!note.empty()) note += "; ";
        note += "this browser last saw save " + std::to_string(last_known) + ", storage holds " +
                std::to_string(r.seq) + (r.seq == 0 ? " (browser storage was cleared)" : "");
    }
    PageVfsDelete(kFileName);
    if (!PageVfsLoadImage(kFileName, r.image.data(), r.image.size()))
        return fail(PersistError::Unavailable, "cannot load the image into the VFS");
    PageVfsMarkSinceBase(kFileName, r.replayed_pages, r.replayed_full);
    s.seq = s.durable_seq = r.seq;
    s.log_records = r.replayed;
    s.log_bytes = 0;
    for (auto& rb : recs) s.log_bytes += rb.size;
    s.recovered_note = note;
    r.image.clear();
    r.image.shrink_to_fit();

    std::string err;
    auto store = LocalStore::Open(kFileName, &err, kPageVfsName);
    if (!store) return fail(PersistError::Damaged, "the stored database does not open: " + err);
    s.open = true;
    store->SetCommitHook([] {
        // Runs inside SQLite's commit: persist once control is back in the event loop.
        if (S().persist_scheduled) return;
        S().persist_scheduled = true;
        Defer([] {
            S().persist_scheduled = false;
            if (S().open) PersistNow(nullptr);
        });
    });
    PersistNow(nullptr);  // first start / migrations: make the new file durable at once
    return store;
}

void PersistNow(SavedCallback saved) {
    State& s = S();
    if (!s.open) {
        Defer([saved] {
            if (saved) saved(false, PersistError::NotOpen);
        });
        return;
    }
    if (s.inflight) {
        s.waiting.push_back(std::move(saved));
        return;
    }
    std::vector<SavedCallback> cbs;
    cbs.push_back(std::move(saved));
    StartCommit(std::move(cbs));
}

StorageStatus GetStorageStatus() {
    State& s = S();
    double v[5];
    js_persist_status(v);
    StorageStatus st;
    st.persistent = v[0] != 0;
    st.usage_bytes = v[1];
    st.quota_bytes = v[2];
    st.near_quota = st.quota_bytes > 0 && st.usage_bytes > 0.8 * st.quota_bytes;
    st.other_tab_active = v[3] != 0;
    st.saved_seq = int64_t(s.durable_seq);
    st.pending_saves = int(v[4]);
    st.unsaved_changes = s.open && (s.inflight || PageVfsHasDirty(kFileName));
    st.last_error = s.last_error;
    st.last_error_detail = s.last_error_detail;
    st.recovered_note = s.recovered_note;
    return st;
}

void SetDeviceStorePath(const std::string&) {}
std::string DeviceStorePath() { return std::string("indexeddb:comptoir/") + kFileName; }

void CompactSoon() {
    S().compact_soon = true;
    MaybeCompact();
}

void CloseDeviceStore() {
    State& s = S();
    s.open = false;
}

}  // namespace comptoir
#endif  // __EMSCRIPTEN__
