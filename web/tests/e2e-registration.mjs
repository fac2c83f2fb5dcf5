// web/tests/e2e-registration.mjs — the registration path end to end, in a real browser:
// the real comptoir-server (temp database, serving the built web app), Debian's
// Chromium driven by playwright-core, real mouse/touch/keyboard events on the canvas.
// window.comptoirTest is used only to FIND widgets (rectangles) and to read the screen
// name; every click and every character goes through the browser's input events.
//
//   node web/tests/e2e-registration.mjs
//   env: COMPTOIR_SERVER_BIN (default: first of build/native/sync/comptoir-server, ...)
//        COMPTOIR_WEB_ROOT   (default: first of build/wasm/web, build/app-wasm/web)
// Prints "ok - name" / "not ok - name" per test, then "N passed, N failed"; exits 1 on
// failure. Screenshots (desktop 1280x800, phone 390x844 @3x) go to build/screenshots/.
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pick = (env, candidates) => process.env[env] || candidates.map((c) => join(root, c)).find(existsSync);
const SERVER = pick('COMPTOIR_SERVER_BIN', ['build/native/sync/comptoir-server', 'build/server-native/sync/comptoir-server',
  'build/lead-native/sync/comptoir-server', 'build/app-native/sync/comptoir-server']);
const WEB = pick('COMPTOIR_WEB_ROOT', ['build/wasm/web', 'build/app-wasm/web']);
const SHOTS = join(root, 'build/screenshots');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let passed = 0, failed = 0;
function report(ok, name, detail) {
  if (ok) { passed++; console.log(`ok - ${name}`); } else { failed++; console.log(`not ok - ${name}${detail ? ` # ${detail}` : ''}`); }
}
async function test(name, fn) {
  try { await fn(); report(true, name); return true; } catch (e) { report(false, name, String(e && e.message || e).split('\n')[0]); return false; }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- the server -------------------------------------------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'comptoir-e2e-'));
const db = join(tmp, 'comptoir.db');
function cli(args, input) {
  const r = spawnSync(SERVER, [...args, '--database', db], { input: input ?? '', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`comptoir-server ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}
function enrollmentCode(name) {
  const out = JSON.parse(cli(['device', 'add', name, '--json']));
  return out.enrollment_code;
}
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
let server = null;

async function startServer() {
  cli(['admin', 'add', 'animatrice', '--role', 'staff'], 'e2e-Passw0rd-ok\n');
  const today = new Date().toISOString().slice(0, 10);
  cli(['event', 'add', '--title', 'Table sectorielle cinéma', '--date', today, '--sector', 'cinema', '--place', 'Mons']);
  server = spawn(SERVER, ['serve', '--host', '127.0.0.1', '--port', String(port), '--database', db, '--web-root', WEB],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  server.stderr.on('data', (d) => { err += d; });
  for (let i = 0; i < 100; i++) {
    try { const r = await fetch(`${base}/api/v1/health`); if (r.ok) return; } catch { /* not yet */ }
    if (server.exitCode !== null) throw new Error(`server exited: ${err.slice(0, 300)}`);
    await sleep(100);
  }
  throw new Error('server did not answer /api/v1/health');
}

async function staffGet(path) {
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'animatrice', password: 'e2e-Passw0rd-ok' }) });
  assert(login.status === 200, `login answered ${login.status}`);
  const { token } = await login.json();
  const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
}
async function serverCreator(email, timeoutMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const r = await staffGet(`/api/v1/creators?email=${encodeURIComponent(email)}`);
    if (r.status === 200 && r.body.creators && r.body.creators.length) return r.body.creators[0];
    if (Date.now() - t0 > timeoutMs) throw new Error(`server has no creator for that email (status ${r.status})`);
    await sleep(500);
  }
}

// --- driving the app ----------------------------------------------------------------
const state = (page) => page.evaluate(() => window.comptoirTest ? window.comptoirTest.state() : { screen: 'loading' });
const widgets = (page) => page.evaluate(() => window.comptoirTest ? window.comptoirTest.widgets() : {});
async function settle(page) {
  // Rendering stops when idle: wait until no frame was drawn for a while.
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const f = await page.evaluate(() => (window.comptoirTest ? window.comptoirTest.frames() : 0));
    if (f === last && f > 0) return;
    last = f;
    await sleep(120);
  }
}
async function waitScreen(page, screen, timeoutMs = 20000) {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (s.screen === screen) { await settle(page); return s; }
    if (Date.now() - t0 > timeoutMs) {
      await page.screenshot({ path: join(SHOTS, `failure-${screen}.png`) }).catch(() => {});
      throw new Error(`expected screen "${screen}", still ${JSON.stringify(s)} (see build/screenshots/failure-${screen}.png)`);
    }
    await sleep(100);
  }
}
async function touchDrag(page, x, y, dy) {
  const cdp = await page.context().newCDPSession(page);
  const steps = 8;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
  for (let i = 1; i <= steps; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: y + (dy * i) / steps }] });
    await sleep(16);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}
// Scrolls until the widget is fully visible, then returns its rectangle (CSS px).
async function findWidget(page, key, { touch = false } = {}) {
  const vp = page.viewportSize();
  let previous = null;
  for (let i = 0; i < 40; i++) {
    const all = await widgets(page);
    const w = all[key];
    if (!w) throw new Error(`no widget "${key}" on screen "${(await state(page)).screen}"`);
    const top = 90, bottom = vp.height - 20;
    if (w.y >= top && w.y + w.h <= bottom) return w;
    // Scrolling moved nothing (end of the page): fully visible is good enough.
    if (previous && previous.y === w.y && w.y >= 0 && w.y + w.h <= vp.height) return w;
    previous = w;
    const want = w.y < top ? top - w.y + 40 : -(w.y + w.h - bottom + 40);   // >0: content must move down
    if (touch) await touchDrag(page, vp.width / 2, want > 0 ? 200 : vp.height - 200, Math.max(-500, Math.min(500, want)));
    else { await page.mouse.move(vp.width / 2, vp.height / 2); await page.mouse.wheel(0, -Math.sign(want) * Math.min(400, Math.abs(want))); }
    await settle(page);
  }
  await page.screenshot({ path: join(SHOTS, 'failure-scroll.png') }).catch(() => {});
  throw new Error(`could not scroll "${key}" into view: ${JSON.stringify(previous)} (see build/screenshots/failure-scroll.png)`);
}
async function click(page, key, opts = {}) {
  const w = await findWidget(page, key, opts);
  const x = w.x + w.w / 2, y = w.y + Math.min(w.h / 2, 24);
  if (opts.touch) await page.touchscreen.tap(x, y);
  else await page.mouse.click(x, y);
  await settle(page);
}
async function typeInto(page, key, text, opts = {}) {
  await click(page, key, opts);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text, { delay: 15 });
  await settle(page);
  const value = await page.evaluate(() => document.getElementById('comptoir-input').value);
  assert(value === text, `field ${key} holds "${value}" after typing "${text}"`);
}
async function firstKey(page, prefix, preferred) {
  const keys = Object.keys(await widgets(page)).filter((k) => k.startsWith(prefix) && !k.endsWith('.error'));
  if (preferred && keys.includes(prefix + preferred)) return prefix + preferred;
  assert(keys.length > 0, `no widget starting with ${prefix} (catalogue empty?)`);
  return keys[0];
}
async function shot(page, name) { await settle(page); await page.screenshot({ path: join(SHOTS, name) }); }

async function enroll(page, code, deviceName, opts, prefix) {
  await page.goto(`${base}/#enroll=${encodeURIComponent(code)}`);
  await waitScreen(page, 'setup', 30000);
  await shot(page, `${prefix}-setup.png`);
  await click(page, 'setup.code', opts);
  const prefilled = await page.evaluate(() => document.getElementById('comptoir-input').value);
  assert(prefilled === code, `enrollment code not prefilled from #enroll= (got "${prefilled}")`);
  await typeInto(page, 'setup.name', deviceName, opts);
  await typeInto(page, 'setup.pin', '4821', opts);
  await typeInto(page, 'setup.pin2', '4821', opts);
  await click(page, 'setup.submit', opts);
  await waitScreen(page, 'start', 20000);
}

async function register(page, person, opts, prefix) {
  await click(page, 'start.new', opts);
  await waitScreen(page, 'register');
  await typeInto(page, 'reg.first_name', person.first, opts);
  await typeInto(page, 'reg.last_name', person.last, opts);
  await typeInto(page, 'reg.email', person.badEmail, opts);
  await click(page, await firstKey(page, 'reg.sector.', 'cinema'), opts);
  await click(page, await firstKey(page, 'reg.need.'), opts);
  await click(page, 'reg.consent', opts);
  if (person.contact) await click(page, 'reg.consent_contact', opts);
  await click(page, 'reg.save', opts);
  const s = await state(page);
  assert(s.screen === 'register', `an invalid email was accepted (screen ${s.screen})`);
  assert(s.errors.some((e) => e.field === 'email' && e.code === 'email.invalid'), `errors: ${JSON.stringify(s.errors)}`);
  assert(s.errors.length === 1, `unexpected other errors: ${JSON.stringify(s.errors)}`);
  await findWidget(page, 'reg.email.error', opts);   // the message sits next to the field
  const all = await widgets(page);
  assert(all['reg.email.error'].y > all['reg.email'].y && all['reg.email.error'].y - all['reg.email'].y < 120,
    'the email error is not right under the email field');
  await shot(page, `${prefix}-register-error.png`);
  await typeInto(page, 'reg.email', person.email, opts);
  await click(page, 'reg.save', opts);
  await waitScreen(page, 'done', 15000);
  assert((await widgets(page))['done.title'], 'confirmation banner missing');
  await shot(page, `${prefix}-done.png`);
}

function checkServerRecord(bundle, person) {
  // {creator: {id, version, data: {...}}, needs: [...], ...} (sync/server CreatorBundle)
  const c = (bundle.creator && (bundle.creator.data || bundle.creator)) || {};
  assert(Array.isArray(bundle.needs) && bundle.needs.length >= 1, `needs on server: ${JSON.stringify(bundle.needs)}`);
  assert(c.consents && c.consents.processing && c.consents.processing.given === true, 'processing consent not on server');
  const given = (k) => !!(c.consents[k] && c.consents[k].given);
  assert(given('contact') === !!person.contact, `contact consent on server: ${given('contact')}`);
  assert(!given('newsletter') && !given('directory'), 'an optional consent nobody ticked is on');
  assert(c.first_name === person.first, `first_name on server: ${JSON.stringify(c.first_name)}`);
  assert(c.last_name === person.last, `last_name on server: ${JSON.stringify(c.last_name)}`);
  assert(c.email === person.email, `email on server: ${JSON.stringify(c.email)}`);
}

// --- the tests ------------------------------------------------------------------------
async function main() {
  mkdirSync(SHOTS, { recursive: true });
  if (!SERVER || !existsSync(SERVER)) { report(false, 'comptoir-server binary found', 'set COMPTOIR_SERVER_BIN'); return; }
  if (!WEB || !existsSync(join(WEB, 'comptoir.wasm'))) { report(false, 'built web app found', 'set COMPTOIR_WEB_ROOT'); return; }
  if (!(await test('server starts and serves the app', startServer))) return;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  try {
    // Desktop: mouse and keyboard.
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await desktop.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const anne = { first: 'Anne-Sophie', last: 'Dupré-Łukasz', email: 'anne-sophie.dupre@example.be',
      badEmail: 'anne-sophie.dupre@example', contact: true };
    const code = enrollmentCode('borne e2e desktop');
    if (!(await test('desktop: enrollment from #enroll= code', () => enroll(page, code, 'Borne accueil', {}, 'desktop')))) return;
    await shot(page, 'desktop-start.png');
    await test('desktop: language switch FR/NL/EN', async () => {
      await click(page, 'lang.nl');
      assert((await state(page)).lang === 'nl', 'not Dutch after clicking NL');
      await shot(page, 'desktop-start-nl.png');
      await click(page, 'lang.fr');
      assert((await state(page)).lang === 'fr', 'not French after clicking FR');
    });
    if (!(await test('desktop: invalid email shows a field error, then the confirmation after save',
      () => register(page, anne, {}, 'desktop')))) return;
    await test('desktop: back to the start by itself after the confirmation', () => waitScreen(page, 'start', 15000));
    await test('desktop: idle page draws no frames', async () => {
      await settle(page);
      const f0 = await page.evaluate(() => window.comptoirTest.frames());
      await sleep(1500);
      const f1 = await page.evaluate(() => window.comptoirTest.frames());
      assert(f1 === f0, `${f1 - f0} frames drawn in 1.5 s while idle`);
    });
    await test('desktop: the next person sees an empty form', async () => {
      await click(page, 'start.new');
      await waitScreen(page, 'register');
      for (const key of ['reg.first_name', 'reg.last_name', 'reg.email']) {
        await click(page, key);
        const v = await page.evaluate(() => document.getElementById('comptoir-input').value);
        assert(v === '', `${key} still holds "${v}"`);
      }
      const s = await state(page);
      assert(s.errors.length === 0, `errors left from the previous person: ${JSON.stringify(s.errors)}`);
      await click(page, 'reg.cancel');
      await waitScreen(page, 'start');
    });
    await test('desktop: the registration survives a reload (count and returning check-in)', async () => {
      await page.reload();
      const s = await waitScreen(page, 'start', 30000);
      assert(s.creators_on_device === 1, `creators on device after reload: ${s.creators_on_device}`);
      await click(page, 'start.returning');
      await waitScreen(page, 'returning');
      await typeInto(page, 'ret.email', anne.email.toUpperCase());
      await click(page, 'ret.find');
      const r = await state(page);
      assert(r.result === 'found' || r.result === 'checked_in', `returning lookup: ${r.result}`);
      await shot(page, 'desktop-returning.png');
      await click(page, 'ret.back');
    });
    await test('server: the record arrived with every character kept', async () => {
      checkServerRecord(await serverCreator(anne.email), anne);
    });
    await test('desktop: no uncaught page errors', async () => { assert(pageErrors.length === 0, pageErrors.join(' | ')); });
    await desktop.close();

    // Phone: touch taps and drags, soft-keyboard path (overlay input), 3x pixels.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3,
      isMobile: true, hasTouch: true });
    const ppage = await phone.newPage();
    const zoe = { first: 'Zoé', last: 'Van den Brœck-Ünal', email: 'zoe.vdb@example.be', badEmail: 'zoé vdb@example.be' };
    const t = { touch: true };
    if (!(await test('phone: enrollment by touch', () => enroll(ppage, enrollmentCode('tablette e2e'), 'Tablette', t, 'phone')))) return;
    await shot(ppage, 'phone-start.png');
    await test('phone: registration by touch (field error, then confirmation)', () => register(ppage, zoe, t, 'phone'));
    await test('server: the phone registration arrived with every character kept', async () => {
      checkServerRecord(await serverCreator(zoe.email), zoe);
    });
    await phone.close();
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (e) {
  report(false, 'unexpected failure', String(e && e.stack || e).split('\n').slice(0, 3).join(' '));
} finally {
  if (server) server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
