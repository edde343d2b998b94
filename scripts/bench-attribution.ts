/**
 * Attribution benchmark: a server over the generated 100,000-partner store.
 * Prints the first request after a change (reads every deal and the
 * integration counts, builds the coalition statistics), then warm answers:
 * one deal's attribution under each model, the per-partner summary and the
 * ecosystem report; and a sampled Shapley split of a 20-partner deal.
 *
 *   npm run bench:attribution [-- --bundle /tmp/eco-100k-attr.json]
 *   (the bundle: npx tsx seeds/generate.ts --partners 100000 --customers 200000 --relationships 1000000 --seed 42 --out /tmp/eco-100k-attr.json)
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { GraphStore } from '../server/store/graph-store.js';
import { openGrafeo } from '../server/store/grafeo.js';
import { loadQueries } from '../server/store/queries.js';
import { importBundle } from '../server/import/import-bundle.js';
import { readBundleInput } from '../server/import/read-input.js';
import { attributeDeal, coalitionStats } from '../server/operations/attribution.js';
import { ATTRIBUTION_MODELS } from '../server/schemas/attribution.js';

const { bundle } = parseArgs({ options: { bundle: { type: 'string', default: '/tmp/eco-100k-attr.json' } } }).values;
if (!existsSync(bundle!)) throw new Error(`scripts/bench-attribution: no ${bundle}; generate it first (see the header of this file)`);
const dataDir = path.join(tmpdir(), `ecograph-bench-attribution-${process.pid}`);
const ms = (since: number) => performance.now() - since;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

let started = performance.now();
const store = new GraphStore(await openGrafeo(dataDir, loadQueries()));
const report = await importBundle(store, await readBundleInput(bundle!), { batchRows: 5000 });
console.log(`imported ${Object.values(report.written).reduce((a, b) => a + b, 0).toLocaleString('en')} rows in ${(ms(started) / 1000).toFixed(1)} s`);
await store.close();

const app = await buildApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, SEED: 'none', LOG_LEVEL: 'warn' }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
const timed = async (route: string) => {
  const t = performance.now();
  const response = await fetch(url + route);
  const body = (await response.json()) as unknown;
  if (response.status !== 200) throw new Error(`GET ${route}: ${response.status} ${JSON.stringify(body)}`);
  return { ms: ms(t), body };
};

try {
  const deals = await app.store.dealRecords();
  const closed = deals.filter((d) => d.stage === 'won' || d.stage === 'lost').length;
  const multi = deals.filter((d) => d.partners.length >= 2);
  const cold = await timed('/api/reports/ecosystem');

  const rows: Record<string, { median: number; p95: number; max: number; n: number }> = {};
  const sample = multi.filter((_, i) => i % Math.ceil(multi.length / 200) === 0);
  for (const model of ATTRIBUTION_MODELS) {
    const times: number[] = [];
    for (const d of sample) times.push((await timed(`/api/deals/${d.id}/attribution?model=${model}`)).ms);
    rows[`deal attribution, ${model}`] = { median: quantile(times, 0.5), p95: quantile(times, 0.95), max: Math.max(...times), n: times.length };
  }
  for (const model of ATTRIBUTION_MODELS) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push((await timed(`/api/attribution/summary?model=${model}`)).ms);
    rows[`summary, ${model}`] = { median: quantile(times, 0.5), p95: quantile(times, 0.95), max: Math.max(...times), n: times.length };
  }
  const reportTimes: number[] = [];
  for (let i = 0; i < 5; i++) reportTimes.push((await timed('/api/reports/ecosystem?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z')).ms);
  rows['ecosystem report'] = { median: quantile(reportTimes, 0.5), p95: quantile(reportTimes, 0.95), max: Math.max(...reportTimes), n: reportTimes.length };

  // No generated deal has more than three partners: time the sampled Shapley split on a 20-partner one.
  const roles = ['sourcing', 'technology', 'delivery', 'referral', 'operations', 'transaction'];
  const big = { id: 'd-bench-20', stage: 'open', amount: 1_000_000, partners: Array.from({ length: 20 }, (_, i) => ({ partner: `p-${i}`, role: roles[i % roles.length]!, types: [] })) };
  const stats = coalitionStats(deals);
  const monteCarloTimes: number[] = [];
  let sampled = attributeDeal(big, 'shapley', { stats });
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    sampled = attributeDeal(big, 'shapley', { stats });
    monteCarloTimes.push(ms(t));
  }

  console.log(`${deals.length.toLocaleString('en')} deals, ${closed.toLocaleString('en')} closed, ${multi.length.toLocaleString('en')} with two or more partners`);
  console.log(`first request after a change (one bulk read of deals + integration count + coalition statistics): ${cold.ms.toFixed(0)} ms`);
  console.table(Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, { 'median ms': +v.median.toFixed(1), 'p95 ms': +v.p95.toFixed(1), 'max ms': +v.max.toFixed(1), n: v.n }])));
  const worstError = Math.max(...sampled.shares.map((s) => s.standardError ?? 0));
  console.log(
    `Shapley by sampling, 20 partners (${sampled.method}): median of 5 ${quantile(monteCarloTimes, 0.5).toFixed(1)} ms, max ${Math.max(...monteCarloTimes).toFixed(0)} ms; largest standard error of a share ${worstError.toFixed(4)}`,
  );
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
