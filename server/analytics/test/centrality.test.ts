import { describe, expect, it } from 'vitest';
import { betweenness as graphologyBetweenness } from 'graphology-metrics/centrality/index.js';
import { betweenness, degreeByType, dependenciesFrom, pagerank } from '../centrality.js';
import { seededRandom } from '../communities.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';
import type { EcoGraph } from '../../projection/types.js';

function partners(graph: EcoGraph, ids: string[]): void {
  for (const id of ids) addPartner(graph, { id, types: ['technology'] });
}

function link(graph: EcoGraph, pairs: Array<[string, string]>): void {
  for (const [from, to] of pairs) addRelationship(graph, { from, to, type: 'INTEGRATES_WITH' });
}

/** Preferential attachment: a few hubs, many small partners. */
function scaleFree(order: number, seed: number): EcoGraph {
  const graph = createEcoGraph();
  const random = seededRandom(seed);
  const ends: string[] = [];
  for (let i = 0; i < order; i++) {
    addPartner(graph, { id: `p${i}`, types: ['service'] });
    for (let k = 0; k < 2 && i > 0; k++) {
      const target = ends.length > 0 && random() < 0.8 ? ends[Math.floor(random() * ends.length)]! : `p${Math.floor(random() * i)}`;
      if (target === `p${i}` || graph.hasEdge(`p${i}`, target)) continue;
      addRelationship(graph, { from: `p${i}`, to: target, type: 'CO_SELLS_WITH' });
      ends.push(`p${i}`, target);
    }
  }
  return graph;
}

describe('pagerank', () => {
  it('is uniform on a cycle and sums to 1', () => {
    const graph = createEcoGraph();
    partners(graph, ['a', 'b', 'c', 'd']);
    link(graph, [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'a']]);
    const scores = pagerank(graph);
    for (const id of ['a', 'b', 'c', 'd']) expect(scores[id]).toBeCloseTo(0.25, 6);
  });

  it('ranks the centre of a star first', () => {
    const graph = createEcoGraph();
    partners(graph, ['hub', 'x', 'y', 'z']);
    link(graph, [['hub', 'x'], ['hub', 'y'], ['hub', 'z']]);
    const scores = pagerank(graph);
    expect(scores.hub).toBeGreaterThan(scores.x! * 2);
    expect(Object.values(scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('is empty for an empty graph', () => {
    expect(pagerank(createEcoGraph())).toEqual({});
  });

  it('gives isolated partners their share of the teleport and the dangling mass, as graphology and igraph do', () => {
    const graph = createEcoGraph();
    partners(graph, ['a', 'b', 'alone']);
    link(graph, [['a', 'b']]);
    // By symmetry a = b; alone = (1 - α)/3 + α · alone/3, so alone = 0.15 / (3 - 0.85).
    const scores = pagerank(graph);
    expect(scores.alone).toBeCloseTo(0.15 / 2.15, 9);
    expect(scores.a).toBeCloseTo((1 - 0.15 / 2.15) / 2, 9);
  });

  for (const [order, seed] of [
    [60, 3],
    [4000, 17],
  ] as const) {
    it(`matches an independent power iteration run to convergence on ${order} nodes, to 1e-6 relative`, () => {
      const graph = scaleFree(order, seed);
      for (let i = 0; i < order / 20; i++) addPartner(graph, { id: `isolated${i}`, types: ['reseller'] });
      const reference = powerIteration(graph, 0.85);
      const scores = pagerank(graph);
      for (const [id, rank] of Object.entries(reference)) expect(Math.abs(scores[id]! - rank) / rank).toBeLessThan(1e-6);
    });
  }

  it('throws rather than return unconverged ranks', () => {
    expect(() => pagerank(scaleFree(200, 5), { maxIterations: 3 })).toThrow(/^analytics\/centrality\/pagerank: failed to converge/);
  });
});

/**
 * PageRank by its definition, x ← α·(P x + dangling mass / n) + (1 − α)/n,
 * from a point mass until rounds stop changing anything (L1 below 1e-15).
 */
function powerIteration(graph: EcoGraph, alpha: number): Record<string, number> {
  const nodes = graph.nodes();
  const n = nodes.length;
  const index = new Map(nodes.map((id, i) => [id, i]));
  const neighbours = nodes.map((id) => graph.neighbors(id).map((other) => index.get(other)!));
  let x: number[] = nodes.map((_, i) => (i === 0 ? 1 : 0));
  for (let round = 0, change = 1; change > 1e-15 && round < 10_000; round++) {
    const dangling = x.reduce((sum, value, i) => (neighbours[i]!.length === 0 ? sum + value : sum), 0);
    const next = neighbours.map((list) => alpha * (list.reduce((sum, j) => sum + x[j]! / neighbours[j]!.length, 0) + dangling / n) + (1 - alpha) / n);
    change = next.reduce((sum, value, i) => sum + Math.abs(value - x[i]!), 0);
    x = next;
  }
  return Object.fromEntries(nodes.map((id, i) => [id, x[i]!]));
}

describe('degreeByType', () => {
  it('counts edges per relationship type, an edge once per type it carries', () => {
    const graph = createEcoGraph();
    partners(graph, ['p', 'q']);
    addCustomer(graph, { id: 'c1', segment: 'smb', region: 'emea' });
    addCustomer(graph, { id: 'c2', segment: 'smb', region: 'emea' });
    addRelationship(graph, { from: 'p', to: 'c1', type: 'SERVES', role: 'resell' });
    addRelationship(graph, { from: 'p', to: 'c2', type: 'SERVES', role: 'implement' });
    addRelationship(graph, { from: 'p', to: 'q', type: 'RESELLS' });
    addRelationship(graph, { from: 'q', to: 'p', type: 'CO_SELLS_WITH' });
    expect(degreeByType(graph, 'p')).toEqual({ SERVES: 2, RESELLS: 1, CO_SELLS_WITH: 1 });
  });

  it('throws for an unknown node', () => {
    expect(() => degreeByType(createEcoGraph(), 'nobody')).toThrow(/^analytics\/centrality: unknown node/);
  });
});

describe('betweenness', () => {
  it('is exact on a small graph: the middle of a path carries every path', () => {
    const graph = createEcoGraph();
    partners(graph, ['a', 'b', 'c']);
    link(graph, [['a', 'b'], ['b', 'c']]);
    const { scores, exact, sources } = betweenness(graph);
    expect(exact).toBe(true);
    expect(sources).toBe(3);
    // Normalised by (n-1)(n-2) = 2 over ordered pairs: (a,c) and (c,a) both pass through b.
    expect(scores).toEqual({ a: 0, b: 1, c: 0 });
  });

  it('leaves out customers served by one partner, and credits customers that join partners', () => {
    const graph = createEcoGraph();
    partners(graph, ['p', 'q']);
    for (const id of ['shared', 'only-p1', 'only-p2']) addCustomer(graph, { id, segment: 'smb', region: 'emea' });
    for (const [from, to] of [['p', 'shared'], ['q', 'shared'], ['p', 'only-p1'], ['p', 'only-p2']] as const) {
      addRelationship(graph, { from, to, type: 'SERVES', role: 'resell' });
    }
    const { scores } = betweenness(graph);
    // Only p, shared and q take part: shared lies between p and q; p's own customers earn p nothing.
    expect(scores).toEqual({ p: 0, q: 0, shared: 1, 'only-p1': 0, 'only-p2': 0 });
  });

  it('estimated from sampled sources, agrees with the exact values on the top nodes', () => {
    const graph = scaleFree(1500, 11);
    const exact = betweenness(graph);
    const sampled = betweenness(graph, { exactUpTo: 0, maxSources: 300, seed: 5 });
    expect(exact.exact).toBe(true);
    expect(sampled).toMatchObject({ exact: false, sources: 300 });
    const top = (scores: Record<string, number>, k: number) =>
      Object.keys(scores)
        .sort((a, b) => scores[b]! - scores[a]!)
        .slice(0, k);
    const sampledTop10 = new Set(top(sampled.scores, 10));
    expect(top(exact.scores, 5).every((id) => sampledTop10.has(id))).toBe(true);
    for (const id of top(exact.scores, 5)) {
      expect(sampled.scores[id]! / exact.scores[id]!).toBeGreaterThan(0.8);
      expect(sampled.scores[id]! / exact.scores[id]!).toBeLessThan(1.25);
    }
  });

  it('is deterministic for a seed', () => {
    const graph = scaleFree(400, 2);
    const options = { exactUpTo: 0, maxSources: 50, seed: 9 };
    expect(betweenness(graph, options)).toEqual(betweenness(graph, options));
  });

  it('rejects a non-positive sample', () => {
    expect(() => betweenness(createEcoGraph(), { maxSources: 0 })).toThrow(/^analytics\/centrality:/);
  });
});

describe('dependenciesFrom, the per-source Brandes kernel', () => {
  it("summed over every source, is twice graphology-metrics' unnormalised betweenness", () => {
    const graph = scaleFree(300, 5);
    const ours = dependenciesFrom(graph, graph.nodes());
    const reference = graphologyBetweenness(graph, { getEdgeWeight: null, normalized: false });
    for (const id of graph.nodes()) expect(ours[id]!).toBeCloseTo(2 * reference[id]!, 6);
  });

  it('throws for an unknown source', () => {
    expect(() => dependenciesFrom(scaleFree(10, 1), ['nobody'])).toThrow('unknown node');
  });
});

describe('betweenness of an empty or tiny ecosystem', () => {
  it('is 0 for every node when fewer than three take part', () => {
    const empty = createEcoGraph();
    expect(betweenness(empty)).toEqual({ scores: {}, exact: true, sources: 0 });
    const pair = createEcoGraph();
    partners(pair, ['a', 'b']);
    link(pair, [['a', 'b']]);
    expect(betweenness(pair).scores).toEqual({ a: 0, b: 0 });
    const customersOnly = createEcoGraph();
    for (const id of ['c1', 'c2', 'c3']) addCustomer(customersOnly, { id, segment: 'smb', region: 'emea' });
    expect(betweenness(customersOnly).scores).toEqual({ c1: 0, c2: 0, c3: 0 });
  });
});
