/**
 * Capability gaps: where customers' needs outrun the partners able to meet
 * them, by capability × region × segment, each with what to do about it, plus
 * the structural weak points of the ecosystem (single points of failure,
 * brokers, cut points).
 *
 * A cell's supply is the level-weighted count of its qualified partners:
 * partners holding the capability that operate in the region and serve the
 * segment. A partner that declares no region or segment qualifies nowhere:
 * the analysis reports what the data states, not what it might mean.
 *
 * Cost: one pass over the nodes builds every index; per-gap work reads those
 * indexes only, so the whole answer stays linear in the graph.
 */
import type { Gap, GapsQuery, GapsResponse, StructuralGaps } from '../schemas/analytics.js';
import type { CapabilityLevel, RelationshipType } from '../schemas/model.js';
import type { DerivedMetrics, EcoCatalogue, EcoGraph, PartnerNode } from '../projection/types.js';
import { disconnectedBy, isolated } from './structure.js';

export const DEFAULTS = {
  /** Supply one partner adds to a cell, by its level of the capability; a certified flag counts as certified. */
  levelWeights: { basic: 0.5, advanced: 0.8, certified: 1 } satisfies Record<CapabilityLevel, number>,
  /** A demanded cell is a gap when fewer partners than this qualify: one partner is a single point of failure… */
  minQualifiedPartners: 2,
  /** …or when each unit of supply faces more customers than this (about what one certified partner serves for one capability). */
  maxDemandPerSupply: 25,
  nearestSuppliers: 5,
  /** Out-of-region suppliers examined per gap for an introduction path: bounds the cost of widely held capabilities. */
  introductionScan: 200,
  brokers: 10,
  /** Partner articulation points (highest betweenness first) whose cut-off customers are listed: each costs one traversal. */
  disconnectsFor: 50,
};
export type GapsOptions = typeof DEFAULTS;

/**
 * An unserved cell's severity is its demand divided by this, as if a millionth
 * of a partner served it: finite for JSON, and above every served cell, so
 * sorting by severity alone reproduces the ranking.
 */
const UNSERVED_SUPPLY = 1e-6;

export function supplyWeight(capability: PartnerNode['capabilities'][string], weights: GapsOptions['levelWeights'] = DEFAULTS.levelWeights): number {
  return capability.certified ? weights.certified : weights[capability.level];
}

interface Holder {
  id: string;
  partner: PartnerNode;
  level: CapabilityLevel;
  weight: number;
}

interface Cell {
  capability: string;
  region: string;
  segment: string;
  customers: string[];
  qualified: Holder[];
  supply: number;
}

/** Nested maps keyed capability → region → value: no key strings built in the hot loops. */
type ByCapabilityRegion<T> = Map<string, Map<string, T>>;

function slot<K, V>(map: Map<K, V>, key: K, create: () => NoInfer<V>): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}
// Shared factories: the index loops run a million times, and a closure per call is what the garbage collector then spends its time on.
const newMap = <K, V>() => new Map<K, V>();
const newList = <T>(): T[] => [];

interface EcosystemIndex {
  cells: ByCapabilityRegion<Map<string, Cell>>;
  /** capability → every partner holding it */
  holders: Map<string, Holder[]>;
  /** capability → region → partners holding it there, whatever their segments */
  regionalHolders: ByCapabilityRegion<Holder[]>;
}

function cellAt(index: EcosystemIndex, capability: string, region: string, segment: string): Cell {
  const bySegment = slot(slot(index.cells, capability, newMap), region, newMap);
  let cell = bySegment.get(segment);
  if (cell === undefined) bySegment.set(segment, (cell = { capability, region, segment, customers: [], qualified: [], supply: 0 }));
  return cell;
}

/** Customers needing a capability in a region, whatever their segment. */
function demandIn(index: EcosystemIndex, capability: string, region: string): string[] {
  return [...(index.cells.get(capability)?.get(region)?.values() ?? [])].flatMap((cell) => cell.customers);
}

function indexEcosystem(graph: EcoGraph, query: GapsQuery, weights: GapsOptions['levelWeights']): EcosystemIndex {
  const index: EcosystemIndex = { cells: new Map(), holders: new Map(), regionalHolders: new Map() };
  const wanted = (capability: string) => query.capability === undefined || capability === query.capability;

  graph.forEachNode((id, node) => {
    if (node.kind === 'customer') {
      node.needs.forEach((need, i) => {
        // A need listed twice counts once.
        if (wanted(need) && node.needs.indexOf(need) === i) cellAt(index, need, node.region, node.segment).customers.push(id);
      });
      return;
    }
    for (const capability in node.capabilities) {
      const held = node.capabilities[capability]!;
      if (!wanted(capability)) continue;
      const holder: Holder = { id, partner: node, level: held.certified ? 'certified' : held.level, weight: supplyWeight(held, weights) };
      slot(index.holders, capability, newList).push(holder);
      for (const region of node.regions) {
        slot(slot(index.regionalHolders, capability, newMap), region, newList).push(holder);
        for (const segment of node.segments) {
          const cell = cellAt(index, capability, region, segment);
          cell.qualified.push(holder);
          cell.supply += holder.weight;
        }
      }
    }
  });
  return index;
}

function* cellsOf(index: EcosystemIndex, query: GapsQuery): Generator<Cell> {
  for (const byRegion of index.cells.values()) {
    for (const [region, bySegment] of byRegion) {
      if (query.region !== undefined && region !== query.region) continue;
      for (const [segment, cell] of bySegment) {
        if (query.segment === undefined || segment === query.segment) yield cell;
      }
    }
  }
}

const byWeightThenId = (a: Holder, b: Holder) => b.weight - a.weight || compareIds(a.id, b.id);

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

// ---------- nearest suppliers and action ----------

type SupplierTier = 'otherSegment' | 'lowerLevel' | 'introduction' | 'elsewhere';
interface Supplier {
  id: string;
  tier: SupplierTier;
  reason: string;
}

/**
 * Finds, for a gap, the partners closest to filling it, best first: in-region
 * holders serving another segment, qualified partners below certified level
 * (both 'enable'), qualified partners elsewhere already related to an
 * in-region partner ('introduce'), then qualified partners elsewhere.
 * Memos are shared across the gaps of one request.
 */
class SupplierFinder {
  /** "capability␀region" (region empty for anywhere) → holders, best level first */
  private sortedHolders = new Map<string, Holder[]>();
  private partnerLinks = new Map<string, Map<string, { partner: string; types: RelationshipType[] }>>();

  constructor(
    private graph: EcoGraph,
    private index: EcosystemIndex,
    private options: GapsOptions,
  ) {}

  find(cell: Cell): Supplier[] {
    const { capability, region, segment } = cell;
    const wanted = this.options.nearestSuppliers;
    const enable: Supplier[] = [];
    const qualified = new Set(cell.qualified.map((h) => h.id));
    for (const h of this.holdersOf(capability, region)) {
      if (enable.length >= wanted) break;
      if (!qualified.has(h.id)) enable.push({ id: h.id, tier: 'otherSegment', reason: `holds ${capability} (${h.level}) in ${region} but does not serve ${segment}` });
    }
    for (const h of [...cell.qualified].sort(byWeightThenId)) {
      if (enable.length >= wanted) break;
      if (h.level !== 'certified') enable.push({ id: h.id, tier: 'lowerLevel', reason: `qualifies at ${h.level} level only; certifying it adds ${round2(this.options.levelWeights.certified - h.weight)} supply` });
    }
    // Once a partner can be enabled the action is settled; look further only to fill the list.
    const free = wanted - enable.length;
    const introductions: Supplier[] = [];
    const elsewhere: Supplier[] = [];
    let scanned = 0;
    for (const h of this.holdersOf(capability)) {
      if (introductions.length >= free || scanned >= this.options.introductionScan) break;
      if (!h.partner.segments.includes(segment) || h.partner.regions.includes(region)) continue;
      scanned++;
      const regions = h.partner.regions.join(', ') || 'no region';
      const link = this.linksOf(h.id).get(region);
      if (link !== undefined) {
        introductions.push({ id: h.id, tier: 'introduction', reason: `holds ${capability} (${h.level}) for ${segment} in ${regions} and already works with ${link.partner} (${link.types.join(', ')}), which operates in ${region}` });
      } else if (elsewhere.length < free) {
        elsewhere.push({ id: h.id, tier: 'elsewhere', reason: `holds ${capability} (${h.level}) for ${segment} in ${regions}, not in ${region}` });
      }
    }
    return [...enable, ...introductions, ...elsewhere];
  }

  /** Holders of a capability, in one region or anywhere, best level first; sorted once per request. */
  private holdersOf(capability: string, region?: string): Holder[] {
    const key = `${capability}\u0000${region ?? ''}`;
    let sorted = this.sortedHolders.get(key);
    if (sorted === undefined) {
      const holders = region === undefined ? this.index.holders.get(capability) : this.index.regionalHolders.get(capability)?.get(region);
      this.sortedHolders.set(key, (sorted = [...(holders ?? [])].sort(byWeightThenId)));
    }
    return sorted;
  }

  /** region → the partner (smallest id) through which this partner reaches that region. */
  private linksOf(partnerId: string) {
    return slot(this.partnerLinks, partnerId, () => {
      const links = new Map<string, { partner: string; types: RelationshipType[] }>();
      this.graph.forEachEdge(partnerId, (_edge, attributes, source, target, sourceNode, targetNode) => {
        const [other, node] = source === partnerId ? [target, targetNode] : [source, sourceNode];
        if (node.kind !== 'partner') return;
        for (const region of node.regions) {
          const known = links.get(region);
          if (known === undefined || other < known.partner) links.set(region, { partner: other, types: attributes.types });
        }
      });
      return links;
    });
  }
}

function actionFor(suppliers: Supplier[]): Gap['action'] {
  if (suppliers.some((s) => s.tier === 'otherSegment' || s.tier === 'lowerLevel')) return 'enable';
  if (suppliers.some((s) => s.tier === 'introduction')) return 'introduce';
  return 'recruit';
}

function explain(cell: Cell, name: string, action: Gap['action'], suppliers: Supplier[], options: GapsOptions): string {
  const demand = cell.customers.length;
  const supplyText =
    cell.qualified.length === 0
      ? 'no partner qualifies there'
      : `${cell.qualified.length} qualified partner(s) give ${round2(cell.supply)} weighted supply (${round2(demand / cell.supply)} customers per unit; a gap below ${options.minQualifiedPartners} partners or above ${options.maxDemandPerSupply})`;
  const first = suppliers[0];
  const next =
    first === undefined
      ? `recruit: no partner holds it for ${cell.segment} anywhere`
      : action === 'recruit'
        ? `recruit in ${cell.region}; the nearest, ${first.id}, ${first.reason}`
        : `${action} ${first.id}, which ${first.reason}`;
  return `${demand} ${cell.segment} customer(s) in ${cell.region} need ${name} and ${supplyText}; ${next}.`;
}

// ---------- structural weak points ----------

function structuralGaps(graph: EcoGraph, derived: DerivedMetrics, index: EcosystemIndex, query: GapsQuery, options: GapsOptions): StructuralGaps {
  const singlePointsOfFailure: StructuralGaps['singlePointsOfFailure'] = [];
  for (const [capability, holders] of index.holders) {
    const only = holders[0];
    if (holders.length !== 1 || only === undefined) continue;
    const atRisk = [...(index.cells.get(capability)?.keys() ?? [])].flatMap((region) => demandIn(index, capability, region)).sort(compareIds);
    singlePointsOfFailure.push({ kind: 'capability', id: capability, partnerId: only.id, customersAtRisk: atRisk });
  }
  for (const [capability, byRegion] of index.regionalHolders) {
    for (const [region, holders] of byRegion) {
      const only = holders[0];
      if (holders.length !== 1 || only === undefined || (query.region !== undefined && region !== query.region)) continue;
      const customers = demandIn(index, capability, region);
      if (customers.length > 0) singlePointsOfFailure.push({ kind: 'region', id: region, capability, partnerId: only.id, customersAtRisk: customers.sort(compareIds) });
    }
  }
  singlePointsOfFailure.sort(
    (a, b) => compareIds(a.kind, b.kind) || b.customersAtRisk.length - a.customersAtRisk.length || compareIds(a.capability ?? a.id, b.capability ?? b.id) || compareIds(a.id, b.id),
  );

  const betweenness = (id: string) => derived.betweenness.scores[id] ?? 0;
  const byBetweenness = (a: string, b: string) => betweenness(b) - betweenness(a) || compareIds(a, b);
  const isPartner = (id: string) => graph.hasNode(id) && graph.getNodeAttribute(id, 'kind') === 'partner';

  // A typed-array sort finds the cut-off score cheaply; only the few partners at or above it get the full comparison.
  const scored = graph.filterNodes((id, node) => node.kind === 'partner' && betweenness(id) > 0);
  const cutoff = Float64Array.from(scored, betweenness).sort()[Math.max(0, scored.length - options.brokers)] ?? 0;
  const brokers = scored
    .filter((id) => betweenness(id) >= cutoff)
    .sort(byBetweenness)
    .slice(0, options.brokers);
  const articulationPoints = [...derived.articulationPoints].filter(isPartner).sort(byBetweenness);
  const disconnects: Record<string, string[]> = {};
  for (const id of articulationPoints.slice(0, options.disconnectsFor)) {
    disconnects[id] = disconnectedBy(graph, id)
      .filter((cut) => graph.getNodeAttribute(cut, 'kind') === 'customer')
      .sort(compareIds);
  }
  return {
    singlePointsOfFailure,
    brokers,
    brokerScores: brokers.map((partnerId) => ({ partnerId, betweenness: betweenness(partnerId) })),
    articulationPoints,
    disconnects,
    isolated: isolated(graph).sort(compareIds),
  };
}

// ---------- matrix and entry point ----------

/** Catalogue order first, then any value met only in the data, alphabetically. */
function axis(catalogued: Iterable<string>, seen: Iterable<string>, only: string | undefined): string[] {
  if (only !== undefined) return [only];
  const listed = [...new Set(catalogued)];
  const known = new Set(listed);
  return [...listed, ...[...new Set(seen)].filter((v) => !known.has(v)).sort(compareIds)];
}

export function capabilityGaps(graph: EcoGraph, catalogue: EcoCatalogue, derived: DerivedMetrics, query: GapsQuery, options: Partial<GapsOptions> = {}): GapsResponse {
  const o: GapsOptions = { ...DEFAULTS, ...options };
  if (!(o.minQualifiedPartners >= 1 && o.maxDemandPerSupply > 0)) throw new Error('server/analytics/gaps: minQualifiedPartners must be ≥ 1 and maxDemandPerSupply > 0');

  const index = indexEcosystem(graph, query, o.levelWeights);
  const cells = [...cellsOf(index, query)];
  const severity = (c: Cell) => c.customers.length / (c.supply > 0 ? c.supply : UNSERVED_SUPPLY);
  const isGap = (c: Cell) => c.customers.length > 0 && (c.qualified.length < o.minQualifiedPartners || severity(c) > o.maxDemandPerSupply);
  const ranked = cells
    .filter(isGap)
    .sort(
      (a, b) =>
        Number(a.supply > 0) - Number(b.supply > 0) ||
        severity(b) - severity(a) ||
        b.customers.length - a.customers.length ||
        compareIds(a.capability, b.capability) ||
        compareIds(a.region, b.region) ||
        compareIds(a.segment, b.segment),
    )
    .slice(0, query.limit);

  const finder = new SupplierFinder(graph, index, o);
  const gaps = ranked.map((cell): Gap => {
    const suppliers = finder.find(cell);
    const nearest = suppliers.slice(0, o.nearestSuppliers);
    const action = actionFor(suppliers);
    return {
      capability: cell.capability,
      region: cell.region,
      segment: cell.segment,
      demand: cell.customers.length,
      supply: round2(cell.supply),
      qualifiedPartners: cell.qualified.map((h) => h.id).sort(compareIds),
      severity: round2(severity(cell)),
      customers: [...cell.customers].sort(compareIds),
      nearestSuppliers: nearest.map((s) => s.id),
      nearestSupplierReasons: nearest.map((s) => ({ partnerId: s.id, reason: s.reason })),
      action,
      explanation: explain(cell, catalogue.capabilities.get(cell.capability)?.name ?? cell.capability, action, suppliers, o),
    };
  });

  const matrixCells = cells
    .filter((c) => c.customers.length > 0 || c.supply > 0)
    .map((c) => ({ capability: c.capability, region: c.region, segment: c.segment, demand: c.customers.length, supply: round2(c.supply) }))
    .sort((a, b) => compareIds(a.capability, b.capability) || compareIds(a.region, b.region) || compareIds(a.segment, b.segment));
  return {
    gaps,
    structural: structuralGaps(graph, derived, index, query, o),
    matrix: {
      capabilities: axis(catalogue.capabilities.keys(), matrixCells.map((c) => c.capability), query.capability),
      regions: axis(catalogue.regions, matrixCells.map((c) => c.region), query.region),
      segments: axis(catalogue.segments, matrixCells.map((c) => c.segment), query.segment),
      cells: matrixCells,
    },
  };
}
