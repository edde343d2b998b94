/**
 * Analytics benchmark on a generated ecosystem (100,000 partners, 200,000
 * customers, ~1,000,000 relationships by default): time and memory of each
 * analytic, from projection build to a deal team.
 *
 *   npm run bench:analytics [-- --partners 100000 --customers 200000 --relationships 1000000]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bundle } from '../server/schemas/bundle.js';
import { projectBundle } from '../server/projection/from-bundle.js';
import { detectCommunities } from '../server/analytics/communities.js';
import { betweenness, pagerankWithIterations } from '../server/analytics/centrality.js';
import { articulationPoints, bridges } from '../server/analytics/structure.js';
import { computeLayout, fromLayoutOutput, runLayoutInWorker, toLayoutInput } from '../server/analytics/layout.js';
import { capabilityGaps } from '../server/analytics/gaps.js';
import { introductionsFor, scorePair, topIntroductions } from '../server/analytics/introductions.js';
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

/**
 * The largest relative error of our top 1,000 PageRanks against igraph's
 * PRPACK (an exact solver), when Debian's python3-igraph is installed.
 */
function pagerankAgainstIgraph(ranks: Record<string, number>): string {
  const python = '/usr/bin/python3';
  if (!existsSync(python) || spawnFails(python, ['-c', 'import igraph'])) return 'igraph comparison skipped: python3-igraph is not installed';
  const ids = graph.nodes();
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const folder = mkdtempSync(path.join(tmpdir(), 'ecograph-pagerank-'));
  try {
    const edges = path.join(folder, 'edges.txt');
    writeFileSync(edges, graph.mapEdges((_edge, _attributes, source, target) => `${indexOf.get(source)} ${indexOf.get(target)}`).join('\n'));
    const script = [
      'import sys, igraph',
      'edges = [tuple(map(int, line.split())) for line in open(sys.argv[1])]',
      'ranks = igraph.Graph(n=int(sys.argv[2]), edges=edges, directed=False).pagerank(damping=0.85, implementation="prpack")',
      'sys.stdout.write("\\n".join(repr(r) for r in ranks))',
    ].join('\n');
    const exact = execFileSync(python, ['-c', script, edges, String(ids.length)], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').map(Number);
    const top = ids.map((_, i) => i).sort((a, b) => exact[b]! - exact[a]!).slice(0, 1000);
    const worst = Math.max(...top.map((i) => Math.abs(ranks[ids[i]!]! - exact[i]!) / exact[i]!));
    return `max relative error of the top 1,000 against igraph's PRPACK ${worst.toExponential(2)} (top node ${exact[top[0]!]!.toFixed(5)})`;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Recall of the top 10 introductions of sampled partners against a brute
 * force that scores every other partner: the share of the brute force's top
 * scores the answer also holds (by score, so that ties count either way).
 */
function introductionsRecall(samples: number): string {
  const all = graph.filterNodes((_id, node) => node.kind === 'partner');
  const query = IntroductionsQuery.parse({});
  let found = 0;
  let wanted = 0;
  let identical = 0;
  for (let i = 0; i < samples; i++) {
    const id = all[Math.floor((i * all.length) / samples)]!;
    const answer = introductionsFor(graph, id, query, {}, catalogue)!.introductions.map((x) => x.score);
    const exact = all
      .filter((other) => other !== id && !graph.areNeighbors(id, other))
      .map((other) => scorePair(graph, id, other).score)
      .filter((score) => score > 0)
      .sort((a, b) => b - a)
      .slice(0, query.k);
    const left = [...answer];
    for (const score of exact) {
      const at = left.indexOf(score);
      if (at !== -1) {
        left.splice(at, 1);
        found++;
      }
    }
    wanted += exact.length;
    if (JSON.stringify(answer) === JSON.stringify(exact)) identical++;
  }
  return `recall@10 against a brute force on ${samples} sampled partners ${(found / Math.max(1, wanted)).toFixed(3)} (identical top 10 for ${identical})`;
}

function spawnFails(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const { graph, catalogue } = await measure('projection build (bundle → graphology)', () => projectBundle(bundle), `${bundle.partners.length.toLocaleString('en')} partners, ${bundle.customers.length.toLocaleString('en')} customers, ${bundle.relationships.length.toLocaleString('en')} relationships`);
console.log(`graph: ${graph.order.toLocaleString('en')} nodes, ${graph.size.toLocaleString('en')} edges`);
const communities = await measure('communities (Louvain)', () => detectCommunities(graph), '');
rows.at(-1)!.note = `${new Set(Object.values(communities)).size} communities`;
const { ranks, iterations } = await measure('PageRank', () => pagerankWithIterations(graph));
rows.at(-1)!.note = `${iterations} iterations; ${pagerankAgainstIgraph(ranks)}`;
console.log(`PageRank: ${rows.at(-1)!.note}`);
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
  introductionsFor(graph, id, IntroductionsQuery.parse({}), {}, catalogue);
  introTimes.push(performance.now() - started);
}
rows.push({ analytic: 'introductions for one partner (median of 20)', time: `${median(introTimes).toFixed(1)} ms`, 'RSS after': mb(process.memoryUsage().rss), 'RSS growth': '', note: `max ${Math.max(...introTimes).toFixed(1)} ms` });
console.log(`introductions for one partner: ${rows.at(-1)!.note}, median ${rows.at(-1)!.time}`);
rows.at(-1)!.note += `; ${introductionsRecall(10)}`;
console.log(`introductions: ${rows.at(-1)!.note}`);
await measure('introductions, whole ecosystem (top 10)', () => topIntroductions(graph, IntroductionsQuery.parse({}), {}, catalogue));
const customer = bundle.customers.find((c) => c.needs.length >= 3) ?? bundle.customers[0]!;
for (const maxSize of [4, 6]) {
  const teamTimes: number[] = [];
  let proven = 0;
  const requests = bundle.customers.filter((c) => c.needs.length >= 2).slice(0, 10);
  for (const c of requests) {
    const started = performance.now();
    const answer = assembleDealTeams(graph, DealTeamRequest.parse({ customerId: c.id, roles: ['reseller', 'technology', 'service'], maxSize }), {}, catalogue);
    teamTimes.push(performance.now() - started);
    if (answer.optimality === 'proven') proven++;
  }
  rows.push({
    analytic: `deal team, maxSize ${maxSize} (median of ${requests.length} customers)`,
    time: `${median(teamTimes).toFixed(1)} ms`,
    'RSS after': mb(process.memoryUsage().rss),
    'RSS growth': '',
    note: `max ${Math.max(...teamTimes).toFixed(1)} ms; optimality proven for ${proven} of ${requests.length}; e.g. ${customer.id}`,
  });
  console.log(`deal team maxSize ${maxSize}: median ${rows.at(-1)!.time}, ${rows.at(-1)!.note}`);
}
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
