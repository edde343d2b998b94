/**
 * Response and request shapes of the analytics endpoints. Field names marked
 * "stable" are relied on by other tools: add fields, never rename these.
 */
import { z } from 'zod';
import { Id, LIST_MAX, NAME_MAX, PartnerType } from './model.js';

export const CENTRALITIES = ['degree', 'pagerank', 'betweenness'] as const;
export const Centrality = z.enum(CENTRALITIES);

// ---------- map ----------

export const MapQuery = z.object({
  type: PartnerType.optional(),
  tier: z.string().min(1).max(NAME_MAX).optional(),
  region: z.string().min(1).max(NAME_MAX).optional(),
  segment: z.string().min(1).max(NAME_MAX).optional(),
  capability: z.string().min(1).max(NAME_MAX).optional(),
  stage: z.string().min(1).max(NAME_MAX).optional(),
  community: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  minDegree: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  focus: Id.optional(),
  depth: z.coerce.number().int().min(1).max(3).default(1),
  sizeBy: Centrality.default('pagerank'),
  includeCustomers: z.stringbool().default(true),
  /** Above this many nodes the map aggregates communities into super-nodes. */
  budget: z.coerce.number().int().min(10).max(100_000).default(5000),
});
export type MapQuery = z.infer<typeof MapQuery>;

export const MapNode = z.object({
  id: z.string(),
  label: z.string(),
  /** partner | customer | community (a super-node standing for a whole community) */
  kind: z.enum(['partner', 'customer', 'community']),
  x: z.number(),
  y: z.number(),
  size: z.number(),
  community: z.number(),
  /** Partner types, for the colour key; empty for customers. */
  types: z.array(z.string()),
  tier: z.string().optional(),
  /** For a community super-node: how many partners and customers it stands for. */
  count: z.number().optional(),
  degree: z.number(),
});
export type MapNode = z.infer<typeof MapNode>;

export const MapEdge = z.object({
  id: z.string(),
  source: z.string(),
  target: z.string(),
  types: z.array(z.string()),
  // The server always sends roles and value; optional in the type so that clients built before them still compile.
  /** SERVES roles among the relationships (for links between super-nodes: of all they stand for). */
  roles: z.array(z.string()).optional(),
  /** Summed annual value of the SERVES relationships (0 when unknown). */
  value: z.number().optional(),
  /** How many relationships the edge stands for (every type, start and role). */
  weight: z.number(),
});
export type MapEdge = z.infer<typeof MapEdge>;

export const MapResponse = z.object({
  version: z.number(),
  aggregated: z.boolean(),
  /** Nodes matching the filters before any aggregation. */
  totalNodes: z.number(),
  nodes: z.array(MapNode),
  edges: z.array(MapEdge),
  /** Counts per filter value over the filtered view, for the filter panel. */
  facets: z.record(z.string(), z.record(z.string(), z.number())),
  /** Whether positions come from a layout that is still being refined. */
  layoutPending: z.boolean(),
});
export type MapResponse = z.infer<typeof MapResponse>;

// ---------- per-node metrics ----------

export const NodeMetrics = z.object({
  id: z.string(),
  kind: z.enum(['partner', 'customer']),
  degree: z.number(),
  degreeByType: z.record(z.string(), z.number()),
  pagerank: z.number(),
  betweenness: z.number(),
  /** How betweenness was computed: exact, or sampled from this many sources. */
  betweennessMethod: z.object({ exact: z.boolean(), sources: z.number() }),
  community: z.number(),
  isArticulationPoint: z.boolean(),
  /** Edges at this node whose removal disconnects the graph. */
  bridges: z.array(z.object({ source: z.string(), target: z.string() })),
  isBroker: z.boolean(),
  /** Partners sharing customers with this one, most shared first. */
  sharedCustomers: z.array(z.object({ partnerId: z.string(), count: z.number() })),
});
export type NodeMetrics = z.infer<typeof NodeMetrics>;

// ---------- gaps ----------

export const GapsQuery = z.object({
  region: z.string().min(1).max(NAME_MAX).optional(),
  segment: z.string().min(1).max(NAME_MAX).optional(),
  capability: z.string().min(1).max(NAME_MAX).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type GapsQuery = z.infer<typeof GapsQuery>;

export const GAP_ACTIONS = ['recruit', 'enable', 'introduce'] as const;

export const GAP_CHANGES = ['serveSegment', 'certify', 'enterRegion', 'recruit'] as const;

/**
 * One step of the plan that closes a gap. serveSegment (enable): a partner
 * holding the capability in the region starts serving the segment; certify
 * (enable): a qualified partner certifies in the capability; enterRegion
 * (introduce): a partner qualified elsewhere starts working in the region
 * through the in-region partner it already works with (`via`); recruit:
 * `partners` new certified partners in the region for the segment.
 */
export const GapStep = z.object({
  action: z.enum(GAP_ACTIONS),
  change: z.enum(GAP_CHANGES),
  partnerId: z.string().optional(),
  partnerName: z.string().optional(),
  via: z.string().optional(),
  viaName: z.string().optional(),
  /** Qualified partners the step adds to the cell. */
  partners: z.number(),
  /** Weighted supply the step adds to the cell. */
  supply: z.number(),
  text: z.string(),
});
export type GapStep = z.infer<typeof GapStep>;

export const Gap = z.object({
  capability: z.string(), // stable
  capabilityName: z.string(),
  region: z.string(), // stable
  segment: z.string(), // stable
  demand: z.number(), // stable: customers needing it
  supply: z.number(), // stable: weighted qualified partners
  qualifiedPartners: z.array(z.string()),
  /** No partner qualifies: such gaps rank before every served one. */
  unserved: z.boolean(),
  /** demand ÷ supply, or demand when unserved; gaps rank by unserved, then severity. */
  severity: z.number(),
  customers: z.array(z.string()), // stable
  nearestSuppliers: z.array(z.string()), // stable
  nearestSupplierReasons: z.array(z.object({ partnerId: z.string(), partnerName: z.string(), reason: z.string() })),
  /** The first step of `plan`. */
  action: z.enum(GAP_ACTIONS), // stable
  /** Steps that, all applied, bring the cell to the coverage rule. */
  plan: z.array(GapStep),
  explanation: z.string(),
});
export type Gap = z.infer<typeof Gap>;

export const MatrixCell = z.object({
  capability: z.string(),
  region: z.string(),
  segment: z.string(),
  demand: z.number(),
  supply: z.number(),
});

export const StructuralGaps = z.object({
  /** Capability or region (per capability) served by exactly one partner. */
  singlePointsOfFailure: z.array(
    z.object({ kind: z.enum(['capability', 'region']), id: z.string(), capability: z.string().optional(), partnerId: z.string(), customersAtRisk: z.array(z.string()) }),
  ),
  brokers: z.array(z.string()), // stable: ordered by betweenness
  brokerScores: z.array(z.object({ partnerId: z.string(), betweenness: z.number() })),
  articulationPoints: z.array(z.string()), // stable
  /** For each articulation point among partners: the customers cut off from the largest component if it left. */
  disconnects: z.record(z.string(), z.array(z.string())),
  isolated: z.array(z.string()), // stable
});
export type StructuralGaps = z.infer<typeof StructuralGaps>;

export const GapsResponse = z.object({
  gaps: z.array(Gap),
  structural: StructuralGaps,
  matrix: z.object({
    capabilities: z.array(z.string()),
    regions: z.array(z.string()),
    segments: z.array(z.string()),
    /** Only cells with demand or supply. */
    cells: z.array(MatrixCell),
  }),
});
export type GapsResponse = z.infer<typeof GapsResponse>;

// ---------- introductions ----------

export const IntroductionsQuery = z.object({
  type: PartnerType.optional(),
  region: z.string().min(1).max(NAME_MAX).optional(),
  k: z.coerce.number().int().min(1).max(100).default(10),
});
export type IntroductionsQuery = z.infer<typeof IntroductionsQuery>;

/** One piece of evidence: an id (customer, capability, partner, region, segment, role pair) and what to call it. */
export const EvidenceItem = z.object({ id: z.string(), name: z.string() });
export type EvidenceItem = z.infer<typeof EvidenceItem>;

export const Signal = z.object({
  name: z.enum(['sharedCustomers', 'complementaryRoles', 'complementaryCapabilities', 'commonNeighbours', 'regionOverlap', 'segmentOverlap']),
  contribution: z.number(),
  /** A sentence with names and formatted figures. */
  detail: z.string(),
  /** Concrete evidence: customer ids, capability ids, neighbour ids, regions… */
  evidence: z.array(z.string()),
  /** The same evidence with names, in the same order (always sent; optional for older clients' fixtures). */
  items: z.array(EvidenceItem).optional(),
});
export type Signal = z.infer<typeof Signal>;

export const Introduction = z.object({
  partnerId: z.string(), // stable
  otherPartnerId: z.string(), // stable
  /** The partners' names (always sent; optional for older clients' fixtures). */
  partnerName: z.string().optional(),
  otherPartnerName: z.string().optional(),
  score: z.number(), // stable
  signals: z.array(Signal), // stable
});
export type Introduction = z.infer<typeof Introduction>;

export const IntroductionsResponse = z.object({ introductions: z.array(Introduction) });

// ---------- deal team ----------

export const DealTeamRequest = z
  .object({
    customerId: Id.optional(),
    segment: z.string().min(1).max(NAME_MAX).optional(),
    region: z.string().min(1).max(NAME_MAX).optional(),
    capabilities: z.array(Id).max(LIST_MAX).default([]),
    roles: z.array(PartnerType).max(LIST_MAX).default([]),
    include: z.array(Id).max(LIST_MAX).default([]),
    exclude: z.array(Id).max(LIST_MAX).default([]),
    maxSize: z.number().int().min(1).max(10).default(4),
    limit: z.number().int().min(1).max(50).default(5),
  })
  .refine((r) => r.customerId !== undefined || r.region !== undefined, {
    message: 'give a customerId, or a region (with an optional segment)',
    path: ['region'],
  });
export type DealTeamRequest = z.infer<typeof DealTeamRequest>;

export const TeamMember = z.object({
  partnerId: z.string(), // stable
  /** The partner's name, as the reason and explanation use it (always sent; optional for older clients' fixtures). */
  name: z.string().optional(),
  role: z.string(), // stable
  covers: z.array(z.string()), // stable: capability ids
  reason: z.string(),
});

export const Team = z.object({
  members: z.array(TeamMember), // stable
  score: z.number(), // stable
  explanation: z.string(), // stable
  components: z.object({ coverage: z.number(), cohesion: z.number(), customerFit: z.number(), quality: z.number() }),
  /** Existing relationships among team members. */
  links: z.array(z.object({ source: z.string(), target: z.string(), types: z.array(z.string()) })),
});
export type Team = z.infer<typeof Team>;

export const DealTeamResponse = z.object({
  teams: z.array(Team),
  /** proven: no team scores better than those returned; best-found: the search stopped at its budget first. */
  optimality: z.enum(['proven', 'best-found']),
  /** An upper bound on the best score any team can reach: the first team's score when proven. */
  bound: z.number(),
  unmet: z
    .array(z.object({ requirement: z.string(), kind: z.enum(['capability', 'role']), closest: z.array(z.string()), reason: z.string() }))
    .optional(),
});
export type DealTeamResponse = z.infer<typeof DealTeamResponse>;

// ---------- health ----------

export const HealthComponent = z.object({
  key: z.string(),
  label: z.string(),
  /** 0..1 */
  value: z.number(),
  weight: z.number(),
  detail: z.string(),
  /** Ids or API paths pointing at what drives the component. */
  drivers: z.array(z.string()),
  /** What each driver is, for a person: names and formatted figures, in the order of `drivers`. */
  driverLabels: z.array(z.string()),
});

export const EcosystemHealth = z.object({
  score: z.number(),
  components: z.array(HealthComponent),
  formula: z.string(),
});
export type EcosystemHealth = z.infer<typeof EcosystemHealth>;
