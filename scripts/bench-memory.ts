/**
 * What holds the memory of the analytics state and of a whole server.
 *
 *   npm run bench:memory [-- --partners 100000 --customers 200000 --relationships 1000000 | --bundle file.json] [-- --snapshot] [-- --state-only]
 *
 * 1. In this process (run with --expose-gc): the generated bundle projected,
 *    then the V8 heap (plus array buffers) measured after a full collection
 *    around each structure a server keeps per version: the graph, its typed
 *    adjacency, the derived metrics, the map's index, the search index.
 *    `--snapshot` also writes a heap snapshot of the state and prints its
 *    largest kinds of object (self size by constructor).
 * 2. A server in a child process over an embedded store imported from the
 *    same bundle (in another child, so that the import's own peak does not
 *    count): its RSS, heap and external memory after the first map and the
 *    derivation and layout it starts have settled, and again once the idle
 *    workers they ran in have ended; then the same for a server restarted on
 *    that store, from the snapshot the first one saved (`--state-only` skips
 *    both).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { constants } from 'node:buffer';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { prepareMap } from '../server/analytics/map.js';
import { adjacencyOf } from '../server/projection/adjacency.js';
import { deriveMetrics } from '../server/projection/derive.js';
import { projectBundle } from '../server/projection/from-bundle.js';
import { searchNodes } from '../server/projection/search.js';
import type { Bundle } from '../server/schemas/bundle.js';
import { generatedBundleArgs, generatedBundleFile } from './generated-bundle.js';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
/** Past run-worker.ts's 10 s an idle worker is kept for. */
const WORKERS_ENDED_MS = 15_000;

const args = generatedBundleArgs({ snapshot: { type: 'boolean', default: false }, 'state-only': { type: 'boolean', default: false }, bundle: { type: 'string' }, phase: { type: 'string' }, 'data-dir': { type: 'string' } });

// --bundle: an existing bundle file instead of the generated one of the given size.
const bundleFile = () => args.bundle ?? generatedBundleFile(args);
if (args.phase === 'import') await importInto(args['data-dir']!, bundleFile());
else if (args.phase === 'serve') await serve(args['data-dir']!);
else await main();

async function main() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('bench-memory: run with node --expose-gc (npm run bench:memory does)');
  // After a turn of the event loop: a synchronous step's frames can keep its garbage (the bundle's text, a
  // build's temporaries) reachable until it returns to the loop, and a collection inside it counts them.
  const used = async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const file = bundleFile();
  const parts: Array<Record<string, string>> = [];
  const before = await used();
  const { graph, catalogue } = projectBundle(JSON.parse(readFileSync(file, 'utf8')) as Bundle);
  let last = before;
  const part = async (name: string, note = '') => {
    const now = await used();
    parts.push({ structure: name, heap: mb(now - last), note });
    console.log(`${name}: ${mb(now - last)}`);
    last = now;
  };
  await part('graph (graphology, attributes, catalogue)', `${graph.order.toLocaleString('en')} nodes, ${graph.size.toLocaleString('en')} edges, ${catalogue.deals.length.toLocaleString('en')} deals`);
  adjacencyOf(graph);
  await part('typed adjacency (PageRank, components, weak points, betweenness)');
  const derived = deriveMetrics(graph, 1);
  await part('derived metrics (communities, PageRank, betweenness, weak points, positions)');
  await prepareMap(graph, derived);
  await part("map index (the map's adjacency, communities and placements)");
  searchNodes(graph, 'warm', 10);
  await part('search index');
  parts.push({ structure: 'analytics state, total', heap: mb(last - before), note: `RSS of this process ${mb(process.memoryUsage().rss)}` });

  if (args.snapshot) {
    const snapshot = v8.writeHeapSnapshot(path.join(tmpdir(), `ecograph-memory-${process.pid}.heapsnapshot`));
    console.log(`heap snapshot: ${snapshot}`);
    // Summarised in-process only while it fits in one string (about 20,000 partners); larger ones are kept for DevTools.
    if (statSync(snapshot).size < constants.MAX_STRING_LENGTH) console.table(largestKinds(snapshot, 15));
    else console.log('too large to summarise here: open it in Chrome DevTools (Memory tab)');
  }
  console.table(parts);
  void derived;
  if (args['state-only']) return;

  // The whole server, in child processes.
  const dataDir = path.join(tmpdir(), `ecograph-bench-memory-${process.pid}`);
  const sizeArgs = ['--partners', args.partners, '--customers', args.customers, '--relationships', args.relationships, '--seed', args.seed, ...(args.bundle === undefined ? [] : ['--bundle', args.bundle])];
  const child = (phase: string) => [...process.execArgv.filter((a) => a !== '--expose-gc'), '--expose-gc', process.argv[1]!, ...sizeArgs, '--phase', phase, '--data-dir', dataDir];
  try {
    execFileSync(process.execPath, child('import'), { stdio: 'inherit' });
    // First cold (the store read whole, metrics derived, the layout made, a snapshot saved), then restarted on the
    // same store, restored from that snapshot as a server restarted in production is.
    const servers: Record<string, Record<string, string>> = {};
    for (const start of ['cold', 'restarted from its snapshot']) {
      const server = spawn(process.execPath, child('serve'), { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      server.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        process.stdout.write(chunk);
      });
      await new Promise((resolve, reject) => server.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`server phase exited with ${code}`)))));
      servers[start] = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, string>;
    }
    // One row a figure, one column a start.
    const starts = Object.keys(servers);
    console.table(Object.fromEntries(Object.keys(servers[starts[0]!]!).map((figure) => [figure, Object.fromEntries(starts.map((start) => [start, servers[start]![figure]]))])));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function importInto(dataDir: string, bundleFile: string) {
  const [{ GraphStore }, { openGrafeo }, { loadQueries }, { importBundle }, { readBundleInput }] = await Promise.all([
    import('../server/store/graph-store.js'),
    import('../server/store/grafeo.js'),
    import('../server/store/queries.js'),
    import('../server/import/import-bundle.js'),
    import('../server/import/read-input.js'),
  ]);
  const started = performance.now();
  const store = new GraphStore(await openGrafeo(dataDir, loadQueries()));
  await importBundle(store, await readBundleInput(bundleFile), { batchRows: 5000 });
  await store.close();
  console.log(`imported into ${dataDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** A server over the store: first map, everything it starts settled, then its memory (last line, JSON). */
async function serve(dataDir: string) {
  const [{ buildApp }, { loadConfig }] = await Promise.all([import('../server/app.js'), import('../server/config.js')]);
  const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED: 'none', LOG_LEVEL: 'warn' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const started = performance.now();
  const response = await fetch(`${url}/api/map`);
  await response.arrayBuffer();
  const firstMap = performance.now() - started;
  // A server restored from its snapshot answers the map from it first and restores the rest meanwhile.
  await app.projection.current();
  await app.projection.settled();
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const figures = {
    'first map': `${(firstMap / 1000).toFixed(1)} s (status ${response.status})`,
    'projection whole, derivation and layout settled after': `${((performance.now() - started) / 1000).toFixed(1)} s`,
    'server RSS': mb(m.rss),
    'V8 heap used': mb(m.heapUsed),
    'V8 heap reserved': mb(m.heapTotal),
    'array buffers': mb(m.arrayBuffers),
    'the rest (native: the embedded store, code, thread stacks)': mb(m.rss - m.heapTotal - m.external),
    'peak RSS': mb(process.resourceUsage().maxRSS * 1024),
  };
  // The deriving and layout workers stay for their next job a while (server/projection/run-worker.ts): the figures
  // above count their heaps; once they have ended, what the server holds for as long as nothing changes.
  await new Promise((resolve) => setTimeout(resolve, WORKERS_ENDED_MS));
  (globalThis as { gc?: () => void }).gc?.();
  const idle = process.memoryUsage();
  Object.assign(figures, {
    [`server RSS once its workers ended (${WORKERS_ENDED_MS / 1000} s later)`]: mb(idle.rss),
    'V8 heap used then': mb(idle.heapUsed),
    'the rest then (native)': mb(idle.rss - idle.heapTotal - idle.external),
  });
  await app.close();
  console.log(JSON.stringify(figures));
}

/** The heap snapshot's largest kinds of object, by total self size. */
function largestKinds(file: string, count: number) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const totals = new Map<string, { bytes: number; objects: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const kind = types[snapshot.nodes[i + type]!]!;
    // Strings are named by their content: group them by kind only.
    const key = kind.includes('string') ? kind : `${kind} ${snapshot.strings[snapshot.nodes[i + name]!]!.slice(0, 50)}`;
    const total = totals.get(key) ?? { bytes: 0, objects: 0 };
    total.bytes += snapshot.nodes[i + size]!;
    total.objects++;
    totals.set(key, total);
  }
  rmSync(file);
  return [...totals]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, count)
    .map(([kind, { bytes, objects }]) => ({ kind, size: mb(bytes), objects: objects.toLocaleString('en') }));
}


