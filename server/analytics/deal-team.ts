/**
 * Deal teams: the smallest groups of partners in a deal's region that
 * together cover every required capability and role, best first.
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
 * Search: weighted set cover by beam search. Candidates sharing a coverage
 * pattern are cut to the few with the best individual fit; each step extends
 * the best partial teams only with members adding coverage, and drops teams
 * that cannot reach full coverage within maxSize once some team does.
 */
import type { DealTeamRequest, DealTeamResponse, Team } from '../schemas/analytics.js';
import type { PartnerType } from '../schemas/model.js';
import type { CustomerNode, EcoGraph, PartnerNode } from '../projection/types.js';
import { DEFAULTS as GAPS_DEFAULTS, supplyWeight } from './gaps.js';
import { AnalyticsInputError } from './errors.js';

export const DEFAULTS = {
  /** Weights of the team's fit, which ranks teams of equal coverage. */
  weights: { cohesion: 0.5, customerFit: 0.3, quality: 0.2 },
  /** Added to cohesion when a service member already implements a technology member's product. */
  implementsBonus: 0.25,
  tierScores: { registered: 0.25, silver: 0.5, gold: 0.75, platinum: 1 } as Record<string, number>,
  /** Program-defined tiers score as silver. */
  unknownTierScore: 0.5,
  levelWeights: GAPS_DEFAULTS.levelWeights,
  /** Candidates kept per distinct coverage pattern, best individual fit first. */
  perPattern: 12,
  beamWidth: 64,
  /** Extensions tried per team: most coverage added first, then individual fit and links to the team. */
  branching: 24,
  /** Partners suggested per unmet requirement. */
  closest: 5,
};
export type DealTeamOptions = typeof DEFAULTS;

/** Coverage is a bitmask over the requirements. */
const MAX_REQUIREMENTS = 30;

type Requirement = { kind: 'capability'; id: string } | { kind: 'role'; id: PartnerType };

interface Candidate {
  id: string;
  node: PartnerNode;
  mask: number;
  forced: boolean;
  servesCustomer: boolean;
  quality: number;
  /** Fit on its own, a proxy for what it brings to a team: 0..1, weighted like the team's fit. */
  fit: number;
  /** Other pool members it already has a relationship with. */
  links: Set<string>;
}

interface Draft {
  members: Candidate[];
  mask: number;
  covered: number;
  fit: number;
  components: Team['components'];
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const bitCount = (mask: number) => {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
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
 * are the capabilities required when none are given. Candidates operate in the
 * region (and serve the segment, if any) and provide at least one requirement;
 * `include` members join every team wherever they operate. When no team
 * covers everything, `teams` holds the best partial ones and `unmet` what
 * they miss.
 */
export function assembleDealTeams(graph: EcoGraph, request: DealTeamRequest, options: Partial<DealTeamOptions> = {}): DealTeamResponse {
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

  // One pass over partners: the deal's candidates, and everyone else who holds a requirement, for `unmet`.
  const excluded = new Set(request.exclude);
  const included = new Set(request.include);
  const candidates: Candidate[] = [];
  const outside: Outsider[] = [];
  graph.forEachNode((id, node) => {
    if (node.kind !== 'partner' || excluded.has(id)) return;
    const mask = coverage(node);
    const inRegion = node.regions.includes(region);
    const eligible = inRegion && (segment === undefined || node.segments.includes(segment)) && mask !== 0;
    if (eligible || included.has(id)) {
      const servesCustomer = customerId !== undefined && graph.areNeighbors(id, customerId);
      candidates.push({ id, node, mask, forced: included.has(id), servesCustomer, quality: quality(node), fit: 0, links: new Set() });
    } else if (mask !== 0) outside.push({ id, node, mask, inRegion });
  });

  const pool = prunePool(graph, candidates, o);
  const drafts = search(graph, pool, requirements, full, request.maxSize, o);
  const complete = drafts.filter((d) => d.mask === full);
  const chosen = (complete.length > 0 ? complete : drafts).slice(0, request.limit);
  const teams = chosen.map((d) => describe(graph, d, requirements, customerId));
  if (complete.length > 0) return { teams };

  return { teams, unmet: unmetRequirements(requirements, chosen[0], candidates, outside, { region, segment, maxSize: request.maxSize }, o) };
}

type Outsider = { id: string; node: PartnerNode; mask: number; inRegion: boolean };

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
  deal: { region: string; segment: string | undefined; maxSize: number },
  o: DealTeamOptions,
): NonNullable<DealTeamResponse['unmet']> {
  const { region, segment, maxSize } = deal;
  return requirements.flatMap((r, index) => {
    const bit = 1 << index;
    if (best !== undefined && (best.mask & bit) !== 0) return [];
    const local = candidates.filter((c) => c.mask & bit).sort((a, b) => b.quality - a.quality || compareIds(a.id, b.id));
    if (local.length > 0) {
      return [{ requirement: r.id, kind: r.kind, closest: local.slice(0, o.closest).map((c) => c.id), reason: `${local.length} partner(s) in ${region} provide it, but no team of at most ${maxSize} covers it together with the rest` }];
    }
    const rank = (p: Outsider) => (p.inRegion ? 2 : 0) + (r.kind === 'capability' ? supplyWeight(p.node.capabilities[r.id]!, o.levelWeights) : (o.tierScores[p.node.tier] ?? o.unknownTierScore));
    const near = outside.filter((p) => p.mask & bit).sort((a, b) => rank(b) - rank(a) || compareIds(a.id, b.id));
    const where = segment === undefined ? region : `${region} for ${segment}`;
    const reason =
      near[0] === undefined
        ? `no partner provides ${r.kind} ${r.id} anywhere`
        : `no partner in ${where} provides ${r.kind} ${r.id}; the closest provide it ${near[0].inRegion ? `in ${region} for other segments` : 'in other regions'}`;
    return [{ requirement: r.id, kind: r.kind, closest: near.slice(0, o.closest).map((p) => p.id), reason }];
  });
}

/**
 * Keeps forced members and, per coverage pattern, the candidates with the best
 * individual fit: quality, serving the customer, and links to other candidates
 * (a proxy for the cohesion they can bring to a team).
 */
function prunePool(graph: EcoGraph, candidates: Candidate[], o: DealTeamOptions): Candidate[] {
  const neighboursIn = (c: Candidate, ids: Set<string>) => graph.filterNeighbors(c.id, (other) => ids.has(other));
  const all = new Set(candidates.map((c) => c.id));
  for (const c of candidates) {
    c.fit = o.weights.cohesion * Math.min(1, neighboursIn(c, all).length / 3) + o.weights.customerFit * Number(c.servesCustomer) + o.weights.quality * c.quality;
  }
  const byPattern = new Map<number, Candidate[]>();
  for (const c of candidates) {
    if (c.forced) continue;
    const group = byPattern.get(c.mask) ?? [];
    byPattern.set(c.mask, group);
    group.push(c);
  }
  const pool = candidates.filter((c) => c.forced);
  for (const group of byPattern.values()) pool.push(...group.sort((a, b) => b.fit - a.fit || compareIds(a.id, b.id)).slice(0, o.perPattern));
  const kept = new Set(pool.map((c) => c.id));
  for (const c of pool) c.links = new Set(neighboursIn(c, kept));
  return pool;
}

function evaluate(graph: EcoGraph, members: Candidate[], requirements: Requirement[], o: DealTeamOptions): Draft {
  const mask = members.reduce((m, c) => m | c.mask, 0);
  let linked = 0;
  let implementsBonus = 0;
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const [a, b] = [members[i]!, members[j]!];
      if (!a.links.has(b.id)) continue;
      linked++;
      if (isServiceTechnologyPair(a.node, b.node) && graph.getEdgeAttribute(a.id, b.id, 'types').includes('IMPLEMENTS')) implementsBonus = o.implementsBonus;
    }
  }
  const pairs = (members.length * (members.length - 1)) / 2;
  const components = {
    coverage: bitCount(mask) / requirements.length,
    cohesion: pairs === 0 ? 1 : Math.min(1, linked / pairs + implementsBonus),
    customerFit: members.filter((m) => m.servesCustomer).length / members.length,
    quality: members.reduce((sum, m) => sum + m.quality, 0) / members.length,
  };
  const fit = o.weights.cohesion * components.cohesion + o.weights.customerFit * components.customerFit + o.weights.quality * components.quality;
  return { members, mask, covered: bitCount(mask), fit, components };
}

function isServiceTechnologyPair(a: PartnerNode, b: PartnerNode): boolean {
  return (a.types.includes('service') && b.types.includes('technology')) || (a.types.includes('technology') && b.types.includes('service'));
}

const byRank = (a: Draft, b: Draft) => b.covered - a.covered || b.fit - a.fit || a.members.length - b.members.length || compareIds(teamKey(a.members), teamKey(b.members));
const teamKey = (members: Candidate[]) => members.map((m) => m.id).join('\u0000');

/** Beam search over teams; returns every team it evaluated, best first. */
function search(graph: EcoGraph, pool: Candidate[], requirements: Requirement[], full: number, maxSize: number, o: DealTeamOptions): Draft[] {
  const forced = pool.filter((c) => c.forced);
  const optional = pool.filter((c) => !c.forced);
  const start = forced.length > 0 ? [evaluate(graph, forced, requirements, o)] : [];
  const seen = new Map(start.map((d) => [teamKey(d.members), d]));
  let anyComplete = start.some((d) => d.mask === full);
  const bestMarginal = Math.max(0, ...optional.map((c) => bitCount(c.mask)));
  let frontier: Array<Draft | undefined> = start.length > 0 ? start : [undefined];

  for (let size = forced.length; size < maxSize && frontier.length > 0; size++) {
    const next: Draft[] = [];
    for (const draft of frontier) {
      const mask = draft?.mask ?? 0;
      if (mask === full) continue;
      // Upper bound: even the best additions cannot complete this team within maxSize.
      if (anyComplete && bitCount(mask) + (maxSize - size) * bestMarginal < requirements.length) continue;
      const team = draft?.members ?? [];
      const extensions = optional
        .filter((c) => (c.mask & ~mask) !== 0 && !team.includes(c))
        .map((c) => ({ c, promise: bitCount(c.mask & ~mask) + c.fit + 0.5 * team.filter((m) => c.links.has(m.id)).length }))
        .sort((x, y) => y.promise - x.promise || compareIds(x.c.id, y.c.id))
        .slice(0, o.branching);
      for (const { c } of extensions) {
        const members = [...team, c].sort((a, b) => compareIds(a.id, b.id));
        const key = teamKey(members);
        if (seen.has(key)) continue;
        const child = evaluate(graph, members, requirements, o);
        seen.set(key, child);
        next.push(child);
        if (child.mask === full) anyComplete = true;
      }
    }
    // Complete teams stay in `seen`; the beam's places go to teams still growing.
    frontier = next.filter((d) => d.mask !== full).sort(byRank).slice(0, o.beamWidth);
  }
  return [...seen.values()].sort(byRank);
}

function describe(graph: EcoGraph, draft: Draft, requirements: Requirement[], customerId: string | undefined): Team {
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

  const members = draft.members.map((m) => {
    const covers = requirements.filter((r) => r.kind === 'capability' && r.id in m.node.capabilities).map((r) => r.id);
    const filled = rolesOf.get(m.id);
    const role = filled?.join('+') ?? m.node.types[0] ?? 'partner';
    const partnersOf = links.filter((l) => l.source === m.id || l.target === m.id).map((l) => `${l.source === m.id ? l.target : l.source} (${l.types.join(', ')})`);
    const reason = [
      m.forced ? 'included on request' : undefined,
      covers.length > 0 ? `covers ${covers.map((c) => `${c} (${m.node.capabilities[c]!.certified ? 'certified' : m.node.capabilities[c]!.level})`).join(', ')}` : undefined,
      filled !== undefined ? `fills the ${filled.join(' and ')} role` : undefined,
      `${m.node.tier} tier`,
      m.servesCustomer ? `already serves ${customerId}` : undefined,
      partnersOf.length > 0 ? `works with ${partnersOf.join(', ')}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join('; ');
    return { partnerId: m.id, role, covers, reason };
  });

  const c = draft.components;
  const pairs = (draft.members.length * (draft.members.length - 1)) / 2;
  const who = members.map((m) => `${m.partnerId} (${[...m.covers, ...(rolesOf.get(m.partnerId) ?? []).map((role) => `role ${role}`)].join(', ') || 'no requirement'})`).join(', ');
  const explanation =
    `Covers ${draft.covered} of ${requirements.length} requirements: ${who}. ` +
    (pairs === 0 ? 'One partner, no hand-off' : `${links.length} of ${pairs} member pairs already work together`) +
    (customerId === undefined ? '' : `; ${draft.members.filter((m) => m.servesCustomer).length} of ${draft.members.length} already serve ${customerId}`) +
    `; ranked by coverage ${round3(c.coverage)}, then cohesion ${round3(c.cohesion)}, customer fit ${round3(c.customerFit)}, quality ${round3(c.quality)}.`;
  return {
    members,
    score: round3((draft.covered + draft.fit) / (requirements.length + 1)),
    explanation,
    components: { coverage: round3(c.coverage), cohesion: round3(c.cohesion), customerFit: round3(c.customerFit), quality: round3(c.quality) },
    links,
  };
}
