/**
 * Deal registration conflicts: detection over every deal's participations,
 * and the resolution policies, as pure functions of store records.
 *
 * Kinds (lost deals are left out of every kind: no credit is at stake):
 * - over-claimed: the claimed shares on one deal add up to more than 1;
 * - channel-conflict: several partners take part in one deal in the same role;
 * - duplicate-registration: two open deals for the same customer with
 *   overlapping needs, registered by different partners in the same role, the
 *   later registration inside the earlier registrant's protection window;
 * - managed-customer: an open deal at a customer that a partner manages
 *   (SERVES in the `manage` role) claimed without any of its managers.
 *
 * A conflict's id is derived from its kind and sorted deal and partner ids.
 * A resolution stores the claims it left; a conflict whose claims are those
 * is resolved and not listed as open. When the data changes and the conflict
 * occurs again, it is a new instance: the same id with the instance number
 * appended ("-2", "-3", …).
 */
import { createHash } from 'node:crypto';
import { LOST_STAGES, WON_STAGES } from '../schemas/model.js';
import { DEFAULT_ROLE_WEIGHTS } from '../schemas/attribution.js';
import type { ProgramTrack } from '../schemas/programs.js';
import type { Claim, Conflict, ConflictDeal, ConflictKind, ResolveRequest, StoredResolution } from '../schemas/conflicts.js';
import { listing, money } from '../analytics/format.js';
import { compareIds } from '../order.js';

const DAY_MS = 86_400_000;
/** How far manual shares may be from adding up to 1. */
export const SHARE_TOLERANCE = 1e-9;

const ID_PREFIX: Record<ConflictKind, string> = { 'over-claimed': 'oc', 'duplicate-registration': 'dr', 'channel-conflict': 'cc', 'managed-customer': 'mc' };

const lost = new Set<string>(LOST_STAGES);
const won = new Set<string>(WON_STAGES);
const isOpen = (deal: ConflictDeal) => !lost.has(deal.stage) && !won.has(deal.stage);
const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort(compareIds);
const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
const day = (iso: string) => iso.slice(0, 10);
const possessive = (name: string) => (name.endsWith('s') ? `${name}'` : `${name}'s`);

/** A partner's deal-registration protection: the longest window of its programme tracks. */
export interface Protection {
  days: number;
  track: string;
}

export interface ConflictInputs {
  deals: ConflictDeal[];
  /** Per customer, the partners that manage it (SERVES in the `manage` role), by id with their names. */
  managers: Map<string, Array<{ partner: string; name: string }>>;
  protection: Map<string, Protection>;
  resolutions: StoredResolution[];
}

type Detected = Omit<Conflict, 'id' | 'status' | 'resolution'> & { base: string };

export function conflictBaseId(kind: ConflictKind, deals: string[], partners: string[]): string {
  const key = [kind, sorted(deals).join(','), sorted(partners).join(',')].join('|');
  return `${ID_PREFIX[kind]}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** The id of a conflict's first instance: "oc-…-2" → "oc-…". */
export const baseOf = (id: string) => id.split('-').slice(0, 2).join('-');

function claimOf(deal: ConflictDeal, p: ConflictDeal['partners'][number]): Claim {
  return { deal: deal.id, partner: p.partner, role: p.role, claimedShare: p.claimedShare ?? null, registeredAt: p.registeredAt ?? null };
}

const claimKey = (c: Claim) => JSON.stringify([c.deal, c.partner, c.role, c.claimedShare, c.registeredAt]);
/** Claims in one canonical order: a conflict's fingerprint. */
export const canonicalClaims = (claims: Claim[]) => [...claims].sort((a, b) => compareIds(claimKey(a), claimKey(b)));
export const sameClaims = (a: Claim[], b: Claim[]) => a.length === b.length && canonicalClaims(a).map(claimKey).join('\n') === canonicalClaims(b).map(claimKey).join('\n');

/**
 * Each partner's protection window: the longest `protectionDays` of the
 * programme tracks it is in, or else of the tracks for its partner types;
 * a partner with neither has no protection.
 */
export function protectionWindows(programs: ProgramTrack[], memberships: Array<{ partner: string; track: string }>, deals: ConflictDeal[]): Map<string, Protection> {
  const protecting = programs.filter((t) => t.protectionDays !== undefined);
  const byId = new Map(protecting.map((t) => [t.id, t]));
  const longest = (tracks: ProgramTrack[]) =>
    tracks.reduce<Protection | undefined>((best, t) => (best === undefined || t.protectionDays! > best.days ? { days: t.protectionDays!, track: t.id } : best), undefined);
  const tracksOf = new Map<string, ProgramTrack[]>();
  for (const m of memberships) {
    const track = byId.get(m.track);
    if (track !== undefined) tracksOf.set(m.partner, [...(tracksOf.get(m.partner) ?? []), track]);
  }
  const out = new Map<string, Protection>();
  for (const deal of deals) {
    for (const p of deal.partners) {
      if (out.has(p.partner)) continue;
      const window = longest(tracksOf.get(p.partner) ?? []) ?? longest(protecting.filter((t) => t.partnerTypes.some((type) => p.types.includes(type))));
      if (window !== undefined) out.set(p.partner, window);
    }
  }
  return out;
}

function names(inputs: ConflictInputs): Map<string, string> {
  const out = new Map<string, string>();
  for (const deal of inputs.deals) for (const p of deal.partners) out.set(p.partner, p.name);
  for (const list of inputs.managers.values()) for (const m of list) out.set(m.partner, m.name);
  return out;
}

function dealPhrase(deal: ConflictDeal): string {
  return `${deal.id} at ${deal.customerName}${deal.amount === undefined ? '' : ` (${money(deal.amount)})`}`;
}

function overClaimed(deal: ConflictDeal, name: (id: string) => string): Detected | undefined {
  const claiming = deal.partners.filter((p) => p.claimedShare !== undefined && p.claimedShare > 0);
  const total = claiming.reduce((sum, p) => sum + p.claimedShare!, 0);
  if (total <= 1 + SHARE_TOLERANCE) return undefined;
  const partners = sorted(claiming.map((p) => p.partner));
  const proportional = claiming.map((p) => `${name(p.partner)} ${percent.format(p.claimedShare! / total)}`);
  return {
    base: conflictBaseId('over-claimed', [deal.id], partners),
    kind: 'over-claimed',
    deals: [deal.id],
    partners,
    amount: deal.amount ?? null,
    evidence: `${listing(claiming.map((p) => `${name(p.partner)} claims ${percent.format(p.claimedShare!)}`))} of ${dealPhrase(deal)}: ${percent.format(total)} in all, more than the whole deal.`,
    suggestedResolution: `Scale the claims down in proportion so they add up to 100%: ${listing(proportional)} (proportional); or give the credit to the partner registered first (first-registered).`,
    claims: claiming.map((p) => claimOf(deal, p)),
  };
}

function channelConflicts(deal: ConflictDeal, name: (id: string) => string): Detected[] {
  const byRole = new Map<string, ConflictDeal['partners']>();
  for (const p of deal.partners) byRole.set(p.role, [...(byRole.get(p.role) ?? []), p]);
  const out: Detected[] = [];
  for (const [role, members] of byRole) {
    const partners = sorted(members.map((p) => p.partner));
    if (partners.length < 2) continue;
    const registered = members.filter((p) => p.registeredAt !== undefined).sort((a, b) => Date.parse(a.registeredAt!) - Date.parse(b.registeredAt!));
    const first = registered[0];
    out.push({
      base: conflictBaseId('channel-conflict', [deal.id], partners),
      kind: 'channel-conflict',
      deals: [deal.id],
      partners,
      amount: deal.amount ?? null,
      evidence: `${listing(partners.map(name))} ${partners.length === 2 ? 'both' : 'all'} take part in ${dealPhrase(deal)} as its ${role} partner: the programme would pay ${partners.length === 2 ? 'twice' : `${partners.length} times`} for one role.`,
      suggestedResolution:
        first === undefined
          ? `Decide who is the ${role} partner (manual), or split the ${role} credit in proportion to the claims (proportional).`
          : `Keep ${name(first.partner)}, registered first (${day(first.registeredAt!)}), as the ${role} partner and drop the others' claims (first-registered); or split the ${role} credit between them (role-split, proportional).`,
      claims: members.map((p) => claimOf(deal, p)),
    });
  }
  return out;
}

function duplicateRegistrations(deals: ConflictDeal[], protection: Map<string, Protection>, name: (id: string) => string): Detected[] {
  const byCustomer = new Map<string, ConflictDeal[]>();
  for (const deal of deals) if (isOpen(deal) && deal.needs.length > 0) byCustomer.set(deal.customer, [...(byCustomer.get(deal.customer) ?? []), deal]);
  const out: Detected[] = [];
  for (const group of byCustomer.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const [a, b] = [group[i]!, group[j]!];
        const needsOfB = new Set(b.needs.map((n) => n.id));
        const shared = a.needs.filter((n) => needsOfB.has(n.id));
        if (shared.length === 0) continue;
        for (const pa of a.partners) {
          for (const pb of b.partners) {
            if (pa.partner === pb.partner || pa.role !== pb.role || pa.registeredAt === undefined || pb.registeredAt === undefined) continue;
            const [first, firstDeal, later, laterDeal] = Date.parse(pa.registeredAt) <= Date.parse(pb.registeredAt) ? [pa, a, pb, b] : [pb, b, pa, a];
            const window = protection.get(first.partner);
            const days = (Date.parse(later.registeredAt!) - Date.parse(first.registeredAt!)) / DAY_MS;
            if (window === undefined || days > window.days) continue;
            const dealIds = sorted([a.id, b.id]);
            const partners = sorted([pa.partner, pb.partner]);
            const amounts = [a.amount, b.amount].filter((x): x is number => x !== undefined);
            out.push({
              base: conflictBaseId('duplicate-registration', dealIds, partners),
              kind: 'duplicate-registration',
              deals: dealIds,
              partners,
              amount: amounts.length === 0 ? null : Math.max(...amounts),
              evidence:
                `${name(first.partner)} registered ${dealPhrase(firstDeal)} as ${first.role} partner on ${day(first.registeredAt!)}; ` +
                `${name(later.partner)} registered ${laterDeal.id} for the same customer and overlapping needs (${listing(shared.map((n) => n.name))}) in the same role ` +
                `${Math.round(days)} days later, inside the ${window.days}-day protection window of ${possessive(name(first.partner))} ${window.track} track.`,
              suggestedResolution: `${name(first.partner)} registered first: its registration stands and ${possessive(name(later.partner))} claim on ${laterDeal.id} drops to 0 (first-registered); merge the two deals if they are one opportunity.`,
              claims: [claimOf(firstDeal, first), claimOf(laterDeal, later)],
            });
          }
        }
      }
    }
  }
  return out;
}

function managedCustomer(deal: ConflictDeal, managers: Array<{ partner: string; name: string }> | undefined, name: (id: string) => string): Detected | undefined {
  if (managers === undefined || managers.length === 0 || deal.partners.length === 0 || !isOpen(deal)) return undefined;
  if (deal.partners.some((p) => managers.some((m) => m.partner === p.partner))) return undefined;
  const claimants = sorted(deal.partners.map((p) => p.partner));
  const managerNames = listing(managers.map((m) => m.name));
  return {
    base: conflictBaseId('managed-customer', [deal.id], [...claimants, ...managers.map((m) => m.partner)]),
    kind: 'managed-customer',
    deals: [deal.id],
    partners: sorted([...claimants, ...managers.map((m) => m.partner)]),
    amount: deal.amount ?? null,
    evidence: `${deal.customerName} is managed by ${managerNames} (SERVES as manage), yet ${listing(claimants.map(name))} ${claimants.length === 1 ? 'claims' : 'claim'} ${deal.id}${deal.amount === undefined ? '' : ` (${money(deal.amount)})`} without ${managers.length === 1 ? 'it' : 'them'}.`,
    suggestedResolution: `Bring ${managerNames} into ${deal.id}, or settle it: the account manager counts as registered first, so first-registered drops the claim${claimants.length === 1 ? '' : 's'} to 0; role-split or proportional confirm ${claimants.length === 1 ? 'it' : 'them'}.`,
    claims: deal.partners.map((p) => claimOf(deal, p)),
  };
}

/**
 * Every open conflict: detected on the current data, minus those a stored
 * resolution left as they are now. Sorted by amount at stake (largest first), then id.
 */
export function detectConflicts(inputs: ConflictInputs): Conflict[] {
  const partnerNames = names(inputs);
  const name = (id: string) => partnerNames.get(id) ?? id;
  const detected: Detected[] = [];
  for (const deal of inputs.deals) {
    if (lost.has(deal.stage)) continue;
    const over = overClaimed(deal, name);
    if (over !== undefined) detected.push(over);
    detected.push(...channelConflicts(deal, name));
    const managed = managedCustomer(deal, inputs.managers.get(deal.customer), name);
    if (managed !== undefined) detected.push(managed);
  }
  detected.push(...duplicateRegistrations(inputs.deals, inputs.protection, name));

  const resolutionsOf = new Map<string, StoredResolution[]>();
  for (const r of inputs.resolutions) resolutionsOf.set(r.base, [...(resolutionsOf.get(r.base) ?? []), r]);
  const open: Conflict[] = [];
  for (const { base, ...conflict } of detected) {
    const earlier = resolutionsOf.get(base) ?? [];
    if (earlier.some((r) => sameClaims(r.audit.after, conflict.claims))) continue;
    open.push({ id: earlier.length === 0 ? base : `${base}-${earlier.length + 1}`, ...conflict, status: 'open' });
  }
  return open.sort((a, b) => (b.amount ?? -1) - (a.amount ?? -1) || compareIds(a.id, b.id));
}

/** The resolved conflicts, latest resolution first: the history, each with its audit. */
export function resolvedConflicts(resolutions: StoredResolution[]): Conflict[] {
  return resolutions
    .map((r): Conflict => ({ id: r.id, ...r.conflict, status: 'resolved', claims: r.audit.after, resolution: r.audit }))
    .sort((a, b) => compareIds(b.resolution!.at, a.resolution!.at) || compareIds(a.id, b.id));
}

/** What is wrong with a resolve request for this conflict, as the field and a message; null when nothing. */
export function checkResolveRequest(conflict: Conflict, request: ResolveRequest): { field: string; message: string } | null {
  if (request.policy !== 'manual') {
    return request.shares === undefined ? null : { field: 'body.shares', message: `shares are given with the manual policy only, not with "${request.policy}"` };
  }
  if (request.shares === undefined) return { field: 'body.shares', message: 'the manual policy needs shares: each partner of the conflict with its share, adding up to 1' };
  const stranger = Object.keys(request.shares).find((p) => !conflict.partners.includes(p));
  if (stranger !== undefined) return { field: `body.shares.${stranger}`, message: `partner "${stranger}" is not in the conflict; its partners are ${conflict.partners.map((p) => `"${p}"`).join(', ')}` };
  const total = Object.values(request.shares).reduce((sum, s) => sum + s, 0);
  if (Math.abs(total - 1) > SHARE_TOLERANCE) return { field: 'body.shares', message: `shares add up to ${total}, not 1` };
  return null;
}

/**
 * The conflict's claims after a policy, from every claim now stored on its
 * deals. Each deal's credit in dispute (its pool) is what the partners outside
 * the conflict leave: 1 minus their claimed shares, at least 0. The policies
 * share each pool between the conflict's claims on that deal:
 * - first-registered: all to the earliest registration of the conflict (ties
 *   share it; for a managed customer the account manager counts as first, so
 *   the claims drop to 0); a deal the first registrant is not on gives 0;
 * - role-split: by role weight (attribution's role-weighted defaults), equal within a role;
 * - proportional: in proportion to the claimed shares (equal when none is claimed);
 * - manual: each partner its given share of the pool.
 */
export function applyPolicy(conflict: Conflict, stored: Claim[], request: ResolveRequest): Claim[] {
  const inConflict = new Set(conflict.claims.map((c) => JSON.stringify([c.deal, c.partner, c.role])));
  const isDisputed = (c: Claim) => inConflict.has(JSON.stringify([c.deal, c.partner, c.role]));
  const current = stored.filter(isDisputed);
  const winners = firstRegistered(conflict, current);
  const after: Claim[] = [];
  for (const deal of conflict.deals) {
    const outside = stored.filter((c) => c.deal === deal && !isDisputed(c)).reduce((sum, c) => sum + (c.claimedShare ?? 0), 0);
    const pool = Math.max(0, 1 - outside);
    const claims = current.filter((c) => c.deal === deal);
    const weights = claims.map((c): number => {
      if (request.policy === 'first-registered') return winners.has(c.partner) ? 1 : 0;
      if (request.policy === 'role-split') return DEFAULT_ROLE_WEIGHTS[c.role] ?? 1;
      if (request.policy === 'proportional') return claims.some((x) => (x.claimedShare ?? 0) > 0) ? (c.claimedShare ?? 0) : 1;
      return request.shares?.[c.partner] ?? 0;
    });
    const total = weights.reduce((sum, w) => sum + w, 0);
    claims.forEach((c, i) => {
      const share = request.policy === 'manual' ? pool * weights[i]! : total === 0 ? 0 : (pool * weights[i]!) / total;
      after.push({ ...c, claimedShare: share });
    });
  }
  return after;
}

function firstRegistered(conflict: Conflict, claims: Claim[]): Set<string> {
  if (conflict.kind === 'managed-customer') return new Set();
  const times = claims.filter((c) => c.registeredAt !== null).map((c) => ({ partner: c.partner, at: Date.parse(c.registeredAt!) }));
  if (times.length === 0) return new Set(claims.map((c) => c.partner));
  const earliest = Math.min(...times.map((t) => t.at));
  return new Set(times.filter((t) => t.at === earliest).map((t) => t.partner));
}
