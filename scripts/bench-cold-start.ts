/**
 * Cold-start benchmark: the real server (`server/server.ts`, a process of its
 * own) started on a store that already holds an ecosystem, timed from spawn
 * to its first `GET /api/map` answer. First without a snapshot (the store is
 * read and the metrics derived), then, once that server has saved its
 * snapshot and stopped, again (the snapshot is read); then, after a partner
 * written and that server stopped at once (it saves its projection as it
 * stops: the stop is timed), again; and a server on an empty store as the floor. Prints seconds per start and the longest wait of
 * a probe (a request for an unknown route, answered by the event loop alone,
 * sent again as soon as answered) meanwhile: the server's longest stall.
 *
 *   npm run bench:cold-start -- --data-dir DIR [--bundle file.json] [--warm-only] [--verbose] [--profile DIR] [--trace-gc]
 *
 * DIR keeps the embedded store between runs (imported from --bundle, the
 * 100,000-partner ecosystem by default, when missing); its snapshot is deleted
 * first so that the first start is really cold (`--warm-only` keeps the
 * snapshot a former run left and times the start from it alone). A server restarted from its
 * snapshot answers the overview from the snapshot's early answers while the
 * graph is still rebuilt: the time until the whole projection is restored
 * (what any other analytic waits for) is printed too, and the probe runs
 * through it. `--verbose` prints the server's log messages and every probe
 * that waited over 50 ms, with the seconds since spawn: what ran meanwhile;
 * `--profile DIR` writes each server's CPU profile there (`--cpu-prof`);
 * `--trace-gc` prints the server's collections that held it over 20 ms.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { importBundle } from '../server/import/import-bundle.js';
import { readBundleInput } from '../server/import/read-input.js';
import { STORE_FILE } from '../server/store/grafeo.js';
import { openStore } from '../server/store/index.js';
import { generatedBundleFile } from './generated-bundle.js';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, bundle: { type: 'string' }, 'warm-only': { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false }, profile: { type: 'string' }, 'trace-gc': { type: 'boolean', default: false } } });
const dataDir = values['data-dir'] ?? path.join(tmpdir(), 'ecograph-bench-cold-start-store');
const bundlePath = values.bundle ?? generatedBundleFile({ partners: '100000', customers: '200000', relationships: '1000000', seed: '42' });

if (!existsSync(path.join(dataDir, STORE_FILE))) {
  console.log(`importing ${bundlePath} into ${dataDir} …`);
  const store = await openStore(loadConfig({ DATA_DIR: dataDir, SEED: 'none' }));
  await importBundle(store, await readBundleInput(bundlePath), { batchRows: 5000 });
  await store.close();
}

interface Start {
  url: string;
  /** seconds from spawn to the first 200 of /api/map */
  map: number;
  from?: string;
  /** longest wait of a probe so far, ms */
  stall: number;
  stop: () => Promise<void>;
  /** resolves when the server logs `message` (at once if it has), with the seconds from spawn */
  logged: (message: string) => Promise<number>;
}

let port = 3900 + (process.pid % 1000);
async function start(dir: string): Promise<Start> {
  port++;
  const started = performance.now();
  const profile = values.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${values.profile}`];
  const traceGc = values['trace-gc'] ? ['--trace-gc'] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', '--max-old-space-size=8192', ...profile, ...traceGc, 'server/server.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, SEED: 'none', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const waiting = new Map<string, (seconds: number) => void>();
  const seen = new Map<string, number>();
  const result = { stall: 0, from: undefined as string | undefined };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    // --trace-gc: "[pid:isolate] t ms: Scavenge … MB, 12.3 / 0.0 ms …"
    const pause = /^\[.*?ms: (.*?), ([\d.]+) \/ [\d.]+ ms/.exec(line);
    if (pause !== null && Number(pause[2]) > 20) console.log(`  ${((performance.now() - started) / 1000).toFixed(2)} s: ${pause[1]} ${pause[2]} ms${line.includes('since start of marking') ? ` (${/\+ ([\d.]+ ms in \d+ steps)/.exec(line)?.[1] ?? ''} of marking before)` : ''}`);
    if (!line.startsWith('{')) return;
    const entry = JSON.parse(line) as { msg: string; from?: string };
    const at = (performance.now() - started) / 1000;
    if (values.verbose && !/^(incoming request|request completed)$/.test(entry.msg)) console.log(`  ${at.toFixed(2)} s: ${entry.msg}`);
    if (!seen.has(entry.msg)) seen.set(entry.msg, at);
    if (entry.msg === 'projection built') result.from = entry.from;
    for (const [message, resolve] of waiting) if (entry.msg === message) resolve(at);
  });
  let running = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => (running = false));
  const probe = async () => {
    while (running) {
      const sent = performance.now();
      const answer = await fetch(`http://127.0.0.1:${port}/api/probe-unknown-route`).catch(() => undefined);
      if (answer === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      else {
        await answer.arrayBuffer();
        const waited = performance.now() - sent;
        if (values.verbose && waited > 50) console.log(`  ${((performance.now() - started) / 1000).toFixed(2)} s: the probe waited ${Math.round(waited)} ms`);
        result.stall = Math.max(result.stall, waited);
      }
    }
  };
  for (;;) {
    const answer = await fetch(`http://127.0.0.1:${port}/api/map`).catch(() => undefined);
    if (answer?.status === 200) {
      await answer.arrayBuffer();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const map = (performance.now() - started) / 1000;
  void probe();
  return {
    url: `http://127.0.0.1:${port}`,
    map,
    get from() {
      return result.from;
    },
    get stall() {
      return Math.round(result.stall);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    logged: (message) => (seen.has(message) ? Promise.resolve(seen.get(message)!) : new Promise((resolve) => waiting.set(message, resolve))),
  };
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`load average at the start: ${load()}`);
let cold: Start | undefined;
let coldStall = 0;
if (!values['warm-only']) {
  rmSync(path.join(dataDir, 'projection.snapshot'), { force: true });
  cold = await start(dataDir);
  console.log(`cold (from the ${cold.from}): first map after ${cold.map.toFixed(1)} s; waiting for the snapshot …`);
  await cold.logged('projection snapshot saved');
  coldStall = cold.stall;
  await cold.stop();
}

const warm = await start(dataDir);
const restored = await warm.logged('projection built');
await new Promise((resolve) => setTimeout(resolve, 5000));
const warmStall = warm.stall;
// A write, and the server stopped at once: it saves its projection as it stops, so the next start is warm too.
const written = await fetch(`${warm.url}/api/partners`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ id: `p-cold-start-${Date.now()}`, name: `Cold Start ${Date.now()}`, types: ['service'] }),
});
if (written.status !== 201) throw new Error(`the write before the stop answered ${written.status}`);
const stopping = performance.now();
await warm.stop();
const stopped = (performance.now() - stopping) / 1000;
const afterWrite = await start(dataDir);
const afterWriteRestored = await afterWrite.logged('projection built');
await afterWrite.stop();

const emptyDir = mkdtempSync(path.join(tmpdir(), 'ecograph-bench-cold-empty-'));
const empty = await start(emptyDir);
await empty.stop();
rmSync(emptyDir, { recursive: true, force: true });

console.table({
  ...(cold === undefined ? {} : { 'store read, metrics derived': { 'first map, s': cold.map.toFixed(1), from: cold.from, 'longest stall until the snapshot was saved, ms': coldStall } }),
  'from the snapshot': { 'first map, s': warm.map.toFixed(1), from: warm.from, 'projection restored, s': restored.toFixed(1), 'longest stall until 5 s after the restore, ms': warmStall },
  [`after a write and a stop of ${stopped.toFixed(1)} s`]: { 'first map, s': afterWrite.map.toFixed(1), from: afterWrite.from, 'projection restored, s': afterWriteRestored.toFixed(1) },
  'empty store': { 'first map, s': empty.map.toFixed(1), from: empty.from },
});
console.log(`load average at the end: ${load()}`);
