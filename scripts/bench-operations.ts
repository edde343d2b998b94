/**
 * Programme operations at scale: tier evaluation and the lifecycle funnel on
 * the generated ecosystem (its programme and lifecycle histories included),
 * imported into a fresh embedded store. Prints, for each, the store's bulk
 * reads and the pure function's time (median of 5 runs).
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
import { importBundle } from '../server/import/import-bundle.js';
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
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
