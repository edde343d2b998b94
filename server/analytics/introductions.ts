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
 */
import type { z } from 'zod';
import type { Introduction, IntroductionsQuery, IntroductionsResponse, Signal } from '../schemas/analytics.js';
import type { PartnerType } from '../schemas/model.js';
import type { EcoGraph, PartnerNode } from '../projection/types.js';

export const DEFAULTS = {
  weights: {
    sharedCustomers: 1,
    complementaryRoles: 1,
    complementaryCapabilities: 0.5,
    commonNeighbours: 1,
    regionOverlap: 0.5,
    segmentOverlap: 0.25,
  },
  /** Annual value at which a shared customer counts double. */
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
  /** Candidates fully scored for one partner: bounds a request to a few milliseconds. */
  maxCandidates: 2000,
  /** Of those, complementary-role partners met only through shared regions, best overlap first. */
  roleCandidates: 500,
  /** Neighbours with more links than this are not walked to find candidates: a huge customer says little about any one pair… */
  hubDegree: 1000,
  /** …and the walk stops after this many second-hop links, lowest-degree neighbours first. */
  expansionBudget: 50_000,
  /** Neighbours left unwalked that are still checked against the chosen candidates, lowest degree first. */
  unwalkedChecks: 20,
  /** topIntroductions: partners of one customer that are paired, most valuable relationships first. */
  partnersPerCustomer: 50,
  /** topIntroductions: co-serving pairs fully scored per introduction asked for. */
  shortlistPerResult: 20,
  /** Evidence ids listed per signal (the detail still gives the full count). */
  maxEvidence: 100,
};
export type IntroductionsOptions = typeof DEFAULTS;

interface Evidence {
  customers: Map<string, number>;
  neighbours: string[];
  adamicAdar: number;
}
const noEvidence = (): Evidence => ({ customers: new Map(), neighbours: [], adamicAdar: 0 });

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
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function rolePairs(a: PartnerNode, b: PartnerNode, o: IntroductionsOptions): string[] {
  const pairs: string[] = [];
  for (const [x, y] of o.complementaryRoles) {
    if (a.types.includes(x) && b.types.includes(y)) pairs.push(`${x}↔${y}`);
    else if (a.types.includes(y) && b.types.includes(x)) pairs.push(`${y}↔${x}`);
  }
  return pairs;
}

/** Builds the signals of one pair from the evidence gathered for it. `regionNeeds` covers at least a's regions. */
function signalsFor(graph: EcoGraph, aId: string, bId: string, evidence: Evidence, regionNeeds: Map<string, Set<string>>, o: IntroductionsOptions): Signal[] {
  const a = partnerAt(graph, aId);
  const b = partnerAt(graph, bId);
  const w = o.weights;
  const signals: Signal[] = [];
  const push = (name: Signal['name'], contribution: number, detail: string, evidence: string[]) => {
    if (contribution > 0) signals.push({ name, contribution: round3(contribution), detail, evidence: evidence.slice(0, o.maxEvidence) });
  };

  const customers = [...evidence.customers].sort((x, y) => y[1] - x[1] || compareIds(x[0], y[0]));
  const weighted = customers.reduce((sum, [, value]) => sum + 1 + Math.log10(1 + value / o.valueUnit), 0);
  const value = customers.reduce((sum, [, v]) => sum + v, 0);
  push('sharedCustomers', w.sharedCustomers * Math.log2(1 + weighted), `serve ${customers.length} customer(s) in common, ${value} in annual value between them`, customers.map(([id]) => id));

  const roles = rolePairs(a, b, o);
  push('complementaryRoles', roles.length > 0 ? w.complementaryRoles : 0, `${aId} and ${bId} play complementary roles (${roles.join(', ')})`, roles);

  const regions = jaccard(a.regions, b.regions);
  const needed = new Set<string>();
  for (const [id] of customers) {
    const customer = graph.getNodeAttributes(id);
    if (customer.kind === 'customer') for (const need of customer.needs) needed.add(need);
  }
  for (const region of regions.shared) for (const need of regionNeeds.get(region) ?? []) needed.add(need);
  const aBrings = Object.keys(a.capabilities).filter((c) => !(c in b.capabilities) && needed.has(c)).sort(compareIds);
  const bBrings = Object.keys(b.capabilities).filter((c) => !(c in a.capabilities) && needed.has(c)).sort(compareIds);
  const brought = [...aBrings, ...bBrings];
  push(
    'complementaryCapabilities',
    w.complementaryCapabilities * Math.log2(1 + brought.length),
    `${aId} brings ${aBrings.join(', ') || 'nothing new'} and ${bId} brings ${bBrings.join(', ') || 'nothing new'}, needed by their shared customers or customers in their shared regions`,
    brought,
  );

  const neighbours = [...evidence.neighbours].sort(compareIds);
  push('commonNeighbours', w.commonNeighbours * evidence.adamicAdar, `${neighbours.length} partner(s) work with both (Adamic–Adar ${round3(evidence.adamicAdar)})`, neighbours);
  push('regionOverlap', w.regionOverlap * regions.index, `share ${regions.shared.length} of ${new Set([...a.regions, ...b.regions]).size} regions`, regions.shared);
  const segments = jaccard(a.segments, b.segments);
  push('segmentOverlap', w.segmentOverlap * segments.index, `share ${segments.shared.length} of ${new Set([...a.segments, ...b.segments]).size} segments`, segments.shared);
  return signals;
}

function introduction(partnerId: string, otherPartnerId: string, signals: Signal[]): Introduction {
  return { partnerId, otherPartnerId, score: round3(signals.reduce((sum, s) => sum + s.contribution, 0)), signals };
}

const byScore = (x: Introduction, y: Introduction) => y.score - x.score || compareIds(x.partnerId, y.partnerId) || compareIds(x.otherPartnerId, y.otherPartnerId);

function matches(node: PartnerNode, query: IntroductionsQuery): boolean {
  return (query.type === undefined || node.types.includes(query.type)) && (query.region === undefined || node.regions.includes(query.region));
}

// ---------- one partner ----------

/**
 * Best introductions for one partner, or null when no node has that id.
 * Candidates: partners two hops away (through shared customers or common
 * partners) and complementary-role partners in its regions, bounded as
 * DEFAULTS documents.
 */
export function introductionsFor(graph: EcoGraph, partnerId: string, query: IntroductionsQuery, options: Partial<IntroductionsOptions> = {}): z.infer<typeof IntroductionsResponse> | null {
  const o: IntroductionsOptions = { ...DEFAULTS, ...options };
  if (!graph.hasNode(partnerId)) return null;
  const partner = partnerAt(graph, partnerId);

  const related = new Set(graph.neighbors(partnerId));
  const eligible = (id: string, node: PartnerNode) => id !== partnerId && !related.has(id) && matches(node, query);
  const found = new Map<string, Evidence>();
  const evidenceOf = (id: string) => {
    let e = found.get(id);
    if (e === undefined) found.set(id, (e = noEvidence()));
    return e;
  };

  // Walk second hops from the most specific neighbours first: they carry the strongest evidence.
  const neighbours = [...related].map((id) => ({ id, degree: graph.degree(id), value: graph.getEdgeAttribute(partnerId, id, 'value') })).sort((x, y) => x.degree - y.degree || compareIds(x.id, y.id));
  const unwalked: typeof neighbours = [];
  let visits = 0;
  for (const n of neighbours) {
    if (n.degree > o.hubDegree || visits + n.degree > o.expansionBudget) {
      unwalked.push(n);
      continue;
    }
    visits += n.degree;
    const viaCustomer = graph.getNodeAttribute(n.id, 'kind') === 'customer';
    graph.forEachEdge(n.id, (_edge, edge, source, target, sourceNode, targetNode) => {
      const [other, node] = source === n.id ? [target, targetNode] : [source, sourceNode];
      if (node.kind !== 'partner' || !eligible(other, node)) return;
      const e = evidenceOf(other);
      if (viaCustomer) e.customers.set(n.id, n.value + edge.value);
      else {
        e.neighbours.push(n.id);
        e.adamicAdar += 1 / Math.log(n.degree);
      }
    });
  }

  // One pass over the nodes: complementary-role partners in its regions, and what customers there need.
  const regionNeeds = new Map(partner.regions.map((r) => [r, new Set<string>()]));
  const byRole: Array<{ id: string; prescore: number }> = [];
  graph.forEachNode((id, node) => {
    if (node.kind === 'customer') {
      const needs = regionNeeds.get(node.region);
      if (needs !== undefined) for (const need of node.needs) needs.add(need);
    } else if (!found.has(id) && eligible(id, node) && rolePairs(partner, node, o).length > 0) {
      const regions = jaccard(partner.regions, node.regions).index;
      if (regions > 0) byRole.push({ id, prescore: o.weights.regionOverlap * regions + o.weights.segmentOverlap * jaccard(partner.segments, node.segments).index });
    }
  });

  const prescore = (e: Evidence) => o.weights.sharedCustomers * Math.log2(1 + e.customers.size) + o.weights.commonNeighbours * e.adamicAdar;
  const roleCandidates = byRole.sort((x, y) => y.prescore - x.prescore || compareIds(x.id, y.id)).slice(0, o.roleCandidates);
  const walkedCandidates = [...found]
    .sort((x, y) => prescore(y[1]) - prescore(x[1]) || compareIds(x[0], y[0]))
    .slice(0, Math.max(0, o.maxCandidates - roleCandidates.length));
  const candidates = new Map<string, Evidence>([...walkedCandidates, ...roleCandidates.map((c): [string, Evidence] => [c.id, noEvidence()])]);

  // Hubs and neighbours past the budget still count as evidence for the chosen candidates.
  for (const n of unwalked.slice(0, o.unwalkedChecks)) {
    const viaCustomer = graph.getNodeAttribute(n.id, 'kind') === 'customer';
    for (const [id, e] of candidates) {
      const key = graph.edge(n.id, id);
      if (key === undefined) continue;
      if (viaCustomer) e.customers.set(n.id, n.value + graph.getEdgeAttribute(key, 'value'));
      else {
        e.neighbours.push(n.id);
        e.adamicAdar += 1 / Math.log(n.degree);
      }
    }
  }

  const introductions = [...candidates].map(([id, e]) => introduction(partnerId, id, signalsFor(graph, partnerId, id, e, regionNeeds, o)));
  return { introductions: introductions.filter((i) => i.score > 0).sort(byScore).slice(0, query.k) };
}

// ---------- whole ecosystem ----------

/**
 * Best introductions across the ecosystem: pairs of unrelated partners that
 * co-serve customers, counted in one pass over customers (each customer
 * pairing at most `partnersPerCustomer` partners), then the strongest
 * `k · shortlistPerResult` pairs fully scored. `type` keeps pairs where at
 * least one partner has that type (reported second); `region` keeps pairs that
 * both operate there.
 */
export function topIntroductions(graph: EcoGraph, query: IntroductionsQuery, options: Partial<IntroductionsOptions> = {}): z.infer<typeof IntroductionsResponse> {
  const o: IntroductionsOptions = { ...DEFAULTS, ...options };
  const ids: string[] = [];
  const indexOf = new Map<string, number>();
  graph.forEachNode((id, node) => {
    if (node.kind === 'partner') indexOf.set(id, ids.push(id) - 1);
  });
  const n = ids.length;
  const regionOk = ids.map((id) => query.region === undefined || partnerAt(graph, id).regions.includes(query.region));
  const typeOk = ids.map((id) => query.type === undefined || partnerAt(graph, id).types.includes(query.type));

  // Pair key i·n + j (i < j) stays an exact integer for any realistic partner count.
  const EXCLUDED = -1; // already related, or neither partner matches the type filter
  const pairWeight = new Map<number, number>();
  const regionNeeds = new Map<string, Set<string>>();
  graph.forEachNode((customerId, node) => {
    if (node.kind !== 'customer') return;
    let needs = regionNeeds.get(node.region);
    if (needs === undefined) regionNeeds.set(node.region, (needs = new Set()));
    for (const need of node.needs) needs.add(need);

    const served: Array<{ index: number; value: number }> = [];
    graph.forEachEdge(customerId, (_edge, edge, source, target) => {
      const index = indexOf.get(source === customerId ? target : source);
      if (index !== undefined && regionOk[index]) served.push({ index, value: edge.value });
    });
    if (served.length > o.partnersPerCustomer) served.sort((x, y) => y.value - x.value || compareIds(ids[x.index]!, ids[y.index]!)).length = o.partnersPerCustomer;
    for (let x = 0; x < served.length; x++) {
      for (let y = x + 1; y < served.length; y++) {
        const p = served[x]!;
        const q = served[y]!;
        const [i, j] = p.index < q.index ? [p.index, q.index] : [q.index, p.index];
        const key = i * n + j;
        let weight = pairWeight.get(key);
        if (weight === undefined) weight = graph.areNeighbors(ids[i], ids[j]) || !(typeOk[i] || typeOk[j]) ? EXCLUDED : 0;
        if (weight !== EXCLUDED) weight += 1 + Math.log10(1 + (p.value + q.value) / o.valueUnit);
        pairWeight.set(key, weight);
      }
    }
  });

  // The shortlist threshold comes from a typed-array sort, far cheaper than sorting the entries;
  // pairs tied at the threshold are taken in the (deterministic) order they were met.
  const shortlist = query.k * o.shortlistPerResult;
  const weights = Float64Array.from(pairWeight.values()).sort();
  const threshold = Math.max(0, weights[weights.length - shortlist] ?? 0);
  const chosen: number[] = [];
  for (const [key, weight] of pairWeight) if (weight > threshold) chosen.push(key);
  for (const [key, weight] of pairWeight) if (weight === threshold && chosen.length < shortlist) chosen.push(key);

  const introductions = chosen.map((key) => {
    const [i, j] = [Math.floor(key / n), key % n];
    // Report the pair from the side that does not match the type filter, so the match reads as the suggestion.
    const [a, b] = typeOk[j] ? [ids[i]!, ids[j]!] : [ids[j]!, ids[i]!];
    return introduction(a, b, signalsFor(graph, a, b, sharedEvidence(graph, a, b), regionNeeds, o));
  });
  return { introductions: introductions.sort(byScore).slice(0, query.k) };
}

/** Shared customers and common partner neighbours of a pair, walking the smaller neighbourhood. */
function sharedEvidence(graph: EcoGraph, a: string, b: string): Evidence {
  const [small, large] = graph.degree(a) <= graph.degree(b) ? [a, b] : [b, a];
  const e = noEvidence();
  graph.forEachEdge(small, (_edge, edge, source, target, sourceNode, targetNode) => {
    const [other, node] = source === small ? [target, targetNode] : [source, sourceNode];
    const key = graph.edge(other, large);
    if (key === undefined) return;
    if (node.kind === 'customer') e.customers.set(other, edge.value + graph.getEdgeAttribute(key, 'value'));
    else {
      e.neighbours.push(other);
      e.adamicAdar += 1 / Math.log(graph.degree(other));
    }
  });
  return e;
}
