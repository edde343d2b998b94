/**
 * The projection: a lean, in-memory graphology graph of the ecosystem that
 * every analytic reads. It holds ids and the few attributes analytics need;
 * names beyond a label and all other details stay in the store.
 *
 * Shape: an undirected simple graph (one edge per node pair) whose nodes are
 * partners and customers. Capabilities, regions and segments are attributes
 * of partners and customers rather than nodes, so that analytics stay fast.
 */
import type { AbstractGraph } from 'graphology-types';
import type { NodePositions, NodeValues } from './node-values.js';
import type { WeakPoints } from '../analytics/structure.js';
import type { CapabilityLevel, LifecycleStage, PartnerType, RelationshipType } from '../schemas/model.js';

export interface PartnerNode {
  kind: 'partner';
  label: string;
  types: PartnerType[];
  tier: string;
  regions: string[];
  segments: string[];
  /** capability id → level and certification */
  capabilities: Record<string, { level: CapabilityLevel; certified: boolean }>;
  /** track → stage */
  lifecycle: Record<string, LifecycleStage>;
}

export interface CustomerNode {
  kind: 'customer';
  label: string;
  segment: string;
  region: string;
  industry?: string;
  needs: string[];
}

export type EcoNode = PartnerNode | CustomerNode;

/** One stored relationship, as the projection keeps it: keyed by type, start and (for SERVES) role. */
export interface RelationshipFact {
  type: RelationshipType;
  from: string;
  role?: string;
  /** Annual value (0 when unknown). */
  value: number;
}

/**
 * All relationships between one pair of nodes, merged into one undirected
 * edge; `types`, `roles` and `value` summarise them. A pair with one
 * relationship (almost every pair) keeps it in those fields and `from`, the
 * end it starts at; a pair with several lists them in `relationships`, in a
 * canonical order. Read them with `relationshipsOf` (build.ts): an array and
 * an object less per edge held 108 MB less at 100,000 partners. The type
 * and role lists are shared between edges and frozen: read, never mutate.
 */
export type EcoEdge = EdgeSummary & ({ from: string; relationships?: undefined } | { relationships: RelationshipFact[]; from?: undefined });

interface EdgeSummary {
  /** Relationship types between the pair (partner↔partner types, or SERVES). */
  types: RelationshipType[];
  /** SERVES roles, when the edge joins a partner and a customer. */
  roles: string[];
  /** Sum of SERVES annual values (0 when unknown). */
  value: number;
}

export type EcoGraph = AbstractGraph<EcoNode, EcoEdge>;

/** Context analytics need besides the graph, read from the store with it. */
export interface EcoCatalogue {
  capabilities: Map<string, { name: string; category?: string }>;
  regions: string[];
  segments: string[];
  deals: Array<{ id: string; customer: string; region: string; needs: string[]; amount?: number; stage: string; partners: Array<{ partner: string; role: string; claimedShare?: number }> }>;
  solutions: Array<{ id: string; name: string; partners: string[]; capabilities: string[] }>;
}

export interface Projection {
  graph: EcoGraph;
  catalogue: EcoCatalogue;
  /** The store's change counter the projection was built at. */
  version: number;
}

/**
 * Everything analytics derive once per projection version, so that requests
 * only read. Values per node are columns over the derivation's nodes (see
 * node-values.ts): read them with `get(id)`.
 */
export interface DerivedMetrics {
  version: number;
  communities: NodeValues;
  pagerank: NodeValues;
  betweenness: { scores: NodeValues; exact: boolean; sources: number };
  articulationPoints: Set<string>;
  /** Bridge edges as [source, target] node-id pairs. */
  bridges: Array<[string, string]>;
  /** Brokers, partner cut points and what they cut off, isolated partners (gaps' structural part). */
  weakPoints: WeakPoints;
  /** Layout positions; nodes added since the last layout are placed near their neighbours. */
  positions: NodePositions;
  /** True while a fresh layout is being computed in the background. */
  layoutPending: boolean;
}
