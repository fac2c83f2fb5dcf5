// web/tests/e2e-admin-tabs.mjs — the admin mode's management tabs in a real browser,
// against the real comptoir-server: seeded through the sync API (a device pushes three
// creators), signed in through the canvas as an admin, then:
//   creators: server search, edit of the commune (a bad postcode first: field error,
//             nothing saved) -> the server has the change and the person's audit too;
//   events:   create with a bad date -> field error and no event; fixed -> it exists;
//             attendance of an event; a device's current event set -> in its pull;
//   devices:  enroll -> the code shown works with POST /api/v1/devices/enroll and the
//             QR code is drawn; revoke (confirmed) -> that device's pull gets 403;
//   creators: erase (typed confirmation; a wrong email refuses) -> gone from the search;
//             merge of the likely duplicates (confirmed) -> one person left;
//   accounts: a short password and different repeat -> field errors; fixed -> created;
//   catalogue: a need item without labels -> field errors; fixed -> on the server.
// Screenshots of every tab in FR/NL/EN at 1920x1080 and 360x640 into build/screenshots/.
//   node web/tests/e2e-admin-tabs.mjs      (env as web/tests/harness.mjs)
import { randomUUID } from 'node:crypto';
import * as h from './harness.mjs';
const { test, assert, click, typeInto, widgets, waitScreen, shot, sleep } = h;

const ADMIN = 'coordination';
const ADMIN_PW = 'e2e-Admin-Passw0rd';
const T0 = '2026-11-27T14:00:00Z';
const people = {
  anne: { id: randomUUID(), first_name: 'Anne', last_name: 'Dupont', email: 'anne.dupont@example.be', postcode: '7000', commune: 'Mons' },
  anne2: { id: randomUUID(), first_name: 'Anne', last_name: 'Dupont', email: 'a.dupont@example.org', postcode: '7000', commune: 'Mons' },
  marc: { id: randomUUID(), first_name: 'Marc', last_name: 'Leroy', email: 'marc.leroy@example.be', postcode: '7011', commune: 'Ghlin' },
};

let adminToken = '';
async function api(method, path, body, token = adminToken) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(`${h.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, body: json };
}
async function enrollOverHttp(code, name) {
  const r = await fetch(`${h.base}/api/v1/devices/enroll`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ enrollment_code: code, device_name: name }) });
  return { status: r.status, body: await r.json().catch(() => null) };
}
function creatorChange(p) {
  const { id, ...data } = p;
  return { id, entity: 'creator', op: 'upsert', version: 1, updated_at: T0,
    data: { ...data, sectors: ['cinema'], preferred_lang: 'fr',
      consents: { processing: { given: true, at: T0, text_version: 'fr-2026-1' } } } };
}
let seedDevice = null;
async function seed() {
  const dev = await enrollOverHttp(h.enrollmentCode('seed device'), 'seed device');
  seedDevice = dev.body;
  const today = (await api('GET', '/api/v1/events')).body.events[0];
  assert(dev.status === 200, `seed enroll answered ${dev.status}`);
  const changes = Object.values(people).map(creatorChange);
  changes.push({ id: randomUUID(), entity: 'need', op: 'upsert', version: 1, updated_at: T0,
    data: { creator_id: people.anne.id, item: 'espaces.salle-montage', frequency: 'mensuel' } });
  for (const p of [people.anne, people.marc])
    changes.push({ id: randomUUID(), entity: 'attendance', op: 'upsert', version: 1, updated_at: T0,
      data: { creator_id: p.id, event_id: today.id, at: T0 } });
  const r = await fetch(`${h.base}/api/v1/sync/push`, { method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${dev.body.device_token}` },
    body: JSON.stringify({ protocol: 1, device_id: dev.body.device_id, batch_id: randomUUID(), sent_at: T0,
      app_version: 'e2e', pending: 0, changes }) });
  const res = await r.json();
  assert(r.status === 200 && res.results.every((x) => x.status === 'applied'), `push: ${r.status} ${JSON.stringify(res).slice(0, 300)}`);
}

async function waitWidget(page, key, timeoutMs = 15000) {
  const t0 = Date.now();
  for (;;) {
    const w = await widgets(page);
    if (w[key]) return w[key];
    if (Date.now() - t0 > timeoutMs) {
      await page.screenshot({ path: `${h.SHOTS}/failure-admin-tabs.png` }).catch(() => {});
      throw new Error(`no widget "${key}" after ${timeoutMs} ms (see build/screenshots/failure-admin-tabs.png)`);
    }
    await sleep(150);
  }
}
async function waitNoWidget(page, key, timeoutMs = 15000) {
  const t0 = Date.now();
  while ((await widgets(page))[key]) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`widget "${key}" still shown`);
    await sleep(150);
  }
}
// Scrolls until the widget is near the top of the viewport (or the page ends).
async function scrollToTop(p, key, opts = {}) {
  let last = null;
  for (let i = 0; i < 12; i++) {
    const w = (await widgets(p))[key];
    if (!w || Math.abs(w.y - 12) < 24 || (last !== null && Math.abs(last - w.y) < 2)) return;
    last = w.y;
    const dy = Math.max(-450, Math.min(450, 12 - w.y));
    const vp = p.viewportSize();
    if (opts.touch) await h.touchDrag(p, vp.width / 2, dy < 0 ? vp.height - 60 : 120, dy);
    else { await p.mouse.move(vp.width / 2, vp.height / 2); await p.mouse.wheel(0, -dy); }
    await h.settle(p);
  }
}
const keysWith = async (page, prefix) => Object.keys(await widgets(page)).filter((k) => k.startsWith(prefix));

async function signIn(page, opts = {}) {
  await page.goto(`${h.base}/#admin`);
  await waitScreen(page, 'admin-signin', 30000);
  await typeInto(page, 'admin.signin.username', ADMIN, opts);
  await typeInto(page, 'admin.signin.password', ADMIN_PW, opts);
  await click(page, 'admin.signin.submit', opts);
  await waitScreen(page, 'admin', 20000);
}
async function openTab(page, tab, opts = {}) {
  await click(page, `admin.tab.${tab}`, opts);
  await h.waitFor(page, `tab-${tab}`, (s) => s.admin && s.admin.tab === tab, 10000);
  await h.settle(page);
}

async function main() {
  if (!h.checkBuilds()) return;
  const today = new Date().toISOString().slice(0, 10);
  if (!(await test('server starts; an admin account and three creators are seeded', async () => {
    h.cli(['admin', 'add', ADMIN, '--role', 'admin'], `${ADMIN_PW}\n`);
    await h.startServer([{ title: 'Table sectorielle cinéma', date: today, sector: 'cinema' }]);
    const login = await fetch(`${h.base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: ADMIN, password: ADMIN_PW }) });
    adminToken = (await login.json()).token;
    await seed();
    const r = await api('GET', '/api/v1/creators?q=Dupont');
    assert(r.status === 200 && r.body.total === 2, `server search Dupont: ${JSON.stringify(r.body).slice(0, 200)}`);
  }))) return;

  const browser = await h.launch();
  try {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));

    if (!(await test('desktop: admin signs in through the canvas', () => signIn(page)))) return;

    await test('creators: the server search lists only the matching people', async () => {
      await openTab(page, 'creators');
      await waitWidget(page, `adm.creators.row.${people.marc.id}`);
      await typeInto(page, 'adm.creators.search', 'Dupont');
      await click(page, 'adm.creators.search.go');
      await waitNoWidget(page, `adm.creators.row.${people.marc.id}`);
      const rows = await keysWith(page, 'adm.creators.row.');
      assert(rows.length === 2 && rows.includes(`adm.creators.row.${people.anne.id}`), `rows after search: ${rows}`);
    });

    await test('creators: a bad postcode shows a field error and saves nothing; the fixed commune reaches the server with an audit entry', async () => {
      await click(page, `adm.creators.row.${people.anne.id}`);
      await waitWidget(page, 'adm.creators.d.needs');
      await waitWidget(page, 'adm.creators.edit');
      await click(page, 'adm.creators.edit');
      await typeInto(page, 'adm.creators.edit.commune', 'Jemappes');
      await typeInto(page, 'adm.creators.edit.postcode', '70');
      await click(page, 'adm.creators.edit.save');
      await waitWidget(page, 'adm.creators.edit.postcode.error');
      let b = (await api('GET', `/api/v1/creators?email=${encodeURIComponent(people.anne.email)}`)).body.creators[0];
      assert(b.creator.data.commune === 'Mons', `commune changed despite the error: ${b.creator.data.commune}`);
      assert(await h.fieldValue(page, 'adm.creators.edit.commune') === 'Jemappes', 'the typed commune was lost by the failed save');
      await shot(page, 'admin-tabs-creators-error-1920.png');
      await typeInto(page, 'adm.creators.edit.postcode', '7012');
      await click(page, 'adm.creators.edit.save');
      await waitWidget(page, 'adm.creators.detail.notice.success');
      b = (await api('GET', `/api/v1/creators?email=${encodeURIComponent(people.anne.email)}`)).body.creators[0];
      assert(b.creator.data.commune === 'Jemappes' && b.creator.data.postcode === '7012',
        `server has ${b.creator.data.postcode} ${b.creator.data.commune}`);
      const audit = await api('GET', `/api/v1/creators/${people.anne.id}/audit`);
      const e = audit.body.entries.find((x) => x.field === 'commune');
      assert(e && e.old === 'Mons' && e.new === 'Jemappes' && e.actor === ADMIN, `audit: ${JSON.stringify(audit.body)}`);
      await waitWidget(page, 'adm.creators.audit.0');
    });

    await test('events: a bad date shows a field error and creates nothing; fixed, the event exists on the server', async () => {
      await openTab(page, 'events');
      await click(page, 'adm.events.new');
      await typeInto(page, 'adm.events.form.title', 'Rencontre musique');
      await typeInto(page, 'adm.events.form.date', '2026-13-45');
      await typeInto(page, 'adm.events.form.place', 'Mons, Manège');
      await click(page, 'adm.events.form.save');
      await waitWidget(page, 'adm.events.form.date.error');
      let ev = (await api('GET', '/api/v1/events')).body.events;
      assert(!ev.some((e) => e.title === 'Rencontre musique'), 'an event was created with a bad date');
      await shot(page, 'admin-tabs-events-error-1920.png');
      await typeInto(page, 'adm.events.form.date', '2026-12-15');
      await click(page, 'adm.events.form.save');
      await waitWidget(page, 'adm.events.notice.success');
      ev = (await api('GET', '/api/v1/events')).body.events;
      const made = ev.find((e) => e.title === 'Rencontre musique');
      assert(made && made.date === '2026-12-15' && made.place === 'Mons, Manège', `events: ${JSON.stringify(ev)}`);
      await waitWidget(page, `adm.events.row.${made.id}`);
    });

    await test('events: attendance of an event; the current event of a device reaches it by pull', async () => {
      const cinema = (await api('GET', '/api/v1/events')).body.events.find((e) => e.title === 'Table sectorielle cinéma');
      await click(page, `adm.events.row.${cinema.id}`);
      await waitWidget(page, 'adm.events.attendee.1');   // both attendees listed (the layout is settled)
      assert(!(await widgets(page))['adm.events.attendee.2'], 'more attendees listed than seeded');
      const att = await api('GET', `/api/v1/events/${cinema.id}/attendance`);
      assert(att.body.creators === 2, `server attendance: ${JSON.stringify(att.body)}`);
      await click(page, 'adm.events.form.cancel');
      await waitNoWidget(page, 'adm.events.form.title');
      await page.mouse.move(5, 5);
      await h.settle(page);
      const made = (await api('GET', '/api/v1/events')).body.events.find((e) => e.title === 'Rencontre musique');
      await click(page, 'adm.events.device.set');
      await waitWidget(page, 'adm.events.device.notice.error');   // no device chosen yet
      await click(page, `adm.events.device.${seedDevice.device_id}`);
      await click(page, `adm.events.devev.${made.id}`);
      await click(page, 'adm.events.device.set');
      await waitWidget(page, 'adm.events.device.notice.success');
      const pull = await fetch(`${h.base}/api/v1/sync/pull`, { headers: { Authorization: `Bearer ${seedDevice.device_token}` } });
      const changes = (await pull.json()).changes.filter((c) => c.entity === 'setting');
      assert(changes.some((c) => JSON.stringify(c).includes(made.id)), `settings pulled: ${JSON.stringify(changes)}`);
    });

    let enrolled = null;
    await test('devices: enrolling shows a code (text and QR) that works with POST /api/v1/devices/enroll', async () => {
      await openTab(page, 'devices');
      await click(page, 'adm.devices.add');
      await waitWidget(page, 'adm.devices.name.error');   // a device needs a name
      await typeInto(page, 'adm.devices.name', 'Tablette table musique');
      await click(page, 'adm.devices.add');
      await waitWidget(page, 'adm.devices.code');
      const qr = await waitWidget(page, 'adm.devices.qr');
      assert(qr.w >= 150 && qr.h >= 150, `QR code too small: ${JSON.stringify(qr)}`);
      const codeKey = (await keysWith(page, 'adm.devices.code.'))[0];
      assert(codeKey, 'no code shown');
      const code = codeKey.slice('adm.devices.code.'.length);
      await shot(page, 'admin-tabs-devices-enroll-1920.png');
      const r = await enrollOverHttp(code, 'Tablette table musique');
      assert(r.status === 200 && r.body.device_token, `enroll with the shown code answered ${r.status}`);
      enrolled = r.body;
      const pull = await fetch(`${h.base}/api/v1/sync/pull`, { headers: { Authorization: `Bearer ${enrolled.device_token}` } });
      assert(pull.status === 200, `pull of the new device answered ${pull.status}`);
    });

    await test('devices: revoke (confirmed) -> that device gets 403 on pull', async () => {
      assert(enrolled, 'no device enrolled');
      await click(page, 'adm.devices.reload');
      await waitWidget(page, `adm.devices.revoke.${enrolled.device_id}`);
      await click(page, `adm.devices.revoke.${enrolled.device_id}`);
      await waitWidget(page, 'adm.devices.revoke.question');
      let pull = await fetch(`${h.base}/api/v1/sync/pull`, { headers: { Authorization: `Bearer ${enrolled.device_token}` } });
      assert(pull.status === 200, 'revoked before the confirmation');
      await click(page, 'adm.devices.revoke.confirm');
      await waitWidget(page, 'adm.devices.notice.success');
      pull = await fetch(`${h.base}/api/v1/sync/pull`, { headers: { Authorization: `Bearer ${enrolled.device_token}` } });
      assert(pull.status === 403, `pull after revoke answered ${pull.status}`);
    });

    await test('creators: erase needs the typed email; then the person is gone from the server search', async () => {
      await openTab(page, 'creators');
      await typeInto(page, 'adm.creators.search', 'Leroy');
      await click(page, 'adm.creators.search.go');
      await waitWidget(page, `adm.creators.row.${people.marc.id}`);
      await click(page, `adm.creators.row.${people.marc.id}`);
      await waitWidget(page, 'adm.creators.d.needs');
      await click(page, 'adm.creators.erase');
      await typeInto(page, 'adm.creators.erase.typed', 'someone@example.be');
      await click(page, 'adm.creators.erase.go');
      await waitWidget(page, 'adm.creators.detail.notice.error');
      assert((await api('GET', '/api/v1/creators?q=Leroy')).body.total === 1, 'erased despite a wrong confirmation');
      await shot(page, 'admin-tabs-creators-erase-1920.png');
      await typeInto(page, 'adm.creators.erase.typed', people.marc.email);
      await click(page, 'adm.creators.erase.go');
      await waitWidget(page, 'adm.creators.notice.success');
      const r = await api('GET', '/api/v1/creators?q=Leroy');
      assert(r.status === 200 && r.body.total === 0, `server search after erase: ${JSON.stringify(r.body)}`);
      const byEmail = await api('GET', `/api/v1/creators?email=${encodeURIComponent(people.marc.email)}`);
      assert(byEmail.body.creators.length === 0, 'still found by email');
      assert(!(await widgets(page))[`adm.creators.row.${people.marc.id}`], 'the erased person is still listed');
    });

    await test('creators: the two Anne Dupont are likely duplicates; a confirmed merge leaves one on the server', async () => {
      await click(page, 'adm.creators.dups.toggle');
      await waitWidget(page, `adm.creators.keep.${people.anne.id}`);
      assert(!(await widgets(page))['adm.creators.notice.success'], 'an old confirmation is still shown');
      assert((await widgets(page))[`adm.creators.dup.${people.anne2.id}`], 'the other Anne Dupont is not listed as a duplicate');
      await click(page, `adm.creators.keep.${people.anne.id}`);
      await waitWidget(page, 'adm.creators.merge.question');
      assert((await api('GET', '/api/v1/creators?q=Dupont')).body.total === 2, 'merged before the confirmation');
      await shot(page, 'admin-tabs-creators-merge-1920.png');
      await click(page, 'adm.creators.merge.confirm');
      await waitWidget(page, 'adm.creators.notice.success');
      const r = await api('GET', '/api/v1/creators?q=Dupont');
      assert(r.body.total === 1 && r.body.creators[0].id === people.anne.id, `after merge: ${JSON.stringify(r.body)}`);
      await click(page, 'adm.creators.dups.toggle');
    });

    await test('accounts: short password and different repeat are refused field by field; fixed, the account exists', async () => {
      await openTab(page, 'accounts');
      await typeInto(page, 'adm.accounts.username', 'benevole.1');
      await typeInto(page, 'adm.accounts.password', 'court');
      await typeInto(page, 'adm.accounts.password2', 'autre');
      await click(page, 'adm.accounts.create');
      await waitWidget(page, 'adm.accounts.password.error');
      await waitWidget(page, 'adm.accounts.password2.error');
      await typeInto(page, 'adm.accounts.password', 'un-long-mot-de-passe');
      await typeInto(page, 'adm.accounts.password2', 'un-long-mot-de-passe');
      await click(page, 'adm.accounts.create');
      await waitWidget(page, 'adm.accounts.notice.success');
      const acc = (await api('GET', '/api/v1/accounts')).body.accounts.find((a) => a.username === 'benevole.1');
      assert(acc && acc.role === 'staff' && !acc.disabled, `accounts: ${JSON.stringify(acc)}`);
      await waitWidget(page, 'adm.accounts.row.benevole.1');
      await click(page, 'adm.accounts.disable.benevole.1');
      await waitWidget(page, 'adm.accounts.notice.success');
      const acc2 = (await api('GET', '/api/v1/accounts')).body.accounts.find((a) => a.username === 'benevole.1');
      assert(acc2.disabled === true, 'disable did not reach the server');
    });

    await test('catalogue: a need item without labels shows field errors; fixed, it is on the server', async () => {
      await openTab(page, 'catalogue');
      await click(page, 'adm.catalogue.kind.need_item');
      await click(page, 'adm.catalogue.new');
      await typeInto(page, 'adm.catalogue.form.id', 'materiel.drone');
      await click(page, 'adm.catalogue.form.save');
      await waitWidget(page, 'adm.catalogue.form.label_nl.error');
      await waitWidget(page, 'adm.catalogue.form.parent.error');
      await click(page, 'adm.catalogue.form.parent.materiel');
      await typeInto(page, 'adm.catalogue.form.label_fr', 'Drone de tournage');
      await typeInto(page, 'adm.catalogue.form.label_nl', 'Filmdrone');
      await typeInto(page, 'adm.catalogue.form.label_en', 'Filming drone');
      await click(page, 'adm.catalogue.form.save');
      await waitWidget(page, 'adm.catalogue.notice.success');
      const e = (await api('GET', '/api/v1/catalogue')).body.entries.find((x) => x.id === 'materiel.drone');
      assert(e && e.kind === 'need_item' && e.parent === 'materiel' && e.label_nl === 'Filmdrone', `entry: ${JSON.stringify(e)}`);
    });

    // Screenshots: every tab in the three languages, desktop then phone.
    const tabs = ['creators', 'events', 'catalogue', 'devices', 'accounts'];
    async function shots(p, size, opts = {}) {
      for (const lang of ['fr', 'nl', 'en']) {
        await click(p, `lang.${lang}`, opts);
        for (const tab of tabs) {
          await openTab(p, tab, opts);
          if (tab === 'creators') {
            await typeInto(p, 'adm.creators.search', '', opts);
            await click(p, 'adm.creators.search.go', opts);
            await waitWidget(p, `adm.creators.row.${people.anne.id}`);
            if (size === '1920') await click(p, `adm.creators.row.${people.anne.id}`, opts);
            await waitWidget(p, 'adm.creators.range');
          }
          if (opts.touch) await scrollToTop(p, `adm.${tab}.title`, opts);   // the phone shows the tab, not the shell
          else { await p.mouse.move(960, 540); await p.mouse.wheel(0, -5000); await h.settle(p); }
          await shot(p, `admin-tabs-${tab}-${lang}-${size}.png`);
        }
      }
      await click(p, 'lang.fr', opts);
    }
    await test('screenshots of every tab in FR/NL/EN at 1920x1080', () => shots(page, '1920'));

    const phoneCtx = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phone = await phoneCtx.newPage();
    phone.on('pageerror', (e) => pageErrors.push(String(e)));
    await test('phone 360x640: sign in, every tab fits the width, screenshots in FR/NL/EN', async () => {
      await signIn(phone, { touch: true });
      await shots(phone, 'phone', { touch: true });
      for (const tab of tabs) {
        await openTab(phone, tab, { touch: true });
        const wide = Object.entries(await widgets(phone)).filter(([k, w]) => k.startsWith('adm.') && w.x + w.w > 360 + 1);
        assert(wide.length === 0, `${tab}: widgets wider than the phone: ${wide.map(([k]) => k).slice(0, 5)}`);
      }
    });

    await test('no page errors', () => assert(pageErrors.length === 0, pageErrors.join(' | ')));
  } finally {
    await browser.close();
  }
}

main().catch((e) => h.report(false, 'admin tabs e2e crashed', String(e && e.stack || e))).finally(() => h.finish());
