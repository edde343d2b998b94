import { describe, expect, it } from 'vitest';
import { searchNodes } from '../search.js';
import { seededRandom } from '../../analytics/communities.js';
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

  it('orders nodes whose label is the same by id', () => {
    const graph = createEcoGraph();
    for (const id of ['p-b', 'p-c', 'p-a']) addPartner(graph, { id, label: 'Twin', types: ['msp'] });
    expect(searchNodes(graph, 'twin').map((hit) => hit.id)).toEqual(['p-a', 'p-b', 'p-c']);
  });

  it('kept current through nodes added, renamed and dropped, answers as an index built afresh', () => {
    const random = seededRandom(7);
    const words = ['acme', 'north', 'wind', 'cloud', 'bank', 'zeta', 'eta', 'acme-x'];
    const name = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => words[Math.floor(random() * words.length)]!).join(' ');
    const graph = ecosystem();
    const queries = ['acme', 'a', 'wind', 'eta', 'p-1', 'north w', 'zz'];
    for (const q of queries) searchNodes(graph, q, 50);
    for (let n = 0; n < 300; n++) {
      const nodes = graph.nodes();
      const pick = nodes[Math.floor(random() * nodes.length)]!;
      const kind = random();
      if (kind < 0.4) addPartner(graph, { id: `p-n${n}`, label: name(), types: ['msp'] });
      else if (kind < 0.5) addCustomer(graph, { id: `C-N${n}`, label: name(), segment: 'smb', region: 'emea' });
      else if (kind < 0.8) graph.setNodeAttribute(pick, 'label', random() < 0.2 ? pick : name());
      else if (graph.order > 3) graph.dropNode(pick);
      const fresh = graph.copy();
      for (const q of queries) expect(searchNodes(graph, q, 50)).toEqual(searchNodes(fresh, q, 50));
    }
  });
});
