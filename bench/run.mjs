// bench/run.mjs — the body of bench/run (see there for options): builds, runs every
// benchmark, prints the Markdown table and rewrites the table section of
// docs/performance.md (between the `bench:table` markers; the rest is written by hand).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(repo);
const args = process.argv.slice(2);
const flag = (n) => args.includes(n);
const opt = (n, d) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : d; };
const quick = flag('--quick');
const allSteps = 'sizes,browser,durable,sync,ingest,needs,pg';
const only = opt('--only', allSteps).split(',');
const want = (s) => only.includes(s);
const native = join(repo, 'build/bench-native');
const wasm = join(repo, 'build/bench-wasm');
const anchorsDir = join(repo, 'build/bench-anchors/imgui');
const webDir = opt('--web', join(wasm, 'web'));
const env = { ...process.env, NODE_PATH: '/usr/share/nodejs' };
const log = (s) => process.stderr.write(`[bench] ${s}\n`);

// ---------------------------------------------------------------- helpers
function run(cmd, argv, o = {}) {
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8', maxBuffer: 1 << 28, ...o });
  if (o.check !== false && r.status !== 0)
    throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${(r.stderr || '').slice(-2000)}`);
  return r;
}
const jsonLines = (s) => s.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitHttp(url, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.status < 500) return true; } catch { /* not up yet */ }
    await sleep(100);
  }
  return false;
}

// Starts a long-running process; stop() kills it by its pid (and waits).
function startProcess(cmd, argv, o = {}) {
  const p = spawn(cmd, argv, { env, stdio: ['ignore', 'ignore', 'pipe'], ...o });
  let err = '';
  p.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  return {
    proc: p, stderr: () => err,
    stop: () => new Promise((res) => { if (p.exitCode !== null) return res(); p.once('exit', res); p.kill('SIGTERM'); setTimeout(() => p.kill('SIGKILL'), 5000); }),
  };
}

const server = opt('--server', join(native, 'sync/comptoir-server'));
async function startComptoir(dir) {
  const port = await freePort();
  const db = join(dir, 'server.db');
  const s = startProcess(server, ['serve', '--host', '127.0.0.1', '--port', String(port), '--database', db]);
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitHttp(url + '/api/v1/health'))) throw new Error('comptoir-server did not start: ' + s.stderr());
  const code = () => JSON.parse(run(server, ['device', 'add', 'bench-' + Math.random().toString(36).slice(2, 8), '--json', '--database', db]).stdout).enrollment_code;
  return { ...s, url, db, code };
}

async function startPouchServer(dir) {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const bin = join(repo, 'node_modules/.bin/pouchdb-server');
  if (!existsSync(bin)) throw new Error('pouchdb-server is not installed (npm ci)');
  // On disk (LevelDB), like comptoir-server's SQLite file; no log file, no Fauxton config writes elsewhere.
  const s = startProcess(bin, ['--port', String(port), '--host', '127.0.0.1', '--dir', dir, '--config', join(dir, 'config.json'), '--no-color'], { cwd: dir });
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitHttp(url + '/', 60000))) throw new Error('pouchdb-server did not start: ' + s.stderr());
  return { ...s, url };
}

function machine() {
  const ver = (cmd, a) => { try { return run(cmd, a, { check: false }).stdout.trim().split('\n')[0]; } catch { return '?'; } };
  const gitRev = ver('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = ver('git', ['status', '--porcelain', '--untracked-files=no']) ? ' (with uncommitted changes)' : '';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: ver('nproc', []), cpu: cpus()[0]?.model || '?', ramGiB: (totalmem() / 2 ** 30).toFixed(1),
    load: loadavg().map((x) => x.toFixed(2)).join(' '),
    chromium: ver('/usr/bin/chromium', ['--version']), node: process.version,
    emcc: ver('emcc', ['--version']).replace(/^emcc \([^)]*\) /, ''), git: gitRev + dirty,
  };
}

// ---------------------------------------------------------------- build
const R = { machine: machine(), steps: {} };
log(`machine: ${JSON.stringify(R.machine)}`);
if (!flag('--skip-build')) {
  log('building native (build/bench-native)');
  if (!existsSync(join(native, 'build.ninja')))
    run('cmake', ['-S', repo, '-B', native, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DCMAKE_C_COMPILER=gcc', '-DCMAKE_CXX_COMPILER=g++']);
  run('ninja', ['-C', native, '-j2', 'comptoir-server', 'bench_needs_report', 'bench_sync_10k', 'bench_ingest'], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (!args.includes('--web') && (want('sizes') || want('browser'))) {
    log('building the web app (build/bench-wasm, MinSizeRel)');
    if (!existsSync(join(wasm, 'build.ninja')))
      run('emcmake', ['cmake', '-S', repo, '-B', wasm, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=MinSizeRel']);
    run('ninja', ['-C', wasm, '-j2', 'comptoir'], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  if (want('sizes') || want('browser')) {
    log('building the bare ImGui anchor (build/bench-anchors/imgui)');
    run('bench/anchors/build_imgui_demo.sh', [anchorsDir]);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'comptoir-bench-'));
const step = async (name, fn) => {
  if (!want(name)) return;
  log(`--- ${name}`);
  const t0 = Date.now();
  try { R.steps[name] = await fn(); } catch (e) { R.steps[name] = { error: String(e.message || e).slice(0, 600) }; log(`${name}: ${R.steps[name].error}`); }
  log(`${name} took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
};

try {
  // ---------------------------------------------------------------- 1. sizes
  await step('sizes', async () => {
    const sq = join(repo, 'node_modules/@sqlite.org/sqlite-wasm');
    const sqVer = JSON.parse(readFileSync(join(sq, 'package.json'), 'utf8')).version;
    const out = jsonLines(run('node', ['bench/sizes.mjs', `app=${webDir}`,
      `sqlite=${join(sq, 'dist/sqlite3.wasm')},${join(sq, 'dist/index.mjs')}`,
      `imgui=${join(anchorsDir, 'imgui_demo_min.js')},${join(anchorsDir, 'imgui_demo_min.wasm')},${join(anchorsDir, 'imgui_demo.html')}`]).stdout);
    return { app: out[0], sqlite: { ...out[1], version: sqVer }, imgui: out[2] };
  });

  // ---------------------------------------------------------------- 2-3. browser
  await step('browser', async () => {
    const out = jsonLines(run('node', ['bench/browser.mjs', '--page', `app=${webDir}`,
      '--page', `imgui=${join(anchorsDir, 'imgui_demo.html')}`, '--baseline', `blank=${join(repo, 'bench/anchors/blank.html')}`,
      '--runs', quick ? '3' : '5', '--idle', '5', '--settle', '2']).stdout);
    return { app: out[0], imgui: out[1], blank: out[2] };
  });

  // ---------------------------------------------------------------- 4. durable save
  await step('durable', async () => {
    const out = join(tmp, 'durable.json');
    const r = run('node', ['bench/durable_save.mjs', '--sizes', quick ? '1000,10000' : '1000,10000,100000', '--json', out],
      { env: { ...env, COMPTOIR_HARNESS_BUILD: join(repo, 'build/bench-harness') }, check: false, stdio: ['ignore', 'pipe', 'pipe'] });
    if (!existsSync(out)) throw new Error(`durable_save.mjs failed (${r.status}): ${(r.stderr || r.stdout || '').slice(-500)}`);
    return { rows: JSON.parse(readFileSync(out, 'utf8')), summary: r.stdout.trim().split('\n') };
  });

  // ---------------------------------------------------------------- 5. 10k offline registrations
  const nSync = quick ? 2000 : 10000;
  await step('sync', async () => {
    const res = {};
    const dir = join(tmp, 'sync');
    mkdirSync(dir, { recursive: true });
    const s = await startComptoir(dir);
    try {
      const cpu0 = procCpu([s.proc.pid]);
      const r = run(join(native, 'bench/bench_sync_10k'), [s.url, s.code(), join(dir, 'kiosk.db'), String(nSync), '2'], { check: false });
      const j = jsonLines(r.stdout)[0];
      res.comptoir = j ? { ...j, exit: r.status, server_cpu_s: procCpu([s.proc.pid]) - cpu0 } : { error: (r.stderr || '').slice(-500) };
    } finally { await s.stop(); }
    try {
      const p = await startPouchServer(join(dir, 'pouch'));
      try {
        const cpu0 = procCpu([p.proc.pid]);
        const r = run('node', ['bench/pouch_sync.mjs', p.url, join(dir, 'pouch-local'), String(nSync), '2', '500'], { check: false });
        const j = jsonLines(r.stdout)[0];
        res.pouch = j ? { ...j, server_cpu_s: procCpu([p.proc.pid]) - cpu0 } : { error: (r.stderr || '').slice(-500) };
      } finally { await p.stop(); }
    } catch (e) { res.pouch = { error: String(e.message || e) }; }
    return res;
  });

  // ---------------------------------------------------------------- 6. ingest
  const nIngest = quick ? 5000 : 20000;
  const devices = 4;
  await step('ingest', async () => {
    const res = { records: nIngest, devices, batch: 500 };
    const dir = join(tmp, 'ingest');
    mkdirSync(dir, { recursive: true });
    const ingest = join(native, 'bench/bench_ingest');
    // One fresh server per run: `n` devices enrolled, each pushing its share concurrently.
    const comptoirRun = async (n) => {
      const sub = join(dir, `devices-${n}`);
      mkdirSync(sub, { recursive: true });
      const s = await startComptoir(sub);
      try {
        const lines = [];
        for (let d = 0; d < n; d++) {
          const r = await fetch(s.url + '/api/v1/devices/enroll', { method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ enrollment_code: s.code(), device_name: `ingest-${d}` }) });
          const j = await r.json();
          if (!j.device_token) throw new Error('enroll: ' + JSON.stringify(j));
          lines.push(`${j.device_id} ${j.device_token}`);
        }
        writeFileSync(join(sub, 'devices.txt'), lines.join('\n') + '\n');
        const pids = [s.proc.pid];
        const cpu0 = procCpu(pids);
        const r = run(ingest, ['comptoir', s.url, String(nIngest), '500', join(sub, 'devices.txt')], { check: false });
        const out = { server_cpu_s: procCpu(pids) - cpu0, comptoir: jsonLines(r.stdout)[0] || { error: (r.stderr || '').slice(-500) } };
        try {  // group commit: how many transactions held the batches
          const m = await (await fetch(s.url + '/metrics')).text();
          const metric = (name) => Number((new RegExp('^' + name + ' (\\d+)$', 'm').exec(m) || [])[1]);
          out.commits = metric('comptoir_push_commits_total');
          out.batches_committed = metric('comptoir_push_batches_committed_total');
        } catch { /* older server: no such metrics */ }
        return out;
      } finally { await s.stop(); }
    };
    Object.assign(res, await comptoirRun(devices));
    res.one_device = await comptoirRun(1);
    const raw = run(ingest, ['raw', join(dir, 'raw.db'), String(nIngest), '500'], { check: false });
    res.raw = jsonLines(raw.stdout)[0] || { error: (raw.stderr || '').slice(-500) };
    try {
      const p = await startPouchServer(join(dir, 'pouch'));
      try {
        await fetch(p.url + '/ingest', { method: 'PUT' });
        const cpu0 = procCpu([p.proc.pid]);
        const r = run(ingest, ['couch', p.url, String(nIngest), '500', String(devices), 'ingest'], { check: false });
        const j = jsonLines(r.stdout)[0];
        res.pouch = j ? { ...j, server_cpu_s: procCpu([p.proc.pid]) - cpu0 } : { error: (r.stderr || '').slice(-500) };
      } finally { await p.stop(); }
    } catch (e) { res.pouch = { error: String(e.message || e) }; }
    return res;
  });

  // ---------------------------------------------------------------- 7. needs report
  await step('needs', async () => {
    const r = run(join(native, 'bench/bench_needs_report'), ['100000', '5'], { check: false });
    const lines = r.stdout.trim().split('\n');
    const pick = (re) => {
      const l = lines.find((x) => re.test(x));
      const m = l && /wall min\s+([\d.]+) ms\s+median\s+([\d.]+) ms \| cpu min\s+([\d.]+) ms/.exec(l);
      return m ? { min: Number(m[1]), median: Number(m[2]), cpu: Number(m[3]), line: l.trim() } : null;
    };
    return { exit: r.status, oneShot: pick(/one-shot.*full/), load: pick(/NeedsReportIndex::Load/),
      warm: pick(/warm index: full/), afterWrite: pick(/after one write: Refresh/),
      afterWriteReload: pick(/after one write: \.\.\. full reload/), lines };
  });
  // ---------------------------------------------------------------- 8. PostgreSQL (bench/pg)
  await step('pg', async () => {
    const out = join(tmp, 'pg.json');
    const r = run('bench/pg', ['--json', out, ...(quick ? ['--records', '5000', '--creators', '10000'] : [])],
      { env: { ...env, COMPTOIR_BENCH_NATIVE: native }, check: false, stdio: ['ignore', 'pipe', 'pipe'] });
    if (!existsSync(out)) throw new Error(`bench/pg failed (${r.status}): ${(r.stderr || r.stdout || '').slice(-500)}`);
    return JSON.parse(readFileSync(out, 'utf8'));
  });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function procCpu(pids) {
  let s = 0;
  for (const pid of pids) {
    try { const st = readFileSync(`/proc/${pid}/stat`, 'utf8'); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); s += (Number(f[11]) + Number(f[12])) / 100; } catch { /* exited */ }
  }
  return s;
}

// ---------------------------------------------------------------- table
R.loadEnd = loadavg().map((x) => x.toFixed(2)).join(' ');
writeFileSync(join(repo, 'build/bench-results.json'), JSON.stringify(R, null, 2));
const table = renderTable(R);
console.log(table);
if (!flag('--no-docs') && !quick && only.length === allSteps.split(',').length) {
  const docPath = join(repo, 'docs/performance.md');
  const start = '<!-- bench:table:start (written by bench/run; do not edit by hand) -->';
  const end = '<!-- bench:table:end -->';
  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : `# Performance\n\n${start}\n${end}\n`;
  if (!doc.includes(start)) doc += `\n${start}\n${end}\n`;
  doc = doc.slice(0, doc.indexOf(start) + start.length) + '\n' + table + '\n' + doc.slice(doc.indexOf(end));
  writeFileSync(docPath, doc);
  log('docs/performance.md updated');
}

function renderTable(R) {
  const m = R.machine, S = R.steps;
  const kB = (b) => (b == null ? '—' : `${(b / 1000).toFixed(1)} kB`);
  const f = (x, d = 0) => (x == null || Number.isNaN(x) ? '—' : Number(x).toFixed(d));
  const ok = (cond) => (cond == null ? '—' : cond ? '**met**' : '**missed**');
  const err = (o) => (o && o.error ? `error: ${String(o.error).replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 220)}` : null);
  const notRun = '(not run)';
  const rows = [];
  const row = (what, value, goal, anchor, verdict) => rows.push(`| ${what} | ${value} | ${goal} | ${anchor} | ${verdict} |`);

  // 1. download
  if (S.sizes) {
    const a = S.sizes.app, q = S.sizes.sqlite, g = S.sizes.imgui;
    row('Download, whole app (brotli -q 11 / gzip -9 / raw)', err(S.sizes) || `${kB(a?.brotli)} / ${kB(a?.gzip)} / ${kB(a?.raw)}`,
      '≤ 500 kB brotli', `SQLite wasm ${q?.version}: ${kB(q?.brotli)} br (${kB(q?.gzip)} gz); bare ImGui+GLFW: ${kB(g?.brotli)} br (${kB(g?.gzip)} gz)`,
      ok(a?.brotli != null ? a.brotli <= 500000 : null));
  } else row('Download, whole app', notRun, '≤ 500 kB brotli', '', '—');

  // 2-3. browser
  const B = S.browser;
  if (B && !B.error) {
    const a = B.app || {}, g = B.imgui || {};
    const ratio = a.ttff_median_ms / g.ttff_median_ms;
    // The median run's start-up, from the page's marks: "js 40 → wasm 90 → main 300 → …" (ms).
    const ph = a.median_phases || {};
    const order = [['loaded comptoir.js', 'js'], ['loaded comptoir.wasm', 'wasm'], ['comptoir-wasm-ready', 'compiled'],
      ['comptoir-fonts-loaded', 'font files'], ['comptoir-storage-loaded', 'IndexedDB'], ['comptoir-main', 'main()'],
      ['comptoir-gl', 'WebGL+ImGui'], ['comptoir-fonts', 'fonts'], ['comptoir-store', 'store'], ['comptoir-first-frame', 'frame']];
    const steps = order.filter(([k]) => ph[k] != null).map(([k, label]) => `${label} ${ph[k]}`).join(' → ');
    row(`Time to first frame, headless Chromium (median of ${a.runs})`, a.error ? err(a) : `${f(a.ttff_median_ms)} ms (${(a.ttff_ms || []).join(', ')})` +
      (steps ? `; median run: ${steps} ms` : ''),
      '≤ 1000 ms and ≤ 1.5× anchor', `bare ImGui: ${f(g.ttff_median_ms)} ms (${(g.ttff_ms || []).join(', ')}); ratio ${f(ratio, 2)}×`,
      ok(a.ttff_median_ms != null && g.ttff_median_ms ? a.ttff_median_ms <= 1000 && ratio <= 1.5 : null) +
        (a.ttff_median_ms > 1000 && ratio <= 1.5 ? ' (ratio met, absolute missed)' : ''));
    row(`Idle 5 s after load: frames drawn / Chromium CPU-s`, a.error ? err(a) : `${a.idle_frames} frames / ${f(a.idle_cpu_s, 2)} CPU-s (${a.idle_raf_callbacks} requestAnimationFrame wake-ups)`,
      '≤ 2 frames and ≤ 0.1 CPU-s', `bare ImGui (continuous): ${g.idle_frames} frames / ${f(g.idle_cpu_s, 2)} CPU-s; ` +
        `blank page (Chromium alone): ${f(B.blank?.idle_cpu_s, 2)} CPU-s → app above blank: ${f(a.idle_cpu_s - (B.blank?.idle_cpu_s ?? NaN), 2)} CPU-s`,
      ok(a.idle_frames != null ? a.idle_frames <= 2 && a.idle_cpu_s <= 0.1 : null) +
        (a.idle_frames <= 2 && a.idle_cpu_s > 0.1 && B.blank && a.idle_cpu_s - B.blank.idle_cpu_s <= 0.1
          ? ' as measured; met above the blank-page baseline' : ''));
  } else {
    row('Time to first frame', B ? err(B) : notRun, '≤ 1000 ms and ≤ 1.5× anchor', '', '—');
    row('Idle 5 s after load', B ? err(B) : notRun, '≤ 2 frames and ≤ 0.1 CPU-s', '', '—');
  }

  // 4. durable save
  const D = S.durable;
  if (D && !D.error) {
    for (const d of D.rows)
      row(`Durable save at ${d.records.toLocaleString('en')} records (p50 / p95, ${d.saves} saves)`,
        `${f(d.p50, 1)} / ${f(d.p95, 1)} ms (pages/save p50 ${d.pagesP50})`, 'p95 ≤ 30 ms; p95 at 100k ≤ 1.5× p95 at 1k',
        `persistence part p50 ${f(d.persistP50, 1)} / p95 ${f(d.persistP95, 1)} ms; start-up ${f(d.startupMs)} ms`, ok(d.p95 <= 30));
    for (const d of D.rows.filter((x) => x.heapMB != null && (x.records === 10000 || x.records === 100000)))
      row(`Wasm heap after opening ${d.records.toLocaleString('en')} local records`, `${f(d.heapMB)} MiB (after ${d.saves} more saves: ${f(d.heapAfterSavesMB)} MiB)`,
        d.records === 10000 ? '≤ 64 MB at 10k' : '— (10k is the goal)', `IndexedDB usage ${f(d.usageMB, 1)} MB`, d.records === 10000 ? ok(d.heapMB * 1.048576 <= 64) : '—');
    if (D.rows.length >= 2) {
      const r = D.rows[D.rows.length - 1].p95 / D.rows[0].p95;
      row('Durable save p95 growth, large / small', `${f(r, 2)}×`, '≤ 1.5×', '', ok(r <= 1.5));
    }
  } else row('Durable save p50/p95', D ? err(D) : notRun, 'p95 ≤ 30 ms', '', '—');

  // 5. sync
  const Y = S.sync;
  if (Y && !Y.error) {
    const c = Y.comptoir || {}, p = Y.pouch || {};
    const speedup = p.seconds && c.sync_s ? p.seconds / c.sync_s : null;
    row(`${(c.registrations ?? nSync).toLocaleString('en')} offline registrations synced after reconnection`,
      c.error ? err(c) : `${f(c.sync_s, 2)} s (${c.changes} changes in ${c.pushes} pushes, ${c.applied} applied, ${c.pending_left} left; ` +
        `CPU: server ${f(c.server_cpu_s, 2)} s, kiosk ${f(c.client_cpu_s, 2)} s)`,
      '≤ 2 s and ≥ 2× faster than PouchDB', p.error ? `PouchDB → pouchdb-server: ${err(p)}` :
        `PouchDB → pouchdb-server: ${f(p.seconds, 2)} s (${p.docs_written} docs, batch ${p.batch_size}; CPU: server ${f(p.server_cpu_s, 2)} s, client ${f(p.client_cpu_s, 2)} s); ` +
        `comptoir ${f(speedup, 2)}× faster by wall time, ${f((p.server_cpu_s + p.client_cpu_s) / (c.server_cpu_s + c.client_cpu_s), 2)}× by CPU`,
      ok(c.sync_s != null && c.exit === 0 ? c.sync_s <= 2 && (speedup == null || speedup >= 2) : (c.error || c.exit ? false : null)));
  } else row('10,000 offline registrations synced', Y ? err(Y) : notRun, '≤ 2 s', '', '—');

  // 6. ingest
  const I = S.ingest;
  if (I && !I.error) {
    const c = I.comptoir || {}, r = I.raw || {}, p = I.pouch || {};
    const ofRaw = c.records_per_s / r.records_per_s, vsPouch = c.records_per_s / p.records_per_s;
    const one = (I.one_device || {}).comptoir || {};
    row(`Server ingest (${I.records.toLocaleString('en')} creators, ${I.devices} devices, batches of ${I.batch})`,
      c.error ? err(c) : `${f(c.records_per_s)} records/s (${c.ok} applied, ${c.errors} failed requests; server ${f(I.server_cpu_s, 1)} CPU-s` +
        (I.commits ? `; ${I.batches_committed} batches in ${I.commits} commits` : '') + ')' +
        (one.records_per_s ? `; 1 device: ${f(one.records_per_s)} records/s (${f(100 * one.records_per_s / r.records_per_s)}% of raw)` : ''),
      '≥ 50% of raw SQLite and ≥ 3× pouchdb-server',
      `raw SQLite (WAL, synchronous=FULL): ${r.error ? err(r) : f(r.records_per_s) + ' rows/s, ' + f(r.cpu_s, 2) + ' CPU-s'} → ${f(ofRaw * 100)}%; ` +
        `pouchdb-server _bulk_docs: ${p.error ? err(p) : f(p.records_per_s) + ' docs/s, server ' + f(p.server_cpu_s, 1) + ' CPU-s'} → ${f(vsPouch, 1)}×`,
      Number.isFinite(ofRaw) ? `${ok(ofRaw >= 0.5)} vs raw; ${Number.isFinite(vsPouch) ? ok(vsPouch >= 3) : '—'} vs pouchdb-server` : ok(null));
  } else row('Server ingest', I ? err(I) : notRun, '≥ 50% of raw', '', '—');

  // 7. needs report
  const N = S.needs;
  if (N && !N.error && N.oneShot) {
    // The server loads the index at start-up (in the background); after a write it
    // re-reads only the creators written (TrackWrites); a request with it loaded computes only.
    const ms = (x) => (x ? `${f(x.median, 1)} ms (CPU ${f(x.cpu, 1)} ms)` : '—');
    row('Needs report, 100k creators × 5 needs (full)', (N.warm ? `${f(N.warm.median, 1)} ms with the index loaded; ` : '') +
      `index load ${ms(N.load)} (server start-up, in the background); first request after a write ${ms(N.afterWrite)}` +
      (N.afterWriteReload ? ` (${ms(N.afterWriteReload)} if every write reloaded the index)` : '') +
      `; one-shot ${ms(N.oneShot)}`, '≤ 50 ms', '—',
      N.warm ? ok(N.warm.median <= 50) + ' loaded' + (N.afterWrite ? `; ${ok(N.afterWrite.median <= 50)} after a write` : '')
        : ok(N.oneShot.median <= 50) + ' one-shot');
  } else row('Needs report, 100k creators', N ? (err(N) || `unparsed output (exit ${N.exit}): ${(N.lines || []).slice(-2).join(' ')}`) : notRun, '≤ 50 ms', '', '—');

  // 8. PostgreSQL (issue 7): ingest with 1 and 2 instances next to SQLite, needs report on both
  const P = S.pg;
  if (P && !P.error) {
    const ing = (x) => (x ? `${f(x.records_per_s)} records/s${x.errors ? ` (${x.errors} errors)` : ''}` : '—');
    const rep = (x) => (x ? `${f(x.median_ms, 1)} ms median (first ${f(x.cold_ms)} ms)` : '—');
    row('Ingest on PostgreSQL, 1 / 2 server instances (same run as its SQLite figure)', `${ing(P.ingest_pg1)} / ${ing(P.ingest_pg2)}`,
      '— (scale path)', `SQLite in the same run: ${ing(P.ingest_sqlite)}`, '—');
    row(`Needs report on PostgreSQL, ${(P.needs_pg?.creators ?? 0).toLocaleString('en')} creators (GET /api/v1/reports/needs)`, rep(P.needs_pg), '≤ 50 ms',
      `SQLite server in the same run: ${rep(P.needs_sqlite)}`, ok(P.needs_pg ? P.needs_pg.median_ms <= 50 : null));
  } else row('PostgreSQL ingest and needs report', P ? err(P) : notRun, '≤ 50 ms report', '', '—');

  return [
    `Measured ${m.date} by \`bench/run\` at ${m.git}.`,
    `Machine: ${m.nproc} × ${m.cpu}, ${m.ramGiB} GiB RAM; load average ${m.load} at start, ${R.loadEnd} at the end; ` +
      `${m.chromium}; Node ${m.node}; emcc ${m.emcc}.`,
    '',
    '| Measure | Comptoir | Goal | Anchor (same run) | Verdict |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
