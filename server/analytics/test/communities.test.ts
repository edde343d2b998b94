import { describe, expect, it } from 'vitest';
import { detectCommunities } from '../communities.js';
import { addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';
import type { EcoGraph } from '../../projection/types.js';

function clique(graph: EcoGraph, ids: string[]): void {
  for (const id of ids) addPartner(graph, { id, types: ['service'] });
  ids.forEach((a, i) => ids.slice(i + 1).forEach((b) => addRelationship(graph, { from: a, to: b, type: 'CO_SELLS_WITH' })));
}

/** A 6-clique and a 4-clique joined by one edge. */
function twoCliques(): EcoGraph {
  const graph = createEcoGraph();
  clique(graph, ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
  clique(graph, ['b1', 'b2', 'b3', 'b4']);
  addRelationship(graph, { from: 'a1', to: 'b1', type: 'REFERS_TO' });
  return graph;
}

describe('detectCommunities', () => {
  it('finds the two cliques, the larger one numbered 0', () => {
    const communities = detectCommunities(twoCliques());
    expect(new Set(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((id) => communities[id]))).toEqual(new Set([0]));
    expect(new Set(['b1', 'b2', 'b3', 'b4'].map((id) => communities[id]))).toEqual(new Set([1]));
  });

  it('numbers communities 0..k-1 by descending size', () => {
    const graph = twoCliques();
    clique(graph, ['c1', 'c2', 'c3']);
    addPartner(graph, { id: 'alone', types: ['msp'] });
    const communities = detectCommunities(graph);
    const sizes = [0, 0, 0, 0];
    for (const c of Object.values(communities)) sizes[c]!++;
    expect(sizes).toEqual([6, 4, 3, 1]);
  });

  it('gives the same communities for the same seed', () => {
    const graph = createEcoGraph();
    for (let i = 0; i < 200; i++) addPartner(graph, { id: `p${i}`, types: ['reseller'] });
    for (let i = 0; i < 600; i++) addRelationship(graph, { from: `p${(i * 7) % 200}`, to: `p${(i * 13 + 5) % 200}`, type: 'RESELLS' });
    expect(detectCommunities(graph, { seed: 3 })).toEqual(detectCommunities(graph, { seed: 3 }));
  });

  it('rejects a non-positive resolution', () => {
    expect(() => detectCommunities(twoCliques(), { resolution: 0 })).toThrow(/^analytics\/communities:/);
  });
});
