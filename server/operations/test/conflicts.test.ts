/**
 * Conflict detection and the resolution policies on hand-built deals whose
 * answers are worked out by hand, and on random small ecosystems against a
 * brute-force reading of the four definitions.
 */
import { describe, expect, it } from 'vitest';
import { applyPolicy, baseOf, checkResolveRequest, conflictBaseId, detectConflicts, protectionWindows, resolvedConflicts, type ConflictInputs, type Protection } from '../conflicts.js';
import type { Claim, Conflict, ConflictDeal, StoredResolution } from '../../schemas/conflicts.js';
import type { ProgramTrack } from '../../schemas/programs.js';
import { seededRandom } from '../../analytics/communities.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (days: number, ms = 0) => new Date(T0 + days * DAY + ms).toISOString();

type Part = ConflictDeal['partners'][number];
const part = (partner: string, role: string, extra: Partial<Part> = {}): Part => ({ partner, name: partner.toUpperCase(), role, types: ['reseller'], ...extra });
const deal = (id: string, partners: Part[], extra: Partial<ConflictDeal> = {}): ConflictDeal => ({
  id, stage: 'open', amount: 100_000, customer: 'c-1', customerName: 'Customer One', needs: [{ id: 'cap-x', name: 'X' }], partners, ...extra,
});
const inputs = (deals: ConflictDeal[], extra: Partial<ConflictInputs> = {}): ConflictInputs => ({
  deals, managers: new Map(), protection: new Map<string, Protection>([['p-a', { days: 90, track: 'resell' }], ['p-b', { days: 90, track: 'resell' }]]), resolutions: [], ...extra,
});
const brief = (conflicts: Conflict[]) => conflicts.map((c) => `${c.kind}:${c.deals.join('+')}:${c.partners.join('+')}`).sort();

describe('conflict detection', () => {
  it('finds claimed shares over 1 on a deal, not at 1, nor on a lost deal', () => {
    const found = detectConflicts(inputs([
      deal('d-over', [part('p-a', 'sourcing', { claimedShare: 0.7 }), part('p-b', 'delivery', { claimedShare: 0.6 })]),
      deal('d-full', [part('p-a', 'sourcing', { claimedShare: 0.6 }), part('p-b', 'delivery', { claimedShare: 0.4 })]),
      deal('d-lost', [part('p-a', 'sourcing', { claimedShare: 0.7 }), part('p-b', 'delivery', { claimedShare: 0.6 })], { stage: 'closed-lost' }),
      deal('d-won', [part('p-a', 'sourcing', { claimedShare: 0.9 }), part('p-b', 'delivery', { claimedShare: 0.2 })], { stage: 'won', customer: 'c-2' }),
    ]));
    expect(brief(found)).toEqual(['over-claimed:d-over:p-a+p-b', 'over-claimed:d-won:p-a+p-b']);
    const over = found.find((c) => c.deals[0] === 'd-over')!;
    expect(over.evidence).toBe('P-A claims 70% and P-B claims 60% of d-over at Customer One ($100.0K): 130% in all, more than the whole deal.');
    expect(over.suggestedResolution).toContain('P-A 53.8% and P-B 46.2% (proportional)');
    expect(over).toMatchObject({ amount: 100_000, status: 'open', id: conflictBaseId('over-claimed', ['d-over'], ['p-b', 'p-a']) });
  });

  it('finds several partners in one role on a deal', () => {
    const found = detectConflicts(inputs([
      deal('d-1', [part('p-a', 'sourcing', { registeredAt: at(3) }), part('p-b', 'sourcing', { registeredAt: at(1) }), part('p-c', 'delivery')]),
    ]));
    expect(brief(found)).toEqual(['channel-conflict:d-1:p-a+p-b']);
    expect(found[0]!.evidence).toBe('P-A and P-B both take part in d-1 at Customer One ($100.0K) as its sourcing partner: the programme would pay twice for one role.');
    expect(found[0]!.suggestedResolution).toContain('Keep P-B, registered first (2026-03-02)');
  });

  describe('duplicate registration', () => {
    const pair = (laterDays: number, laterMs = 0, second: Partial<ConflictDeal> = {}, role = 'sourcing') =>
      inputs([
        deal('d-1', [part('p-a', 'sourcing', { registeredAt: at(0) })], { needs: [{ id: 'cap-x', name: 'X' }, { id: 'cap-y', name: 'Y' }] }),
        deal('d-2', [part('p-b', role, { registeredAt: at(laterDays, laterMs) })], { needs: [{ id: 'cap-y', name: 'Y' }], ...second }),
      ]);

    it('finds a second registration inside the first registrant\'s window, up to its last millisecond', () => {
      const found = detectConflicts(pair(90));
      expect(brief(found)).toEqual(['duplicate-registration:d-1+d-2:p-a+p-b']);
      expect(found[0]!.evidence).toBe(
        "P-A registered d-1 at Customer One ($100.0K) as sourcing partner on 2026-03-01; P-B registered d-2 for the same customer and overlapping needs (Y) in the same role 90 days later, inside the 90-day protection window of P-A's resell track.",
      );
      expect(brief(detectConflicts(pair(90, 1)))).toEqual([]);
      expect(brief(detectConflicts(pair(-90)))).toEqual(['duplicate-registration:d-1+d-2:p-a+p-b']);
    });

    it('ignores closed deals, other customers, needs that do not overlap, other roles, and partners without a window', () => {
      expect(brief(detectConflicts(pair(10, 0, { stage: 'won' })))).toEqual([]);
      expect(brief(detectConflicts(pair(10, 0, { stage: 'lost' })))).toEqual([]);
      expect(brief(detectConflicts(pair(10, 0, { customer: 'c-2' })))).toEqual([]);
      expect(brief(detectConflicts(pair(10, 0, { needs: [{ id: 'cap-z', name: 'Z' }] })))).toEqual([]);
      expect(brief(detectConflicts(pair(10, 0, {}, 'delivery')))).toEqual([]);
      expect(brief(detectConflicts({ ...pair(10), protection: new Map() }))).toEqual([]);
    });

    it('uses the window of the partner that registered first', () => {
      const protection = new Map<string, Protection>([['p-a', { days: 30, track: 'referral' }], ['p-b', { days: 90, track: 'resell' }]]);
      expect(brief(detectConflicts({ ...pair(45), protection }))).toEqual([]);
      expect(brief(detectConflicts({ ...pair(-45), protection }))).toEqual(['duplicate-registration:d-1+d-2:p-a+p-b']);
    });
  });

  it('finds an open claim on a managed customer without its manager', () => {
    const managers = new Map([['c-1', [{ partner: 'p-m', name: 'Manager' }]]]);
    const found = detectConflicts(inputs([
      deal('d-1', [part('p-a', 'sourcing')]),
      deal('d-2', [part('p-a', 'sourcing'), part('p-m', 'operations')]),
      deal('d-3', [part('p-b', 'sourcing')], { stage: 'won' }),
      deal('d-4', [part('p-b', 'sourcing')], { customer: 'c-2' }),
    ], { managers }));
    expect(brief(found)).toEqual(['managed-customer:d-1:p-a+p-m']);
    expect(found[0]!.evidence).toBe('Customer One is managed by Manager (SERVES as manage), yet P-A claims d-1 ($100.0K) without it.');
  });

  it('gives the same ids whatever the order of deals and partners', () => {
    const deals = [
      deal('d-1', [part('p-a', 'sourcing', { claimedShare: 0.7, registeredAt: at(0) }), part('p-b', 'sourcing', { claimedShare: 0.6, registeredAt: at(2) })]),
      deal('d-2', [part('p-c', 'sourcing', { registeredAt: at(5) })]),
    ];
    const reversed = [...deals].reverse().map((d) => ({ ...d, partners: [...d.partners].reverse() }));
    const ids = (list: ConflictDeal[]) => detectConflicts({ ...inputs(list), protection: new Map([['p-a', { days: 90, track: 'resell' }]]) }).map((c) => c.id).sort();
    expect(ids(reversed)).toEqual(ids(deals));
    expect(ids(deals)).toHaveLength(3);
  });

  it('agrees with a brute-force reading of the definitions on random ecosystems', () => {
    const random = seededRandom(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const kinds = new Set<string>();
    for (let round = 0; round < 40; round++) {
      const partners = ['p-a', 'p-b', 'p-c', 'p-d', 'p-m'];
      const deals: ConflictDeal[] = Array.from({ length: 6 }, (_, i) => ({
        id: `d-${i}`,
        stage: pick(['open', 'proposal', 'won', 'lost']),
        amount: 1000 * (i + 1),
        customer: pick(['c-1', 'c-2']),
        customerName: 'C',
        needs: ['cap-x', 'cap-y', 'cap-z'].filter(() => random() < 0.5).map((id) => ({ id, name: id })),
        partners: partners
          .filter(() => random() < 0.4)
          .map((p) => part(p, pick(['sourcing', 'delivery']), { ...(random() < 0.7 ? { claimedShare: pick([0.2, 0.5, 0.7]) } : {}), ...(random() < 0.8 ? { registeredAt: at(Math.floor(random() * 120)) } : {}) })),
      }));
      const managers = new Map([['c-1', [{ partner: 'p-m', name: 'M' }]]]);
      const protection = new Map<string, Protection>([['p-a', { days: 30, track: 't' }], ['p-b', { days: 60, track: 't' }], ['p-c', { days: 90, track: 't' }]]);
      const expected = bruteForce(deals, managers, protection);
      expect(brief(detectConflicts({ deals, managers, protection, resolutions: [] })), `round ${round}`).toEqual(expected);
      for (const c of expected) kinds.add(c.split(':')[0]!);
    }
    // The rounds exercise every kind.
    expect([...kinds].sort()).toEqual(['channel-conflict', 'duplicate-registration', 'managed-customer', 'over-claimed']);
  });
});

/** The four definitions read literally: every deal, every pair of deals, every pair of participations. */
function bruteForce(deals: ConflictDeal[], managers: Map<string, Array<{ partner: string }>>, protection: Map<string, Protection>): string[] {
  const out = new Set<string>();
  const open = (d: ConflictDeal) => !['won', 'lost', 'closed-won', 'closed-lost'].includes(d.stage);
  const ids = (list: string[]) => [...new Set(list)].sort().join('+');
  for (const d of deals) {
    if (d.stage === 'lost') continue;
    const claimed = d.partners.filter((p) => (p.claimedShare ?? 0) > 0);
    if (claimed.reduce((s, p) => s + p.claimedShare!, 0) > 1 + 1e-9) out.add(`over-claimed:${d.id}:${ids(claimed.map((p) => p.partner))}`);
    for (const role of new Set(d.partners.map((p) => p.role))) {
      const inRole = d.partners.filter((p) => p.role === role).map((p) => p.partner);
      if (new Set(inRole).size >= 2) out.add(`channel-conflict:${d.id}:${ids(inRole)}`);
    }
    const m = (managers.get(d.customer) ?? []).map((x) => x.partner);
    if (open(d) && m.length > 0 && d.partners.length > 0 && !d.partners.some((p) => m.includes(p.partner))) out.add(`managed-customer:${d.id}:${ids([...d.partners.map((p) => p.partner), ...m])}`);
  }
  for (const a of deals) {
    for (const b of deals) {
      if (a.id >= b.id || !open(a) || !open(b) || a.customer !== b.customer || !a.needs.some((n) => b.needs.some((x) => x.id === n.id))) continue;
      for (const pa of a.partners) {
        for (const pb of b.partners) {
          if (pa.partner === pb.partner || pa.role !== pb.role || !pa.registeredAt || !pb.registeredAt) continue;
          const first = Date.parse(pa.registeredAt) <= Date.parse(pb.registeredAt) ? pa : pb;
          const window = protection.get(first.partner);
          if (window !== undefined && Math.abs(Date.parse(pa.registeredAt) - Date.parse(pb.registeredAt)) <= window.days * DAY) out.add(`duplicate-registration:${a.id}+${b.id}:${ids([pa.partner, pb.partner])}`);
        }
      }
    }
  }
  return [...out].sort();
}

describe('protection windows', () => {
  const track = (id: string, partnerTypes: ProgramTrack['partnerTypes'], protectionDays?: number): ProgramTrack => ({ id, partnerTypes, benefits: [], stallLimits: {}, tiers: [], ...(protectionDays === undefined ? {} : { protectionDays }) });
  const programs = [track('resell', ['reseller'], 90), track('referral', ['referral'], 30), track('cloud', ['technology'])];

  it('takes the longest window of the tracks a partner is in, else of the tracks for its types', () => {
    const deals = [deal('d-1', [part('p-a', 'sourcing'), part('p-b', 'referral', { types: ['referral'] }), part('p-c', 'technology', { types: ['technology'] }), part('p-d', 'x', { types: ['referral', 'reseller'] })])];
    const windows = protectionWindows(programs, [{ partner: 'p-a', track: 'referral' }, { partner: 'p-a', track: 'cloud' }], deals);
    expect(Object.fromEntries(windows)).toEqual({ 'p-a': { days: 30, track: 'referral' }, 'p-b': { days: 30, track: 'referral' }, 'p-d': { days: 90, track: 'resell' } });
  });
});

describe('resolution', () => {
  const claim = (partner: string, role: string, claimedShare: number | null, registeredAt: string | null, dealId = 'd-1'): Claim => ({ deal: dealId, partner, role, claimedShare, registeredAt });
  const overClaimed = () =>
    detectConflicts(inputs([deal('d-1', [part('p-a', 'sourcing', { claimedShare: 0.6, registeredAt: at(2) }), part('p-b', 'delivery', { claimedShare: 0.6, registeredAt: at(1) }), part('p-c', 'technology')])]))[0]!;
  const stored = [claim('p-a', 'sourcing', 0.6, at(2)), claim('p-b', 'delivery', 0.6, at(1)), claim('p-c', 'technology', null, null)];
  const shares = (after: Claim[]) => Object.fromEntries(after.map((c) => [c.partner, Number(c.claimedShare!.toFixed(12))]));

  it('applies each policy to the credit in dispute', () => {
    const conflict = overClaimed();
    expect(shares(applyPolicy(conflict, stored, { policy: 'first-registered' }))).toEqual({ 'p-a': 0, 'p-b': 1 });
    // Role weights: sourcing 3, delivery 2.
    expect(shares(applyPolicy(conflict, stored, { policy: 'role-split' }))).toEqual({ 'p-a': 0.6, 'p-b': 0.4 });
    expect(shares(applyPolicy(conflict, stored, { policy: 'proportional' }))).toEqual({ 'p-a': 0.5, 'p-b': 0.5 });
    expect(shares(applyPolicy(conflict, stored, { policy: 'manual', shares: { 'p-a': 0.25, 'p-b': 0.75 } }))).toEqual({ 'p-a': 0.25, 'p-b': 0.75 });
  });

  it('leaves partners outside the conflict their claims: the pool is what they leave', () => {
    const conflict = detectConflicts(inputs([deal('d-1', [part('p-a', 'sourcing', { claimedShare: 0.5 }), part('p-b', 'sourcing', { claimedShare: 0.3 }), part('p-c', 'technology', { claimedShare: 0.4 })])]))
      .find((c) => c.kind === 'channel-conflict')!;
    const now = [claim('p-a', 'sourcing', 0.5, null), claim('p-b', 'sourcing', 0.3, null), claim('p-c', 'technology', 0.4, null)];
    expect(shares(applyPolicy(conflict, now, { policy: 'proportional' }))).toEqual({ 'p-a': 0.375, 'p-b': 0.225 });
    // Nobody registered: first-registered cannot choose, the claims share the pool.
    expect(shares(applyPolicy(conflict, now, { policy: 'first-registered' }))).toEqual({ 'p-a': 0.3, 'p-b': 0.3 });
  });

  it('keeps the first registration of a duplicate and drops the later one; a managed customer goes to its manager', () => {
    const duplicate = detectConflicts(inputs([
      deal('d-1', [part('p-a', 'sourcing', { claimedShare: 1, registeredAt: at(0) })]),
      deal('d-2', [part('p-b', 'sourcing', { claimedShare: 1, registeredAt: at(5) })]),
    ]))[0]!;
    const after = applyPolicy(duplicate, [claim('p-a', 'sourcing', 1, at(0)), claim('p-b', 'sourcing', 1, at(5), 'd-2')], { policy: 'first-registered' });
    expect(after.map((c) => `${c.deal}:${c.partner}:${c.claimedShare}`)).toEqual(['d-1:p-a:1', 'd-2:p-b:0']);
    const managed = detectConflicts(inputs([deal('d-1', [part('p-a', 'sourcing', { claimedShare: 1 })])], { managers: new Map([['c-1', [{ partner: 'p-m', name: 'M' }]]]) }))[0]!;
    expect(applyPolicy(managed, [claim('p-a', 'sourcing', 1, null)], { policy: 'first-registered' }).map((c) => c.claimedShare)).toEqual([0]);
    expect(applyPolicy(managed, [claim('p-a', 'sourcing', 1, null)], { policy: 'role-split' }).map((c) => c.claimedShare)).toEqual([1]);
  });

  it('checks manual shares: required, only the conflict\'s partners, adding up to 1', () => {
    const conflict = overClaimed();
    expect(checkResolveRequest(conflict, { policy: 'manual' })?.field).toBe('body.shares');
    expect(checkResolveRequest(conflict, { policy: 'manual', shares: { 'p-a': 0.5, 'p-z': 0.5 } })?.field).toBe('body.shares.p-z');
    expect(checkResolveRequest(conflict, { policy: 'manual', shares: { 'p-a': 0.5, 'p-b': 0.4 } })).toEqual({ field: 'body.shares', message: 'shares add up to 0.9, not 1' });
    expect(checkResolveRequest(conflict, { policy: 'manual', shares: { 'p-a': 0.5, 'p-b': 0.5 + 5e-10 } })).toBeNull();
    expect(checkResolveRequest(conflict, { policy: 'proportional', shares: { 'p-a': 1 } })?.field).toBe('body.shares');
  });

  it('hides a conflict its resolution left as it is; the same conflict occurring again is a new instance', () => {
    const deals = [deal('d-1', [part('p-a', 'sourcing', { claimedShare: 0.7 }), part('p-b', 'sourcing', { claimedShare: 0.5 })])];
    const [over, channel] = ['over-claimed', 'channel-conflict'].map((k) => detectConflicts(inputs(deals)).find((c) => c.kind === k)!);
    const resolve = (c: Conflict, after: Claim[]): StoredResolution => {
      const { id, status: _, claims, resolution: __, ...conflict } = c;
      return { id, base: baseOf(id), conflict, audit: { policy: 'proportional', actor: 'api', at: at(1), before: claims, after } };
    };
    // The channel conflict resolved leaving the claims as they are: it is no longer open; the over-claim still is.
    const kept = resolve(channel!, channel!.claims);
    expect(detectConflicts(inputs(deals, { resolutions: [kept] })).map((c) => c.id)).toEqual([over!.id]);
    // The claims change again: the channel conflict is back as instance 2.
    const changed = [deal('d-1', [part('p-a', 'sourcing', { claimedShare: 0.5 }), part('p-b', 'sourcing', { claimedShare: 0.5 })])];
    const again = detectConflicts(inputs(changed, { resolutions: [kept] }));
    expect(again.map((c) => c.id)).toEqual([`${channel!.id}-2`]);
    expect(baseOf(again[0]!.id)).toBe(channel!.id);
    expect(resolvedConflicts([kept]).map((c) => [c.id, c.status, c.resolution?.policy])).toEqual([[channel!.id, 'resolved', 'proportional']]);
  });
});
