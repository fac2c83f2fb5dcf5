// bench/bench_lib.mjs — helpers shared by bench/*.mjs (run by bench/run): a static file
// server with the MIME types the web app needs, Chromium (Debian's /usr/bin/chromium via
// playwright-core) with the project's headless flags, and CPU time of a process tree.
import { createServer } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromiumArgs, loadPlaywright } from './durable_save_lib.mjs';

export { chromiumArgs, loadPlaywright };

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.data': 'application/octet-stream',
};

// Serves `root` on 127.0.0.1 (random port); resolves {server, url}.
export function serveDir(root) {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const p = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      const file = join(root, p === '/' ? 'index.html' : p);
      if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":{"code":"not_found","message":"no such file"}}');
        return;
      }
      res.writeHead(200, { 'Content-Type': MIME[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(readFileSync(file));
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

export async function launchChromium() {
  const pw = await loadPlaywright();
  const chromium = pw.chromium || pw.default.chromium;
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
}

// Every process descending from `root` (default: this Node process, whose children are
// the browsers playwright started).
export function descendants(root = process.pid) {
  const parent = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
    } catch { /* exited */ }
  }
  const out = [];
  const want = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) if (want.has(ppid) && !want.has(pid)) { want.add(pid); out.push(pid); grew = true; }
  }
  return out;
}

const HZ = 100;  // USER_HZ on Linux
// utime+stime (seconds) per pid of `pids`.
export function cpuTimes(pids) {
  const m = new Map();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      m.set(pid, (Number(f[11]) + Number(f[12])) / HZ);
    } catch { /* exited */ }
  }
  return m;
}

// CPU seconds the processes alive at both points burnt between the two snapshots.
export function cpuDelta(before, after) {
  let s = 0;
  for (const [pid, t] of after) s += t - (before.get(pid) ?? 0);
  return s;
}

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN; };
