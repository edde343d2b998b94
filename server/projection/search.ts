/**
 * Name and id search over the projection, for the map's search box.
 * Matches are case-insensitive: prefixes of a label or id first (in
 * alphabetical order, found by binary search in a sorted index), then
 * labels containing the query. The index is built once per graph and
 * dropped as soon as a node is added, removed or changed.
 */
import type { EcoGraph } from './types.js';
import { NODE_EVENTS, perGraph } from './per-graph.js';

export interface SearchHit {
  id: string;
  label: string;
  kind: 'partner' | 'customer';
  types: string[];
}

export function searchNodes(graph: EcoGraph, q: string, limit = 10): SearchHit[] {
  if (!Number.isInteger(limit) || limit < 1) throw new Error('projection/search: limit must be a positive integer');
  const needle = q.trim().toLowerCase();
  if (needle === '') return [];
  const index = searchIndex(graph);

  const found = new Set<string>();
  // Prefix matches: the sorted keys starting with the needle form one run from its lower bound.
  let lo = 0;
  let hi = index.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (index.keys[mid]! < needle) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < index.keys.length && found.size < limit && index.keys[k]!.startsWith(needle); k++) found.add(index.owners[k]!);
  for (let i = 0; i < index.labels.length && found.size < limit; i++) if (index.labels[i]!.includes(needle)) found.add(index.ids[i]!);

  return [...found].map((id) => {
    const attributes = graph.getNodeAttributes(id);
    return { id, label: attributes.label, kind: attributes.kind, types: attributes.kind === 'partner' ? [...attributes.types] : [] };
  });
}

interface SearchIndex {
  ids: string[];
  /** lower-case label of each node, in node order */
  labels: string[];
  /** lower-case labels and ids, sorted; owners[k] is the node keys[k] belongs to */
  keys: string[];
  owners: string[];
}


const searchIndex = perGraph(NODE_EVENTS, (graph): SearchIndex => {
  const ids = graph.nodes();
  const labels = ids.map((id) => graph.getNodeAttribute(id, 'label').toLowerCase());
  const entries = ids.flatMap((id, i) => {
    const label = { key: labels[i]!, owner: id };
    return label.key === id.toLowerCase() ? [label] : [label, { key: id.toLowerCase(), owner: id }];
  });
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const index = { ids, labels, keys: entries.map(({ key }) => key), owners: entries.map(({ owner }) => owner) };
  return index;
});
