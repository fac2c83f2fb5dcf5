// web/tests/persist.spec.mjs — browser persistence through the real path (LocalStore on
// the page VFS + app/persist_web.cpp + web/js/persist.js) in headless Chromium with an
// on-disk profile: saves survive reloads, one active tab, damaged storage is recovered
// to the last complete save or refused — never replaced by an empty database.
// Run: node web/tests/persist.spec.mjs   (or through web/tests/run.mjs)
// Prints "N passed, N failed"; exit code non-zero on failure.
import { buildHarness, call, harnessWeb, launch, openHarness, serve } from '../../bench/durable_save_lib.mjs';

let passed = 0, failed = 0;
function check(cond, what, extra) {
  if (cond) { passed++; console.log(`ok - ${what}`); }
  else { failed++; console.log(`FAIL - ${what}${extra !== undefined ? ' ' + JSON.stringify(extra) : ''}`); }
}

// Runs inside the page: raw IndexedDB access, to look at and damage what persist.js wrote.
async function idb(page, op) {
  return page.evaluate((op) => new Promise((resolve, reject) => {
    const req = indexedDB.open('comptoir', 1);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(['meta', 'pages', 'commits'], 'readwrite');
      const out = {};
      const commits = tx.objectStore('commits'), pages = tx.objectStore('pages');
      commits.getAllKeys().onsuccess = (e) => {
        const keys = e.target.result;
        out.commitKeys = keys;
        const last = keys[keys.length - 1];
        if (op === 'flip-last' && last !== undefined) {
          commits.get(last).onsuccess = (g) => {
            const b = new Uint8Array(g.target.result.slice(0));
            b[Math.floor(b.length / 2)] ^= 0x5a;
            commits.put(b.buffer, last);
          };
        }
        if (op === 'drop-first' && keys.length) commits.delete(keys[0]);
      };
      pages.getAllKeys().onsuccess = (e) => {
        out.pageKeys = e.target.result.length;
        if (op === 'flip-page' && e.target.result.length) {
          const k = e.target.result[e.target.result.length - 1];
          pages.get(k).onsuccess = (g) => {
            const b = new Uint8Array(g.target.result.slice(0));
            b[17] ^= 0xff;
            pages.put(b.buffer, k);
          };
        }
      };
      tx.objectStore('meta').get('base').onsuccess = (e) => { out.meta = e.target.result || null; };
      tx.oncomplete = () => { db.close(); resolve(out); };
      tx.onerror = () => reject(tx.error);
    };
  }), op);
}

async function reload(page) {
  await page.reload();
  await page.waitForFunction(() => window.harnessReady === true, null, { timeout: 60000 });
}

buildHarness();
const { server, url } = await serve(harnessWeb);
const b = await launch();
try {
  let page = await openHarness(b.context, url);

  // --- first start ---
  let o = await call(page, 'harness_open');
  check(o.ok && o.code === 'None', 'first start opens an empty store', o);
  check(o.firstSave === true && o.savedSeq >= 1, 'the new database is made durable at once', o);
  check(o.note === '', 'no recovery note on a first start', o);
  check(typeof o.persistent === 'boolean' && o.quota > 0, 'storage status exposes persist() and the quota', o);

  // --- a save survives a reload ---
  const s = await call(page, 'harness_save', 1);
  check(s.ok && s.code === 'None', 'a registration is saved', s);
  check(s.dirtyPages > 0 && s.dirtyPages < 20, 'a save writes a few pages', s);
  await reload(page);
  o = await call(page, 'harness_open');
  check(o.ok, 'reload reopens the store', o);
  let f = await call(page, 'harness_has_saved', 1);
  check(f.found, 'the saved registration is there after a reload');

  // --- saves made back to back are all confirmed, in order ---
  const burst = await call(page, 'harness_burst', 6);
  check(burst.ok && burst.saved === 6 && burst.inOrder, 'six saves in a row are all confirmed in order', burst);
  let c1 = await call(page, 'harness_count');
  await reload(page);
  await call(page, 'harness_open');
  let c2 = await call(page, 'harness_count');
  check(c2.creators === c1.creators && c2.creators === 7, 'all of them are there after a reload', [c1.creators, c2.creators]);

  // --- one active tab ---
  const tab2 = await openHarness(b.context, url);
  const o2 = await call(tab2, 'harness_open');
  check(!o2.ok && o2.code === 'OtherTab' && o2.otherTab === true, 'a second tab is told another tab is active', o2);
  const navigated = tab2.waitForNavigation({ timeout: 30000 }).catch(() => null);
  await page.close();
  await navigated;
  await tab2.waitForFunction(() => window.harnessReady === true, null, { timeout: 60000 });
  const o3 = await call(tab2, 'harness_open');
  check(o3.ok, 'when the first tab closes, the second takes over', o3);
  f = await call(tab2, 'harness_has_saved', 1);
  check(f.found, 'and sees the saved data');
  page = tab2;

  // --- a damaged last save: recovered to the previous complete one ---
  await call(page, 'harness_save', 2);
  await call(page, 'harness_save', 3);
  await idb(page, 'flip-last');
  await reload(page);
  o = await call(page, 'harness_open');
  check(o.ok && /recovered to commit/.test(o.note), 'a damaged last save is detected and reported', o);
  f = await call(page, 'harness_has_saved', 3);
  const f2 = await call(page, 'harness_has_saved', 2);
  check(!f.found && f2.found, 'the store is at the last complete save (2 kept, 3 lost)', [f2.found, f.found]);
  const again = await call(page, 'harness_save', 4);
  check(again.ok, 'saving works after a recovery', again);
  await reload(page);
  o = await call(page, 'harness_open');
  f = await call(page, 'harness_has_saved', 4);
  check(o.ok && o.note === '' && f.found, 'and the next start is clean', o);

  // --- compaction folds the log into the base; the base is checked at start ---
  for (let i = 0; i < 70; i++) await call(page, 'harness_save', 100 + i);
  await page.waitForTimeout(500);
  const after = await idb(page, 'look');
  check(after.meta && after.pageKeys > 0 && after.commitKeys.length < 64, 'the log is compacted into the base image',
    { meta: after.meta, pages: after.pageKeys, commits: after.commitKeys.length });
  await reload(page);
  o = await call(page, 'harness_open');
  c1 = await call(page, 'harness_count');
  check(o.ok && c1.creators === 7 + 2 + 70, 'base + log reopen with every record', [o.ok, c1.creators]);

  // --- a damaged base page: refused, nothing overwritten ---
  const dmg = await idb(page, 'flip-page');
  await reload(page);
  o = await call(page, 'harness_open');
  check(!o.ok && o.code === 'Damaged', 'a damaged base is refused (no empty database instead)', o);
  const untouched = await idb(page, 'look');
  check(JSON.stringify(untouched.commitKeys) === JSON.stringify(dmg.commitKeys) && untouched.pageKeys === dmg.pageKeys,
    'the stored data was left as it was for staff to export', [dmg.commitKeys.length, untouched.commitKeys.length]);
} catch (e) {
  failed++;
  console.log('FAIL - crashed: ' + (e && e.stack || e));
} finally {
  await b.close();
  server.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
