/**
 * Live-data benchmark: a server over the 100,000-partner store, written to
 * while it answers. Prints the read for the projection (entities, then
 * relationships page by page: time, largest page), the map right after small writes (every answer must be a 200), and
 * the map after a request that changes nothing (it must not rebuild); and,
 * for each phase, the event loop's longest stall (perf_hooks'
 * monitorEventLoopDelay, 10 ms resolution), the server and this client
 * sharing the one loop.
 *
 *   npm run bench:live [-- --partners 100000 --customers 200000 --relationships 1000000 --data-dir DIR]
 *
 * With --data-dir the store is kept there (imported the first time) and any
 * projection snapshot in it is deleted first, so the first map is cold.
 */
import { existsSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { GraphStore } from '../server/store/graph-store.js';
import { openGrafeo, STORE_FILE } from '../server/store/grafeo.js';
import { loadQueries } from '../server/store/queries.js';
import { importBundle } from '../server/import/import-bundle.js';
import { readBundleInput } from '../server/import/read-input.js';
import { generatedBundleArgs, generatedBundleFile } from './generated-bundle.js';

const values = generatedBundleArgs({ 'data-dir': { type: 'string' } });
const dataDir = values['data-dir'] ?? path.join(tmpdir(), `ecograph-bench-live-${process.pid}`);
const seconds = (since: number) => (performance.now() - since) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** The longest event-loop stall from now to the call of the returned function, in ms. */
function stalls(): () => number {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return () => {
    histogram.disable();
    return Math.round(histogram.max / 1e6);
  };
}

let started = performance.now();
const fresh = !existsSync(path.join(dataDir, STORE_FILE));
const store = new GraphStore(await openGrafeo(dataDir, loadQueries()));
if (fresh) {
  const report = await importBundle(store, await readBundleInput(generatedBundleFile(values)), { batchRows: 5000 });
  console.log(`imported ${Object.values(report.written).reduce((a, b) => a + b, 0).toLocaleString('en')} rows in ${seconds(started).toFixed(1)} s`);
}
rmSync(path.join(dataDir, 'projection.snapshot'), { force: true });

started = performance.now();
const partners = (await store.entitiesForProjection()).partners.map((p) => p.id);
const entitiesRead = seconds(started);
started = performance.now();
let rows = 0;
let largest = 0;
for await (const page of store.relationshipsForProjection(partners)) {
  rows += page.length;
  largest = Math.max(largest, page.length);
}
const pagedRead = seconds(started);
await store.close();

const app = await buildApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, SEED: 'none', LOG_LEVEL: 'warn', RATE_LIMIT: String(Number.MAX_SAFE_INTEGER) }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
const send = (method: string, route: string, body?: unknown) =>
  fetch(url + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
const timedMap = async (query = '') => {
  const t = performance.now();
  const response = await send('GET', `/api/map${query}`);
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - t };
};

started = performance.now();
let stall = stalls();
const first = await timedMap();
const firstMap = seconds(started);
const firstStall = stall();
started = performance.now();
stall = stalls();
await app.projection.settled();
const settling = { seconds: seconds(started), stall: stall() };
stall = stalls();

const latencies: number[] = [];
const statuses: number[] = [];
for (let i = 0; i < 10; i++) {
  const id = `p-bench-live-${process.pid}-${i}`;
  const created = await send('POST', '/api/partners', { id, name: id, types: ['service'] });
  if (created.status !== 201) throw new Error(`POST /api/partners: ${created.status}`);
  const linked = await send('PUT', '/api/relationships', { from: id, to: partners[0], type: 'IMPLEMENTS' });
  if (linked.status !== 200) throw new Error(`PUT /api/relationships: ${linked.status}`);
  for (const query of ['', `?focus=${id}`]) {
    const { status, ms } = await timedMap(query);
    statuses.push(status);
    latencies.push(ms);
  }
}
const writesStall = stall();
started = performance.now();
stall = stalls();
await app.projection.settled();
const resettling = { seconds: seconds(started), stall: stall() };
const steady = (await timedMap()).ms;
const noChange = (await send('DELETE', '/api/partners/p-does-not-exist')).status;
const afterNoChange = (await timedMap()).ms;

console.table({
  'read of partners, customers and the catalogue, seconds': entitiesRead.toFixed(1),
  'paged read of the relationships, seconds': pagedRead.toFixed(1),
  'relationships read / largest page': `${rows.toLocaleString('en')} / ${largest.toLocaleString('en')}`,
  'first map (rebuild + derive), seconds': `${firstMap.toFixed(1)} (status ${first.status})`,
  '  longest event-loop stall during the first map, ms': firstStall,
  'then layout and snapshot in the background, seconds': settling.seconds.toFixed(1),
  '  longest event-loop stall during layout and snapshot, ms': settling.stall,
  'maps right after a write: statuses': [...new Set(statuses)].join(', '),
  'maps right after a write: median / max ms': `${Math.round(median(latencies))} / ${Math.round(Math.max(...latencies))}`,
  '  longest event-loop stall over the 10 rounds, ms': writesStall,
  'then metrics, layout, snapshot of the last version, seconds': resettling.seconds.toFixed(1),
  '  longest event-loop stall during metrics, layout, snapshot, ms': resettling.stall,
  'map with nothing changed, ms': Math.round(steady),
  [`map after a DELETE of an unknown id (${noChange}), ms`]: Math.round(afterNoChange),
  'peak RSS, MB': Math.round(process.resourceUsage().maxRSS / 1024),
});
await app.close();
if (values['data-dir'] === undefined) rmSync(dataDir, { recursive: true, force: true });
