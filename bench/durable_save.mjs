// bench/durable_save.mjs — durable-save latency in headless Chromium, at 1k and 100k
// local records: time from SaveRegistration() until the strict IndexedDB transaction
// holding its pages completed (what the kiosk waits for before "Merci, c'est enregistré").
// Also: pages written per save and the start-up time (IndexedDB -> page VFS -> store).
//
// Usage: node bench/durable_save.mjs [--sizes 1000,100000] [--saves 200] [--json out.json]
//   (builds bench/durable_save_web into build/persist-wasm/harness if needed;
//    playwright-core from node_modules or PLAYWRIGHT_CORE_DIR; Chromium at /usr/bin/chromium)
// Goals (docs/persistence.md): p95 <= 30 ms; p95 at 100k <= 1.5 x p95 at 1k.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { buildHarness, call, harnessWeb, launch, openHarness, percentile, serve, waitIdle } from './durable_save_lib.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const sizes = opt('--sizes', '1000,100000').split(',').map(Number);
const saves = Number(opt('--saves', '200'));
const jsonOut = opt('--json', '');

buildHarness();
const { server, url } = await serve(harnessWeb);
const results = [];
try {
  for (const size of sizes) {
    const b = await launch();
    try {
      const browserVersion = b.context.browser() ? b.context.browser().version() : '';
      let page = await openHarness(b.context, url);
      const open = await call(page, 'harness_open');
      if (!open.ok) throw new Error('open failed: ' + JSON.stringify(open));
      const t0 = Date.now();
      for (let done = 0; done < size;) {
        const n = Math.min(10000, size - done);
        const r = await call(page, 'harness_seed', n);
        if (!r.ok) throw new Error('seed failed: ' + JSON.stringify(r));
        done += n;
        process.stderr.write(`  seeded ${done}/${size}\r`);
      }
      await waitIdle(page);
      const seedS = (Date.now() - t0) / 1000;
      // Start-up from IndexedDB at this size.
      await page.reload();
      await page.waitForFunction(() => window.harnessReady === true, null, { timeout: 120000 });
      const tOpen = Date.now();
      const reopened = await call(page, 'harness_open');
      const openMs = Date.now() - tOpen;
      if (!reopened.ok) throw new Error('reopen failed: ' + JSON.stringify(reopened));
      const count = await call(page, 'harness_count');
      // The wasm heap right after opening this many records (the page VFS keeps the whole
      // database file in it): issue goal <= 64 MB at 10k records.
      const heapAfterOpen = await page.evaluate(() => (window.Module && Module.HEAP8 ? Module.HEAP8.buffer.byteLength : null));
      for (let i = 0; i < 10; i++) await call(page, 'harness_save', 1000000 + i);  // warm-up
      const ms = [], sql = [], pages = [], pers = [];
      for (let i = 0; i < saves; i++) {
        const r = await call(page, 'harness_save', i);
        if (!r.ok) throw new Error('save failed: ' + JSON.stringify(r));
        ms.push(r.ms); sql.push(r.sqlMs); pages.push(r.dirtyPages); pers.push(r.persistMs);
      }
      const st = await waitIdle(page);
      for (const v of [ms, sql, pages, pers]) v.sort((a, b) => a - b);
      const row = {
        records: count.creators, saves, browser: browserVersion,
        p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms[ms.length - 1],
        sqlP50: percentile(sql, 50), sqlP95: percentile(sql, 95),
        persistP50: percentile(pers, 50), persistP95: percentile(pers, 95), pagesP50: percentile(pages, 50), pagesMax: pages[pages.length - 1],
        startupMs: openMs, usageMB: st.usage / 1e6, seedS,
        heapMB: heapAfterOpen == null ? null : heapAfterOpen / 1048576,
        heapAfterSavesMB: await page.evaluate(() => (window.Module && Module.HEAP8 ? Module.HEAP8.buffer.byteLength / 1048576 : null)),
      };
      results.push(row);
      console.log(`${String(row.records).padStart(7)} records: durable save p50 ${row.p50.toFixed(1)} ms, ` +
        `p95 ${row.p95.toFixed(1)} ms, max ${row.max.toFixed(1)} ms | of which SQL p50 ${row.sqlP50.toFixed(2)} p95 ${row.sqlP95.toFixed(2)} ms, ` +
        `persistence p50 ${row.persistP50.toFixed(1)} p95 ${row.persistP95.toFixed(1)} ms (` +
        `pages/save p50 ${row.pagesP50}, max ${row.pagesMax}); start-up ${openMs} ms; IndexedDB ${row.usageMB.toFixed(1)} MB; wasm heap ${row.heapMB == null ? '?' : row.heapMB.toFixed(0)} MB`);
    } finally {
      await b.close();
    }
  }
} finally {
  server.close();
}
if (results.length >= 2) {
  const a = results[0], z = results[results.length - 1];
  console.log(`p95 ratio ${z.records} / ${a.records}: whole save ${(z.p95 / a.p95).toFixed(2)}, ` +
    `persistence ${(z.persistP95 / a.persistP95).toFixed(2)}`);
}
console.log(`machine: ${cpus().length} x ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
