import { describe, expect, it } from 'vitest';
import { computeLayout, fromLayoutOutput, runLayoutInWorker, toLayoutInput, type LayoutInput } from '../layout.js';
import { toTopology } from '../../projection/topology.js';
import { detectCommunities } from '../communities.js';
import { addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';
import type { EcoGraph } from '../../projection/types.js';
import { NodePositions, NodeValues } from '../../projection/node-values.js';

function clique(graph: EcoGraph, ids: string[]): void {
  for (const id of ids) addPartner(graph, { id, types: ['service'] });
  ids.forEach((a, i) => ids.slice(i + 1).forEach((b) => addRelationship(graph, { from: a, to: b, type: 'CO_SELLS_WITH' })));
}

/** Three 8-cliques in a chain, one edge between neighbouring cliques. */
function threeCliques(): EcoGraph {
  const graph = createEcoGraph();
  for (const name of ['a', 'b', 'c']) clique(graph, Array.from({ length: 8 }, (_, i) => `${name}${i}`));
  addRelationship(graph, { from: 'a0', to: 'b0', type: 'REFERS_TO' });
  addRelationship(graph, { from: 'b1', to: 'c0', type: 'REFERS_TO' });
  return graph;
}

type Point = { x: number; y: number };
const distance = (p: Point, q: Point) => Math.hypot(p.x - q.x, p.y - q.y);
const centroid = (points: Point[]) => ({
  x: points.reduce((sum, p) => sum + p.x, 0) / points.length,
  y: points.reduce((sum, p) => sum + p.y, 0) / points.length,
});

function layout(graph: EcoGraph, previous?: Record<string, Point>, full = false): Record<string, Point> {
  const topology = toTopology(graph);
  const input = toLayoutInput(topology, NodeValues.of(detectCommunities(graph)), previous === undefined ? undefined : NodePositions.of(previous));
  return Object.fromEntries(fromLayoutOutput(topology.ids, computeLayout(input, { full })).entries());
}

describe('computeLayout', () => {
  it('draws communities apart: each clique is tighter than the gap between cliques', () => {
    const positions = layout(threeCliques());
    const members = (name: string) => Object.keys(positions).filter((id) => id.startsWith(name)).map((id) => positions[id]!);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => centroid(members(name)));
    const spread = Math.max(...['a', 'b', 'c'].flatMap((name) => members(name).map((p) => distance(p, centroid(members(name))))));
    expect(Object.values(positions).every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    expect(Math.min(distance(a!, b!), distance(b!, c!), distance(a!, c!))).toBeGreaterThan(spread);
  });

  it('keeps previous positions and places a new node next to its neighbour', () => {
    const graph = threeCliques();
    const before = layout(graph);
    addPartner(graph, { id: 'new', types: ['msp'] });
    addRelationship(graph, { from: 'new', to: 'c5', type: 'RESELLS' });
    const after = layout(graph, before);
    for (const id of Object.keys(before)) expect(after[id]).toEqual(before[id]);
    const longest = Math.max(...graph.mapEdges((_edge, _attributes, s, t) => (s === 'new' || t === 'new' ? 0 : distance(before[s]!, before[t]!))));
    // As far from its neighbour as a typical edge, and inside the neighbour's clique rather than another.
    expect(distance(after.new!, after.c5!)).toBeGreaterThan(0);
    expect(distance(after.new!, after.c5!)).toBeLessThanOrEqual(longest);
    const clique = (name: string) => centroid(Object.keys(before).filter((id) => id.startsWith(name)).map((id) => before[id]!));
    expect(distance(after.new!, clique('c'))).toBeLessThan(Math.min(distance(after.new!, clique('a')), distance(after.new!, clique('b'))));
  });

  it('puts a node without neighbours outside everything else', () => {
    const graph = threeCliques();
    addPartner(graph, { id: 'alone', types: ['msp'] });
    const positions = layout(graph);
    const centre = centroid(Object.keys(positions).filter((id) => id !== 'alone').map((id) => positions[id]!));
    const reach = Math.max(...Object.keys(positions).filter((id) => id !== 'alone').map((id) => distance(positions[id]!, centre)));
    expect(distance(positions.alone!, centre)).toBeGreaterThan(reach);
  });

  it('lays everything out afresh when asked for a full layout', () => {
    const graph = threeCliques();
    const far = Object.fromEntries(graph.nodes().map((id, i) => [id, { x: 1e6 + i, y: 1e6 }]));
    const positions = layout(graph, far, true);
    expect(Object.values(positions).every((p) => p.x < 1e5)).toBe(true);
  });

  it('rejects an edge to a node that does not exist', () => {
    const input: LayoutInput = { order: 2, communities: Int32Array.from([0, 0]), edges: Uint32Array.from([0, 2]) };
    expect(() => computeLayout(input)).toThrow(/^analytics\/layout: edge to unknown node/);
  });
});

describe('runLayoutInWorker', () => {
  it('returns finite coordinates for every node, as computeLayout does', async () => {
    const graph = threeCliques();
    const communities = NodeValues.of(detectCommunities(graph));
    const expected = computeLayout(toLayoutInput(toTopology(graph), communities));
    const positions = await runLayoutInWorker(toLayoutInput(toTopology(graph), communities));
    expect(positions).toHaveLength(2 * graph.order);
    expect([...positions].every(Number.isFinite)).toBe(true);
    expect(positions).toEqual(expected);
  });

  it('rejects with the layout error when the input is invalid', async () => {
    const input: LayoutInput = { order: 1, communities: Int32Array.from([0]), edges: Uint32Array.from([0, 5]) };
    await expect(runLayoutInWorker(input)).rejects.toThrow(/analytics\/layout: edge to unknown node/);
  });
});
