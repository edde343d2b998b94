/**
 * A graph's bare topology in canonical order: nodes sorted by id, edges by
 * their ends' ranks. Louvain, the betweenness sample and the layout all
 * depend on the order they meet nodes and edges in; reading the graph this
 * way makes their answers a function of the data alone, whatever order it
 * was imported, applied in place or read from the store in.
 */
import { createEcoGraph } from './build.js';
import type { EcoGraph, EcoNode } from './types.js';

/** What deriving metrics reads of a graph: its nodes, which are partners, and its edges. */
export interface Topology {
  ids: string[];
  partner: Uint8Array;
  /** pairs of node indices, lower index first, sorted */
  edges: Uint32Array;
}

/** Code-unit order: the same in every engine and locale. */
export const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function toTopology(graph: EcoGraph): Topology {
  const ids = graph.nodes().sort(compareIds);
  const order = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const partner = Uint8Array.from(ids, (id) => (graph.getNodeAttribute(id, 'kind') === 'partner' ? 1 : 0));
  // One number per edge (low · order + high, exact below 2^53: 94 million nodes) sorts a million edges in a blink.
  const keys = new Float64Array(graph.size);
  let k = 0;
  graph.forEachEdge((_edge, _attributes, source, target) => {
    const s = index.get(source)!;
    const t = index.get(target)!;
    keys[k++] = s < t ? s * order + t : t * order + s;
  });
  keys.sort();
  const edges = new Uint32Array(2 * keys.length);
  keys.forEach((key, e) => {
    edges[2 * e] = Math.floor(key / order);
    edges[2 * e + 1] = key % order;
  });
  return { ids, partner, edges };
}

/** A graph with the topology's nodes and edges, in its order, and only the attributes deriving reads (`kind`). */
export function fromTopology(topology: Topology): EcoGraph {
  const graph = createEcoGraph();
  topology.ids.forEach((id, i) => graph.addNode(id, { kind: topology.partner[i] === 1 ? 'partner' : 'customer' } as EcoNode));
  for (let k = 0; k < topology.edges.length; k += 2) {
    graph.addEdge(topology.ids[topology.edges[k]!]!, topology.ids[topology.edges[k + 1]!]!, { types: [], roles: [], value: 0, relationships: [] });
  }
  return graph;
}
