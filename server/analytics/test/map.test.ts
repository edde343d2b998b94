import { describe, expect, it } from 'vitest';
import { buildMap, mapSteps } from '../map.js';
import { MapQuery } from '../../schemas/analytics.js';
import { deriveMetrics } from '../../projection/derive.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph, type PartnerSpec } from '../../projection/build.js';
import type { EcoGraph } from '../../projection/types.js';
import { projectBundle } from '../../projection/from-bundle.js';
import { generateBundle } from '../../../seeds/generate.js';

/**
 * Three partner cliques, each with its own customers:
 * A: a0..a5 in emea (a0..a2 resellers growing, a3..a5 technology onboarding; a0 gold and certified in crm),
 *    serving ca0..ca3 (ca0 needs crm);
 * B: b0..b4 service partners in na, serving cb0, cb1 (enterprise customers in na);
 * C: c0..c3 msps in apac, serving cc0.
 * Two relationships join A and B (a0–b0, a1–b1), one joins B and C (b2–c0).
 */
function ecosystem(): EcoGraph {
  const graph = createEcoGraph();
  const clique = (specs: PartnerSpec[]) => {
    for (const spec of specs) addPartner(graph, spec);
    specs.forEach((a, i) => specs.slice(i + 1).forEach((b) => addRelationship(graph, { from: a.id, to: b.id, type: 'CO_SELLS_WITH' })));
  };
  clique(
    Array.from({ length: 6 }, (_, i): PartnerSpec => ({
      id: `a${i}`,
      label: `Alpha ${i}`,
      types: [i < 3 ? 'reseller' : 'technology'],
      tier: i === 0 ? 'gold' : 'silver',
      regions: ['emea'],
      segments: ['smb'],
      capabilities: i === 0 ? { crm: 'certified' } : {},
      lifecycle: i < 3 ? { resell: 'grow' } : { cloud: 'onboard' },
    })),
  );
  clique(Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, label: `Beta ${i}`, types: ['service'], regions: ['na'], segments: ['enterprise'] })));
  clique(Array.from({ length: 4 }, (_, i) => ({ id: `c${i}`, label: `Gamma ${i}`, types: ['msp'], regions: ['apac'], segments: ['smb'] })));
  const serve = (partner: string, customer: string) => addRelationship(graph, { from: partner, to: customer, type: 'SERVES', role: 'resell' });
  for (let i = 0; i < 4; i++) {
    addCustomer(graph, { id: `ca${i}`, segment: 'smb', region: 'emea', needs: i === 0 ? ['crm'] : [] });
    serve('a0', `ca${i}`);
  }
  for (let i = 0; i < 2; i++) {
    addCustomer(graph, { id: `cb${i}`, segment: 'enterprise', region: 'na' });
    serve('b3', `cb${i}`);
  }
  addCustomer(graph, { id: 'cc0', segment: 'smb', region: 'apac' });
  serve('c1', 'cc0');
  addRelationship(graph, { from: 'a0', to: 'b0', type: 'REFERS_TO' });
  addRelationship(graph, { from: 'a1', to: 'b1', type: 'RESELLS' });
  addRelationship(graph, { from: 'b2', to: 'c0', type: 'INTEGRATES_WITH' });
  return graph;
}

const graph = ecosystem();
const derived = deriveMetrics(graph, 7);
const map = (query: Partial<MapQuery> & Record<string, unknown> = {}) => buildMap(graph, derived, { ...MapQuery.parse({}), ...query });
const ids = (response: ReturnType<typeof map>) => response.nodes.map((node) => node.id).sort();
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const communityOf = (id: string) => derived.communities.get(id)!;

describe('buildMap', () => {
  it('finds the three cliques as communities', () => {
    expect(new Set([...range('a', 6), ...range('ca', 4)].map(communityOf)).size).toBe(1);
    expect(new Set([...range('b', 5), ...range('cb', 2)].map(communityOf)).size).toBe(1);
    expect(new Set([...range('c', 4), 'cc0'].map(communityOf)).size).toBe(1);
  });

  it('shows every node and relationship under the budget', () => {
    const response = map();
    expect(response).toMatchObject({ version: 7, aggregated: false, totalNodes: 22 });
    expect(response.nodes).toHaveLength(22);
    expect(response.edges).toHaveLength(graph.size);
    const a0 = response.nodes.find((node) => node.id === 'a0')!;
    expect(a0).toMatchObject({ label: 'Alpha 0', kind: 'partner', types: ['reseller'], tier: 'gold', degree: 10, ...derived.positions.get('a0') });
    const sizes = response.nodes.map((node) => node.size);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sizes)).toBe(20);
    expect(response.edges.find((edge) => edge.id === 'a0/b0')).toEqual({ id: 'a0/b0', source: 'a0', target: 'b0', types: ['REFERS_TO'], roles: [], value: 0, weight: 1 });
  });

  it('gives the same edge ids on every call', () => {
    expect(map().edges.map((edge) => edge.id)).toEqual(map().edges.map((edge) => edge.id));
  });

  it('aggregates above the budget: one super-node per community, counts adding up to the total', () => {
    const response = map({ budget: 10 });
    expect(response.aggregated).toBe(true);
    expect(response.totalNodes).toBe(22);
    expect(response.nodes.map((node) => node.kind)).toEqual(['community', 'community', 'community']);
    expect(response.nodes.reduce((sum, node) => sum + node.count!, 0)).toBe(22);
    const A = `community:${communityOf('a0')}`;
    const B = `community:${communityOf('b0')}`;
    const C = `community:${communityOf('c0')}`;
    const superA = response.nodes.find((node) => node.id === A)!;
    expect(superA.count).toBe(10);
    // Top partners by PageRank: a0 (10 relationships), a1 (6), then one of a2..a5 (5 each).
    expect(superA.label).toMatch(new RegExp(`^Community ${communityOf('a0')} · 10 nodes — top: Alpha 0, Alpha 1, Alpha [2-5]$`));
    const weights = Object.fromEntries(response.edges.map((edge) => [[edge.source, edge.target].sort().join(' '), edge.weight]));
    expect(weights).toEqual({ [[A, B].sort().join(' ')]: 2, [[B, C].sort().join(' ')]: 1 });
  });

  it('places a super-node at its members’ centroid', () => {
    const members = [...range('c', 4), 'cc0'];
    const x = members.reduce((sum, id) => sum + derived.positions.get(id)!.x, 0) / members.length;
    const node = map({ budget: 10 }).nodes.find((n) => n.id === `community:${communityOf('c0')}`)!;
    expect(node.x).toBeCloseTo(x, 9);
  });

  it('drills down into one community', () => {
    const response = map({ community: communityOf('b0'), budget: 10 });
    expect(response.aggregated).toBe(false);
    expect(ids(response)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'cb0', 'cb1']);
    expect(response.edges).toHaveLength(10 + 2);
  });

  it('keeps the top nodes by the size centrality when a drill-down is still over budget', () => {
    const response = map({ community: communityOf('a0'), budget: 3, sizeBy: 'degree' });
    expect(response).toMatchObject({ aggregated: true, totalNodes: 10 });
    // a0 has degree 10 and a1 6; a2..a5 (5 each) tie, and the first in node order goes.
    expect(ids(response)).toEqual(['a0', 'a1', 'a2']);
  });

  it('shows the ego network of a focus, one or two hops deep', () => {
    expect(ids(map({ focus: 'c0', depth: 1 }))).toEqual(['b2', 'c0', 'c1', 'c2', 'c3']);
    expect(ids(map({ focus: 'c0', depth: 2 }))).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'c0', 'c1', 'c2', 'c3', 'cc0']);
  });

  it('keeps the focus whatever the filters', () => {
    expect(ids(map({ focus: 'c0', depth: 1, region: 'na' }))).toEqual(['b2', 'c0']);
  });

  it('throws for an unknown focus', () => {
    expect(() => map({ focus: 'nobody' })).toThrow(/^analytics\/map: unknown focus/);
  });

  it('counts facets over the filtered view', () => {
    const { facets } = map();
    expect(facets.type).toEqual({ reseller: 3, technology: 3, service: 5, msp: 4 });
    expect(facets.tier).toEqual({ gold: 1, silver: 5, registered: 9 });
    expect(facets.region).toEqual({ emea: 10, na: 7, apac: 5 });
    expect(facets.segment).toEqual({ smb: 15, enterprise: 7 });
    expect(facets.stage).toEqual({ grow: 3, onboard: 3 });
    expect(Object.values(facets.community!).sort()).toEqual([10, 5, 7].sort());
    expect(map({ region: 'apac' }).facets.type).toEqual({ msp: 4 });
  });

  it('filters partners by their own fields and customers by theirs', () => {
    expect(ids(map({ region: 'na' }))).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'cb0', 'cb1']);
    expect(ids(map({ segment: 'enterprise', includeCustomers: false }))).toEqual(range('b', 5));
    expect(ids(map({ capability: 'crm' }))).toEqual(['a0', 'ca0']);
    expect(ids(map({ tier: 'gold' }))).toEqual(['a0', 'ca0', 'ca1', 'ca2', 'ca3']);
    expect(ids(map({ minDegree: 6 }))).toEqual(['a0', 'a1', 'b3']);
  });

  it('keeps the customers of the partners that pass a partner-only filter', () => {
    expect(ids(map({ type: 'reseller' }))).toEqual(['a0', 'a1', 'a2', 'ca0', 'ca1', 'ca2', 'ca3']);
    expect(ids(map({ stage: 'onboard' }))).toEqual(['a3', 'a4', 'a5']);
    expect(ids(map({ type: 'reseller', includeCustomers: false }))).toEqual(['a0', 'a1', 'a2']);
  });
});

describe('buildMap after edits in place', () => {
  // The reference: the same edits on a copy whose index is built from scratch.
  it('answers exactly as a map built afresh over the edited graph', () => {
    const live = ecosystem();
    const metrics = deriveMetrics(live, 1);
    const queries: Array<Partial<MapQuery>> = [
      {},
      { budget: 3 },
      { budget: 3, includeCustomers: false },
      { focus: 'a0', depth: 2 },
      { type: 'service' },
      { minDegree: 3 },
      { community: metrics.communities.get('b0') },
    ];
    const answer = (graph: EcoGraph, query: Partial<MapQuery>) => buildMap(graph, metrics, { ...MapQuery.parse({}), ...query });
    for (const query of queries) answer(live, query);
    const edits: Array<(graph: EcoGraph) => void> = [
      (g) => addPartner(g, { id: 'n0', label: 'New 0', types: ['service'], regions: ['na'] }),
      (g) => addRelationship(g, { from: 'n0', to: 'b4', type: 'CO_SELLS_WITH' }),
      (g) => addPartner(g, { id: 'n1', types: ['msp'] }),
      (g) => addRelationship(g, { from: 'n1', to: 'n0', type: 'REFERS_TO' }),
      (g) => addRelationship(g, { from: 'c3', to: 'a5', type: 'INTEGRATES_WITH' }),
      (g) => addRelationship(g, { from: 'a0', to: 'b0', type: 'RESELLS', role: 'resell', annualValue: 9 }),
      (g) => addPartner(g, { id: 'a1', label: 'Alpha one', types: ['service'], tier: 'gold', regions: ['na'] }),
      (g) => addCustomer(g, { id: 'cn0', segment: 'smb', region: 'apac' }),
      // The whole ecosystem's facets are kept current: a changed partner's and customer's old values come off them.
      (g) => addPartner(g, { id: 'a3', types: ['technology', 'msp'], tier: 'platinum', regions: ['apac'], segments: ['enterprise'], capabilities: { erp: 'basic' }, lifecycle: { cloud: 'grow' } }),
      (g) => addCustomer(g, { id: 'ca0', segment: 'enterprise', region: 'na', needs: ['erp'] }),
      // A record changed in place (not through the projection's writes) leaves nothing to take off: counted again.
      (g) => g.mergeNodeAttributes('b2', { tier: 'platinum' }),
      (g) => addPartner(g, { id: 'b2', types: ['service'], tier: 'gold', regions: ['na'], segments: ['enterprise'] }),
    ];
    for (const edit of edits) {
      edit(live);
      const fresh = live.copy();
      for (const query of queries) expect(answer(live, query)).toEqual(answer(fresh, query));
    }
    // Several writes between two requests: one patch lays them all out (in the arrays of the patch before last).
    const more: Array<(graph: EcoGraph) => void> = [
      (g) => addPartner(g, { id: 'n2', types: ['service'], regions: ['na'] }),
      (g) => addRelationship(g, { from: 'n2', to: 'a3', type: 'CO_SELLS_WITH' }),
      (g) => addRelationship(g, { from: 'b2', to: 'c1', type: 'REFERS_TO' }),
      (g) => addRelationship(g, { from: 'a4', to: 'b3', type: 'REFERS_TO', annualValue: 5 }),
      (g) => addRelationship(g, { from: 'a2', to: 'c3', type: 'INTEGRATES_WITH' }),
      (g) => addRelationship(g, { from: 'n2', to: 'n0', type: 'REFERS_TO' }),
      (g) => addCustomer(g, { id: 'cn1', segment: 'smb', region: 'na' }),
    ];
    for (let i = 0; i < more.length; i += 3) {
      for (const edit of more.slice(i, i + 3)) edit(live);
      const fresh = live.copy();
      for (const query of queries) expect(answer(live, query)).toEqual(answer(fresh, query));
    }
    expect(answer(live, {}).nodes.find((node) => node.id === 'a1')).toMatchObject({ label: 'Alpha one', tier: 'gold', community: metrics.communities.get('a1') });
    expect(answer(live, { focus: 'n1' }).nodes.map((node) => node.id).sort()).toEqual(['n0', 'n1']);
  });

  it('answers computations interleaved step by step after a write, which drive one patch between them, as a fresh map', () => {
    const live = ecosystem();
    const metrics = deriveMetrics(live, 1);
    const queries: MapQuery[] = [MapQuery.parse({}), MapQuery.parse({ focus: 'a0', depth: 2 }), { ...MapQuery.parse({}), budget: 3 }];
    buildMap(live, metrics, queries[0]!);
    const edits: Array<(graph: EcoGraph) => void> = [
      (g) => addPartner(g, { id: 'n0', types: ['service'], regions: ['na'] }),
      (g) => addRelationship(g, { from: 'n0', to: 'a0', type: 'CO_SELLS_WITH' }),
      (g) => addRelationship(g, { from: 'c2', to: 'b1', type: 'REFERS_TO' }),
    ];
    for (const edit of edits) {
      edit(live);
      const running = queries.map((query) => mapSteps(live, metrics, query));
      const answers: unknown[] = [];
      // One step of each in turn, as the server runs their slices.
      while (answers.filter((answer) => answer !== undefined).length < running.length) {
        running.forEach((steps, i) => {
          if (answers[i] !== undefined) return;
          const step = steps.next();
          if (step.done) answers[i] = step.value;
        });
      }
      const fresh = live.copy();
      expect(answers).toEqual(queries.map((query) => buildMap(fresh, metrics, query)));
    }
  });

  it('places a partner added with no relationship just outside the layout', () => {
    const live = ecosystem();
    const metrics = deriveMetrics(live, 1);
    buildMap(live, metrics, MapQuery.parse({}));
    addPartner(live, { id: 'lone', types: ['msp'] });
    const nodes = buildMap(live, metrics, MapQuery.parse({})).nodes;
    const at = (id: string) => nodes.find((node) => node.id === id)!;
    const laidOut = nodes.filter((node) => node.id !== 'lone');
    const [cx, cy] = [laidOut.reduce((sum, node) => sum + node.x, 0) / laidOut.length, laidOut.reduce((sum, node) => sum + node.y, 0) / laidOut.length];
    const reach = Math.max(...laidOut.map((node) => Math.hypot(node.x - cx, node.y - cy)));
    expect(Math.hypot(at('lone').x - cx, at('lone').y - cy)).toBeGreaterThan(reach);
  });

  it('rebuilds after a drop', () => {
    const live = ecosystem();
    const metrics = deriveMetrics(live, 1);
    const answer = (graph: EcoGraph) => buildMap(graph, metrics, MapQuery.parse({}));
    answer(live);
    live.dropNode('cc0');
    expect(answer(live)).toEqual(answer(live.copy()));
  });
});

describe('the whole-ecosystem map against a brute force', () => {
  /** A generated ecosystem (several roles and types between communities, partners in several tracks). */
  const bundle = generateBundle({ partners: 600, customers: 900, relationships: 5000, seed: 23 });
  const { graph: big } = projectBundle(bundle);
  const bigDerived = deriveMetrics(big, 1);

  it('sums every link between two communities shown, with its types, roles and value', () => {
    for (const budget of [12, 60]) {
      const response = buildMap(big, bigDerived, { ...MapQuery.parse({}), budget });
      expect(response.aggregated).toBe(true);
      const shown = new Set(response.nodes.map((node) => node.id));
      const slotOf = (id: string) => (shown.has(`community:${bigDerived.communities.get(id)}`) ? `community:${bigDerived.communities.get(id)}` : 'community:other');
      const links = new Map<string, { weight: number; types: Set<string>; roles: Set<string>; value: number }>();
      big.forEachEdge((_, edge, source, target) => {
        const [a, b] = [slotOf(source), slotOf(target)].sort();
        if (a === b) return;
        const link = links.get(`${a}/${b}`) ?? { weight: 0, types: new Set(), roles: new Set(), value: 0 };
        link.weight += Math.max(1, edge.relationships?.length ?? 1);
        edge.types.forEach((type) => link.types.add(type));
        edge.roles.forEach((role) => link.roles.add(role));
        link.value += edge.value;
        links.set(`${a}/${b}`, link);
      });
      expect(response.edges.length).toBeGreaterThan(5);
      for (const edge of response.edges) {
        const expected = links.get(edge.id)!;
        expect(edge).toMatchObject({ weight: expected.weight, roles: [...expected.roles].sort(), value: expect.closeTo(expected.value, 6) });
        expect(new Set(edge.types)).toEqual(expected.types);
      }
      // Not vacuous: links with roles and values among them.
      expect(response.edges.some((edge) => (edge.roles?.length ?? 0) > 1 && (edge.value ?? 0) > 0)).toBe(true);
      // The strongest link of every community shown is among them.
      for (const node of response.nodes) {
        const strongest = [...links].filter(([key]) => key.split('/').includes(node.id)).sort(([ka, a], [kb, b]) => b.weight - a.weight || (ka < kb ? -1 : 1))[0];
        if (strongest !== undefined) expect(response.edges.map((edge) => edge.weight)).toContain(strongest[1].weight);
      }
    }
  });

  it('counts every facet value once per node that has it', () => {
    const { facets } = buildMap(big, bigDerived, MapQuery.parse({}));
    const expected: Record<string, Record<string, number>> = { type: {}, tier: {}, region: {}, segment: {}, capability: {}, stage: {}, community: {} };
    const count = (facet: string, values: Iterable<string>) => new Set(values).forEach((value) => (expected[facet]![value] = (expected[facet]![value] ?? 0) + 1));
    big.forEachNode((id, node) => {
      count('community', [String(bigDerived.communities.get(id))]);
      if (node.kind === 'customer') {
        count('region', [node.region]);
        count('segment', [node.segment]);
        count('capability', node.needs);
        return;
      }
      count('type', node.types);
      count('tier', [node.tier]);
      count('region', node.regions);
      count('segment', node.segments);
      count('capability', Object.keys(node.capabilities));
      count('stage', Object.values(node.lifecycle));
    });
    expect(Object.keys(expected.stage!).length).toBeGreaterThan(1);
    expect(facets).toEqual(expected);
    // Values in code-unit order, whatever order the nodes came in.
    for (const facet of ['type', 'tier', 'region', 'segment', 'capability', 'stage'] as const) expect(Object.keys(facets[facet] ?? {})).toEqual(Object.keys(facets[facet] ?? {}).sort());
  });
});
