/** A projection graph's content, independent of edge keys and insertion order: what tests compare with a fresh projection. */
import { relationshipsOf } from '../projection/build.js';
import type { EcoGraph } from '../projection/types.js';

export function graphContent(graph: EcoGraph) {
  const nodes = Object.fromEntries(graph.mapNodes((id, a) => [id, a]));
  const edges = graph.mapEdges((_e, a, s, t) => [[s, t].sort().join('~'), [...a.types].sort().join(','), [...a.roles].sort().join(','), a.value, relationshipsOf(a).map((f) => `${f.type}>${f.from}:${f.role ?? ''}`).sort().join(',')].join('|')).sort();
  return { nodes, edges };
}
