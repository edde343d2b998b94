/**
 * A graph's bare topology in canonical order: nodes sorted by id, edges by
 * their ends' ranks. Louvain, the betweenness sample and the layout all
 * depend on the order they meet nodes and edges in; reading the graph this
 * way makes their answers a function of the data alone, whatever order it
 * was imported, applied in place or read from the store in.
 */
import { createEcoGraph, nextEdgeKey } from './build.js';
import { drain, type Steps } from './slices.js';
import type { EcoEdge, EcoGraph, EcoNode } from './types.js';
import { compareIds } from '../order.js';

/** What deriving metrics reads of a graph: its nodes, which are partners, and its edges. */
export interface Topology {
  ids: string[];
  partner: Uint8Array;
  /** pairs of node indices, lower index first, sorted */
  edges: Uint32Array;
}


export function toTopology(graph: EcoGraph): Topology {
  return drain(topologySteps(graph));
}

const STEP = 0x3fff;

/**
 * toTopology as steps, for a walk in slices of the event loop (see
 * slices.ts). Writes applied to the graph between slices may show in part:
 * edges to nodes added after the walk began are left out, so the topology
 * is always whole, at some point between the version the walk began at and
 * a later one.
 */
export function* topologySteps(graph: EcoGraph): Steps<Topology> {
  const ids = graph.nodes().sort(compareIds);
  yield;
  const order = ids.length;
  const index = new Map<string, number>();
  const partner = new Uint8Array(order);
  for (let i = 0; i < order; i++) {
    index.set(ids[i]!, i);
    partner[i] = graph.getNodeAttribute(ids[i]!, 'kind') === 'partner' ? 1 : 0;
    if ((i & STEP) === 0) yield;
  }
  // One number per edge (low · order + high, exact below 2^53: 94 million nodes) sorts a million edges in a blink.
  let keys: Float64Array = new Float64Array(graph.size);
  let k = 0;
  for (const { source, target } of graph.edgeEntries()) {
    const s = index.get(source);
    const t = index.get(target);
    if (s === undefined || t === undefined) continue;
    if (k === keys.length) keys = growTo(keys, 2 * k + 16);
    keys[k++] = s < t ? s * order + t : t * order + s;
    if ((k & STEP) === 0) yield;
  }
  keys = keys.subarray(0, k).sort();
  yield;
  const edges = new Uint32Array(2 * k);
  for (let e = 0; e < k; e++) {
    edges[2 * e] = Math.floor(keys[e]! / order);
    edges[2 * e + 1] = keys[e]! % order;
  }
  return { ids, partner, edges };
}

function growTo(keys: Float64Array, length: number): Float64Array {
  const grown = new Float64Array(length);
  grown.set(keys);
  return grown;
}

/** What every edge of a graph from `fromTopology` holds: deriving reads none of it, and one frozen object serves them all. */
const NO_RELATIONSHIPS: EcoEdge = Object.freeze({ types: Object.freeze([]) as never[], roles: Object.freeze([]) as never[], value: 0, relationships: Object.freeze([]) as never[] });

/** A graph with the topology's nodes and edges, in its order, and only the attributes deriving reads (`kind`). */
export function fromTopology(topology: Topology): EcoGraph {
  const graph = createEcoGraph();
  topology.ids.forEach((id, i) => graph.addNode(id, { kind: topology.partner[i] === 1 ? 'partner' : 'customer' } as EcoNode));
  for (let k = 0; k < topology.edges.length; k += 2) {
    graph.addEdgeWithKey(nextEdgeKey(graph), topology.ids[topology.edges[k]!]!, topology.ids[topology.edges[k + 1]!]!, NO_RELATIONSHIPS);
  }
  return graph;
}
