// web/tests/e2e-kiosk.mjs — kiosk mode in a real browser: the inactivity warning and
// privacy reset (nothing typed survives, not even in the DOM input), the staff entry
// (button and long press), the PIN pad with its lock after 5 wrong PINs (kept across a
// reload), and the staff panel (event choice, counts, sync now, storage, idle settings
// saved in the local store, leaving and resuming kiosk mode).
// The test shortens the idle timeouts with the test-only URL parameter ?idle=3,2.
//   node web/tests/e2e-kiosk.mjs      (env as web/tests/harness.mjs)
import * as h from './harness.mjs';
const { test, assert, click, typeInto, state, widgets, waitScreen, waitFor, shot, inputValue, inputVisible, sleep } = h;

let chosenEvent = '', allEvents = [];

async function main() {
  if (!h.checkBuilds()) return;
  const today = new Date().toISOString().slice(0, 10);
  const later = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  if (!(await test('server starts and serves the app', () => h.startServer([
    { title: 'Table sectorielle cinéma', date: today, sector: 'cinema' },
    { title: 'Rencontre musique', date: later, sector: 'musique' }])))) return;
  const browser = await h.launch();
  try {
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await desktop.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    if (!(await test('desktop: enrollment (idle timeouts 3 s + 2 s via ?idle=3,2)', async () => {
      await h.enroll(page, h.enrollmentCode('borne kiosque'), 'Borne kiosque', {}, null, '?idle=3,2');
      const s = await state(page);
      assert(s.idle_warn_s === 3 && s.idle_countdown_s === 2, `idle times ${s.idle_warn_s}/${s.idle_countdown_s}`);
    }))) return;

    await test('desktop: the inactivity warning shows a countdown and "continue" keeps what was typed', async () => {
      await click(page, 'start.new');
      await waitScreen(page, 'register');
      await typeInto(page, 'reg.first_name', 'Confidentielle');
      const s = await waitFor(page, 'idle-warning', (x) => x.idle_warning > 0, 8000);
      assert(s.screen === 'register', `screen ${s.screen} during the warning`);
      const w = await widgets(page);
      assert(w['idle.continue'] && w['idle.countdown'], 'no warning card with countdown and continue button');
      assert(!(await inputVisible(page)), 'the text input stays visible over the warning');
      await shot(page, 'desktop-idle-warning.png');
      await click(page, 'idle.continue', { noScroll: true });
      const after = await state(page);
      assert(after.screen === 'register' && !after.idle_warning, `after continue: ${JSON.stringify(after)}`);
      assert(await h.fieldValue(page, 'reg.first_name') === 'Confidentielle', 'the first name was lost by "continue"');
    });

    await test('desktop: without input the session is wiped: next form and DOM input are empty', async () => {
      const before = await state(page);
      await typeInto(page, 'reg.last_name', 'Secrète');       // focus stays in the field
      await waitFor(page, 'idle-reset', (x) => x.screen === 'start', 12000);
      await h.settle(page);
      const s = await state(page);
      assert(s.session > before.session, `session id did not change (${before.session} -> ${s.session})`);
      assert(await inputValue(page) === '', `DOM input still holds "${await inputValue(page)}"`);
      assert(!(await inputVisible(page)), 'DOM input still visible');
      await click(page, 'start.new');
      const r = await waitScreen(page, 'register');
      assert(r.step === 'identity', `the next session starts at step ${r.step}`);
      assert(r.errors.length === 0, `errors carried over: ${JSON.stringify(r.errors)}`);
      assert(!(await inputVisible(page)), 'a field is focused in the new session');
      for (const key of ['reg.first_name', 'reg.last_name']) {
        const v = await h.fieldValue(page, key);
        assert(v === '', `${key} holds "${v}" in the next session`);
      }
      await page.keyboard.press('Escape');
      await waitFor(page, 'reset-2', (x) => x.screen === 'start', 12000);
    });

    await test('desktop: physical keyboard: Tab / Shift+Tab / Enter move between fields, Enter after the last one goes on', async () => {
      await click(page, 'start.new');
      await waitScreen(page, 'register');
      await click(page, 'reg.first_name');
      await page.keyboard.type('Jean', { delay: 10 });
      await page.keyboard.press('Tab');
      await page.keyboard.type('Clavier', { delay: 10 });
      await page.keyboard.press('Shift+Tab');
      await h.settle(page);
      assert(await inputValue(page) === 'Jean', `Shift+Tab did not go back to the first name (input "${await inputValue(page)}")`);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');         // Enter = next field
      await page.keyboard.type('jean.clavier@example.be', { delay: 5 });
      for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');   // phone, postcode, commune
      await h.settle(page);
      let s = await state(page);
      assert(s.step === 'identity', `left the step too early: ${s.step}`);
      await page.keyboard.press('Enter');         // after the last field: next step
      await h.settle(page);
      s = await state(page);
      assert(s.step === 'sectors', `Enter after the last field: step ${s.step}, errors ${JSON.stringify(s.errors)}`);
      await click(page, 'wiz.back');
      assert(await h.fieldValue(page, 'reg.last_name') === 'Clavier', 'last name typed after Tab is missing');
      assert(await h.fieldValue(page, 'reg.email') === 'jean.clavier@example.be', 'email typed after Enter is missing');
      await page.keyboard.press('Escape');
      await click(page, 'reg.cancel');
      await waitScreen(page, 'start');
    });

    await test('desktop: long press on the logo opens the PIN pad; a short click does not', async () => {
      await click(page, 'header.logo');
      assert((await state(page)).screen === 'start', 'a short click opened the PIN pad');
      const w = (await widgets(page))['header.logo'];
      await page.mouse.move(w.x + w.w / 2, w.y + w.h / 2);
      await page.mouse.down();
      await sleep(1900);
      await page.mouse.up();
      await waitScreen(page, 'staff-pin', 3000);
      await shot(page, 'desktop-staff-pin.png');
      await click(page, 'pin.cancel');
      await waitScreen(page, 'start');
    });

    await test('desktop: staff panel behind the PIN (button entry)', async () => {
      await click(page, 'staff.open');
      await waitScreen(page, 'staff-pin');
      await h.enterPin(page, '1111');
      let s = await state(page);
      assert(s.screen === 'staff-pin' && s.pin_wrong && s.pin_failures === 1, `after a wrong PIN: ${JSON.stringify(s)}`);
      assert((await widgets(page))['pin.wrong'], 'no "wrong PIN" message');
      await h.enterPin(page, '4821');
      s = await waitScreen(page, 'staff');
      const w = await widgets(page);
      for (const k of ['staff.count.creators', 'staff.count.attendance', 'staff.sync.pending', 'staff.sync.last_success',
        'staff.sync.last_error', 'staff.sync.rejected', 'staff.storage.persistent', 'staff.storage.usage', 'staff.sync_now',
        'staff.idle_warn', 'staff.idle_countdown', 'staff.leave_kiosk', 'staff.lock'])
        assert(w[k], `staff panel lacks ${k}`);
      await shot(page, 'desktop-staff.png');
      await page.mouse.move(640, 400);
      await page.mouse.wheel(0, 2000);
      await shot(page, 'desktop-staff-bottom.png');
    });

    await test('desktop: staff chooses the current event, shown in the header', async () => {
      const key = Object.keys(await widgets(page)).find((k) => k.startsWith('staff.event.') && !['staff.event.auto', 'staff.event.current'].includes(k));
      assert(key, 'no event to choose (events not pulled?)');
      await click(page, key);
      await click(page, 'staff.event.auto');
      await click(page, key);
      chosenEvent = key.slice('staff.event.'.length);
      allEvents = Object.keys(await widgets(page)).filter((k) => k.startsWith('staff.event.') && !['staff.event.auto', 'staff.event.current'].includes(k))
        .map((k) => k.slice('staff.event.'.length));
      const all = Object.keys(await widgets(page)).filter((k) => k.startsWith('staff.event.') && k !== 'staff.event.current');
      assert(all.length === 3, `expected auto + 2 events, got ${all.join(',')}`);
    });

    await test('desktop: sync now runs and the panel shows a last success', async () => {
      await click(page, 'staff.sync_now');
      await h.settle(page);
      await waitFor(page, 'sync-progress', () => true, 1000);
      const t0 = Date.now();
      for (;;) {
        await page.evaluate(() => window.dispatchEvent(new Event('resize')));
        await h.settle(page);
        const w = await widgets(page);
        if (w['staff.sync.last_success'] && !w['staff.sync.progress']) break;
        if (Date.now() - t0 > 15000) throw new Error('sync progress never finished');
        await sleep(300);
      }
    });

    await test('desktop: idle settings are saved in the local store and survive a reload', async () => {
      await click(page, 'staff.idle_warn.plus');   // 3 -> 8 s
      await click(page, 'staff.kiosk_save');
      let s = await state(page);
      assert(s.idle_warn_s === 8 && s.idle_countdown_s === 2, `after save: ${s.idle_warn_s}/${s.idle_countdown_s}`);
      await click(page, 'staff.lock');
      await waitScreen(page, 'start');
      await page.goto(`${h.base}/`);            // no ?idle= any more
      s = await waitScreen(page, 'start', 30000);
      assert(s.idle_warn_s === 8 && s.idle_countdown_s === 2, `after reload: ${s.idle_warn_s}/${s.idle_countdown_s}`);
    });

    await test('desktop: leaving kiosk mode needs the PIN; resuming does not', async () => {
      await click(page, 'staff.open');
      await waitScreen(page, 'staff-pin');
      await h.enterPin(page, '4821');
      await waitScreen(page, 'staff');
      await click(page, 'staff.leave_kiosk');
      let s = await waitScreen(page, 'start');
      assert(s.kiosk_mode === false, 'still in kiosk mode');
      assert((await widgets(page))['kiosk.off'], 'no "kiosk mode off" banner');
      await shot(page, 'desktop-kiosk-off.png');
      await click(page, 'kiosk.resume');
      s = await state(page);
      assert(s.kiosk_mode === true, 'kiosk mode not resumed');
    });

    await test('desktop: the start screen shows a QR code of the app with the current event', async () => {
      let s = await state(page);
      assert(s.screen === 'start', `screen ${s.screen}`);
      assert(chosenEvent, 'no event was chosen');
      // The event and its join code (pulled by the kiosk): a phone enrolls itself with it.
      assert(new RegExp(`^${h.base}/#event=${chosenEvent}&join=[0-9A-Z]{12}$`).test(s.qr_url), `QR url "${s.qr_url}", event ${chosenEvent}`);
      const q = (await widgets(page))['start.qr'];
      assert(q && Math.abs(q.w - q.h) < 1 && q.w >= 120, `QR widget ${JSON.stringify(q)}`);
      await shot(page, 'desktop-start-qr.png');
      // A phone opening "#event=<other>" gets that event preselected.
      const other = allEvents.find((e) => e !== chosenEvent);
      await page.goto(`${h.base}/#event=${encodeURIComponent(other)}`);
      await page.reload();    // a hash-only goto does not load the page again
      s = await waitScreen(page, 'start', 30000);
      assert(s.qr_url.includes(`#event=${other}&join=`), `after #event=${other}: QR url ${s.qr_url}`);
    });

    await test('desktop: the staff panel locks itself after inactivity', async () => {
      await page.goto(`${h.base}/?idle=2,2`);
      await waitScreen(page, 'start', 30000);
      await click(page, 'staff.open');
      await h.enterPin(page, '4821');
      await waitScreen(page, 'staff');
      await waitFor(page, 'staff-idle-warning', (x) => x.idle_warning > 0, 6000);
      await waitFor(page, 'staff-locked', (x) => x.screen === 'start', 6000);
    });
    await test('desktop: no uncaught page errors', async () => { assert(pageErrors.length === 0, pageErrors.join(' | ')); });
    await desktop.close();

    // Phone: touch; the PIN lock after 5 wrong PINs, kept across a reload.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    const pp = await phone.newPage();
    const t = { touch: true };
    if (!(await test('phone: enrollment by touch', () => h.enroll(pp, h.enrollmentCode('tablette kiosque'), 'Tablette', t, null, '?idle=4,3')))) return;
    await test('phone: no QR code on a phone-sized screen', async () => {
      const s = await state(pp);
      assert(s.qr_url === '' && !(await widgets(pp))['start.qr'], `QR on a phone: ${s.qr_url}`);
    });
    await test('phone: idle warning by touch, then reset', async () => {
      await click(pp, 'start.new', t);
      await waitScreen(pp, 'register');
      await typeInto(pp, 'reg.first_name', 'Zoé', t);
      await waitFor(pp, 'phone-idle-warning', (x) => x.idle_warning > 0, 10000);
      await shot(pp, 'phone-idle-warning.png');
      await waitFor(pp, 'phone-idle-reset', (x) => x.screen === 'start', 8000);
      assert(await inputValue(pp) === '', 'DOM input not emptied');
    });
    await test('phone: 5 wrong PINs lock the pad; the right PIN is refused while locked, even after a reload', async () => {
      await click(pp, 'staff.open', t);
      await waitScreen(pp, 'staff-pin');
      await shot(pp, 'phone-staff-pin.png');
      for (let i = 0; i < 5; i++) await h.enterPin(pp, '0000', t);
      let s = await state(pp);
      assert(s.pin_locked_s > 20 && s.pin_locked_s <= 30, `lock after 5 wrong PINs: ${JSON.stringify(s)}`);
      await shot(pp, 'phone-staff-pin-locked.png');
      await h.enterPin(pp, '4821', t);
      s = await state(pp);
      assert(s.screen === 'staff-pin', 'the right PIN opened the panel while locked');
      await pp.reload();
      await waitScreen(pp, 'start', 30000);
      await click(pp, 'staff.open', t);
      await waitScreen(pp, 'staff-pin');
      s = await state(pp);
      assert(s.pin_locked_s > 0, `the lock did not survive a reload: ${JSON.stringify(s)}`);
    });
    await test('phone: after the lock, the right PIN opens the panel', async () => {
      const s0 = await state(pp);
      await sleep((s0.pin_locked_s + 1) * 1000);
      // The PIN pad is a session screen: it went back to the start meanwhile.
      await waitScreen(pp, 'start', 10000);
      await click(pp, 'staff.open', t);
      await waitScreen(pp, 'staff-pin');
      await h.enterPin(pp, '4821', t);
      await waitScreen(pp, 'staff');
      await shot(pp, 'phone-staff.png');
      // Left alone, the panel locks itself (idle 4 s + 3 s).
      await waitScreen(pp, 'start', 15000);
    });
    await phone.close();
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
