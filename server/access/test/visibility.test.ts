/**
 * The partner view on a hand-built ecosystem whose answer is known: what each
 * level adds, what it strips, and the account mapping read from it.
 */
import { describe, expect, it } from 'vitest';
import { addCustomer, addPartner, addRelationship, createEcoGraph, relationshipsOf } from '../../projection/build.js';
import type { Projection } from '../../projection/types.js';
import type { SharingLevel } from '../../schemas/sharing.js';
import { accountMapping, buildPartnerView, levelFor } from '../visibility.js';

/**
 * me serves c1, c2; counts serves c1, c3; overlaps serves c2, c4 (worth 500);
 * all serves c2, c5 and integrates with far; hidden serves c1, c6; me resells near.
 */
function ecosystem(): Projection {
  const graph = createEcoGraph();
  for (const id of ['me', 'counts', 'overlaps', 'all', 'hidden', 'near', 'far']) addPartner(graph, { id, label: id.toUpperCase(), types: ['service'], lifecycle: { resell: 'grow' } });
  for (const id of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) addCustomer(graph, { id, segment: 'enterprise', region: 'emea' });
  const serves = (from: string, to: string, annualValue = 0) => addRelationship(graph, { from, to, type: 'SERVES', role: 'implement', annualValue });
  serves('me', 'c1');
  serves('me', 'c2');
  serves('counts', 'c1');
  serves('counts', 'c3');
  serves('overlaps', 'c2', 500);
  serves('overlaps', 'c4');
  serves('all', 'c2');
  serves('all', 'c5');
  serves('hidden', 'c1');
  serves('hidden', 'c6');
  addRelationship(graph, { from: 'all', to: 'far', type: 'INTEGRATES_WITH' });
  addRelationship(graph, { from: 'me', to: 'near', type: 'RESELLS' });
  const deals = [{ id: 'd1', customer: 'c6', region: 'emea', needs: [], stage: 'open', partners: [{ partner: 'me', role: 'sourcing' }, { partner: 'hidden', role: 'delivery' }] }];
  return { graph, catalogue: { capabilities: new Map(), regions: ['emea'], segments: ['enterprise'], deals, solutions: [] }, version: 1 };
}

const SHARED = new Map<string, SharingLevel>([
  ['counts', 'counts'],
  ['overlaps', 'overlaps'],
  ['all', 'everything'],
  ['hidden', 'hidden'],
]);

describe('access/visibility', () => {
  it('takes a named level over the default, and the product default (hidden) when nothing is set', () => {
    expect(levelFor({ default: 'counts', partners: { me: 'everything' } }, 'me')).toBe('everything');
    expect(levelFor({ default: 'counts', partners: { other: 'everything' } }, 'me')).toBe('counts');
    expect(levelFor({ partners: {} }, 'me')).toBe('hidden');
    expect(levelFor(null, 'me')).toBe('hidden');
  });

  it('sees its own relationships, each sharing partner at its level, and its deals; nothing of a hidden partner', () => {
    const view = buildPartnerView(ecosystem(), 'me', SHARED);
    expect(view.graph.nodes().sort()).toEqual(['all', 'c1', 'c2', 'c5', 'counts', 'far', 'me', 'near', 'overlaps']);
    // counts: the partner alone; overlaps: its edge to the common customer only; everything: all its edges.
    expect(view.graph.edges().map((e) => view.graph.extremities(e).sort().join('-')).sort()).toEqual(['all-c2', 'all-c5', 'all-far', 'c1-me', 'c2-me', 'c2-overlaps', 'me-near']);
    expect([...view.shared].sort()).toEqual([['all', 'everything'], ['counts', 'counts'], ['overlaps', 'overlaps']]);
    // Overlapping customers come without what they are worth to the other partner; others' lifecycles are not shown.
    const edge = view.graph.getEdgeAttributes(view.graph.edge('overlaps', 'c2')!);
    expect(edge.value).toBe(0);
    expect(relationshipsOf(edge).map((r) => r.value)).toEqual([0]);
    expect(view.graph.getNodeAttribute('overlaps', 'kind') === 'partner' && view.graph.getNodeAttributes('overlaps')).toMatchObject({ lifecycle: {} });
    expect(view.graph.getNodeAttributes('me')).toMatchObject({ lifecycle: { resell: 'grow' } });
    // Its deal names the hidden partner and its customer: a deal's team sees each other.
    expect([...view.deals]).toEqual(['d1']);
    expect([...view.customers].sort()).toEqual(['c1', 'c2', 'c5', 'c6']);
    expect(view.graph.hasNode('hidden')).toBe(false);
  });

  it('maps accounts: counts only, the overlapping customers, or everything', () => {
    const projection = ecosystem();
    const mapping = accountMapping(projection.graph, buildPartnerView(projection, 'me', SHARED), { default: 'counts', partners: { all: 'overlaps' } });
    expect(mapping).toEqual({
      partnerId: 'me',
      partners: [
        { partnerId: 'all', name: 'ALL', level: 'everything', youShare: 'overlaps', overlapCount: 1, overlaps: [{ id: 'c2', name: 'c2' }], customers: [{ id: 'c2', name: 'c2' }, { id: 'c5', name: 'c5' }], partners: [{ id: 'far', name: 'FAR' }] },
        { partnerId: 'counts', name: 'COUNTS', level: 'counts', youShare: 'counts', overlapCount: 1 },
        { partnerId: 'overlaps', name: 'OVERLAPS', level: 'overlaps', youShare: 'counts', overlapCount: 1, overlaps: [{ id: 'c2', name: 'c2' }] },
      ],
    });
  });
});
