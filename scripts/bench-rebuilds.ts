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
 *   store, or read from the store).
 *
 *   npm run bench:rebuilds -- --data-dir DIR [--settle 25]
 *
 * `--settle`: seconds to wait after the first map (the restore and the
 * programme's warm-up end meanwhile). Prints each step's seconds and how many
 * times the projection was built, and from what.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, settle: { type: 'string', default: '25' } } });
if (values['data-dir'] === undefined) throw new Error('bench-rebuilds: --data-dir DIR (an embedded store with its snapshot)');
const source = values['data-dir'];
const settle = Number(values.settle) * 1000;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2);
let port = 4500 + (process.pid % 400);

interface Server {
  url: string;
  /** the projection's builds so far, as the server logged them: "store" or "snapshot" each */
  builds: string[];
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
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const entry = JSON.parse(line) as { msg: string; from?: string };
    if (entry.msg === 'projection built') builds.push(entry.from!);
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
    builds,
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

/** A fresh copy of the store for one scenario. */
function copy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecograph-bench-rebuilds-'));
  cpSync(source, dir, { recursive: true });
  return dir;
}

const rows: Record<string, Record<string, string>> = {};
console.log(`load average at the start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

{
  const dir = copy();
  const server = await start(dir, { map: true });
  await wait(settle);
  const defined = await timed(`${server.url}/api/programs/tracks/bench-track`, json('PUT', { name: 'Bench Track', tiers: [] }));
  const mapAfterDefined = await timed(`${server.url}/api/map`);
  const removed = await timed(`${server.url}/api/programs/tracks/bench-track`, { method: 'DELETE' });
  const mapAfterRemoved = await timed(`${server.url}/api/map`);
  rows['track defined, then the map'] = { 'write, s': defined.seconds, 'then, s': mapAfterDefined.seconds, status: `${defined.status}, ${mapAfterDefined.status}`, builds: server.builds.join(' ') };
  rows['track taken out, then the map'] = { 'write, s': removed.seconds, 'then, s': mapAfterRemoved.seconds, status: `${removed.status}, ${mapAfterRemoved.status}`, builds: server.builds.join(' ') };
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

{
  const dir = copy();
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
  rmSync(dir, { recursive: true, force: true });
}

{
  const dir = copy();
  let server = await start(dir, { map: true });
  await wait(settle);
  const fromStore = await timed(`${server.url}/api/export`);
  const fromFile = await timed(`${server.url}/api/export`);
  const { items } = (await (await fetch(`${server.url}/api/partners?limit=1`)).json()) as { items: Array<Record<string, unknown> & { id: string; name: string }> };
  const { id, ...partner } = items[0]!;
  const renamed = await timed(`${server.url}/api/partners/${id}`, json('PUT', { ...partner, name: `${partner.name} (renamed ${Date.now()})` }));
  await server.stop();
  server = await start(dir, { map: true });
  await wait(settle);
  const afterRestart = await timed(`${server.url}/api/export`);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  rows['export: from the store, then from its file'] = { 'write, s': '-', 'then, s': `${fromStore.seconds}, ${fromFile.seconds} (${mb(fromStore.bytes)})`, status: `${fromStore.status}, ${fromFile.status}`, builds: '' };
  rows['partner renamed, server restarted, then the export'] = { 'write, s': renamed.seconds, 'then, s': afterRestart.seconds, status: `${renamed.status}, ${afterRestart.status}`, builds: server.builds.join(' ') };
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.table(rows);
console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
