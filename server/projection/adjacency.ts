/**
 * The graph's adjacency as typed arrays (compressed sparse rows), built once
 * per graph and dropped when its topology changes. PageRank, components,
 * the depth-first search for weak points and betweenness all walk it:
 * graphology's own iteration (a callback and a string key per neighbour) is
 * what made them 5–30× slower than igraph on the 300,000-node ecosystem.
 */
import { perGraphSteps, TOPOLOGY_EVENTS } from './per-graph.js';
import { drain, type Steps } from './slices.js';
import type { EcoGraph } from './types.js';

/** Nodes or edges between two yields of the build. */
const STEP = 0xfff;

export interface Adjacency {
  /** node ids in graphology's node order; a node's index is its place here */
  ids: string[];
  /** id → index */
  position: Map<string, number>;
  /** the neighbours of node i are neighbours[starts[i] … starts[i+1]) */
  starts: Uint32Array;
  neighbours: Uint32Array;
}

/** The adjacency, built in steps (see slices.ts) when the graph has none. */
export const adjacencySteps = perGraphSteps(TOPOLOGY_EVENTS, function* (graph: EcoGraph): Steps<Adjacency> {
  const ids = graph.nodes();
  const position = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    position.set(ids[i]!, i);
    if ((i & STEP) === 0) yield;
  }
  const starts = new Uint32Array(ids.length + 1);
  const ends = new Uint32Array(2 * graph.size);
  let k = 0;
  // One pass over the edges: count degrees, keep both ends, then place each end in its row.
  for (const { source, target } of graph.edgeEntries()) {
    const s = position.get(source)!;
    const t = position.get(target)!;
    ends[k++] = s;
    ends[k++] = t;
    starts[s + 1]!++;
    starts[t + 1]!++;
    if ((k & STEP) === 0) yield;
  }
  for (let i = 0; i < ids.length; i++) starts[i + 1]! += starts[i]!;
  const fill = starts.slice(0, ids.length);
  const neighbours = new Uint32Array(2 * graph.size);
  for (let e = 0; e < ends.length; e += 2) {
    const s = ends[e]!;
    const t = ends[e + 1]!;
    neighbours[fill[s]!++] = t;
    neighbours[fill[t]!++] = s;
  }
  return { ids, position, starts, neighbours };
});

export function adjacencyOf(graph: EcoGraph): Adjacency {
  return drain(adjacencySteps(graph));
}
