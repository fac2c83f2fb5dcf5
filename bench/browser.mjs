// bench/browser.mjs — time to first frame and idle cost of a WebGL page in headless
// Chromium (Debian's /usr/bin/chromium, SwiftShader WebGL), for the app and the bare
// Dear ImGui anchor measured in the same run.
//
//   node bench/browser.mjs --page NAME=DIR[/file.html] [--page ...] [--baseline NAME=FILE.html]
//                          [--runs 5] [--idle 5] [--settle 2]
//
// For each page: `runs` loads, each in a fresh browser context (empty cache and storage);
// time to first frame = performance.now() (origin: navigation start) at the first WebGL
// clear/draw call, found by an init script that wraps WebGL(2)RenderingContext's clear,
// drawElements and drawArrays. Then, in a fresh browser holding only that page: load,
// wait for the first frame + `settle` seconds, and over `idle` seconds count frames (a
// frame = a burst of GL calls within one task, i.e. one rAF callback) and the CPU seconds
// of the whole Chromium process tree (/proc/<pid>/stat utime+stime), and the
// requestAnimationFrame callbacks that ran (wake-ups, drawn or not). One JSON line per page.
// --baseline: a page without WebGL (a blank page): only its idle CPU, measured the same
// way after its load event — what Chromium burns by itself on this machine.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cpuDelta, cpuTimes, descendants, launchChromium, median, serveDir } from './bench_lib.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const pages = [];
for (let i = 0; i < args.length; i++) if (args[i] === '--page' || args[i] === '--baseline') pages.push({ spec: args[i + 1], gl: args[i] === '--page' });
const runs = Number(opt('--runs', '5'));
const idleS = Number(opt('--idle', '5'));
const settleS = Number(opt('--settle', '2'));

const INIT = `(() => {
  const st = { first: -1, draws: 0, frames: 0, inBurst: false, raf: 0 };
  Object.defineProperty(window, '__bench', { value: st });
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => { st.raf++; return cb(t); });
  const mark = () => {
    st.draws++;
    if (st.first < 0) st.first = performance.now();
    if (!st.inBurst) { st.inBurst = true; st.frames++; setTimeout(() => { st.inBurst = false; }, 0); queueMicrotask(() => { st.inBurst = false; }); }
  };
  for (const C of [self.WebGL2RenderingContext, self.WebGLRenderingContext]) {
    if (!C) continue;
    for (const fn of ['clear', 'drawElements', 'drawArrays']) {
      const orig = C.prototype[fn];
      C.prototype[fn] = function (...a) { mark(); return orig.apply(this, a); };
    }
  }
})();`;

async function firstFrame(context, url, gl = true) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: gl ? 'commit' : 'load' });
  if (!gl) return { page, ms: null, errors };
  await page.waitForFunction(() => window.__bench && window.__bench.first >= 0, null, { timeout: 60000, polling: 50 });
  const ms = await page.evaluate(() => window.__bench.first);
  // Where the time went: the page's own User Timing marks (app/main_web.cpp, platform.js)
  // and when its scripts and wasm finished downloading.
  const phases = await page.evaluate(() => {
    const out = {};
    for (const m of performance.getEntriesByType('mark')) out[m.name] = Math.round(m.startTime);
    for (const r of performance.getEntriesByType('resource'))
      if (/\.(js|wasm)$/.test(r.name)) out['loaded ' + r.name.split('/').pop()] = Math.round(r.responseEnd);
    return out;
  });
  return { page, ms, errors, phases };
}

const results = [];
for (const { spec, gl } of pages) {
  const eq = spec.indexOf('=');
  const name = spec.slice(0, eq);
  let target = spec.slice(eq + 1);
  let file = 'index.html';
  if (existsSync(target) && statSync(target).isFile()) { file = basename(target); target = dirname(target); }
  const { server, url } = await serveDir(target);
  const pageUrl = url + file;
  const row = { name, url: file, runs, ttff_ms: [], errors: [] };
  try {
    const browser = await launchChromium();
    row.browser = browser.version();
    try {
      for (let r = 0; gl && r < runs; r++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        await context.addInitScript(INIT);
        const { ms, errors, phases } = await firstFrame(context, pageUrl);
        row.ttff_ms.push(Math.round(ms));
        (row.phases = row.phases || []).push(phases);
        row.errors.push(...errors);
        await context.close();
      }
    } finally { await browser.close(); }
    if (gl) {
      row.ttff_median_ms = median(row.ttff_ms);
      // The phases of the run closest to the median.
      let best = 0;
      row.ttff_ms.forEach((t, i) => { if (Math.abs(t - row.ttff_median_ms) < Math.abs(row.ttff_ms[best] - row.ttff_median_ms)) best = i; });
      row.median_phases = (row.phases || [])[best];
      delete row.phases;
    }

    // Idle: a fresh browser with only this page, so the process tree is its own.
    const b2 = await launchChromium();
    try {
      const context = await b2.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(INIT);
      const { page } = await firstFrame(context, pageUrl, gl);
      await page.waitForTimeout(settleS * 1000);
      const pids = descendants();
      const [f0, r0] = await page.evaluate(() => [window.__bench.frames, window.__bench.raf]);
      const c0 = cpuTimes(pids);
      const t0 = Date.now();
      await new Promise((res) => setTimeout(res, idleS * 1000));
      const c1 = cpuTimes(descendants());
      const wall = (Date.now() - t0) / 1000;
      const [f1, r1] = await page.evaluate(() => [window.__bench.frames, window.__bench.raf]);
      row.idle_s = wall;
      row.idle_frames = f1 - f0;
      row.idle_raf_callbacks = r1 - r0;  // wake-ups of the main loop, drawn or not
      row.idle_cpu_s = Math.round(cpuDelta(c0, c1) * 100) / 100;
      row.processes = pids.length;
    } finally { await b2.close(); }
  } catch (e) {
    row.error = String(e && e.message || e);
  } finally {
    server.close();
  }
  results.push(row);
  console.log(JSON.stringify(row));
}
