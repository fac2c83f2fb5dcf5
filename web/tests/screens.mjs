// web/tests/screens.mjs — screenshots of EVERY screen of the kiosk app, in French, Dutch
// and English, at phone size (360x640, device scale 3, touch) and kiosk size (1920x1080),
// into build/screenshots/<screen>-<lang>-<phone|kiosk>.png. The one place where the
// kiosk app's screens are photographed (the e2e tests only keep failure pictures).
// Also checks, on every picture, what a first-time user would trip over: a widget
// sticking out of the screen on the right, a button or field smaller than a finger.
//
//   node web/tests/screens.mjs                    # ~2-3 min (two sizes x three languages)
//   SCREENS_ONLY=kiosk|phone node web/tests/screens.mjs
//   env: COMPTOIR_SERVER_BIN, COMPTOIR_WEB_ROOT (see web/tests/harness.mjs)
//
// Screens: setup, start (kiosk: with the "register on your phone" QR code), the wizard
// (identity, identity-error = a field-level validation error, sectors, work, needs with
// frequency/urgency/budget/comment, offers, consents with the full processing text,
// summary with its edit links), done, returning-found, returning-notfound, idle-warning
// (countdown), staff-pin, staff, storage-error (the app opened in a second tab).
// Kiosk pictures that need scrolling get a second picture "-bottom".
import * as h from './harness.mjs';
const { test, assert, click, typeInto, state, widgets, waitScreen, waitFor, firstKey, settle, sleep } = h;

const LANGS = ['fr', 'nl', 'en'];
const SIZES = {
  kiosk: { viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 },
  phone: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
};
const taken = [];

// Widgets a finger must hit: buttons, chips, check boxes, fields (not texts or errors).
const TAPPABLE = /^(start\.(new|returning)|wiz\.(next|back)|reg\.(save|cancel|consent|consent_\w+|sector\.|profession\.|work\.|need\.|offer\.)|ret\.(find|back)|done\.back|setup\.(code|name|pin|pin2|submit)|pin\.(\d|ok|cancel|del)|staff\.(sync_now|lock|leave_kiosk)|idle\.continue|lang\.)/;

// Layout checks of the screen as drawn (CSS px).
async function checkLayout(page, name, size) {
  const vp = page.viewportSize();
  const w = await widgets(page);
  const problems = [];
  for (const [k, r] of Object.entries(w)) {
    if (r.w <= 0) continue;
    if (r.x < -1 || r.x + r.w > vp.width + 1) problems.push(`${k} sticks out horizontally (x ${r.x.toFixed(0)}, w ${r.w.toFixed(0)})`);
    if (TAPPABLE.test(k) && !k.endsWith('.error') && !k.endsWith('.text') && r.h < 40)
      problems.push(`${k} is ${r.h.toFixed(0)} px high (< 40: too small for a finger)`);
  }
  if (size === 'kiosk') {
    // At arm's length the content column must use the screen, not a strip in the middle.
    const xs = Object.values(w).filter((r) => r.w > 0);
    const left = Math.min(...xs.map((r) => r.x)), right = Math.max(...xs.map((r) => r.x + r.w));
    if (right - left < vp.width * 0.5) problems.push(`content spans only ${(right - left).toFixed(0)} of ${vp.width} px`);
  }
  assert(problems.length === 0, `${name}: ${problems.slice(0, 4).join('; ')}`);
}

async function shot(page, name, size, lang) {
  await settle(page);
  const file = `${name}-${lang}-${size}.png`;
  await page.screenshot({ path: `${h.SHOTS}/${file}` });
  taken.push(file);
  await checkLayout(page, file, size);
  // On the kiosk, a screen taller than the window gets its bottom photographed too.
  if (size === 'kiosk') {
    const all = Object.values(await widgets(page));
    const bottom = Math.max(...all.map((r) => r.y + r.h));
    if (bottom > page.viewportSize().height) {
      await page.mouse.move(960, 540);
      await page.mouse.wheel(0, 3000);
      await settle(page);
      const more = `${name}-bottom-${lang}-${size}.png`;
      await page.screenshot({ path: `${h.SHOTS}/${more}` });
      taken.push(more);
      await page.mouse.wheel(0, -6000);
      await settle(page);
    }
  }
}

// The current screen in the three languages (the language switch keeps every value).
// The switch is in the header: scrolled down, the page goes up to it, then back to
// `anchor` (the widget the picture is about) if given.
async function shots3(page, name, size, opts, { end = 'fr', anchor = null } = {}) {
  for (const lang of LANGS) {
    await click(page, `lang.${lang}`, opts);
    const s = await state(page);
    assert(s.lang === lang, `${name}: language ${s.lang} after pressing ${lang.toUpperCase()}`);
    if (anchor) await h.findWidget(page, anchor, opts);
    await shot(page, name, size, lang);
  }
  if (end !== 'en') await click(page, `lang.${end}`, opts);
}
const top = async (page, opts) => {
  // back to the top of the page (the header's language buttons must be on screen)
  if (opts.touch) { for (let i = 0; i < 6; i++) await h.touchDrag(page, 180, 150, 480); }
  else { await page.mouse.move(960, 540); await page.mouse.wheel(0, -8000); }
  await settle(page);
};
const stepIs = async (page, step) => {
  const s = await waitFor(page, `step-${step}`, (x) => x.screen === 'register' && x.step === step, 8000);
  await settle(page);
  return s;
};

async function run(browser, size) {
  const ctx = await browser.newContext(SIZES[size]);
  const page = await ctx.newPage();
  const opts = size === 'phone' ? { touch: true } : {};
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const code = h.enrollmentCode(`borne ${size}`);

  await test(`${size}: setup (enrollment) in FR/NL/EN`, async () => {
    await page.goto(`${h.base}/#enroll=${encodeURIComponent(code)}`);
    await waitScreen(page, 'setup', 30000);
    await shots3(page, 'setup', size, opts);
    await typeInto(page, 'setup.name', 'Borne accueil', opts);
    await typeInto(page, 'setup.pin', '4821', opts);
    await typeInto(page, 'setup.pin2', '4821', opts);
    await click(page, 'setup.submit', opts);
    await waitScreen(page, 'start', 20000);
  });
  await test(`${size}: start${size === 'kiosk' ? ' with the "register on your phone" QR code' : ''}`, async () => {
    if (size === 'kiosk') await waitFor(page, 'qr', (s) => /join=/.test(s.qr_url), 10000);
    await shots3(page, 'start', size, opts);
  });

  await test(`${size}: every step of the registration wizard`, async () => {
    await click(page, 'start.new', opts);
    await stepIs(page, 'identity');
    await shots3(page, 'register-identity', size, opts);
    await typeInto(page, 'reg.first_name', 'Marie-Élise', opts);
    await typeInto(page, 'reg.last_name', 'Van den Heuvel-Dupré', opts);
    await typeInto(page, 'reg.email', 'marie-elise@example', opts);
    await click(page, 'wiz.next', opts);            // refused: the error shows under the field
    await waitFor(page, 'email-error', (s) => s.errors.some((e) => e.field === 'email'), 5000);
    await shots3(page, 'register-identity-error', size, opts, { anchor: 'reg.email.error' });
    await typeInto(page, 'reg.email', `marie-elise.${size}@example.be`, opts);
    await typeInto(page, 'reg.postcode', '7000', opts);
    await typeInto(page, 'reg.commune', 'Mons', opts);
    await click(page, 'wiz.next', opts);

    await stepIs(page, 'sectors');
    await click(page, await firstKey(page, 'reg.sector.', 'cinema'), opts);
    await click(page, await firstKey(page, 'reg.profession.'), opts);
    await top(page, opts);
    await shots3(page, 'register-sectors', size, opts);
    await click(page, 'wiz.next', opts);

    await stepIs(page, 'work');
    await click(page, 'reg.work.ata', opts);
    await click(page, 'reg.work.ata.debutant', opts);
    await top(page, opts);
    await shots3(page, 'register-work', size, opts);
    await click(page, 'wiz.next', opts);

    await stepIs(page, 'needs');
    const need = await firstKey(page, 'reg.need.');
    await click(page, need, opts);
    await click(page, `${need}.freq.mensuel`, opts);
    await click(page, `${need}.urgency.haute`, opts);
    const budget = Object.keys(await widgets(page)).find((k) => k.startsWith(`${need}.budget.`));
    if (budget) await click(page, budget, opts);
    await typeInto(page, `${need}.comment`, 'Deux jours par mois', opts);
    await shots3(page, 'register-needs', size, opts, { anchor: `${need}.freq.mensuel` });
    await click(page, 'wiz.next', opts);

    await stepIs(page, 'offers');
    await click(page, 'reg.offer.add', opts);
    await click(page, 'reg.offer.0.kind.materiel', opts);
    await typeInto(page, 'reg.offer.0.description', 'Caméra Super 8', opts);
    await top(page, opts);
    await shots3(page, 'register-offers', size, opts);
    await click(page, 'wiz.next', opts);

    await stepIs(page, 'consents');
    await click(page, 'reg.consent', opts);
    await top(page, opts);
    await shots3(page, 'register-consents', size, opts);
    await click(page, 'wiz.next', opts);

    await stepIs(page, 'summary');
    assert((await widgets(page))['sum.edit.identity'], 'no edit link on the summary');
    await shots3(page, 'register-summary', size, opts);
    await click(page, 'reg.save', opts);
    await waitScreen(page, 'done', 15000);
    await shots3(page, 'done', size, opts);
    // Three pictures by touch on a loaded machine can outlast the countdown.
    if ((await state(page)).screen === 'done') await click(page, 'done.back', opts);
    await waitScreen(page, 'start');
  });

  {
    await test(`${size}: returning check-in by email, found and not found`, async () => {
      await click(page, 'start.returning', opts);
      await waitScreen(page, 'returning');
      await typeInto(page, 'ret.email', 'personne.inconnue@example.be', opts);
      await click(page, 'ret.find', opts);
      await waitFor(page, 'notfound', (s) => s.result === 'not_found', 5000);
      await shots3(page, 'returning-notfound', size, opts);
      await typeInto(page, 'ret.email', `marie-elise.${size}@example.be`, opts);
      await click(page, 'ret.find', opts);
      await waitFor(page, 'found', (s) => s.result === 'found' || s.result === 'checked_in', 5000);
      await shots3(page, 'returning-found', size, opts);
      await click(page, 'ret.back', opts);
      await waitScreen(page, 'start');
    });
  }

  await test(`${size}: staff PIN pad and staff panel`, async () => {
    await click(page, 'staff.open', opts);
    await waitScreen(page, 'staff-pin');
    for (const d of '48') await click(page, `pin.${d}`, opts);   // two digits typed: dots filled
    await shots3(page, 'staff-pin', size, opts);
    await h.enterPin(page, '21', opts);
    await waitScreen(page, 'staff');
    await shots3(page, 'staff', size, opts);
    await click(page, 'staff.lock', opts);
    await waitScreen(page, 'start');
  });

  await test(`${size}: inactivity warning with its countdown`, async () => {
    for (const lang of LANGS) {
      await page.goto(`${h.base}/?idle=2,60`);
      await waitScreen(page, 'start', 30000);
      await click(page, `lang.${lang}`, { ...opts, noScroll: true });
      await click(page, 'start.new', opts);
      await waitScreen(page, 'register');
      await typeInto(page, 'reg.first_name', 'Marie-Élise', opts);
      await waitFor(page, 'idle-warning', (s) => s.idle_warning > 0, 8000);
      await shot(page, 'idle-warning', size, lang);
    }
  });

  await test(`${size}: storage error (the app already open in another tab)`, async () => {
    const second = await ctx.newPage();
    await second.goto(`${h.base}/`);
    await waitScreen(second, 'storage-error', 30000);
    await shots3(second, 'storage-error', size, opts);
    await second.close();
  });
  await test(`${size}: no uncaught page errors`, async () => assert(errors.length === 0, errors.join(' | ')));
  await ctx.close();
}

async function main() {
  if (!h.checkBuilds()) return;
  if (!(await test('server starts and serves the app', () => h.startServer()))) return;
  const browser = await h.launch();
  const t0 = Date.now();
  try {
    for (const size of Object.keys(SIZES))
      if (!process.env.SCREENS_ONLY || process.env.SCREENS_ONLY === size) await run(browser, size);
  } finally {
    await browser.close();
  }
  console.log(`# ${taken.length} screenshots in build/screenshots/ (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

try {
  await main();
} catch (e) {
  h.report(false, 'unexpected failure', String(e && e.stack || e).split('\n').slice(0, 3).join(' '));
}
h.finish();
