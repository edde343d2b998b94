/**
 * Demand cells: the one definition of where customers' needs meet partners'
 * supply. Gaps list the cells that break the coverage rule and health's
 * coverage is the share of cells that keep it, so both import this module and
 * can never disagree.
 *
 * A cell is capability × region × segment. Its demand is the customers of that
 * region and segment that list the capability among their needs (a need
 * listed twice counts once). Its qualified partners hold the capability,
 * operate in the region and serve the segment; a partner that declares no
 * region or segment qualifies nowhere: the analysis reports what the data
 * states, not what it might mean. Its supply is the sum of their supply
 * weights (see `supplyWeight`).
 *
 * The rule: a cell with demand is covered when at least `minQualifiedPartners`
 * qualify and demand ÷ supply is at most `maxDemandPerSupply`; otherwise it is
 * a gap.
 */
import type { CapabilityLevel } from '../schemas/model.js';
import { maintainedPerGraphSteps } from '../projection/per-graph.js';
import { drain, type Steps } from '../projection/slices.js';
import type { EcoGraph, EcoNode, PartnerNode } from '../projection/types.js';
import { compareIds } from '../order.js';

export const COVERAGE_RULE = {
  /** Supply one partner adds to a cell, by its level of the capability. */
  levelWeights: { basic: 0.5, advanced: 0.8, certified: 1 } satisfies Record<CapabilityLevel, number>,
  /** Fewer qualified partners than this is a gap: one partner is a single point of failure… */
  minQualifiedPartners: 2,
  /** …and so is a cell where each unit of supply faces more customers than this (about what one certified partner serves for one capability). */
  maxDemandPerSupply: 25,
};
export type CoverageRule = typeof COVERAGE_RULE;

/**
 * A partner's supply weight for one capability: `certified: true` counts as
 * the certified level whatever `level` says (a certification is evidence of the
 * top level); otherwise the weight of `level`.
 */
export function supplyWeight(capability: PartnerNode['capabilities'][string], weights: CoverageRule['levelWeights'] = COVERAGE_RULE.levelWeights): number {
  return capability.certified ? weights.certified : weights[capability.level];
}

export interface Holder {
  id: string;
  partner: PartnerNode;
  /** The level that sets the weight: 'certified' when the certified flag is set. */
  level: CapabilityLevel;
  weight: number;
}

export interface DemandCell {
  capability: string;
  region: string;
  segment: string;
  customers: string[];
  qualified: Holder[];
  supply: number;
}

/** Nested maps keyed capability → region → value: no key strings built in the hot loops. */
export type ByCapabilityRegion<T> = Map<string, Map<string, T>>;

export interface CellIndex {
  /** capability → region → segment → cell, for every cell with demand or supply */
  cells: ByCapabilityRegion<Map<string, DemandCell>>;
  /** capability → every partner holding it */
  holders: Map<string, Holder[]>;
  /** capability → region → partners holding it there, whatever their segments */
  regionalHolders: ByCapabilityRegion<Holder[]>;
}

export function slot<K, V>(map: Map<K, V>, key: K, create: () => NoInfer<V>): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}
// Shared factories: the index loops run a million times, and a closure per call is what the garbage collector then spends its time on.
const newMap = <K, V>() => new Map<K, V>();
const newList = <T>(): T[] => [];
// Lists are small; indexOf skips a value listed twice without building a set per node.
const once = <T>(value: T, i: number, list: readonly T[]) => list.indexOf(value) === i;

function cellAt(index: CellIndex, capability: string, region: string, segment: string): DemandCell {
  const bySegment = slot(slot(index.cells, capability, newMap), region, newMap);
  let cell = bySegment.get(segment);
  if (cell === undefined) bySegment.set(segment, (cell = { capability, region, segment, customers: [], qualified: [], supply: 0 }));
  return cell;
}

/** Every cell with demand or supply, in one pass over the nodes; `wanted` narrows it to some capabilities. */
export function indexCells(graph: EcoGraph, weights: CoverageRule['levelWeights'] = COVERAGE_RULE.levelWeights, wanted: (capability: string) => boolean = () => true): CellIndex {
  const index: CellIndex = { cells: new Map(), holders: new Map(), regionalHolders: new Map() };
  graph.forEachNode((id, node) => addNode(index, id, node, weights, wanted));
  for (const cell of cellsOf(index)) cell.supply = supplyOf(cell.qualified, weights);
  return index;
}

/**
 * A cell's supply, summed by level (count × weight, in the levels' order)
 * rather than holder by holder: the same figure to the last bit however the
 * holders arrived, so that a cell kept current write by write ranks exactly
 * as one indexed afresh.
 */
function supplyOf(qualified: Holder[], weights: CoverageRule['levelWeights']): number {
  const counts = { basic: 0, advanced: 0, certified: 0 };
  for (const holder of qualified) counts[holder.level]++;
  return counts.basic * weights.basic + counts.advanced * weights.advanced + counts.certified * weights.certified;
}

/** One node's demand or supply added to the index (supplies summed by the caller). */
function addNode(index: CellIndex, id: string, node: EcoNode, weights: CoverageRule['levelWeights'], wanted: (capability: string) => boolean, touched?: Set<DemandCell>): void {
  if (node.kind === 'customer') {
    node.needs.forEach((need, i, needs) => {
      if (wanted(need) && once(need, i, needs)) cellAt(index, need, node.region, node.segment).customers.push(id);
    });
    return;
  }
  for (const capability in node.capabilities) {
    if (!wanted(capability)) continue;
    const held = node.capabilities[capability]!;
    const holder: Holder = { id, partner: node, level: held.certified ? 'certified' : held.level, weight: supplyWeight(held, weights) };
    slot(index.holders, capability, newList).push(holder);
    node.regions.forEach((region, i, regions) => {
      if (!once(region, i, regions)) return;
      slot(slot(index.regionalHolders, capability, newMap), region, newList).push(holder);
      node.segments.forEach((segment, j, segments) => {
        if (!once(segment, j, segments)) return;
        const cell = cellAt(index, capability, region, segment);
        cell.qualified.push(holder);
        touched?.add(cell);
      });
    });
  }
}

/** What a node was indexed with: its attributes are changed in place, so the old values are kept here to take them out again. */
type Indexed = { kind: 'customer'; region: string; segment: string; needs: readonly string[] } | { kind: 'partner'; regions: readonly string[]; segments: readonly string[]; capabilities: readonly string[] };

function indexedAs(node: EcoNode): Indexed {
  return node.kind === 'customer'
    ? { kind: 'customer', region: node.region, segment: node.segment, needs: node.needs }
    : { kind: 'partner', regions: node.regions, segments: node.segments, capabilities: Object.keys(node.capabilities) };
}

/** The full cell index at the default weights, kept current node by node (see maintainedPerGraphSteps). */
interface KeptCells {
  index: CellIndex;
  indexed: Map<string, Indexed>;
}

const all = () => true;

/** Takes a node's old entries out, then puts its new ones in; only the cells it touches are summed again, and emptied entries go. */
function updateCells(kept: KeptCells, id: string, node: EcoNode | undefined): void {
  const { index } = kept;
  const weights = COVERAGE_RULE.levelWeights;
  const touched = new Set<DemandCell>();
  const without = <T extends { id: string } | string>(list: T[]) => {
    const at = list.findIndex((item) => (typeof item === 'string' ? item : item.id) === id);
    if (at >= 0) list.splice(at, 1);
  };
  const old = kept.indexed.get(id);
  if (old?.kind === 'customer') {
    for (const need of new Set(old.needs)) {
      const cell = index.cells.get(need)?.get(old.region)?.get(old.segment);
      if (cell !== undefined) without(cell.customers), touched.add(cell);
    }
  } else if (old !== undefined) {
    for (const capability of old.capabilities) {
      const holders = index.holders.get(capability)!;
      without(holders);
      if (holders.length === 0) index.holders.delete(capability);
      for (const region of new Set(old.regions)) {
        const byRegion = index.regionalHolders.get(capability)!;
        const regional = byRegion.get(region)!;
        without(regional);
        if (regional.length === 0) byRegion.delete(region);
        if (byRegion.size === 0) index.regionalHolders.delete(capability);
        for (const segment of new Set(old.segments)) {
          const cell = index.cells.get(capability)!.get(region)!.get(segment)!;
          without(cell.qualified);
          touched.add(cell);
        }
      }
    }
  }
  kept.indexed.delete(id);
  if (node !== undefined) {
    addNode(index, id, node, weights, all, touched);
    if (node.kind === 'customer') for (const need of node.needs) touched.add(index.cells.get(need)!.get(node.region)!.get(node.segment)!);
    kept.indexed.set(id, indexedAs(node));
  }
  for (const cell of touched) {
    cell.supply = supplyOf(cell.qualified, weights);
    if (cell.customers.length > 0 || cell.qualified.length > 0) continue;
    const byRegion = index.cells.get(cell.capability)!;
    const bySegment = byRegion.get(cell.region)!;
    bySegment.delete(cell.segment);
    if (bySegment.size === 0) byRegion.delete(cell.region);
    if (byRegion.size === 0) index.cells.delete(cell.capability);
  }
}

const keptCells = maintainedPerGraphSteps(
  function* (graph): Steps<KeptCells> {
    // One pass over the nodes, as indexCells, yielding every few thousand.
    const weights = COVERAGE_RULE.levelWeights;
    const index: CellIndex = { cells: new Map(), holders: new Map(), regionalHolders: new Map() };
    const indexed = new Map<string, Indexed>();
    let steps = 0;
    for (const { node: id, attributes: node } of graph.nodeEntries()) {
      addNode(index, id, node, weights, all);
      indexed.set(id, indexedAs(node));
      if ((++steps & 0x3ff) === 0) yield;
    }
    for (const cell of cellsOf(index)) cell.supply = supplyOf(cell.qualified, weights);
    return { index, indexed };
  },
  updateCells,
);

/**
 * Every cell at the default weights, narrowed to one capability when asked:
 * built once per graph and kept current from its node events, so that a
 * request after a write re-reads only the cells that write touched.
 */
export function cellIndexOf(graph: EcoGraph, capability?: string): CellIndex {
  return drain(cellIndexSteps(graph, capability));
}

/** cellIndexOf in steps: the first use on a graph indexes every node (seconds at 300,000 nodes). */
export function* cellIndexSteps(graph: EcoGraph, capability?: string): Steps<CellIndex> {
  const { index } = yield* keptCells(graph);
  if (capability === undefined) return index;
  const only = <T>(map: Map<string, T>) => new Map(map.has(capability) ? [[capability, map.get(capability)!]] : []);
  return { cells: only(index.cells), holders: only(index.holders), regionalHolders: only(index.regionalHolders) };
}

export function* cellsOf(index: CellIndex, only: { region?: string; segment?: string } = {}): Generator<DemandCell> {
  for (const byRegion of index.cells.values()) {
    for (const [region, bySegment] of byRegion) {
      if (only.region !== undefined && region !== only.region) continue;
      for (const [segment, cell] of bySegment) {
        if (only.segment === undefined || segment === only.segment) yield cell;
      }
    }
  }
}

/** Demand ÷ supply; demand itself when nothing supplies the cell (such cells also rank first, by `unserved`). */
export function severity(demand: number, supply: number): number {
  return supply > 0 ? demand / supply : demand;
}

/** Rounding slack: a supply summed in another order must not flip a cell that sits exactly on the rule. */
const SLACK = 1e-9;

/** The coverage rule on bare numbers, so that a plan can test the cell it would produce. */
export function meetsRule(demand: number, partners: number, supply: number, rule: Pick<CoverageRule, 'minQualifiedPartners' | 'maxDemandPerSupply'> = COVERAGE_RULE): boolean {
  return demand === 0 || (partners >= rule.minQualifiedPartners && demand <= rule.maxDemandPerSupply * supply + SLACK);
}

export function isGap(cell: DemandCell, rule: Pick<CoverageRule, 'minQualifiedPartners' | 'maxDemandPerSupply'> = COVERAGE_RULE): boolean {
  return !meetsRule(cell.customers.length, cell.qualified.length, cell.supply, rule);
}

/** Gap order: unserved cells first, then severity, then demand, then the cell's ids. */
export function compareGaps(a: DemandCell, b: DemandCell): number {
  return (
    Number(a.supply > 0) - Number(b.supply > 0) ||
    severity(b.customers.length, b.supply) - severity(a.customers.length, a.supply) ||
    b.customers.length - a.customers.length ||
    compareIds(a.capability, b.capability) ||
    compareIds(a.region, b.region) ||
    compareIds(a.segment, b.segment)
  );
}
