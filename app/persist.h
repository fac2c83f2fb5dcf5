// app/persist.h — where the device's database lives, and when a save is durable.
//
// Browser (persist_web.cpp + web/js/persist.js): SQLite runs in memory through the
// page-tracking VFS (core/page_vfs.h). Before main() runs, persist.js opens IndexedDB
// ("comptoir"), reads the stored image and takes the one-active-tab lock. PersistNow()
// takes the pages dirtied since the last save and writes them to IndexedDB in ONE
// transaction opened with {durability: 'strict'}; `saved` runs when that transaction
// completes (or fails, with the reason). See docs/persistence.md.
//
// Native kiosk (persist_native.cpp): a plain SQLite file on disk opened with
// PRAGMA synchronous=FULL; a COMMIT is durable when it returns, so PersistNow() calls
// `saved(true, None)` at once.
//
// Usage (app):
//   PersistError code;
//   std::string err;
//   std::unique_ptr<LocalStore> store = OpenDeviceStore(&err, &code);
//   if (!store) show PersistErrorText(lang, code) (+ err for staff); do not go on.
//   ...
//   SaveResult r = store->SaveRegistration(reg);
//   if (r.ok) PersistNow([](bool ok, PersistError e) {
//       if (ok) show "Merci, c'est enregistré"; else show PersistErrorText(lang, e);
//   });
//   StorageStatus st = GetStorageStatus();   // staff screen: persistent? usage/quota?
//
// Threading: everything runs on the main thread; callbacks run from the browser's
// event loop (never re-entrantly from inside PersistNow on the web).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/i18n.h"
#include "core/store.h"

namespace comptoir {

enum class PersistError {
    None = 0,
    Unavailable,    // no IndexedDB (some private modes) / cannot open the database file
    QuotaExceeded,  // the browser refused the write: storage full
    WriteFailed,    // the storage transaction failed or was aborted (reason in detail)
    Damaged,        // the stored data failed its checks and could not be recovered
    OtherTab,       // Comptoir is active in another tab of this browser
    Busy,           // a SQLite write transaction is still open: nothing was saved
    NotOpen,        // PersistNow before OpenDeviceStore succeeded
};

// The message to show (French, Dutch or English).
const char* PersistErrorText(Lang lang, PersistError e);
// A stable name, e.g. "QuotaExceeded" (tests, logs).
const char* PersistErrorName(PersistError e);

struct StorageStatus {
    bool persistent = false;          // navigator.storage.persist() granted (native: true)
    double usage_bytes = 0;           // navigator.storage.estimate() (native: file size)
    double quota_bytes = 0;           // 0 when unknown
    bool near_quota = false;          // usage above 80 % of quota
    bool other_tab_active = false;    // this tab is inactive: another one holds the device
    int64_t saved_seq = 0;            // last commit number known durable
    int pending_saves = 0;            // IndexedDB transactions in flight
    bool unsaved_changes = false;     // dirty pages not yet handed to storage
    PersistError last_error = PersistError::None;
    std::string last_error_detail;    // technical, English, no personal data (staff screen)
    std::string recovered_note;       // non-empty when the start-up had to recover/repair
};

// Opens the device's local store (migrations run). Web: from the IndexedDB image
// loaded before main(); fails with OtherTab in an inactive tab and with Damaged when
// stored data cannot be trusted (never opens an empty database in its place).
// Native: the SQLite file at DeviceStorePath(). Only one store is open at a time.
// Web: the store's commit hook belongs to persistence (it schedules a save after every
// commit, e.g. sync results): do not replace it with SetCommitHook.
std::unique_ptr<LocalStore> OpenDeviceStore(std::string* error, PersistError* code = nullptr);

// Native only: where the database file lives (default: $COMPTOIR_DB, else
// $XDG_DATA_HOME/comptoir/comptoir.db or ~/.local/share/comptoir/comptoir.db).
// Call before OpenDeviceStore to override. No effect in the browser.
void SetDeviceStorePath(const std::string& path);
std::string DeviceStorePath();

// Makes every committed change durable, then calls `saved` (may be empty).
// Web: dirty pages -> one strict IndexedDB transaction; `saved` runs on its completion.
// Several calls in a row are chained: each callback runs only once its own data is durable.
using SavedCallback = std::function<void(bool ok, PersistError error)>;
void PersistNow(SavedCallback saved);

StorageStatus GetStorageStatus();

// Asks the next quiet moment to fold the commit log into the base image even below the
// usual thresholds, so page images holding erased data leave the browser's storage
// (a phone after purging what the server acknowledged). Native: nothing to do.
void CompactSoon();

// Closes the bookkeeping of the current store (tests; the store itself is the caller's).
void CloseDeviceStore();

}  // namespace comptoir
