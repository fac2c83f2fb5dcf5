// web/tests/e2e-phone.mjs — the "register on your phone" QR flow end to end: a kiosk
// (1920x1080) pulls its event's join code and shows it in the QR code; a phone (mobile
// emulation: touch, isMobile, 360x640 @3x) opens that URL, enrolls itself with the join
// code (no PIN, no staff panel, no kiosk mode), registers by touch, and the record
// reaches the server. Also: the retried enrolment after a lost answer (same request id).
//
//   node web/tests/e2e-phone.mjs
//   env: COMPTOIR_SERVER_BIN, COMPTOIR_WEB_ROOT (see web/tests/harness.mjs)
import * as h from './harness.mjs';
const { test, assert, click, typeInto, state, widgets, waitScreen, waitFor, firstKey, shot, serverCreator } = h;

// Screenshots of the current screen in the three languages (build/screenshots/<name>-<lang>.png).
async function shots3(page, name, opts) {
  for (const lang of ['nl', 'en', 'fr']) {
    await click(page, `lang.${lang}`, { ...opts, noScroll: true });
    await shot(page, `${name}-${lang}.png`);
  }
}

async function registerByTouch(page, person, opts, prefix) {
  await click(page, 'start.new', opts);
  await waitScreen(page, 'register');
  if (prefix) await shots3(page, `${prefix}-register`, opts);
  await typeInto(page, 'reg.first_name', person.first, opts);
  await typeInto(page, 'reg.last_name', person.last, opts);
  await typeInto(page, 'reg.email', person.email, opts);
  await typeInto(page, 'reg.postcode', person.postcode, opts);
  await click(page, 'wiz.next', opts);
  await waitFor(page, 'sectors', (s) => s.step === 'sectors');
  await click(page, await firstKey(page, 'reg.sector.', 'cinema'), opts);
  await click(page, 'wiz.next', opts);
  await waitFor(page, 'work', (s) => s.step === 'work');
  await click(page, 'wiz.next', opts);
  await waitFor(page, 'needs', (s) => s.step === 'needs');
  await click(page, await firstKey(page, 'reg.need.'), opts);
  await click(page, 'wiz.next', opts);
  await waitFor(page, 'offers', (s) => s.step === 'offers');
  await click(page, 'wiz.next', opts);
  await waitFor(page, 'consents', (s) => s.step === 'consents');
  await click(page, 'reg.consent', opts);
  await click(page, 'wiz.next', opts);
  await waitFor(page, 'summary', (s) => s.step === 'summary');
  await click(page, 'reg.save', opts);
  await waitScreen(page, 'done', 15000);
  if (prefix) await shots3(page, `${prefix}-done`, opts);
}

async function main() {
  if (!h.checkBuilds()) return;
  if (!(await test('server starts and serves the app', () => h.startServer()))) return;
  const browser = await h.launch();
  try {
    const kiosk = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    if (!(await test('kiosk: enrollment', () => h.enroll(kiosk, h.enrollmentCode('borne QR'), 'Borne QR', {})))) return;
    let qr = '';
    await test('kiosk: the QR code carries the event and its join code', async () => {
      const s = await waitFor(kiosk, 'qr-join', (x) => /#event=[^&]+&join=[0-9A-Z]{12}$/.test(x.qr_url || ''), 20000);
      qr = s.qr_url;
      assert(qr.startsWith(`${h.base}/`), `QR URL ${qr}`);
      await shots3(kiosk, 'kiosk-1920-start', {});
      assert((await state(kiosk)).lang === 'fr', 'not back to French');
    });
    await test('kiosk: at 1920x1080 the UI is scaled up for arm\'s length', async () => {
      const w = await widgets(kiosk);
      assert(w['start.new'].h >= 70, `the main button is ${w['start.new'].h} CSS px high at 1920x1080`);
    });
    if (!qr) return;

    const phoneCtx = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    const phone = await phoneCtx.newPage();
    const errors = [];
    phone.on('pageerror', (e) => errors.push(String(e)));
    const t = { touch: true };
    await test('phone: the QR URL enrolls the phone by itself, event preselected', async () => {
      await phone.goto(qr);
      const s = await waitScreen(phone, 'start', 30000);
      assert(s.phone === true && s.kiosk_mode === false, `phone state: ${JSON.stringify(s)}`);
      const w = await widgets(phone);
      assert(w['event.current'], 'no current event in the header');
      assert(!w['staff.open'] && !w['header.logo'], 'a staff entry is shown on a phone');
      assert(!w['start.returning'], 'the returning check-in (a local lookup) is offered on a phone');
      assert(!w['kiosk.off'], 'the "kiosk mode is off" banner is shown on a phone');
      await shots3(phone, 'phone-360-start', t);
    });
    const person = { first: 'Zoë', last: "D'Hondt-Müller", email: 'zoe.phone@example.be', postcode: '7000' };
    await test('phone: registration by touch, confirmation after the durable save', () => registerByTouch(phone, person, t, 'phone-360'));
    await test('server: the phone registration arrived', async () => {
      const bundle = await serverCreator(person.email);   // {creator: {data}, needs, ...}
      const d = (bundle.creator && (bundle.creator.data || bundle.creator)) || {};
      assert(d.first_name === person.first && d.last_name === person.last, `on server: ${JSON.stringify(d)}`);
      assert(Array.isArray(bundle.needs) && bundle.needs.length === 1, `needs on server: ${JSON.stringify(bundle.needs)}`);
    });
    await test('phone: once acknowledged, the phone keeps nothing to sync and no staff access', async () => {
      await waitFor(phone, 'sync-idle', (s) => s.screen === 'start', 20000);
      const s = await state(phone);
      assert(s.phone === true, 'no longer a phone');
      assert(errors.length === 0, `page errors: ${errors.join(' | ')}`);
    });
    await test('phone: an unknown join code says so, with a retry', async () => {
      const other = await (await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true })).newPage();
      await other.goto(`${h.base}/#event=x&join=AAAABBBBCCCC`);
      await waitFor(other, 'join-refused', (s) => s.screen === 'setup', 20000);
      for (let i = 0; i < 100 && !(await widgets(other))['setup.retry']; i++) await h.sleep(100);
      const w = await widgets(other);
      assert(w['setup.failure'] && w['setup.retry'], `no refusal message with a retry: ${Object.keys(w).join(',')}`);
      await shot(other, 'phone-join-refused.png');
    });
  } finally {
    await browser.close();
  }
}

main().catch((e) => h.report(false, 'uncaught', String(e))).finally(h.finish);
