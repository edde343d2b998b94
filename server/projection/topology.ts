/**
 * A graph's bare topology in canonical order: nodes sorted by id, edges by
 * their ends' ranks. Louvain, the betweenness sample and the layout all
 * depend on the order they meet nodes and edges in; reading the graph this
 * way makes their answers a function of the data alone, whatever order it
 * was imported, applied in place or read from the store in.
 */
import { createEcoGraph, nextEdgeKey } from './build.js';
import { drain, sortSteps, type Steps } from './slices.js';
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
  // In steps: sorting 300,000 ids at once held the event loop for about 100 ms.
  const ids = yield* sortSteps(graph.nodes(), compareIds);
  const order = ids.length;
  const index = new Map<string, number>();
  const partner = new Uint8Array(order);
  for (let i = 0; i < order; i++) {
    index.set(ids[i]!, i);
    partner[i] = graph.getNodeAttribute(ids[i]!, 'kind') === 'partner' ? 1 : 0;
    if ((i & STEP) === 0) yield;
  }
  // Node by node, each edge from its lower end, that end's run sorted: no object per edge (walking the graph's edge
  // entries made one each, a million a walk, and the collector's work held the event loop for hundreds of ms), and no
  // sort of every edge at once (about 100 ms in one go).
  let edges: Uint32Array = new Uint32Array(2 * graph.size);
  let pairs = 0;
  let run: Uint32Array = new Uint32Array(64);
  let length = 0;
  let from = 0;
  let walked = 0;
  const gather = (neighbour: string) => {
    walked++;
    const to = index.get(neighbour);
    if (to === undefined || to <= from) return;
    if (length === run.length) run = grownTo(run, 2 * length);
    run[length++] = to;
  };
  for (from = 0; from < order; from++) {
    length = 0;
    graph.forEachNeighbor(ids[from]!, gather);
    if (length > 1) run.subarray(0, length).sort();
    if (2 * (pairs + length) > edges.length) edges = grownTo(edges, 2 * (pairs + length) + (edges.length >> 3));
    for (let j = 0; j < length; j++, pairs++) (edges[2 * pairs] = from), (edges[2 * pairs + 1] = run[j]!);
    if (++walked > STEP) (walked = 0), yield;
  }
  return { ids, partner, edges: edges.length === 2 * pairs ? edges : edges.slice(0, 2 * pairs) };
}

function grownTo(values: Uint32Array, length: number): Uint32Array {
  const grown = new Uint32Array(length);
  grown.set(values);
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
