import { describe, expect, it } from 'vitest';
import { nodeMetrics } from '../metrics.js';
import { deriveMetrics } from '../../projection/derive.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';
import type { EcoGraph } from '../../projection/types.js';

/**
 * Two partner cliques (p0..p4, q0..q4) joined only through broker `x`, which
 * has two partners on each side;
 * p0 and p1 share customers c0 and c1, p2 shares c1; `solo` is served by p3 alone.
 */
function ecosystem(): EcoGraph {
  const graph = createEcoGraph();
  for (const side of ['p', 'q']) {
    const ids = Array.from({ length: 5 }, (_, i) => `${side}${i}`);
    for (const id of ids) addPartner(graph, { id, types: ['service'] });
    ids.forEach((a, i) => ids.slice(i + 1).forEach((b) => addRelationship(graph, { from: a, to: b, type: 'CO_SELLS_WITH' })));
  }
  addPartner(graph, { id: 'x', types: ['referral'] });
  for (const to of ['p0', 'p1', 'q0', 'q1']) addRelationship(graph, { from: 'x', to, type: 'REFERS_TO' });
  for (const id of ['c0', 'c1', 'solo']) addCustomer(graph, { id, segment: 'smb', region: 'emea' });
  const serve = (from: string, to: string) => addRelationship(graph, { from, to, type: 'SERVES', role: 'implement' });
  serve('p0', 'c0');
  serve('p1', 'c0');
  serve('p0', 'c1');
  serve('p1', 'c1');
  serve('p2', 'c1');
  serve('p3', 'solo');
  return graph;
}

const graph = ecosystem();
const derived = deriveMetrics(graph, 1);

describe('nodeMetrics', () => {
  it('is null for an unknown node', () => {
    expect(nodeMetrics(graph, derived, 'nobody')).toBeNull();
  });

  it('describes the broker joining the two cliques', () => {
    const metrics = nodeMetrics(graph, derived, 'x')!;
    expect(metrics).toMatchObject({
      id: 'x',
      kind: 'partner',
      degree: 4,
      degreeByType: { REFERS_TO: 4 },
      bridges: [],
      isArticulationPoint: true,
      isBroker: true,
      betweennessMethod: { exact: true, sources: 13 },
      community: derived.communities.get('x'),
    });
    expect(metrics.pagerank).toBeCloseTo(derived.pagerank.get('x')!, 12);
    expect(metrics.betweenness).toBeCloseTo(derived.betweenness.scores.get('x')!, 12);
  });

  it('calls only the top 5% of partners brokers', () => {
    // 11 partners: the top 5% is the single highest betweenness, x's.
    const brokers = graph.filterNodes((id, a) => a.kind === 'partner' && nodeMetrics(graph, derived, id)!.isBroker);
    expect(brokers).toEqual(['x']);
  });

  it('lists partners sharing customers, most shared first', () => {
    expect(nodeMetrics(graph, derived, 'p0')!.sharedCustomers).toEqual([
      { partnerId: 'p1', count: 2 },
      { partnerId: 'p2', count: 1 },
    ]);
    expect(nodeMetrics(graph, derived, 'p3')!.sharedCustomers).toEqual([]);
  });

  it('describes a customer, with its bridge', () => {
    expect(nodeMetrics(graph, derived, 'solo')).toMatchObject({
      kind: 'customer',
      degree: 1,
      degreeByType: { SERVES: 1 },
      betweenness: 0,
      isBroker: false,
      isArticulationPoint: false,
      sharedCustomers: [],
      bridges: [{ source: 'p3', target: 'solo' }],
    });
  });
});
