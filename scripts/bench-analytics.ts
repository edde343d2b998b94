/**
 * Analytics benchmark on a generated ecosystem (100,000 partners, 200,000
 * customers, ~1,000,000 relationships by default): time and memory of each
 * analytic, from projection build to a deal team.
 *
 *   npm run bench:analytics [-- --partners 100000 --customers 200000 --relationships 1000000]
 */
import { readFileSync } from 'node:fs';
import type { Bundle } from '../server/schemas/bundle.js';
import { projectBundle } from '../server/projection/from-bundle.js';
import { detectCommunities } from '../server/analytics/communities.js';
import { betweenness, pagerank } from '../server/analytics/centrality.js';
import { articulationPoints, bridges } from '../server/analytics/structure.js';
import { computeLayout, fromLayoutOutput, runLayoutInWorker, toLayoutInput } from '../server/analytics/layout.js';
import { capabilityGaps } from '../server/analytics/gaps.js';
import { introductionsFor, topIntroductions } from '../server/analytics/introductions.js';
import { assembleDealTeams } from '../server/analytics/deal-team.js';
import { ecosystemHealth } from '../server/analytics/health.js';
import { buildMap, prepareMap } from '../server/analytics/map.js';
import { deriveInBackground } from '../server/projection/derive.js';
import { nodeMetrics } from '../server/analytics/metrics.js';
import { searchNodes } from '../server/projection/search.js';
import { GapsQuery, IntroductionsQuery, MapQuery, DealTeamRequest } from '../server/schemas/analytics.js';
import type { DerivedMetrics } from '../server/projection/types.js';
import { generatedBundleFile, generatedBundleArgs } from './generated-bundle.js';

const file = generatedBundleFile(generatedBundleArgs());
const bundle = JSON.parse(readFileSync(file, 'utf8')) as Bundle;

const rows: Array<Record<string, string>> = [];
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`;

async function measure<T>(name: string, work: () => T | Promise<T>, note = ''): Promise<T> {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  rows.push({ analytic: name, time: ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`, 'RSS after': mb(process.memoryUsage().rss), 'RSS growth': mb(process.memoryUsage().rss - rssBefore), note });
  console.log(`${name}: ${ms.toFixed(0)} ms`);
  return result;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const { graph, catalogue } = await measure('projection build (bundle → graphology)', () => projectBundle(bundle), `${bundle.partners.length.toLocaleString('en')} partners, ${bundle.customers.length.toLocaleString('en')} customers, ${bundle.relationships.length.toLocaleString('en')} relationships`);
console.log(`graph: ${graph.order.toLocaleString('en')} nodes, ${graph.size.toLocaleString('en')} edges`);
const communities = await measure('communities (Louvain)', () => detectCommunities(graph), '');
rows.at(-1)!.note = `${new Set(Object.values(communities)).size} communities`;
const ranks = await measure('PageRank', () => pagerank(graph));
const between = await measure('betweenness (sampled Brandes)', () => betweenness(graph));
rows.at(-1)!.note = between.exact ? 'exact' : `${between.sources} sampled sources`;
const aps = await measure('articulation points + bridges', () => ({ points: articulationPoints(graph), bridges: bridges(graph) }));
const input = toLayoutInput(graph, communities);
const quick = await measure('first placement (no backbone iterations)', () => fromLayoutOutput(input.ids, computeLayout(input, { backboneIterations: 0 })));
const full = await measure('full layout in a worker thread', async () => fromLayoutOutput(input.ids, await runLayoutInWorker(input, { full: true })));
void quick;

const derived: DerivedMetrics = {
  version: 1,
  communities,
  pagerank: ranks,
  betweenness: between,
  articulationPoints: new Set(aps.points),
  bridges: aps.bridges,
  positions: full,
  layoutPending: false,
};

await measure('map index (built once per version)', () => prepareMap(graph, derived));
await measure('map, first request of a version (caches positions)', () => buildMap(graph, derived, MapQuery.parse({})));
await measure('map at the default node budget', () => buildMap(graph, derived, MapQuery.parse({})));
await measure('map drill-down into one community', () => buildMap(graph, derived, MapQuery.parse({ community: '3' })));
await measure('gaps', () => capabilityGaps(graph, catalogue, derived, GapsQuery.parse({})));
const partners = bundle.partners.slice(0, 2000).filter((_, i) => i % 100 === 0).map((p) => p.id);
const introTimes: number[] = [];
for (const id of partners) {
  const started = performance.now();
  introductionsFor(graph, id, IntroductionsQuery.parse({}));
  introTimes.push(performance.now() - started);
}
rows.push({ analytic: 'introductions for one partner (median of 20)', time: `${median(introTimes).toFixed(1)} ms`, 'RSS after': mb(process.memoryUsage().rss), 'RSS growth': '', note: `max ${Math.max(...introTimes).toFixed(1)} ms` });
await measure('introductions, whole ecosystem (top 10)', () => topIntroductions(graph, IntroductionsQuery.parse({})));
const customer = bundle.customers.find((c) => c.needs.length >= 3) ?? bundle.customers[0]!;
const teamTimes: number[] = [];
for (const c of bundle.customers.filter((c) => c.needs.length >= 2).slice(0, 10)) {
  const started = performance.now();
  assembleDealTeams(graph, DealTeamRequest.parse({ customerId: c.id, roles: ['reseller', 'technology', 'service'] }));
  teamTimes.push(performance.now() - started);
}
rows.push({ analytic: 'deal team (median of 10 customers)', time: `${median(teamTimes).toFixed(1)} ms`, 'RSS after': mb(process.memoryUsage().rss), 'RSS growth': '', note: `max ${Math.max(...teamTimes).toFixed(1)} ms; e.g. ${customer.id}` });
await measure('ecosystem health', () => ecosystemHealth(graph, catalogue, derived));
await measure('metrics of one node', () => nodeMetrics(graph, derived, bundle.partners[0]!.id));
await measure('search index (built by the first search of a version)', () => searchNodes(graph, 'warm', 10));
await measure('search', () => searchNodes(graph, 'cloud', 10));

// What the server does per version, off the event loop: how long the loop is blocked meanwhile.
let longestStall = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  longestStall = Math.max(longestStall, now - last);
  last = now;
}, 10);
await measure('all metrics for a new version, in a worker thread (wall)', () => deriveInBackground(graph, 2, derived, 0));
clearInterval(ticker);
rows.at(-1)!.note = `longest event-loop stall meanwhile: ${Math.round(longestStall)} ms`;

console.log(`\nanalytics on ${graph.order.toLocaleString('en')} nodes / ${graph.size.toLocaleString('en')} edges; peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
console.table(rows);
