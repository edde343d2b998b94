/** Attribution models on hand-built deals; Shapley values against a brute-force permutation enumeration. */
import { describe, expect, it } from 'vitest';
import type { DealRecord, ParticipationRecord } from '../../schemas/attribution.js';
import {
  attributeDeal,
  attributionSummary,
  coalitionStats,
  coalitionValue,
  shapleyExact,
  shapleyMonteCarlo,
  sourcingPartners,
} from '../../operations/attribution.js';

const p = (partner: string, role: string, registeredAt?: string, types = ['service']): ParticipationRecord => ({
  partner,
  role,
  types,
  ...(registeredAt === undefined ? {} : { registeredAt }),
});
let serial = 0;
/** `won` closed deals won and `lost` lost, each with partners in these roles. */
const history = (roles: string[], won: number, lost: number): DealRecord[] =>
  [...Array(won).fill('closed-won'), ...Array(lost).fill('closed-lost')].map((stage) => ({
    id: `h-${serial++}`,
    stage,
    partners: roles.map((role, i) => p(`h-${i}`, role)),
  }));
const deal = (partners: ParticipationRecord[], extra: Partial<DealRecord> = {}): DealRecord => ({ id: 'd', stage: 'open', amount: 1000, partners, ...extra });
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Shapley values as the average marginal contribution over every order of the players: the definition, enumerated. */
function bruteForceShapley(n: number, value: (members: number[]) => number): number[] {
  const phi = new Array<number>(n).fill(0);
  let orders = 0;
  const permute = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) {
      orders++;
      prefix.forEach((player, k) => (phi[player]! += value(prefix.slice(0, k + 1)) - value(prefix.slice(0, k))));
      return;
    }
    rest.forEach((player, k) => permute([...prefix, player], [...rest.slice(0, k), ...rest.slice(k + 1)]));
  };
  permute([], Array.from({ length: n }, (_, i) => i));
  return phi.map((x) => x / orders);
}

/** A deterministic pseudo-random sequence for building test cases. */
function lcg(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('coalition values', () => {
  const stats = coalitionStats([...history(['sourcing'], 3, 1), ...history(['sourcing', 'technology'], 4, 1), ...history([], 1, 3), ...history(['delivery'], 0, 2)]);

  it('are the win rate of the closed deals with exactly that set of roles', () => {
    expect(coalitionValue(stats, ['sourcing'])).toBeCloseTo(0.75);
    expect(coalitionValue(stats, ['technology', 'sourcing', 'sourcing'])).toBeCloseTo(0.8);
    expect(coalitionValue(stats, [])).toBeCloseTo(0.25);
    expect(coalitionValue(stats, ['delivery'])).toBe(0);
  });

  it('back off to the mean of the smaller sets, and a role never seen to the win rate of partner deals', () => {
    expect(coalitionValue(stats, ['technology'])).toBeCloseTo(7 / 11);
    expect(coalitionValue(stats, ['delivery', 'sourcing'])).toBeCloseTo((0 + 0.75) / 2);
    expect(coalitionValue(stats, ['delivery', 'sourcing', 'technology'])).toBeCloseTo((0.8 + 0.375 + (0 + 7 / 11) / 2) / 3);
  });

  it('count only closed deals, and give an empty set 0 when no deal without partners closed', () => {
    const open = coalitionStats([...history(['sourcing'], 1, 1), { id: 'o', stage: 'proposal', partners: [p('x', 'sourcing')] }]);
    expect(coalitionValue(open, ['sourcing'])).toBe(0.5);
    expect(coalitionValue(open, [])).toBe(0);
  });
});

describe('Shapley values', () => {
  it('match a brute-force enumeration of every order, on random coalition games of 1 to 7 players', () => {
    const random = lcg(7);
    for (let n = 1; n <= 7; n++) {
      const table = new Map<string, number>();
      const value = (members: number[]) => {
        const key = [...members].sort().join(',');
        if (!table.has(key)) table.set(key, members.length === 0 ? 0 : random());
        return table.get(key)!;
      };
      const exact = shapleyExact(n, value);
      const reference = bruteForceShapley(n, value);
      exact.forEach((x, i) => expect(x).toBeCloseTo(reference[i]!, 10));
    }
  });

  it('on deals: efficient, symmetric for partners in the same role, and the brute force agrees', () => {
    const random = lcg(11);
    const roles = ['sourcing', 'technology', 'delivery', 'referral'];
    const deals = roles.flatMap((a) => roles.flatMap((b) => history(a === b ? [a] : [a, b], Math.floor(random() * 6), 1 + Math.floor(random() * 4))));
    const stats = coalitionStats(deals);
    const partners = [p('a', 'sourcing'), p('b', 'technology'), p('c', 'technology'), p('d', 'delivery'), p('e', 'referral')];
    const answer = attributeDeal(deal(partners), 'shapley', { stats });
    expect(answer.method).toBe('exact');
    expect(sum(answer.shares.map((s) => s.share))).toBeCloseTo(1, 12);
    expect(sum(answer.shares.map((s) => s.amount))).toBeCloseTo(1000, 9);
    const share = (id: string) => answer.shares.find((s) => s.partnerId === id)!.share;
    expect(share('b')).toBeCloseTo(share('c'), 12);
    const value = (members: number[]) => coalitionValue(stats, members.map((i) => partners[i]!.role));
    const lift = value([0, 1, 2, 3, 4]) - value([]);
    const reference = bruteForceShapley(5, value).map((x) => x / lift);
    partners.forEach((x, i) => expect(share(x.partner)).toBeCloseTo(reference[i]!, 10));
  });

  it('give 0 to a partner whose role never changes whether deals are won', () => {
    // Every set of roles wins at the same rate with or without "observer".
    const base: Array<[string[], number, number]> = [
      [[], 1, 3],
      [['sourcing'], 3, 1],
      [['technology'], 1, 1],
      [['sourcing', 'technology'], 9, 1],
    ];
    const deals = base.flatMap(([roles, won, lost]) => [...history(roles, won, lost), ...history([...roles, 'observer'], won, lost)]);
    const answer = attributeDeal(deal([p('s', 'sourcing'), p('t', 'technology'), p('o', 'observer')]), 'shapley', { stats: coalitionStats(deals) });
    const share = (id: string) => answer.shares.find((s) => s.partnerId === id)!.share;
    expect(share('o')).toBeCloseTo(0, 12);
    expect(share('s') + share('t')).toBeCloseTo(1, 12);
    // v(st) − v(∅) = 0.9 − 0.25; s: ((0.75−0.25) + (0.9−0.5)) / 2 over that lift.
    expect(share('s')).toBeCloseTo(0.45 / 0.65, 12);
  });

  it('split equally, saying so, when the closed deals show no lift for the set of roles', () => {
    const stats = coalitionStats([...history([], 3, 1), ...history(['sourcing'], 1, 3)]);
    const answer = attributeDeal(deal([p('a', 'sourcing'), p('b', 'sourcing')]), 'shapley', { stats });
    expect(answer.shares.map((s) => s.share)).toEqual([0.5, 0.5]);
    expect(answer.note).toMatch(/no win-rate lift/);
  });

  it('are sampled above 12 partners, reproducibly, within a few standard errors of the exact values, still summing to 1', () => {
    const roles = Array.from({ length: 14 }, (_, i) => `role-${i % 7}`);
    const random = lcg(3);
    const deals = Array.from({ length: 40 }, () => history(roles.filter(() => random() < 0.5), Math.floor(random() * 5), 1 + Math.floor(random() * 3))).flat();
    const partners = roles.map((role, i) => p(`p-${String(i).padStart(2, '0')}`, role));
    const answer = attributeDeal(deal(partners), 'shapley', { stats: coalitionStats(deals) });
    expect(answer.method).toBe('monte-carlo');
    expect(sum(answer.shares.map((s) => s.share))).toBeCloseTo(1, 9);
    expect(attributeDeal(deal(partners), 'shapley', { stats: coalitionStats(deals) })).toEqual(answer);
    const stats = coalitionStats(deals);
    const value = (members: number[]) => coalitionValue(stats, members.map((i) => partners[i]!.role));
    const lift = value(partners.map((_, i) => i)) - value([]);
    const exact = shapleyExact(14, value).map((x) => x / lift);
    answer.shares.forEach((s, i) => {
      expect(s.standardError).toBeGreaterThan(0);
      expect(Math.abs(s.share - exact[i]!)).toBeLessThan(4 * s.standardError! + 1e-9);
    });
  });

  it('Monte Carlo standard errors shrink as orders are added', () => {
    const value = (members: number[]) => members.length ** 2 / 9 + (members.includes(0) ? 0.1 : 0);
    const few = shapleyMonteCarlo(3, value, 100);
    const many = shapleyMonteCarlo(3, value, 10_000);
    expect(many.standardError[1]!).toBeLessThan(few.standardError[1]!);
    expect(many.phi[0]!).toBeCloseTo(bruteForceShapley(3, value)[0]!, 2);
  });
});

describe('rule-based models', () => {
  const stats = coalitionStats([]);
  const partners = [p('a', 'sourcing', '2026-02-01T00:00:00Z'), p('b', 'delivery', '2026-01-01T00:00:00Z'), p('c', 'mystery'), p('d', 'delivery', '2026-03-01T00:00:00Z')];
  const shares = (model: Parameters<typeof attributeDeal>[1], list = partners, weights?: Record<string, number>) =>
    Object.fromEntries(attributeDeal(deal(list), model, { stats, ...(weights === undefined ? {} : { weights }) }).shares.map((s) => [s.partnerId, s.share]));

  it('equal gives each partner the same share', () => {
    expect(shares('equal')).toEqual({ a: 0.25, b: 0.25, c: 0.25, d: 0.25 });
  });

  it('role-weighted uses the default weights (unknown roles weigh 1), or the ones given', () => {
    expect(shares('role-weighted')).toEqual({ a: 3 / 8, b: 2 / 8, c: 1 / 8, d: 2 / 8 });
    expect(shares('role-weighted', partners, { mystery: 0, delivery: 1 })).toEqual({ a: 3 / 5, b: 1 / 5, c: 0, d: 1 / 5 });
  });

  it('first- and last-touch credit the earliest and latest registration; a partner without a time never wins', () => {
    expect(shares('first-touch')).toEqual({ a: 0, b: 1, c: 0, d: 0 });
    expect(shares('last-touch')).toEqual({ a: 0, b: 0, c: 0, d: 1 });
  });

  it('ties share the credit, and without any time the credit is split equally with a note', () => {
    const tied = [p('a', 'x', '2026-01-01T00:00:00Z'), p('b', 'x', '2026-01-01T01:00:00+01:00'), p('c', 'x', '2026-02-01T00:00:00Z')];
    expect(shares('first-touch', tied)).toEqual({ a: 0.5, b: 0.5, c: 0 });
    const answer = attributeDeal(deal([p('a', 'x'), p('b', 'y')]), 'last-touch', { stats });
    expect(answer.shares.map((s) => s.share)).toEqual([0.5, 0.5]);
    expect(answer.note).toMatch(/no partner registration time/);
  });

  it('a deal without partners has no shares', () => {
    expect(attributeDeal(deal([]), 'shapley', { stats }).shares).toEqual([]);
  });
});

describe('summary', () => {
  const deals: DealRecord[] = [
    { id: 'w1', stage: 'closed-won', amount: 100, closedAt: '2026-01-15T00:00:00Z', partners: [p('r', 'sourcing', undefined, ['reseller']), p('t', 'technology', undefined, ['technology', 'service'])] },
    { id: 'w2', stage: 'won', amount: 60, closedAt: '2026-04-02T00:00:00Z', partners: [p('t', 'technology', '2026-03-01T00:00:00Z', ['technology']), p('s', 'delivery', '2026-03-01T00:00:00Z', ['service'])] },
    { id: 'w3', stage: 'closed-won', amount: 40, partners: [p('s', 'delivery', undefined, ['service'])] },
    { id: 'l1', stage: 'closed-lost', amount: 500, closedAt: '2026-01-20T00:00:00Z', partners: [p('r', 'sourcing', undefined, ['reseller'])] },
    { id: 'o1', stage: 'open', amount: 900, partners: [p('r', 'sourcing', undefined, ['reseller'])] },
  ];

  it('sourced, influenced and attributed revenue per partner and type, computed by hand', () => {
    const summary = attributionSummary(deals, { model: 'equal' }, coalitionStats(deals));
    expect(summary.wonDeals).toBe(3);
    expect(summary.wonRevenue).toBe(200);
    const byId = Object.fromEntries(summary.partners.map((x) => [x.partnerId, x]));
    // w1: r sources (role); w2: t and s registered at the same first time, so both source half; w3: no time, nobody.
    expect(byId.r).toMatchObject({ type: 'reseller', sourcedRevenue: 100, sourcedDeals: 1, influencedRevenue: 100, influencedDeals: 1, attributedRevenue: 50 });
    expect(byId.t).toMatchObject({ type: 'technology', sourcedRevenue: 30, sourcedDeals: 1, influencedRevenue: 160, influencedDeals: 2, attributedRevenue: 80 });
    expect(byId.s).toMatchObject({ type: 'service', sourcedRevenue: 30, sourcedDeals: 1, influencedRevenue: 100, influencedDeals: 2, attributedRevenue: 70 });
    expect(summary.partners.map((x) => x.partnerId)).toEqual(['t', 's', 'r']);
    expect(sum(summary.partners.map((x) => x.attributedRevenue))).toBeCloseTo(200);
    expect(summary.partnerTypes.find((x) => x.type === 'service')).toMatchObject({ partners: 1, attributedRevenue: 70 });
    expect(sum(summary.partnerTypes.map((x) => x.attributedRevenue))).toBeCloseTo(200);
  });

  it('a period keeps the won deals closed inside [from, to)', () => {
    const summary = attributionSummary(deals, { model: 'first-touch', from: '2026-01-01T00:00:00Z', to: '2026-04-02T00:00:00Z' }, coalitionStats(deals));
    expect(summary.wonDeals).toBe(1);
    expect(summary.wonRevenue).toBe(100);
    // w1 has no registration times: first-touch splits equally.
    expect(summary.partners.map((x) => [x.partnerId, x.attributedRevenue])).toEqual([
      ['r', 50],
      ['t', 50],
    ]);
  });

  it('the sourcing role wins over the first registration', () => {
    expect(sourcingPartners(deal([p('a', 'delivery', '2026-01-01T00:00:00Z'), p('b', 'sourcing', '2026-02-01T00:00:00Z')]))).toEqual(['b']);
    expect(sourcingPartners(deal([p('a', 'delivery', '2026-01-01T00:00:00Z'), p('b', 'referral', '2026-02-01T00:00:00Z')]))).toEqual(['a']);
    expect(sourcingPartners(deal([p('a', 'delivery')]))).toEqual([]);
  });
});
