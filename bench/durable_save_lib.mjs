// bench/durable_save_lib.mjs — shared by bench/durable_save.mjs and
// web/tests/persist.spec.mjs: builds (if needed) and serves the persistence harness
// page (bench/durable_save_web), and starts headless Chromium with an on-disk profile
// (so that IndexedDB really writes to disk, as on a device).
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
export const harnessBuild = process.env.COMPTOIR_HARNESS_BUILD || join(repo, 'build/persist-wasm/harness');
export const harnessWeb = join(harnessBuild, 'web');

export const chromiumArgs = [
  '--headless', '--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];

// playwright-core from the repository's node_modules, else from PLAYWRIGHT_CORE_DIR
// (a directory holding node_modules/playwright-core).
export async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (e) {
    const dir = process.env.PLAYWRIGHT_CORE_DIR;
    if (!dir) throw new Error('playwright-core not found: run `npm install` at the repository root or set PLAYWRIGHT_CORE_DIR');
    return createRequire(join(dir, 'package.json'))('playwright-core');
  }
}

export function buildHarness() {
  const env = { ...process.env, NODE_PATH: '/usr/share/nodejs' };
  if (!existsSync(join(harnessBuild, 'build.ninja'))) {
    const c = spawnSync('emcmake', ['cmake', '-S', join(repo, 'bench/durable_save_web'), '-B', harnessBuild,
      '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release'], { stdio: 'inherit', env });
    if (c.status !== 0) throw new Error('configuring the harness failed');
  }
  const b = spawnSync('ninja', ['-j2', '-C', harnessBuild, 'harness'], { stdio: 'inherit', env });
  if (b.status !== 0) throw new Error('building the harness failed');
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

export function serve(root) {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      const file = join(root, path === '/' ? 'index.html' : path);
      if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': MIME[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(readFileSync(file));
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

// A browser with its own on-disk profile; close() removes the profile.
export async function launch() {
  const { chromium } = await loadPlaywright();
  const profile = mkdtempSync(join(tmpdir(), 'comptoir-persist-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
  });
  return {
    context,
    profile,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Opens the harness page and waits until the wasm runtime is up (persist.js ran first).
export async function openHarness(context, url) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.harnessReady === true, null, { timeout: 120000 });
  return page;
}

export function call(page, fn, arg = 0) {
  return page.evaluate(([f, a]) => window.H.call(f, a), [fn, arg]);
}

export async function waitIdle(page) {
  for (;;) {
    const s = await call(page, 'harness_count');
    if (s.pending === 0 && !s.unsaved) return s;
    await page.waitForTimeout(50);
  }
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
