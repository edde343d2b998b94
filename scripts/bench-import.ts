/**
 * Import benchmark: imports the 100,000-partner ecosystem (generated unless
 * given a bundle) into a fresh store in committed batches, and prints rows/s
 * and peak memory; then times what a server does when the store changes (read
 * the store for the projection, project it) and a full export as GET
 * /api/export streams it. On the embedded store, on Neo4j, or both (the
 * default; Neo4j when NEO4J_URI is set, and only into an empty database).
 *
 * With --profile, also prints where the import's time went: each statement's
 * total time, calls and rows, the lookups before the writes, and the commits.
 *
 *   npm run bench:import [-- --store both|grafeo|neo4j --partners 100000 --customers 200000 --relationships 1000000 --batch 5000 --bundle file.json --profile]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config.js';
import type { Executor } from '../server/store/executor.js';
import { GraphStore } from '../server/store/graph-store.js';
import { openGrafeo } from '../server/store/grafeo.js';
import { openNeo4j } from '../server/store/neo4j.js';
import { loadQueries } from '../server/store/queries.js';
import { bundleJson } from '../server/import/export-json.js';
import { importBundle } from '../server/import/import-bundle.js';
import { readBundleInput } from '../server/import/read-input.js';
import { projectBundle } from '../server/projection/from-bundle.js';
import { generatedBundleArgs, generatedBundleFile } from './generated-bundle.js';

const values = generatedBundleArgs({
  batch: { type: 'string', default: '5000' },
  bundle: { type: 'string' },
  store: { type: 'string', default: 'both' },
  profile: { type: 'boolean', default: false },
}) as ReturnType<typeof generatedBundleArgs> & { profile: boolean };
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`;
const nodePeakRss = () => process.resourceUsage().maxRSS * 1024;
const bundlePath = values.bundle ?? generatedBundleFile(values);
/** The Neo4j of NEO4J_URI, with the credentials' documented defaults (the configuration's). */
const neo4j = loadConfig().neo4j;
const neo4jUri = neo4j?.uri;

/** The JVM serving the Bolt port of NEO4J_URI, found by its listening socket. */
function jvmPid(): number | undefined {
  const port = neo4jUri === undefined ? undefined : new URL(neo4jUri).port || '7687';
  try {
    const listening = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    return Number(/pid=(\d+)/.exec(listening)?.[1]) || undefined;
  } catch {
    return undefined;
  }
}

/** The JVM's peak resident memory since it started (VmHWM). */
function jvmPeakRss(pid: number | undefined): string {
  if (pid === undefined) return 'n/a (JVM not found)';
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb === undefined ? 'n/a' : mb(Number(kb) * 1024);
}

interface Spent {
  ms: number;
  cpuMs: number;
  calls: number;
  rows: number;
}

/**
 * CPU time used so far by this process (all its threads, the embedded
 * engine's included) and by Neo4j's JVM: on a shared machine wall time
 * measures the neighbours too, CPU time does not.
 */
function cpuMs(jvm: number | undefined): number {
  const { user, system } = process.cpuUsage();
  let ms = (user + system) / 1000;
  if (jvm !== undefined) {
    // /proc/<pid>/stat: utime and stime are fields 14 and 15, in clock ticks (100 a second), counted after the command's ")".
    const fields = readFileSync(`/proc/${jvm}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ms += (Number(fields[11]) + Number(fields[12])) * 10;
  }
  return ms;
}

/**
 * The executor, timed: each statement run in a write (by name), each read,
 * and each commit (the write's time after its work resolved). Rows are the
 * length of the statement's `rows` or `ids` parameter.
 */
function profiled(executor: Executor, spent: Map<string, Spent>, jvm: number | undefined): Executor {
  const clock = () => ({ wall: performance.now(), cpu: cpuMs(jvm) });
  const add = (name: string, since: { wall: number; cpu: number }, rows: number) => {
    const now = clock();
    const s = spent.get(name) ?? { ms: 0, cpuMs: 0, calls: 0, rows: 0 };
    s.ms += now.wall - since.wall;
    s.cpuMs += now.cpu - since.cpu;
    s.calls += 1;
    s.rows += rows;
    spent.set(name, s);
  };
  const rowsOf = (params: Record<string, unknown> = {}) => (Array.isArray(params.rows) ? params.rows.length : Array.isArray(params.ids) ? params.ids.length : 0);
  return {
    kind: executor.kind,
    close: () => executor.close(),
    read: async (query, params, options) => {
      const t = clock();
      try {
        return await executor.read(query, params, options);
      } finally {
        add(`read ${query}`, t, rowsOf(params));
      }
    },
    write: async (work) => {
      let workDone = clock();
      const t = clock();
      const result = await executor.write(async (tx) => {
        const value = await work({
          run: async (query, params) => {
            const s = clock();
            try {
              return await tx.run(query, params);
            } finally {
              add(query, s, rowsOf(params));
            }
          },
        });
        workDone = clock();
        return value;
      });
      add('(commit)', workDone, 0);
      add('(whole write transactions)', t, 0);
      return result;
    },
  };
}

function printProfile(spent: Map<string, Spent>, seconds: number): void {
  const table: Record<string, Record<string, string>> = {};
  const inStore = [...spent].filter(([name]) => name === '(whole write transactions)' || name.startsWith('read ')).reduce((ms, [, s]) => ms + s.ms, 0);
  spent.set('(outside the store: parse, check, resolve, plan)', { ms: seconds * 1000 - inStore, cpuMs: 0, calls: 1, rows: 0 });
  for (const [name, s] of [...spent].sort((a, b) => b[1].ms - a[1].ms)) {
    table[name] = {
      seconds: (s.ms / 1000).toFixed(2),
      share: `${((s.ms / 1000 / seconds) * 100).toFixed(1)}%`,
      'CPU seconds': (s.cpuMs / 1000).toFixed(2),
      calls: String(s.calls),
      rows: s.rows.toLocaleString('en'),
      'µs/row': s.rows > 0 ? ((s.ms * 1000) / s.rows).toFixed(1) : '',
      'CPU µs/row': s.rows > 0 ? ((s.cpuMs * 1000) / s.rows).toFixed(1) : '',
    };
  }
  console.log(`\nwhere the import's ${seconds.toFixed(1)} s went (statements within write transactions, reads, commits; CPU of Node and of Neo4j's JVM)`);
  console.table(table);
}

let started = performance.now();
const input = (await readBundleInput(bundlePath)) as Record<string, unknown[]>;
const rowsIn = Object.values(input).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
console.log(`read ${rowsIn.toLocaleString('en')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const rowsWrittenOf = (report: { written: Record<string, number> }) => Object.values(report.written).reduce((a, b) => a + b, 0);

async function run(kind: 'grafeo' | 'neo4j'): Promise<Record<string, string>> {
  const dataDir = path.join(tmpdir(), `ecograph-bench-store-${process.pid}`);
  const executor =
    kind === 'grafeo'
      ? await openGrafeo(dataDir, loadQueries())
      : await openNeo4j(neo4j!, loadQueries());
  const spent = new Map<string, Spent>();
  const store = new GraphStore(values.profile ? profiled(executor, spent, kind === 'neo4j' ? jvmPid() : undefined) : executor);
  try {
    if ((await store.counts()).partners > 0) throw new Error(`bench-import: the ${kind} store at ${neo4jUri} is not empty; point NEO4J_URI at an empty database`);
    console.log(`\nimporting into ${kind} …`);
    started = performance.now();
    let lastReport = started;
    const report = await importBundle(store, input, {
      batchRows: Number(values.batch),
      onProgress: (done, total) => {
        const now = performance.now();
        if (now - lastReport > 10_000 || done === total) {
          lastReport = now;
          console.log(`  ${done.toLocaleString('en')}/${total.toLocaleString('en')} rows, ${Math.round(done / ((now - started) / 1000)).toLocaleString('en')} rows/s, rss ${mb(process.memoryUsage().rss)}`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const counts = await store.counts();
    if (values.profile) {
      // The profile is of the import alone.
      printProfile(spent, seconds);
      return { 'rows written': rowsWrittenOf(report).toLocaleString('en'), 'import seconds': seconds.toFixed(1), 'rows/s': Math.round(rowsWrittenOf(report) / seconds).toLocaleString('en') };
    }

    // What the server does when the store's version moves: read the store, project it; and a full export as the API streams it.
    started = performance.now();
    const source = await store.readForProjection();
    const readSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const { graph } = projectBundle(source);
    const projectSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    let bytes = 0;
    for await (const chunk of bundleJson(store)) bytes += Buffer.byteLength(chunk);
    const exportSeconds = (performance.now() - started) / 1000;

    const rowsWritten = rowsWrittenOf(report);
    return {
      'rows written': rowsWritten.toLocaleString('en'),
      'bad rows': String(report.errors.length),
      'store relationships (incl. memberships)': counts.relationships.toLocaleString('en'),
      'import seconds (validate + resolve + write)': seconds.toFixed(1),
      'rows/s': Math.round(rowsWritten / seconds).toLocaleString('en'),
      'read for the projection, seconds': readSeconds.toFixed(1),
      'project (→ graphology), seconds': projectSeconds.toFixed(1),
      graph: `${graph.order.toLocaleString('en')} nodes, ${graph.size.toLocaleString('en')} edges`,
      'full export streamed (GET /api/export), seconds': exportSeconds.toFixed(1),
      'export size': mb(bytes),
      'Node peak RSS so far': mb(nodePeakRss()),
      'JVM peak RSS': kind === 'neo4j' ? jvmPeakRss(jvmPid()) : '-',
      'load average (1, 5, 15 min)': loadavg().map((l) => l.toFixed(1)).join(', '),
    };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const kinds = values.store === 'both' ? (['grafeo', 'neo4j'] as const) : ([values.store] as Array<'grafeo' | 'neo4j'>);
const results: Record<string, Record<string, string>> = {};
for (const kind of kinds) {
  if (kind === 'neo4j' && neo4jUri === undefined) {
    console.log('\nneo4j: skipped: set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) to an empty database');
    continue;
  }
  results[kind] = await run(kind);
  // Each store's figures as soon as they are known: the next store's run is long.
  console.log(`\n${kind}: ${JSON.stringify(results[kind])}`);
}
console.log(`\nimport in batches of ${values.batch} rows into a fresh store, then a projection read and a streamed export`);
console.table(results);
