/**
 * Structural weak points: articulation points, bridges, isolated partners and
 * what a partner's departure would cut off.
 *
 * graphology has no articulation points or bridges, so they come from one
 * hand-written Tarjan depth-first search over the graph's typed adjacency. It is iterative (300k nodes would
 * overflow the call stack) and numbers nodes in visiting order, so that every
 * DFS subtree is a contiguous range of that order: `disconnectedBy` then
 * answers by slicing ranges instead of searching the graph again, which keeps
 * it cheap enough to ask for every articulation point. The search result is
 * cached per graph and dropped as soon as the graph's topology changes.
 */
import { adjacencyOf, type Adjacency } from '../projection/adjacency.js';
import type { EcoGraph } from '../projection/types.js';
import { perGraph, TOPOLOGY_EVENTS } from '../projection/per-graph.js';
import { compareIds } from '../order.js';

/** Partners with no relationship to any partner or customer. */
export function isolated(graph: EcoGraph): string[] {
  return graph.filterNodes((node, attributes) => attributes.kind === 'partner' && graph.degree(node) === 0);
}

export function largestComponent(graph: EcoGraph): Set<string> {
  const { ids } = adjacencyOf(graph);
  const { component, sizes } = connectedComponents(graph);
  let largest = 0;
  for (let c = 1; c < sizes.length; c++) if (sizes[c]! > sizes[largest]!) largest = c;
  return new Set(ids.filter((_, i) => component[i] === largest));
}

/**
 * Each node's connected component (numbered in the order of their first
 * nodes) and each component's size, by breadth-first search over the typed
 * adjacency. Hand-written because graphology-components collects id strings
 * per component: 1.2 s at 300,000 nodes where igraph takes 0.06 s.
 */
export function connectedComponents(graph: EcoGraph): { component: Int32Array; sizes: number[] } {
  const { starts, neighbours } = adjacencyOf(graph);
  const order = starts.length - 1;
  const component = new Int32Array(order).fill(-1);
  const queue = new Uint32Array(order);
  const sizes: number[] = [];
  for (let root = 0; root < order; root++) {
    if (component[root] !== -1) continue;
    const c = sizes.length;
    component[root] = c;
    let head = 0;
    let tail = 0;
    queue[tail++] = root;
    while (head < tail) {
      const v = queue[head++]!;
      for (let j = starts[v]!, end = starts[v + 1]!; j < end; j++) {
        const w = neighbours[j]!;
        if (component[w] === -1) {
          component[w] = c;
          queue[tail++] = w;
        }
      }
    }
    sizes.push(tail);
  }
  return { component, sizes };
}

export function articulationPoints(graph: EcoGraph): string[] {
  return depthFirstSearch(graph).articulationPoints;
}

/** Partners listed as brokers, highest betweenness first. */
export const BROKERS = 10;
/** Partner articulation points (highest betweenness first) whose cut-off customers are listed. */
export const DISCONNECTS_FOR = 50;

/** The weak points gaps report beside single points of failure (see weakPoints). */
export interface WeakPoints {
  /** The partners of highest betweenness. */
  brokers: string[];
  /** Partner articulation points, highest betweenness first. */
  articulationPoints: string[];
  /** For the first DISCONNECTS_FOR of them: the customers cut off from the largest component if it left. */
  disconnects: Record<string, string[]>;
  /** Partners with no relationship. */
  isolated: string[];
}

/**
 * Brokers, partner cut points with the customers each would cut off, and
 * isolated partners. One depth-first search of the whole graph (the one
 * articulation points and bridges come from), so it is derived with them,
 * once per version and off the event loop (see projection/derive.ts): on the
 * event loop it took 2–3 s at 300,000 nodes for the first gaps after each
 * change of topology.
 */
export function weakPoints(graph: EcoGraph, betweenness: (id: string) => number): WeakPoints {
  const byBetweenness = (a: string, b: string) => betweenness(b) - betweenness(a) || compareIds(a, b);
  const isPartner = (id: string) => graph.getNodeAttribute(id, 'kind') === 'partner';
  const search = depthFirstSearch(graph);
  const { ids, starts } = search.index;
  const scored: string[] = [];
  const isolated: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!isPartner(id)) continue;
    if (betweenness(id) > 0) scored.push(id);
    if (starts[i + 1] === starts[i]) isolated.push(id);
  }
  // A typed-array sort finds the cut-off score cheaply; only the few partners at or above it get the full comparison.
  const cutoff = Float64Array.from(scored, betweenness).sort()[Math.max(0, scored.length - BROKERS)] ?? 0;
  const brokers = scored
    .filter((id) => betweenness(id) >= cutoff)
    .sort(byBetweenness)
    .slice(0, BROKERS);
  const articulationPoints = search.articulationPoints.filter(isPartner).sort(byBetweenness);
  const disconnects: Record<string, string[]> = {};
  for (const id of articulationPoints.slice(0, DISCONNECTS_FOR)) {
    disconnects[id] = disconnectedBy(graph, id)
      .filter((cut) => !isPartner(cut))
      .sort(compareIds);
  }
  return { brokers, articulationPoints, disconnects, isolated: isolated.sort(compareIds) };
}

/**
 * The weak points that pass the tests: brokers and cut points that are still
 * `partner`s, the customers they cut off that are still `customer`s, the
 * `isolated` partners still so.
 */
export function weakPointsAmong(
  { brokers, articulationPoints, disconnects, isolated }: WeakPoints,
  keep: { partner: (id: string) => boolean; customer: (id: string) => boolean; isolated: (id: string) => boolean },
): WeakPoints {
  return {
    brokers: brokers.filter(keep.partner),
    articulationPoints: articulationPoints.filter(keep.partner),
    disconnects: Object.fromEntries(Object.entries(disconnects).flatMap(([id, cut]) => (keep.partner(id) ? [[id, cut.filter(keep.customer)]] : []))),
    isolated: isolated.filter(keep.isolated),
  };
}

/** Edges whose removal disconnects their ends, as [DFS parent, child]. */
export function bridges(graph: EcoGraph): Array<[string, string]> {
  return depthFirstSearch(graph).bridges;
}

/**
 * Nodes that would lose their connection to the largest component if `nodeId`
 * left: when its departure splits that component, every part but the largest
 * remaining one. Empty for nodes outside the largest component.
 */
export function disconnectedBy(graph: EcoGraph, nodeId: string): string[] {
  const search = depthFirstSearch(graph);
  const u = search.position.get(nodeId);
  if (u === undefined) throw new Error(`analytics/structure: unknown node "${nodeId}"`);
  const root = search.root[u]!;
  if (root !== search.largestRoot) return [];

  // Parts left when u goes: each child subtree that cannot climb above u, and the rest of the component.
  const { neighbours: neighborhood, starts } = search.index;
  const parts: number[] = [];
  let rest = search.subtree[root]! - 1;
  for (let j = starts[u]!; j < starts[u + 1]!; j++) {
    const child = neighborhood[j]!;
    if (search.parent[child] === u && search.low[child]! >= search.rank[u]!) {
      parts.push(child);
      rest -= search.subtree[child]!;
    }
  }
  let kept = -1; // the child whose part stays connected; -1 when it is the rest
  for (const child of parts) if (search.subtree[child]! > (kept < 0 ? rest : search.subtree[kept]!)) kept = child;

  const ranges: Array<[number, number]> =
    kept < 0
      ? parts.map((child) => [search.rank[child]!, search.rank[child]! + search.subtree[child]!])
      : // Everything in the component but u and the kept part.
        [
          [search.rank[root]!, search.rank[u]!],
          [search.rank[u]! + 1, search.rank[kept]!],
          [search.rank[kept]! + search.subtree[kept]!, search.rank[root]! + search.subtree[root]!],
        ];
  const ids: string[] = [];
  for (const [from, to] of ranges) for (let k = from; k < to; k++) ids.push(search.nodes[search.preorder[k]!]!);
  return ids;
}

interface DepthFirstSearch {
  index: Adjacency;
  nodes: string[];
  position: Map<string, number>;
  /** visiting rank → node */
  preorder: Uint32Array;
  /** node → visiting rank */
  rank: Int32Array;
  /** lowest rank reachable from the node's subtree through one back edge */
  low: Int32Array;
  parent: Int32Array;
  /** nodes in the node's DFS subtree, itself included */
  subtree: Uint32Array;
  /** the DFS root of the node's component */
  root: Uint32Array;
  largestRoot: number;
  articulationPoints: string[];
  bridges: Array<[string, string]>;
}


/** The search, kept per graph until its topology changes. Off the event loop only: seconds at 300,000 nodes. */
const depthFirstSearch = perGraph(TOPOLOGY_EVENTS, (graph): DepthFirstSearch => {
  if (graph.type !== 'undirected') throw new Error('analytics/structure: expects an undirected graph');
  return tarjan(graph);
});

function tarjan(graph: EcoGraph): DepthFirstSearch {
  const index = adjacencyOf(graph);
  const { ids: nodes, neighbours: neighborhood, starts } = index;
  const order = nodes.length;
  const preorder = new Uint32Array(order);
  const rank = new Int32Array(order).fill(-1);
  const low = new Int32Array(order);
  const parent = new Int32Array(order).fill(-1);
  const subtree = new Uint32Array(order);
  const root = new Uint32Array(order);
  const cursor = new Uint32Array(order);
  const stack = new Uint32Array(order);
  const isArticulation = new Uint8Array(order);
  const bridgePairs: Array<[string, string]> = [];
  let visited = 0;
  let largestRoot = -1;

  let r = 0;
  let depth = 0;
  const discover = (v: number) => {
    rank[v] = low[v] = visited;
    preorder[visited++] = v;
    subtree[v] = 1;
    root[v] = r;
    cursor[v] = starts[v]!;
    stack[depth++] = v;
  };
  for (; r < order; r++) {
    if (rank[r] !== -1) continue;
    let rootChildren = 0;
    discover(r);
    while (depth > 0) {
      const u = stack[depth - 1]!;
      if (cursor[u]! < starts[u + 1]!) {
        const v = neighborhood[cursor[u]!++]!;
        if (rank[v] === -1) {
          parent[v] = u;
          if (u === r) rootChildren++;
          discover(v);
        } else if (v !== parent[u]) {
          low[u] = Math.min(low[u]!, rank[v]!);
        }
        continue;
      }
      depth--;
      const p = parent[u]!;
      if (p === -1) continue;
      low[p] = Math.min(low[p]!, low[u]!);
      subtree[p]! += subtree[u]!;
      if (low[u]! > rank[p]!) bridgePairs.push([nodes[p]!, nodes[u]!]);
      if (p !== r && low[u]! >= rank[p]!) isArticulation[p] = 1;
    }
    if (rootChildren > 1) isArticulation[r] = 1;
    if (largestRoot < 0 || subtree[r]! > subtree[largestRoot]!) largestRoot = r;
  }

  return {
    index,
    nodes,
    position: index.position,
    preorder,
    rank,
    low,
    parent,
    subtree,
    root,
    largestRoot,
    articulationPoints: nodes.filter((_, i) => isArticulation[i] === 1),
    bridges: bridgePairs,
  };
}
