import { describe, expect, it } from 'vitest';
import { connectedComponents as graphologyComponents, largestConnectedComponent } from 'graphology-components';
import { articulationPoints, bridges, connectedComponents, disconnectedBy, isolated, largestComponent } from '../structure.js';
import { seededRandom } from '../communities.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';
import type { EcoGraph } from '../../projection/types.js';

const A = ['a1', 'a2', 'a3', 'a4', 'a5'];
const B = ['b1', 'b2', 'b3', 'b4'];

function clique(graph: EcoGraph, ids: string[]): void {
  for (const id of ids) addPartner(graph, { id, types: ['service'] });
  ids.forEach((a, i) => ids.slice(i + 1).forEach((b) => addRelationship(graph, { from: a, to: b, type: 'CO_SELLS_WITH' })));
}

/** Cliques A (5) and B (4), joined through partner x by `attachments` edges to each side. */
function barbell(attachments: 1 | 2): EcoGraph {
  const graph = createEcoGraph();
  clique(graph, A);
  clique(graph, B);
  addPartner(graph, { id: 'x', types: ['referral'] });
  for (const side of [A, B]) for (const id of side.slice(0, attachments)) addRelationship(graph, { from: 'x', to: id, type: 'REFERS_TO' });
  return graph;
}

const sortedPairs = (pairs: Array<[string, string]>) => pairs.map((pair) => [...pair].sort().join('-')).sort();

describe('articulation points and bridges', () => {
  it('joined by single edges: x and both ends are cut points, the joining edges are bridges', () => {
    const graph = barbell(1);
    expect(articulationPoints(graph).sort()).toEqual(['a1', 'b1', 'x']);
    expect(sortedPairs(bridges(graph))).toEqual(['a1-x', 'b1-x']);
  });

  it('joined by two edges a side: x is the only cut point and nothing is a bridge', () => {
    const graph = barbell(2);
    expect(articulationPoints(graph)).toEqual(['x']);
    expect(bridges(graph)).toEqual([]);
  });

  it('a customer served by one partner hangs on a bridge', () => {
    const graph = barbell(2);
    addCustomer(graph, { id: 'c', segment: 'smb', region: 'emea' });
    addRelationship(graph, { from: 'a3', to: 'c', type: 'SERVES', role: 'resell' });
    expect(articulationPoints(graph).sort()).toEqual(['a3', 'x']);
    expect(sortedPairs(bridges(graph))).toEqual(['a3-c']);
  });

  it('does not recurse: a 50,000-node path', () => {
    const graph = createEcoGraph();
    const n = 50_000;
    for (let i = 0; i < n; i++) addPartner(graph, { id: `p${i}`, types: ['msp'] });
    for (let i = 1; i < n; i++) addRelationship(graph, { from: `p${i - 1}`, to: `p${i}`, type: 'REFERS_TO' });
    expect(articulationPoints(graph)).toHaveLength(n - 2);
    expect(bridges(graph)).toHaveLength(n - 1);
    expect(disconnectedBy(graph, 'p30000')).toHaveLength(n - 30_001);
  });

  it('follows changes to the graph', () => {
    const graph = barbell(1);
    expect(articulationPoints(graph)).toContain('x');
    addRelationship(graph, { from: 'a2', to: 'b2', type: 'RESELLS' });
    expect(articulationPoints(graph)).toEqual([]);
  });
});

describe('disconnectedBy', () => {
  it('lists exactly the smaller side when the joining partner leaves', () => {
    const graph = barbell(2);
    expect(disconnectedBy(graph, 'x').sort()).toEqual(B);
  });

  it('keeps the larger side when the cut part is bigger than the rest', () => {
    const graph = barbell(1);
    // Without a1, the rest of A (4 nodes) is smaller than x + B (5 nodes): the rest of A is what gets cut off.
    expect(disconnectedBy(graph, 'a1').sort()).toEqual(['a2', 'a3', 'a4', 'a5']);
    expect(disconnectedBy(graph, 'b1').sort()).toEqual(['b2', 'b3', 'b4']);
  });

  it('is empty for a node whose departure cuts nothing, or outside the largest component', () => {
    const graph = barbell(2);
    addPartner(graph, { id: 'far', types: ['msp'] });
    addPartner(graph, { id: 'farther', types: ['msp'] });
    addRelationship(graph, { from: 'far', to: 'farther', type: 'REFERS_TO' });
    expect(disconnectedBy(graph, 'a5')).toEqual([]);
    expect(disconnectedBy(graph, 'far')).toEqual([]);
  });

  it('throws for an unknown node', () => {
    expect(() => disconnectedBy(barbell(1), 'nobody')).toThrow(/^analytics\/structure: unknown node/);
  });
});

describe('isolated and largestComponent', () => {
  it('lists partners without relationships, not customers', () => {
    const graph = barbell(1);
    addPartner(graph, { id: 'lonely', types: ['msp'] });
    addCustomer(graph, { id: 'prospect', segment: 'smb', region: 'emea' });
    expect(isolated(graph)).toEqual(['lonely']);
    expect(largestComponent(graph)).toEqual(new Set([...A, ...B, 'x']));
  });
});

/** A sparse random graph of partners with several components, cut points and bridges. */
function sparseRandom(order: number, edges: number, seed: number): EcoGraph {
  const graph = createEcoGraph();
  const random = seededRandom(seed);
  for (let i = 0; i < order; i++) addPartner(graph, { id: `p${i}`, types: ['service'] });
  for (let k = 0; k < edges; k++) {
    const a = Math.floor(random() * order);
    const b = Math.floor(random() * order);
    if (a !== b) addRelationship(graph, { from: `p${a}`, to: `p${b}`, type: 'REFERS_TO' });
  }
  return graph;
}

/** Components counted by graphology-components, the reference for the brute force below. */
const componentCount = (graph: EcoGraph) => graphologyComponents(graph).length;

describe('the typed-array kernels against graphology and a brute force', () => {
  for (const seed of [1, 2, 3]) {
    const graph = sparseRandom(120, 130, seed);

    it(`components match graphology-components (seed ${seed})`, () => {
      const { component, sizes } = connectedComponents(graph);
      const ids = graph.nodes();
      const ours = new Map<number, string[]>();
      ids.forEach((id, i) => ours.set(component[i]!, [...(ours.get(component[i]!) ?? []), id]));
      const canonical = (parts: string[][]) => parts.map((part) => [...part].sort().join(',')).sort();
      expect(canonical([...ours.values()])).toEqual(canonical(graphologyComponents(graph)));
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(graph.order);
      expect(largestComponent(graph)).toEqual(new Set(largestConnectedComponent(graph)));
    });

    it(`articulation points and bridges are exactly what removing each node or edge shows (seed ${seed})`, () => {
      const before = componentCount(graph);
      const cutPoints = graph.filterNodes((node) => {
        const without = graph.copy();
        without.dropNode(node);
        // Removing a node also removes its own component when it was alone in it.
        return componentCount(without) > before - (graph.degree(node) === 0 ? 1 : 0);
      });
      const cutEdges = graph.filterEdges((edge) => {
        const without = graph.copy();
        without.dropEdge(edge);
        return componentCount(without) > before;
      });
      expect(articulationPoints(graph).sort()).toEqual(cutPoints.sort());
      expect(sortedPairs(bridges(graph))).toEqual(sortedPairs(cutEdges.map((edge) => graph.extremities(edge))));
    });
  }
});
