/**
 * Restores a projection snapshot in this process as a restarted server does
 * (`loadSnapshot`, then the map's index), and prints how long each part took,
 * the event loop's stalls meanwhile (a timer every 2 ms: every gap over
 * 50 ms, and the longest), and the heap the restored state holds after a full
 * collection (the graph, its catalogue, the derived metrics, the map's index).
 *
 *   npm run bench:restore -- DATA_DIR/projection.snapshot
 *
 * Add `--trace-gc` to the node options to see the collections the stalls are
 * made of. The snapshot is the one a server saved beside its store (run
 * `bench:cold-start` once, or start the server and let it settle).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { deserialize } from 'node:v8';
import { prepareMap } from '../server/analytics/map.js';
import { loadSnapshot } from '../server/projection/snapshot.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: bench-restore.ts SNAPSHOT_FILE');
// The header frame names the store and version the snapshot is for: the file's first MB holds it.
const head = Buffer.alloc(1 << 20);
const fd = openSync(file, 'r');
readSync(fd, head, 0, head.length, 0);
closeSync(fd);
const { storeId, version } = deserialize(head.subarray(4, 4 + head.readUInt32LE(0))) as { storeId: string; version: number };

const stalls: number[] = [];
let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  if (now - last > 50) stalls.push(Math.round(now - last));
  last = now;
}, 2);
const started = performance.now();
let early = 0;
const loaded = await loadSnapshot(file, { storeId, version }, () => (early = performance.now() - started));
if (loaded === undefined) throw new Error(`${file}: not a snapshot of the current format`);
const restored = performance.now();
await prepareMap(loaded.projection.graph, loaded.derived);
const prepared = performance.now();
// A little longer, for the collections the restore left behind.
await new Promise((resolve) => setTimeout(resolve, 2000));
clearInterval(timer);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
const ms = (t: number) => `${(t / 1000).toFixed(2)} s`;
console.log(`${loaded.projection.graph.order} nodes, ${loaded.projection.graph.size} edges, ${(statSync(file).size / 2 ** 20).toFixed(0)} MB`);
console.log(`early answers after ${Math.round(early)} ms; loadSnapshot ${ms(restored - started)}; map index ${ms(prepared - restored)}; restored ${ms(prepared - started)}`);
console.log(`stalls over 50 ms: ${stalls.length}, longest ${Math.max(0, ...stalls)} ms`);
const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
console.log(`heap after a full collection: ${(heapUsed / 2 ** 20).toFixed(0)} MB, array buffers ${(arrayBuffers / 2 ** 20).toFixed(0)} MB${gc === undefined ? ' (no --expose-gc: not collected)' : ''}; rss ${(rss / 2 ** 20).toFixed(0)} MB`);
console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
// Keeps the state alive until measured.
void loaded;
