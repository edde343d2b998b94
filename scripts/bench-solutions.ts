/**
 * The solution catalogue at scale: validating every solution and ranking the
 * solutions that fit a customer, on the generated 100,000-partner ecosystem
 * imported into a fresh embedded store. Prints the store's bulk reads, the
 * pure functions' times (median of 5) and what an answer costs: cold (first
 * request after a write: reads + validation) and warm (the catalogue kept per
 * store version; one customer read + ranking).
 *
 *   npm run bench:solutions [-- --bundle /tmp/eco-100k-final.json]
 *
 * The bundle comes from
 * `npx tsx seeds/generate.ts --partners 100000 --customers 200000 --relationships 1000000 --seed 42 --out <bundle>`.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importBundle } from '../server/import/import-bundle.js';
import { readBundleInput } from '../server/import/read-input.js';
import { rankSolutions, validateSolution } from '../server/operations/solutions.js';
import { GraphStore } from '../server/store/graph-store.js';
import { openGrafeo } from '../server/store/grafeo.js';
import { loadQueries } from '../server/store/queries.js';

const { values } = parseArgs({ options: { bundle: { type: 'string', default: '/tmp/eco-100k-final.json' } } });

const dataDir = path.join(tmpdir(), `ecograph-bench-solutions-${process.pid}`);
const timed = async <T>(work: () => Promise<T> | T): Promise<[T, number]> => {
  const started = performance.now();
  return [await work(), performance.now() - started];
};
const medianOf5 = async (work: () => unknown) => {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push((await timed(work))[1]);
  return times.sort((a, b) => a - b)[2]!;
};

const store = new GraphStore(await openGrafeo(dataDir, loadQueries()));
try {
  const [report, importMs] = await timed(async () => importBundle(store, await readBundleInput(values.bundle!), { batchRows: 5000 }));
  console.log(`imported ${Object.values(report.written).reduce((a, b) => a + b, 0).toLocaleString('en')} rows in ${(importMs / 1000).toFixed(1)} s`);

  const [{ solutions, members, names }, readMs] = await timed(() => store.solutionCatalogue());
  const validateAll = () => solutions.map((solution) => ({ solution, validation: validateSolution(solution, members, names) }));
  const catalogue = validateAll();
  const validateMs = await medianOf5(validateAll);

  // Customers that some solution fits: each needs a capability a solution provides.
  const provided = new Set(solutions.flatMap((s) => s.capabilities));
  const customers = (await store.listCustomers({ limit: 500 })).items.filter((c) => c.needs.some((n) => provided.has(n))).slice(0, 20);
  const contextTimes: number[] = [];
  const rankTimes: number[] = [];
  let fits = 0;
  for (const c of customers) {
    const [context, contextMs] = await timed(() => store.customerSolutionContext(c.id));
    contextTimes.push(contextMs);
    rankTimes.push(await medianOf5(() => rankSolutions(context!, catalogue, members, names)));
    fits += rankSolutions(context!, catalogue, members, names).items.length;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const round = (x: number) => Math.round(x * 10) / 10;
  console.table({
    'read: solutions, member facts, names (3 bulk reads)': { ms: round(readMs), rows: solutions.length + members.size },
    'validate the whole catalogue (pure)': { ms: round(validateMs), rows: catalogue.length },
    'read: one customer (needs, deals, served by), median of 20': { ms: round(median(contextTimes)), rows: customers.length },
    'rank solutions for one customer (pure), median of 20': { ms: round(median(rankTimes)), rows: fits },
  });
  const statuses = new Map<string, number>();
  for (const { validation } of catalogue) statuses.set(validation.status, (statuses.get(validation.status) ?? 0) + 1);
  console.log(`statuses: ${[...statuses].map(([status, count]) => `${status} ${count}`).join(', ')}`);
  console.log(`catalogue validation answer, cold: ${round(readMs + validateMs)} ms; customers/:id/solutions, warm: ${round(median(contextTimes) + median(rankTimes))} ms, cold: ${round(readMs + validateMs + median(contextTimes) + median(rankTimes))} ms`);
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
