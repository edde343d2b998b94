import { describe, expect, it } from 'vitest';
import { addCustomer, addPartner, addRelationship, createEcoGraph } from '../build.js';

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
      expect(edge.relationships.map((f) => f.from)).toEqual(['p', 'p']);
    }
  });
});
