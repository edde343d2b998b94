/**
 * Ecosystem health: one 0–100 score, the weighted mean of components that
 * each measure one property a partner manager can act on, every component
 * 0..1 with a detail sentence and the ids that drive it.
 *
 * A component whose population is empty (no deals, no technology partners…)
 * is left out and the remaining weights are renormalised, so that missing data
 * neither rewards nor punishes the ecosystem. The weights reported are the
 * renormalised ones: score = 100 · Σ weight · value.
 *
 * Drivers are ids (or API paths) for tools; `driverLabels` say the same for a
 * person, with names and formatted figures.
 */
import type { EcosystemHealth } from '../schemas/analytics.js';
import { LIFECYCLE_STAGES, PARTNER_TYPES, type LifecycleStage } from '../schemas/model.js';
import type { DerivedMetrics, EcoCatalogue, EcoGraph, PartnerNode } from '../projection/types.js';
import { COVERAGE_RULE, type CoverageRule, type DemandCell, cellsOf, indexCells, isGap } from './demand-cells.js';
import { largestComponent } from './structure.js';
import { round3 } from '../order.js';

/** Component weights before renormalisation (README quotes them). */
export const HEALTH_WEIGHTS = {
  connectivity: 0.25,
  diversity: 0.15,
  coverage: 0.25,
  activation: 0.15,
  multiPartnerDeals: 0.1,
  integrationAdoption: 0.1,
} as const;
type ComponentKey = keyof typeof HEALTH_WEIGHTS;

export const DEFAULTS = {
  weights: HEALTH_WEIGHTS as Record<ComponentKey, number>,
  /** connectivity = componentShare · (partners in the largest component ÷ partners) + (1 − componentShare) · link density. */
  componentShare: 0.7,
  /**
   * Link density is mean partner↔partner links per partner ÷ this, capped at 1: raw density falls as 1/n on
   * any large sparse network, so it is measured against what a well-connected partner has instead.
   */
  targetPartnerLinks: 3,
  /** diversity = typeMixShare · normalised type entropy + (1 − typeMixShare) · (1 − HHI of customer relationships). */
  typeMixShare: 0.5,
  /** Coverage is the share of demand cells (capability × region × segment) that keep this rule, the one gaps apply. */
  coverage: COVERAGE_RULE as CoverageRule,
  maxDrivers: 10,
};
export type HealthOptions = typeof DEFAULTS;

const LABELS: Record<ComponentKey, string> = {
  connectivity: 'Connectivity',
  diversity: 'Diversity',
  coverage: 'Coverage',
  activation: 'Activation',
  multiPartnerDeals: 'Multi-partner deals',
  integrationAdoption: 'Integration adoption',
};
const ACTIVE_STAGES: ReadonlySet<LifecycleStage> = new Set(['activate', 'grow', 'optimise']);
/** Lifecycle order; churned ranks below recruit, so a churned track never makes a partner active. */
const stageRank = (stage: LifecycleStage) => (stage === 'churned' ? -1 : LIFECYCLE_STAGES.indexOf(stage));

interface Measured {
  value: number;
  detail: string;
  drivers: string[];
  driverLabels: string[];
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const count = (n: number) => Math.round(n).toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

export function ecosystemHealth(graph: EcoGraph, catalogue: EcoCatalogue, derived: DerivedMetrics, options: Partial<HealthOptions> = {}): EcosystemHealth {
  const o: HealthOptions = { ...DEFAULTS, ...options };
  if (!(o.componentShare >= 0 && o.componentShare <= 1 && o.typeMixShare >= 0 && o.typeMixShare <= 1)) throw new Error('server/analytics/health: componentShare and typeMixShare must be in [0, 1]');

  const t = tally(graph);
  // Drivers name the partners with most relationships first: the ones whose change moves the ecosystem most.
  const top = (ids: string[]) => firstOf(ids.map((id): [string, number] => [id, graph.degree(id)]), o.maxDrivers).map(([id]) => id);
  const name: Name = (id) => (graph.hasNode(id) && graph.getNodeAttribute(id, 'label')) || id;

  const measured: Partial<Record<ComponentKey, Measured>> = {
    connectivity: connectivity(graph, derived, t, o, top, name),
    diversity: diversity(t, o, name),
    coverage: coverage(graph, catalogue, o),
    activation: activation(t, top, name),
    multiPartnerDeals: multiPartnerDeals(catalogue, o, name),
    integrationAdoption: integrationAdoption(t, top, name),
  };
  const keys = Object.keys(HEALTH_WEIGHTS) as ComponentKey[];
  const present = keys.filter((key) => measured[key] !== undefined);
  const omitted = keys.filter((key) => measured[key] === undefined);
  const totalWeight = present.reduce((sum, key) => sum + o.weights[key], 0);
  const components = present.map((key) => {
    const m = measured[key]!;
    return { key, label: LABELS[key], value: m.value, weight: totalWeight === 0 ? 0 : o.weights[key] / totalWeight, detail: m.detail, drivers: m.drivers, driverLabels: m.driverLabels };
  });
  return {
    score: 100 * components.reduce((sum, c) => sum + c.weight * c.value, 0),
    components,
    formula:
      `score = 100 × Σ weight × value / Σ weight over ${present.map((key) => `${key} (${o.weights[key]})`).join(', ') || 'no measurable component'}` +
      (omitted.length > 0 ? `; left out for lack of data: ${omitted.join(', ')}` : ''),
  };
}

type Top = (ids: string[]) => string[];
type Name = (id: string) => string;

/**
 * The n entries with the largest counts, ties by id, in one pass: driver lists
 * come from populations of 100k partners, which a full sort would spend most
 * of the request on.
 */
function firstOf(entries: Array<[string, number]>, n: number): Array<[string, number]> {
  const before = (a: [string, number], b: [string, number]) => a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
  const best: Array<[string, number]> = [];
  if (n <= 0) return best;
  for (const entry of entries) {
    if (best.length === n && !before(entry, best[n - 1]!)) continue;
    let at = best.length;
    while (at > 0 && before(entry, best[at - 1]!)) at--;
    best.splice(at, 0, entry);
    if (best.length > n) best.pop();
  }
  return best;
}

/** What the components count, gathered in one pass over the nodes and one over the edges. */
interface Tally {
  partners: Array<[string, PartnerNode]>;
  partnerLinks: number;
  /** partner → relationships with customers */
  customerLinks: Map<string, number>;
  /** partners with an INTEGRATES_WITH or IMPLEMENTS relationship */
  integrated: Set<string>;
}

function tally(graph: EcoGraph): Tally {
  const t: Tally = { partners: [], partnerLinks: 0, customerLinks: new Map(), integrated: new Set() };
  graph.forEachNode((id, node) => {
    if (node.kind === 'partner') t.partners.push([id, node]);
  });
  // Customers relate only to partners, so a partner's customer relationships are its degree less its partner links.
  const partnerNeighbours = new Map<PartnerNode, number>();
  graph.forEachEdge((_edge, edge, source, target, sourceNode, targetNode) => {
    if (sourceNode.kind !== 'partner' || targetNode.kind !== 'partner') return;
    t.partnerLinks++;
    partnerNeighbours.set(sourceNode, (partnerNeighbours.get(sourceNode) ?? 0) + 1);
    partnerNeighbours.set(targetNode, (partnerNeighbours.get(targetNode) ?? 0) + 1);
    if (edge.types.includes('INTEGRATES_WITH') || edge.types.includes('IMPLEMENTS')) t.integrated.add(source).add(target);
  });
  for (const [id, node] of t.partners) t.customerLinks.set(id, graph.degree(id) - (partnerNeighbours.get(node) ?? 0));
  return t;
}

function connectivity(graph: EcoGraph, derived: DerivedMetrics, t: Tally, o: HealthOptions, top: Top, name: Name): Measured | undefined {
  const total = t.partners.length;
  if (total === 0) return undefined;
  const largest = largestComponent(graph);
  const outside = t.partners.filter(([id]) => !largest.has(id)).map(([id]) => id);
  const share = 1 - outside.length / total;
  const meanLinks = (2 * t.partnerLinks) / total;
  const density = Math.min(1, meanLinks / o.targetPartnerLinks);
  const cutPoints = [...derived.articulationPoints].filter((id) => graph.hasNode(id) && graph.getNodeAttribute(id, 'kind') === 'partner');
  const drivers = [...top(cutPoints), ...top(outside)].slice(0, o.maxDrivers);
  const cut = new Set(cutPoints);
  return {
    value: o.componentShare * share + (1 - o.componentShare) * density,
    detail: `${count(total - outside.length)} of ${plural(total, 'partner')} (${pct(share)}) are in the largest component; ${round3(meanLinks)} partner↔partner links per partner against a target of ${o.targetPartnerLinks}; ${plural(cutPoints.length, 'partner')} are cut points; drivers are the most connected cut points, then partners outside the largest component`,
    drivers,
    driverLabels: drivers.map((id) => `${name(id)}: ${cut.has(id) ? 'a cut point' : 'outside the largest component'}, ${plural(graph.degree(id), 'relationship')}`),
  };
}

function diversity(t: Tally, o: HealthOptions, name: Name): Measured | undefined {
  if (t.partners.length === 0) return undefined;
  // A partner playing several roles counts for each in equal parts.
  const typeShares = new Map<string, number>();
  for (const [, node] of t.partners) for (const type of node.types) typeShares.set(type, (typeShares.get(type) ?? 0) + 1 / node.types.length / t.partners.length);
  const entropy = -[...typeShares.values()].reduce((sum, p) => sum + (p > 0 ? p * Math.log(p) : 0), 0) / Math.log(PARTNER_TYPES.length);

  const total = [...t.customerLinks.values()].reduce((sum, n) => sum + n, 0);
  if (total === 0) {
    return { value: entropy, detail: `partner-type entropy is ${pct(entropy)} of its maximum; no customer relationships to measure concentration`, drivers: [], driverLabels: [] };
  }
  const hhi = [...t.customerLinks.values()].reduce((sum, n) => sum + (n / total) ** 2, 0);
  const leaders = firstOf([...t.customerLinks].filter(([, n]) => n > 0), o.maxDrivers);
  return {
    value: o.typeMixShare * entropy + (1 - o.typeMixShare) * (1 - hhi),
    detail: `partner-type entropy is ${pct(entropy)} of its maximum; customer relationships have an HHI of ${round3(hhi)} across partners, the largest partner holding ${pct((leaders[0]?.[1] ?? 0) / total)}; drivers are the partners holding most`,
    drivers: leaders.map(([id]) => id),
    driverLabels: leaders.map(([id, n]) => `${name(id)}: ${plural(n, 'customer relationship')} (${pct(n / total)})`),
  };
}

/** The API query that lists one cell's gap: a driver a tool can follow. */
function gapsPath(cell: DemandCell): string {
  return `/api/gaps?${new URLSearchParams({ capability: cell.capability, region: cell.region, segment: cell.segment })}`;
}

function coverage(graph: EcoGraph, catalogue: EcoCatalogue, o: HealthOptions): Measured | undefined {
  const demanded = [...cellsOf(indexCells(graph, o.coverage.levelWeights))].filter((cell) => cell.customers.length > 0);
  if (demanded.length === 0) return undefined;
  const uncovered = demanded.filter((cell) => isGap(cell, o.coverage));
  const value = 1 - uncovered.length / demanded.length;
  const cells = new Map(uncovered.map((cell) => [gapsPath(cell), cell]));
  const byDemand = firstOf([...cells].map(([path, cell]): [string, number] => [path, cell.customers.length]), o.maxDrivers);
  return {
    value,
    detail: `${count(demanded.length - uncovered.length)} of ${plural(demanded.length, 'demand cell')} (capability × region × segment, ${pct(value)}) keep the gaps rule: at least ${o.coverage.minQualifiedPartners} qualified partners and at most ${o.coverage.maxDemandPerSupply} customers per unit of supply; drivers are the uncovered cells, most demanded first, as their /api/gaps queries`,
    drivers: byDemand.map(([path]) => path),
    driverLabels: byDemand.map(([path]) => {
      const cell = cells.get(path)!;
      const supply = cell.qualified.length === 0 ? 'no qualified partner' : `${plural(cell.qualified.length, 'qualified partner')}, supply ${Math.round(cell.supply * 100) / 100}`;
      return `${catalogue.capabilities.get(cell.capability)?.name ?? cell.capability} in ${cell.region} for ${cell.segment}: ${plural(cell.customers.length, 'customer')}, ${supply}`;
    }),
  };
}

function activation(t: Tally, top: Top, name: Name): Measured | undefined {
  if (t.partners.length === 0) return undefined;
  const stages = new Map<string, LifecycleStage | undefined>();
  const inactive = t.partners
    .filter(([id, node]) => {
      const furthest = Object.values(node.lifecycle).reduce<LifecycleStage | undefined>((best, stage) => (best === undefined || stageRank(stage) > stageRank(best) ? stage : best), undefined);
      stages.set(id, furthest);
      return furthest === undefined || !ACTIVE_STAGES.has(furthest);
    })
    .map(([id]) => id);
  const value = 1 - inactive.length / t.partners.length;
  const drivers = top(inactive);
  return {
    value,
    detail: `${count(t.partners.length - inactive.length)} of ${plural(t.partners.length, 'partner')} (${pct(value)}) have reached activate, grow or optimise on some track; drivers are the most connected partners not yet there`,
    drivers,
    driverLabels: drivers.map((id) => `${name(id)}: ${stages.get(id) === undefined ? 'on no program track' : `furthest stage ${stages.get(id)}`}`),
  };
}

function multiPartnerDeals(catalogue: EcoCatalogue, o: HealthOptions, name: Name): Measured | undefined {
  if (catalogue.deals.length === 0) return undefined;
  const single = catalogue.deals.filter((deal) => new Set(deal.partners.map((p) => p.partner)).size < 2);
  single.sort((a, b) => (b.amount ?? 0) - (a.amount ?? 0) || (a.id < b.id ? -1 : 1));
  const value = 1 - single.length / catalogue.deals.length;
  const drivers = single.slice(0, o.maxDrivers);
  return {
    value,
    detail: `${count(catalogue.deals.length - single.length)} of ${plural(catalogue.deals.length, 'deal')} (${pct(value)}) involve at least 2 partners; drivers are the largest single-partner deals`,
    drivers: drivers.map((deal) => deal.id),
    driverLabels: drivers.map((deal) => {
      const partner = deal.partners[0] === undefined ? 'no partner' : `only ${name(deal.partners[0].partner)}`;
      return `${deal.id} for ${name(deal.customer)}: ${deal.amount === undefined ? 'no amount' : `amount ${count(deal.amount)}`}, ${deal.stage}, ${partner}`;
    }),
  };
}

function integrationAdoption(t: Tally, top: Top, name: Name): Measured | undefined {
  const technology = t.partners.filter(([, node]) => node.types.includes('technology')).map(([id]) => id);
  if (technology.length === 0) return undefined;
  const unintegrated = technology.filter((id) => !t.integrated.has(id));
  const value = 1 - unintegrated.length / technology.length;
  const drivers = top(unintegrated);
  return {
    value,
    detail: `${count(technology.length - unintegrated.length)} of ${plural(technology.length, 'technology partner')} (${pct(value)}) have at least one INTEGRATES_WITH or IMPLEMENTS relationship; drivers are the most connected ones without`,
    drivers,
    driverLabels: drivers.map((id) => `${name(id)}: no integration or implementation link`),
  };
}
