import { describe, expect, it } from 'vitest';
import { NeighborhoodIndex } from 'graphology-indices/neighborhood.js';
import { addPartner, addRelationship, createEcoGraph } from '../build.js';
import { adjacencyOf } from '../adjacency.js';
import { seededRandom } from '../../analytics/communities.js';
import type { EcoGraph } from '../types.js';

/** Each node's neighbours as ids, in row order. */
function rows(ids: string[], starts: ArrayLike<number>, neighbours: ArrayLike<number>): string[][] {
  return ids.map((_, i) => Array.from({ length: starts[i + 1]! - starts[i]! }, (_, k) => ids[neighbours[starts[i]! + k]!]!));
}

function randomGraph(seed: number): EcoGraph {
  const graph = createEcoGraph();
  const random = seededRandom(seed);
  for (let i = 0; i < 80; i++) addPartner(graph, { id: `p${i}`, types: ['service'] });
  for (let k = 0; k < 200; k++) {
    const a = Math.floor(random() * 80);
    const b = Math.floor(random() * 80);
    if (a !== b) addRelationship(graph, { from: `p${a}`, to: `p${b}`, type: 'CO_SELLS_WITH' });
  }
  return graph;
}

describe('projection/adjacency', () => {
  it("holds graphology's neighbours in graphology's order (as graphology-indices' NeighborhoodIndex does)", () => {
    const graph = randomGraph(7);
    const ours = adjacencyOf(graph);
    const reference = new NeighborhoodIndex(graph);
    expect(ours.ids).toEqual(reference.nodes);
    expect(rows(ours.ids, ours.starts, ours.neighbours)).toEqual(rows(reference.nodes, reference.starts, reference.neighborhood));
    ours.ids.forEach((id, i) => expect(ours.position.get(id)).toBe(i));
  });

  it('is rebuilt after the topology changes, and kept otherwise', () => {
    const graph = randomGraph(8);
    const first = adjacencyOf(graph);
    graph.setNodeAttribute('p1', 'label', 'Renamed');
    expect(adjacencyOf(graph)).toBe(first);
    graph.dropEdge(graph.edges()[0]!);
    addPartner(graph, { id: 'late', types: ['msp'] });
    addRelationship(graph, { from: 'late', to: 'p3', type: 'REFERS_TO' });
    const second = adjacencyOf(graph);
    expect(second).not.toBe(first);
    const reference = new NeighborhoodIndex(graph);
    expect(rows(second.ids, second.starts, second.neighbours)).toEqual(rows(reference.nodes, reference.starts, reference.neighborhood));
  });
});
