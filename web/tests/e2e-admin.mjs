// web/tests/e2e-admin.mjs — the admin mode in a real browser, against the real server:
// a data set is seeded through the server's own API (a device enrolls and pushes
// creators, needs, offers and attendances), then a staff member opens "#admin" on a
// browser that is NOT an enrolled device, signs in through the canvas (mouse and
// keyboard), and the needs dashboard must show the counts computed here directly from
// the seeded data; a sector filter changes them as computed; the CSV export is
// downloaded, parsed and equal to the server's report; a staff account sees only
// Dashboard/Creators/Events; a session that stops being valid (account disabled) brings
// the sign-in back over the dashboard and, once signed in again, the filter is still set.
// Screenshots: sign-in and dashboard in FR/NL/EN, phone 360x640 (dpr 3) and 1920x1080.
//   node web/tests/e2e-admin.mjs      (env as web/tests/harness.mjs)
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as h from './harness.mjs';
const { test, assert, click, typeInto, state, widgets, waitScreen, waitFor, shot } = h;

const ADMIN = { user: 'direction', pass: 'e2e-Direction-pw-1' };
const STAFF = { user: 'animatrice', pass: 'e2e-Passw0rd-ok' };   // made by h.startServer
const today = new Date().toISOString().slice(0, 10);
const EVENTS = [
  { id: 'salon-printemps', title: 'Salon de printemps', date: '2026-03-14', sector: 'cinema' },
  { id: 'table-musique', title: 'Table musique', date: '2026-06-20', sector: 'musique' },
];

// --- the data set ---------------------------------------------------------------------
// 16 creators; "materiel.camera" asked by 11 (critical mass at 10), the others fewer.
const ITEMS = ['materiel.camera', 'materiel.son', 'espaces.salle-montage', 'services.juridique', 'espaces.atelier'];
function makeCreators() {
  const list = [];
  for (let i = 0; i < 16; i++) {
    const sector = i % 3 === 2 ? 'musique' : 'cinema';
    const needs = [];
    if (i < 11) needs.push('materiel.camera');
    if (i % 2 === 0) needs.push('materiel.son');
    if (i % 4 === 1) needs.push('espaces.salle-montage');
    if (i >= 12) needs.push('services.juridique');
    if (i === 5) needs.push('espaces.atelier');
    list.push({
      id: randomUUID(), first_name: `Créateur${i}`, last_name: `Testé${String(i).padStart(2, '0')}`,
      email: `createur${i}@example.be`, sector, contact: i % 3 !== 1, needs,
      events: i < 8 ? ['salon-printemps'] : i < 13 ? ['table-musique'] : ['salon-printemps', 'table-musique'],
    });
  }
  return list;
}
const CREATORS = makeCreators();
// What the dashboard must show: distinct creators per item among those matching.
function expectedCounts(filter = {}) {
  const counts = {};
  for (const c of CREATORS) {
    if (filter.sector && c.sector !== filter.sector) continue;
    for (const it of new Set(c.needs)) counts[it] = (counts[it] || 0) + 1;
  }
  return counts;
}
const at = '2026-03-14T10:00:00Z';
function changes() {
  const out = [];
  const change = (entity, data) => ({ id: randomUUID(), entity, op: 'upsert', version: 1, updated_at: at, data });
  for (const c of CREATORS) {
    const consents = { processing: { given: true, at, text_version: 'fr-2026-1' } };
    if (c.contact) consents.contact = { given: true, at, text_version: 'fr-2026-1' };
    out.push({ id: c.id, entity: 'creator', op: 'upsert', version: 1, updated_at: at,
      data: { first_name: c.first_name, last_name: c.last_name, email: c.email, sectors: [c.sector], consents } });
    for (const it of c.needs) out.push(change('need', { creator_id: c.id, item: it, frequency: 'mensuel' }));
    for (const ev of c.events) out.push(change('attendance', { creator_id: c.id, event_id: ev, at }));
  }
  // Two offers of a camera (counted as matching offers), one of a rehearsal room.
  out.push(change('offer', { creator_id: CREATORS[0].id, kind: 'materiel', item: 'materiel.camera', description: 'Caméra 4K à prêter' }));
  out.push(change('offer', { creator_id: CREATORS[3].id, kind: 'materiel', item: 'materiel.camera', description: 'Objectifs' }));
  // An offer naming no item: it matches every equipment need by its kind. Créateur1 did
  // not agree to be contacted: the dashboard gets no email for it.
  out.push(change('offer', { creator_id: CREATORS[1].id, kind: 'materiel', description: 'Trépied photo' }));
  return out;
}

async function api(method, path, token, body) {
  const r = await fetch(`${h.base}${path}`, { method, headers: { 'Content-Type': 'application/json',
    ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}
async function login(user, pass) {
  const r = await api('POST', '/api/v1/auth/login', null, { username: user, password: pass });
  assert(r.status === 200, `login ${user}: ${r.status}`);
  return r.json.token;
}
async function seed() {
  const enr = await api('POST', '/api/v1/devices/enroll', null, { enrollment_code: h.enrollmentCode('seed'), device_name: 'Seed' });
  assert(enr.status === 200, `enroll: ${enr.status} ${enr.text}`);
  const all = changes();
  for (let i = 0; i < all.length; i += 40) {
    const batch = { protocol: 1, device_id: enr.json.device_id, batch_id: randomUUID(), sent_at: at,
      app_version: 'e2e', pending: 0, changes: all.slice(i, i + 40) };
    const r = await api('POST', '/api/v1/sync/push', enr.json.device_token, batch);
    assert(r.status === 200, `push: ${r.status} ${r.text.slice(0, 200)}`);
    const bad = r.json.results.filter((x) => x.status !== 'applied');
    assert(bad.length === 0, `push results: ${JSON.stringify(bad.slice(0, 3))}`);
  }
}

// --- driving the admin screens -----------------------------------------------------
async function signIn(page, who, opts = {}) {
  await typeInto(page, 'admin.signin.username', who.user, opts);
  await typeInto(page, 'admin.signin.password', who.pass, opts);
  await click(page, 'admin.signin.submit', opts);
}
async function dashLoaded(page, pred = () => true, what = 'dashboard') {
  return waitFor(page, what, (s) => s.screen === 'admin' && s.admin && s.admin.dash.loaded && !s.admin.dash.loading &&
    pred(s.admin.dash), 20000);
}
function shownCounts(dash) {
  const m = {};
  for (const r of dash.rows) m[r.item] = r.creators;
  return m;
}
function sameCounts(a, b) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] || 0) !== (b[k] || 0)) return `${k}: ${a[k] || 0} vs ${b[k] || 0}`;
  return '';
}
// CSV as the server writes it: UTF-8 BOM, ';' separator, CRLF, quotes doubled.
function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ';') { row.push(cell); cell = ''; } else if (ch === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
async function setLang(page, code, opts = {}) { await click(page, `lang.${code}`, { ...opts, noScroll: true }); }

async function main() {
  if (!h.checkBuilds()) return;
  if (!(await test('server starts with an admin, a staff account, two events and the seeded data', async () => {
    h.cli(['admin', 'add', ADMIN.user, '--role', 'admin'], `${ADMIN.pass}\n`);
    for (const e of EVENTS) h.cli(['event', 'add', '--id', e.id, '--title', e.title, '--date', e.date, '--sector', e.sector, '--place', 'Mons']);
    await h.startServer([]);
    await seed();
  }))) return;
  const adminToken = await login(ADMIN.user, ADMIN.pass);
  const browser = await h.launch();
  try {
    const desktop = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, acceptDownloads: true });
    const page = await desktop.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));

    await test('"#admin" on a browser that is not an enrolled device opens the sign-in (not the device setup)', async () => {
      await page.goto(`${h.base}/#admin`);
      const s = await waitScreen(page, 'admin-signin', 30000);
      assert(s.admin && !s.admin.signed_in, `state ${JSON.stringify(s.admin)}`);
      for (const l of ['fr', 'nl', 'en']) {
        await setLang(page, l);
        await shot(page, `admin-desktop-signin-${l}.png`);
      }
      await setLang(page, 'fr');
    });

    await test('sign-in: empty fields and a wrong password show translated messages; nothing is stored', async () => {
      await click(page, 'admin.signin.submit');
      let w = await widgets(page);
      assert(w['admin.signin.username'] && (await state(page)).screen === 'admin-signin', 'left the sign-in with empty fields');
      await typeInto(page, 'admin.signin.username', ADMIN.user);
      await typeInto(page, 'admin.signin.password', 'not-the-password');
      await click(page, 'admin.signin.submit');
      await waitFor(page, 'signin-error', (s) => !s.admin.signin_working && s.screen === 'admin-signin');
      await h.settle(page);
      w = await widgets(page);
      assert(w['admin.signin.error'], 'no error message after a wrong password');
      const stored = await page.evaluate(() => JSON.stringify(Object.assign({}, localStorage)) + document.cookie);
      assert(!stored.includes('not-the-password'), 'the password is kept in the page storage');
    });

    let all;
    await test('admin signs in: the dashboard shows per item the distinct creators computed from the seeded data', async () => {
      await signIn(page, ADMIN);
      const s = await dashLoaded(page);
      assert(s.admin.role === 'admin', `role ${s.admin.role}`);
      assert(JSON.stringify(s.admin.tabs) === JSON.stringify(['dashboard', 'creators', 'events', 'catalogue', 'devices', 'accounts']),
        `tabs ${JSON.stringify(s.admin.tabs)}`);
      all = expectedCounts();
      const diff = sameCounts(shownCounts(s.admin.dash), all);
      assert(!diff, `dashboard differs from the seeded data: ${diff}`);
      assert(s.admin.dash.total_creators === CREATORS.length, `creators considered ${s.admin.dash.total_creators}`);
      const critical = s.admin.dash.rows.filter((r) => r.critical).map((r) => r.item);
      assert(JSON.stringify(critical) === JSON.stringify(['materiel.camera']), `critical items ${critical}`);
      const w = await widgets(page);
      for (const it of Object.keys(all)) assert(w[`dash.bar.${it}`], `no bar for ${it}`);
      // Top to bottom on screen: never more creators below than above.
      const onScreen = [...s.admin.dash.rows].sort((a, b) => w[`dash.bar.${a.item}`].y - w[`dash.bar.${b.item}`].y);
      for (let i = 1; i < onScreen.length; i++)
        assert(onScreen[i].creators <= onScreen[i - 1].creators, `bars not sorted: ${onScreen.map((r) => r.creators)}`);
      // The token is in memory only: not in localStorage/IndexedDB/cookies.
      const token = await page.evaluate(() => JSON.stringify(Object.assign({}, localStorage)) + document.cookie + location.href);
      assert(!/[0-9a-f]{40,}/.test(token), 'a token-looking value is stored in the page');
      for (const l of ['fr', 'nl', 'en']) {
        await setLang(page, l);
        await shot(page, `admin-desktop-dashboard-${l}.png`);
      }
      await setLang(page, 'fr');
    });

    await test('the bars start on the first screen at 1920x1080 and 1366x768 (filters and threshold in compact rows)', async () => {
      for (const [width, height] of [[1920, 1080], [1366, 768]]) {
        await page.setViewportSize({ width, height });
        await h.settle(page);
        const w = await widgets(page);
        for (const k of ['dash.sector', 'dash.to', 'dash.apply', 'dash.threshold.plus', 'dash.bar.materiel.camera']) {
          assert(w[k], `no ${k} at ${width}x${height}`);
          assert(w[k].y >= 0 && w[k].y + w[k].h <= height, `${k} is not on the first screen at ${width}x${height}: ${JSON.stringify(w[k])}`);
        }
        if (width === 1366) await shot(page, 'admin-desktop-dashboard-1366.png');
      }
      await page.setViewportSize({ width: 1920, height: 1080 });
      await h.settle(page);
    });

    await test('the threshold is editable: at 6 more items reach the critical mass', async () => {
      for (let i = 0; i < 4; i++) await click(page, 'dash.threshold.minus');
      const s = await state(page);
      assert(s.admin.dash.threshold === 6, `threshold ${s.admin.dash.threshold}`);
      const want = Object.entries(all).filter(([, n]) => n >= 6).map(([k]) => k).sort();
      const got = s.admin.dash.rows.filter((r) => r.critical).map((r) => r.item).sort();
      assert(JSON.stringify(got) === JSON.stringify(want), `critical ${got} vs ${want}`);
      for (let i = 0; i < 4; i++) await click(page, 'dash.threshold.plus');
    });

    await test('per item: the creators who agreed to be contacted, and the matching offers', async () => {
      await click(page, 'dash.bar.materiel.camera');
      const s = await waitFor(page, 'contacts', (x) => x.admin.dash.open_item === 'materiel.camera' && !x.admin.dash.contacts_loading);
      const want = CREATORS.filter((c) => c.contact && c.needs.includes('materiel.camera')).length;
      assert(s.admin.dash.contacts === want, `contacts ${s.admin.dash.contacts}, expected ${want}`);
      // The offers: the two naming the camera first, then the item-less equipment offer.
      const o = await waitFor(page, 'offers', (x) => !x.admin.dash.offers_loading);
      assert(o.admin.dash.offers === 3 && o.admin.dash.offers_exact === 2,
        `offers ${o.admin.dash.offers} (exact ${o.admin.dash.offers_exact}), expected 3 (exact 2)`);
      const w = await widgets(page);
      assert(w['dash.contacts.offers'] && w['dash.contact.0'], 'no contact list / offers line');
      for (const k of ['dash.offer.0', 'dash.offer.1', 'dash.offer.2']) assert(w[k], `no ${k} in the panel`);
      const srv = await api('GET', '/api/v1/reports/needs/materiel.camera/offers', adminToken);
      assert(srv.status === 200, `offers: ${srv.status}`);
      const tripod = srv.json.offers.find((x) => x.description === 'Trépied photo');
      assert(tripod && tripod.match === 'kind' && !('email' in tripod), `tripod offer ${JSON.stringify(tripod)}`);
      const cam = srv.json.offers.find((x) => x.description === 'Caméra 4K à prêter');
      assert(cam && cam.match === 'item' && cam.email === CREATORS[0].email, `camera offer ${JSON.stringify(cam)}`);
      await h.findWidget(page, 'dash.offer.2');
      await shot(page, 'admin-desktop-contacts.png');
      await click(page, 'dash.contacts.close');
    });

    await test('trend across events: one column per event', async () => {
      const s = await state(page);
      assert(s.admin.dash.trend_events === EVENTS.length, `trend events ${s.admin.dash.trend_events}`);
      assert((await widgets(page))['dash.trend.materiel.camera'], 'no trend card for the camera');
      await h.findWidget(page, 'dash.trend.materiel.camera');
      await shot(page, 'admin-desktop-trend.png');
    });

    await test('filter by sector: the counts follow (computed), and so does the server', async () => {
      await click(page, 'dash.sector');
      await click(page, 'dash.sector.opt.musique', { noScroll: true });
      const s = await dashLoaded(page, (d) => d.filters.sector === 'musique' && d.query.includes('sector=musique'), 'filtered');
      const want = expectedCounts({ sector: 'musique' });
      const diff = sameCounts(shownCounts(s.admin.dash), want);
      assert(!diff, `filtered dashboard differs: ${diff}`);
      const srv = await api('GET', '/api/v1/reports/needs?sector=musique', adminToken);
      const fromServer = {};
      for (const r of srv.json.items) if (r.creators > 0) fromServer[r.item] = r.creators;
      assert(!sameCounts(fromServer, want), `server report differs: ${sameCounts(fromServer, want)}`);
    });

    await test('invalid dates are refused with a field message; nothing is reloaded', async () => {
      await typeInto(page, 'dash.from', '2026-13-40');
      await click(page, 'dash.apply');
      const w = await widgets(page);
      const s = await state(page);
      assert(s.admin.dash.query === 'sector=musique', `query became ${s.admin.dash.query}`);
      assert(w['dash.from.error'], 'no message under the "from" field');
      await typeInto(page, 'dash.from', '');
      await click(page, 'dash.apply');
    });

    await test('export CSV (needs, filtered): downloaded, parsed, equal to the server numbers', async () => {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }),
        click(page, 'dash.export.needs.csv')]);
      const file = await download.path();
      const text = readFileSync(file, 'utf8');
      assert(text.charCodeAt(0) === 0xfeff, 'no UTF-8 BOM');
      const rows = parseCsv(text);
      assert(rows[0][0] === 'Besoin' && rows[0][3] === 'Créateurs', `header ${JSON.stringify(rows[0])}`);
      const csv = {};
      for (const r of rows.slice(1)) if (r.length > 3 && Number(r[3]) > 0) csv[r[0]] = Number(r[3]);
      const srv = await api('GET', '/api/v1/reports/needs?sector=musique', adminToken);
      const fromServer = {};
      for (const r of srv.json.items) if (r.creators > 0) fromServer[r.item] = r.creators;
      assert(!sameCounts(csv, fromServer), `CSV differs from the server: ${sameCounts(csv, fromServer)}`);
      assert(!sameCounts(csv, expectedCounts({ sector: 'musique' })), 'CSV differs from the seeded data');
      assert(download.suggestedFilename() === 'comptoir-needs.csv', `file name ${download.suggestedFilename()}`);
    });

    await test('export XLSX (creators) downloads a workbook', async () => {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }),
        click(page, 'dash.export.creators.xlsx')]);
      const buf = readFileSync(await download.path());
      assert(buf[0] === 0x50 && buf[1] === 0x4b, 'not a zip (xlsx) file');
    });

    await test('sign out wipes the session; staff sees only Dashboard, Creators, Events', async () => {
      await click(page, 'admin.signout', { noScroll: false });
      let s = await waitScreen(page, 'admin-signin');
      assert(!s.admin.signed_in && s.admin.dash.filters.sector === '', `after sign out: ${JSON.stringify(s.admin)}`);
      await signIn(page, STAFF);
      s = await dashLoaded(page);
      assert(JSON.stringify(s.admin.tabs) === JSON.stringify(['dashboard', 'creators', 'events']), `staff tabs ${s.admin.tabs}`);
      const w = await widgets(page);
      assert(!w['admin.tab.devices'] && !w['admin.tab.accounts'] && w['admin.tab.creators'], 'staff sees devices/accounts tabs');
    });

    await test('an expired session brings the sign-in back; signed in again, the filter is still set', async () => {
      await click(page, 'dash.sector');
      await click(page, 'dash.sector.opt.cinema', { noScroll: true });
      await dashLoaded(page, (d) => d.query === 'sector=cinema', 'cinema');
      // The account is disabled: its session stops working (the server answers 401).
      let r = await api('PATCH', `/api/v1/accounts/${STAFF.user}`, adminToken, { disabled: true });
      assert(r.status === 200, `disable: ${r.status}`);
      await click(page, 'dash.bar.materiel.son');
      let s = await waitFor(page, 'expired', (x) => x.admin && x.admin.expired);
      await h.settle(page);
      assert((await widgets(page))['admin.signin.expired'], 'no "session expired" message');
      assert(s.admin.dash.filters.sector === 'cinema', 'filter lost at expiry');
      await shot(page, 'admin-desktop-expired.png');
      r = await api('PATCH', `/api/v1/accounts/${STAFF.user}`, adminToken, { disabled: false });
      assert(r.status === 200, `enable: ${r.status}`);
      await signIn(page, STAFF);
      s = await waitFor(page, 'back', (x) => x.screen === 'admin' && !x.admin.expired && !x.admin.dash.contacts_loading &&
        x.admin.dash.open_item === 'materiel.son');
      assert(s.admin.tab === 'dashboard' && s.admin.dash.filters.sector === 'cinema' && s.admin.dash.query === 'sector=cinema',
        `after signing in again: ${JSON.stringify(s.admin.dash.filters)} ${s.admin.dash.query}`);
      const want = CREATORS.filter((c) => c.sector === 'cinema' || true).filter((c) => c.contact && c.needs.includes('materiel.son')).length;
      assert(s.admin.dash.contacts === want, `contacts ${s.admin.dash.contacts} vs ${want}`);
    });

    assert(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
    await desktop.close();

    // --- phone: 360x640, dpr 3, touch ---
    const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await test('phone 360x640: sign in by touch, dashboard readable, screenshots FR/NL/EN', async () => {
      await p.goto(`${h.base}/#admin`);
      await waitScreen(p, 'admin-signin', 30000);
      for (const l of ['fr', 'nl', 'en']) {
        await setLang(p, l, { touch: true });
        await shot(p, `admin-phone-signin-${l}.png`);
      }
      await setLang(p, 'fr', { touch: true });
      await signIn(p, ADMIN, { touch: true });
      const s = await dashLoaded(p);
      assert(!sameCounts(shownCounts(s.admin.dash), all), 'phone dashboard differs');
      const w = await widgets(p);
      const fits = (all, k) => assert(all[k] && all[k].x >= 0 && all[k].x + all[k].w <= 361,
        `${k} does not fit the phone width: ${JSON.stringify(all[k])}`);
      for (const k of ['dash.bar.materiel.camera', 'admin.tab.dashboard', 'dash.filters.toggle']) fits(w, k);
      assert(!w['dash.sector'], 'the filters are not folded on a phone');
      await click(p, 'dash.filters.toggle', { touch: true });
      const w2 = await widgets(p);
      for (const k of ['dash.sector', 'dash.profession', 'dash.event', 'dash.from', 'dash.to', 'dash.apply']) fits(w2, k);
      await shot(p, 'admin-phone-filters.png');
      await click(p, 'dash.filters.toggle', { touch: true });
      for (const l of ['fr', 'nl', 'en']) {
        await setLang(p, l, { touch: true });
        await shot(p, `admin-phone-dashboard-${l}.png`);
      }
      await h.findWidget(p, 'dash.bar.materiel.camera', { touch: true });
      await shot(p, 'admin-phone-bars.png');
    });
    await phone.close();

    // --- a kiosk: the staff panel opens the admin mode; the inactivity reset ends it ---
    const kioskCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const k = await kioskCtx.newPage();
    await test('kiosk: staff panel -> admin sign-in; the inactivity reset signs the admin out', async () => {
      await h.enroll(k, h.enrollmentCode('borne admin'), 'Borne admin', {}, null, '?idle=6,3');
      await click(k, 'staff.open');
      await waitScreen(k, 'staff-pin');
      await h.enterPin(k, '4821');
      await waitScreen(k, 'staff');
      await click(k, 'staff.admin');
      let s = await waitScreen(k, 'admin-signin');
      assert(s.admin.from_kiosk, 'not marked as opened from a kiosk');
      await signIn(k, ADMIN);
      s = await dashLoaded(k);
      assert(s.admin.signed_in && (await widgets(k))['admin.back'], 'no "back to the kiosk" button');
      await waitFor(k, 'idle-reset', (x) => x.screen === 'start', 20000);
      await click(k, 'staff.open');
      await waitScreen(k, 'staff-pin');
      await h.enterPin(k, '4821');
      await waitScreen(k, 'staff');
      await click(k, 'staff.admin');
      s = await waitScreen(k, 'admin-signin');
      assert(!s.admin.signed_in && s.admin.dash.rows.length === 0, `admin session survived the reset: ${JSON.stringify(s.admin)}`);
    });
    await kioskCtx.close();
  } finally {
    await browser.close();
  }
}

main().catch((e) => h.report(false, 'admin e2e crashed', String(e && e.stack || e))).finally(h.finish);
