/**
 * One node's metrics for the details panel: read from the derived metrics,
 * plus the few figures that are cheap to compute for one node on request.
 */
import type { NodeMetrics } from '../schemas/analytics.js';
import type { DerivedMetrics, EcoGraph } from '../projection/types.js';
import { degreeByType } from './centrality.js';

/** Brokers: partners whose betweenness is in this top share of partners. */
const BROKER_SHARE = 0.05;
const SHARED_CUSTOMERS_SHOWN = 20;

/** Metrics of node `id`; null when the graph has no such node. */
export function nodeMetrics(graph: EcoGraph, derived: DerivedMetrics, id: string): NodeMetrics | null {
  if (!graph.hasNode(id)) return null;
  const { kind } = graph.getNodeAttributes(id);
  const { brokerThreshold, bridgesByNode } = perVersion(graph, derived);
  const betweenness = derived.betweenness.scores.get(id) ?? 0;
  return {
    id,
    kind,
    degree: graph.degree(id),
    degreeByType: degreeByType(graph, id),
    pagerank: derived.pagerank.get(id) ?? 0,
    betweenness,
    betweennessMethod: { exact: derived.betweenness.exact, sources: derived.betweenness.sources },
    community: derived.communities.get(id) ?? -1,
    isArticulationPoint: derived.articulationPoints.has(id),
    bridges: bridgesByNode.get(id) ?? [],
    isBroker: kind === 'partner' && betweenness > 0 && betweenness >= brokerThreshold,
    sharedCustomers: kind === 'partner' ? sharedCustomers(graph, id) : [],
  };
}

/** Partners serving the same customers as `partner`, most shared first. */
function sharedCustomers(graph: EcoGraph, partner: string): NodeMetrics['sharedCustomers'] {
  const counts = new Map<string, number>();
  graph.forEachNeighbor(partner, (customer, attributes) => {
    if (attributes.kind !== 'customer') return;
    graph.forEachNeighbor(customer, (other, { kind }) => {
      if (kind === 'partner' && other !== partner) counts.set(other, (counts.get(other) ?? 0) + 1);
    });
  });
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, SHARED_CUSTOMERS_SHOWN)
    .map(([partnerId, count]) => ({ partnerId, count }));
}

interface PerVersion {
  brokerThreshold: number;
  bridgesByNode: Map<string, NodeMetrics['bridges']>;
}

// Both need a pass over every partner or bridge: done once per derived metrics, not per request.
const cache = new WeakMap<DerivedMetrics, PerVersion>();

function perVersion(graph: EcoGraph, derived: DerivedMetrics): PerVersion {
  const cached = cache.get(derived);
  if (cached !== undefined) return cached;
  const scores = graph
    .filterNodes((_node, attributes) => attributes.kind === 'partner')
    .map((partner) => derived.betweenness.scores.get(partner) ?? 0)
    .sort((a, b) => b - a);
  const brokerThreshold = scores[Math.max(0, Math.ceil(BROKER_SHARE * scores.length) - 1)] ?? Infinity;
  const bridgesByNode = new Map<string, NodeMetrics['bridges']>();
  for (const [source, target] of derived.bridges) {
    for (const end of [source, target]) {
      const list = bridgesByNode.get(end) ?? [];
      list.push({ source, target });
      bridgesByNode.set(end, list);
    }
  }
  const computed = { brokerThreshold, bridgesByNode };
  cache.set(derived, computed);
  return computed;
}
