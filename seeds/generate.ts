/**
 * Synthetic ecosystems of any size, deterministic for a seed:
 *
 *   npx tsx seeds/generate.ts --partners 100000 --customers 200000 --relationships 1000000 --seed 42 --out /tmp/eco-100k.json
 *   npx tsx seeds/generate.ts --partners 1000 --customers 2000 --relationships 10000 --format csv --out /tmp/eco-1k
 *
 * Shape: the demo's catalogue (regions, segments, capabilities, industries,
 * program tracks) and type mix. Partner popularity is Zipf-distributed over a
 * random ranking, and higher-ranked partners get higher tiers and more
 * regions, so degrees are heavy-tailed. A customer's partners work in its
 * region and segment. Relationships are SERVES for `servesShare` of the total
 * and partner↔partner links for the rest; no self-loops, and no two
 * relationships of one type between one pair (in either direction).
 *
 * Rows are produced one at a time into a sink: `generateBundle` collects them
 * (for tests and small sizes), `writeBundle` streams them to a JSON file (one
 * row per line) or to CSV files, in buffered chunks.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CSV_FILES, csvHeader, csvLine } from '../server/import/csv.js';
import type { Bundle, BundleSection } from '../server/schemas/bundle.js';
import { BUNDLE_SECTIONS, BUNDLE_VERSION } from '../server/schemas/bundle.js';
import { DEMO_PROGRAMS, historyOf } from './demo/programs.js';
import type { PartnerCapability, PartnerType } from '../server/schemas/model.js';
import { PARTNER_LINK_TYPES, PARTNER_TYPES } from '../server/schemas/model.js';
import {
  CAPABILITIES, COUNTRIES, createRng, CUSTOMER_PLACES, GENERAL_NEEDS, INDUSTRIES, INDUSTRY_IDS, lifecycleFor, NEIGHBOUR_REGIONS,
  PARTNER_CORES, PARTNER_PREFIXES, PARTNER_SUFFIXES, REGION_IDS, REGION_WEIGHTS, REGIONS, SECOND_ROLES, SEGMENTS, segmentsFor,
  SERVE_ROLE_OF, slug, TYPE_WEIGHTS,
} from './demo/build.js';
import type { RegionId, Rng } from './demo/build.js';

const MODULE = 'seeds/generate';

export interface GenerateOptions {
  partners: number;
  customers: number;
  /** Total relationships, SERVES and partner↔partner together. */
  relationships: number;
  seed: number;
  /** Defaults to one per 50 customers. */
  deals?: number;
  /** Defaults to one per 200 partners. */
  solutions?: number;
  /** Share of relationships that are SERVES. */
  servesShare?: number;
  /** Zipf exponent of partner popularity: higher is more concentrated. */
  skew?: number;
}

export const DEFAULTS = { partners: 1000, customers: 2000, relationships: 10_000, seed: 42, servesShare: 0.75, skew: 0.9 } as const;

export interface GenerateCounts {
  partners: number;
  customers: number;
  relationships: number;
  serves: number;
  links: number;
  deals: number;
  solutions: number;
}

type Sink = (section: BundleSection, row: object) => void;

// ---------- weighted sampling ----------

/** Members with cumulative weights; sampling is a binary search. */
class WeightedPool {
  private constructor(
    readonly members: Int32Array,
    private readonly cumulative: Float64Array,
  ) {}

  static of(members: number[], weight: (member: number) => number): WeightedPool {
    const cumulative = new Float64Array(members.length);
    let total = 0;
    members.forEach((m, i) => {
      total += weight(m);
      cumulative[i] = total;
    });
    return new WeightedPool(Int32Array.from(members), cumulative);
  }

  get size(): number {
    return this.members.length;
  }

  sample(rng: Rng): number {
    const target = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.members[lo]!;
  }
}

// ---------- rows ----------

const TYPE_BIT = Object.fromEntries(PARTNER_TYPES.map((t, i) => [t, 1 << i])) as Record<PartnerType, number>;
const SEGMENT_IDS = SEGMENTS.map((s) => s.id);
const CATEGORIES = [...new Set(CAPABILITIES.map((c) => c.category!))];
const CAPS_BY_CATEGORY = new Map(CATEGORIES.map((cat) => [cat, CAPABILITIES.filter((c) => c.category === cat).map((c) => c.id)]));
const ALL_CAPS = CAPABILITIES.map((c) => c.id);
/** Marketplaces are few in real programs: a far smaller weight than in the demo's hand-placed four. */
const GENERATED_TYPE_WEIGHTS: Array<[PartnerType, number]> = TYPE_WEIGHTS.map(([t, w]) => [t, t === 'marketplace' ? 0.15 : w]);
const DEAL_ROLE: Record<PartnerType, string> = {
  reseller: 'sourcing', service: 'delivery', technology: 'technology', referral: 'referral', msp: 'operations', marketplace: 'transaction',
};

function tierForRank(rank: number, total: number): string {
  const q = rank / total;
  return q < 0.02 ? 'platinum' : q < 0.1 ? 'gold' : q < 0.35 ? 'silver' : 'registered';
}

function partnerCapabilities(rng: Rng, main: PartnerType): PartnerCapability[] {
  const count = { technology: rng.int(2, 4), service: rng.int(3, 6), msp: rng.int(2, 4), reseller: rng.int(0, 2), referral: rng.int(0, 1), marketplace: 0 }[main];
  const focus = CAPS_BY_CATEGORY.get(rng.pick(CATEGORIES))!;
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(rng.chance(0.65) ? rng.pick(focus) : rng.pick(ALL_CAPS));
  return [...chosen].map((id) => {
    const level = main === 'reseller' || main === 'referral' ? 'basic' : rng.weighted<PartnerCapability['level']>([['basic', 3], ['advanced', 4], ['certified', 2]]);
    return { id, level, certified: level === 'certified' || (level === 'advanced' && rng.chance(0.25)) };
  });
}

/** Unique names: combinations first, then a numeral once they run out. */
/** Per set of used names, the suffix each base's search resumes from: names are never removed, so the smaller ones are taken. */
const nextSuffix = new WeakMap<Set<string>, Map<string, number>>();

function uniqueName(used: Set<string>, base: string, separator = ' '): string {
  if (!used.has(base)) {
    used.add(base);
    return base;
  }
  // Resuming instead of counting from 2 each time: 2,000,000 customers over a few thousand base names took hours.
  const next = nextSuffix.get(used) ?? new Map<string, number>();
  nextSuffix.set(used, next);
  const key = `${base}${separator}`;
  for (let n = next.get(key) ?? 2; ; n++) {
    const name = `${key}${n}`;
    if (!used.has(name)) {
      used.add(name);
      next.set(key, n + 1);
      return name;
    }
  }
}

/** ISO timestamps within 2024-01-01 … 2025-06-30, cheap to make a million of. */
function timestamps(rng: Rng): () => string {
  const days: string[] = [];
  for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2025, 5, 30); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return () => `${rng.pick(days)}T${two(rng.int(0, 23))}:${two(rng.int(0, 59))}:00Z`;
}

/** Produces a bundle's rows, section by section in BUNDLE_SECTIONS order, into `emit`. */
export function generateRows(input: Partial<GenerateOptions>, emit: Sink): GenerateCounts {
  const options = { ...DEFAULTS, ...input };
  const { partners: P, customers: C, relationships: R, seed, servesShare, skew } = options;
  for (const [name, value] of Object.entries({ partners: P, customers: C, relationships: R, seed })) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${MODULE}: ${name} must be a non-negative integer, got ${value}`);
  }
  if (P < 2 && R > 0) throw new Error(`${MODULE}: relationships need at least two partners`);
  const serveTarget = C === 0 ? 0 : Math.min(Math.round(R * servesShare), R);
  const linkTarget = R - serveTarget;
  if (serveTarget > P * C * 0.5 || linkTarget > ((P * (P - 1)) / 2) * 0.5) {
    throw new Error(`${MODULE}: ${R} relationships are too many for ${P} partners and ${C} customers`);
  }
  const dealCount = options.deals ?? (C === 0 || P === 0 ? 0 : Math.max(1, Math.round(C / 50)));
  const solutionCount = options.solutions ?? (P === 0 ? 0 : Math.max(1, Math.round(P / 200)));
  const rng = createRng(seed);
  // Lifecycle histories draw from a stream of their own: the rest is drawn as before they existed.
  const historyRng = createRng(seed ^ 0x5bd1e995);
  const stamp = timestamps(rng);

  for (const c of CAPABILITIES) emit('capabilities', c);
  for (const r of REGIONS) emit('regions', { ...r });
  for (const s of SEGMENTS) emit('segments', { ...s });

  // Partners: a random popularity ranking decides tier, reach and how often each is picked.
  const rank = new Int32Array(P);
  for (let i = 0; i < P; i++) rank[i] = i;
  for (let i = P - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [rank[i], rank[j]] = [rank[j]!, rank[i]!];
  }
  const popularity = (p: number) => 1 / (rank[p]! + 1) ** skew;
  const typeMask = new Uint8Array(P);
  const mainType = new Uint8Array(P);
  const regionMask = new Uint8Array(P);
  const segmentMask = new Uint8Array(P);
  const homeRegion = new Uint8Array(P);
  const names = new Set<string>();
  const domains = new Set<string>();
  const width = String(Math.max(P, C)).length;
  const partnerId = (p: number) => `p-${String(p + 1).padStart(width, '0')}`;
  const customerId = (c: number) => `c-${String(c + 1).padStart(width, '0')}`;

  // What solutions are built from: each partner's capabilities, who left the programme, who implements whom.
  const heldCapabilities: string[][] = [];
  const churnedEverywhere = new Uint8Array(P);
  const implementersOf = new Map<number, number[]>();
  for (let p = 0; p < P; p++) {
    const main = rng.weighted(GENERATED_TYPE_WEIGHTS);
    const types: PartnerType[] = [main];
    if (rng.chance(0.15)) types.push(rng.pick(SECOND_ROLES[main]));
    const tier = tierForRank(rank[p]!, P);
    const home = rng.weighted(REGION_WEIGHTS);
    const regions = new Set<RegionId>([home]);
    if (main === 'marketplace' || (tier === 'platinum' && rng.chance(0.6))) for (const r of rng.sample(REGION_IDS, rng.int(3, 6))) regions.add(r);
    else if (rng.chance(tier === 'registered' ? 0.15 : 0.4)) regions.add(rng.pick(NEIGHBOUR_REGIONS[home]));
    const segments = segmentsFor(rng, main, tier);
    const base = `${rng.pick(PARTNER_PREFIXES[home])} ${rng.pick(rng.pick(Object.values(PARTNER_CORES)))} ${rng.pick(PARTNER_SUFFIXES[main])}`;
    const name = uniqueName(names, base);
    const domain = uniqueName(domains, slug(name).replace(/-/g, ''), '-');

    for (const t of types) typeMask[p]! |= TYPE_BIT[t];
    mainType[p] = PARTNER_TYPES.indexOf(main);
    for (const r of regions) regionMask[p]! |= 1 << REGION_IDS.indexOf(r);
    for (const s of segments) segmentMask[p]! |= 1 << SEGMENT_IDS.indexOf(s as (typeof SEGMENT_IDS)[number]);
    homeRegion[p] = REGION_IDS.indexOf(home);
    // Drawn in this order, as they always were.
    const capabilities = partnerCapabilities(rng, main);
    const lifecycle = lifecycleFor(rng, types, tier);
    heldCapabilities.push(capabilities.map((c) => c.id));
    const stages = Object.values(lifecycle);
    churnedEverywhere[p] = stages.length > 0 && stages.every((stage) => stage === 'churned') ? 1 : 0;
    emit('partners', {
      id: partnerId(p),
      name,
      domain: `${domain}.example`,
      types,
      tier,
      regions: REGION_IDS.filter((r) => regions.has(r)),
      segments,
      capabilities,
      lifecycle,
      lifecycleHistory: Object.entries(lifecycle).flatMap(([track, stage]) => historyOf(historyRng, track, stage)).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.track < b.track ? -1 : 1)),
      country: rng.pick(COUNTRIES[home]),
      sources: main === 'marketplace' ? ['marketplace'] : rng.weighted<string[]>([[['prm'], 5], [['crm'], 2], [['crm', 'prm'], 3]]),
      aliases: [],
    });
  }

  // Pools: partners by (region, segment) for SERVES, by (type, region) and type for links; Zipf-weighted.
  const byRank = (members: number[]) => members.sort((a, b) => rank[a]! - rank[b]!);
  const servePools: WeightedPool[] = [];
  const regionPools: WeightedPool[] = [];
  for (let r = 0; r < REGION_IDS.length; r++) {
    const inRegion = byRank([...Array(P).keys()].filter((p) => regionMask[p]! & (1 << r)));
    regionPools.push(WeightedPool.of(inRegion, popularity));
    for (let s = 0; s < SEGMENT_IDS.length; s++) servePools.push(WeightedPool.of(inRegion.filter((p) => segmentMask[p]! & (1 << s)), popularity));
  }
  const everyone = WeightedPool.of(byRank([...Array(P).keys()]), popularity);
  const typePools = new Map<string, WeightedPool>();
  for (const type of PARTNER_TYPES) {
    const ofType = byRank([...Array(P).keys()].filter((p) => typeMask[p]! & TYPE_BIT[type]));
    typePools.set(type, WeightedPool.of(ofType, popularity));
    for (let r = 0; r < REGION_IDS.length; r++) typePools.set(`${type}|${r}`, WeightedPool.of(ofType.filter((p) => regionMask[p]! & (1 << r)), popularity));
  }
  /** The first non-empty of the candidate pools. */
  const firstPool = (...pools: Array<WeightedPool | undefined>) => pools.find((pool) => pool !== undefined && pool.size > 0) ?? everyone;

  // Customers.
  const customerRegion = new Uint8Array(C);
  const customerSegment = new Uint8Array(C);
  const customerNames = new Set<string>();
  const customerNeeds: string[][] = [];
  for (let c = 0; c < C; c++) {
    const region = rng.weighted(REGION_WEIGHTS);
    const segment = rng.weighted<(typeof SEGMENT_IDS)[number]>([['smb', 30], ['midmarket', 35], ['enterprise', 25], ['public', 10]]);
    const industry = segment === 'public' ? rng.weighted([['public-sector', 6], ['education', 3], ['healthcare', 2]]) : rng.pick(INDUSTRY_IDS.filter((i) => i !== 'public-sector'));
    const profile = INDUSTRIES[industry]!;
    const needs = [...new Set([...rng.sample(profile.needs, rng.int(1, 3)), ...rng.sample(GENERAL_NEEDS, rng.int(0, 2))])];
    const name = uniqueName(customerNames, `${rng.pick(CUSTOMER_PLACES[region])} ${rng.pick(profile.names)}`);
    customerRegion[c] = REGION_IDS.indexOf(region);
    customerSegment[c] = SEGMENT_IDS.indexOf(segment);
    customerNeeds.push(needs);
    emit('customers', {
      id: customerId(c),
      name,
      domain: `${slug(name)}.test`,
      segment,
      industry,
      region,
      needs,
      sources: ['crm'],
      aliases: [],
    });
  }

  // SERVES: every customer gets one partner first, then customers draw more; partners come from their pool.
  const serves = new Set<number>();
  let serveCount = 0;
  const servePool = (c: number) => firstPool(servePools[customerRegion[c]! * SEGMENT_IDS.length + customerSegment[c]!], regionPools[customerRegion[c]!]);
  for (let attempts = 0; serveCount < serveTarget; attempts++) {
    if (attempts > serveTarget * 30) throw new Error(`${MODULE}: placed only ${serveCount} of ${serveTarget} SERVES relationships`);
    const c = serveCount < C ? serveCount : rng.int(0, C - 1);
    const p = servePool(c).sample(rng);
    const key = p * C + c;
    if (serves.has(key)) continue;
    serves.add(key);
    serveCount++;
    const role = SERVE_ROLE_OF[PARTNER_TYPES[mainType[p]!]!];
    const segment = SEGMENT_IDS[customerSegment[c]!]!;
    const median = segment === 'enterprise' ? 300_000 : segment === 'public' ? 150_000 : segment === 'midmarket' ? 60_000 : 12_000;
    emit('relationships', {
      from: partnerId(p),
      to: customerId(c),
      type: 'SERVES',
      role,
      since: String(rng.int(2015, 2024)),
      ...(role === 'refer' ? {} : { annualValue: rng.amount(median, 0.7, 100) }),
      source: role === 'resell' ? 'crm' : mainType[p] === PARTNER_TYPES.indexOf('marketplace') ? 'marketplace' : 'prm',
      updatedAt: stamp(),
    });
  }
  serves.clear();

  // Partner↔partner: each partner starts one link in its own role, then links follow the type mix.
  type LinkType = (typeof PARTNER_LINK_TYPES)[number];
  const LINK_OF_TYPE: Record<PartnerType, LinkType> = {
    service: 'IMPLEMENTS', reseller: 'RESELLS', msp: 'RESELLS', marketplace: 'RESELLS', technology: 'INTEGRATES_WITH', referral: 'REFERS_TO',
  };
  const TARGET: Record<LinkType, PartnerType[]> = {
    IMPLEMENTS: ['technology'], RESELLS: ['technology'], INTEGRATES_WITH: ['technology'], REFERS_TO: ['reseller', 'service'], CO_SELLS_WITH: ['service'],
  };
  const STARTER: Record<LinkType, PartnerType[]> = {
    IMPLEMENTS: ['service'], RESELLS: ['reseller', 'reseller', 'msp', 'marketplace'], INTEGRATES_WITH: ['technology'], REFERS_TO: ['referral'], CO_SELLS_WITH: ['reseller'],
  };
  const LINK_MIX: Array<[LinkType, number]> = [['IMPLEMENTS', 30], ['RESELLS', 30], ['INTEGRATES_WITH', 10], ['REFERS_TO', 12], ['CO_SELLS_WITH', 18]];
  const links = new Set<number>();
  let linkCount = 0;
  for (let attempts = 0; linkCount < linkTarget; attempts++) {
    if (attempts > linkTarget * 30) throw new Error(`${MODULE}: placed only ${linkCount} of ${linkTarget} partner relationships`);
    let from: number;
    let type: LinkType;
    if (attempts < P) {
      from = attempts;
      type = LINK_OF_TYPE[PARTNER_TYPES[mainType[from]!]!];
    } else {
      type = rng.weighted(LINK_MIX);
      from = firstPool(typePools.get(rng.pick(STARTER[type]))).sample(rng);
    }
    // Mostly someone in the partner's home region; sometimes anyone of the right type.
    const targetType = rng.pick(TARGET[type]);
    const to = firstPool(rng.chance(0.8) ? typePools.get(`${targetType}|${homeRegion[from]}`) : undefined, typePools.get(targetType)).sample(rng);
    if (from === to) continue;
    const key = (Math.min(from, to) * P + Math.max(from, to)) * PARTNER_LINK_TYPES.length + PARTNER_LINK_TYPES.indexOf(type);
    if (links.has(key)) continue;
    links.add(key);
    linkCount++;
    if (type === 'IMPLEMENTS' && typeMask[from]! & TYPE_BIT.service && typeMask[to]! & TYPE_BIT.technology) {
      const list = implementersOf.get(to) ?? [];
      list.push(from);
      implementersOf.set(to, list);
    }
    emit('relationships', {
      from: partnerId(from),
      to: partnerId(to),
      type,
      source: type === 'RESELLS' && mainType[from] === PARTNER_TYPES.indexOf('marketplace') ? 'marketplace' : rng.chance(0.7) ? 'prm' : 'crm',
      updatedAt: stamp(),
    });
  }
  links.clear();

  // Deals: partners from the customer's pool; about one in forty is claimed over 100% between two partners.
  // Close and registration dates come from a generator of their own, so the rest is drawn as before.
  // About one open deal in thirty is a duplicate registration: a second partner of the same type registers the
  // previous open deal's opportunity (same customer and needs) 1–30 days later, inside every track's protection
  // window; those draws too come from a generator of their own.
  const dealDates = createRng(seed + 1);
  const duplicates = createRng(seed + 2);
  let lastOpen: { customer: number; needs: string[]; partner: number; registeredAt: number } | undefined;
  const day = 86_400_000;
  for (let d = 0; d < dealCount; d++) {
    const c = rng.int(0, C - 1);
    const pool = servePool(c);
    const chosen = [...new Set(Array.from({ length: rng.int(1, 3) }, () => pool.sample(rng)))];
    const conflict = chosen.length === 2 && rng.chance(0.05);
    const shares = conflict ? [0.7, 0.6] : chosen.length === 1 ? [1] : chosen.length === 2 ? [0.6, 0.4] : [0.5, 0.3, 0.2];
    const needs = customerNeeds[c]!;
    const stage = rng.weighted([['open', 3], ['qualified', 3], ['proposal', 2], ['won', 3], ['lost', 1]]);
    // Closed over 2024–2025; partners registered up to 180 days before the close (or the end of 2025 for open deals).
    const closedAt = Date.UTC(2024, 0, 1) + dealDates.int(0, 729) * day;
    const registeredBefore = stage === 'won' || stage === 'lost' ? closedAt : Date.UTC(2025, 11, 31);
    const deal = {
      id: `d-${String(d + 1).padStart(String(dealCount).length, '0')}`,
      customer: customerId(c),
      region: REGION_IDS[customerRegion[c]!]!,
      needs: rng.sample(needs, rng.int(1, needs.length)),
      amount: rng.amount(SEGMENT_IDS[customerSegment[c]!] === 'enterprise' ? 500_000 : 80_000, 0.6, 1000),
      stage,
      ...(stage === 'won' || stage === 'lost' ? { closedAt: new Date(closedAt).toISOString() } : {}),
      partners: chosen.map((p, k) => ({
        partner: partnerId(p),
        role: DEAL_ROLE[PARTNER_TYPES[mainType[p]!]!],
        claimedShare: shares[k]!,
        registeredAt: new Date(registeredBefore - dealDates.int(1, 180) * day).toISOString(),
      })),
    };
    const open = stage !== 'won' && stage !== 'lost';
    if (open && lastOpen !== undefined && duplicates.chance(1 / 30)) {
      const type = PARTNER_TYPES[mainType[lastOpen.partner]!]!;
      const rival = firstPool(typePools.get(type)).sample(duplicates);
      if (rival !== lastOpen.partner) {
        const registeredAt = new Date(lastOpen.registeredAt + duplicates.int(1, 30) * day).toISOString();
        emit('deals', { ...deal, customer: customerId(lastOpen.customer), region: REGION_IDS[customerRegion[lastOpen.customer]!]!, needs: lastOpen.needs, partners: [{ partner: partnerId(rival), role: DEAL_ROLE[type], claimedShare: 1, registeredAt }] });
        lastOpen = undefined;
        continue;
      }
    }
    emit('deals', deal);
    if (open) lastOpen = { customer: c, needs: deal.needs, partner: chosen[0]!, registeredAt: Date.parse(deal.partners[0]!.registeredAt) };
  }

  // Solutions: a technology partner with one to three of the service partners that implement it, around
  // capabilities its members hold, sold where they operate; nobody who left the programme. One in twenty-five
  // pairs the technology with any service partner instead (most likely unrelated: broken), one in twenty is also
  // sold in a region no member operates in (at risk).
  const live = (p: number) => churnedEverywhere[p] === 0;
  for (let s = 0; s < solutionCount; s++) {
    let tech = firstPool(typePools.get('technology')).sample(rng);
    for (let tries = 0; tries < 50 && !(live(tech) && (implementersOf.get(tech) ?? []).some(live)); tries++) tech = firstPool(typePools.get('technology')).sample(rng);
    const services = s % 25 === 24 ? [firstPool(typePools.get('service')).sample(rng)] : rng.sample((implementersOf.get(tech) ?? []).filter(live), rng.int(1, 3));
    const members = [...new Set([tech, ...services])];
    const held = [...new Set(members.flatMap((m) => heldCapabilities[m]!))].sort();
    const capabilities = rng.sample(held.length > 0 ? held : ALL_CAPS, rng.int(2, 3));
    let mask = 0;
    for (const m of members) mask |= regionMask[m]!;
    const uncovered = REGION_IDS.filter((_, i) => (mask & (1 << i)) === 0);
    if (s % 20 === 19 && uncovered.length > 0) mask |= 1 << REGION_IDS.indexOf(rng.pick(uncovered));
    emit('solutions', {
      id: `s-${String(s + 1).padStart(String(solutionCount).length, '0')}`,
      name: `${rng.pick(PARTNER_PREFIXES[rng.pick(REGION_IDS)])} ${CAPABILITIES.find((c) => c.id === capabilities[0])!.name} Suite`,
      partners: members.map(partnerId),
      capabilities,
      regions: REGION_IDS.filter((_, i) => (mask & (1 << i)) !== 0),
    });
  }
  heldCapabilities.length = 0;
  implementersOf.clear();

  for (const track of DEMO_PROGRAMS) emit('programs', track);

  // Sharing by index, not by the random stream, so that the rest of a seed's ecosystem stays as it was:
  // one partner in 20 shares counts by default; one in 10 shows its next partner the overlaps, one in 100 everything.
  for (let p = 0; p < P; p++) {
    const next = p % 100 === 7 ? 'everything' : p % 10 === 3 ? 'overlaps' : undefined;
    if (p % 20 !== 0 && next === undefined) continue;
    emit('sharing', { partner: partnerId(p), ...(p % 20 === 0 ? { default: 'counts' } : {}), ...(next === undefined || P < 2 ? {} : { partners: { [partnerId((p + 1) % P)]: next } }) });
  }

  return { partners: P, customers: C, relationships: serveCount + linkCount, serves: serveCount, links: linkCount, deals: dealCount, solutions: solutionCount };
}

/** A whole bundle in memory: for tests and sizes up to some hundred thousand rows. */
export function generateBundle(options: Partial<GenerateOptions>): Bundle {
  const rows: Record<BundleSection, object[]> = { capabilities: [], regions: [], segments: [], partners: [], customers: [], relationships: [], deals: [], solutions: [], programs: [], sharing: [] };
  generateRows(options, (section, row) => rows[section].push(row));
  return { version: BUNDLE_VERSION, ...rows } as Bundle;
}

// ---------- streaming writers ----------

const SECTIONS = Object.keys(BUNDLE_SECTIONS) as BundleSection[];
const FLUSH_AT = 1 << 20;

/** Appends text to a file descriptor in chunks of about a megabyte. */
class ChunkedFile {
  private readonly fd: number;
  private parts: string[] = [];
  private length = 0;
  bytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    if (this.length >= FLUSH_AT) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    this.bytes += writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.length = 0;
  }
}

/** Bundle JSON with one row per line; sections open and close as rows arrive in section order. */
function jsonSink(path: string): { sink: Sink; close: () => number } {
  const file = new ChunkedFile(path);
  let current = -1;
  let first = true;
  const openUpTo = (index: number) => {
    while (current < index) {
      if (current >= 0) file.write(first ? '],\n' : '\n],\n');
      current++;
      file.write(`${JSON.stringify(SECTIONS[current])}: [`);
      first = true;
    }
  };
  file.write(`{\n"version": ${BUNDLE_VERSION},\n`);
  return {
    sink: (section, row) => {
      const index = SECTIONS.indexOf(section);
      if (index < current) throw new Error(`${MODULE}: ${section} rows after later sections`);
      openUpTo(index);
      file.write(`${first ? '\n' : ',\n'}${JSON.stringify(row)}`);
      first = false;
    },
    close: () => {
      openUpTo(SECTIONS.length - 1);
      file.write(first ? ']\n}\n' : '\n]\n}\n');
      file.close();
      return file.bytes;
    },
  };
}

/** One CSV file per section in `directory`, each with its header even when empty. */
function csvSink(directory: string): { sink: Sink; close: () => number } {
  mkdirSync(directory, { recursive: true });
  const files = new Map<BundleSection, ChunkedFile>();
  const fileFor = (section: BundleSection) => {
    let file = files.get(section);
    if (file === undefined) {
      file = new ChunkedFile(join(directory, CSV_FILES[section].file));
      file.write(csvHeader(section));
      files.set(section, file);
    }
    return file;
  };
  return {
    sink: (section, row) => fileFor(section).write(csvLine(section, row)),
    close: () => {
      let bytes = 0;
      for (const section of SECTIONS) {
        const file = fileFor(section);
        file.close();
        bytes += file.bytes;
      }
      return bytes;
    },
  };
}

/** Generates straight to disk: a JSON file, or a directory of CSV files. */
export function writeBundle(options: Partial<GenerateOptions>, out: string, format: 'json' | 'csv' = 'json'): GenerateCounts & { bytes: number } {
  const { sink, close } = format === 'csv' ? csvSink(out) : jsonSink(out);
  const counts = generateRows(options, sink);
  return { ...counts, bytes: close() };
}

// ---------- command line ----------

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      partners: { type: 'string' },
      customers: { type: 'string' },
      relationships: { type: 'string' },
      seed: { type: 'string' },
      deals: { type: 'string' },
      solutions: { type: 'string' },
      format: { type: 'string', default: 'json' },
      out: { type: 'string' },
    },
  });
  if (values.out === undefined) throw new Error(`${MODULE}: --out is required (a .json file, or a directory with --format csv)`);
  if (values.format !== 'json' && values.format !== 'csv') throw new Error(`${MODULE}: --format must be json or csv`);
  const integer = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new Error(`${MODULE}: --${name} must be a whole number, got "${text}"`);
    return Number(text);
  };
  const options: Partial<GenerateOptions> = Object.fromEntries(
    (['partners', 'customers', 'relationships', 'seed', 'deals', 'solutions'] as const)
      .map((name) => [name, integer(name, values[name])])
      .filter(([, v]) => v !== undefined),
  );
  const started = performance.now();
  const result = writeBundle(options, values.out, values.format);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${values.out}: ${result.partners} partners, ${result.customers} customers, ${result.relationships} relationships ` +
      `(${result.serves} SERVES, ${result.links} partner links), ${result.deals} deals, ${result.solutions} solutions; ` +
      `${(result.bytes / 1e6).toFixed(1)} MB in ${seconds} s`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
