/**
 * Everything analytics derive once per projection version, so that requests
 * only read. deriveMetrics is synchronous and free of I/O; the full layout,
 * the one slow part, runs later in a worker thread through layoutFor.
 */
import { betweenness, pagerank } from '../analytics/centrality.js';
import { detectCommunities } from '../analytics/communities.js';
import { computeLayout, fromLayoutOutput, runLayoutInWorker, toLayoutInput } from '../analytics/layout.js';
import { prepareMap } from '../analytics/map.js';
import { articulationPoints, bridges } from '../analytics/structure.js';
import type { DerivedMetrics, EcoGraph } from './types.js';

/** Above this share of nodes placed since the last full layout, the map is due a fresh one. */
const RELAYOUT_SHARE = 0.1;

/**
 * Metrics of `graph` at `version`. Positions come from `previous`, with new
 * nodes placed next to their neighbours; without previous positions a quick
 * first layout stands in, and `layoutPending` says a full one is owed.
 */
export function deriveMetrics(graph: EcoGraph, version: number, previous?: Pick<DerivedMetrics, 'positions' | 'layoutPending'>): DerivedMetrics {
  const communities = detectCommunities(graph);
  const input = toLayoutInput(graph, communities, previous?.positions);
  const unplaced = input.ids.filter((id) => previous?.positions[id] === undefined).length;
  // Skipping the communities' backbone layouts keeps the first picture to about a second at 300k nodes.
  const positions = fromLayoutOutput(input.ids, computeLayout(input, { backboneIterations: 0 }));
  const derived: DerivedMetrics = {
    version,
    communities,
    pagerank: pagerank(graph),
    betweenness: betweenness(graph),
    articulationPoints: new Set(articulationPoints(graph)),
    bridges: bridges(graph),
    positions,
    layoutPending: graph.order > 0 && (previous === undefined || previous.layoutPending || unplaced > RELAYOUT_SHARE * graph.order),
  };
  // In-memory only: the map's per-version index, so that the first map request is as fast as the next.
  prepareMap(graph, derived);
  return derived;
}

/** A full layout of `graph`, computed in a worker thread. */
export async function layoutFor(graph: EcoGraph, derived: DerivedMetrics): Promise<Record<string, { x: number; y: number }>> {
  const input = toLayoutInput(graph, derived.communities);
  return fromLayoutOutput(input.ids, await runLayoutInWorker(input, { full: true }));
}
