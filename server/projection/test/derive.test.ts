import { describe, expect, it } from 'vitest';
import { deriveInBackground, deriveMetrics, layoutFor } from '../derive.js';
import { fromTopology, toTopology } from '../topology.js';
import { addCustomer } from '../build.js';
import { addPartner, addRelationship, createEcoGraph } from '../build.js';
import type { EcoGraph } from '../types.js';
import { compareIds } from '../../order.js';
import { projectBundle } from '../from-bundle.js';
import { generateBundle } from '../../../seeds/generate.js';
import { seededRandom } from '../../analytics/communities.js';
import { derivedRecords } from '../../test/derived.js';

/** Two 12-cliques joined by partner x. */
function ecosystem(): EcoGraph {
  const graph = createEcoGraph();
  for (const side of ['a', 'b']) {
    const ids = Array.from({ length: 12 }, (_, i) => `${side}${i}`);
    for (const id of ids) addPartner(graph, { id, types: ['service'] });
    ids.forEach((a, i) => ids.slice(i + 1).forEach((b) => addRelationship(graph, { from: a, to: b, type: 'CO_SELLS_WITH' })));
  }
  addPartner(graph, { id: 'x', types: ['referral'] });
  addRelationship(graph, { from: 'x', to: 'a0', type: 'REFERS_TO' });
  addRelationship(graph, { from: 'x', to: 'b0', type: 'REFERS_TO' });
  return graph;
}

describe('deriveMetrics', () => {
  it('derives every metric, with a quick layout and a full one owed', () => {
    const graph = ecosystem();
    const derived = derivedRecords(deriveMetrics(graph, 3));
    expect(derived.version).toBe(3);
    expect(new Set(Object.values(derived.communities)).size).toBeGreaterThanOrEqual(2);
    expect(Object.values(derived.pagerank).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(derived.betweenness.exact).toBe(true);
    expect(derived.articulationPoints).toEqual(new Set(['a0', 'b0', 'x']));
    expect(derived.bridges).toHaveLength(2);
    expect(Object.keys(derived.positions).sort()).toEqual(graph.nodes().sort());
    expect(derived.layoutPending).toBe(true);
  });

  it('keeps previous positions, places new nodes, and owes no layout for a few new nodes', () => {
    const graph = ecosystem();
    const previous = { ...deriveMetrics(graph, 1), layoutPending: false };
    addPartner(graph, { id: 'new', types: ['msp'] });
    addRelationship(graph, { from: 'new', to: 'a3', type: 'RESELLS' });
    const derived = derivedRecords(deriveMetrics(graph, 2, previous));
    for (const [id, position] of previous.positions.entries()) expect(derived.positions[id]).toEqual(position);
    expect(Number.isFinite(derived.positions.new!.x)).toBe(true);
    expect(derived.layoutPending).toBe(false);
  });

  it('owes a full layout once many nodes are new', () => {
    const graph = ecosystem();
    const previous = { ...deriveMetrics(graph, 1), layoutPending: false };
    for (let i = 0; i < 5; i++) {
      addPartner(graph, { id: `n${i}`, types: ['msp'] });
      addRelationship(graph, { from: `n${i}`, to: 'b1', type: 'RESELLS' });
    }
    expect(deriveMetrics(graph, 2, previous).layoutPending).toBe(true);
  });
});

describe('layoutFor', () => {
  it('lays out every node in a worker thread', async () => {
    const graph = ecosystem();
    const positions = Object.fromEntries((await layoutFor(graph, deriveMetrics(graph, 1))).entries());
    expect(Object.keys(positions).sort()).toEqual(graph.nodes().sort());
    expect(Object.values(positions).every(({ x, y }) => Number.isFinite(x) && Number.isFinite(y))).toBe(true);
  });
});

describe('deriveInBackground', () => {
  it('derives in a worker thread exactly what deriveMetrics derives in-process', async () => {
    const graph = ecosystem();
    addCustomer(graph, { id: 'c1', segment: 'smb', region: 'emea' });
    addRelationship(graph, { from: 'a3', to: 'c1', type: 'SERVES', role: 'resell' });
    addRelationship(graph, { from: 'b3', to: 'c1', type: 'SERVES', role: 'resell' });
    // A customer only a3 serves: a3 is a cut point that would cut it off.
    addCustomer(graph, { id: 'c2', segment: 'smb', region: 'emea' });
    addRelationship(graph, { from: 'a3', to: 'c2', type: 'SERVES', role: 'resell' });
    const fromWorker = await deriveInBackground(graph, 4, undefined, 0);
    // The worker's columns come back over one node list, the positions' too (the layout covers the same nodes).
    expect(fromWorker.pagerank.nodes).toBe(fromWorker.communities.nodes);
    expect(fromWorker.positions.nodes).toBe(fromWorker.communities.nodes);
    const inWorker = derivedRecords(fromWorker);
    const inProcess = derivedRecords(deriveMetrics(graph, 4));
    expect(inWorker.communities).toEqual(inProcess.communities);
    expect(inWorker.betweenness).toEqual(inProcess.betweenness);
    expect(inWorker.articulationPoints).toEqual(inProcess.articulationPoints);
    expect(inWorker.bridges).toEqual(inProcess.bridges);
    expect(inWorker.weakPoints).toEqual(inProcess.weakPoints);
    expect(inProcess.weakPoints.disconnects['a3']).toEqual(['c2']);
    expect(inWorker.positions).toEqual(inProcess.positions);
    for (const [id, rank] of Object.entries(inProcess.pagerank)) expect(inWorker.pagerank[id]).toBeCloseTo(rank, 12);
  });

  it('keeps node kinds in the topology a worker reads', () => {
    const graph = ecosystem();
    addCustomer(graph, { id: 'c1', segment: 'smb', region: 'emea' });
    addRelationship(graph, { from: 'a3', to: 'c1', type: 'SERVES', role: 'resell' });
    const copy = fromTopology(toTopology(graph));
    expect(copy.order).toBe(graph.order);
    expect(copy.size).toBe(graph.size);
    expect(copy.getNodeAttribute('c1', 'kind')).toBe('customer');
    expect(copy.getNodeAttribute('x', 'kind')).toBe('partner');
    expect(copy.hasEdge('a3', 'c1')).toBe(true);
  });

  it('lists nodes by id and edges by their ends\' ranks, as a plain sort of the graph does', () => {
    const bundle = generateBundle({ partners: 400, customers: 300, relationships: 2500, seed: 11 });
    const { graph } = projectBundle(bundle);
    const ids = graph.nodes().sort(compareIds);
    const rank = new Map(ids.map((id, i) => [id, i]));
    const pairs = graph.mapEdges((_, __, source, target) => [rank.get(source)!, rank.get(target)!].sort((a, b) => a - b));
    pairs.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);

    const topology = toTopology(graph);
    expect(topology.ids).toEqual(ids);
    expect(Array.from(topology.edges)).toEqual(pairs.flat());
    expect(Array.from(topology.partner)).toEqual(ids.map((id) => (graph.getNodeAttribute(id, 'kind') === 'partner' ? 1 : 0)));
  });
});

describe('derived metrics depend on the data, not its order', () => {
  /** The generated ecosystem, its nodes and relationships added in a shuffled order. */
  function shuffledEcosystem(seed: number): EcoGraph {
    const bundle = generateBundle({ partners: 2500, customers: 1500, relationships: 9000, seed: 7 });
    const random = seededRandom(seed);
    const shuffle = <T>(items: T[]) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };
    const graph = createEcoGraph();
    const nodes = shuffle([...bundle.partners.map((p) => ({ partner: p })), ...bundle.customers.map((c) => ({ customer: c }))]);
    for (const n of nodes) {
      if ('partner' in n) addPartner(graph, { id: n.partner.id, types: n.partner.types });
      else addCustomer(graph, { id: n.customer.id, segment: n.customer.segment, region: n.customer.region });
    }
    for (const r of shuffle(bundle.relationships)) if (graph.hasNode(r.from) && graph.hasNode(r.to)) addRelationship(graph, r);
    return graph;
  }

  it('gives the same communities, sampled betweenness and layout whatever the order nodes and edges arrived in', async () => {
    const [one, other] = [shuffledEcosystem(1), shuffledEcosystem(2)];
    expect(one.nodes()).not.toEqual(other.nodes());
    const [a, b] = [deriveMetrics(one, 1), deriveMetrics(other, 1)];
    expect(a.betweenness.exact).toBe(false);
    expect(b.communities).toEqual(a.communities);
    expect(b.betweenness).toEqual(a.betweenness);
    expect(b.positions).toEqual(a.positions);
    expect(await layoutFor(other, b)).toEqual(await layoutFor(one, a));
  });
});
