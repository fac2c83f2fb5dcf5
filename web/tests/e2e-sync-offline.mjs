// web/tests/e2e-sync-offline.mjs — 1,000 registrations queued in the browser while
// offline, then the network back: all acknowledged on the device and present exactly
// once on the server.
//  - offline is the browser's (Playwright context.setOffline): fetch fails, `online`
//    fires when it comes back;
//  - the registrations go through the real save path of the app (app/services.h
//    SaveRegistration: validation, the store's transaction with its outbox entries, the
//    durable IndexedDB write), driven by the test hook comptoir_test_save_generated
//    (app/main_web.cpp) instead of 1,000 walks through the wizard (e2e-registration.mjs
//    covers the wizard itself);
//  - the server side is checked through the staff API (creators CSV export: each email
//    exactly once) and its SQLite file (one need per creator).
//   node web/tests/e2e-sync-offline.mjs      (env as web/tests/harness.mjs)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as h from './harness.mjs';
const { test, assert, waitScreen, sleep } = h;

const N = Number(process.env.E2E_OFFLINE_N || 1000);
const seed = Math.floor(Math.random() * 1e9);
const emailRe = new RegExp(`offline\\.${seed}\\.(\\d+)@example\\.be`, 'g');

const hook = (page, name, ...args) => page.evaluate(([n, a]) => window.Module['_' + n](...a), [name, args]);

async function waitUntil(what, fn, timeoutMs, everyMs = 250) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timeout waiting for ${what}`);
    await sleep(everyMs);
  }
}

// email index -> number of times it appears in the server's creators export.
async function serverEmails() {
  const login = await fetch(`${h.base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'animatrice', password: 'e2e-Passw0rd-ok' }) });
  assert(login.status === 200, `login answered ${login.status}`);
  const { token } = await login.json();
  const r = await fetch(`${h.base}/api/v1/exports/creators.csv`, { headers: { Authorization: `Bearer ${token}` } });
  assert(r.status === 200, `creators.csv answered ${r.status}`);
  const counts = new Map();
  for (const m of (await r.text()).matchAll(emailRe)) counts.set(Number(m[1]), (counts.get(Number(m[1])) || 0) + 1);
  return counts;
}

function serverSql(sql) {
  const r = spawnSync('sqlite3', ['-readonly', join(h.tmp, 'comptoir.db'), sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

async function main() {
  if (!h.checkBuilds()) return;
  if (!(await test('server starts', () => h.startServer()))) return;
  const browser = await h.launch();
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));

    if (!(await test('online: the kiosk enrolls and finishes its first sync', async () => {
      await h.enroll(page, h.enrollmentCode('borne 1000 hors ligne'), 'Borne 1000', {}, null);
      await waitUntil('an empty outbox', async () => (await hook(page, 'comptoir_test_pending')) === 0, 20000);
    }))) return;

    if (!(await test(`offline: ${N} registrations are saved durably and queued on the device`, async () => {
      await ctx.setOffline(true);
      const failed = await page.evaluate(async () => { try { await fetch('/api/v1/health'); return false; } catch { return true; } });
      assert(failed, 'the network is still reachable: the test is not offline');
      const t0 = Date.now();
      await hook(page, 'comptoir_test_save_generated', N, seed);
      await waitUntil(`${N} saves`, async () => {
        const [saved, failures] = [await hook(page, 'comptoir_test_saved'), await hook(page, 'comptoir_test_save_failures')];
        assert(failures === 0, `${failures} saves failed`);
        return saved === N;
      }, 10 * 60 * 1000, 500);
      console.log(`# ${N} durable saves offline in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const pending = await hook(page, 'comptoir_test_pending');
      assert(pending === 2 * N, `outbox holds ${pending} entries, expected ${2 * N} (a creator and a need each)`);
      const s = await h.state(page);
      assert(s.creators_on_device === N, `creators on device: ${s.creators_on_device}`);
      assert((await serverEmails()).size === 0, 'the server already has some of them while the device is offline');
    }))) return;

    await test('back online: every entry acknowledged, the outbox empty', async () => {
      await ctx.setOffline(false);
      const t0 = Date.now();
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await waitUntil('an empty outbox', async () => (await hook(page, 'comptoir_test_pending')) === 0, 5 * 60 * 1000, 200);
      console.log(`# ${2 * N} outbox entries synced in ${((Date.now() - t0) / 1000).toFixed(1)} s after the network came back`);
    });

    await test(`the server has each of the ${N} registrations exactly once, with its need`, async () => {
      const counts = await serverEmails();
      const missing = [], twice = [];
      for (let i = 0; i < N; i++) {
        const c = counts.get(i) || 0;
        if (c === 0) missing.push(i); else if (c > 1) twice.push(i);
      }
      assert(missing.length === 0, `${missing.length} missing on the server, e.g. #${missing.slice(0, 5).join(', #')}`);
      assert(twice.length === 0, `${twice.length} more than once, e.g. #${twice.slice(0, 5).join(', #')}`);
      assert(counts.size === N, `${counts.size} distinct registrations on the server`);
      const like = `'offline.${seed}.%'`;
      assert(serverSql(`SELECT count(*) FROM creators WHERE email LIKE ${like}`) === String(N), 'creators table count');
      const needs = serverSql(`SELECT count(*) FROM needs n JOIN creators c ON c.id = n.creator_id WHERE c.email LIKE ${like}`);
      assert(needs === String(N), `needs on the server: ${needs}, expected ${N}`);
      const dup = serverSql(`SELECT count(*) FROM (SELECT email FROM creators WHERE email LIKE ${like} GROUP BY email HAVING count(*) > 1)`);
      assert(dup === '0', `${dup} emails stored twice`);
    });

    await test('no uncaught page errors', async () => {
      assert(pageErrors.length === 0, pageErrors.join(' | '));
    });
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (e) {
  h.report(false, 'unexpected failure', String(e && e.stack || e).split('\n').slice(0, 3).join(' '));
}
h.finish();
