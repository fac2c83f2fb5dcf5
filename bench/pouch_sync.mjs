// bench/pouch_sync.mjs — the PouchDB anchor of "10,000 offline registrations synced after
// reconnection": a local PouchDB (Node, LevelDB adapter, on disk) holding N registration
// documents written while "offline" (one document per registration: the creator with
// its needs nested), then one `replicate.to(<pouchdb-server>)` timed to completion.
//
//   node bench/pouch_sync.mjs <server_url> <dir> [registrations=10000] [needs=2] [batch=500]
// Prints one JSON line {"registrations","docs_written","seconds","client_cpu_s","batch_size"}.
import { createRequire } from 'node:module';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb');

const [url, dir, nArg, needsArg, batchArg] = process.argv.slice(2);
if (!url || !dir) { console.error('usage: node bench/pouch_sync.mjs <server_url> <dir> [n] [needs] [batch]'); process.exit(2); }
const n = Number(nArg || 10000), needs = Number(needsArg || 2), batch = Number(batchArg || 500);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const local = new PouchDB(join(dir, 'kiosk'));
const dbName = 'bench_' + Date.now();
const remote = new PouchDB(url.replace(/\/$/, '') + '/' + dbName);
await remote.info();  // creates the remote database

const firsts = ['Anne', 'Zoë', 'Jérôme', 'Łukasz', 'Noémie', 'Saïd', 'Ines', 'Bram'];
const freqs = ['ponctuel', 'mensuel', 'hebdomadaire', 'permanent'];
const now = new Date().toISOString();
for (let i = 0; i < n; i += 500) {
  const docs = [];
  for (let j = i; j < Math.min(n, i + 500); j++) {
    docs.push({
      _id: randomUUID(), type: 'registration', first_name: firsts[j % 8], last_name: 'Banc-' + j,
      email: `banc.${j}@exemple.be`, postcode: '7000', commune: 'Mons', sectors: ['s' + (j % 8)],
      consents: { processing: { given: true, at: now, text_version: 'fr-2026-1' } },
      needs: Array.from({ length: needs }, (_, k) => ({ id: randomUUID(), item: 'item-' + ((j * 7 + k) % 40), frequency: freqs[(j + k) % 4] })),
      created_at: now, updated_at: now,
    });
  }
  await local.bulkDocs(docs);
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const res = await local.replicate.to(remote, { batch_size: batch, batches_limit: 1 });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const remoteInfo = await remote.info();
console.log(JSON.stringify({ registrations: n, docs_written: res.docs_written, remote_docs: remoteInfo.doc_count,
  seconds, client_cpu_s: (cpu.user + cpu.system) / 1e6, batch_size: batch, ok: res.ok && remoteInfo.doc_count === n }));
await local.close();
rmSync(dir, { recursive: true, force: true });
