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
import { articulationPoints, bridges } from '../analytics/structure.js';
import { fromTopology, topologySteps, toTopology, type Topology } from './topology.js';
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
  const input = toLayoutInput(toTopology(graph), communities, previous?.positions);
  const unplaced = input.ids.filter((id) => previous?.positions.get(id) === undefined).length;
  // Skipping the communities' backbone layouts keeps the first picture to about a second at 300k nodes.
  const positions = fromLayoutOutput(input.ids, computeLayout(input, { backboneIterations: 0 }), nodes);
  const { scores, exact, sources } = betweenness(graph);
  return {
    version,
    communities,
    pagerank: NodeValues.of(pagerank(graph), nodes),
    betweenness: { scores: NodeValues.of(scores, nodes), exact, sources },
    articulationPoints: new Set(articulationPoints(graph)),
    bridges: bridges(graph),
    positions,
    layoutPending: graph.order > 0 && (previous === undefined || previous.layoutPending || unplaced > RELAYOUT_SHARE * graph.order),
  };
}

/**
 * deriveMetrics off the event loop for a large graph, in-process for a small
 * one; then the map's per-version index, which lives with the real graph.
 */
export async function deriveInBackground(
  graph: EcoGraph,
  version: number,
  previous?: Pick<DerivedMetrics, 'positions' | 'layoutPending'>,
  workerFromNodes = WORKER_FROM_NODES,
): Promise<DerivedMetrics> {
  let derived: DerivedMetrics;
  if (graph.order < workerFromNodes) derived = deriveFromCanonical(fromTopology(toTopology(graph)), version, previous);
  else {
    // Only the walks over the graph and the node lists' indexes stay on the event loop, in slices.
    const topology = await runSliced(topologySteps(graph));
    const { ids } = topology;
    // Previous positions go as x, y per node of the topology (NaN where none), the worker's own order.
    const xy = previous === undefined ? undefined : await runSliced(previous.positions.over(ids));
    const message: DeriveRequest = { topology, version, ...(previous === undefined ? {} : { previous: { xy: xy!, layoutPending: previous.layoutPending } }) };
    const transfer = [topology.partner.buffer, topology.edges.buffer, ...(xy === undefined ? [] : [xy.buffer])] as ArrayBuffer[];
    const frame = await runWorker<DerivedFrame>(new URL('./derive-worker.ts', import.meta.url), message, transfer);
    derived = await fromDerivedFrame(frame, ids, slicer());
  }
  await prepareMap(graph, derived);
  return derived;
}

/** What the deriving worker receives. */
export interface DeriveRequest {
  topology: Topology;
  version: number;
  previous?: { xy: Float64Array; layoutPending: boolean };
}

/** A full layout of `graph`, computed in a worker thread; its input made on the event loop in slices (1.6 s at once at 300,000 nodes). */
export async function layoutFor(graph: EcoGraph, derived: DerivedMetrics): Promise<NodePositions> {
  const input = toLayoutInput(await runSliced(topologySteps(graph)), derived.communities);
  return fromLayoutOutput(input.ids, await runLayoutInWorker(input, { full: true }), derived.communities.nodes);
}
