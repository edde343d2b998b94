/**
 * Import benchmark: generates the 100,000-partner ecosystem (unless given a
 * bundle), imports it into a fresh embedded store in committed batches, and
 * prints rows/s, relationships/s and peak memory; then times what a server
 * does when the store changes (read the store, project it) and a full export.
 *
 *   npm run bench:import [-- --partners 100000 --customers 200000 --relationships 1000000 --batch 5000 --bundle file.json]
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphStore } from '../server/store/graph-store.js';
import { openGrafeo } from '../server/store/grafeo.js';
import { loadQueries } from '../server/store/queries.js';
import { importBundle } from '../server/import/import-bundle.js';
import { readBundleInput } from '../server/import/read-input.js';
import { projectBundle } from '../server/projection/from-bundle.js';
import { generatedBundleArgs, generatedBundleFile } from './generated-bundle.js';

const values = generatedBundleArgs({ batch: { type: 'string', default: '5000' }, bundle: { type: 'string' } });
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const bundlePath = values.bundle ?? generatedBundleFile(values);

let started = performance.now();
const input = (await readBundleInput(bundlePath)) as Record<string, unknown[]>;
const readMs = performance.now() - started;
const rowsIn = Object.values(input).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
console.log(`read ${rowsIn.toLocaleString('en')} rows in ${(readMs / 1000).toFixed(1)} s`);

const dataDir = path.join(tmpdir(), `ecograph-bench-store-${process.pid}`);
const store = new GraphStore(await openGrafeo(dataDir, loadQueries()));
started = performance.now();
let lastReport = started;
const report = await importBundle(store, input, {
  batchRows: Number(values.batch),
  onProgress: (done, total) => {
    const now = performance.now();
    if (now - lastReport > 5000 || done === total) {
      lastReport = now;
      console.log(`  ${done.toLocaleString('en')}/${total.toLocaleString('en')} rows, ${Math.round(done / ((now - started) / 1000)).toLocaleString('en')} rows/s, rss ${mb(process.memoryUsage().rss)}`);
    }
  },
});
const seconds = (performance.now() - started) / 1000;
const counts = await store.counts();

// What the server does when the store's version moves: read the store, project it; and a full export.
started = performance.now();
const source = await store.readForProjection();
const readSeconds = (performance.now() - started) / 1000;
started = performance.now();
const { graph } = projectBundle(source);
const projectSeconds = (performance.now() - started) / 1000;
started = performance.now();
await store.exportBundle();
const exportSeconds = (performance.now() - started) / 1000;
await store.close();
rmSync(dataDir, { recursive: true, force: true });

const rowsWritten = Object.values(report.written).reduce((a, b) => a + b, 0);
console.log('\nimport into the embedded store (Grafeo), batches of', values.batch, 'rows');
console.table({
  'rows written': rowsWritten.toLocaleString('en'),
  'bad rows': report.errors.length,
  'store relationships (incl. memberships)': counts.relationships.toLocaleString('en'),
  'seconds (validate + resolve + write)': seconds.toFixed(1),
  'rows/s': Math.round(rowsWritten / seconds).toLocaleString('en'),
  'relationships/s (store edges / s)': Math.round(counts.relationships / seconds).toLocaleString('en'),
  'peak RSS': mb(peakRss()),
});
console.log('\nprojection build from the store, and a full export');
console.table({
  'read for the projection, seconds': readSeconds.toFixed(1),
  'project (→ graphology), seconds': projectSeconds.toFixed(1),
  'full export (GET /api/export), seconds': exportSeconds.toFixed(1),
  'graph': `${graph.order.toLocaleString('en')} nodes, ${graph.size.toLocaleString('en')} edges`,
  'peak RSS': mb(peakRss()),
});
