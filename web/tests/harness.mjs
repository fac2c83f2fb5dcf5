// web/tests/harness.mjs — shared by the browser tests (web/tests/e2e-*.mjs): the real
// comptoir-server on a temp database serving the built app, Debian's Chromium through
// playwright-core, and helpers that FIND widgets with window.comptoirTest and then act
// with real mouse/touch/keyboard events.
//
//   import * as h from './harness.mjs';
//   await h.test('name', async () => { ... h.assert(cond, 'why') ... });
//   h.finish();     // prints "N passed, N failed", exits 1 on failure
// env: COMPTOIR_SERVER_BIN, COMPTOIR_WEB_ROOT (else the first build/*/ found).
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pick = (env, candidates) => process.env[env] || candidates.map((c) => join(root, c)).find(existsSync);
export const SERVER = pick('COMPTOIR_SERVER_BIN', ['build/native/sync/comptoir-server', 'build/server-native/sync/comptoir-server',
  'build/lead-native/sync/comptoir-server', 'build/kiosk-native/sync/comptoir-server', 'build/app-native/sync/comptoir-server']);
export const WEB = pick('COMPTOIR_WEB_ROOT', ['build/wasm/web', 'build/kiosk-wasm/web', 'build/app-wasm/web']);
export const SHOTS = join(root, 'build/screenshots');
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

// --- reporting ------------------------------------------------------------------------
let passed = 0, failed = 0;
export function report(ok, name, detail) {
  if (ok) { passed++; console.log(`ok - ${name}`); } else { failed++; console.log(`not ok - ${name}${detail ? ` # ${detail}` : ''}`); }
}
export async function test(name, fn) {
  try { await fn(); report(true, name); return true; } catch (e) { report(false, name, String(e && e.message || e).split('\n')[0]); if (process.env.E2E_STACK) console.log(e.stack); return false; }
}
export function assert(cond, msg) { if (!cond) throw new Error(msg); }
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- the server -------------------------------------------------------------------
export const tmp = mkdtempSync(join(tmpdir(), 'comptoir-e2e-'));
const db = join(tmp, 'comptoir.db');
export function cli(args, input) {
  const r = spawnSync(SERVER, [...args, '--database', db], { input: input ?? '', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`comptoir-server ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}
export function enrollmentCode(name) { return JSON.parse(cli(['device', 'add', name, '--json'])).enrollment_code; }
const port = 20000 + Math.floor(Math.random() * 20000);
export const base = `http://127.0.0.1:${port}`;
let server = null;

export function checkBuilds() {
  mkdirSync(SHOTS, { recursive: true });
  if (!SERVER || !existsSync(SERVER)) { report(false, 'comptoir-server binary found', 'set COMPTOIR_SERVER_BIN'); return false; }
  if (!WEB || !existsSync(join(WEB, 'comptoir.wasm'))) { report(false, 'built web app found', 'set COMPTOIR_WEB_ROOT'); return false; }
  return true;
}
// events: [{title, date, sector}] added before the server starts (default: one today).
// webRoot: serve another copy of the app (default WEB).
export async function startServer(events, webRoot) {
  cli(['admin', 'add', 'animatrice', '--role', 'staff'], 'e2e-Passw0rd-ok\n');
  const today = new Date().toISOString().slice(0, 10);
  for (const e of events || [{ title: 'Table sectorielle cinéma', date: today, sector: 'cinema' }])
    cli(['event', 'add', '--title', e.title, '--date', e.date, '--sector', e.sector || 'cinema', '--place', 'Mons']);
  server = spawn(SERVER, ['serve', '--host', '127.0.0.1', '--port', String(port), '--database', db, '--web-root', webRoot || WEB],
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
export async function staffGet(path) {
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'animatrice', password: 'e2e-Passw0rd-ok' }) });
  assert(login.status === 200, `login answered ${login.status}`);
  const { token } = await login.json();
  const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
}
export async function serverCreator(email, timeoutMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const r = await staffGet(`/api/v1/creators?email=${encodeURIComponent(email)}`);
    if (r.status === 200 && r.body.creators && r.body.creators.length) return r.body.creators[0];
    if (Date.now() - t0 > timeoutMs) throw new Error(`server has no creator for that email (status ${r.status})`);
    await sleep(500);
  }
}
export async function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}
export function finish() {
  if (server) server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

// --- driving the app ----------------------------------------------------------------
export const state = (page) => page.evaluate(() => window.comptoirTest ? window.comptoirTest.state() : { screen: 'loading' });
export const widgets = (page) => page.evaluate(() => window.comptoirTest ? window.comptoirTest.widgets() : {});
export const inputValue = (page) => page.evaluate(() => document.getElementById('comptoir-input').value);
export const inputVisible = (page) => page.evaluate(() => document.getElementById('comptoir-input').style.display !== 'none');
export async function settle(page) {
  // Rendering stops when idle: wait until no frame was drawn for a while and the main
  // loop has paused itself (a woken loop that has not drawn yet is not settled).
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const [f, paused] = await page.evaluate(() => {
      const T = window.comptoirTest;
      if (!T) return [0, false];
      return [T.frames(), T.loop ? T.loop().paused : true];
    });
    if (f === last && f > 0 && paused) return;
    last = f;
    await sleep(120);
  }
}
export async function waitFor(page, what, pred, timeoutMs = 20000) {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (pred(s)) return s;
    if (Date.now() - t0 > timeoutMs) {
      await page.screenshot({ path: join(SHOTS, `failure-${what}.png`) }).catch(() => {});
      throw new Error(`waited for ${what}, state ${JSON.stringify(s)} (see build/screenshots/failure-${what}.png)`);
    }
    await sleep(100);
  }
}
export async function waitScreen(page, screen, timeoutMs = 20000) {
  await waitFor(page, screen, (s) => s.screen === screen, timeoutMs);
  await settle(page);
  return state(page);
}
export async function touchDrag(page, x, y, dy) {
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
export async function findWidget(page, key, { touch = false } = {}) {
  const vp = page.viewportSize();
  let previous = null;
  for (let i = 0; i < 40; i++) {
    const all = await widgets(page);
    const w = all[key];
    if (!w) {
      await page.screenshot({ path: join(SHOTS, 'failure-widget.png') }).catch(() => {});
      throw new Error(`no widget "${key}" on screen "${(await state(page)).screen}" (see build/screenshots/failure-widget.png)`);
    }
    const top = 90, bottom = vp.height - 20;
    if (w.y >= top && w.y + w.h <= bottom) return w;
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
export async function click(page, key, opts = {}) {
  const w = opts.noScroll ? (await widgets(page))[key] : await findWidget(page, key, opts);
  assert(w, `no widget "${key}"`);
  const x = w.x + w.w / 2, y = w.y + Math.min(w.h / 2, 24);
  if (opts.touch) await page.touchscreen.tap(x, y);
  else await page.mouse.click(x, y);
  await settle(page);
}
export async function typeInto(page, key, text, opts = {}) {
  await click(page, key, opts);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text, { delay: 15 });
  await settle(page);
  const value = await inputValue(page);
  assert(value === text, `field ${key} holds "${value}" after typing "${text}"`);
}
// The value a text field holds: click it and read the overlay input.
export async function fieldValue(page, key, opts = {}) {
  await click(page, key, opts);
  return inputValue(page);
}
export async function firstKey(page, prefix, preferred) {
  const keys = Object.keys(await widgets(page)).filter((k) => k.startsWith(prefix) && !k.endsWith('.error'));
  if (preferred && keys.includes(prefix + preferred)) return prefix + preferred;
  assert(keys.length > 0, `no widget starting with ${prefix} (catalogue empty?)`);
  return keys[0];
}
export async function shot(page, name) { await settle(page); await page.screenshot({ path: join(SHOTS, name) }); }

export async function enroll(page, code, deviceName, opts, prefix, query = '') {
  await page.goto(`${base}/${query}#enroll=${encodeURIComponent(code)}`);
  await waitScreen(page, 'setup', 30000);
  if (prefix) await shot(page, `${prefix}-setup.png`);
  await click(page, 'setup.code', opts);
  const prefilled = await inputValue(page);
  assert(prefilled === code, `enrollment code not prefilled from #enroll= (got "${prefilled}")`);
  await typeInto(page, 'setup.name', deviceName, opts);
  await typeInto(page, 'setup.pin', '4821', opts);
  await typeInto(page, 'setup.pin2', '4821', opts);
  await click(page, 'setup.submit', opts);
  await waitScreen(page, 'start', 20000);
}
// Types a PIN on the staff pad (taps/clicks each digit) and presses OK.
export async function enterPin(page, pin, opts = {}) {
  for (const d of pin) await click(page, `pin.${d}`, opts);
  await click(page, 'pin.ok', opts);
}
