// bench/sizes.mjs — what a first visit downloads: raw, gzip -9 and brotli -q 11 sizes.
//
//   node bench/sizes.mjs NAME=PATH[,PATH...] [NAME=...]
//
// PATH is a file or a directory (every file under it, recursively: for the app's
// build/<wasm>/web that is html, js, wasm, data, fonts, service worker, manifest, icon).
// Files loaded only on demand — the admin module, comptoir-admin.{js,wasm}, fetched by
// web/js/boot.js for "#admin" only — are not part of a first visit: they are left out of
// the totals and reported in `lazy` ({raw, gzip, brotli, files}); `whole` = both.
// Compression by Node's zlib (gzip level 9; brotli quality 11, window 24, size hint) —
// what `gzip -9` / `brotli -q 11` give, within a few bytes. One JSON line per NAME.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

function files(p) {
  if (statSync(p).isFile()) return [p];
  // The build writes precompressed siblings (x.br, x.gz) that the server sends instead of
  // x: a browser downloads one of them, never all three, so they are not counted again.
  return readdirSync(p).sort().filter((f) => !/\.(br|gz)$/.test(f)).flatMap((f) => files(join(p, f)));
}

const LAZY = /(^|\/)comptoir-admin\.(js|wasm)$/;

for (const spec of process.argv.slice(2)) {
  const eq = spec.indexOf('=');
  const name = spec.slice(0, eq);
  const row = { name, raw: 0, gzip: 0, brotli: 0, files: [] };
  const lazy = { raw: 0, gzip: 0, brotli: 0, files: [] };
  try {
    for (const root of spec.slice(eq + 1).split(',')) {
      for (const f of files(root)) {
        const buf = readFileSync(f);
        const gz = gzipSync(buf, { level: 9 }).length;
        const br = brotliCompressSync(buf, { params: {
          [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24,
          [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length;
        const into = LAZY.test(f) && f !== root ? lazy : row;
        into.raw += buf.length; into.gzip += gz; into.brotli += br;
        into.files.push({ file: relative(root, f) || f.split('/').pop(), raw: buf.length, gzip: gz, brotli: br });
      }
    }
  } catch (e) { row.error = String(e.message || e); }
  if (lazy.files.length) {
    row.lazy = lazy;
    row.whole = { raw: row.raw + lazy.raw, gzip: row.gzip + lazy.gzip, brotli: row.brotli + lazy.brotli };
  }
  console.log(JSON.stringify(row));
}
