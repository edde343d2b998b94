/**
 * Programme operations at scale: tier evaluation, the lifecycle funnel,
 * conflict detection, attribution and the solution catalogue on the
 * generated ecosystem (its programme, lifecycle histories and deals
 * included). Prints the store's bulk reads and the pure functions' times
 * (median of 5), with the longest single statement of each windowed read;
 * then the real server over that store, started three times as server.ts
 * starts it (the programme records warmed in the background): first with no
 * records file (warmed from the store, which saves the files), then twice from
 * the files, once with every first request sent at once (it waits for the
 * warm-up) and once after the warm-up; each start prints the warm-up's
 * duration and the event loop's longest stall meanwhile. On the last server:
 * the same requests repeated (median of 3), and the first request after each
 * of three writes (a lifecycle move, a deal's claims changed, a SERVES
 * changed), each write made just before the request it is timed for.
 * `--projection` also restores the map's projection at each start, as
 * server.ts does (the programme warm-up then waits for the map's early answers).
 *
 *   npm run bench:operations [-- --bundle /tmp/eco-100k-ops.json]   imports the bundle into a fresh embedded store
 *   npm run bench:operations -- --data-dir DIR                      uses the embedded store in DIR as it is (it is written to: use a copy)
 *
 * The bundle is written first when missing, with
 * `npx tsx seeds/generate.ts --partners 100000 --customers 200000 --relationships 1000000 --seed 42 --out <bundle>`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { MapQuery } from '../server/schemas/analytics.js';
import type { Executor } from '../server/store/executor.js';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { importBundle } from '../server/import/import-bundle.js';
import { detectConflicts, protectionWindows } from '../server/operations/conflicts.js';
import { readBundleInput } from '../server/import/read-input.js';
import { lifecycleFunnel } from '../server/operations/funnel.js';
import { evaluateTiers } from '../server/operations/tiers.js';
import { GraphStore } from '../server/store/graph-store.js';
import { openGrafeo } from '../server/store/grafeo.js';
import { loadQueries } from '../server/store/queries.js';

const { values } = parseArgs({ options: { bundle: { type: 'string', default: '/tmp/eco-100k-ops.json' }, 'data-dir': { type: 'string' }, projection: { type: 'boolean', default: false } } });
const given = values['data-dir'];
const dataDir = given ?? path.join(tmpdir(), `ecograph-bench-operations-${process.pid}`);
const ms = (since: number) => performance.now() - since;
const timed = async <T>(work: () => Promise<T> | T): Promise<[T, number]> => {
  const started = performance.now();
  return [await work(), ms(started)];
};
const medianOf5 = async (work: () => unknown) => {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push((await timed(work))[1]);
  return times.sort((a, b) => a - b)[2]!;
};
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`load average at start: ${load()}`);

/** The longest single statement per query: windowed reads keep each far from the engine's 30 s timeout. */
const longest = new Map<string, number>();
const timing = (executor: Executor): Executor => ({
  ...executor,
  kind: executor.kind,
  read: async (query, params, options) => {
    const started = performance.now();
    try {
      return await executor.read(query, params, options);
    } finally {
      longest.set(query, Math.max(longest.get(query) ?? 0, ms(started)));
    }
  },
  write: (work) => executor.write(work),
  close: () => executor.close(),
});
const store = new GraphStore(timing(await openGrafeo(dataDir, loadQueries())));
try {
  if (given === undefined) {
    const bundleFile = values.bundle!;
    if (!existsSync(bundleFile)) {
      console.log(`generating ${bundleFile} …`);
      const args = ['--partners', '100000', '--customers', '200000', '--relationships', '1000000', '--seed', '42', '--out', bundleFile];
      execFileSync(process.execPath, ['--import', 'tsx', 'seeds/generate.ts', ...args], { stdio: 'inherit' });
    }
    const [report, importMs] = await timed(async () => importBundle(store, await readBundleInput(bundleFile), { batchRows: 5000 }));
    console.log(`imported ${Object.values(report.written).reduce((a, b) => a + b, 0).toLocaleString('en')} rows in ${(importMs / 1000).toFixed(1)} s`);
  } else {
    // Not store.counts(): counting 2.3 million relationships reached the engine's 30 s timeout at load 27.
    console.log(`the store in ${dataDir}: ${JSON.stringify(await store.identity())}`);
  }

  const [programs, programsMs] = await timed(() => store.programs());
  const [standings, standingsMs] = await timed(() => store.trackStandings());
  const [activities, activitiesMs] = await timed(() => store.partnerActivities());
  const [histories, historiesMs] = await timed(() => store.lifecycleHistories());
  const now = new Date();
  const evaluations = evaluateTiers(programs, standings, activities, now);
  const evaluateMs = await medianOf5(() => evaluateTiers(programs, standings, activities, now));
  const funnels = programs.map((t) => lifecycleFunnel(t, standings, histories, now));
  const funnelMs = await medianOf5(() => lifecycleFunnel(programs.find((t) => t.id === 'resell')!, standings, histories, now));
  const transitions = [...histories.values()].reduce((sum, list) => sum + list.length, 0);

  const round = (x: number) => Math.round(x);
  console.table({
    'read: programme': { ms: round(programsMs), rows: programs.length },
    'read: stages (every partner, every track)': { ms: round(standingsMs), rows: standings.length },
    'read: partner facts (certified, served, integrations, won deals)': { ms: round(activitiesMs), rows: activities.size },
    'read: lifecycle histories': { ms: round(historiesMs), rows: transitions },
    'tier evaluation (pure, all partners and tracks)': { ms: round(evaluateMs), rows: evaluations.length },
    'funnel of resell (pure)': { ms: round(funnelMs), rows: funnels.find((f) => f.track === 'resell')!.stages.reduce((sum, s) => sum + s.count, 0) },
  });
  console.log(`longest single statement: ${[...longest].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([query, time]) => `${query} ${round(time)} ms`).join(', ')}`);
  const statuses = new Map<string, number>();
  for (const e of evaluations) statuses.set(e.status, (statuses.get(e.status) ?? 0) + 1);
  console.log(`statuses: ${[...statuses].map(([status, count]) => `${status} ${count}`).join(', ')}`);
  console.log(`tier evaluation answer (reads + function): ${round(standingsMs + activitiesMs + programsMs + evaluateMs)} ms; funnel answer: ${round(standingsMs + historiesMs + programsMs + funnelMs)} ms`);

  const [deals, dealsMs] = await timed(() => store.conflictDeals());
  const [managers, managersMs] = await timed(() => store.customerManagers());
  const [memberships, membershipsMs] = await timed(() => store.protectingTracks());
  const [resolutions, resolutionsMs] = await timed(() => store.conflictResolutions());
  const detect = () => detectConflicts({ deals, managers, protection: protectionWindows(programs, memberships, deals), resolutions });
  const conflicts = detect();
  const detectMs = await medianOf5(detect);
  console.table({
    'read: deals with customer, needs and claims': { ms: round(dealsMs), rows: deals.length },
    'read: managers of customers with deals': { ms: round(managersMs), rows: managers.size },
    'read: protecting tracks of deal partners': { ms: round(membershipsMs), rows: memberships.length },
    'read: stored resolutions': { ms: round(resolutionsMs), rows: resolutions.length },
    'conflict detection (pure, every deal)': { ms: round(detectMs), rows: conflicts.length },
  });
  const kinds = new Map<string, number>();
  for (const c of conflicts) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  console.log(`conflicts: ${[...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
} finally {
  await store.close();
}

// The same store behind the real server, started as server.ts starts it: what a user waits for.
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED: 'none', LOG_LEVEL: 'warn' });
const start = async (): Promise<{ app: FastifyInstance; base: string; warming: Promise<void>; stall: () => number }> => {
  const app = await buildApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const earlyAnswers = values.projection ? app.projection.earlyMap(MapQuery.parse({})) : Promise.resolve();
  const warming = earlyAnswers.then(() => app.programme.warmUp());
  const address = app.server.address();
  return { app, base: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`, warming, stall: () => stalls.max / 1e6 };
};
rmSync(path.join(dataDir, 'records'), { recursive: true, force: true });
let server = await start();
let app = server.app;
try {
  const get = async (path: string) => {
    const response = await fetch(server.base + path);
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<unknown>;
  };
  const send = async (method: string, path: string, body: unknown) => {
    const response = await fetch(server.base + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<any>;
  };
  // A won deal with several partners, whose attribution is asked; later a partner in a track (moved) and a customer (served).
  type Deal = { id: string; stage?: string; partners: Array<{ partner: string; claimedShare?: number }> };
  let deal: Deal | undefined;
  for (let cursor: string | null = null; deal === undefined; ) {
    const page = (await get(`/api/deals?limit=500${cursor === null ? '' : `&cursor=${cursor}`}`)) as { items: Deal[]; nextCursor: string | null };
    deal = page.items.find((d) => d.stage === 'won' && d.partners.length >= 3) ?? (page.nextCursor === null ? page.items.find((d) => d.partners.length >= 2) : undefined);
    cursor = page.nextCursor;
  }

  const paths: Array<[string, string]> = [
    ['tier evaluation', '/api/tiers/evaluation'],
    ['funnel (resell)', '/api/lifecycle/funnel?track=resell'],
    ['conflicts', '/api/conflicts'],
    ['attribution summary', '/api/attribution/summary?model=shapley'],
    ['solution catalogue', '/api/solutions'],
    [`one deal's attribution (${deal.partners.length} partners)`, `/api/deals/${deal.id}/attribution?model=shapley`],
  ];
  const rows: Record<string, Record<string, number>> = {};
  const warmUps: Record<string, Record<string, number | string>> = {};
  const firstRequests = async (column: string) => {
    for (const [name, path] of paths) (rows[name] ??= {})[column] = Math.round((await timed(() => get(path)))[1]);
  };
  const warmedUp = async (name: string) => {
    await server.warming;
    const { ms: warmUpMs, each } = app.programme.lastWarmUp!;
    warmUps[name] = { 'warm-up ms': warmUpMs, 'longest stall ms': Math.round(server.stall()), ...each };
  };
  const restart = async () => {
    await app.programme.settled();
    await app.close();
    // A restarted server is a new process: the previous server's records must not be collected during this one's start.
    globalThis.gc?.();
    server = await start();
    app = server.app;
  };

  // 1. No records file: the warm-up reads the store (and saves the files); the first requests after it.
  await warmedUp('from the store');
  await firstRequests('first after a warm-up from the store');
  // 2. From the files, every first request sent at once at start: each waits for the warm-up.
  await restart();
  await firstRequests('first, sent at start (files)');
  await warmedUp('from the files (requests sent at start)');
  // 3. From the files, the first requests once the warm-up is over.
  await restart();
  await warmedUp('from the files');
  await firstRequests('first after a warm-up from the files');
  console.table(warmUps);
  for (const [name, path] of paths) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await timed(() => get(path)))[1]);
    rows[name]!['repeated (median of 3)'] = Math.round(times.sort((a, b) => a - b)[1]!);
  }
  console.log(`load average after the first requests: ${load()}`);
  const { items: evaluated } = (await get('/api/tiers/evaluation?track=resell&limit=1')) as { items: Array<{ partnerId: string }> };
  const mover = evaluated[0]!.partnerId;
  const { items: customers } = (await get('/api/customers?limit=1')) as { items: Array<{ id: string }> };

  const stages = ['onboard', 'activate', 'grow'];
  let moves = 0;
  let claims = 0;
  const writes: Array<[string, () => Promise<unknown>]> = [
    [
      'lifecycle move',
      async () => {
        const { stages: now } = (await get(`/api/partners/${mover}/lifecycle`)) as { stages: Record<string, { stage: string }> };
        const stage = stages.filter((s) => s !== now.resell?.stage)[moves++ % 2];
        return send('POST', `/api/partners/${mover}/lifecycle`, { track: 'resell', stage, reason: 'benchmark' });
      },
    ],
    [
      "deal's claims",
      async () => {
        const current = (await get(`/api/deals/${deal!.id}`)) as Deal;
        claims += 1;
        return send('PUT', `/api/deals/${deal!.id}`, { ...current, partners: current.partners.map((p, i) => ({ ...p, claimedShare: i === 0 ? 0.3 + (claims % 5) / 10 : 0.2 })) });
      },
    ],
    ['SERVES', () => send('PUT', '/api/relationships', { from: mover, to: customers[0]!.id, type: 'SERVES', role: 'resell', annualValue: 1000 * (moves + claims + 1) })],
  ];
  const writeTimes: Record<string, number[]> = {};
  for (const [name, path] of paths) {
    for (const [kind, write] of writes) {
      const [, writeMs] = await timed(write);
      (writeTimes[kind] ??= []).push(writeMs);
      rows[name]![`first after a ${kind}`] = Math.round((await timed(() => get(path)))[1]);
    }
  }
  console.table(rows);
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
  console.log(`the writes themselves (median of ${paths.length}): ${Object.entries(writeTimes).map(([kind, list]) => `${kind} ${Math.round(median(list))} ms`).join(', ')}`);
  console.log(`load average at the end: ${load()}`);
} finally {
  await app.programme.settled();
  await app.close();
  if (given === undefined) rmSync(dataDir, { recursive: true, force: true });
}
