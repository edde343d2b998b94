/**
 * What concurrent reads in the embedded engine do to a single-row write,
 * with no HTTP server, projection or analytics in the way: the API's write
 * path (`importBundle` of one partner with the store's priority over reads, as
 * PUT /api/partners does) back to back
 * for a few seconds, first alone, then while `--readers` loops each read a
 * hub's neighbourhood (`GraphStore.neighbourhood`, as GET
 * /api/nodes/:id/neighbourhood does). Prints the writes' p50 / p99 / max, the
 * event loop's longest stall (Grafeo's commit is synchronous: a commit that
 * waits holds the loop) and the load average.
 *
 *   npm run bench:engine-contention -- --data-dir DIR [--seconds 8 --readers 2]
 *
 * DIR holds an embedded store with an ecosystem (at 100,000 partners, a copy
 * of the benchmark store); one partner's revenue is rewritten.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { importBundle } from '../server/import/import-bundle.js';
import { PartnerListQuery } from '../server/schemas/listing.js';
import { openStore } from '../server/store/index.js';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, seconds: { type: 'string', default: '8' }, readers: { type: 'string', default: '2' } } });
if (values['data-dir'] === undefined) throw new Error('bench-engine-contention: --data-dir DIR (an embedded store with an ecosystem)');
const store = await openStore(loadConfig({ DATA_DIR: values['data-dir'], SEED: 'none' }));

// The hubs: the partners with the most relationships among the first page (the ones bench:writes reads too).
const page = await store.listPartners(PartnerListQuery.parse({ limit: 500 }));
const degrees = await Promise.all(page.items.map(async (p) => ({ id: p.id, degree: (await store.neighbourhood(p.id))?.length ?? 0 })));
const hubs = degrees.sort((a, b) => b.degree - a.degree).slice(0, 2);
console.log(`hubs read: ${hubs.map((h) => `${h.id} (${h.degree.toLocaleString('en-US')} relationships)`).join(', ')}`);
const [written] = await store.getPartners([page.items[0]!.id]);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const rows: Record<string, Record<string, string>> = {};
let revenue = 0;
for (const readers of [0, Number(values.readers)]) {
  let reading = true;
  let reads = 0;
  const loops = Array.from({ length: readers }, async (_, r) => {
    while (reading) {
      await store.neighbourhood(hubs[r % hubs.length]!.id);
      reads++;
    }
  });
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const latencies: number[] = [];
  const loadBefore = loadavg()[0]!;
  const until = performance.now() + Number(values.seconds) * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    // With priority over the reads, as the API's writes have (GraphStore.prioritised).
    const report = await store.prioritised(() => importBundle(store, { version: 1, partners: [{ ...written!, revenue: 1000 + revenue++ }] }));
    if (!report.committed) throw new Error(`bench-engine-contention: the write was refused: ${JSON.stringify(report.errors)}`);
    latencies.push(performance.now() - started);
    // A pause between writes, as between requests.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  reading = false;
  await Promise.all(loops);
  histogram.disable();
  latencies.sort((a, b) => a - b);
  rows[`${readers} hub readers`] = {
    writes: String(latencies.length),
    'write p50 ms': quantile(latencies, 0.5).toFixed(1),
    'write p99 ms': quantile(latencies, 0.99).toFixed(1),
    'write max ms': latencies.at(-1)!.toFixed(1),
    'hub reads': String(reads),
    'longest stall ms': (histogram.max / 1e6).toFixed(0),
    'load average': `${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
  };
}
console.table(rows);
await store.close();
