// web/js/persist.js — the IndexedDB side of Comptoir's durable storage (Emscripten --pre-js).
//
// Self-contained; everything lives under Module.comptoirPersist (also globalThis.ComptoirPersist).
// app/persist_web.cpp drives it through EM_JS; core/page_vfs.h defines the record format.
//
// As soon as this script runs, in parallel with the wasm download and compile; main()
// waits for it (Module.preRun + a run dependency):
//   1. take the device lock (Web Locks 'comptoir-device', ifAvailable) — another tab that
//      holds it makes this tab inactive (status.otherTab); it waits for the lock and
//      reloads when it gets it;
//   2. open IndexedDB "comptoir" v1 and read in ONE read transaction:
//        meta['base']  {baseSeq, pageSize, fileSize, checksum (16 hex digits)}
//        pages         pgno -> ArrayBuffer(pageSize)     (the base image)
//        commits       seq  -> ArrayBuffer (a commit record, appended by each save)
//      The C++ side verifies and replays them (RestoreImage) — JS does not judge them.
//   3. navigator.storage.persist() and estimate() (status, refreshed after saves).
// Saves: commit(id, seq, bytes) puts one record and deletes later keys in ONE transaction
// opened with {durability:'strict'}; C++ is called back (_comptoir_persist_done) on
// complete / error / abort. compact(...) folds records into the base the same way.
// On visibilitychange -> hidden, C++ is asked to flush (_comptoir_persist_flush).
(function () {
  'use strict';
  var M = typeof Module !== 'undefined' ? Module : (globalThis.Module = {});
  if (M.comptoirPersist) return;
  if (M.comptoirBoot && M.comptoirBoot.abandoned) return;   // the page runs the admin module (web/js/boot.js)

  var DB_NAME = 'comptoir', DB_VERSION = 1, LOCK_NAME = 'comptoir-device';
  var SEQ_KEY = 'comptoir.persist.savedSeq';

  var P = {
    state: 'starting',   // 'starting' | 'ready' | 'other-tab' | 'unavailable' | 'error'
    error: '',           // technical reason (English), no personal data
    db: null,
    load: null,          // {present, baseSeq, pageSize, fileSize, checksum, image, records:[{key, bytes}]}
    status: { persistent: false, usage: 0, quota: 0, otherTab: false },
    lastKnownSeq: 0,     // from localStorage: the last seq this browser saw durable
    inflight: 0,
    timings: [],         // [ms] of the last commits (bench)
  };
  M.comptoirPersist = P;
  globalThis.ComptoirPersist = P;

  function errName(e) {
    if (!e) return 'unknown';
    return (e.name || 'Error') + (e.message ? ': ' + e.message : '');
  }

  function readLastKnownSeq() {
    try { return Number(globalThis.localStorage && localStorage.getItem(SEQ_KEY)) || 0; } catch (e) { return 0; }
  }
  function writeLastKnownSeq(seq) {
    try { if (globalThis.localStorage) localStorage.setItem(SEQ_KEY, String(seq)); } catch (e) { /* private mode */ }
  }

  // --- device lock -------------------------------------------------------------------
  function takeLock() {
    return new Promise(function (resolve) {
      var locks = globalThis.navigator && navigator.locks;
      if (!locks || !locks.request) { resolve(true); return; }  // old browser: no guard
      locks.request(LOCK_NAME, { ifAvailable: true }, function (lock) {
        if (!lock) { resolve(false); return undefined; }
        resolve(true);
        return new Promise(function () {});  // hold it for the life of the page
      }).catch(function () { resolve(true); });
    });
  }
  function waitForLockThenReload() {
    navigator.locks.request(LOCK_NAME, function () {
      // The other tab closed: start again as the active tab.
      globalThis.location && location.reload();
      return new Promise(function () {});
    });
  }

  // --- IndexedDB -------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!globalThis.indexedDB) { reject(new Error('IndexedDB is not available')); return; }
      var req;
      try { req = indexedDB.open(DB_NAME, DB_VERSION); } catch (e) { reject(e); return; }
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
        if (!db.objectStoreNames.contains('pages')) db.createObjectStore('pages');
        if (!db.objectStoreNames.contains('commits')) db.createObjectStore('commits');
      };
      req.onsuccess = function () {
        var db = req.result;
        db.onversionchange = function () { db.close(); };
        resolve(db);
      };
      req.onerror = function () { reject(req.error); };
      req.onblocked = function () { reject(new Error('IndexedDB open blocked by another tab')); };
    });
  }

  function readAll(db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(['meta', 'pages', 'commits'], 'readonly');
      var out = { meta: null, pageKeys: null, pageVals: null, commitKeys: null, commitVals: null };
      tx.objectStore('meta').get('base').onsuccess = function (e) { out.meta = e.target.result || null; };
      var pages = tx.objectStore('pages'), commits = tx.objectStore('commits');
      pages.getAllKeys().onsuccess = function (e) { out.pageKeys = e.target.result; };
      pages.getAll().onsuccess = function (e) { out.pageVals = e.target.result; };
      commits.getAllKeys().onsuccess = function (e) { out.commitKeys = e.target.result; };
      commits.getAll().onsuccess = function (e) { out.commitVals = e.target.result; };
      tx.oncomplete = function () { resolve(out); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error || new Error('read aborted')); };
    });
  }

  function assemble(raw) {
    var L = { present: false, baseSeq: 0, pageSize: 0, fileSize: 0, checksum: '0', image: new Uint8Array(0), records: [] };
    var m = raw.meta;
    if (m) {
      L.present = true;
      L.baseSeq = m.baseSeq | 0;
      L.pageSize = m.pageSize | 0;
      L.fileSize = m.fileSize | 0;
      L.checksum = String(m.checksum || '0');
      L.image = new Uint8Array(L.fileSize);
      for (var i = 0; i < raw.pageKeys.length; i++) {
        var pg = raw.pageKeys[i], v = raw.pageVals[i];
        var off = (pg - 1) * L.pageSize;
        // Wrong-sized or out-of-range pages are left out: the checksum will say so.
        if (v && v.byteLength === L.pageSize && off >= 0 && off + L.pageSize <= L.fileSize)
          L.image.set(new Uint8Array(v), off);
      }
    }
    for (var j = 0; j < raw.commitKeys.length; j++) {
      var val = raw.commitVals[j];
      L.records.push({ key: raw.commitKeys[j], bytes: val ? new Uint8Array(val) : new Uint8Array(0) });
    }
    return L;
  }

  function refreshEstimate() {
    var st = globalThis.navigator && navigator.storage;
    if (!st || !st.estimate) return Promise.resolve();
    return st.estimate().then(function (e) {
      P.status.usage = e.usage || 0;
      P.status.quota = e.quota || 0;
    }).catch(function () {});
  }

  function askPersistence() {
    var st = globalThis.navigator && navigator.storage;
    if (!st || !st.persist) return Promise.resolve();
    return (st.persisted ? st.persisted() : Promise.resolve(false)).then(function (already) {
      if (already) return true;
      return st.persist();
    }).then(function (granted) { P.status.persistent = !!granted; }).catch(function () {});
  }

  P.start = function () {
    P.lastKnownSeq = readLastKnownSeq();
    return takeLock().then(function (active) {
      if (!active) {
        P.state = 'other-tab';
        P.status.otherTab = true;
        waitForLockThenReload();
        return;
      }
      return openDb().then(function (db) {
        P.db = db;
        return readAll(db);
      }).then(function (raw) {
        P.load = assemble(raw);
        P.state = 'ready';
      }, function (e) {
        P.state = 'unavailable';
        P.error = errName(e);
      }).then(function () {
        // Not awaited for long: persist() may show a prompt in some browsers.
        askPersistence();
        return refreshEstimate();
      });
    }).catch(function (e) {
      P.state = 'error';
      P.error = errName(e);
    });
  };

  // --- writes ------------------------------------------------------------------------
  function strictTx(stores) {
    try { return P.db.transaction(stores, 'readwrite', { durability: 'strict' }); }
    catch (e) { return P.db.transaction(stores, 'readwrite'); }  // older browsers: no options
  }

  // Calls back into C++: ok=1/0, code: 0 none, 2 quota, 3 write failed.
  function report(id, ok, e, fnName) {
    var code = 0;
    if (!ok) {
      var n = e && e.name;
      code = (n === 'QuotaExceededError') ? 2 : 3;
      P.error = errName(e);
    }
    var fn = M[fnName || '_comptoir_persist_done'];
    if (typeof fn === 'function') fn(id, ok ? 1 : 0, code);
  }

  // One save: the commit record under its seq; keys after it (left by a recovery) go too.
  P.commit = function (id, seq, bytes) {
    if (!P.db) { report(id, false, new Error('storage is not open')); return; }
    var copy = bytes.slice().buffer;  // the wasm heap may move: keep our own copy
    var t0 = performance.now();
    var tx;
    try {
      tx = strictTx(['commits']);
      var store = tx.objectStore('commits');
      store.delete(IDBKeyRange.lowerBound(seq, true));
      store.put(copy, seq);
    } catch (e) { report(id, false, e); return; }
    P.inflight++;
    tx.oncomplete = function () {
      P.inflight--;
      P.timings.push(performance.now() - t0);
      if (P.timings.length > 1000) P.timings.shift();
      writeLastKnownSeq(seq);
      P.lastKnownSeq = seq;
      report(id, true);
    };
    tx.onabort = function () { P.inflight--; report(id, false, tx.error || new Error('transaction aborted')); };
  };

  function parseRecord(u8) {
    var dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    var r = {
      flags: dv.getUint32(4, true),
      seq: dv.getUint32(8, true) + dv.getUint32(12, true) * 4294967296,
      pageSize: dv.getUint32(16, true),
      count: dv.getUint32(20, true),
      fileSize: dv.getUint32(24, true) + dv.getUint32(28, true) * 4294967296,
      checksum: hex32(dv.getUint32(36, true)) + hex32(dv.getUint32(32, true)),
      pages: [],
    };
    var data = 40 + r.count * 4;
    for (var i = 0; i < r.count; i++) {
      var off = data + i * r.pageSize;
      r.pages.push([dv.getUint32(40 + i * 4, true), u8.slice(off, off + r.pageSize).buffer]);
    }
    return r;
  }
  function hex32(x) { return ('00000000' + x.toString(16)).slice(-8); }

  // Folds commits <= seq into the base: `bytes` is a record holding every page changed
  // since the previous compaction (C++ checked it is the durable state at `seq`).
  P.compact = function (id, seq, bytes) {
    if (!P.db) { report(id, false, new Error('storage is not open'), '_comptoir_persist_compacted'); return; }
    var r = parseRecord(bytes);
    var tx;
    try {
      tx = strictTx(['meta', 'pages', 'commits']);
      var pages = tx.objectStore('pages');
      if (r.flags & 1) pages.clear();
      var npages = Math.floor(r.fileSize / r.pageSize);
      pages.delete(IDBKeyRange.lowerBound(npages, true));
      for (var i = 0; i < r.pages.length; i++) pages.put(r.pages[i][1], r.pages[i][0]);
      tx.objectStore('meta').put({ baseSeq: seq, pageSize: r.pageSize, fileSize: r.fileSize, checksum: r.checksum }, 'base');
      tx.objectStore('commits').delete(IDBKeyRange.upperBound(seq));
    } catch (e) { report(id, false, e, '_comptoir_persist_compacted'); return; }
    P.inflight++;
    tx.oncomplete = function () { P.inflight--; report(id, true, null, '_comptoir_persist_compacted'); refreshEstimate(); };
    tx.onabort = function () { P.inflight--; report(id, false, tx.error || new Error('compaction aborted'), '_comptoir_persist_compacted'); };
  };

  P.refreshEstimate = refreshEstimate;
  P.releaseLoad = function () { P.load = null; };

  // Test hook: wipes every stored byte of this origin's Comptoir database.
  P.deleteDatabase = function () {
    if (P.db) { P.db.close(); P.db = null; }
    return new Promise(function (resolve) {
      var req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
    });
  };

  // --- wiring into the Emscripten start-up ----------------------------------------------
  if (globalThis.document && globalThis.indexedDB) {
    var pre = M.preRun;
    M.preRun = pre ? (Array.isArray(pre) ? pre : [pre]) : [];
    // Started now, while the wasm downloads and compiles (not after): main() waits for it.
    var started = P.start();
    M.preRun.push(function () {
      addRunDependency('comptoir-persist');
      started.then(function () {
        if (globalThis.performance && performance.mark) performance.mark('comptoir-storage-loaded');
        removeRunDependency('comptoir-persist');
      });
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden' && typeof M._comptoir_persist_flush === 'function')
        M._comptoir_persist_flush();
    });
  } else {
    P.state = 'unavailable';
    P.error = 'no IndexedDB in this environment';
  }
})();
