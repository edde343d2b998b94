/**
 * Ecosystem health: one 0–100 score, the weighted mean of components that
 * each measure one property a partner manager can act on, every component
 * 0..1 with a detail sentence and the ids that drive it.
 *
 * A component whose population is empty (no deals, no technology partners…)
 * is left out and the remaining weights are renormalised, so that missing data
 * neither rewards nor punishes the ecosystem. The weights reported are the
 * renormalised ones: score = 100 · Σ weight · value.
 */
import type { EcosystemHealth } from '../schemas/analytics.js';
import { LIFECYCLE_STAGES, PARTNER_TYPES, type LifecycleStage } from '../schemas/model.js';
import type { DerivedMetrics, EcoCatalogue, EcoGraph, PartnerNode } from '../projection/types.js';
import { largestComponent } from './structure.js';

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
  /** A (need × region) demand cell is covered with at least this many partners holding the capability there. */
  minQualifiedPartners: 2,
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
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function ecosystemHealth(graph: EcoGraph, catalogue: EcoCatalogue, derived: DerivedMetrics, options: Partial<HealthOptions> = {}): EcosystemHealth {
  const o: HealthOptions = { ...DEFAULTS, ...options };
  if (!(o.componentShare >= 0 && o.componentShare <= 1 && o.typeMixShare >= 0 && o.typeMixShare <= 1)) throw new Error('server/analytics/health: componentShare and typeMixShare must be in [0, 1]');

  const partners: Array<[string, PartnerNode]> = [];
  graph.forEachNode((id, node) => {
    if (node.kind === 'partner') partners.push([id, node]);
  });
  // Drivers name the partners with most relationships first: the ones whose change moves the ecosystem most.
  const top = (ids: string[]) => ids.sort((a, b) => graph.degree(b) - graph.degree(a) || (a < b ? -1 : a > b ? 1 : 0)).slice(0, o.maxDrivers);

  const measured: Partial<Record<ComponentKey, Measured>> = {
    connectivity: connectivity(graph, derived, partners, o, top),
    diversity: diversity(graph, partners, o, top),
    coverage: coverage(graph, partners, o),
    activation: activation(partners, top),
    multiPartnerDeals: multiPartnerDeals(catalogue, o),
    integrationAdoption: integrationAdoption(graph, partners, top),
  };
  const present = (Object.keys(HEALTH_WEIGHTS) as ComponentKey[]).filter((key) => measured[key] !== undefined);
  const totalWeight = present.reduce((sum, key) => sum + o.weights[key], 0);
  const components = present.map((key) => {
    const m = measured[key]!;
    return { key, label: LABELS[key], value: m.value, weight: totalWeight === 0 ? 0 : o.weights[key] / totalWeight, detail: m.detail, drivers: m.drivers };
  });
  const omitted = (Object.keys(HEALTH_WEIGHTS) as ComponentKey[]).filter((key) => measured[key] === undefined);
  return {
    score: 100 * components.reduce((sum, c) => sum + c.weight * c.value, 0),
    components,
    formula:
      `score = 100 × Σ weight × value / Σ weight over ${present.map((key) => `${key} (${o.weights[key]})`).join(', ') || 'no measurable component'}` +
      (omitted.length > 0 ? `; left out for lack of data: ${omitted.join(', ')}` : ''),
  };
}

type Top = (ids: string[]) => string[];

function connectivity(graph: EcoGraph, derived: DerivedMetrics, partners: Array<[string, PartnerNode]>, o: HealthOptions, top: Top): Measured | undefined {
  if (partners.length === 0) return undefined;
  const largest = largestComponent(graph);
  const outside = partners.filter(([id]) => !largest.has(id)).map(([id]) => id);
  const share = 1 - outside.length / partners.length;
  let partnerLinks = 0;
  graph.forEachEdge((_edge, _attributes, _source, _target, sourceNode, targetNode) => {
    if (sourceNode.kind === 'partner' && targetNode.kind === 'partner') partnerLinks++;
  });
  const meanLinks = (2 * partnerLinks) / partners.length;
  const density = Math.min(1, meanLinks / o.targetPartnerLinks);
  const cutPoints = [...derived.articulationPoints].filter((id) => graph.hasNode(id) && graph.getNodeAttribute(id, 'kind') === 'partner');
  return {
    value: o.componentShare * share + (1 - o.componentShare) * density,
    detail: `${partners.length - outside.length} of ${partners.length} partners (${pct(share)}) are in the largest component; ${round3(meanLinks)} partner↔partner links per partner against a target of ${o.targetPartnerLinks}; ${cutPoints.length} partner(s) are cut points`,
    drivers: [...top(cutPoints), ...top(outside)].slice(0, o.maxDrivers),
  };
}

function diversity(graph: EcoGraph, partners: Array<[string, PartnerNode]>, o: HealthOptions, top: Top): Measured | undefined {
  if (partners.length === 0) return undefined;
  // A partner playing several roles counts for each in equal parts.
  const typeShares = new Map<string, number>();
  for (const [, node] of partners) for (const type of node.types) typeShares.set(type, (typeShares.get(type) ?? 0) + 1 / node.types.length / partners.length);
  const entropy = -[...typeShares.values()].reduce((sum, p) => sum + (p > 0 ? p * Math.log(p) : 0), 0) / Math.log(PARTNER_TYPES.length);

  const customerLinks = partners.map(([id]) => ({ id, count: graph.reduceNeighbors(id, (count, _n, node) => count + Number(node.kind === 'customer'), 0) }));
  const total = customerLinks.reduce((sum, p) => sum + p.count, 0);
  if (total === 0) {
    return { value: entropy, detail: `partner-type entropy is ${pct(entropy)} of its maximum; no customer relationships to measure concentration`, drivers: [] };
  }
  const hhi = customerLinks.reduce((sum, p) => sum + (p.count / total) ** 2, 0);
  const leaders = customerLinks.filter((p) => p.count > 0).sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
  const leaderShare = (leaders[0]?.count ?? 0) / total;
  return {
    value: o.typeMixShare * entropy + (1 - o.typeMixShare) * (1 - hhi),
    detail: `partner-type entropy is ${pct(entropy)} of its maximum; customer relationships have an HHI of ${round3(hhi)} across partners, the largest partner holding ${pct(leaderShare)}`,
    drivers: top(leaders.slice(0, o.maxDrivers).map((p) => p.id)),
  };
}

function coverage(graph: EcoGraph, partners: Array<[string, PartnerNode]>, o: HealthOptions): Measured | undefined {
  // capability → region → partners holding it there, and customers needing it there.
  const supply = new Map<string, Map<string, number>>();
  for (const [, node] of partners) {
    for (const capability of Object.keys(node.capabilities)) {
      const byRegion = supply.get(capability) ?? new Map<string, number>();
      supply.set(capability, byRegion);
      for (const region of node.regions) byRegion.set(region, (byRegion.get(region) ?? 0) + 1);
    }
  }
  const demand = new Map<string, { capability: string; region: string; customers: number }>();
  graph.forEachNode((_id, node) => {
    if (node.kind !== 'customer') return;
    for (const capability of new Set(node.needs)) {
      const key = `${capability}@${node.region}`;
      const cell = demand.get(key) ?? { capability, region: node.region, customers: 0 };
      demand.set(key, cell);
      cell.customers++;
    }
  });
  if (demand.size === 0) return undefined;
  const uncovered = [...demand].filter(([, cell]) => (supply.get(cell.capability)?.get(cell.region) ?? 0) < o.minQualifiedPartners);
  uncovered.sort(([ka, a], [kb, b]) => b.customers - a.customers || (ka < kb ? -1 : 1));
  const value = 1 - uncovered.length / demand.size;
  return {
    value,
    detail: `${demand.size - uncovered.length} of ${demand.size} (need × region) demand cells (${pct(value)}) have at least ${o.minQualifiedPartners} partners holding the capability in the region; drivers are the uncovered cells as capability@region, most demanded first`,
    drivers: uncovered.slice(0, o.maxDrivers).map(([key]) => key),
  };
}

function activation(partners: Array<[string, PartnerNode]>, top: Top): Measured | undefined {
  if (partners.length === 0) return undefined;
  const inactive = partners
    .filter(([, node]) => {
      const furthest = Object.values(node.lifecycle).reduce<LifecycleStage | undefined>((best, stage) => (best === undefined || stageRank(stage) > stageRank(best) ? stage : best), undefined);
      return furthest === undefined || !ACTIVE_STAGES.has(furthest);
    })
    .map(([id]) => id);
  const value = 1 - inactive.length / partners.length;
  return {
    value,
    detail: `${partners.length - inactive.length} of ${partners.length} partners (${pct(value)}) have reached activate, grow or optimise on some track; drivers are the most connected partners not yet there`,
    drivers: top(inactive),
  };
}

function multiPartnerDeals(catalogue: EcoCatalogue, o: HealthOptions): Measured | undefined {
  if (catalogue.deals.length === 0) return undefined;
  const single = catalogue.deals.filter((deal) => new Set(deal.partners.map((p) => p.partner)).size < 2);
  single.sort((a, b) => (b.amount ?? 0) - (a.amount ?? 0) || (a.id < b.id ? -1 : 1));
  const value = 1 - single.length / catalogue.deals.length;
  return {
    value,
    detail: `${catalogue.deals.length - single.length} of ${catalogue.deals.length} deals (${pct(value)}) involve at least 2 partners; drivers are the largest single-partner deals`,
    drivers: single.slice(0, o.maxDrivers).map((deal) => deal.id),
  };
}

function integrationAdoption(graph: EcoGraph, partners: Array<[string, PartnerNode]>, top: Top): Measured | undefined {
  const technology = partners.filter(([, node]) => node.types.includes('technology')).map(([id]) => id);
  if (technology.length === 0) return undefined;
  const unintegrated = technology.filter((id) => !graph.someEdge(id, (_edge, attributes) => attributes.types.includes('INTEGRATES_WITH') || attributes.types.includes('IMPLEMENTS')));
  const value = 1 - unintegrated.length / technology.length;
  return {
    value,
    detail: `${technology.length - unintegrated.length} of ${technology.length} technology partners (${pct(value)}) have at least one INTEGRATES_WITH or IMPLEMENTS relationship; drivers are the most connected ones without`,
    drivers: top(unintegrated),
  };
}
