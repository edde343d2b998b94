/**
 * Multi-partner attribution: how a deal's value is split between its partners
 * under five models, and the per-partner roll-up over the won deals of a
 * period. Pure functions of the store's deal records (GraphStore.dealRecords).
 *
 * Shapley attribution is data-driven (Shao & Li 2011; Dalessandro et al.
 * 2012): the value of a coalition of partners is the win rate of the closed
 * deals whose partners played exactly the coalition's set of roles.
 */
import {
  DEFAULT_ROLE_WEIGHTS,
  type AttributionModel,
  type AttributionSummary,
  type DealAttribution,
  type DealRecord,
  type ParticipationRecord,
  type PeriodQuery,
} from '../schemas/attribution.js';
import { LOST_STAGES, WON_STAGES } from '../schemas/model.js';
import { seededRandom } from '../analytics/communities.js';

/** Up to this many partners Shapley values are exact (2^12 coalitions); above, sampled. */
export const EXACT_SHAPLEY_MAX_PARTNERS = 12;
export const MONTE_CARLO_PERMUTATIONS = 2000;
export const MONTE_CARLO_SEED = 42;

/** The role that marks the partner who brought the deal (deal registration). */
export const SOURCING_ROLE = 'sourcing';

const wonStages: ReadonlySet<string> = new Set(WON_STAGES);
const lostStages: ReadonlySet<string> = new Set(LOST_STAGES);
export const isWon = (deal: DealRecord) => wonStages.has(deal.stage);
export const isClosed = (deal: DealRecord) => wonStages.has(deal.stage) || lostStages.has(deal.stage);

/**
 * Whether a deal closed in [from, to). Without a bound every deal is in; with
 * one, only deals with a close date inside it.
 */
export function inPeriod(deal: DealRecord, period: PeriodQuery): boolean {
  if (period.from === undefined && period.to === undefined) return true;
  if (deal.closedAt === undefined) return false;
  const at = Date.parse(deal.closedAt);
  return (period.from === undefined || at >= Date.parse(period.from)) && (period.to === undefined || at < Date.parse(period.to));
}

/** Deal partners in a stable order (partner, then role), so answers do not depend on the engine's. */
export function orderedPartners(deal: DealRecord): ParticipationRecord[] {
  const key = (p: ParticipationRecord) => `${p.partner}\u0000${p.role}`;
  return [...deal.partners].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The partners who sourced a deal: those in the sourcing role; when none is,
 * those who registered first (every one tied at the earliest time); when no
 * partner's registration time is known, nobody.
 */
export function sourcingPartners(deal: DealRecord): string[] {
  const sourcing = deal.partners.filter((p) => p.role === SOURCING_ROLE);
  if (sourcing.length > 0) return [...new Set(sourcing.map((p) => p.partner))].sort();
  return [...new Set(touchWinners(deal.partners, 'first').map((p) => p.partner))].sort();
}

/** The participations registered earliest (or latest), ties kept; those without a time never win; none when no time is known. */
function touchWinners(partners: ParticipationRecord[], which: 'first' | 'last'): ParticipationRecord[] {
  const dated = partners.filter((p) => p.registeredAt !== undefined).map((p) => ({ p, at: Date.parse(p.registeredAt!) }));
  if (dated.length === 0) return [];
  const best = which === 'first' ? Math.min(...dated.map((d) => d.at)) : Math.max(...dated.map((d) => d.at));
  return dated.filter((d) => d.at === best).map((d) => d.p);
}

// ---------- coalition values ----------

/** Closed-deal counts per set of roles, computed once per store version. */
export interface CoalitionStats {
  closed: Map<string, number>;
  won: Map<string, number>;
  /** Win rate of all closed deals with at least one partner: the prior of a role never seen alone. */
  partnerWinRate: number;
  /** v(R) per role set, filled as asked. */
  values: Map<string, number>;
}

const roleSetKey = (roles: Iterable<string>) => JSON.stringify([...new Set(roles)].sort());

export function coalitionStats(deals: DealRecord[]): CoalitionStats {
  const closed = new Map<string, number>();
  const won = new Map<string, number>();
  let partnerClosed = 0;
  let partnerWon = 0;
  for (const deal of deals) {
    if (!isClosed(deal)) continue;
    const key = roleSetKey(deal.partners.map((p) => p.role));
    closed.set(key, (closed.get(key) ?? 0) + 1);
    if (isWon(deal)) won.set(key, (won.get(key) ?? 0) + 1);
    if (deal.partners.length > 0) {
      partnerClosed++;
      if (isWon(deal)) partnerWon++;
    }
  }
  return { closed, won, partnerWinRate: partnerClosed === 0 ? 0 : partnerWon / partnerClosed, values: new Map() };
}

/**
 * v(R), the estimated win probability of a deal whose partners play exactly
 * the roles R: the win rate of the closed deals with that role set when there
 * is one; for a set never seen, the mean of v over its subsets one role
 * smaller (backing off towards what was seen), a single unseen role taking
 * the win rate of all partner deals, and no roles at all 0 unless deals
 * without partners closed (nothing to credit partners against otherwise).
 */
export function coalitionValue(stats: CoalitionStats, roles: Iterable<string>): number {
  const set = [...new Set(roles)].sort();
  const key = JSON.stringify(set);
  const known = stats.values.get(key);
  if (known !== undefined) return known;
  const closed = stats.closed.get(key) ?? 0;
  let value: number;
  if (closed > 0) value = (stats.won.get(key) ?? 0) / closed;
  else if (set.length === 0) value = 0;
  else if (set.length === 1) value = stats.partnerWinRate;
  else value = set.reduce((sum, role) => sum + coalitionValue(stats, set.filter((r) => r !== role)), 0) / set.length;
  stats.values.set(key, value);
  return value;
}

// ---------- Shapley values ----------

/** Exact Shapley values of n players by subset enumeration: φ_i = Σ_S |S|!(n−|S|−1)!/n! · (v(S∪i) − v(S)). */
export function shapleyExact(n: number, value: (members: number[]) => number): number[] {
  const size = 1 << n;
  const v = new Float64Array(size);
  for (let mask = 0; mask < size; mask++) v[mask] = value(membersOf(mask, n));
  const factorial = [1];
  for (let k = 1; k <= n; k++) factorial.push(factorial[k - 1]! * k);
  const phi = new Array<number>(n).fill(0);
  for (let mask = 0; mask < size; mask++) {
    const s = popcount(mask);
    if (s === n) continue;
    const weight = (factorial[s]! * factorial[n - s - 1]!) / factorial[n]!;
    for (let i = 0; i < n; i++) if ((mask & (1 << i)) === 0) phi[i]! += weight * (v[mask | (1 << i)]! - v[mask]!);
  }
  return phi;
}

/**
 * Shapley values estimated from `permutations` random orders (seeded, so an
 * answer is reproducible), with the standard error of each. Every order's
 * marginal contributions sum to v(N) − v(∅), so the estimates do too.
 */
export function shapleyMonteCarlo(n: number, value: (members: number[]) => number, permutations = MONTE_CARLO_PERMUTATIONS, seed = MONTE_CARLO_SEED) {
  const random = seededRandom(seed);
  const sum = new Array<number>(n).fill(0);
  const sumSq = new Array<number>(n).fill(0);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let m = 0; m < permutations; m++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const prefix: number[] = [];
    let before = value(prefix);
    for (let k = 0; k < n; k++) {
      prefix.push(order[k]!);
      const after = value(prefix);
      const gain = after - before;
      sum[order[k]!]! += gain;
      sumSq[order[k]!]! += gain * gain;
      before = after;
    }
  }
  const phi = sum.map((s) => s / permutations);
  const standardError = sumSq.map((sq, i) => Math.sqrt(Math.max(0, sq / permutations - phi[i]! ** 2) / (permutations - 1)));
  return { phi, standardError };
}

function membersOf(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (mask & (1 << i)) out.push(i);
  return out;
}

function popcount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}


// ---------- one deal ----------

export interface AttributionOptions {
  stats: CoalitionStats;
  /** Role weights over DEFAULT_ROLE_WEIGHTS (role-weighted model). */
  weights?: Record<string, number>;
}

/** Splits a deal's value between its partners under one model; shares sum to 1 (or the deal has no partner). */
export function attributeDeal(deal: DealRecord, model: AttributionModel, options: AttributionOptions): DealAttribution {
  const partners = orderedPartners(deal);
  const amount = deal.amount ?? 0;
  const split = partners.length === 0 ? { shares: [] } : splitBy(model, partners, options);
  return {
    model,
    dealId: deal.id,
    amount,
    shares: partners.map((p, i) => ({
      partnerId: p.partner,
      role: p.role,
      share: split.shares[i]!,
      amount: split.shares[i]! * amount,
      ...(split.standardErrors === undefined ? {} : { standardError: split.standardErrors[i]! }),
    })),
    ...(split.method === undefined ? {} : { method: split.method }),
    ...(split.note === undefined ? {} : { note: split.note }),
  };
}

interface Split {
  shares: number[];
  standardErrors?: number[];
  method?: 'exact' | 'monte-carlo';
  note?: string;
}

const equal = (n: number) => new Array<number>(n).fill(1 / n);

function splitBy(model: AttributionModel, partners: ParticipationRecord[], options: AttributionOptions): Split {
  switch (model) {
    case 'equal':
      return { shares: equal(partners.length) };
    case 'role-weighted': {
      const weights = { ...DEFAULT_ROLE_WEIGHTS, ...options.weights };
      const w = partners.map((p) => weights[p.role] ?? 1);
      const total = w.reduce((a, b) => a + b, 0);
      if (total === 0) return { shares: equal(partners.length), note: 'every role weighs 0: split equally' };
      return { shares: w.map((x) => x / total) };
    }
    case 'first-touch':
    case 'last-touch': {
      const winners = new Set(touchWinners(partners, model === 'first-touch' ? 'first' : 'last'));
      if (winners.size === 0) return { shares: equal(partners.length), note: 'no partner registration time known: split equally' };
      return { shares: partners.map((p) => (winners.has(p) ? 1 / winners.size : 0)) };
    }
    case 'shapley':
      return shapleySplit(partners, options.stats);
  }
}

function shapleySplit(partners: ParticipationRecord[], stats: CoalitionStats): Split {
  const n = partners.length;
  const value = playerValue(partners, stats);
  const lift = value(partners.map((_, i) => i)) - value([]);
  // Shares are contributions to the lift; without one there is nothing to divide by.
  if (lift <= 1e-12) {
    return { shares: equal(n), method: 'exact', note: 'closed deals show no win-rate lift for this set of roles: split equally' };
  }
  if (n <= EXACT_SHAPLEY_MAX_PARTNERS) return { shares: shapleyExact(n, value).map((phi) => phi / lift), method: 'exact' };
  const { phi, standardError } = shapleyMonteCarlo(n, value);
  return {
    shares: phi.map((x) => x / lift),
    standardErrors: standardError.map((x) => x / lift),
    method: 'monte-carlo',
    note: `${MONTE_CARLO_PERMUTATIONS} sampled partner orders (seed ${MONTE_CARLO_SEED}); standardError per share`,
  };
}

/**
 * v over a deal's players, kept per set of roles they play (one bit a distinct
 * role while they fit in 30): coalitions share role sets, and building a
 * role set's key for each of a sampled Shapley's coalitions cost 150 ms at 20 partners.
 */
function playerValue(partners: ParticipationRecord[], stats: CoalitionStats): (members: number[]) => number {
  const direct = (members: number[]) => coalitionValue(stats, members.map((i) => partners[i]!.role));
  const roles = [...new Set(partners.map((p) => p.role))];
  if (roles.length > 30) return direct;
  const bit = partners.map((p) => 1 << roles.indexOf(p.role));
  const memo = new Map<number, number>();
  return (members) => {
    let mask = 0;
    for (const i of members) mask |= bit[i]!;
    let v = memo.get(mask);
    if (v === undefined) memo.set(mask, (v = direct(members)));
    return v;
  };
}

// ---------- roll-up ----------

export const SUMMARY_DEFINITIONS = {
  sourcedRevenue:
    'Won amount of the deals the partner sourced: it played the "sourcing" role or, when no partner did, registered first (ties share); split equally between a deal\'s sourcing partners.',
  influencedRevenue: 'Won amount of every deal the partner took part in, each deal counted in full for each of its partners (influence is not additive).',
  attributedRevenue: "The partner's amounts under the attribution model, over the won deals of the period (these add up to the won revenue of partner deals).",
  period: 'A deal is in the period when its close date is in [from, to); without from and to, every won deal counts, dated or not.',
  type: "A partner counts under its primary (first) type, so the types' figures add up like the partners'.",
};

interface Rollup {
  sourcedRevenue: number;
  sourcedDeals: number;
  influencedRevenue: number;
  influencedDeals: number;
  attributedRevenue: number;
}
const emptyRollup = (): Rollup => ({ sourcedRevenue: 0, sourcedDeals: 0, influencedRevenue: 0, influencedDeals: 0, attributedRevenue: 0 });

/** Per partner and per partner type: sourced, influenced and attributed revenue over the won deals of the period. */
export function attributionSummary(
  deals: DealRecord[],
  query: PeriodQuery & { model: AttributionModel; weights?: Record<string, number> },
  stats: CoalitionStats,
): AttributionSummary {
  const partners = new Map<string, Rollup & { type: string }>();
  const rollupOf = (p: ParticipationRecord) => {
    let r = partners.get(p.partner);
    if (r === undefined) partners.set(p.partner, (r = { type: p.types[0] ?? 'unknown', ...emptyRollup() }));
    return r;
  };
  let wonDeals = 0;
  let wonRevenue = 0;
  for (const deal of deals) {
    if (!isWon(deal) || !inPeriod(deal, query)) continue;
    const amount = deal.amount ?? 0;
    wonDeals++;
    wonRevenue += amount;
    const byId = new Map(deal.partners.map((p) => [p.partner, p]));
    for (const p of byId.values()) {
      const r = rollupOf(p);
      r.influencedRevenue += amount;
      r.influencedDeals++;
    }
    const sourcing = sourcingPartners(deal);
    for (const id of sourcing) {
      const r = rollupOf(byId.get(id)!);
      r.sourcedRevenue += amount / sourcing.length;
      r.sourcedDeals++;
    }
    for (const share of attributeDeal(deal, query.model, { stats, ...(query.weights === undefined ? {} : { weights: query.weights }) }).shares) {
      rollupOf(byId.get(share.partnerId)!).attributedRevenue += share.amount;
    }
  }
  const types = new Map<string, Rollup & { partners: number }>();
  for (const r of partners.values()) {
    const t = types.get(r.type) ?? { partners: 0, ...emptyRollup() };
    t.partners++;
    for (const k of Object.keys(emptyRollup()) as Array<keyof Rollup>) t[k] += r[k];
    types.set(r.type, t);
  }
  const byRevenue = <T extends { attributedRevenue: number }>(a: [string, T], b: [string, T]) =>
    b[1].attributedRevenue - a[1].attributedRevenue || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return {
    model: query.model,
    ...(query.from === undefined ? {} : { from: query.from }),
    ...(query.to === undefined ? {} : { to: query.to }),
    wonDeals,
    wonRevenue,
    partners: [...partners].sort(byRevenue).map(([partnerId, r]) => ({ partnerId, ...r })),
    partnerTypes: [...types].sort(byRevenue).map(([type, t]) => ({ type, ...t })),
    definitions: SUMMARY_DEFINITIONS,
  };
}
