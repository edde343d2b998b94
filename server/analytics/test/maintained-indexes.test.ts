/**
 * The indexes kept current write by write (introductions' region lists and
 * needs, the gaps' demand cells) against the same indexes built afresh, after
 * random writes of the kinds the API makes: partners and customers added or
 * changed, relationships added, nodes dropped.
 */
import { describe, expect, it } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { applyBundle, projectBundle } from '../../projection/from-bundle.js';
import type { EcoGraph } from '../../projection/types.js';
import { GapsQuery, IntroductionsQuery } from '../../schemas/analytics.js';
import type { Bundle } from '../../schemas/bundle.js';
import { seededRandom } from '../communities.js';
import { cellIndexOf, indexCells } from '../demand-cells.js';
import { capabilityGaps } from '../gaps.js';
import { buildEcosystemIndex, ecosystemIndex, introductionsFor } from '../introductions.js';
import { NodePositions, NodeValues } from '../../projection/node-values.js';

const NO_METRICS = { version: 1, communities: NodeValues.of({}), pagerank: NodeValues.of({}), betweenness: { scores: NodeValues.of({}), exact: true, sources: 0 }, articulationPoints: new Set<string>(), bridges: [], weakPoints: { brokers: [], articulationPoints: [], disconnects: {}, isolated: [] }, positions: NodePositions.of({}), layoutPending: false };
const none = { version: 1 as const, capabilities: [], regions: [], segments: [], partners: [], customers: [], relationships: [], deals: [], solutions: [] };

/** One random write of the kinds the API makes, applied as the service applies a committed write (or a drop, as a rebuild would not). */
function randomWrite(graph: EcoGraph, bundle: Bundle, random: () => number, n: number): void {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const some = <T>(list: readonly T[], most: number) => [...new Set(Array.from({ length: Math.floor(random() * (most + 1)) }, () => pick(list)))];
  const regions = bundle.regions.map((r) => r.id);
  const segments = bundle.segments.map((s) => s.id);
  const capabilities = bundle.capabilities.map((c) => c.id);
  const partners = graph.filterNodes((_id, node) => node.kind === 'partner');
  const customers = graph.filterNodes((_id, node) => node.kind === 'customer');
  const kind = random();
  if (kind < 0.35) {
    // A partner written anew or changed: regions, segments and capabilities redrawn.
    const id = random() < 0.3 ? `p-new-${n}` : pick(partners);
    const partner = {
      ...(bundle.partners.find((p) => p.id === id) ?? bundle.partners[0]!),
      id,
      name: `Partner ${id}`,
      regions: some(regions, 3),
      segments: some(segments, 2),
      capabilities: some(capabilities, 4).map((c) => ({ id: c, level: pick(['basic', 'advanced', 'certified'] as const), certified: random() < 0.3 })),
    };
    applyBundle(graph, { capabilities: new Map(), regions: [], segments: [], deals: [], solutions: [] }, { ...none, partners: [partner] });
  } else if (kind < 0.6) {
    const id = random() < 0.3 ? `c-new-${n}` : pick(customers);
    const customer = { ...bundle.customers[0]!, id, name: `Customer ${id}`, region: pick(regions), segment: pick(segments), needs: some(capabilities, 3) };
    applyBundle(graph, { capabilities: new Map(), regions: [], segments: [], deals: [], solutions: [] }, { ...none, customers: [customer] });
  } else if (kind < 0.85) {
    applyBundle(graph, { capabilities: new Map(), regions: [], segments: [], deals: [], solutions: [] }, {
      ...none,
      relationships: [{ from: pick(partners), to: pick(customers), type: 'SERVES', role: 'resell', annualValue: Math.round(random() * 100_000) }],
    });
  } else {
    graph.dropNode(pick(random() < 0.5 ? partners : customers));
  }
}

/** Lists in a comparable form: regions' lists as ids in order, needs' counts as sorted entries. */
function introductionsIndex(index: ReturnType<typeof buildEcosystemIndex>) {
  return {
    partnersByRegion: Object.fromEntries([...index.partnersByRegion].map(([region, list]) => [region, list.map(([id]) => id)]).sort()),
    regionNeeds: Object.fromEntries([...index.regionNeeds].map(([region, needs]) => [region, Object.fromEntries([...needs].sort())]).sort()),
  };
}

function cells(index: ReturnType<typeof indexCells>) {
  const rows: string[] = [];
  for (const [capability, byRegion] of index.cells)
    for (const [region, bySegment] of byRegion)
      for (const [segment, cell] of bySegment) rows.push(`${capability}|${region}|${segment}|${[...cell.customers].sort()}|${cell.qualified.map((h) => `${h.id}:${h.level}`).sort()}|${cell.supply}`);
  const holders = [...index.holders].map(([capability, list]) => `${capability}:${list.map((h) => h.id).sort()}`);
  const regional = [...index.regionalHolders].flatMap(([capability, byRegion]) => [...byRegion].map(([region, list]) => `${capability}|${region}:${list.map((h) => h.id).sort()}`));
  return { rows: rows.sort(), holders: holders.sort(), regional: regional.sort() };
}

describe('indexes kept current write by write', () => {
  for (const seed of [1, 2, 3]) {
    it(`give exactly the answers of a fresh build after random writes (seed ${seed})`, () => {
      const bundle = generateBundle({ partners: 200, customers: 400, relationships: 2000, seed });
      const { graph, catalogue } = projectBundle(bundle);
      const random = seededRandom(seed);
      // Built before the writes, so that every write below goes through the updates.
      ecosystemIndex(graph);
      cellIndexOf(graph);
      for (let round = 0; round < 4; round++) {
        for (let n = 0; n < 40; n++) randomWrite(graph, bundle, random, round * 100 + n);
        expect(introductionsIndex(ecosystemIndex(graph))).toEqual(introductionsIndex(buildEcosystemIndex(graph)));
        expect(cells(cellIndexOf(graph))).toEqual(cells(indexCells(graph)));

        // And every answer they serve: the same as on a copy of the graph, whose indexes are built afresh.
        const fresh = graph.copy();
        const partners = graph.filterNodes((_id, node) => node.kind === 'partner').filter((_, i) => i % 40 === round);
        for (const id of partners) {
          for (const q of [IntroductionsQuery.parse({}), IntroductionsQuery.parse({ k: 25, type: 'service' })]) {
            expect(introductionsFor(graph, id, q, {}, catalogue)).toEqual(introductionsFor(fresh, id, q, {}, catalogue));
          }
        }
        for (const q of [GapsQuery.parse({ limit: 100 }), GapsQuery.parse({ capability: bundle.capabilities[round]!.id })]) {
          // New metrics objects: the structural weak points are kept per metrics version (and graph).
          expect(capabilityGaps(graph, catalogue, { ...NO_METRICS }, q)).toEqual(capabilityGaps(fresh, catalogue, { ...NO_METRICS }, q));
        }
      }
    });
  }
});
