/**
 * Programme operations at scale: tier evaluation, the lifecycle funnel and
 * conflict detection on the generated ecosystem (its programme, lifecycle
 * histories and deals included), imported into a fresh embedded store. Prints,
 * for each, the store's bulk reads and the pure function's time (median of 5
 * runs); then the HTTP answers of the real server over that store: the first
 * request, the same request repeated (median of 3), and the first request
 * after a write (resolving a conflict), which reads the store again.
 *
 *   npm run bench:operations [-- --bundle /tmp/eco-100k-ops.json]
 *
 * The bundle is written first when missing, with
 * `npx tsx seeds/generate.ts --partners 100000 --customers 200000 --relationships 1000000 --seed 42 --out <bundle>`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
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

const { values } = parseArgs({ options: { bundle: { type: 'string', default: '/tmp/eco-100k-ops.json' } } });
const bundleFile = values.bundle!;
if (!existsSync(bundleFile)) {
  console.log(`generating ${bundleFile} …`);
  const args = ['--partners', '100000', '--customers', '200000', '--relationships', '1000000', '--seed', '42', '--out', bundleFile];
  execFileSync(process.execPath, ['--import', 'tsx', 'seeds/generate.ts', ...args], { stdio: 'inherit' });
}

const dataDir = path.join(tmpdir(), `ecograph-bench-operations-${process.pid}`);
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

const store = new GraphStore(await openGrafeo(dataDir, loadQueries()));
try {
  const [report, importMs] = await timed(async () => importBundle(store, await readBundleInput(bundleFile), { batchRows: 5000 }));
  console.log(`imported ${Object.values(report.written).reduce((a, b) => a + b, 0).toLocaleString('en')} rows in ${(importMs / 1000).toFixed(1)} s`);

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

// The same store behind the real server: what a user waits for.
const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED: 'none', LOG_LEVEL: 'warn' }), { logger: false });
try {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const get = async (path: string) => {
    const response = await fetch(base + path);
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<unknown>;
  };
  const paths = ['/api/tiers/evaluation', '/api/lifecycle/funnel?track=resell', '/api/conflicts'];
  const rows: Record<string, Record<string, number>> = {};
  for (const path of paths) {
    const [, first] = await timed(() => get(path));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await timed(() => get(path)))[1]);
    rows[path] = { 'first ms': Math.round(first), 'repeated ms (median of 3)': Math.round(times.sort((a, b) => a - b)[1]!) };
  }
  const { conflicts } = (await get('/api/conflicts?limit=1')) as { conflicts: Array<{ id: string }> };
  const [, resolveMs] = await timed(async () => {
    const response = await fetch(`${base}/api/conflicts/${conflicts[0]!.id}/resolve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy: 'proportional' }) });
    if (!response.ok) throw new Error(`resolve answered ${response.status}`);
  });
  for (const path of paths) rows[path]!['first after a write ms'] = Math.round((await timed(() => get(path)))[1]);
  console.table(rows);
  console.log(`resolving one conflict (POST /api/conflicts/:id/resolve): ${Math.round(resolveMs)} ms`);
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
