import { describe, expect, it } from 'vitest';
import { addCustomer, addPartner, addRelationship, createEcoGraph, relationshipsOf, removeRelationship } from '../build.js';

describe('projection/build: relationships merged into one edge per pair', () => {
  it('keeps every role a partner serves a customer in, whatever order the store returns them in', () => {
    const serves = [
      { from: 'p', to: 'c', type: 'SERVES' as const, role: 'implement', annualValue: 250000 },
      { from: 'p', to: 'c', type: 'SERVES' as const, role: 'resell', annualValue: 90000 },
    ];
    for (const order of [serves, [...serves].reverse()]) {
      const graph = createEcoGraph();
      addPartner(graph, { id: 'p', types: ['service'] });
      addCustomer(graph, { id: 'c', segment: 'enterprise', region: 'emea' });
      for (const r of [...order, order[0]!]) addRelationship(graph, r);
      const edge = graph.getEdgeAttributes(graph.edge('p', 'c')!);
      expect([...edge.roles].sort()).toEqual(['implement', 'resell']);
      expect(edge.value).toBe(340000);
      expect(edge.relationships).toHaveLength(2);
      expect(relationshipsOf(edge).map((f) => f.from)).toEqual(['p', 'p']);
    }
  });

  it('holds a lone relationship in the edge itself, a list from the second on, and the lone form again when one is left', () => {
    const graph = createEcoGraph();
    addPartner(graph, { id: 'p', types: ['service'] });
    addPartner(graph, { id: 'q', types: ['technology'] });
    addCustomer(graph, { id: 'c', segment: 'enterprise', region: 'emea' });
    addRelationship(graph, { from: 'q', to: 'p', type: 'INTEGRATES_WITH' });
    addRelationship(graph, { from: 'p', to: 'c', type: 'SERVES', role: 'resell', annualValue: 90000 });
    const serves = () => graph.getEdgeAttributes(graph.edge('p', 'c')!);
    expect(serves()).toEqual({ types: ['SERVES'], roles: ['resell'], value: 90000, from: 'p' });
    expect(relationshipsOf(serves())).toEqual([{ type: 'SERVES', from: 'p', role: 'resell', value: 90000 }]);
    const integrates = graph.getEdgeAttributes(graph.edge('p', 'q')!);
    expect(integrates).toEqual({ types: ['INTEGRATES_WITH'], roles: [], value: 0, from: 'q' });
    expect(relationshipsOf(integrates)).toEqual([{ type: 'INTEGRATES_WITH', from: 'q', value: 0 }]);
    // The node's own key, not the record's copy of it.
    expect(integrates.from).toBe(graph.source(graph.edge('p', 'q')!) === 'q' ? graph.source(graph.edge('p', 'q')!) : graph.target(graph.edge('p', 'q')!));
    // An update of the same relationship stays lone; a second one makes a list.
    addRelationship(graph, { from: 'p', to: 'c', type: 'SERVES', role: 'resell', annualValue: 95000 });
    expect(serves()).toEqual({ types: ['SERVES'], roles: ['resell'], value: 95000, from: 'p' });
    addRelationship(graph, { from: 'p', to: 'c', type: 'SERVES', role: 'implement', annualValue: 5000 });
    expect(serves()).toEqual({
      types: ['SERVES'],
      roles: ['implement', 'resell'],
      value: 100000,
      relationships: [
        { type: 'SERVES', from: 'p', role: 'implement', value: 5000 },
        { type: 'SERVES', from: 'p', role: 'resell', value: 95000 },
      ],
    });
    removeRelationship(graph, { from: 'p', to: 'c', type: 'SERVES', role: 'implement' });
    expect(serves()).toEqual({ types: ['SERVES'], roles: ['resell'], value: 95000, from: 'p' });
  });
});
