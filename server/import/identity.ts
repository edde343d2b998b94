/**
 * Identity resolution: the same company arriving from several systems becomes
 * one record. Two records are the same company when their normalised domains
 * match: the record that came first keeps its id; later ids become its
 * aliases, and the record keeps every source. When neither has a domain and
 * only their normalised names match, the match is uncertain ("Acme" the
 * reseller and "Acme" the customer's subsidiary): the record is kept apart and
 * the pair goes to the review queue, where a person accepts the merge (the id
 * becomes an alias, and later imports fold into it) or rejects it (never
 * asked again). So does a similar name ("Northwind Trader", "Northwind
 * Traders"; see fuzzy.ts), with its similarity, when neither has a domain.
 */
import { CAPABILITY_LEVELS, LIFECYCLE_STAGES, STANDARD_TIERS, type Customer, type Partner } from '../schemas/model.js';
import type { IdentityLookup, StoredIdentity } from '../store/graph-store.js';
import type { ReviewItem } from '../schemas/identity.js';
import { nameBlock, normaliseName } from '../store/records.js';
import { FUZZY_THRESHOLD, FuzzyNames } from './fuzzy.js';

export { normaliseName };

export function identityKey(record: { name: string; domain?: string | undefined }): string {
  return record.domain !== undefined ? `domain:${record.domain}` : `name:${normaliseName(record.name)}`;
}

const union = <T>(a: T[], b: T[]) => [...new Set([...a, ...b])];
const rank = <T>(list: readonly T[], value: T) => list.indexOf(value);

/** The higher of two tiers; a program-defined tier is kept over none but never outranks a standard one. */
function higherTier(a: string, b: string): string {
  return rank(STANDARD_TIERS, b as (typeof STANDARD_TIERS)[number]) > rank(STANDARD_TIERS, a as (typeof STANDARD_TIERS)[number]) ? b : a;
}

/** Folds `other` into `kept`: `kept`'s scalar fields win, lists are unioned, levels and stages take the most advanced. */
export function mergePartners(kept: Partner, other: Partner): Partner {
  const capabilities = new Map(kept.capabilities.map((c) => [c.id, c]));
  for (const c of other.capabilities) {
    const mine = capabilities.get(c.id);
    capabilities.set(
      c.id,
      mine === undefined
        ? c
        : { id: c.id, level: rank(CAPABILITY_LEVELS, c.level) > rank(CAPABILITY_LEVELS, mine.level) ? c.level : mine.level, certified: mine.certified || c.certified },
    );
  }
  const lifecycle = { ...other.lifecycle, ...kept.lifecycle };
  for (const [track, stage] of Object.entries(other.lifecycle)) {
    const mine = kept.lifecycle[track];
    if (mine !== undefined && rank(LIFECYCLE_STAGES, stage) > rank(LIFECYCLE_STAGES, mine) && mine !== 'churned') lifecycle[track] = stage;
  }
  return {
    ...other,
    ...kept,
    types: union(kept.types, other.types),
    tier: higherTier(kept.tier, other.tier),
    regions: union(kept.regions, other.regions),
    segments: union(kept.segments, other.segments),
    capabilities: [...capabilities.values()],
    lifecycle,
    sources: union(kept.sources, other.sources),
    aliases: union(kept.aliases, [other.id, ...other.aliases]).filter((id) => id !== kept.id),
  };
}

export function mergeCustomers(kept: Customer, other: Customer): Customer {
  return {
    ...other,
    ...kept,
    needs: union(kept.needs, other.needs),
    sources: union(kept.sources, other.sources),
    aliases: union(kept.aliases, [other.id, ...other.aliases]).filter((id) => id !== kept.id),
  };
}

export interface Merge {
  kind: 'partner' | 'customer';
  /** The id kept. */
  id: string;
  /** The ids folded into it. */
  merged: string[];
  /** Why: the shared domain or name. */
  key: string;
  /** The evidence in words: `same domain "acme.example"`, `same id`, `alias of an accepted review`. */
  evidence: string;
}

export type { ReviewItem } from '../schemas/identity.js';

export const reviewId = (kind: string, incoming: string, candidate: string) => `${kind}:${incoming}:${candidate}`;

function evidenceOf(key: string, sameId: boolean): string {
  if (sameId) return 'same id';
  const [kind, value] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  return kind === 'domain' ? `same domain "${value}"` : kind === 'alias' ? `known alias "${value}"` : `same normalised name "${value}"`;
}

/**
 * What the store must be asked for so that resolving these records (and
 * references to these ids) gives the same answer as matching against every
 * stored record: the ids and aliases themselves, and each record's key.
 */
export function identityLookup(incoming: Array<Partner | Customer>, referencedIds: string[]): IdentityLookup {
  return {
    ids: [...incoming.flatMap((r) => [r.id, ...r.aliases]), ...referencedIds],
    domains: incoming.flatMap((r) => (r.domain === undefined ? [] : [r.domain])),
    names: incoming.flatMap((r) => (r.domain === undefined ? [normaliseName(r.name)] : [])),
  };
}

/** The name blocks (first words) fuzzy matching reads stored candidates by: those of the incoming records without a domain. */
export function nameBlocksOf(incoming: Array<Partner | Customer>): string[] {
  return [...new Set(incoming.flatMap((r) => (r.domain === undefined ? [nameBlock(normaliseName(r.name))] : [])))];
}

/**
 * Resolves incoming records against each other and against the stored
 * records they can match (see identityLookup).
 * Returns the records to write (one per company), the map from every incoming
 * id to its kept id, the merges made and the uncertain matches to review.
 * `nameCandidates` are the stored records without a domain in the incoming
 * names' blocks (see nameBlocksOf), compared for similar names.
 */
export async function resolveIdentities<T extends Partner | Customer>(
  kind: 'partner' | 'customer',
  incoming: T[],
  stored: StoredIdentity[],
  loadStored: (ids: string[]) => Promise<T[]>,
  merge: (kept: T, other: T) => T,
  reviewsOf: (incoming: string[]) => Promise<ReviewItem[]> = async () => [],
  nameCandidates: StoredIdentity[] = [],
): Promise<{ records: T[]; canonical: Map<string, string>; merges: Merge[]; review: ReviewItem[]; stored: Set<string> }> {
  const byKey = new Map<string, string>();
  const canonical = new Map<string, string>();
  for (const s of stored) {
    canonical.set(s.id, s.id);
    for (const alias of s.aliases) canonical.set(alias, s.id);
    const key = identityKey(s);
    if (!byKey.has(key)) byKey.set(key, s.id);
  }
  const storedIds = new Set(stored.map((s) => s.id));
  const nameOf = new Map([...stored, ...incoming].map((r) => [r.id, r.name]));
  const similar = new FuzzyNames();
  for (const s of nameCandidates) if (s.domain === undefined) similar.add(s.id, s.name, normaliseName(s.name));

  // A name match without a domain is not merged but queued, unless a person already answered for the pair.
  const uncertain = incoming.filter((r) => r.domain === undefined && !canonical.has(r.id));
  const answered = new Set((await reviewsOf(uncertain.map((r) => r.id))).map((item) => reviewId(kind, item.incoming, item.candidate)));
  const review: ReviewItem[] = [];
  // Looked up once per uncertain record: a list scan made a bundle of 20,000 same-named records quadratic.
  const queued = new Set<string>();
  const queue = (r: T, candidate: string, candidateName: string, score: number, evidence: string) => {
    const id = reviewId(kind, r.id, candidate);
    if (answered.has(id) || queued.has(id)) return;
    queued.add(id);
    review.push({ id, kind, incoming: r.id, incomingName: r.name, candidate, candidateName, score, evidence, status: 'open' });
  };
  const keptIdOf = (r: T) => {
    const known = canonical.get(r.id);
    if (known !== undefined) return known;
    const match = byKey.get(identityKey(r));
    if (r.domain !== undefined) return match ?? r.id;
    if (match !== undefined) queue(r, match, nameOf.get(match) ?? match, 1, evidenceOf(identityKey(r), false) + ', neither has a domain');
    else {
      const key = normaliseName(r.name);
      const near = similar.nearest(key, r.id);
      if (near !== undefined) {
        const score = Math.floor(near.score * 1000) / 1000;
        queue(r, near.id, near.name, score, `similar names "${key}" and "${normaliseName(near.name)}" (similarity ${score}, at least ${FUZZY_THRESHOLD}), neither has a domain`);
      }
    }
    return r.id;
  };
  const keptIds = incoming.map((r) => {
    const id = keptIdOf(r);
    // A record kept as its own is a candidate for the similar names after it in the bundle.
    if (r.domain === undefined && id === r.id && !canonical.has(r.id)) similar.add(r.id, r.name, normaliseName(r.name));
    canonical.set(r.id, id);
    for (const alias of r.aliases) if (!canonical.has(alias)) canonical.set(alias, id);
    if (!byKey.has(identityKey(r))) byKey.set(identityKey(r), id);
    return id;
  });
  const touchedStored = [...new Set(keptIds.filter((id) => storedIds.has(id)))];
  const records = new Map<string, T>();
  for (const s of await loadStored(touchedStored)) records.set(s.id, s);

  const merges = new Map<string, Merge>();
  const seenInBundle = new Set<string>();
  incoming.forEach((r, i) => {
    const id = keptIds[i]!;
    const existing = records.get(id);
    const firstOfBundle = !seenInBundle.has(id);
    seenInBundle.add(id);
    if (existing === undefined) {
      records.set(id, r);
      return;
    }
    if (r.id === id && firstOfBundle) {
      // The same id again is an update from its source: its fields replace, its history stays.
      records.set(id, { ...r, sources: union(existing.sources, r.sources), aliases: union(existing.aliases, r.aliases) });
      return;
    }
    records.set(id, merge(existing, r));
    const m = merges.get(id) ?? { kind, id, merged: [], key: identityKey(existing), evidence: evidenceOf(identityKey(existing), r.id === id) };
    if (!m.merged.includes(r.id)) m.merged.push(r.id);
    merges.set(id, m);
  });
  return { records: [...records.values()], canonical, merges: [...merges.values()], review, stored: new Set(touchedStored) };
}
