/**
 * A graph's bare topology in canonical order: nodes sorted by id, edges by
 * their ends' ranks. Louvain, the betweenness sample and the layout all
 * depend on the order they meet nodes and edges in; reading the graph this
 * way makes their answers a function of the data alone, whatever order it
 * was imported, applied in place or read from the store in.
 */
import { createEcoGraph, nextEdgeKey } from './build.js';
import { drain, shared, sortSteps, type Steps } from './slices.js';
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
    // A node dropped by a write between two slices stays, with no edges, until the next walk or patch.
    partner[i] = graph.hasNode(ids[i]!) && graph.getNodeAttribute(ids[i]!, 'kind') === 'partner' ? 1 : 0;
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
    // Dropped by a write between two slices: its edges go with it.
    if (!graph.hasNode(ids[from]!)) continue;
    graph.forEachNeighbor(ids[from]!, gather);
    if (length > 1) run.subarray(0, length).sort();
    if (2 * (pairs + length) > edges.length) edges = grownTo(edges, 2 * (pairs + length) + (edges.length >> 3));
    for (let j = 0; j < length; j++, pairs++) (edges[2 * pairs] = from), (edges[2 * pairs + 1] = run[j]!);
    if (++walked > STEP) (walked = 0), yield;
  }
  return { ids, partner, edges: edges.length === 2 * pairs ? edges : edges.slice(0, 2 * pairs) };
}

/** Beyond this many nodes and edges changed since the last topology, walking the whole graph again is as quick as patching. */
const PATCH_LIMIT = 50_000;

/** A graph's topology and the changes heard since it was made. */
interface Tracked {
  topology?: Topology;
  /** ids of nodes added or dropped since */
  nodes: Set<string>;
  /** ends of edges added or dropped since, by `ends` */
  edges: Map<string, [string, string]>;
  rebuild: boolean;
  /** the walk or patch under way, which every caller drives in turn */
  updating?: () => Steps<Topology>;
}

const tracked = new WeakMap<EcoGraph, Tracked>();

/** One key per pair of ends, whichever way round: "/" is in no id (see the map's edge ids). */
const ends = (a: string, b: string): string => (a < b ? `${a}/${b}` : `${b}/${a}`);

/**
 * The graph's topology, kept from one call to the next and patched with the
 * nodes and edges added or dropped since (its graph events): the metrics are
 * derived again after every write, and the walk over the whole graph
 * (topologySteps) took 1–2 s of the event loop's time at 300,000 nodes and a
 * million edges, about two thirds of it under a load of reads and writes;
 * patching takes a pass over the previous topology's typed arrays, in steps.
 * The same topology object comes back while nothing changed, so that a
 * caller can tell that the metrics of the last one still hold. The answer
 * equals toTopology(graph) as it was when the walk or patch began (changes
 * made while it runs go into the next one), which the tests check after
 * random changes.
 */
export function* currentTopologySteps(graph: EcoGraph): Steps<Topology> {
  let entry = tracked.get(graph);
  if (entry === undefined) {
    const fresh: Tracked = { nodes: new Set(), edges: new Map(), rebuild: true };
    entry = fresh;
    tracked.set(graph, fresh);
    const node = ({ key }: { key: string }) => void fresh.nodes.add(key);
    const edge = ({ source, target }: { source: string; target: string }) => void fresh.edges.set(ends(source, target), [source, target]);
    const all = () => void (fresh.rebuild = true);
    graph.on('nodeAdded', node).on('nodeDropped', node).on('edgeAdded', edge).on('edgeDropped', edge).on('cleared', all).on('edgesCleared', all);
  }
  if (entry.updating !== undefined) return yield* entry.updating();
  const { topology, nodes, edges, rebuild } = entry;
  if (topology !== undefined && !rebuild && nodes.size + edges.size === 0) return topology;
  // Changes heard from here on go into the next patch. A walk may already see some of them: patched in again, a
  // change has the same effect (its nodes and edges are looked up in the graph as it is then).
  const run = entry;
  run.nodes = new Set();
  run.edges = new Map();
  run.rebuild = false;
  const patch = topology !== undefined && !rebuild && nodes.size + edges.size <= PATCH_LIMIT;
  run.updating = shared(
    (function* () {
      try {
        return (run.topology = patch ? yield* patchSteps(graph, topology, nodes, edges) : yield* topologySteps(graph));
      } finally {
        run.updating = undefined;
      }
    })(),
  );
  return yield* run.updating();
}

/** Index of `id` in ids sorted by compareIds, or -1. */
function indexOf(ids: readonly string[], id: string): number {
  let [low, high] = [0, ids.length - 1];
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareIds(ids[middle]!, id);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Ids or pairs between two yields of a patch. */
const PATCH_STEP = 0xffff;

/**
 * `old` with the graph's current state of the `nodes` and `edges` changed
 * since it was made: the nodes merged into the sorted ids, the changed
 * pairs looked up in the graph, the other pairs renumbered (their order
 * holds: renumbering is monotone) and merged with those. A dropped node's
 * edges are among the changed pairs: graphology reports each as dropped.
 * The graph is read before the first yield only: the passes over the old
 * topology's arrays (a million pairs) run in steps.
 */
function* patchSteps(graph: EcoGraph, old: Topology, nodes: ReadonlySet<string>, edges: ReadonlyMap<string, [string, string]>): Steps<Topology> {
  const before = old.ids.length;
  // Old nodes that changed: 1 still there (perhaps dropped and added again, perhaps as the other kind), 2 dropped.
  const changedOld = new Uint8Array(before);
  let droppedOld = 0;
  const added: string[] = [];
  for (const id of nodes) {
    const at = indexOf(old.ids, id);
    if (at < 0) {
      if (graph.hasNode(id)) added.push(id);
    } else if (graph.hasNode(id)) changedOld[at] = 1;
    else (changedOld[at] = 2), droppedOld++;
  }
  added.sort(compareIds);
  const kindOf = (id: string) => (graph.hasNode(id) && graph.getNodeAttribute(id, 'kind') === 'partner' ? 1 : 0);
  const addedKinds = added.map(kindOf);
  /** the kinds of old nodes still there that changed, by old index */
  const changedKinds = new Map<number, number>();
  for (const id of nodes) {
    const at = indexOf(old.ids, id);
    if (at >= 0 && changedOld[at] === 1) changedKinds.set(at, kindOf(id));
  }
  // The changed pairs as they are now (by id: numbered once the ids are merged) and as the old topology numbered them.
  const present: Array<[string, string]> = [];
  const changedPairs = new Set<number>();
  // Old nodes at either end of a changed pair: only a pair of two such nodes is looked up in the set.
  const pairEnd = new Uint8Array(before);
  for (const [a, b] of edges.values()) {
    if (graph.hasNode(a) && graph.hasNode(b) && graph.hasEdge(a, b)) present.push([a, b]);
    const [x, y] = [indexOf(old.ids, a), indexOf(old.ids, b)];
    if (x < 0 || y < 0) continue;
    changedPairs.add(Math.min(x, y) * before + Math.max(x, y));
    pairEnd[x] = pairEnd[y] = 1;
  }
  yield;

  const order = before - droppedOld + added.length;
  const ids = new Array<string>(order);
  const partner = new Uint8Array(order);
  const renumbered = new Int32Array(before);
  for (let i = 0, a = 0, n = 0; i < before || a < added.length; ) {
    if (a < added.length && (i === before || compareIds(added[a]!, old.ids[i]!) < 0)) {
      ids[n] = added[a]!;
      partner[n++] = addedKinds[a++]!;
    } else if (changedOld[i] === 2) renumbered[i++] = -1;
    else {
      renumbered[i] = n;
      ids[n] = old.ids[i]!;
      partner[n++] = changedOld[i] === 1 ? changedKinds.get(i)! : old.partner[i]!;
      if ((++i & PATCH_STEP) === 0) yield;
    }
  }
  const fresh = sortedPairs(
    present.flatMap(([a, b]) => {
      const [x, y] = [indexOf(ids, a), indexOf(ids, b)];
      return [Math.min(x, y), Math.max(x, y)];
    }),
  );

  const oldEdges = old.edges;
  const out = new Uint32Array(oldEdges.length + fresh.length);
  let length = 0;
  let f = 0;
  for (let k = 0; k < oldEdges.length; k += 2) {
    const a = oldEdges[k]!;
    const b = oldEdges[k + 1]!;
    const x = renumbered[a]!;
    const y = renumbered[b]!;
    if ((k & PATCH_STEP) === 0) yield;
    if (x < 0 || y < 0 || (pairEnd[a] === 1 && pairEnd[b] === 1 && changedPairs.has(a * before + b))) continue;
    while (f < fresh.length && (fresh[f]! < x || (fresh[f] === x && fresh[f + 1]! < y))) {
      out[length++] = fresh[f++]!;
      out[length++] = fresh[f++]!;
    }
    out[length++] = x;
    out[length++] = y;
  }
  while (f < fresh.length) out[length++] = fresh[f++]!;
  return { ids, partner, edges: length === out.length ? out : out.slice(0, length) };
}

/** Pairs (flat, lower end first; each once: the changed pairs are keyed by their ends) sorted by both ends. */
function sortedPairs(flat: number[]): number[] {
  const order = Array.from({ length: flat.length / 2 }, (_, k) => k).sort((p, q) => flat[2 * p]! - flat[2 * q]! || flat[2 * p + 1]! - flat[2 * q + 1]!);
  return order.flatMap((k) => [flat[2 * k]!, flat[2 * k + 1]!]);
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

/**
 * A topology as a worker thread receives it: the ids as one UTF-8 buffer,
 * each id followed by a NUL (ids hold no control character: `Id` in
 * schemas/model.ts).
 */
export interface PostedTopology {
  ids: Uint8Array;
  partner: Uint8Array;
  edges: Uint32Array;
}

/** Ids encoded between two yields. */
const ENCODE_STEP = 8192;

/**
 * `topology` to post to a worker, in steps: posted as it is, its 300,000 id
 * strings were cloned one by one in one go, 11–34 ms of the event loop on a
 * quiet machine and 106–132 ms under a load of reads; their bytes, encoded
 * a slice at a time, go as one buffer the message moves (its own: transfer
 * it).
 */
export function* postableSteps({ ids, partner, edges }: Topology): Steps<PostedTopology> {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let start = 0; start < ids.length; start += ENCODE_STEP) {
    const chunk = encoder.encode(`${ids.slice(start, start + ENCODE_STEP).join('\0')}\0`);
    chunks.push(chunk);
    length += chunk.length;
    yield;
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { ids: bytes, partner, edges };
}

/** The topology a worker received (see postableSteps). */
export function fromPosted({ ids, partner, edges }: PostedTopology): Topology {
  const list = new TextDecoder().decode(ids).split('\0');
  // The last id's NUL leaves an empty string after it.
  list.pop();
  if (list.length !== partner.length) throw new Error(`projection/topology: ${list.length} ids received for ${partner.length} nodes`);
  return { ids: list, partner, edges };
}
