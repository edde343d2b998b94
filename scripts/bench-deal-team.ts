/**
 * Deal-team search on a generated ecosystem (the 100,000-partner one by
 * default): a fixed seeded set of realistic requests — a customer's needs,
 * region and segment, maxSize 3 to 6, every other request also asking for the
 * reseller, technology and service roles — each answered as the API answers
 * it. Prints, per request and overall, whether optimality was proven, the
 * time, and the search nodes explored.
 *
 *   flock /tmp/ecograph-bench.lock npm run bench:deal-team [-- --bundle /tmp/eco-100k-final.json --requests 24]
 */
import { readFileSync } from 'node:fs';
import type { Bundle } from '../server/schemas/bundle.js';
import { projectBundle } from '../server/projection/from-bundle.js';
import { assembleDealTeams, dealTeamsWithStats } from '../server/analytics/deal-team.js';
import { seededRandom } from '../server/analytics/communities.js';
import { DealTeamRequest } from '../server/schemas/analytics.js';
import { generatedBundleArgs, generatedBundleFile } from './generated-bundle.js';

const args = generatedBundleArgs({ bundle: { type: 'string' }, requests: { type: 'string', default: '24' } });
const file = args.bundle ?? generatedBundleFile(args);
const bundle = JSON.parse(readFileSync(file, 'utf8')) as Bundle;
let started = performance.now();
const { graph, catalogue } = projectBundle(bundle);
console.log(`${file}: ${bundle.partners.length.toLocaleString('en')} partners, ${bundle.customers.length.toLocaleString('en')} customers; projected in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// The requests: customers with at least two needs, drawn with a fixed seed.
const random = seededRandom(7);
const pool = bundle.customers.filter((c) => c.needs.length >= 2);
const requests = Array.from({ length: Number(args.requests) }, (_, i) => {
  const customer = pool[Math.floor(random() * pool.length)]!;
  return DealTeamRequest.parse({ customerId: customer.id, maxSize: 3 + (i % 4), roles: i % 2 === 0 ? [] : ['reseller', 'technology', 'service'] });
});

// One warm-up request, so that the first measured one does not pay for the JIT, nor for the indexes built once per graph (the typed adjacency, the partners by region).
started = performance.now();
assembleDealTeams(graph, requests[0]!, {}, catalogue);
console.log(`warm-up request (builds the per-graph indexes): ${(performance.now() - started).toFixed(0)} ms`);

const times: number[] = [];
// CPU time as well as wall time: on a shared machine the wall time also counts other processes' turns.
const cpuTimes: number[] = [];
const nodes: number[] = [];
let proven = 0;
let provenInTime = 0;
for (const request of requests) {
  started = performance.now();
  const cpu = process.cpuUsage();
  const { answer, stats } = dealTeamsWithStats(graph, request, {}, catalogue);
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  cpuTimes.push((user + system) / 1000);
  times.push(ms);
  nodes.push(stats.nodes);
  if (answer.optimality === 'proven') proven++;
  if (answer.optimality === 'proven' && ms <= 500) provenInTime++;
  const customer = graph.getNodeAttributes(request.customerId!);
  const needs = customer.kind === 'customer' ? customer.needs.length : 0;
  console.log(
    `${request.customerId} maxSize ${request.maxSize}, ${needs} needs${request.roles.length > 0 ? ' + 3 roles' : ''}: ${answer.optimality}, ${ms.toFixed(1)} ms (CPU ${cpuTimes.at(-1)!.toFixed(0)} ms), ` +
      `${stats.candidates.toLocaleString('en')} candidates → ${stats.pool.toLocaleString('en')} after dominance, ${stats.nodes.toLocaleString('en')} search nodes ` +
      `(scan ${stats.ms.scan.toFixed(0)} ms, links and dominance ${stats.ms.prune.toFixed(0)} ms, search ${stats.ms.search.toFixed(0)} ms); ` +
      `best ${answer.teams[0]?.score ?? '-'} (bound ${answer.bound})${answer.unmet === undefined ? '' : `, ${answer.unmet.length} unmet`}`,
  );
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
console.log(
  `\n${requests.length} requests: optimality proven for ${proven}, proven within 500 ms for ${provenInTime}; ` +
    `time p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms ` +
    `(CPU p50 ${quantile(cpuTimes, 0.5).toFixed(0)} ms, p95 ${quantile(cpuTimes, 0.95).toFixed(0)} ms, max ${Math.max(...cpuTimes).toFixed(0)} ms); ` +
    `search nodes p50 ${quantile(nodes, 0.5).toLocaleString('en')}, max ${Math.max(...nodes).toLocaleString('en')}`,
);
