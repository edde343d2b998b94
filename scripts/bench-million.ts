/**
 * A million partners end to end, each step a process of its own as a user
 * would run it (run it under `flock /tmp/ecograph-bench.lock`):
 *
 *   npm run bench:million [-- --bundle FILE --data-dir DIR --skip-import --follow-pid PID --window ROWS --heap MB --until HH:MM]
 *
 * 1. The bundle (`seeds/generate.ts --partners 1000000 --customers 2000000
 *    --relationships 10000000 --seed 42`, written to --bundle when missing).
 *    With --follow-pid the file is still being written by that process: it is
 *    read as it grows, until that process has ended.
 * 2. The import CLI (`server/import/cli.ts -`) reads it on standard input,
 *    window by window, into a fresh embedded store in --data-dir, or into the
 *    Neo4j at NEO4J_URI (an empty database; --jvm-pid samples its JVM too).
 * 3. The real server (`server/server.ts`) starts on that store: the time to
 *    its first `GET /api/map`, until the projection is built and the metrics
 *    derived (its log), then `/api/map` at the default budget, `/api/gaps`,
 *    a few partners' introductions and a deal team, each timed as a client sees it.
 *
 * Every process's peak RSS is sampled from /proc (VmHWM) and printed, with the
 * load average beside each figure; a process past --rss-limit-gb (18) is
 * stopped and the figure it reached printed, and so is the import at --until.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string', default: '/tmp/million/eco-1m.json' },
    'data-dir': { type: 'string', default: '/tmp/million/store' },
    'skip-import': { type: 'boolean', default: false },
    'follow-pid': { type: 'string' },
    window: { type: 'string', default: '100000' },
    heap: { type: 'string', default: '14000' },
    'rss-limit-gb': { type: 'string', default: '18' },
    until: { type: 'string' },
    'jvm-pid': { type: 'string' },
    partners: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '2000000' },
    relationships: { type: 'string', default: '10000000' },
  },
});
const bundle = values.bundle;
/** The store: Neo4j when NEO4J_URI is set (an empty database: it is not wiped), the embedded one in --data-dir otherwise. */
const storeEnv = { NEO4J_URI: process.env.NEO4J_URI ?? '' };
const dataDir = values['data-dir'];
const rssLimit = Number(values['rss-limit-gb']) * 2 ** 30;

const load = () => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GB`;
const since = (start: number) => (performance.now() - start) / 1000;
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}  (${load()})`);

/** The peak resident memory of a process (the kernel's high-water mark), sampled each second; stops it past the limit. */
function watchMemory(child: ChildProcess | { pid: number }, name: string): { peak: () => number; stop: () => void } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      peak = Math.max(peak, hwm);
      if (hwm > rssLimit && 'kill' in child) {
        log(`${name}: RSS ${gb(hwm)} is past the limit of ${gb(rssLimit)}: stopped`);
        child.kill('SIGKILL');
      }
    } catch {
      // The process has ended.
    }
  }, 1000);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

function ended(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The file as it grows, until `writer` (a process id) has ended and everything it wrote is read. */
async function* follow(file: string, writer: number | undefined): AsyncGenerator<Buffer> {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let position = 0;
  try {
    for (;;) {
      const writing = writer !== undefined && alive(writer);
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n > 0) {
        position += n;
        yield Buffer.from(buffer.subarray(0, n));
      } else if (writing) await new Promise((resolve) => setTimeout(resolve, 1000));
      else return;
    }
  } finally {
    closeSync(fd);
  }
}

// Neo4j's JVM (--jvm-pid), sampled for the whole run.
const jvm = values['jvm-pid'] === undefined ? undefined : watchMemory({ pid: Number(values['jvm-pid']) }, 'neo4j');
process.on('exit', () => {
  if (jvm === undefined) return;
  jvm.stop();
  console.log(`neo4j: JVM peak RSS ${gb(jvm.peak())}`);
});

// ---------- 1. the bundle ----------
// Generated when missing, while the import reads it (it follows the file as it grows).
let writer = values['follow-pid'] === undefined ? undefined : Number(values['follow-pid']);
let generated: Promise<void> = Promise.resolve();
if (!existsSync(bundle) && writer === undefined) {
  mkdirSync(path.dirname(bundle), { recursive: true });
  const started = performance.now();
  const generator = spawn(
    process.execPath,
    ['--import', 'tsx', 'seeds/generate.ts', '--partners', values.partners, '--customers', values.customers, '--relationships', values.relationships, '--seed', '42', '--out', bundle],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  writer = generator.pid;
  createInterface({ input: generator.stdout! }).on('line', (line) => log(`generate: ${line}`));
  const memory = watchMemory(generator, 'generate');
  generated = ended(generator).then((code) => {
    memory.stop();
    if (code !== 0) throw new Error(`generate ended with ${code}`);
    log(`generated ${bundle}: ${(statSync(bundle).size / 2 ** 20).toFixed(0)} MB in ${since(started).toFixed(0)} s, peak RSS ${gb(memory.peak())}`);
  });
  while (!existsSync(bundle)) await new Promise((resolve) => setTimeout(resolve, 200));
}

// ---------- 2. the import ----------
if (!values['skip-import']) {
  rmSync(dataDir, { recursive: true, force: true });
  const started = performance.now();
  const cli = spawn(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', 'server/import/cli.ts', '-', '--window', values.window], {
    env: { ...process.env, DATA_DIR: dataDir, ...storeEnv, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const memory = watchMemory(cli, 'import');
  const feed = Readable.from(follow(bundle, writer));
  feed.pipe(cli.stdin!);
  // The CLI may end before it has read everything (a bad bundle, a stop): its exit code says how.
  cli.stdin!.on('error', () => feed.destroy());
  // A run on a shared machine must give the lock back: past --until (UTC, HH:MM) the import is stopped and what it reached printed.
  const until = values.until === undefined ? undefined : new Date(`${new Date().toISOString().slice(0, 10)}T${values.until}:00Z`).getTime();
  const deadline = until === undefined ? undefined : setTimeout(() => {
    log(`import: stopped at ${values.until} UTC (--until), peak RSS so far ${gb(memory.peak())}`);
    cli.kill('SIGTERM');
  }, Math.max(0, until - Date.now()));
  // The CLI's line per window, with the load average.
  createInterface({ input: cli.stderr! }).on('line', (line) => log(`import ${line.trim()}`));
  createInterface({ input: cli.stdout! }).on('line', (line) => log(`import ${line.trim()}`));
  const code = await ended(cli);
  memory.stop();
  clearTimeout(deadline);
  await generated;
  log(`import ${code === 0 ? 'done' : `ended with ${code}`} in ${since(started).toFixed(0)} s, peak RSS ${gb(memory.peak())}; ${storeEnv.NEO4J_URI ? 'store in Neo4j' : `store ${(du(dataDir) / 2 ** 30).toFixed(2)} GB on disk`}`);
  if (code !== 0) process.exit(1);
}

/** Bytes of the files under `dir`. */
function du(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0);
}

// ---------- 3. the server ----------
const port = 4700 + (process.pid % 200);
const base = `http://127.0.0.1:${port}`;
const started = performance.now();
const server = spawn(process.execPath, ['--import', 'tsx', `--max-old-space-size=${values.heap}`, 'server/server.ts'], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ...storeEnv, SEED: 'none', LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const memory = watchMemory(server, 'server');
const seen = new Map<string, number>();
createInterface({ input: server.stdout! }).on('line', (line) => {
  if (!line.startsWith('{')) return;
  const entry = JSON.parse(line) as { msg: string; level: number };
  if (entry.level >= 40 || ['projection built', 'metrics derived', 'layout refined', 'projection snapshot saved'].includes(entry.msg)) {
    if (!seen.has(entry.msg)) {
      seen.set(entry.msg, since(started));
      log(`server: "${entry.msg}" after ${since(started).toFixed(1)} s, RSS peak so far ${gb(memory.peak())}`);
    }
  }
});
const exited = ended(server);

/**
 * One request as a client sees it: seconds to the whole answer, and the answer. Through node:http, without a
 * time limit: fetch gives up on an answer whose headers take over 300 s (the gaps at a million partners did).
 */
async function timed(what: string, url: string, init?: { method: string; body: string }): Promise<unknown> {
  const t = performance.now();
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const sent = request(`${base}${url}`, { method: init?.method ?? 'GET', headers: init === undefined ? {} : { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(init?.body);
  });
  const ms = performance.now() - t;
  log(`${what}: ${status} in ${ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`}, ${(body.length / 1024).toFixed(0)} KB`);
  if (status !== 200) log(`  ${body.slice(0, 300)}`);
  return status === 200 ? JSON.parse(body) : undefined;
}

const waitFor = async (message: string, seconds = Infinity) => {
  const until = performance.now() + seconds * 1000;
  while (!seen.has(message) && server.exitCode === null && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 500));
};

try {
  // Cold start: spawn to the first 200 of the map.
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server ended (${server.exitCode}) before it answered`);
    const answer = await fetch(`${base}/api/map`).catch(() => undefined);
    if (answer?.status === 200) {
      await answer.arrayBuffer();
      break;
    }
    await answer?.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  log(`cold start: first /api/map after ${since(started).toFixed(1)} s, server RSS peak ${gb(memory.peak())}`);
  await waitFor('metrics derived');
  log(`derivation: metrics derived after ${since(started).toFixed(1)} s from spawn, server RSS peak ${gb(memory.peak())}`);

  for (let i = 1; i <= 3; i++) await timed(`/api/map (default budget) #${i}`, '/api/map');
  for (let i = 1; i <= 2; i++) await timed(`/api/gaps #${i}`, '/api/gaps');
  const partners = (await timed('/api/partners?limit=5', '/api/partners?limit=5')) as { items: Array<{ id: string }> } | undefined;
  for (const p of partners?.items ?? []) await timed(`/api/partners/${p.id}/introductions`, `/api/partners/${encodeURIComponent(p.id)}/introductions`);
  // A second round: the first request after derivation may pay for per-version indexes.
  for (const p of partners?.items ?? []) await timed(`/api/partners/${p.id}/introductions (again)`, `/api/partners/${encodeURIComponent(p.id)}/introductions`);
  const customers = (await timed('/api/customers?limit=50', '/api/customers?limit=50')) as { items: Array<{ id: string; needs: string[] }> } | undefined;
  const customer = customers?.items.find((c) => c.needs.length >= 2) ?? customers?.items[0];
  if (customer !== undefined) {
    for (let i = 1; i <= 3; i++) {
      await timed(`POST /api/deals/team for ${customer.id} (${customer.needs.length} needs) #${i}`, '/api/deals/team', {
        method: 'POST',
        body: JSON.stringify({ customerId: customer.id, maxSize: 4 }),
      });
    }
  }
  await waitFor('projection snapshot saved', 600);
} finally {
  server.kill('SIGTERM');
  await exited;
  memory.stop();
  log(`server: peak RSS ${gb(memory.peak())}`);
}
