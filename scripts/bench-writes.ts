/**
 * Write latency benchmark: single-row writes over HTTP (PUT a partner, POST a
 * new partner, PUT a relationship, in turn) against the real server on
 * 127.0.0.1 over the 100,000-partner store, first alone, then while a bounded
 * number of connections keep reading (the map, the gaps, a partner's
 * introductions, a partner, a neighbourhood, in turn; from a thread of their
 * own, as clients elsewhere would be). Prints p50 / p99 per load, the event
 * loop's longest stall (the server's, and the writing client's) and the
 * machine's load average (other jobs share its cores); then times a full
 * export as a client receives it. Timing starts once the projection is whole
 * (a server started from its snapshot restores it for seconds after its
 * first map) and the programme's records are read, as `server.ts` has them;
 * the first write of each kind is timed apart, before the loads.
 *
 *   npm run bench:writes [-- --store grafeo|neo4j --data-dir DIR --bundle file.json --writes 300 --readers 16,64 --no-export --profile DIR]
 *
 * --profile writes the server's main thread's CPU profile of each load to
 * DIR/writes-<readers>.cpuprofile (open it in Chrome's DevTools).
 *
 * The embedded store is kept in --data-dir (imported from the bundle the first
 * time); --store neo4j uses NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD and imports
 * the bundle when the database holds no partners.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
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
    profile: { type: 'string' },
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

/** The reads, in turn; each reading connection starts at its own place in the list. */
const readPaths = partners.flatMap((p) => ['/api/map', '/api/gaps', `/api/partners/${p.id}/introductions`, `/api/partners/${p.id}`, `/api/nodes/${p.id}/neighbourhood`]);

/**
 * `readers` connections reading in turn until stopped, from a thread of their own: a client reads its answers off
 * the server's event loop (in this process they cost the loop up to 80 ms a turn at 100,000 partners, copying the
 * maps' bodies). Resolves to the reads' latencies.
 */
function readLoad(readers: number): { stop: () => Promise<number[]> } {
  if (readers === 0) return { stop: async () => [] };
  const worker = new Worker(
    `const { parentPort, workerData: { base, paths, readers } } = require('node:worker_threads');
    let stop = false;
    const latencies = [];
    parentPort.once('message', () => (stop = true));
    Promise.all(Array.from({ length: readers }, async (_, r) => {
      for (let i = r; !stop; i += readers) {
        const started = performance.now();
        const response = await fetch(base + paths[i % paths.length]);
        await response.arrayBuffer();
        if (response.status >= 400) throw new Error('GET ' + paths[i % paths.length] + ': ' + response.status);
        latencies.push(performance.now() - started);
      }
    })).then(() => parentPort.postMessage(latencies));`,
    { eval: true, workerData: { base, paths: readPaths, readers } },
  );
  const answered = new Promise<number[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const latencies = await answered;
      await worker.terminate();
      return latencies;
    },
  };
}

// The projection and its metrics ready before timing: the first map of a cold server takes minutes at 100,000 partners,
// and a server started from its snapshot answers the overview at once while it restores the rest for seconds more
// (writes meanwhile took 30–140 ms at 100,000 partners: the restore's slices and its collections of a growing heap).
await (await fetch(`${base}/api/map`)).arrayBuffer();
await app.projection.current();
await app.projection.settled();
// And the programme's records read, as server.ts has them read after the projection.
await app.programme.warmUp();
// Each kind of read answered once, as a server in use has: the first gaps and map of a server build their indexes
// (seconds of slices at 100,000 partners), which the loads below would otherwise time as the writes' neighbours.
for (const url of readPaths.slice(0, 5)) await request('GET', url);
// The first write of each kind after the store is opened, timed apart: on the embedded store at 100,000 partners the
// first two took 315 and 135 ms with the event loop idle (the engine's own first writes), and in 300 they made the p99.
const firstWrites: number[] = [];
for (let n = 0; n < 3; n++) firstWrites.push(await oneWrite());
console.log(`first writes after start (PUT partner, POST partner, PUT relationship): ${firstWrites.map((ms) => ms.toFixed(1)).join(', ')} ms`);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const rows: Record<string, Record<string, string>> = {};

for (const readers of [0, ...values.readers.split(',').filter(Boolean).map(Number)]) {
  const load = readLoad(readers);
  const latencies: number[] = [];
  const loadBefore = loadavg()[0]!;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const profiler = await startProfile();
  const started = performance.now();
  for (let n = 0; n < Number(values.writes); n++) {
    latencies.push(await oneWrite());
    if (process.env.BENCH_TRACE) console.log(`write ${n} ${latencies.at(-1)!.toFixed(1)} ms, ended at ${performance.now().toFixed(0)} ms`);
  }
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  await profiler?.(`writes-${readers}.cpuprofile`);
  const readLatencies = (await load.stop()).sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  rows[`${readers} reading connections`] = {
    'write p50 ms': quantile(latencies, 0.5).toFixed(1),
    'write p99 ms': quantile(latencies, 0.99).toFixed(1),
    'write max ms': latencies[latencies.length - 1]!.toFixed(1),
    'writes/s': (latencies.length / seconds).toFixed(0),
    'reads/s': (readLatencies.length / seconds).toFixed(0),
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

/** With --profile, starts profiling this thread (the server's event loop); the function returned writes the profile. */
async function startProfile(): Promise<((name: string) => Promise<void>) | undefined> {
  if (values.profile === undefined) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(values.profile!, { recursive: true });
    writeFileSync(path.join(values.profile!, name), JSON.stringify(profile));
  };
}

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
