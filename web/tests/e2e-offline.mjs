// web/tests/e2e-offline.mjs — offline start and safe updates, in a real browser:
//  1. the app loads once online, then the browser goes offline (context.setOffline) and
//     the page reloads: it starts from the service worker's cache, with its data, and a
//     registration made offline is kept on the device, then sent when back online;
//  2. a new version of the app (a changed sw.js) installs in the background but waits
//     while someone is mid-registration; back on the start screen it takes over and
//     the page reloads into it.
// The app is served from a temp copy of the build so the test can publish a "new version".
//   node web/tests/e2e-offline.mjs      (env as web/tests/harness.mjs)
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as h from './harness.mjs';
const { test, assert, click, typeInto, state, waitScreen, waitFor, shot, sleep, firstKey } = h;

const swState = (page) => page.evaluate(() => window.comptoirTest.sw());

async function registerQuickly(page, person) {
  await click(page, 'start.new');
  await waitScreen(page, 'register');
  await typeInto(page, 'reg.first_name', person.first);
  await typeInto(page, 'reg.last_name', person.last);
  await typeInto(page, 'reg.email', person.email);
  await click(page, 'wiz.next');
  await click(page, await firstKey(page, 'reg.sector.', 'cinema'));
  await click(page, 'wiz.next');
  await click(page, 'wiz.next');
  await click(page, await firstKey(page, 'reg.need.'));
  await click(page, 'wiz.next');
  await click(page, 'wiz.next');
  await click(page, 'reg.consent');
  await click(page, 'wiz.next');
  const s = await state(page);
  assert(s.step === 'summary', `not on the summary: ${JSON.stringify(s)}`);
  await click(page, 'reg.save');
  await waitScreen(page, 'done', 15000);
}

async function main() {
  if (!h.checkBuilds()) return;
  const web = join(h.tmp, 'web');
  cpSync(h.WEB, web, { recursive: true });
  if (!(await test('server starts and serves a copy of the app', () => h.startServer(undefined, web)))) return;
  const browser = await h.launch();
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    if (!(await test('online: enrollment, and the service worker controls the page', async () => {
      await h.enroll(page, h.enrollmentCode('borne hors ligne'), 'Borne hors ligne', {}, null);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await waitFor(page, 'sw-control', () => true, 100);
      const t0 = Date.now();
      while (!(await swState(page)).controlled) {
        if (Date.now() - t0 > 15000) throw new Error('the service worker never controlled the page');
        await sleep(200);
      }
    }))) return;

    await test('offline: the app starts from the cache after a reload, with its data', async () => {
      await ctx.setOffline(true);
      await page.reload();
      const s = await waitScreen(page, 'start', 30000);
      assert(s.creators_on_device === 0, `creators on device: ${s.creators_on_device}`);
      const failed = await page.evaluate(async () => { try { await fetch('/api/v1/health'); return false; } catch { return true; } });
      assert(failed, 'the network is still reachable: the test is not offline');
      await shot(page, 'desktop-offline-start.png');
    });

    const lea = { first: 'Léa', last: 'Hors-Ligne', email: 'lea.offline@example.be' };
    await test('offline: a registration is kept on the device, then sent once online', async () => {
      await registerQuickly(page, lea);
      await waitScreen(page, 'start', 15000);
      const s = await state(page);
      assert(s.creators_on_device === 1, `creators on device: ${s.creators_on_device}`);
      await ctx.setOffline(false);
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      const c = await h.serverCreator(lea.email, 40000);
      const data = c.creator.data || c.creator;
      assert(data.first_name === lea.first, `server has ${JSON.stringify(data.first_name)}`);
    });

    await test('update: a new version waits while someone is registering, then takes over at the start screen', async () => {
      // Publish a "new version": the same files under a new cache name.
      const swPath = join(web, 'sw.js');
      writeFileSync(swPath, readFileSync(swPath, 'utf8').replace(/const CACHE = 'comptoir-([^']*)'/, "const CACHE = 'comptoir-$1-next'"));
      // The build's precompressed siblings would still serve the old text: drop them.
      for (const ext of ['.br', '.gz']) rmSync(swPath + ext, { force: true });
      await page.evaluate(() => { window.__beforeUpdate = true; });
      await click(page, 'start.new');
      await waitScreen(page, 'register');
      await typeInto(page, 'reg.first_name', 'En cours');
      await page.evaluate(() => window.comptoirTest.checkUpdate());
      const t0 = Date.now();
      while (!(await swState(page)).waiting) {
        if (Date.now() - t0 > 20000) throw new Error(`the new version never installed: ${JSON.stringify(await swState(page))}`);
        await sleep(300);
      }
      await sleep(2500);   // the page checks every second: it must keep waiting
      assert(await page.evaluate(() => window.__beforeUpdate === true), 'the page reloaded in the middle of a registration');
      assert((await state(page)).screen === 'register', 'the registration was interrupted');
      assert(await h.fieldValue(page, 'reg.first_name') === 'En cours', 'what was typed is gone');
      // Back to the start: the app is idle, the new version takes over and the page
      // reloads (possibly while this click is still settling).
      await click(page, 'reg.cancel').catch(() => {});
      const t1 = Date.now();
      while (await page.evaluate(() => window.__beforeUpdate === true).catch(() => true)) {
        if (Date.now() - t1 > 15000) throw new Error(`no reload into the new version at the start screen: ${JSON.stringify(await swState(page))}`);
        await sleep(300);
      }
      await waitScreen(page, 'start', 30000);
      const names = await page.evaluate(() => caches.keys());
      assert(names.some((n) => n.endsWith('-next')) && !names.some((n) => n.startsWith('comptoir-') && !n.endsWith('-next')),
        `caches after the update: ${names.join(', ')}`);
    });
    await test('no uncaught page errors', async () => { assert(pageErrors.length === 0, pageErrors.join(' | ')); });
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
