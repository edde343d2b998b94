/** A projection graph's content, independent of edge keys and insertion order: what tests compare with a fresh projection. */
import { relationshipsOf } from '../projection/build.js';
import type { EcoCatalogue, EcoGraph } from '../projection/types.js';

export function graphContent(graph: EcoGraph) {
  const nodes = Object.fromEntries(graph.mapNodes((id, a) => [id, a]));
  const edges = graph.mapEdges((_e, a, s, t) => [[s, t].sort().join('~'), [...a.types].sort().join(','), [...a.roles].sort().join(','), a.value, relationshipsOf(a).map((f) => `${f.type}>${f.from}:${f.role ?? ''}`).sort().join(',')].join('|')).sort();
  return { nodes, edges };
}

/** Who takes part in the catalogue's deals (and in what role) and solutions, independent of order. */
export function catalogueParts(catalogue: EcoCatalogue) {
  return {
    deals: catalogue.deals.map((d) => [d.id, d.customer, d.partners.map((p) => `${p.partner}:${p.role}`).sort()]).sort(),
    solutions: catalogue.solutions.map((s) => [s.id, [...s.partners].sort()]).sort(),
  };
}
