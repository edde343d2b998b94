/**
 * Write latency benchmark: single-row writes over HTTP (PUT a partner, POST a
 * new partner, PUT a relationship, in turn) against the real server on
 * 127.0.0.1 over the 100,000-partner store, first alone, then while a bounded
 * number of connections keep reading (the map, the gaps, a partner's
 * introductions, a partner, a neighbourhood, in turn). Prints p50 / p99 per
 * load, the event loop's longest stall (server and client share it) and the
 * machine's load average (other jobs share its cores); then times a full
 * export as a client receives it.
 *
 *   npm run bench:writes [-- --store grafeo|neo4j --data-dir DIR --bundle file.json --writes 300 --readers 16,64 --no-export]
 *
 * The embedded store is kept in --data-dir (imported from the bundle the first
 * time); --store neo4j uses NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD and imports
 * the bundle when the database holds no partners.
 */
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { importBundle } from '../server/import/import-bundle.js';
import { readBundleInput } from '../server/import/read-input.js';
import { STORE_FILE } from '../server/store/grafeo.js';
import { openStore } from '../server/store/index.js';
import { generatedBundleFile } from './generated-bundle.js';

const { values } = parseArgs({
  allowNegative: true,
  options: {
    store: { type: 'string', default: 'grafeo' },
    'data-dir': { type: 'string', default: path.join(tmpdir(), 'ecograph-bench-writes-store') },
    bundle: { type: 'string' },
    writes: { type: 'string', default: '300' },
    readers: { type: 'string', default: '16,64' },
    // The export takes minutes at 100,000 partners; --no-export leaves it out.
    export: { type: 'boolean', default: true },
  },
});
if (values.store !== 'grafeo' && values.store !== 'neo4j') throw new Error('bench-writes: --store is grafeo or neo4j');
const env = {
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: values['data-dir'],
  SEED: 'none',
  LOG_LEVEL: 'warn',
  // One client driving the load on purpose: the per-client rate limit would measure itself.
  RATE_LIMIT: String(Number.MAX_SAFE_INTEGER),
  NEO4J_URI: values.store === 'neo4j' ? process.env.NEO4J_URI : undefined,
  NEO4J_USER: process.env.NEO4J_USER,
  NEO4J_PASSWORD: process.env.NEO4J_PASSWORD,
};
const config = loadConfig(env);
const bundlePath = values.bundle ?? generatedBundleFile({ partners: '100000', customers: '200000', relationships: '1000000', seed: '42' });

// The store, filled once.
{
  const fresh = values.store === 'grafeo' && !existsSync(path.join(config.dataDir, STORE_FILE));
  const store = await openStore(config);
  if (fresh || (await store.counts()).partners === 0) {
    console.log(`importing ${bundlePath} into the ${values.store} store …`);
    const started = performance.now();
    await importBundle(store, await readBundleInput(bundlePath), { batchRows: 5000 });
    console.log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await store.close();
}

const app = await buildApp(config);
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
const counts = await (await fetch(`${base}/api/health`)).json();
console.log(`server on ${base}, ${values.store} store: ${counts.counts.partners.toLocaleString('en')} partners, ${counts.counts.relationships.toLocaleString('en')} relationships`);

// Stored ids to write and read, from the first pages.
const partners = (await (await fetch(`${base}/api/partners?limit=500`)).json()).items as Array<Record<string, unknown> & { id: string }>;
const customers = (await (await fetch(`${base}/api/customers?limit=500`)).json()).items as Array<{ id: string }>;

async function request(method: string, url: string, body?: unknown): Promise<void> {
  const response = await fetch(base + url, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  await response.arrayBuffer();
  if (response.status >= 400) throw new Error(`${method} ${url}: ${response.status}`);
}

let written = 0;
/** One single-row write, each kind in turn; resolves to its latency in ms. */
async function oneWrite(): Promise<number> {
  const i = written++;
  const partner = partners[i % partners.length]!;
  const started = performance.now();
  if (i % 3 === 0) await request('PUT', `/api/partners/${partner.id}`, { ...partner, revenue: 1000 + i });
  else if (i % 3 === 1) await request('POST', '/api/partners', { id: `p-bench-${process.pid}-${i}`, name: `Bench Partner ${process.pid} ${i}`, domain: `bench-${process.pid}-${i}.example`, types: ['referral'] });
  else await request('PUT', '/api/relationships', { from: partner.id, to: customers[i % customers.length]!.id, type: 'SERVES', role: 'refer', annualValue: i });
  return performance.now() - started;
}

const READS = [
  () => '/api/map',
  () => '/api/gaps',
  (i: number) => `/api/partners/${partners[i % partners.length]!.id}/introductions`,
  (i: number) => `/api/partners/${partners[i % partners.length]!.id}`,
  (i: number) => `/api/nodes/${partners[i % partners.length]!.id}/neighbourhood`,
];
// The projection and its metrics ready before timing: the first map of a cold server takes minutes at 100,000 partners.
await (await fetch(`${base}/api/map`)).arrayBuffer();
await app.projection.settled();

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const rows: Record<string, Record<string, string>> = {};

for (const readers of [0, ...values.readers.split(',').filter(Boolean).map(Number)]) {
  let stop = false;
  let reads = 0;
  const readLatencies: number[] = [];
  const load = Array.from({ length: readers }, async (_, r) => {
    for (let i = r; !stop; i += readers) {
      const started = performance.now();
      await request('GET', READS[i % READS.length]!(i));
      readLatencies.push(performance.now() - started);
      reads++;
    }
  });
  const latencies: number[] = [];
  const loadBefore = loadavg()[0]!;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const started = performance.now();
  for (let n = 0; n < Number(values.writes); n++) {
    latencies.push(await oneWrite());
    if (process.env.BENCH_TRACE) console.log(n, latencies.at(-1)!.toFixed(1));
  }
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(load);
  histogram.disable();
  latencies.sort((a, b) => a - b);
  readLatencies.sort((a, b) => a - b);
  rows[`${readers} reading connections`] = {
    'write p50 ms': quantile(latencies, 0.5).toFixed(1),
    'write p99 ms': quantile(latencies, 0.99).toFixed(1),
    'write max ms': latencies[latencies.length - 1]!.toFixed(1),
    'writes/s': (latencies.length / seconds).toFixed(0),
    'reads/s': (reads / seconds).toFixed(0),
    'read p50 ms': readers === 0 ? '-' : quantile(readLatencies, 0.5).toFixed(1),
    'longest stall ms': (histogram.max / 1e6).toFixed(0),
    'load average': `${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
    // A heap near its limit makes V8 collect it again and again: every write then waits for collections.
    'heap MB': (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0),
  };
}
console.log(`\nsingle-row writes over HTTP (${values.writes} per load: PUT partner, POST partner, PUT relationship in turn), ${values.store} store`);
console.table(rows);

// And a full export as a client receives it: the body streamed while the store is read.
if (values.export) await timeExport();
await app.close();

async function timeExport(): Promise<void> {
  const exportStarted = performance.now();
  const exported = await fetch(`${base}/api/export`);
  let bytes = 0;
  let firstByteMs: number | undefined;
  const reader = exported.body!.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    firstByteMs ??= performance.now() - exportStarted;
    bytes += chunk.value.byteLength;
  }
  console.log(`\nGET /api/export: ${(bytes / 1024 / 1024).toFixed(0)} MB in ${((performance.now() - exportStarted) / 1000).toFixed(1)} s (first byte after ${firstByteMs?.toFixed(0)} ms), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
}
