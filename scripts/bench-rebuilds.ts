/**
 * Writes that used to make a server read the whole store again, each timed
 * on the real server (`server/server.ts`, a process of its own) over a fresh
 * copy of DIR, an embedded store with its snapshot (at 100,000 partners a
 * copy of the one `bench:cold-start` left):
 *
 * - a programme track defined, then taken out, each followed by the map;
 * - a partner written while the projection is read from the store (the
 *   snapshot removed first), then the map focused on it;
 * - the export, a partner renamed, the server stopped and started again,
 *   then the export (brought forward through the change log kept beside the
 *   store, or read from the store);
 * - a partner renamed, then a partner added, each followed by the map and
 *   `--watch` seconds of the server's CPU time (its event loop's thread
 *   apart: /proc) and the metrics derivations it logged: a write of
 *   attributes alone changes no metric;
 * - the gaps, first from the metrics restored with the snapshot, then after a
 *   partner added once the metrics are derived again, each with the event
 *   loop's CPU time while it was computed (the structural part walks the
 *   whole graph).
 *
 *   npm run bench:rebuilds -- --data-dir DIR [--settle 25] [--watch 45] [--only tracks,during-read,export,metrics,gaps]
 *
 * `--settle`: seconds to wait after the first map (the restore and the
 * programme's warm-up end meanwhile). Prints each step's seconds and how many
 * times the projection was built, and from what.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, settle: { type: 'string', default: '25' }, watch: { type: 'string', default: '45' }, only: { type: 'string', default: 'tracks,during-read,export,metrics,gaps' } },
});
if (values['data-dir'] === undefined) throw new Error('bench-rebuilds: --data-dir DIR (an embedded store with its snapshot)');
const source = values['data-dir'];
const settle = Number(values.settle) * 1000;
const scenarios = new Set(values.only.split(','));

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2);
let port = 4500 + (process.pid % 400);

interface Server {
  url: string;
  pid: number;
  /** the projection's builds so far, as the server logged them: "store" or "snapshot" each */
  builds: string[];
  /** the metrics derivations so far, in ms each, as the server logged them */
  derivations: number[];
  stop(): Promise<void>;
}

/** Starts the server on `dir`; resolves once it listens, or once its map answers when `map` is set. */
async function start(dir: string, { map }: { map: boolean }): Promise<Server> {
  port++;
  const child = spawn(process.execPath, ['--import', 'tsx', '--max-old-space-size=8192', 'server/server.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, SEED: 'none', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const builds: string[] = [];
  const derivations: number[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const entry = JSON.parse(line) as { msg: string; from?: string; ms?: number };
    if (entry.msg === 'projection built') builds.push(entry.from!);
    if (entry.msg === 'metrics derived') derivations.push(entry.ms!);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const answer = await fetch(`${url}${map ? '/api/map' : '/api/health'}`).catch(() => undefined);
    if (answer?.status === 200) {
      await answer.arrayBuffer();
      break;
    }
    await wait(100);
  }
  return {
    url,
    pid: child.pid!,
    builds,
    derivations,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function timed(url: string, init?: RequestInit): Promise<{ status: number; seconds: string; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  const bytes = (await response.arrayBuffer()).byteLength;
  return { status: response.status, seconds: seconds(started), bytes };
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Runs one scenario on a fresh copy of the store, removed afterwards. */
async function onACopy(scenario: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecograph-bench-rebuilds-'));
  cpSync(source, dir, { recursive: true });
  try {
    await scenario(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first stored partner, as the API lists it: its id, and the rest as a PUT takes it. */
async function firstPartner(url: string): Promise<{ id: string; partner: Record<string, unknown> & { name: string } }> {
  const { items } = (await (await fetch(`${url}/api/partners?limit=1`)).json()) as { items: Array<Record<string, unknown> & { id: string; name: string }> };
  const { id, ...partner } = items[0]!;
  return { id, partner };
}

/** A new partner with no relationship: a change of topology, so the metrics are derived again. */
const addPartner = (url: string) => timed(`${url}/api/partners`, json('POST', { id: `p-bench-rebuilds-${Date.now()}`, name: 'Added Partner', types: ['service'] }));

/** CPU seconds of a process (every thread) and of its main thread (the event loop), from /proc: user and system time in clock ticks (100 a second). */
function cpuSeconds(pid: number): { all: number; loop: number } {
  const ticks = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return { all: ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')), loop: ticks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')) };
}

const rows: Record<string, Record<string, string>> = {};
console.log(`load average at the start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

if (scenarios.has('metrics')) {
  await onACopy(async (dir) => {
    const server = await start(dir, { map: true });
    await wait(settle);
    const { id, partner } = await firstPartner(server.url);
    const writes: Array<[string, () => Promise<{ status: number; seconds: string }>]> = [
      ['partner renamed, then the map', () => timed(`${server.url}/api/partners/${id}`, json('PUT', { ...partner, name: `${partner.name} (renamed)` }))],
      ['partner added, then the map', () => addPartner(server.url)],
    ];
    for (const [name, write] of writes) {
      const before = cpuSeconds(server.pid);
      const derived = server.derivations.length;
      const written = await write();
      const map = await timed(`${server.url}/api/map`);
      await wait(Number(values.watch) * 1000);
      const after = cpuSeconds(server.pid);
      rows[name] = {
        'write, s': written.seconds,
        'then, s': `${map.seconds}; in ${values.watch} s: CPU ${(after.all - before.all).toFixed(1)} s, event loop ${(after.loop - before.loop).toFixed(1)} s, derivations ${server.derivations.slice(derived).map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ') || 'none'}`,
        status: `${written.status}, ${map.status}`,
        builds: server.builds.join(' '),
      };
    }
    await server.stop();
  });
}

if (scenarios.has('gaps')) {
  await onACopy(async (dir) => {
    const server = await start(dir, { map: true });
    await wait(settle);
    const gapsWithLoop = async () => {
      const before = cpuSeconds(server.pid);
      const answer = await timed(`${server.url}/api/gaps`);
      return { ...answer, loop: (cpuSeconds(server.pid).loop - before.loop).toFixed(1) };
    };
    const restored = await gapsWithLoop();
    rows['gaps, first after the restore'] = { 'write, s': '-', 'then, s': `${restored.seconds} (event loop ${restored.loop} s)`, status: String(restored.status), builds: server.builds.join(' ') };
    const derived = server.derivations.length;
    const added = await addPartner(server.url);
    // The map asks for the new version's metrics; the gaps are asked once they are derived.
    await timed(`${server.url}/api/map`);
    while (server.derivations.length === derived) await wait(250);
    const after = await gapsWithLoop();
    rows['partner added, metrics derived, then the gaps'] = { 'write, s': added.seconds, 'then, s': `${after.seconds} (event loop ${after.loop} s)`, status: `${added.status}, ${after.status}`, builds: server.builds.join(' ') };
    await server.stop();
  });
}

if (scenarios.has('tracks')) {
  await onACopy(async (dir) => {
    const server = await start(dir, { map: true });
    await wait(settle);
    const defined = await timed(`${server.url}/api/programs/tracks/bench-track`, json('PUT', { name: 'Bench Track', tiers: [] }));
    const mapAfterDefined = await timed(`${server.url}/api/map`);
    const removed = await timed(`${server.url}/api/programs/tracks/bench-track`, { method: 'DELETE' });
    const mapAfterRemoved = await timed(`${server.url}/api/map`);
    rows['track defined, then the map'] = { 'write, s': defined.seconds, 'then, s': mapAfterDefined.seconds, status: `${defined.status}, ${mapAfterDefined.status}`, builds: server.builds.join(' ') };
    rows['track taken out, then the map'] = { 'write, s': removed.seconds, 'then, s': mapAfterRemoved.seconds, status: `${removed.status}, ${mapAfterRemoved.status}`, builds: server.builds.join(' ') };
    await server.stop();
  });
}

if (scenarios.has('during-read')) {
  await onACopy(async (dir) => {
    rmSync(path.join(dir, 'projection.snapshot'), { force: true });
    const started = performance.now();
    const server = await start(dir, { map: false });
    // The projection is read from the store meanwhile (tens of seconds at 100,000 partners).
    await wait(8000);
    const id = `p-bench-rebuilds-${Date.now()}`;
    const written = await timed(`${server.url}/api/partners`, json('POST', { id, name: 'Written During The Read', types: ['service'] }));
    const focused = await timed(`${server.url}/api/map?focus=${id}`);
    rows['partner written during the read of the store, then the map on it'] = {
      'write, s': written.seconds,
      'then, s': `${focused.seconds} (${seconds(started)} from spawn)`,
      status: `${written.status}, ${focused.status}`,
      builds: server.builds.join(' '),
    };
    await server.stop();
  });
}

if (scenarios.has('export')) {
  await onACopy(async (dir) => {
    let server = await start(dir, { map: true });
    await wait(settle);
    const fromStore = await timed(`${server.url}/api/export`);
    const fromFile = await timed(`${server.url}/api/export`);
    const { id, partner } = await firstPartner(server.url);
    const renamed = await timed(`${server.url}/api/partners/${id}`, json('PUT', { ...partner, name: `${partner.name} (renamed ${Date.now()})` }));
    await server.stop();
    server = await start(dir, { map: true });
    await wait(settle);
    const afterRestart = await timed(`${server.url}/api/export`);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    rows['export: from the store, then from its file'] = { 'write, s': '-', 'then, s': `${fromStore.seconds}, ${fromFile.seconds} (${mb(fromStore.bytes)})`, status: `${fromStore.status}, ${fromFile.status}`, builds: '' };
    rows['partner renamed, server restarted, then the export'] = { 'write, s': renamed.seconds, 'then, s': afterRestart.seconds, status: `${renamed.status}, ${afterRestart.status}`, builds: server.builds.join(' ') };
    await server.stop();
  });
}

console.table(rows);
console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
