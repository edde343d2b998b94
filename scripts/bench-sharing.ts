/**
 * What a partner key's scoping costs, the pure functions alone, on a
 * generated ecosystem with the generator's sharing settings: the projection
 * built from the bundle, then for the partners with the most relationships
 * and for those shown `everything`, the partner's view (its visible subgraph,
 * built once per store version and partner), its account mapping, and its
 * introductions on the view beside the same on the whole graph (median of 3).
 *
 *   flock /tmp/ecograph-bench.lock npm run bench:sharing -- --partners 100000 --customers 200000 --relationships 1000000
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readBundleInput } from '../server/import/read-input.js';
import type { Bundle } from '../server/schemas/bundle.js';
import { projectBundle } from '../server/projection/from-bundle.js';
import { accountMapping, buildPartnerView, levelFor } from '../server/access/visibility.js';
import { introductionsFor } from '../server/analytics/introductions.js';
import type { SharingLevel } from '../server/schemas/sharing.js';
import { generatedBundleArgs } from './generated-bundle.js';

const size = generatedBundleArgs({ bundle: { type: 'string' }, sample: { type: 'string', default: '10' } });
// Its own file: the shared benchmark bundles may predate the generator's sharing settings.
const file = size.bundle ?? path.join(tmpdir(), `ecograph-bench-sharing-${size.partners}-${size.customers}-${size.relationships}-${size.seed}.json`);
if (!existsSync(file)) {
  console.log(`generating ${file} …`);
  const args = ['--partners', size.partners, '--customers', size.customers, '--relationships', size.relationships, '--seed', size.seed, '--out', file];
  execFileSync(process.execPath, ['--import', 'tsx', 'seeds/generate.ts', ...args], { stdio: 'inherit' });
}
const bundle = (await readBundleInput(file)) as unknown as Bundle;
const rows = bundle.sharing ?? [];
let t = performance.now();
const projection = { ...projectBundle(bundle), version: 1 };
const graph = projection.graph;
console.log(`${bundle.partners.length.toLocaleString('en')} partners, ${graph.size.toLocaleString('en')} edges, ${rows.length.toLocaleString('en')} partners with sharing settings; projected in ${Math.round(performance.now() - t)} ms`);

const median = (run: () => void) => {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[1]!;
};
const sample = Number(size.sample);
const hubs = bundle.partners.map((p) => p.id).sort((a, b) => graph.degree(b) - graph.degree(a) || (a < b ? -1 : 1)).slice(0, sample);
const shownEverything = rows.flatMap((r) => Object.entries(r.partners ?? {}).filter(([, level]) => level === 'everything').map(([other]) => other)).slice(0, sample);
const own = new Map(rows.map((r) => [r.partner, r]));
const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
const builds: number[] = [];
for (const partner of [...hubs, ...shownEverything]) {
  t = performance.now();
  // What every other partner shares with this one, as the store's sharing/toward read gives it.
  const shared = new Map<string, SharingLevel>(rows.filter((r) => r.partner !== partner).map((r) => [r.partner, levelFor(r, partner)]));
  const view = buildPartnerView(projection, partner, shared);
  const buildMs = performance.now() - t;
  builds.push(buildMs);
  const mappingMs = median(() => accountMapping(graph, view, own.get(partner) ?? null));
  const scopedMs = median(() => introductionsFor(view.graph, partner, { k: 10 }, {}, projection.catalogue));
  const wholeMs = median(() => introductionsFor(graph, partner, { k: 10 }, {}, projection.catalogue));
  console.log(
    `${partner} (degree ${graph.degree(partner)}): view ${view.graph.order} nodes, ${view.graph.size} edges, ${view.shared.size} sharing, built in ${ms(buildMs)}; account mapping ${ms(mappingMs)}; introductions on the view ${ms(scopedMs)}, on the whole graph ${ms(wholeMs)}`,
  );
}
builds.sort((a, b) => a - b);
console.log(`view build: median ${ms(builds[Math.floor(builds.length / 2)]!)}, max ${ms(builds[builds.length - 1]!)} over ${builds.length} partners`);
