/**
 * Deal teams: the best teams of at most maxSize partners for a deal, each
 * member bringing at least one requirement (capability or role) that no other
 * member brings.
 *
 * Candidates: partners operating in the deal's region that serve its segment
 * (the request's, else the customer's; any segment when there is neither) and
 * provide at least one requirement. `include` members join every team
 * wherever they operate and need bring nothing; `exclude` members never join.
 *
 * Ranking: coverage first (requirements covered), then
 *   fit = 0.5·cohesion + 0.3·customerFit + 0.2·quality   (DEFAULTS.weights)
 * reported as score = (covered + fit) / (requirements + 1), which orders
 * teams exactly as that ranking does and stays within 0..1.
 * - cohesion: member pairs already related ÷ possible pairs, plus a bonus when a
 *   service member IMPLEMENTS a technology member; 1 for a one-partner team (no hand-off);
 * - customerFit: share of members already related to the customer;
 * - quality: mean over members of (tier score + mean level weight of the capabilities they cover) / 2,
 *   the tier score alone for a member covering roles only.
 *
 * Search: exact branch and bound (see `search`), which says whether it proved
 * its teams the best or stopped at its budget with the best it found.
 */
import type { DealTeamRequest, DealTeamResponse, Team } from '../schemas/analytics.js';
import type { PartnerType } from '../schemas/model.js';
import type { CustomerNode, EcoCatalogue, EcoGraph, PartnerNode } from '../projection/types.js';
import { adjacencyOf } from '../projection/adjacency.js';
import { NODE_EVENTS, perGraph } from '../projection/per-graph.js';
import { DEFAULTS as GAPS_DEFAULTS, supplyWeight } from './gaps.js';
import { AnalyticsInputError } from './errors.js';
import { count, listing } from './format.js';
import { compareIds, round3 } from '../order.js';

export const DEFAULTS = {
  /** Weights of the team's fit, which ranks teams of equal coverage. */
  weights: { cohesion: 0.5, customerFit: 0.3, quality: 0.2 },
  /** Added to cohesion when a service member already implements a technology member's product. */
  implementsBonus: 0.25,
  tierScores: { registered: 0.25, silver: 0.5, gold: 0.75, platinum: 1 } as Record<string, number>,
  /** Program-defined tiers score as silver. */
  unknownTierScore: 0.5,
  levelWeights: GAPS_DEFAULTS.levelWeights,
  /** Search nodes evaluated before the search gives up proving and answers with the best it found… */
  searchBudget: 1_000_000,
  /** …or milliseconds spent, whichever comes first: an answer within about a second even on a busy server. */
  timeBudgetMs: 1000,
  /** Partners suggested per unmet requirement. */
  closest: 5,
};
export type DealTeamOptions = typeof DEFAULTS;

/** Coverage is a bitmask over the requirements. */
const MAX_REQUIREMENTS = 30;
/** Partners serving the customer whose subsets are searched one by one (at most 2^10 searches). */
const MAX_PINNED = 10;
/** Search nodes of the probing pass: at most 300 per subset, 5,000 in all. */
const PROBE_NODES = { each: 300, total: 5000 };

type Requirement = { kind: 'capability'; id: string } | { kind: 'role'; id: PartnerType };

interface Candidate {
  id: string;
  node: PartnerNode;
  mask: number;
  forced: boolean;
  servesCustomer: boolean;
  quality: number;
  /** What the member adds to the fit's customer and quality terms: the fit is 0.5·cohesion + the mean gain. */
  gain: number;
  /** Other candidates it already has a relationship with. */
  links: Set<string>;
  /** Whether one of those is a service–technology IMPLEMENTS relationship (the cohesion bonus). */
  implementer: boolean;
  /** Set by the search: its place among the optional candidates, and the most it can add to a team's fit bound. */
  index: number;
  promise: number;
  /** Set by the search: the places of the optional candidates it is related to. */
  near: Int32Array;
}

interface Draft {
  members: Candidate[];
  mask: number;
  covered: number;
  fit: number;
  components: Team['components'];
}

/** The largest value, -Infinity for none (without spreading a long list into arguments). */
const maxOf = (values: number[]) => values.reduce((a, b) => (b > a ? b : a), -Infinity);
const bitCount = (mask: number) => {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
};

function fail(field: string, message: string): never {
  throw new AnalyticsInputError('server/analytics/deal-team', field, message);
}

function customerAt(graph: EcoGraph, id: string): CustomerNode {
  const node = graph.hasNode(id) ? graph.getNodeAttributes(id) : undefined;
  return node?.kind === 'customer' ? node : fail('customerId', `unknown customer "${id}"`);
}

/**
 * The best `limit` teams of at most `maxSize` partners for a deal. With a
 * customerId, the region and segment default to the customer's and its needs
 * are the capabilities required when none are given. When no team covers
 * everything, `teams` holds the best partial ones and `unmet` what they miss.
 * `catalogue` lends capability names to the explanations.
 */
export function assembleDealTeams(
  graph: EcoGraph,
  request: DealTeamRequest,
  options: Partial<DealTeamOptions> = {},
  catalogue?: Pick<EcoCatalogue, 'capabilities'>,
): DealTeamResponse {
  return dealTeamsWithStats(graph, request, options, catalogue).answer;
}

/** The search's size, for the benchmark: candidates found, kept after dominance, and search nodes explored. */
export interface SearchStats {
  candidates: number;
  pool: number;
  nodes: number;
  /** Milliseconds spent finding the candidates, linking and pruning them, and searching. */
  ms: { scan: number; prune: number; search: number };
}

/** `assembleDealTeams`, with the figures of its search. */
export function dealTeamsWithStats(
  graph: EcoGraph,
  request: DealTeamRequest,
  options: Partial<DealTeamOptions> = {},
  catalogue?: Pick<EcoCatalogue, 'capabilities'>,
): { answer: DealTeamResponse; stats: SearchStats } {
  const o: DealTeamOptions = { ...DEFAULTS, ...options };
  const customerId = request.customerId;
  const customer = customerId === undefined ? undefined : customerAt(graph, customerId);
  const region = request.region ?? customer?.region ?? fail('region', 'give a customerId or a region');
  const segment = request.segment ?? customer?.segment;
  const capabilities = request.capabilities.length > 0 ? request.capabilities : (customer?.needs ?? []);
  const requirements: Requirement[] = [
    ...[...new Set(capabilities)].map((id): Requirement => ({ kind: 'capability', id })),
    ...[...new Set(request.roles)].map((id): Requirement => ({ kind: 'role', id })),
  ];
  if (requirements.length === 0) fail('capabilities', 'nothing to cover: give capabilities or roles, or a customer with needs');
  if (requirements.length > MAX_REQUIREMENTS) fail('capabilities', `at most ${MAX_REQUIREMENTS} requirements (capabilities and roles together)`);
  if (request.include.length > request.maxSize) fail('include', `lists ${request.include.length} partners but maxSize is ${request.maxSize}`);
  for (const id of request.include) {
    if (!graph.hasNode(id) || graph.getNodeAttribute(id, 'kind') !== 'partner') fail('include', `unknown partner "${id}"`);
    if (request.exclude.includes(id)) fail('exclude', `"${id}" is both included and excluded`);
  }

  const full = 2 ** requirements.length - 1;
  const coverage = (node: PartnerNode) =>
    requirements.reduce((mask, r, bit) => ((r.kind === 'capability' ? r.id in node.capabilities : node.types.includes(r.id)) ? mask | (1 << bit) : mask), 0);
  const quality = (node: PartnerNode) => {
    const levels = requirements.flatMap((r) => (r.kind === 'capability' && node.capabilities[r.id] !== undefined ? [supplyWeight(node.capabilities[r.id]!, o.levelWeights)] : []));
    const tier = o.tierScores[node.tier] ?? o.unknownTierScore;
    return levels.length === 0 ? tier : (tier + levels.reduce((a, b) => a + b, 0) / levels.length) / 2;
  };

  // The deal's candidates from its region's partners (and the included ones); everyone else who holds a requirement is looked for only when `unmet` needs them.
  const started = performance.now();
  const excluded = new Set(request.exclude);
  const included = new Set(request.include);
  const serving = new Set(customerId === undefined ? [] : graph.neighbors(customerId));
  const candidates: Candidate[] = [];
  const consider = (id: string, inRegion: boolean) => {
    const node = graph.getNodeAttributes(id) as PartnerNode;
    const forced = included.has(id);
    if (excluded.has(id) || (!forced && !(inRegion && (segment === undefined || node.segments.includes(segment))))) return;
    const mask = coverage(node);
    if (mask === 0 && !forced) return;
    const servesCustomer = serving.has(id);
    const q = quality(node);
    const gain = o.weights.customerFit * Number(servesCustomer) + o.weights.quality * q;
    candidates.push({ id, node, mask, forced, servesCustomer, quality: q, gain, links: new Set(), implementer: false, index: -1, promise: 0, near: new Int32Array(0) });
  };
  for (const id of partnersByRegion(graph).get(region) ?? []) consider(id, true);
  for (const id of request.include) if (!(graph.getNodeAttributes(id) as PartnerNode).regions.includes(region)) consider(id, false);
  const outsiders = () => {
    const isCandidate = new Set(candidates.map((c) => c.id));
    const outside: Outsider[] = [];
    graph.forEachNode((id, node) => {
      if (node.kind !== 'partner' || excluded.has(id) || isCandidate.has(id)) return;
      const mask = coverage(node);
      if (mask !== 0) outside.push({ id, node, mask, inRegion: node.regions.includes(region) });
    });
    return outside;
  };

  const scanned = performance.now();
  const pool = prunePool(graph, candidates, request.limit);
  const pruned = performance.now();
  const { drafts, proven, bound, visited } = search(graph, pool, requirements.length, full, request.maxSize, request.limit, o);
  const ms = { scan: scanned - started, prune: pruned - scanned, search: performance.now() - pruned };
  const stats = { candidates: candidates.length, pool: pool.length, nodes: visited, ms };
  const complete = drafts.filter((d) => d.mask === full);
  const chosen = complete.length > 0 ? complete : drafts;
  const names = { graph, capabilities: catalogue?.capabilities };
  const teams = chosen.map((d) => describe(d, requirements, customerId, names));
  const optimality = proven ? ('proven' as const) : ('best-found' as const);
  // Scores as reported (rounded); the bound never below the best team's own score.
  const reported = { optimality, bound: proven ? (teams[0]?.score ?? 0) : Math.max(teams[0]?.score ?? 0, Math.ceil(bound * 1000) / 1000) };
  if (complete.length > 0) return { answer: { teams, ...reported }, stats };

  const deal = { region, segment, maxSize: request.maxSize, proven };
  return { answer: { teams, ...reported, unmet: unmetRequirements(requirements, chosen[0], candidates, outsiders(), deal, names, o) }, stats };
}

/** Partner ids by the regions they operate in, once per graph (dropped when a node changes): a deal's candidates come from its region's list, not from a pass over every node. */
const partnersByRegion = perGraph(NODE_EVENTS, (graph) => {
  const byRegion = new Map<string, string[]>();
  graph.forEachNode((id, node) => {
    if (node.kind !== 'partner') return;
    for (const region of node.regions) {
      const list = byRegion.get(region);
      if (list === undefined) byRegion.set(region, [id]);
      else list.push(id);
    }
  });
  return byRegion;
});

type Outsider = { id: string; node: PartnerNode; mask: number; inRegion: boolean };

interface Names {
  graph: EcoGraph;
  capabilities: EcoCatalogue['capabilities'] | undefined;
}

const partnerName = (names: Names, id: string) => names.graph.getNodeAttribute(id, 'label');
const requirementName = (names: Names, r: Requirement) => (r.kind === 'capability' ? (names.capabilities?.get(r.id)?.name ?? r.id) : `the ${r.id} role`);

/**
 * What the best partial team leaves uncovered, each with the partners closest
 * to covering it: in-region partners that did not fit within maxSize, else
 * partners providing it for other segments of the region, then elsewhere.
 */
function unmetRequirements(
  requirements: Requirement[],
  best: Draft | undefined,
  candidates: Candidate[],
  outside: Outsider[],
  deal: { region: string; segment: string | undefined; maxSize: number; proven: boolean },
  names: Names,
  o: DealTeamOptions,
): NonNullable<DealTeamResponse['unmet']> {
  const { region, segment, maxSize, proven } = deal;
  return requirements.flatMap((r, index) => {
    const bit = 1 << index;
    if (best !== undefined && (best.mask & bit) !== 0) return [];
    const what = requirementName(names, r);
    const local = candidates.filter((c) => c.mask & bit).sort((a, b) => b.quality - a.quality || compareIds(a.id, b.id));
    if (local.length > 0) {
      const reason = proven
        ? `${count(local.length, 'partner')} in ${region} provide ${what}, but no team of at most ${maxSize} covers it together with the rest`
        : `${count(local.length, 'partner')} in ${region} provide ${what}; no team of at most ${maxSize} covering it together with the rest was found (best found, not proven: the search stopped at its budget)`;
      return [{ requirement: r.id, kind: r.kind, closest: local.slice(0, o.closest).map((c) => c.id), reason }];
    }
    const rank = (p: Outsider) => (p.inRegion ? 2 : 0) + (r.kind === 'capability' ? supplyWeight(p.node.capabilities[r.id]!, o.levelWeights) : (o.tierScores[p.node.tier] ?? o.unknownTierScore));
    const near = outside.filter((p) => p.mask & bit).sort((a, b) => rank(b) - rank(a) || compareIds(a.id, b.id));
    const where = segment === undefined ? region : `${region} for ${segment}`;
    const reason =
      near[0] === undefined
        ? `no partner provides ${what} anywhere`
        : `no partner in ${where} provides ${what}; the closest, ${partnerName(names, near[0].id)}, provide${near.length === 1 ? 's' : ''} it ${near[0].inRegion ? `in ${region} for other segments` : 'in other regions'}`;
    return [{ requirement: r.id, kind: r.kind, closest: near.slice(0, o.closest).map((p) => p.id), reason }];
  });
}

/**
 * Links every candidate to the candidates it already works with, and drops
 * those no best team needs. Candidate d dominates c when both cover the same
 * requirements, d gains at least as much, and d works with everyone c works
 * with: then d can take c's place in any team with no loss of fit (two
 * members with the same coverage never share a team, as neither would bring
 * anything of its own). Where `limit` kept candidates dominate c, each swap
 * gives another team at least as good, so c cannot change the best `limit`
 * teams. Candidates with a cohesion bonus of their own are always kept.
 */
function prunePool(graph: EcoGraph, candidates: Candidate[], limit: number): Candidate[] {
  const byId = new Map(candidates.map((c) => [c.id, c]));
  // The graph's adjacency as typed arrays (built once per graph): a candidate's neighbours by place, without a callback and a string key for each.
  const { position, starts, neighbours } = adjacencyOf(graph);
  const at = new Int32Array(starts.length - 1).fill(-1);
  candidates.forEach((c, i) => (at[position.get(c.id)!] = i));
  for (const c of candidates) {
    const p = position.get(c.id)!;
    for (let k = starts[p]!; k < starts[p + 1]!; k++) {
      const i = at[neighbours[k]!]!;
      if (i === -1) continue;
      const other = candidates[i]!;
      c.links.add(other.id);
      c.implementer ||= isServiceTechnologyPair(c.node, other.node) && graph.getEdgeAttribute(c.id, other.id, 'types').includes('IMPLEMENTS');
    }
  }
  // Decided best gain first, so every candidate kept before c gains at least as much.
  const pool = candidates.filter((c) => c.forced);
  const kept = new Set<Candidate>();
  // Kept candidates per coverage, and per coverage and partner they work with (that partner included when kept).
  // Keyed by number (the partner's place among the candidates, 1 up, above the 30 bits of the coverage; 0 for the coverage alone): no string per link.
  const place = new Map(candidates.map((c, i) => [c.id, i + 1]));
  const key = (mask: number, id?: string) => (id === undefined ? 0 : place.get(id)!) * 2 ** MAX_REQUIREMENTS + mask;
  const keptWith = new Map<number, number>();
  const bump = (k: number) => keptWith.set(k, (keptWith.get(k) ?? 0) + 1);
  const dominated = (c: Candidate) => {
    if (c.implementer) return false;
    if (c.links.size === 0) return (keptWith.get(key(c.mask)) ?? 0) >= limit;
    if (c.links.size === 1) return (keptWith.get(key(c.mask, [...c.links][0])) ?? 0) >= limit;
    // A dominator works with c's least connected partner, or is that partner; hubs' lists are too long to read for each candidate.
    let pivot: Candidate | undefined;
    for (const id of c.links) if (pivot === undefined || byId.get(id)!.links.size < pivot.links.size) pivot = byId.get(id)!;
    if (pivot!.links.size > 100) return false;
    let dominators = 0;
    for (const d of [pivot!, ...[...pivot!.links].map((id) => byId.get(id)!)]) {
      if (d === c || d.mask !== c.mask || !kept.has(d)) continue;
      if ([...c.links].every((id) => id === d.id || d.links.has(id)) && ++dominators >= limit) return true;
    }
    return false;
  };
  for (const c of candidates.filter((x) => !x.forced).sort((a, b) => b.gain - a.gain || compareIds(a.id, b.id))) {
    if (dominated(c)) continue;
    kept.add(c);
    bump(key(c.mask));
    bump(key(c.mask, c.id));
    for (const id of c.links) bump(key(c.mask, id));
    pool.push(c);
  }
  // Links to dropped candidates can never be inside a team: the search's bound counts the others only.
  const inPool = new Set(pool.map((c) => c.id));
  for (const c of pool) for (const id of c.links) if (!inPool.has(id)) c.links.delete(id);
  return pool;
}

function evaluate(graph: EcoGraph, members: Candidate[], requirements: number, o: DealTeamOptions): Draft {
  const mask = members.reduce((m, c) => m | c.mask, 0);
  const { linked, bonus } = linkStats(graph, members);
  const pairs = (members.length * (members.length - 1)) / 2;
  const components = {
    coverage: bitCount(mask) / requirements,
    cohesion: pairs === 0 ? 1 : Math.min(1, linked / pairs + (bonus ? o.implementsBonus : 0)),
    customerFit: members.filter((m) => m.servesCustomer).length / members.length,
    quality: members.reduce((sum, m) => sum + m.quality, 0) / members.length,
  };
  const fit = o.weights.cohesion * components.cohesion + o.weights.customerFit * components.customerFit + o.weights.quality * components.quality;
  return { members, mask, covered: bitCount(mask), fit, components };
}

/** Member pairs already related, and whether one of them is a service member implementing a technology member. */
function linkStats(graph: EcoGraph, members: Candidate[]): { linked: number; bonus: boolean } {
  let linked = 0;
  let bonus = false;
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const [a, b] = [members[i]!, members[j]!];
      if (!a.links.has(b.id)) continue;
      linked++;
      bonus ||= implementsPair(graph, a, b);
    }
  }
  return { linked, bonus };
}

const implementsPair = (graph: EcoGraph, a: Candidate, b: Candidate) => isServiceTechnologyPair(a.node, b.node) && graph.getEdgeAttribute(a.id, b.id, 'types').includes('IMPLEMENTS');

function isServiceTechnologyPair(a: PartnerNode, b: PartnerNode): boolean {
  return (a.types.includes('service') && b.types.includes('technology')) || (a.types.includes('technology') && b.types.includes('service'));
}

const byRank = (a: Draft, b: Draft) => b.covered - a.covered || b.fit - a.fit || a.members.length - b.members.length || compareIds(teamKey(a.members), teamKey(b.members));
const teamKey = (members: Candidate[]) => members.map((m) => m.id).join('\u0000');

/**
 * Branch and bound over every team of at most maxSize members that holds the
 * forced members and in which every other member brings a requirement no
 * other member brings. Each node of the search is a partial team T plus the
 * requirements decided to stay uncovered; it branches on one open
 * requirement: covered by the first, second, … candidate providing it (the
 * earlier ones then barred below), or left uncovered. Every team is reached
 * exactly once.
 *
 * A node is cut when even its bound cannot beat the limit-th team found.
 * Coverage: at most what T covers plus the open requirements some candidate
 * still provides. Fit: each new member needs an open requirement of its own,
 * so at most that many join; with j new members and s = |T| + j in the end,
 *   fit ≤ 0.5·(links in T + Σ new (links to T + ½·min(j − 1, its other links))) / pairs
 *         + 0.125 for a new member with an IMPLEMENTS link + Σ gains / s
 * (a link between two new members counts half at each end), the new members'
 * terms bounded by the best candidate of each open requirement (distinct
 * requirements for distinct members), the 0.125 of the IMPLEMENTS bonus
 * once; and fit ≤ 0.5 + Σ gains / s (the cap form: cohesion is at most 1).
 * Before a child is visited, its own bound is this node's with the new
 * member's share in place of one requirement's best, in both forms
 * (`childBound`): a candidate whose child cannot beat the limit-th team is
 * barred without a visit. Candidates are tried by gain, so the first whose
 * gain the cap form rules out ends the branching; the last member of a team,
 * when not related to T, adds its gain and nothing else, so its child's fit
 * is exact and falls with the gain.
 *
 * Partners already serving the customer gain most (0.3 more than anyone
 * else) and are few: with them among the candidates the bound would credit
 * every open requirement with their gain. So each subset of them (the ten
 * best at most; the others stay ordinary candidates) is pinned in a search
 * of its own over the rest, every subset probed for a few hundred nodes
 * first (good teams early deepen every later cut), then searched in full,
 * highest bound first. Every team is the forced members, one such subset and
 * optional members, so the searches together see every team.
 * When the budget runs out (and a team has been found), the unexplored
 * nodes' and subsets' bounds (coverage and fit for the same number of new
 * members) give `bound`.
 */
function search(graph: EcoGraph, pool: Candidate[], requirements: number, full: number, maxSize: number, limit: number, o: DealTeamOptions) {
  const w = o.weights;
  const forced = pool.filter((c) => c.forced);
  // Partners already serving the customer gain the most, and there are few: each subset of them is pinned in a search of its own over the others.
  const pinnable = pool.filter((c) => !c.forced && c.servesCustomer).sort((a, b) => b.gain - a.gain || compareIds(a.id, b.id)).slice(0, MAX_PINNED);
  const optional = pool.filter((c) => !c.forced && !pinnable.includes(c));
  const byId = new Map(optional.map((c) => [c.id, c]));
  const maxMarginal = Math.max(0, maxOf(optional.map((c) => bitCount(c.mask))));
  const pairs = (s: number) => (s * (s - 1)) / 2;
  // A new member's term in the bound, with `toTeam` links to T, among j new members and s in all; for s = 1, its gain beside a cohesion of 1.
  const addition = (c: Candidate, s: number, j: number, toTeam: number) =>
    s < 2 ? c.gain : (w.cohesion * (toTeam + Math.min(j - 1, c.links.size - toTeam) / 2)) / pairs(s) + c.gain / s;
  // The cohesion bonus counts once per team: added once to the bound of a team without it, when some candidate could bring it.
  const bonusAhead = optional.some((c) => c.implementer) ? w.cohesion * o.implementsBonus : 0;
  const shapes: Array<[number, number]> = [];
  for (let s = 1; s <= maxSize; s++) for (let j = 1; j <= s; j++) shapes.push([s, j]);
  // The most a candidate related to no member of T can add, whatever the team's size.
  optional.forEach((c, i) => {
    c.index = i;
    c.promise = maxOf(shapes.map(([s, j]) => addition(c, s, j, 0)));
  });
  for (const c of pool) c.near = Int32Array.from([...c.links].flatMap((id) => byId.get(id)?.index ?? []));
  const byPromise = (a: Candidate, b: Candidate) => b.promise - a.promise || compareIds(a.id, b.id);
  // Candidates per requirement, best gain first: a branch stops at the first candidate whose gain its bound rules out.
  const providers = Array.from({ length: requirements }, (_, bit) =>
    optional.filter((c) => c.mask & (1 << bit)).sort((a, b) => b.gain - a.gain || compareIds(a.id, b.id)),
  );
  // Per shape (s, j) and requirement, the best term of a candidate related to no member of T.
  const unrelatedBest = new Map(
    shapes.map(([s, j]) => {
      const most = new Float64Array(requirements).fill(-Infinity);
      providers.forEach((list, bit) => {
        for (const c of list) most[bit] = Math.max(most[bit]!, addition(c, s, j, 0));
      });
      return [s * 64 + j, most];
    }),
  );
  const bestGain = providers.map((list) => list[0]?.gain ?? -Infinity);
  // Search state, indexed like `optional`: barred below the current branch, in the current team.
  const barred = new Uint8Array(optional.length);
  const inTeam = new Uint8Array(optional.length);
  // How many unbarred candidates still provide each requirement.
  const remaining = providers.map((list) => list.length);
  const setBarred = (i: number, on: boolean) => {
    barred[i] = on ? 1 : 0;
    for (let bit = 0; bit < requirements; bit++) if (optional[i]!.mask & (1 << bit)) remaining[bit]! += on ? -1 : 1;
  };

  const best: Draft[] = [];
  const offer = (draft: Draft) => {
    if (best.length === limit && byRank(draft, best[limit - 1]!) >= 0) return;
    // The probing pass may have offered it already.
    if (best.some((d) => byRank(d, draft) === 0)) return;
    const worse = best.findIndex((d) => byRank(draft, d) < 0);
    best.splice(worse === -1 ? best.length : worse, 0, draft);
    if (best.length > limit) best.pop();
  };

  let visited = 0;
  const deadline = performance.now() + o.timeBudgetMs;
  let outOfTime = false;
  let stopped = false;
  let unexplored = -Infinity;
  // While probing, the search node count at which a search gives up (its branches are all searched again afterwards).
  let probeUntil = Infinity;

  interface Node {
    members: Candidate[];
    mask: number;
    decided: number;
    linked: number;
    bonus: boolean;
  }
  /** A candidate that may still join and is related to `count` members of T. */
  type Related = { index: number; count: number };

  const relatedCount = new Int32Array(optional.length);
  const relatedToTeam = (node: Node, open: number): Related[] => {
    const found: number[] = [];
    for (const m of node.members) {
      for (const i of m.near) {
        const mask = optional[i]!.mask;
        if (barred[i] || inTeam[i] || (mask & open) === 0 || (mask & node.decided) !== 0) continue;
        if (relatedCount[i] === 0) found.push(i);
        relatedCount[i]!++;
      }
    }
    return found.map((index) => {
      const count = relatedCount[index]!;
      relatedCount[index] = 0;
      return { index, count };
    });
  };

  // Scratch for the bound: the best term per requirement, and the providable requirements' terms to pick from.
  const terms = new Float64Array(requirements);
  const picked = new Float64Array(requirements);
  /** The sum of the k largest of `values` over `bits`. */
  const topSum = (values: ArrayLike<number>, bits: number[], k: number) => {
    for (let x = 0; x < bits.length; x++) picked[x] = values[bits[x]!]!;
    let sum = 0;
    for (let round = 0; round < k; round++) {
      let at = round;
      for (let x = round + 1; x < bits.length; x++) if (picked[x]! > picked[at]!) at = x;
      sum += picked[at]!;
      picked[at] = picked[round]!;
    }
    return sum;
  };
  const fillTerms = (s: number, j: number, related: Related[], bits: number) => {
    terms.set(unrelatedBest.get(s * 64 + j)!);
    for (const { index, count } of related) {
      const c = optional[index]!;
      const value = addition(c, s, j, count);
      for (let m = c.mask & bits; m !== 0; m &= m - 1) {
        const bit = 31 - Math.clz32(m & -m);
        if (value > terms[bit]!) terms[bit] = value;
      }
    }
  };

  /** Upper bounds on coverage and fit below a node, for teams reaching `mustCover`; `rest` what a child's bound adds its new member to (see `childBound`). */
  const bounds = (node: Node, open: number, related: Related[], mustCover: number) => {
    const t = node.members.length;
    const providable: number[] = [];
    let providableMask = 0;
    for (let bit = 0; bit < requirements; bit++) {
      if (open & (1 << bit) && remaining[bit]! > 0) {
        providable.push(bit);
        providableMask |= 1 << bit;
      }
    }
    const covered = bitCount(node.mask);
    const coverUB = covered + Math.min(providable.length, (maxSize - t) * maxMarginal);
    let gains = 0;
    for (const m of node.members) gains += m.gain;
    const minNew = Math.max(t === 0 ? 1 : 0, maxMarginal === 0 ? 0 : Math.ceil((mustCover - covered) / maxMarginal));
    let fitUB = -Infinity;
    // Per team size s, (s, j, the cap form and the term form of the fit bound without one new member's share): what a child's bound adds its member to.
    const rest: number[] = [];
    // Coverage plus fit, each for the same number of new members: what `bound` reports.
    let scoreUB = -Infinity;
    for (let j = 0; j <= Math.min(maxSize - t, providable.length); j++) {
      const s = t + j;
      if (s === 0) continue;
      // The fit bound of s members without the new members' terms.
      const base = s < 2 ? w.cohesion + gains : (w.cohesion * node.linked) / pairs(s) + (node.bonus ? w.cohesion * o.implementsBonus : j > 0 ? bonusAhead : 0) + gains / s;
      if (j > 0) fillTerms(s, j, related, providableMask);
      const fit = Math.min(w.cohesion + (gains + topSum(bestGain, providable, j)) / s, base + topSum(terms, providable, j));
      if (j >= minNew) fitUB = Math.max(fitUB, fit);
      if (j >= (t === 0 ? 1 : 0)) scoreUB = Math.max(scoreUB, covered + Math.min(providable.length, j * maxMarginal) + fit);
      if (j >= 1) {
        rest.push(s, j, w.cohesion + (gains + topSum(bestGain, providable, j - 1)) / s, base + topSum(terms, providable, j - 1));
      }
    }
    return { coverUB, fitUB, scoreUB, rest };
  };

  /**
   * A bound on the fit of any team below the child that adds c (related to
   * `toTeam` members of T) to a node: the node's bound with c's own share in
   * place of the best share of one requirement, in both forms (cohesion at
   * most 1 beside the gains, and the terms), for each team size.
   */
  const childBound = (c: Candidate, toTeam: number, rest: number[]) => {
    let most = -Infinity;
    for (let x = 0; x < rest.length; x += 4) {
      const [s, j] = [rest[x]!, rest[x + 1]!];
      most = Math.max(most, Math.min(rest[x + 2]! + c.gain / s, rest[x + 3]! + addition(c, s, j, toTeam)));
    }
    return most;
  };

  /** The most a new member can gain and still have a child's bound in the cap form (cohesion at most 1 beside the gains) at most `fit`. */
  const gainFloor = (fit: number, rest: number[]) => {
    let floor = Infinity;
    for (let x = 0; x < rest.length; x += 4) floor = Math.min(floor, (fit - rest[x + 2]!) * rest[x]!);
    return floor;
  };

  /** Whether every optional member of the team keeps a requirement no other member provides. */
  const irredundant = (team: Candidate[]) => {
    for (const m of team) {
      if (m.forced) continue;
      let others = 0;
      for (const x of team) if (x !== m) others |= x.mask;
      if ((m.mask & ~others) === 0) return false;
    }
    return true;
  };

  const join = (node: Node, c: Candidate) => {
    const team = [...node.members, c];
    if (!irredundant(team)) return;
    let links = node.linked;
    let withBonus = node.bonus;
    for (const m of node.members) {
      if (!c.links.has(m.id)) continue;
      links++;
      withBonus ||= implementsPair(graph, c, m);
    }
    inTeam[c.index] = 1;
    visit({ members: team, mask: node.mask | c.mask, decided: node.decided, linked: links, bonus: withBonus });
    inTeam[c.index] = 0;
  };

  const visit = (node: Node): void => {
    const { members, mask, decided } = node;
    // Every node evaluated counts, cut or not: the clock is read every 256.
    if (!stopped && ++visited % 256 === 0 && performance.now() > deadline) outOfTime = true;
    if (visited > probeUntil) return;
    const open = full & ~mask & ~decided;
    const worst = best.length === limit ? best[limit - 1]! : undefined;
    const related = relatedToTeam(node, open);
    const { coverUB, fitUB, rest } = bounds(node, open, related, worst?.covered ?? 0);
    if (fitUB === -Infinity) return;
    if (worst !== undefined && (coverUB < worst.covered || (coverUB === worst.covered && fitUB <= worst.fit + 1e-12))) return;
    // Over budget, stop as soon as there is a team to answer with.
    if ((stopped || outOfTime || visited > o.searchBudget) && best.length > 0) {
      stopped = true;
      const whole = bounds(node, open, related, 0);
      unexplored = Math.max(unexplored, whole.scoreUB / (requirements + 1));
      return;
    }
    if (members.length === maxSize || open === 0) {
      if (members.length > 0) offer(evaluate(graph, [...members].sort((a, b) => compareIds(a.id, b.id)), requirements, o));
      return;
    }
    // Branch on the open requirement with the fewest candidates left.
    let bit = -1;
    for (let b = 0; b < requirements; b++) if (open & (1 << b) && (bit === -1 || remaining[b]! < remaining[bit]!)) bit = b;
    const newlyBarred: number[] = [];
    const tryJoin = (c: Candidate) => {
      join(node, c);
      bar(c);
    };
    // Candidates related to the team first (their bound is their own), then the others while their bound allows.
    const first = related.filter((r) => optional[r.index]!.mask & (1 << bit));
    first.sort((a, b) => byPromise(optional[a.index]!, optional[b.index]!));
    // A candidate whose child's bound cannot beat the limit-th team is barred without a visit.
    const hopeless = (c: Candidate, toTeam: number) => {
      const kept = best.length === limit ? best[limit - 1]! : undefined;
      return kept !== undefined && coverUB === kept.covered && childBound(c, toTeam, rest) <= kept.fit + 1e-12;
    };
    const bar = (c: Candidate) => {
      setBarred(c.index, true);
      newlyBarred.push(c.index);
    };
    for (const { index, count } of first) {
      if (stopped || visited > probeUntil) break;
      const c = optional[index]!;
      if (barred[index] || (c.mask & decided) !== 0) continue;
      if (hopeless(c, count)) bar(c);
      else tryJoin(c);
    }
    const isRelated = new Set(first.map((r) => r.index));
    // The last member, if not related to the team, adds its gain and nothing else: its child's fit is known exactly, and falls with the gain.
    const last = members.length + 1 === maxSize;
    let gains = 0;
    for (const m of members) gains += m.gain;
    const s = members.length + 1;
    const lastBase = s === 1 ? w.cohesion : w.cohesion * Math.min(1, node.linked / pairs(s) + (node.bonus ? o.implementsBonus : 0));
    for (const c of providers[bit]!) {
      // Once the search has stopped, this node's own bound covers the branches it has not explored.
      if (stopped || visited > probeUntil) break;
      // Candidates providing a requirement decided to stay uncovered are out of this branch.
      if (barred[c.index] || (c.mask & decided) !== 0 || isRelated.has(c.index)) continue;
      const kept = best.length === limit ? best[limit - 1]! : undefined;
      if (kept !== undefined && coverUB === kept.covered) {
        // By gain: once the cap form rules one out, it rules out every later one.
        if (last ? lastBase + (gains + c.gain) / s <= kept.fit + 1e-12 : c.gain <= gainFloor(kept.fit + 1e-12, rest)) break;
        if (!last && hopeless(c, 0)) {
          bar(c);
          continue;
        }
      }
      tryJoin(c);
    }
    if (stopped) {
      const rest = bounds(node, open, relatedToTeam(node, open), 0);
      unexplored = Math.max(unexplored, rest.scoreUB / (requirements + 1));
    } else {
      // Left uncovered: every candidate providing it is out, barred or not.
      visit({ ...node, decided: decided | (1 << bit) });
    }
    for (const i of newlyBarred) setBarred(i, false);
  };

  // Every team is the forced members, a subset of the pinnable ones and optional members: one search per subset, the most promising first.
  const roots: Array<{ node: Node; scoreUB: number }> = [];
  const subsets = (from: number, chosen: Candidate[]) => {
    const members = [...forced, ...chosen];
    if (!irredundant(members)) return;
    const { linked, bonus } = linkStats(graph, members);
    const node: Node = { members, mask: members.reduce((m, c) => m | c.mask, 0), decided: 0, linked, bonus };
    const open = full & ~node.mask;
    roots.push({ node, ...bounds(node, open, relatedToTeam(node, open), 0) });
    if (members.length < maxSize) for (let i = from; i < pinnable.length; i++) subsets(i + 1, [...chosen, pinnable[i]!]);
  };
  subsets(0, []);
  roots.sort((a, b) => b.scoreUB - a.scoreUB);
  // A short probe of each search first: good teams from every subset early make the cuts of the full searches deeper.
  for (const root of roots) {
    probeUntil = visited + Math.min(PROBE_NODES.each, Math.ceil(PROBE_NODES.total / roots.length));
    visit(root.node);
  }
  probeUntil = Infinity;
  for (const root of roots) {
    if (stopped) {
      unexplored = Math.max(unexplored, root.scoreUB / (requirements + 1));
      continue;
    }
    visit(root.node);
  }
  return { drafts: best, proven: !stopped, bound: unexplored, visited };
}

function describe(draft: Draft, requirements: Requirement[], customerId: string | undefined, names: Names): Team {
  const { graph } = names;
  // Each required role goes to a member not yet filling one, if there is such a member.
  const rolesOf = new Map<string, PartnerType[]>();
  for (const r of requirements) {
    if (r.kind !== 'role') continue;
    const able = draft.members.filter((m) => m.node.types.includes(r.id));
    const filler = able.find((m) => !rolesOf.has(m.id)) ?? able[0];
    if (filler !== undefined) rolesOf.set(filler.id, [...(rolesOf.get(filler.id) ?? []), r.id]);
  }
  const links: Team['links'] = [];
  for (let i = 0; i < draft.members.length; i++) {
    for (let j = i + 1; j < draft.members.length; j++) {
      const [a, b] = [draft.members[i]!.id, draft.members[j]!.id];
      const key = graph.edge(a, b);
      if (key !== undefined) links.push({ source: a, target: b, types: [...graph.getEdgeAttribute(key, 'types')] });
    }
  }
  const capabilityName = (id: string) => names.capabilities?.get(id)?.name ?? id;
  const customerName = customerId === undefined ? '' : graph.getNodeAttribute(customerId, 'label');

  const members = draft.members.map((m) => {
    const covers = requirements.filter((r) => r.kind === 'capability' && r.id in m.node.capabilities).map((r) => r.id);
    const filled = rolesOf.get(m.id);
    const role = filled?.join('+') ?? m.node.types[0] ?? 'partner';
    const partnersOf = links
      .filter((l) => l.source === m.id || l.target === m.id)
      .map((l) => `${partnerName(names, l.source === m.id ? l.target : l.source)} (${l.types.map((t) => t.toLowerCase().replaceAll('_', ' ')).join(', ')})`);
    const reason = [
      m.forced ? 'included on request' : undefined,
      covers.length > 0 ? `covers ${listing(covers.map((c) => `${capabilityName(c)} (${m.node.capabilities[c]!.certified ? 'certified' : m.node.capabilities[c]!.level})`))}` : undefined,
      filled !== undefined ? `fills the ${listing(filled)} role` : undefined,
      `${m.node.tier} tier`,
      m.servesCustomer ? `already serves ${customerName}` : undefined,
      partnersOf.length > 0 ? `works with ${listing(partnersOf)}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join('; ');
    return { partnerId: m.id, name: m.node.label, role, covers, reason };
  });

  const c = draft.components;
  const pairs = (draft.members.length * (draft.members.length - 1)) / 2;
  const who = members.map((m) => `${m.name} (${[...m.covers.map(capabilityName), ...(rolesOf.get(m.partnerId) ?? []).map((role) => `${role} role`)].join(', ') || 'no requirement'})`);
  const serving = draft.members.filter((m) => m.servesCustomer).length;
  const explanation =
    `Covers ${draft.covered} of ${count(requirements.length, 'requirement')}: ${listing(who)}. ` +
    (pairs === 0 ? 'One partner, no hand-off' : `${links.length} of ${pairs} member pairs already work together`) +
    (customerId === undefined ? '' : `; ${serving} of ${draft.members.length} already serve ${customerName}`) +
    `; ranked by coverage ${round3(c.coverage)}, then cohesion ${round3(c.cohesion)}, customer fit ${round3(c.customerFit)}, quality ${round3(c.quality)}.`;
  return {
    members,
    score: round3((draft.covered + draft.fit) / (requirements.length + 1)),
    explanation,
    components: { coverage: round3(c.coverage), cohesion: round3(c.cohesion), customerFit: round3(c.customerFit), quality: round3(c.quality) },
    links,
  };
}
