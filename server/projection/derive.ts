/**
 * Everything analytics derive once per projection version, so that requests
 * only read. deriveMetrics is synchronous and free of I/O; on a large graph it
 * takes tens of seconds, so deriveInWorker runs it in a worker thread, and the
 * full layout runs later in another through layoutFor.
 */
import { betweenness, pagerank } from '../analytics/centrality.js';
import { detectCommunities } from '../analytics/communities.js';
import { computeLayout, fromLayoutOutput, runLayoutInWorker, toLayoutInput } from '../analytics/layout.js';
import { prepareMap } from '../analytics/map.js';
import { articulationPoints, bridges, weakPoints } from '../analytics/structure.js';
import { currentTopologySteps, fromTopology, postableSteps, toTopology, type PostedTopology, type Topology } from './topology.js';
import { fromDerivedFrame, type DerivedFrame } from './snapshot.js';
import { runSliced, slicer } from './slices.js';
import { runWorker } from './run-worker.js';
import { NodeIndex, NodeValues, type NodePositions } from './node-values.js';
import type { DerivedMetrics, EcoGraph } from './types.js';

/** Below this many nodes metrics are derived in-process: a worker's start-up (a second) would cost more than the work, which stalls the event loop for well under 100 ms. */
const WORKER_FROM_NODES = 2_000;

/** Above this share of nodes placed since the last full layout, the map is due a fresh one. */
const RELAYOUT_SHARE = 0.1;

/**
 * Metrics of `graph` at `version`. Positions come from `previous`, with new
 * nodes placed next to their neighbours; without previous positions a quick
 * first layout stands in, and `layoutPending` says a full one is owed.
 */
export function deriveMetrics(graph: EcoGraph, version: number, previous?: Pick<DerivedMetrics, 'positions' | 'layoutPending'>): DerivedMetrics {
  return deriveFromCanonical(fromTopology(toTopology(graph)), version, previous);
}

/** deriveMetrics of a graph already in canonical order (see topology.ts), as a worker receives it. */
export function deriveFromCanonical(graph: EcoGraph, version: number, previous?: Pick<DerivedMetrics, 'positions' | 'layoutPending'>): DerivedMetrics {
  const nodes = new NodeIndex(graph.nodes());
  const communities = NodeValues.of(detectCommunities(graph), nodes);
  const topology = toTopology(graph);
  const { ids } = topology;
  const input = toLayoutInput(topology, communities, previous?.positions);
  const unplaced = ids.filter((id) => previous?.positions.get(id) === undefined).length;
  // Skipping the communities' backbone layouts keeps the first picture to about a second at 300k nodes.
  const positions = fromLayoutOutput(ids, computeLayout(input, { backboneIterations: 0 }), nodes);
  const { scores, exact, sources } = betweenness(graph);
  return {
    version,
    communities,
    pagerank: NodeValues.of(pagerank(graph), nodes),
    betweenness: { scores: NodeValues.of(scores, nodes), exact, sources },
    articulationPoints: new Set(articulationPoints(graph)),
    bridges: bridges(graph),
    weakPoints: weakPoints(graph, (id) => scores[id] ?? 0),
    positions,
    layoutPending: graph.order > 0 && (previous === undefined || previous.layoutPending || unplaced > RELAYOUT_SHARE * graph.order),
  };
}

/** The topology each set of metrics was derived from (see deriveInBackground). */
const derivedFrom = new WeakMap<DerivedMetrics, Topology>();

/**
 * deriveMetrics off the event loop for a large graph, in-process for a small
 * one; then the map's per-version index, which lives with the real graph.
 * Metrics depend on the topology alone: when `previous` was derived here from
 * the graph's topology as it still is (the writes since changed attributes
 * only), `previous` itself comes back, and the caller moves it to `version`.
 */
export async function deriveInBackground(
  graph: EcoGraph,
  version: number,
  previous?: DerivedMetrics | Pick<DerivedMetrics, 'positions' | 'layoutPending'>,
  workerFromNodes = WORKER_FROM_NODES,
): Promise<DerivedMetrics> {
  // The graph's topology kept from one derivation to the next and patched with the changes since (see topology.ts).
  const topology = await runSliced(currentTopologySteps(graph));
  if (previous !== undefined && derivedFrom.get(previous as DerivedMetrics) === topology) return previous as DerivedMetrics;
  let derived: DerivedMetrics;
  if (graph.order < workerFromNodes) derived = deriveFromCanonical(fromTopology(topology), version, previous);
  else {
    const { ids } = topology;
    // Previous positions go as x, y per node of the topology (NaN where none), the worker's own order.
    const xy = previous === undefined ? undefined : await runSliced(previous.positions.over(ids));
    const posted = await runSliced(postableSteps(topology));
    const message: DeriveRequest = { topology: posted, version, ...(previous === undefined ? {} : { previous: { xy: xy!, layoutPending: previous.layoutPending } }) };
    // The topology's own arrays stay (copied to the worker): the next derivation patches them.
    const moved = [posted.ids.buffer as ArrayBuffer, ...(xy === undefined ? [] : [xy.buffer as ArrayBuffer])];
    const frame = await runWorker<DerivedFrame>(new URL('./derive-worker.ts', import.meta.url), message, moved);
    derived = await fromDerivedFrame(frame, ids, slicer());
  }
  derivedFrom.set(derived, topology);
  await prepareMap(graph, derived);
  return derived;
}

/**
 * Walks the graph's topology ahead of its first derivation, in slices: 1–2 s
 * of the event loop at 300,000 nodes, which under a load of reads and
 * writes stretched over seconds in which every write waited its turn.
 * `derived`, when given, holds the metrics of this very graph (restored with
 * it from a snapshot): when no node or edge changed during the walk, they
 * are noted as derived from it, so that a write of attributes alone moves
 * them to its version instead of deriving the same metrics again.
 */
export async function prepareTopology(graph: EcoGraph, derived?: DerivedMetrics): Promise<void> {
  const topology = await runSliced(currentTopologySteps(graph));
  // Nodes and edges changed during the walk are patched in now: the same topology back means there were none.
  if (derived !== undefined && (await runSliced(currentTopologySteps(graph))) === topology) derivedFrom.set(derived, topology);
}

/** What the deriving worker receives. */
export interface DeriveRequest {
  topology: PostedTopology;
  version: number;
  previous?: { xy: Float64Array; layoutPending: boolean };
}

/** A full layout of `graph`, computed in a worker thread; its input made on the event loop in slices (1.6 s at once at 300,000 nodes). */
export async function layoutFor(graph: EcoGraph, derived: DerivedMetrics): Promise<NodePositions> {
  const { ids, edges } = await runSliced(currentTopologySteps(graph));
  // A copy of the edges goes to the worker (its input's arrays are transferred): the topology's own are kept.
  const input = toLayoutInput({ ids, edges: edges.slice() }, derived.communities);
  return fromLayoutOutput(ids, await runLayoutInWorker(input, { full: true }), derived.communities.nodes);
}
