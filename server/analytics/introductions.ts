/**
 * Partner introductions: pairs of partners not yet related who would gain
 * from meeting, each scored by explainable signals whose contributions add up
 * to the score, with the evidence (customer, capability, partner ids) behind
 * every signal.
 *
 * Signals and contributions (weights in DEFAULTS.weights):
 * - sharedCustomers: w · log2(1 + Σ over shared customers of 1 + log10(1 + value / valueUnit)),
 *   value being both partners' annual value with that customer;
 * - complementaryRoles: w when one partner's type complements the other's (DEFAULTS.complementaryRoles);
 * - complementaryCapabilities: w · log2(1 + n), n capabilities one holds and the other lacks that their
 *   shared customers, or customers in their shared regions, need;
 * - commonNeighbours: w · Adamic–Adar index over common partner neighbours, Σ 1 / ln(degree);
 * - regionOverlap, segmentOverlap: w · Jaccard index of the two partners' lists.
 * Shared customers are common neighbours too; they count once, under sharedCustomers.
 * Details name partners, customers and capabilities; the ids stay in `evidence`
 * and, with their names, in `items`.
 */
import type { z } from 'zod';
import type { EvidenceItem, Introduction, IntroductionsQuery, IntroductionsResponse, Signal } from '../schemas/analytics.js';
import type { PartnerType } from '../schemas/model.js';
import type { EcoCatalogue, EcoGraph, EcoNode, PartnerNode } from '../projection/types.js';
import { maintainedPerGraphSteps } from '../projection/per-graph.js';
import { drain, type Steps } from '../projection/slices.js';
import { count, listing, money } from './format.js';
import { compareIds, round3 } from '../order.js';

/** Partners scored or passed over between two yields of introductionsSteps. */
const STEP = 0x3f;

export const DEFAULTS = {
  weights: {
    sharedCustomers: 1,
    complementaryRoles: 1,
    complementaryCapabilities: 0.5,
    commonNeighbours: 1,
    regionOverlap: 0.5,
    segmentOverlap: 0.25,
  },
  /** A shared customer weighs 1 + log10(1 + value / valueUnit): 1 without a known value, 2 at 90k, 3 at 990k. */
  valueUnit: 10_000,
  /** Type pairs that sell or deliver more together than apart. */
  complementaryRoles: [
    ['technology', 'service'],
    ['technology', 'reseller'],
    ['technology', 'msp'],
    ['technology', 'marketplace'],
    ['referral', 'reseller'],
    ['referral', 'service'],
    ['service', 'reseller'],
  ] as Array<[PartnerType, PartnerType]>,
  /** topIntroductions: partners of one customer that are paired, most valuable relationships first (a customer with 30 partners already makes 435 pairs). */
  partnersPerCustomer: 30,
  /** topIntroductions: co-serving pairs fully scored per introduction asked for; shared customers dominate the score, so a few suffice. */
  shortlistPerResult: 5,
  /** Evidence ids listed per signal (the detail still gives the full count). */
  maxEvidence: 100,
};
export type IntroductionsOptions = typeof DEFAULTS;

interface Evidence {
  /** shared customer → both partners' annual value with it */
  customers: Array<[string, number]>;
  neighbours: string[];
  adamicAdar: number;
}
const noEvidence = (): Evidence => ({ customers: [], neighbours: [], adamicAdar: 0 });

const jaccard = (a: string[], b: string[]) => {
  const shared = a.filter((x) => b.includes(x));
  const union = new Set([...a, ...b]).size;
  return { shared, index: union === 0 ? 0 : shared.length / union };
};
function partnerAt(graph: EcoGraph, id: string): PartnerNode {
  const node = graph.getNodeAttributes(id);
  if (node.kind !== 'partner') throw new Error(`server/analytics/introductions: ${id} is a customer; introductions are between partners`);
  return node;
}

function rolePairs(a: PartnerNode, b: PartnerNode, o: IntroductionsOptions): string[] {
  const pairs: string[] = [];
  for (const [x, y] of o.complementaryRoles) {
    if (a.types.includes(x) && b.types.includes(y)) pairs.push(`${x}↔${y}`);
    else if (a.types.includes(y) && b.types.includes(x)) pairs.push(`${y}↔${x}`);
  }
  return pairs;
}

/** What shared customers weigh together: Σ 1 + log10(1 + value / valueUnit). */
const sharedWeight = (customers: Evidence['customers'], o: IntroductionsOptions) => customers.reduce((sum, [, value]) => sum + 1 + Math.log10(1 + value / o.valueUnit), 0);

/** One pair's signals as figures: enough to rank it; `describe` adds the sentences and names. */
interface Measured {
  partnerId: string;
  otherPartnerId: string;
  score: number;
  contributions: Record<Signal['name'], number>;
  customers: Array<[string, number]>;
  roles: string[];
  aBrings: string[];
  bBrings: string[];
  neighbours: string[];
  adamicAdar: number;
  regions: { shared: string[]; union: number };
  segments: { shared: string[]; union: number };
}

/** Measures one pair from the evidence gathered for it. `regionNeeds` covers at least a's regions. */
function measure(graph: EcoGraph, aId: string, bId: string, evidence: Evidence, regionNeeds: RegionNeeds, o: IntroductionsOptions): Measured {
  const a = partnerAt(graph, aId);
  const b = partnerAt(graph, bId);
  const w = o.weights;
  const customers = [...evidence.customers].sort((x, y) => y[1] - x[1] || compareIds(x[0], y[0]));
  const roles = rolePairs(a, b, o);
  const regions = jaccard(a.regions, b.regions);
  const segments = jaccard(a.segments, b.segments);
  const sharedNeeds = new Set<string>();
  for (const [id] of customers) {
    const customer = graph.getNodeAttributes(id);
    if (customer.kind === 'customer') for (const need of customer.needs) sharedNeeds.add(need);
  }
  const needed = (capability: string) => sharedNeeds.has(capability) || regions.shared.some((region) => regionNeeds.get(region)?.has(capability));
  const aBrings = Object.keys(a.capabilities).filter((c) => !(c in b.capabilities) && needed(c)).sort(compareIds);
  const bBrings = Object.keys(b.capabilities).filter((c) => !(c in a.capabilities) && needed(c)).sort(compareIds);
  const contributions = {
    sharedCustomers: round3(w.sharedCustomers * Math.log2(1 + sharedWeight(customers, o))),
    complementaryRoles: roles.length > 0 ? round3(w.complementaryRoles) : 0,
    complementaryCapabilities: round3(w.complementaryCapabilities * Math.log2(1 + aBrings.length + bBrings.length)),
    commonNeighbours: round3(w.commonNeighbours * evidence.adamicAdar),
    regionOverlap: round3(w.regionOverlap * regions.index),
    segmentOverlap: round3(w.segmentOverlap * segments.index),
  };
  return {
    partnerId: aId,
    otherPartnerId: bId,
    score: round3(Object.values(contributions).reduce((sum, x) => sum + x, 0)),
    contributions,
    customers,
    roles,
    aBrings,
    bBrings,
    neighbours: [...evidence.neighbours].sort(compareIds),
    adamicAdar: evidence.adamicAdar,
    regions: { shared: regions.shared, union: new Set([...a.regions, ...b.regions]).size },
    segments: { shared: segments.shared, union: new Set([...a.segments, ...b.segments]).size },
  };
}

/** The introduction as the API gives it: each signal with a sentence naming partners, customers and capabilities, and its evidence. */
function describe(graph: EcoGraph, m: Measured, o: IntroductionsOptions, catalogue: Pick<EcoCatalogue, 'capabilities'> | undefined): Introduction {
  const nodeItem = (id: string): EvidenceItem => ({ id, name: graph.getNodeAttribute(id, 'label') });
  const capabilityItem = (id: string): EvidenceItem => ({ id, name: catalogue?.capabilities.get(id)?.name ?? id });
  const plainItem = (id: string): EvidenceItem => ({ id, name: id });
  const names = (items: EvidenceItem[], shown = 3) => (items.length <= shown ? listing(items.map((i) => i.name)) : `${items.slice(0, shown).map((i) => i.name).join(', ')} and ${count(items.length - shown, 'other')}`);
  const signals: Signal[] = [];
  const push = (name: Signal['name'], detail: string, items: EvidenceItem[]) => {
    if (m.contributions[name] <= 0) return;
    const shown = items.slice(0, o.maxEvidence);
    signals.push({ name, contribution: m.contributions[name], detail, evidence: shown.map((i) => i.id), items: shown });
  };
  const [aName, bName] = [graph.getNodeAttribute(m.partnerId, 'label'), graph.getNodeAttribute(m.otherPartnerId, 'label')];

  const value = m.customers.reduce((sum, [, v]) => sum + v, 0);
  const customerItems = m.customers.map(([id]) => nodeItem(id));
  push('sharedCustomers', `${count(m.customers.length, 'shared customer')} (${names(customerItems)})${value > 0 ? `, ${money(value)} in annual value between them` : ''}`, customerItems);
  push('complementaryRoles', `${aName} and ${bName} play complementary roles (${listing(m.roles.map((r) => r.replace('↔', ' and ')))})`, m.roles.map(plainItem));
  const [aBrings, bBrings] = [m.aBrings.map(capabilityItem), m.bBrings.map(capabilityItem)];
  const brings = (who: string, items: EvidenceItem[]) => (items.length === 0 ? `${who} nothing new` : `${who} brings ${listing(items.map((i) => i.name))}`);
  push('complementaryCapabilities', `${brings(aName, aBrings)} and ${brings(bName, bBrings)}, needed by their shared customers or customers in their shared regions`, [...aBrings, ...bBrings]);
  const neighbours = m.neighbours.map(nodeItem);
  push('commonNeighbours', `${count(neighbours.length, 'partner')} already work${neighbours.length === 1 ? 's' : ''} with both (${names(neighbours)}; Adamic–Adar ${round3(m.adamicAdar)})`, neighbours);
  push('regionOverlap', `share ${m.regions.shared.length} of ${count(m.regions.union, 'region')} (${listing(m.regions.shared)})`, m.regions.shared.map(plainItem));
  push('segmentOverlap', `share ${m.segments.shared.length} of ${count(m.segments.union, 'segment')} (${listing(m.segments.shared)})`, m.segments.shared.map(plainItem));
  return { partnerId: m.partnerId, otherPartnerId: m.otherPartnerId, partnerName: aName, otherPartnerName: bName, score: m.score, signals };
}

type Ranked = Pick<Introduction, 'partnerId' | 'otherPartnerId' | 'score'>;
const byScore = (x: Ranked, y: Ranked) => y.score - x.score || compareIds(x.partnerId, y.partnerId) || compareIds(x.otherPartnerId, y.otherPartnerId);

function matches(node: PartnerNode, query: IntroductionsQuery): boolean {
  return (query.type === undefined || node.types.includes(query.type)) && (query.region === undefined || node.regions.includes(query.region));
}

// ---------- per-graph index ----------

/** region → capability → how many of its customers need it */
type RegionNeeds = Map<string, Map<string, number>>;

export interface EcosystemIndex {
  /** region → partners operating there, most capabilities first, then by id (the order of introductionsFor's bound) */
  partnersByRegion: Map<string, Array<[string, PartnerNode]>>;
  /** region → capabilities its customers need, with how many need each */
  regionNeeds: RegionNeeds;
  /** what each node was indexed under, so that a change can take exactly that out again */
  indexed: Map<string, { regions: readonly string[]; capabilities: number } | { region: string; needs: readonly string[] }>;
}

const capabilityCount = (node: PartnerNode) => Object.keys(node.capabilities).length;
/** The region lists' order: most capabilities first, then by id. */
const regionOrder = (countA: number, idA: string, countB: number, idB: string) => countB - countA || compareIds(idA, idB);

/** Where (count, id) sits, or would sit, in a region's list: a binary search over its order. */
function slotIn(list: Array<[string, PartnerNode]>, count: number, id: string, countOf: (id: string) => number): number {
  let [low, high] = [0, list.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    const [other] = list[middle]!;
    if (regionOrder(countOf(other), other, count, id) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The index built afresh: one pass over the nodes. */
export function buildEcosystemIndex(graph: EcoGraph): EcosystemIndex {
  return drain(ecosystemIndexSteps(graph));
}

function* ecosystemIndexSteps(graph: EcoGraph): Steps<EcosystemIndex> {
  const index: EcosystemIndex = { partnersByRegion: new Map(), regionNeeds: new Map(), indexed: new Map() };
  let steps = 0;
  for (const { node: id, attributes: node } of graph.nodeEntries()) {
    addToIndex(index, id, node);
    if ((++steps & 0xfff) === 0) yield;
  }
  for (const partners of index.partnersByRegion.values()) {
    partners.sort((x, y) => regionOrder(capabilityCount(x[1]), x[0], capabilityCount(y[1]), y[0]));
    yield;
  }
  return index;
}

/** Adds one node's entries; partners go at the end of their regions' lists (the caller keeps the order). */
function addToIndex(index: EcosystemIndex, id: string, node: EcoNode): void {
  if (node.kind === 'customer') {
    const needs = [...new Set(node.needs)];
    let counts = index.regionNeeds.get(node.region);
    if (counts === undefined) index.regionNeeds.set(node.region, (counts = new Map()));
    for (const need of needs) counts.set(need, (counts.get(need) ?? 0) + 1);
    index.indexed.set(id, { region: node.region, needs });
    return;
  }
  const regions = [...new Set(node.regions)];
  for (const region of regions) {
    let partners = index.partnersByRegion.get(region);
    if (partners === undefined) index.partnersByRegion.set(region, (partners = []));
    partners.push([id, node]);
  }
  index.indexed.set(id, { regions, capabilities: capabilityCount(node) });
}

/**
 * Keeps the index current after one node changed (or was dropped: node
 * undefined): its old entries out, its new ones in at their place in order.
 */
function updateIndex(index: EcosystemIndex, id: string, node: EcoNode | undefined): void {
  const old = index.indexed.get(id);
  // Others sit in the lists by the count they were indexed with; this node is out of them while it changes.
  const countOf = (other: string) => (index.indexed.get(other) as { capabilities: number }).capabilities;
  if (old !== undefined && 'needs' in old) {
    const needs = index.regionNeeds.get(old.region)!;
    for (const need of old.needs) {
      const left = needs.get(need)! - 1;
      if (left === 0) needs.delete(need);
      else needs.set(need, left);
    }
    if (needs.size === 0) index.regionNeeds.delete(old.region);
  } else if (old !== undefined) {
    for (const region of old.regions) {
      const partners = index.partnersByRegion.get(region)!;
      partners.splice(slotIn(partners, old.capabilities, id, countOf), 1);
      if (partners.length === 0) index.partnersByRegion.delete(region);
    }
  }
  index.indexed.delete(id);
  if (node === undefined) return;
  if (node.kind === 'customer') return addToIndex(index, id, node);
  const count = capabilityCount(node);
  const regions = [...new Set(node.regions)];
  for (const region of regions) {
    let partners = index.partnersByRegion.get(region);
    if (partners === undefined) index.partnersByRegion.set(region, (partners = []));
    partners.splice(slotIn(partners, count, id, countOf), 0, [id, node]);
  }
  index.indexed.set(id, { regions, capabilities: count });
}

/**
 * A scan of the 300k-node ecosystem alone costs more than a request's budget,
 * so the lists a request needs are built once per graph and then kept
 * current from the graph's node events (a write touches a handful of nodes;
 * relationships are not part of it), never rebuilt whole after a write.
 */
export const ecosystemIndexOf = maintainedPerGraphSteps(ecosystemIndexSteps, updateIndex);
export const ecosystemIndex = (graph: EcoGraph): EcosystemIndex => drain(ecosystemIndexOf(graph));

// ---------- one partner ----------

/**
 * Best introductions for one partner, or null when no node has that id: the
 * best k of every partner it is not related to, found without scoring them
 * all. Two hops away, through every customer and partner it has, are the only
 * partners with shared customers or common partners; each of those is scored
 * in the order of an upper bound on its score until the bound falls below the
 * k-th score. Every other partner scores at most
 *   complementaryRoles + complementaryCapabilities(all its and our capabilities) + regionOverlap + segmentOverlap:
 * those sharing a region are read from the region's list, most capabilities
 * first, until that bound falls below the k-th score; those sharing nothing
 * (complementaryRoles + segmentOverlap at most) only when the k-th score is lower still.
 */
export function introductionsFor(
  graph: EcoGraph,
  partnerId: string,
  query: IntroductionsQuery,
  options: Partial<IntroductionsOptions> = {},
  catalogue?: Pick<EcoCatalogue, 'capabilities'>,
): z.infer<typeof IntroductionsResponse> | null {
  return drain(introductionsSteps(graph, partnerId, query, options, catalogue));
}

/** introductionsFor as steps that yield every few dozen partners, for a server to run in slices (ProjectionService.compute). */
export function* introductionsSteps(
  graph: EcoGraph,
  partnerId: string,
  query: IntroductionsQuery,
  options: Partial<IntroductionsOptions> = {},
  catalogue?: Pick<EcoCatalogue, 'capabilities'>,
): Steps<z.infer<typeof IntroductionsResponse> | null> {
  const o: IntroductionsOptions = { ...DEFAULTS, ...options };
  if (!graph.hasNode(partnerId)) return null;
  const partner = partnerAt(graph, partnerId);
  const { partnersByRegion, regionNeeds } = yield* ecosystemIndexOf(graph);
  const related = new Set(graph.neighbors(partnerId));
  const eligible = (id: string, node: PartnerNode) => id !== partnerId && !related.has(id) && matches(node, query);

  // Evidence of every partner two hops away.
  const found = new Map<string, Evidence>();
  for (const { attributes: first, source, target } of graph.edgeEntries(partnerId)) {
    yield;
    const via = source === partnerId ? target : source;
    const viaCustomer = graph.getNodeAttribute(via, 'kind') === 'customer';
    const viaDegree = graph.degree(via);
    graph.forEachEdge(via, (_second, second, s, t, sNode, tNode) => {
      const [other, node] = s === via ? [t, tNode] : [s, sNode];
      if (node.kind !== 'partner' || !eligible(other, node)) return;
      let e = found.get(other);
      if (e === undefined) found.set(other, (e = noEvidence()));
      if (viaCustomer) e.customers.push([via, first.value + second.value]);
      else {
        e.neighbours.push(via);
        e.adamicAdar += 1 / Math.log(viaDegree);
      }
    });
  }

  const best = new TopK(query.k);
  const score = (id: string, evidence: Evidence) => best.offer(measure(graph, partnerId, id, evidence, regionNeeds, o));
  // Contributions are rounded to 3 decimals: a bound this far below the k-th score cannot reach it.
  const beaten = (bound: number) => best.full() && bound < best.threshold() - 0.005;
  const w = o.weights;
  const ownCapabilities = Object.keys(partner.capabilities).length;
  const capabilitiesBound = (node: PartnerNode) => w.complementaryCapabilities * Math.log2(1 + ownCapabilities + Object.keys(node.capabilities).length);
  // Capabilities one holds and the other lacks, needed or not.
  const difference = (node: PartnerNode) => {
    let theirs = 0;
    for (const c in node.capabilities) if (!(c in partner.capabilities)) theirs++;
    return theirs + ownCapabilities - (Object.keys(node.capabilities).length - theirs);
  };
  const profileBound = (node: PartnerNode, sharesRegion: boolean) =>
    (rolePairs(partner, node, o).length > 0 ? w.complementaryRoles : 0) +
    (sharesRegion ? w.complementaryCapabilities * Math.log2(1 + difference(node)) : 0) +
    w.regionOverlap * jaccard(partner.regions, node.regions).index +
    w.segmentOverlap * jaccard(partner.segments, node.segments).index;

  const walked = [...found].map(([id, e]) => {
    const node = partnerAt(graph, id);
    const bound = w.sharedCustomers * Math.log2(1 + sharedWeight(e.customers, o)) + w.commonNeighbours * e.adamicAdar + profileBound(node, true);
    return { id, e, bound };
  });
  yield;
  walked.sort((x, y) => y.bound - x.bound || compareIds(x.id, y.id));
  let steps = 0;
  for (const { id, e, bound } of walked) {
    if (beaten(bound)) break;
    score(id, e);
    if ((++steps & STEP) === 0) yield;
  }

  const seen = new Set<string>();
  for (const region of partner.regions) {
    for (const [id, node] of partnersByRegion.get(region) ?? []) {
      if ((++steps & STEP) === 0) yield;
      // The list runs from most capabilities to fewest, and so does this bound.
      if (beaten(w.complementaryRoles + capabilitiesBound(node) + w.regionOverlap + w.segmentOverlap)) break;
      if (found.has(id) || seen.has(id) || !eligible(id, node)) continue;
      seen.add(id);
      if (!beaten(profileBound(node, true))) score(id, noEvidence());
    }
  }

  if (!beaten(w.complementaryRoles + w.segmentOverlap)) {
    for (const { node: id, attributes: node } of graph.nodeEntries()) {
      if ((++steps & STEP) === 0) yield;
      if (node.kind !== 'partner' || found.has(id) || seen.has(id) || !eligible(id, node) || node.regions.some((r) => partner.regions.includes(r))) continue;
      if (!beaten(profileBound(node, false))) score(id, noEvidence());
    }
  }
  return { introductions: best.items().map((m) => describe(graph, m, o, catalogue)) };
}

/** An introduction scored from scratch: the definition the searches above must agree with. */
export function scorePair(graph: EcoGraph, a: string, b: string, options: Partial<IntroductionsOptions> = {}, catalogue?: Pick<EcoCatalogue, 'capabilities'>): Introduction {
  const o: IntroductionsOptions = { ...DEFAULTS, ...options };
  return describe(graph, measure(graph, a, b, sharedEvidence(graph, a, b), ecosystemIndex(graph).regionNeeds, o), o, catalogue);
}

/** The best k pairs offered, in rank order. */
class TopK {
  private list: Measured[] = [];
  constructor(private k: number) {}

  full(): boolean {
    return this.list.length >= this.k;
  }

  threshold(): number {
    return this.list[this.k - 1]?.score ?? 0;
  }

  offer(intro: Measured): void {
    if (intro.score <= 0 || (this.full() && byScore(intro, this.list[this.k - 1]!) >= 0)) return;
    const worse = this.list.findIndex((other) => byScore(intro, other) < 0);
    this.list.splice(worse === -1 ? this.list.length : worse, 0, intro);
    if (this.list.length > this.k) this.list.pop();
  }

  items(): Measured[] {
    return this.list;
  }
}

// ---------- whole ecosystem ----------

/**
 * Best introductions across the ecosystem: pairs of unrelated partners that
 * co-serve customers, weighted like sharedCustomers (each customer pairing at
 * most `partnersPerCustomer` partners, its most valuable ones), then the
 * strongest `k · shortlistPerResult` pairs fully scored. `type` keeps pairs
 * where at least one partner has that type (reported second); `region` keeps
 * pairs that both operate there.
 */
export function topIntroductions(
  graph: EcoGraph,
  query: IntroductionsQuery,
  options: Partial<IntroductionsOptions> = {},
  catalogue?: Pick<EcoCatalogue, 'capabilities'>,
): z.infer<typeof IntroductionsResponse> {
  const o: IntroductionsOptions = { ...DEFAULTS, ...options };
  const ids: string[] = [];
  const indexOf = new Map<string, number>();
  graph.forEachNode((id, node) => {
    if (node.kind === 'partner' && (query.region === undefined || node.regions.includes(query.region))) ids.push(id);
  });
  // Numbered by id, not by graph order: ties then break the same way however the graph was built.
  ids.sort(compareIds).forEach((id, i) => indexOf.set(id, i));
  const typeOk = ids.map((id) => query.type === undefined || partnerAt(graph, id).types.includes(query.type));
  const { customersOf, servedBy } = coServing(graph, indexOf, o.partnersPerCustomer);

  // Partner by partner, sum the weights to every later partner in a reusable array: no map of millions of pairs.
  const shortlist = new Shortlist(query.k * o.shortlistPerResult);
  const weight = new Float64Array(ids.length);
  const touched: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let k = customersOf.starts[i]!; k < customersOf.starts[i + 1]!; k++) {
      const customer = customersOf.items[k]!;
      for (let m = servedBy.starts[customer]!; m < servedBy.starts[customer + 1]!; m++) {
        const j = servedBy.items[m]!;
        if (j <= i) continue;
        if (weight[j] === 0) touched.push(j);
        weight[j]! += 1 + Math.log10(1 + (customersOf.values[k]! + servedBy.values[m]!) / o.valueUnit);
      }
    }
    for (const j of touched) {
      if (weight[j]! >= shortlist.threshold && (typeOk[i] || typeOk[j]) && !graph.areNeighbors(ids[i]!, ids[j]!)) shortlist.add(i, j, weight[j]!);
      weight[j] = 0;
    }
    touched.length = 0;
  }

  const introductions = shortlist.pairs().map(([i, j]) => {
    // Report the pair from the side that does not match the type filter, so the match reads as the suggestion.
    const [a, b] = typeOk[j] ? [ids[i]!, ids[j]!] : [ids[j]!, ids[i]!];
    return describe(graph, measure(graph, a, b, sharedEvidence(graph, a, b), ecosystemIndex(graph).regionNeeds, o), o, catalogue);
  });
  return { introductions: introductions.sort(byScore).slice(0, query.k) };
}

/** Compressed adjacency lists: the items of list x are items[starts[x] .. starts[x + 1]), with their annual values. */
interface Lists {
  starts: Int32Array;
  items: Int32Array;
  values: Float64Array;
}

/**
 * Customers (numbered here) → the partners they pair, and partners → those
 * customers, for customers with at least two partners among `indexOf`.
 */
function coServing(graph: EcoGraph, indexOf: Map<string, number>, perCustomer: number): { customersOf: Lists; servedBy: Lists } {
  const starts = [0];
  const items: number[] = [];
  const values: number[] = [];
  // Reused across customers: one customer's partners and values, and their order when capped.
  const partners: number[] = [];
  const partnerValues: number[] = [];
  const order: number[] = [];
  // Customers in id order, so that each pair's weight sums in the same order however the graph was built.
  const customers = graph.filterNodes((_id, node) => node.kind === 'customer').sort(compareIds);
  for (const customerId of customers) {
    partners.length = partnerValues.length = order.length = 0;
    graph.forEachEdge(customerId, (_edge, edge, source, target) => {
      const index = indexOf.get(source === customerId ? target : source);
      if (index === undefined) return;
      order.push(partners.length);
      partners.push(index);
      partnerValues.push(edge.value);
    });
    if (partners.length < 2) continue;
    if (partners.length > perCustomer) order.sort((x, y) => partnerValues[y]! - partnerValues[x]! || partners[x]! - partners[y]!).length = perCustomer;
    for (const k of order) {
      items.push(partners[k]!);
      values.push(partnerValues[k]!);
    }
    starts.push(items.length);
  }
  const servedBy: Lists = { starts: Int32Array.from(starts), items: Int32Array.from(items), values: Float64Array.from(values) };
  return { customersOf: transpose(servedBy, indexOf.size), servedBy };
}

/** The same pairs, listed from the other side. */
function transpose(lists: Lists, size: number): Lists {
  const starts = new Int32Array(size + 1);
  for (const item of lists.items) starts[item + 1]!++;
  for (let x = 0; x < size; x++) starts[x + 1]! += starts[x]!;
  const next = starts.slice(0, size);
  const items = new Int32Array(lists.items.length);
  const values = new Float64Array(lists.items.length);
  for (let list = 0; list + 1 < lists.starts.length; list++) {
    for (let m = lists.starts[list]!; m < lists.starts[list + 1]!; m++) {
      const at = next[lists.items[m]!]!++;
      items[at] = list;
      values[at] = lists.values[m]!;
    }
  }
  return { starts, items, values };
}

/** Keeps the `size` heaviest pairs, ties broken by partner order; prunes a buffer of twice that size. */
class Shortlist {
  threshold = 0;
  private buffer: Array<[number, number, number]> = [];
  constructor(private size: number) {}

  add(i: number, j: number, weight: number): void {
    this.buffer.push([i, j, weight]);
    if (this.buffer.length >= 2 * this.size) this.prune();
  }

  pairs(): Array<[number, number]> {
    this.prune();
    return this.buffer.map(([i, j]) => [i, j]);
  }

  private prune(): void {
    this.buffer.sort((x, y) => y[2] - x[2] || x[0] - y[0] || x[1] - y[1]);
    if (this.buffer.length >= this.size) {
      this.buffer.length = this.size;
      this.threshold = this.buffer[this.size - 1]![2];
    }
  }
}

/** Shared customers and common partner neighbours of a pair, walking the smaller neighbourhood. */
function sharedEvidence(graph: EcoGraph, a: string, b: string): Evidence {
  const [small, large] = graph.degree(a) <= graph.degree(b) ? [a, b] : [b, a];
  const e = noEvidence();
  graph.forEachEdge(small, (_edge, edge, source, target, sourceNode, targetNode) => {
    const [other, node] = source === small ? [target, targetNode] : [source, sourceNode];
    const key = graph.edge(other, large);
    if (key === undefined) return;
    if (node.kind === 'customer') e.customers.push([other, edge.value + graph.getEdgeAttribute(key, 'value')]);
    else {
      e.neighbours.push(other);
      e.adamicAdar += 1 / Math.log(graph.degree(other));
    }
  });
  return e;
}
