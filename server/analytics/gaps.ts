/**
 * Capability gaps: the demand cells (capability × region × segment, defined
 * in `demand-cells.ts`) that break the coverage rule, each with a plan that
 * closes it, plus the structural weak points of the ecosystem (single points
 * of failure, brokers, cut points).
 *
 * Cost: one pass over the nodes builds every index; per-gap work reads those
 * indexes only, so the whole answer stays linear in the graph.
 */
import type { Gap, GapStep, GapsQuery, GapsResponse, StructuralGaps } from '../schemas/analytics.js';
import type { RelationshipType } from '../schemas/model.js';
import type { DerivedMetrics, EcoCatalogue, EcoGraph, EcoNode } from '../projection/types.js';
import { COVERAGE_RULE, type CellIndex, type DemandCell, type Holder, cellIndexSteps, cellsOf, compareGaps, indexCells, isGap, meetsRule, severity, slot } from './demand-cells.js';
import { weakPointsAmong } from './structure.js';
import { drain, type Steps } from '../projection/slices.js';
import { compareIds } from '../order.js';

export { supplyWeight } from './demand-cells.js';

export const DEFAULTS = {
  ...COVERAGE_RULE,
  nearestSuppliers: 5,
  /** Out-of-region suppliers examined per gap for an introduction path: bounds the cost of widely held capabilities. */
  introductionScan: 200,
};
export type GapsOptions = typeof DEFAULTS;

/** Customers needing a capability in a region, whatever their segment. */
function demandIn(index: CellIndex, capability: string, region: string): string[] {
  return [...(index.cells.get(capability)?.get(region)?.values() ?? [])].flatMap((cell) => cell.customers);
}

const byWeightThenId = (a: Holder, b: Holder) => b.weight - a.weight || compareIds(a.id, b.id);
const round2 = (x: number) => Math.round(x * 100) / 100;
const count = (n: number) => Math.round(n).toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

// ---------- nearest suppliers and the plan ----------

type SupplierTier = 'otherSegment' | 'lowerLevel' | 'introduction' | 'elsewhere';
interface Supplier {
  holder: Holder;
  tier: SupplierTier;
  reason: string;
}
interface Link {
  partner: string;
  types: RelationshipType[];
}

/**
 * Finds, for a gap, the partners closest to filling it and the plan that
 * closes it. Memos are shared across the gaps of one request.
 */
class SupplierFinder {
  /** "capability␀region" (region empty for anywhere) → holders, best level first */
  private sortedHolders = new Map<string, Holder[]>();
  private partnerLinks = new Map<string, Map<string, Link>>();

  constructor(
    private graph: EcoGraph,
    private index: CellIndex,
    private options: GapsOptions,
    private capabilityName: (id: string) => string,
  ) {}

  name(id: string): string {
    return this.graph.getNodeAttribute(id, 'label') || id;
  }

  /**
   * Best first: in-region holders serving another segment, qualified partners
   * below certified level (both 'enable'), qualified partners elsewhere
   * already related to an in-region partner ('introduce'), then qualified
   * partners elsewhere.
   */
  nearest(cell: DemandCell): Supplier[] {
    const { capability, region, segment } = cell;
    const wanted = this.options.nearestSuppliers;
    const cap = this.capabilityName(capability);
    const enable: Supplier[] = [];
    for (const holder of this.otherSegment(cell)) {
      if (enable.length >= wanted) break;
      enable.push({ holder, tier: 'otherSegment', reason: `holds ${cap} (${holder.level}) in ${region} but does not serve ${segment}` });
    }
    for (const holder of [...cell.qualified].sort(byWeightThenId)) {
      if (enable.length >= wanted) break;
      if (holder.level !== 'certified') enable.push({ holder, tier: 'lowerLevel', reason: `qualifies at ${holder.level} level only; certifying it adds ${round2(this.options.levelWeights.certified - holder.weight)} supply` });
    }
    // Once a partner can be enabled the list needs introductions only to fill it.
    const free = wanted - enable.length;
    const introductions: Supplier[] = [];
    const elsewhere: Supplier[] = [];
    for (const [holder, link] of this.elsewhere(cell)) {
      if (introductions.length >= free) break;
      const regions = holder.partner.regions.join(', ') || 'no region';
      if (link !== undefined) {
        introductions.push({ holder, tier: 'introduction', reason: `holds ${cap} (${holder.level}) for ${segment} in ${regions} and already works with ${this.name(link.partner)} (${link.types.join(', ')}), which operates in ${region}` });
      } else if (elsewhere.length < free) {
        elsewhere.push({ holder, tier: 'elsewhere', reason: `holds ${cap} (${holder.level}) for ${segment} in ${regions}, not in ${region}` });
      }
    }
    return [...enable, ...introductions, ...elsewhere].slice(0, wanted);
  }

  /**
   * The steps that bring the cell to the rule, applied one after another to
   * the cell's partner count and supply: enable in-region holders to serve the
   * segment (each adds a partner and its supply); introduce partners from
   * elsewhere while partners are short; certify qualified partners while
   * supply is short; more introductions; then recruit what is still missing.
   */
  plan(cell: DemandCell): GapStep[] {
    const o = this.options;
    const { capability, region, segment } = cell;
    const cap = this.capabilityName(capability);
    const demand = cell.customers.length;
    let partners = cell.qualified.length;
    let supply = cell.supply;
    const closed = () => meetsRule(demand, partners, supply, o);
    const steps: GapStep[] = [];

    for (const h of this.otherSegment(cell)) {
      if (closed()) break;
      steps.push({ action: 'enable', change: 'serveSegment', partnerId: h.id, partnerName: this.name(h.id), partners: 1, supply: h.weight, text: `enable ${this.name(h.id)}, which holds ${cap} (${h.level}) in ${region}, to serve ${segment}` });
      partners += 1;
      supply += h.weight;
    }
    const introductions = [...this.elsewhere(cell)].filter((entry): entry is [Holder, Link] => entry[1] !== undefined);
    const introduce = (whileShort: () => boolean) => {
      while (introductions.length > 0 && whileShort()) {
        const [h, link] = introductions.shift()!;
        const via = this.name(link.partner);
        steps.push({
          action: 'introduce',
          change: 'enterRegion',
          partnerId: h.id,
          partnerName: this.name(h.id),
          via: link.partner,
          viaName: via,
          partners: 1,
          supply: h.weight,
          text: `introduce ${this.name(h.id)}, which holds ${cap} (${h.level}) for ${segment} in ${h.partner.regions.join(', ') || 'no region'}, to ${via}, which operates in ${region}, so that it delivers there`,
        });
        partners += 1;
        supply += h.weight;
      }
    };
    introduce(() => partners < o.minQualifiedPartners);
    for (const h of [...cell.qualified].sort(byWeightThenId)) {
      if (closed() || partners < o.minQualifiedPartners) break;
      if (h.level === 'certified') continue;
      const added = o.levelWeights.certified - h.weight;
      steps.push({ action: 'enable', change: 'certify', partnerId: h.id, partnerName: this.name(h.id), partners: 0, supply: added, text: `certify ${this.name(h.id)} in ${cap} (now ${h.level}), adding ${round2(added)} supply` });
      supply += added;
    }
    introduce(() => !closed());
    if (!closed()) {
      // Recruits are counted as certified: the least that closes the cell.
      let recruits = Math.max(0, o.minQualifiedPartners - partners);
      while (!meetsRule(demand, partners + recruits, supply + recruits * o.levelWeights.certified, o)) recruits++;
      steps.push({ action: 'recruit', change: 'recruit', partners: recruits, supply: recruits * o.levelWeights.certified, text: `recruit ${plural(recruits, 'certified partner')} for ${segment} in ${region}` });
    }
    return steps;
  }

  /** Partners holding the capability in the region that do not serve the cell's segment, best level first. */
  private *otherSegment(cell: DemandCell): Generator<Holder> {
    const qualified = new Set(cell.qualified.map((h) => h.id));
    for (const h of this.holdersOf(cell.capability, cell.region)) if (!qualified.has(h.id)) yield h;
  }

  /** Partners holding the capability for the segment only outside the region, with the in-region partner each already works with, if any. */
  private *elsewhere(cell: DemandCell): Generator<[Holder, Link | undefined]> {
    let scanned = 0;
    for (const h of this.holdersOf(cell.capability)) {
      if (scanned >= this.options.introductionScan) return;
      if (!h.partner.segments.includes(cell.segment) || h.partner.regions.includes(cell.region)) continue;
      scanned++;
      yield [h, this.linksOf(h.id).get(cell.region)];
    }
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
      const links = new Map<string, Link>();
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

function explain(cell: DemandCell, capabilityName: string, plan: GapStep[], options: GapsOptions): string {
  const demand = cell.customers.length;
  const supplyText =
    cell.qualified.length === 0
      ? 'no partner qualifies there'
      : `${plural(cell.qualified.length, 'qualified partner')} ${cell.qualified.length === 1 ? 'gives' : 'give'} ${round2(cell.supply)} weighted supply, ${round2(demand / cell.supply)} customers per unit (the rule: at least ${options.minQualifiedPartners} partners and at most ${options.maxDemandPerSupply} customers per unit)`;
  return `${plural(demand, `${cell.segment} customer`)} in ${cell.region} need ${capabilityName} and ${supplyText}. To close it: ${plan.map((step) => step.text).join('; then ')}.`;
}

// ---------- structural weak points ----------

function structuralGaps(graph: EcoGraph, derived: DerivedMetrics, index: CellIndex, query: GapsQuery): StructuralGaps {
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

  return { singlePointsOfFailure, ...weakPointsNow(graph, derived) };
}

/**
 * Brokers, cut points and isolated partners as derived with the metrics
 * (analytics/structure.ts: a walk of the whole graph, so once per version and
 * off the event loop), less the nodes that a write since has removed or made
 * something else: they are as fresh as the betweenness they are ranked by.
 */
function weakPointsNow(graph: EcoGraph, derived: DerivedMetrics): Omit<StructuralGaps, 'singlePointsOfFailure'> {
  const is = (kind: EcoNode['kind']) => (id: string) => graph.hasNode(id) && graph.getNodeAttribute(id, 'kind') === kind;
  const partner = is('partner');
  const now = weakPointsAmong(derived.weakPoints, { partner, customer: is('customer'), isolated: (id) => partner(id) && graph.degree(id) === 0 });
  const brokerScores = now.brokers.map((partnerId) => ({ partnerId, betweenness: derived.betweenness.scores.get(partnerId) ?? 0 }));
  return { brokers: now.brokers, brokerScores, articulationPoints: now.articulationPoints, disconnects: now.disconnects, isolated: now.isolated };
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
  return drain(gapsSteps(graph, catalogue, derived, query, options));
}

/** capabilityGaps as steps, for a server to run in slices (ProjectionService.compute); the graph must not change until it is done. */
export function* gapsSteps(graph: EcoGraph, catalogue: EcoCatalogue, derived: DerivedMetrics, query: GapsQuery, options: Partial<GapsOptions> = {}): Steps<GapsResponse> {
  const o: GapsOptions = { ...DEFAULTS, ...options };
  if (!(o.minQualifiedPartners >= 1 && o.maxDemandPerSupply > 0)) throw new Error('server/analytics/gaps: minQualifiedPartners must be ≥ 1 and maxDemandPerSupply > 0');

  // At the default weights the cells kept current write by write serve; other weights index afresh.
  const index =
    o.levelWeights === COVERAGE_RULE.levelWeights
      ? yield* cellIndexSteps(graph, query.capability)
      : indexCells(graph, o.levelWeights, (capability) => query.capability === undefined || capability === query.capability);
  yield;
  const cells = [...cellsOf(index, query)];
  yield;
  const ranked = cells
    .filter((cell) => isGap(cell, o))
    .sort(compareGaps)
    .slice(0, query.limit);

  const capabilityName = (id: string) => catalogue.capabilities.get(id)?.name ?? id;
  const finder = new SupplierFinder(graph, index, o, capabilityName);
  const gaps: Gap[] = [];
  for (const cell of ranked) {
    yield;
    const nearest = finder.nearest(cell);
    const plan = finder.plan(cell);
    gaps.push({
      capability: cell.capability,
      capabilityName: capabilityName(cell.capability),
      region: cell.region,
      segment: cell.segment,
      demand: cell.customers.length,
      supply: round2(cell.supply),
      qualifiedPartners: cell.qualified.map((h) => h.id).sort(compareIds),
      unserved: cell.qualified.length === 0,
      severity: round2(severity(cell.customers.length, cell.supply)),
      customers: [...cell.customers].sort(compareIds),
      nearestSuppliers: nearest.map((s) => s.holder.id),
      nearestSupplierReasons: nearest.map((s) => ({ partnerId: s.holder.id, partnerName: finder.name(s.holder.id), reason: s.reason })),
      // A gap always has a plan: recruiting closes any cell.
      action: plan[0]!.action,
      plan: plan.map((step) => ({ ...step, supply: round2(step.supply) })),
      explanation: explain(cell, capabilityName(cell.capability), plan, o),
    });
  }
  yield;

  const matrixCells = cells
    .filter((c) => c.customers.length > 0 || c.supply > 0)
    .map((c) => ({ capability: c.capability, region: c.region, segment: c.segment, demand: c.customers.length, supply: round2(c.supply) }))
    .sort((a, b) => compareIds(a.capability, b.capability) || compareIds(a.region, b.region) || compareIds(a.segment, b.segment));
  const structural = structuralGaps(graph, derived, index, query);
  return {
    gaps,
    structural,
    matrix: {
      capabilities: axis(catalogue.capabilities.keys(), matrixCells.map((c) => c.capability), query.capability),
      regions: axis(catalogue.regions, matrixCells.map((c) => c.region), query.region),
      segments: axis(catalogue.segments, matrixCells.map((c) => c.segment), query.segment),
      cells: matrixCells,
    },
  };
}
