import { describe, expect, it } from 'vitest';
import { searchNodes } from '../search.js';
import { addCustomer, addPartner, createEcoGraph } from '../build.js';
import type { EcoGraph } from '../types.js';

function ecosystem(): EcoGraph {
  const graph = createEcoGraph();
  addPartner(graph, { id: 'p-1', label: 'Acme Cloud', types: ['msp', 'reseller'] });
  addPartner(graph, { id: 'p-2', label: 'Northwind Acme Services', types: ['service'] });
  addPartner(graph, { id: 'acme-legacy', label: 'Old Partner', types: ['reseller'] });
  addPartner(graph, { id: 'p-3', label: 'Acme', types: ['technology'] });
  addCustomer(graph, { id: 'c-1', label: 'ACME Bank', segment: 'enterprise', region: 'emea' });
  return graph;
}

describe('searchNodes', () => {
  it('puts prefix matches of labels and ids first, alphabetically, then labels containing the query', () => {
    expect(searchNodes(ecosystem(), 'acme').map((hit) => hit.id)).toEqual(['p-3', 'c-1', 'p-1', 'acme-legacy', 'p-2']);
  });

  it('ignores case and surrounding spaces, and returns what the map needs', () => {
    expect(searchNodes(ecosystem(), '  ACME c')).toEqual([{ id: 'p-1', label: 'Acme Cloud', kind: 'partner', types: ['msp', 'reseller'] }]);
    expect(searchNodes(ecosystem(), 'acme b')).toEqual([{ id: 'c-1', label: 'ACME Bank', kind: 'customer', types: [] }]);
  });

  it('stops at the limit, and finds nothing for an empty query', () => {
    expect(searchNodes(ecosystem(), 'acme', 2)).toHaveLength(2);
    expect(searchNodes(ecosystem(), '   ')).toEqual([]);
  });

  it('sees nodes added or renamed after a first search', () => {
    const graph = ecosystem();
    expect(searchNodes(graph, 'zeta')).toEqual([]);
    addPartner(graph, { id: 'p-9', label: 'Zeta Systems', types: ['msp'] });
    expect(searchNodes(graph, 'zeta').map((hit) => hit.id)).toEqual(['p-9']);
    graph.setNodeAttribute('p-9', 'label', 'Eta Systems');
    expect(searchNodes(graph, 'zeta')).toEqual([]);
  });
});
