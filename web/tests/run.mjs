// web/tests/run.mjs — runs every browser test file (web/tests/e2e-*.mjs, *.spec.mjs)
// one after the other, each in its own Node process, and prints the sum of their
// "N passed, N failed" summary lines. Exit code: non-zero if any test failed or a file
// crashed without a summary.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((f) => /^e2e-.*\.mjs$/.test(f) || /\.spec\.mjs$/.test(f))
  .sort();

let passed = 0;
let failed = 0;
for (const f of files) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(here, f)], {
    stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 15 * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = (r.stdout || '') + (r.stderr || '');
  process.stdout.write(out.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n'));
  const m = [...out.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
  let p = 0, fl = 0;
  if (m) { p = Number(m[1]); fl = Number(m[2]); }
  if (!m || (r.status !== 0 && fl === 0)) fl += 1;
  console.log(`# ${f}: ${p} passed, ${fl} failed (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  passed += p; failed += fl;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
