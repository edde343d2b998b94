/**
 * The demo ecosystem: about 220 partners and 350 customers of a fictional
 * vendor's partner program, with planted "stories" that the analytics are
 * expected to find (a capability gap, a top introduction, a broker, a
 * zero-supply gap, a deal team, a partner arriving from two systems,
 * isolated partners and single points of failure, deal-share conflicts).
 *
 *   npx tsx seeds/demo/build.ts
 *
 * writes seeds/demo/bundle.json, seeds/demo/csv/*.csv and seeds/demo/STORIES.md.
 * The output depends only on DEMO_SEED: the background is drawn from curated
 * word lists with a seeded PRNG, the stories are placed by hand, and
 * `buildDemoBundle` checks every story before returning (a change that breaks
 * one fails the build, not the demo).
 *
 * Every name and domain is made up (.example for partners, .test for
 * customers). This module also exports the catalogue and the PRNG that
 * seeds/generate.ts reuses.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleToCsv } from '../../server/import/csv.js';
import { attributeDeal, coalitionStats, isClosed } from '../../server/operations/attribution.js';
import { ATTRIBUTION_MODELS, type DealRecord } from '../../server/schemas/attribution.js';
import { Bundle } from '../../server/schemas/bundle.js';
import { Customer as CustomerSchema, Deal as DealSchema, normaliseDomain, Partner as PartnerSchema, Solution as SolutionSchema } from '../../server/schemas/model.js';
import type { Capability, Customer, Deal, LifecycleStage, Partner, PartnerCapability, PartnerType, Relationship, Solution } from '../../server/schemas/model.js';
import { evaluateTiers } from '../../server/operations/tiers.js';
import { checkSolutionStory, plantSolutionStories, solutionStoryMarkdown } from './solutions.js';
import { checkSharingStory, DEMO_SHARING, sharingStoryMarkdown } from './sharing.js';
import { lifecycleFunnel } from '../../server/operations/funnel.js';
import { checkConflictStory, conflictStoryMarkdown, plantConflictDeals } from './conflicts.js';
import { activitiesFromBundle, DEMO_PROGRAMS, HISTORY_AS_OF, plantProgrammes, standingsFromBundle, type ProgramStory } from './programs.js';

export const DEMO_SEED = 20240611;

// ---------- seeded randomness ----------

/** mulberry32: a small, fast 32-bit PRNG; plenty for synthetic data, and identical on every platform. */
export function createRng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('seeds/demo/build: pick from an empty list');
    return items[Math.floor(next() * items.length)]!;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number): boolean => next() < p,
    pick,
    weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [value, w] of entries) {
        r -= w;
        if (r < 0) return value;
      }
      return entries[entries.length - 1]![0];
    },
    /** Up to k distinct items, in random order. */
    sample<T>(items: readonly T[], k: number): T[] {
      const copy = [...items];
      const out: T[] = [];
      while (out.length < k && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]!);
      return out;
    },
    /** A log-normal amount around `median`, rounded to `step`. */
    amount(median: number, spread: number, step: number): number {
      const gauss = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      return Math.max(step, Math.round((median * Math.exp(spread * gauss)) / step) * step);
    },
  };
}
export type Rng = ReturnType<typeof createRng>;

// ---------- catalogue (shared with seeds/generate.ts) ----------

export const REGIONS = [
  { id: 'na-east', name: 'North America East' },
  { id: 'na-west', name: 'North America West' },
  { id: 'latam', name: 'Latin America' },
  { id: 'emea-north', name: 'EMEA North' },
  { id: 'emea-south', name: 'EMEA South' },
  { id: 'apac', name: 'Asia Pacific' },
] as const;
export type RegionId = (typeof REGIONS)[number]['id'];
export const REGION_IDS: RegionId[] = REGIONS.map((r) => r.id);
/** Where partners are based, roughly as in a global program. */
export const REGION_WEIGHTS: Array<[RegionId, number]> = [
  ['na-east', 24], ['na-west', 17], ['latam', 10], ['emea-north', 20], ['emea-south', 14], ['apac', 15],
];
/** A second region a partner is likely to expand into. */
export const NEIGHBOUR_REGIONS: Record<RegionId, RegionId[]> = {
  'na-east': ['na-west', 'latam', 'emea-north'],
  'na-west': ['na-east', 'apac', 'latam'],
  latam: ['na-east', 'na-west', 'emea-south'],
  'emea-north': ['emea-south', 'na-east', 'apac'],
  'emea-south': ['emea-north', 'latam'],
  apac: ['na-west', 'emea-north'],
};
export const COUNTRIES: Record<RegionId, string[]> = {
  'na-east': ['US', 'US', 'US', 'CA'],
  'na-west': ['US', 'US', 'CA'],
  latam: ['BR', 'MX', 'CO', 'CL', 'AR', 'PE'],
  'emea-north': ['GB', 'DE', 'NL', 'SE', 'DK', 'FI', 'IE', 'NO'],
  'emea-south': ['ES', 'IT', 'PT', 'FR', 'GR'],
  apac: ['AU', 'SG', 'JP', 'IN', 'NZ', 'KR'],
};

export const SEGMENTS = [
  { id: 'smb', name: 'Small business' },
  { id: 'midmarket', name: 'Mid-market' },
  { id: 'enterprise', name: 'Enterprise' },
  { id: 'public', name: 'Public sector' },
] as const;
export type SegmentId = (typeof SEGMENTS)[number]['id'];

export const CAPABILITIES: Capability[] = [
  { id: 'cap-identity-access', name: 'Identity & access management', category: 'security' },
  { id: 'cap-zero-trust', name: 'Zero-trust architecture', category: 'security' },
  { id: 'cap-siem-soc', name: 'SIEM & managed SOC', category: 'security' },
  { id: 'cap-endpoint-security', name: 'Endpoint security', category: 'security' },
  { id: 'cap-quantum-safe-crypto', name: 'Post-quantum cryptography', category: 'security' },
  { id: 'cap-data-warehouse', name: 'Cloud data warehouse', category: 'data' },
  { id: 'cap-data-governance', name: 'Data governance & privacy', category: 'data' },
  { id: 'cap-data-integration', name: 'Data integration & ETL', category: 'data' },
  { id: 'cap-bi-analytics', name: 'BI & analytics', category: 'data' },
  { id: 'cap-streaming-data', name: 'Streaming data', category: 'data' },
  { id: 'cap-cloud-migration', name: 'Cloud migration', category: 'cloud' },
  { id: 'cap-kubernetes', name: 'Kubernetes platforms', category: 'cloud' },
  { id: 'cap-finops', name: 'FinOps & cloud cost', category: 'cloud' },
  { id: 'cap-multicloud-ops', name: 'Multi-cloud operations', category: 'cloud' },
  { id: 'cap-serverless', name: 'Serverless applications', category: 'cloud' },
  { id: 'cap-fedramp-hosting', name: 'FedRAMP-authorised hosting', category: 'cloud' },
  { id: 'cap-ml-ops', name: 'MLOps', category: 'ai' },
  { id: 'cap-genai-apps', name: 'Generative AI applications', category: 'ai' },
  { id: 'cap-computer-vision', name: 'Computer vision', category: 'ai' },
  { id: 'cap-nlp-search', name: 'NLP & enterprise search', category: 'ai' },
  { id: 'cap-sd-wan', name: 'SD-WAN', category: 'networking' },
  { id: 'cap-sase', name: 'SASE', category: 'networking' },
  { id: 'cap-5g-private', name: 'Private 5G', category: 'networking' },
  { id: 'cap-network-automation', name: 'Network automation', category: 'networking' },
  { id: 'cap-unified-comms', name: 'Unified communications', category: 'collaboration' },
  { id: 'cap-contact-center', name: 'Cloud contact centre', category: 'collaboration' },
  { id: 'cap-digital-workplace', name: 'Digital workplace', category: 'collaboration' },
  { id: 'cap-devsecops', name: 'DevSecOps', category: 'application' },
  { id: 'cap-api-management', name: 'API management', category: 'application' },
  { id: 'cap-erp-integration', name: 'ERP integration', category: 'application' },
  { id: 'cap-mainframe-modernisation', name: 'Mainframe modernisation', category: 'application' },
  { id: 'cap-clinical-data', name: 'Clinical data platforms', category: 'industry' },
  { id: 'cap-core-banking', name: 'Core banking', category: 'industry' },
  { id: 'cap-retail-pos', name: 'Retail point of sale', category: 'industry' },
  { id: 'cap-manufacturing-iot', name: 'Manufacturing IoT', category: 'industry' },
  { id: 'cap-gov-case-mgmt', name: 'Government case management', category: 'industry' },
  { id: 'cap-energy-grid', name: 'Smart grid analytics', category: 'industry' },
];
const CAPABILITY_CATEGORIES = [...new Set(CAPABILITIES.map((c) => c.category!))];
const capsIn = (category: string) => CAPABILITIES.filter((c) => c.category === category).map((c) => c.id);

/** Industries with the capabilities their customers typically need, most common first. */
export const INDUSTRIES: Record<string, { needs: string[]; names: string[] }> = {
  healthcare: { needs: ['cap-clinical-data', 'cap-data-governance', 'cap-identity-access', 'cap-contact-center', 'cap-cloud-migration'], names: ['Health', 'Medical Group', 'Health System', 'Clinics', 'Care Partners'] },
  'financial-services': { needs: ['cap-core-banking', 'cap-siem-soc', 'cap-zero-trust', 'cap-data-warehouse', 'cap-identity-access'], names: ['Bank', 'Mutual', 'Capital', 'Insurance', 'Credit Union', 'Savings'] },
  retail: { needs: ['cap-retail-pos', 'cap-bi-analytics', 'cap-contact-center', 'cap-genai-apps', 'cap-sd-wan'], names: ['Markets', 'Outfitters', 'Retail Group', 'Home Stores', 'Grocers'] },
  manufacturing: { needs: ['cap-manufacturing-iot', 'cap-erp-integration', 'cap-5g-private', 'cap-computer-vision', 'cap-streaming-data'], names: ['Manufacturing', 'Industries', 'Precision Parts', 'Motors', 'Fabrication'] },
  'public-sector': { needs: ['cap-gov-case-mgmt', 'cap-identity-access', 'cap-digital-workplace', 'cap-siem-soc', 'cap-data-governance'], names: ['County', 'City Council', 'Transit Authority', 'Water District', 'Revenue Office'] },
  energy: { needs: ['cap-energy-grid', 'cap-streaming-data', 'cap-manufacturing-iot', 'cap-sase', 'cap-siem-soc'], names: ['Energy', 'Power & Light', 'Utilities', 'Renewables'] },
  education: { needs: ['cap-digital-workplace', 'cap-unified-comms', 'cap-identity-access', 'cap-endpoint-security'], names: ['University', 'College', 'School District', 'Institute of Technology'] },
  telecom: { needs: ['cap-network-automation', 'cap-5g-private', 'cap-kubernetes', 'cap-api-management', 'cap-contact-center'], names: ['Telecom', 'Communications', 'Mobile', 'Broadband'] },
  logistics: { needs: ['cap-erp-integration', 'cap-api-management', 'cap-streaming-data', 'cap-sd-wan'], names: ['Logistics', 'Freight', 'Shipping', 'Cargo'] },
  media: { needs: ['cap-genai-apps', 'cap-nlp-search', 'cap-serverless', 'cap-kubernetes'], names: ['Media', 'Studios', 'Publishing', 'Broadcasting'] },
};
export const INDUSTRY_IDS = Object.keys(INDUSTRIES);
/** Needs any customer may have besides its industry's. */
export const GENERAL_NEEDS = [
  'cap-cloud-migration', 'cap-kubernetes', 'cap-finops', 'cap-multicloud-ops', 'cap-endpoint-security', 'cap-data-integration',
  'cap-devsecops', 'cap-ml-ops', 'cap-sase', 'cap-zero-trust', 'cap-bi-analytics', 'cap-unified-comms',
];

/** Program tracks, and the partner types enrolled in each. */
export const TRACKS: Record<string, PartnerType[]> = {
  resell: ['reseller', 'msp', 'referral'],
  services: ['service', 'msp'],
  'cloud-marketplace': ['technology', 'marketplace'],
};
export const TYPE_WEIGHTS: Array<[PartnerType, number]> = [
  ['reseller', 30], ['service', 26], ['technology', 18], ['msp', 12], ['referral', 11], ['marketplace', 3],
];
/** Second roles a partner of a given type commonly takes on. */
export const SECOND_ROLES: Record<PartnerType, PartnerType[]> = {
  reseller: ['service', 'msp', 'referral'],
  service: ['reseller', 'referral', 'msp'],
  technology: ['service'],
  msp: ['reseller', 'service'],
  referral: ['service', 'reseller'],
  marketplace: ['reseller'],
};
export const TIER_WEIGHTS: Array<[string, number]> = [['registered', 38], ['silver', 31], ['gold', 21], ['platinum', 10]];
export const SERVE_ROLE_OF: Record<PartnerType, 'resell' | 'implement' | 'integrate' | 'refer' | 'manage'> = {
  reseller: 'resell', service: 'implement', technology: 'integrate', referral: 'refer', msp: 'manage', marketplace: 'resell',
};
export const SOURCES = ['crm', 'prm', 'marketplace'] as const;

// ---------- names ----------

export const PARTNER_PREFIXES: Record<RegionId, string[]> = {
  'na-east': ['Hudson', 'Chesapeake', 'Liberty', 'Atlantic', 'Harborline', 'Beaconfield', 'Granite', 'Bluefin', 'Cobalt', 'Ironwood', 'Lakeshore', 'Northwind', 'Pinnacle', 'Tidewater', 'Evergreen', 'Falconer'],
  'na-west': ['Sierra', 'Cascade', 'Redwood', 'Pacific Crest', 'Golden Gate', 'Juniper', 'Mesa', 'Sagebrush', 'Skyline', 'Coastal', 'Summitview', 'Copperline', 'Alder', 'Tahoe', 'Mojave'],
  latam: ['Andes', 'Condor', 'Pampa', 'Ceiba', 'Quetzal', 'Cumbre', 'Tierra', 'Vértice', 'Amazonas', 'Solaris', 'Caribe', 'Patagonia', 'Aurora Austral', 'Colibrí'],
  'emea-north': ['Fjord', 'Nordic', 'Baltic', 'Thames', 'Heather', 'Linden', 'Viking', 'Aurora', 'Highland', 'Kestrel', 'Skagen', 'Hanse', 'Polaris', 'Saxon', 'Whitecliff'],
  'emea-south': ['Iberia', 'Tramontana', 'Levante', 'Olivo', 'Aurelia', 'Sirocco', 'Mistral', 'Adriatica', 'Lusitania', 'Riviera', 'Corsica Bay', 'Toscana', 'Alhambra', 'Egeo'],
  apac: ['Sakura', 'Kauri', 'Banyan', 'Monsoon', 'Coral Sea', 'Lotus', 'Tasman', 'Jade', 'Southern Cross', 'Pacifica', 'Mekong', 'Kiwi', 'Himalaya', 'Orchid'],
};
export const PARTNER_CORES: Record<string, string[]> = {
  security: ['Secure', 'Shield', 'Sentinel', 'Cyber', 'Guard'],
  data: ['Data', 'Analytics', 'Insight', 'Metrics'],
  cloud: ['Cloud', 'Stack', 'Compute', 'Nimbus'],
  ai: ['AI', 'Cognitive', 'Neural'],
  networking: ['Networks', 'Connect', 'Signal', 'Fiber'],
  collaboration: ['Comms', 'Workplace', 'Collab'],
  application: ['Software', 'Apps', 'Logic'],
  industry: ['Vertical', 'Industry', 'Domain'],
  general: ['Digital', 'Tech', 'Systems', 'IT'],
};
export const PARTNER_SUFFIXES: Record<PartnerType, string[]> = {
  reseller: ['Distribution', 'Channel Partners', 'Direct', 'Supply', 'Trading'],
  service: ['Consulting', 'Integrators', 'Advisory', 'Solutions', 'Services Group'],
  technology: ['Labs', 'Software', 'Technologies', 'Platforms'],
  msp: ['Managed Services', 'Operations', 'IT Services'],
  referral: ['Advisors', 'Partners', 'Connect'],
  marketplace: ['Marketplace', 'Exchange'],
};
export const CUSTOMER_PLACES: Record<RegionId, string[]> = {
  'na-east': ['Ashford', 'Brookhaven', 'Carrow', 'Dunmore', 'Elmstead', 'Fairhaven', 'Glenrock', 'Hartwell', 'Kingsport', 'Millbrook', 'Newhaven', 'Pemberton', 'Queensbury', 'Stonebridge', 'Westfield', 'Port Ellery'],
  'na-west': ['Sierra Vista', 'Coldwater', 'Pinecrest', 'Silver Lake', 'Alder Bay', 'Copper Ridge', 'Eagle Rock', 'Cedar Falls', 'Bayview', 'Desert Springs', 'Mountain Hollow', 'Lone Pine'],
  latam: ['Altamira', 'Bellavista', 'Campo Verde', 'Costa Azul', 'Monteclaro', 'Nuevo Rumbo', 'Palmares', 'Río Claro', 'San Aurelio', 'Tres Cerros', 'Valle Sereno', 'Puerto Alegre'],
  'emea-north': ['Fenmoor', 'Greyhaven', 'Holmvik', 'Kestrel Moor', 'Lindholm', 'Osterby', 'Skovlund', 'Thornwick', 'Brackenridge', 'Eastmere', 'Nordvik', 'Aldermoor'],
  'emea-south': ['Alba Serena', 'Castellmar', 'Lucerna', 'Miramar', 'Portoluce', 'Santa Alba', 'Valdoro', 'Villanova', 'Terraverde', 'Montefiore', 'Solmar', 'Arenosa'],
  apac: ['Banyan Bay', 'Coralview', 'Jade Harbour', 'Kauri Point', 'Lotus Park', 'Monsoon Coast', 'Tasman Ridge', 'Sakura Hills', 'Pearl River', 'Southbank', 'Emerald Isle', 'Silver Fern'],
};

export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

// ---------- the builder ----------

interface Pools {
  /** May be picked as a random customer's partner. */
  serves: boolean;
  /** May get random partner↔partner relationships. */
  links: boolean;
}

class EcosystemBuilder {
  readonly partners: Partner[] = [];
  readonly customers: Customer[] = [];
  readonly relationships: Relationship[] = [];
  readonly deals: Deal[] = [];
  readonly solutions: Solution[] = [];
  readonly pools = new Map<string, Pools>();
  /** Relative chance of being picked for a customer: bigger partners win more accounts. */
  readonly pull = new Map<string, number>();
  private readonly partnerById = new Map<string, Partner>();
  private readonly customerById = new Map<string, Customer>();
  private readonly taken = new Set<string>();
  private readonly links = new Set<string>();
  private readonly degrees = new Map<string, number>();

  constructor(readonly rng: Rng) {}

  partner(id: string): Partner {
    const p = this.partnerById.get(id);
    if (p === undefined) throw new Error(`seeds/demo/build: no partner ${id}`);
    return p;
  }

  customer(id: string): Customer {
    const c = this.customerById.get(id);
    if (c === undefined) throw new Error(`seeds/demo/build: no customer ${id}`);
    return c;
  }

  /** Reserves a name, id or domain; false when it is already used. */
  reserve(...keys: string[]): boolean {
    if (keys.some((k) => this.taken.has(k.toLowerCase()))) return false;
    for (const k of keys) this.taken.add(k.toLowerCase());
    return true;
  }

  /** Adds a partner; `reserved` when its id, name and domain were reserved already. */
  addPartner(
    input: Omit<Partner, 'tier' | 'regions' | 'segments' | 'capabilities' | 'lifecycle' | 'sources' | 'aliases'> & Partial<Partner>,
    pools: Pools,
    reserved = false,
  ): Partner {
    const p: Partner = {
      tier: 'registered',
      regions: [],
      segments: [],
      capabilities: [],
      lifecycle: {},
      sources: ['prm'],
      aliases: [],
      ...input,
    };
    if (!reserved && !this.reserve(p.id, p.name, p.domain ?? p.id)) throw new Error(`seeds/demo/build: partner ${p.id} reuses an id, name or domain`);
    this.partners.push(p);
    this.partnerById.set(p.id, p);
    this.pools.set(p.id, pools);
    this.pull.set(p.id, tierPull(p.tier) * (0.4 + this.rng.next() * 1.2));
    return p;
  }

  /** Adds a customer whose id and name were reserved. */
  addCustomer(c: Customer): Customer {
    if (this.customerById.has(c.id)) throw new Error(`seeds/demo/build: duplicate customer ${c.id}`);
    this.customers.push(c);
    this.customerById.set(c.id, c);
    return c;
  }

  /** Whether the pair already has a relationship of this type, in either direction. */
  hasLink(a: string, b: string, type: Relationship['type']): boolean {
    return this.links.has(linkKey(type, a, b));
  }

  /** Adds a partner↔partner relationship unless the pair already has one of that type; true when added. */
  link(from: string, to: string, type: Exclude<Relationship['type'], 'SERVES'>, source: string): boolean {
    if (from === to || this.hasLink(from, to, type)) return false;
    this.partner(from);
    this.partner(to);
    this.links.add(linkKey(type, from, to));
    this.count(from, to);
    this.relationships.push({ from, to, type, source, updatedAt: this.timestamp() });
    return true;
  }

  /** Adds a SERVES relationship in the role the partner's types suggest; true when added. */
  serve(partnerId: string, customerId: string, source?: string, role?: (typeof SERVE_ROLE_OF)[PartnerType]): boolean {
    if (this.hasLink(partnerId, customerId, 'SERVES')) return false;
    const partner = this.partner(partnerId);
    const customer = this.customer(customerId);
    const chosenRole = role ?? SERVE_ROLE_OF[this.rng.pick(partner.types)];
    const updatedAt = this.timestamp();
    const since = new Date(updatedAt);
    since.setUTCMonth(since.getUTCMonth() - this.rng.int(1, 96));
    const value = annualValue(this.rng, customer.segment, chosenRole);
    this.links.add(linkKey('SERVES', partnerId, customerId));
    this.count(partnerId, customerId);
    this.relationships.push({
      from: partnerId,
      to: customerId,
      type: 'SERVES',
      role: chosenRole,
      since: since.toISOString().slice(0, 7),
      ...(value === undefined ? {} : { annualValue: value }),
      source: source ?? (partner.types.includes('marketplace') ? 'marketplace' : chosenRole === 'resell' ? 'crm' : this.rng.pick(['crm', 'prm'])),
      updatedAt,
    });
    return true;
  }

  /** An ISO timestamp in the eighteen months before the demo's snapshot date (2025-06-30). */
  timestamp(): string {
    const start = Date.UTC(2024, 0, 1);
    const end = Date.UTC(2025, 5, 30);
    const minutes = Math.floor((this.rng.next() * (end - start)) / 60_000);
    return new Date(start + minutes * 60_000).toISOString().replace('.000Z', 'Z');
  }

  degree(id: string): number {
    return this.degrees.get(id) ?? 0;
  }

  private count(...ids: string[]): void {
    for (const id of ids) this.degrees.set(id, this.degree(id) + 1);
  }
}

function linkKey(type: string, a: string, b: string): string {
  return a < b ? `${type}|${a}|${b}` : `${type}|${b}|${a}`;
}

const TIER_PULL: Record<string, number> = { registered: 1, silver: 1.8, gold: 2.8, platinum: 4 };
const SEGMENT_VALUE: Record<string, number> = { smb: 12_000, midmarket: 60_000, enterprise: 320_000, public: 180_000 };

function tierPull(tier: string): number {
  return TIER_PULL[tier] ?? 1;
}

function annualValue(rng: Rng, segment: string, role: string): number | undefined {
  if (role === 'refer' || rng.chance(0.12)) return undefined; // referral fees and missing CRM data
  const median = SEGMENT_VALUE[segment] ?? 50_000;
  return rng.amount(median, 0.7, 100);
}

/** A held capability; a capability at level "certified" is certified unless said otherwise. */
function capability(id: string, level: PartnerCapability['level'], certified = level === 'certified'): PartnerCapability {
  return { id, level, certified };
}

// ---------- the stories ----------
// Every id below is exact: seeds/test/demo.test.ts checks the stories on the
// raw data and STORIES.md (written from these constants) lists them.

/** Story c's Andean cluster: latam partners who work only with each other, their own customers and the broker. */
const ANDEAN_CLUSTER: Array<[string, string, PartnerType[]]> = [
  ['p-andes-cloud', 'Andes Cloud Distribution', ['reseller']],
  ['p-condor-data', 'Condor Data Consultores', ['service']],
  ['p-pampa-networks', 'Pampa Networks', ['reseller']],
  ['p-ceiba-digital', 'Ceiba Digital', ['service']],
  ['p-quetzal-systems', 'Quetzal Systems', ['technology']],
  ['p-cumbre-it', 'Cumbre IT Servicios', ['reseller', 'service']],
  ['p-tierra-analytics', 'Tierra Analytics', ['service']],
  ['p-vertice-tecnologia', 'Vértice Tecnología, S.A.', ['reseller']],
  ['p-amazonas-secure', 'Amazonas Secure Labs', ['technology']],
  ['p-solaris-stack', 'Solaris Stack Managed Services', ['msp']],
  ['p-caribe-comms', 'Caribe Comms Direct', ['reseller']],
  ['p-patagonia-logic', 'Patagonia Logic Consulting', ['service']],
  ['p-colibri-ai', 'Colibrí AI', ['technology']],
  ['p-llama-managed', 'Llama Managed Services', ['msp', 'reseller']],
];
/** Story c's emea-south cluster: ordinary partners of the main ecosystem that the broker works with. */
const EMEA_SOUTH_CLUSTER: Array<[string, string, PartnerType[]]> = [
  ['p-levante-cloud', 'Levante Cloud Distribution', ['reseller']],
  ['p-olivo-data', 'Olivo Data Consulting', ['service']],
  ['p-sirocco-secure', 'Sirocco Secure Managed Services', ['msp']],
  ['p-adriatica-systems', 'Adriatica Systems', ['technology']],
  ['p-lusitania-consulting', 'Lusitania Consulting', ['service']],
];
/** Story h's accounts: name, region, segment, industry. */
const CONFLICT_ACCOUNTS: Array<[string, RegionId, string, string]> = [
  ['Harbor Point Bank', 'na-east', 'enterprise', 'financial-services'],
  ['Copper Ridge Logistics', 'na-west', 'midmarket', 'logistics'],
  ['Castellmar Energía', 'emea-south', 'enterprise', 'energy'],
];

export const STORY_IDS = {
  /** a. A technology partner strong in MLOps whose apac customers have no implementation partner. */
  gap: {
    technology: 'p-helix-ai',
    capability: 'cap-ml-ops',
    region: 'apac',
    implementers: ['p-quantive-consulting', 'p-thames-analytics'],
  },
  /** b. A reseller and a service partner with many customers in common and no relationship. */
  introduction: { partners: ['p-keystone-distribution', 'p-brightline-consulting'] as [string, string], sharedCustomers: 14 },
  /** c. A broker joining the Andean (latam) cluster to an emea-south cluster. */
  broker: {
    partner: 'p-puente-global',
    latamCluster: ANDEAN_CLUSTER.map(([id]) => id),
    emeaSouthCluster: EMEA_SOUTH_CLUSTER.map(([id]) => id),
  },
  /** d. A capability public-sector customers need that no partner serving the public segment has. */
  zeroSupply: { capability: 'cap-fedramp-hosting', region: 'na-east', segment: 'public', demand: 14, holders: ['p-stratus-sovereign-cloud', 'p-granite-hosting'] },
  /** e. One customer, three needs, exactly one cohesive reseller + technology + service team in its region. */
  dealTeam: {
    customer: 'c-meridian-health',
    region: 'emea-north',
    needs: ['cap-clinical-data', 'cap-data-governance', 'cap-cloud-migration'],
    team: { reseller: 'p-nordic-channel', technology: 'p-carewell-data', service: 'p-fjord-digital' },
    deal: 'd-meridian-clinical-cloud',
    /** Near misses: implements the technology partner but lacks cloud migration; resells it from another region. */
    decoys: ['p-baltic-bridge-consulting', 'p-iberica-distribution'],
  },
  /** f. One company from two systems: different ids, the same domain written differently. */
  duplicate: {
    crm: 'p-acme-integrators',
    prm: 'prm-40017',
    crmDomain: 'https://www.Acme-Integrators.example/',
    prmDomain: 'acme-integrators.example',
  },
  /** g. Partners recruited but not yet connected, and capabilities only one partner holds. */
  isolated: ['p-greenleaf-it', 'p-tidepool-advisors', 'p-kauri-digital', 'p-olivo-systems'],
  singlePointsOfFailure: [
    { capability: 'cap-quantum-safe-crypto', partner: 'p-lattice-shield' },
    { capability: 'cap-mainframe-modernisation', partner: 'p-ironbridge-legacy' },
  ],
  /** h. Deals two partners claim with shares summing over 1. */
  conflicts: ['d-conflict-harbor-point-bank', 'd-conflict-copper-ridge-logistics', 'd-conflict-castellmar-energia'],
  conflictCustomers: CONFLICT_ACCOUNTS.map(([name]) => `c-${slug(name)}`),
  /**
   * i. Programme stories on background partners: the silver reseller serving the most customers, held at
   * registered; a services partner with no certification and no customer, held at platinum; a reseller at
   * onboarding for 300 days (the limit is 90).
   */
  programmes: {
    underTiered: { partner: 'p-sakura-nimbus', track: 'resell', held: 'registered' },
    overTiered: { partner: 'p-alder-sentinel', track: 'services', held: 'platinum' },
    stalled: { partner: 'p-harborline-it', track: 'resell', stage: 'onboard', days: 300 },
  } satisfies ProgramStory,
} as const;

/** Capabilities the background never hands out, so the stories about them stay true. */
const STORY_ONLY_CAPABILITIES = new Set(['cap-fedramp-hosting', 'cap-quantum-safe-crypto', 'cap-mainframe-modernisation']);

const PINNED: Pools = { serves: false, links: false };
const OPEN: Pools = { serves: true, links: true };

function plantStoryPartners(b: EcosystemBuilder): void {
  const { gap, introduction, broker, zeroSupply, dealTeam, duplicate, isolated, singlePointsOfFailure } = STORY_IDS;

  // Story a: Helix AI, certified in MLOps, sold in four regions, implemented only in NA and emea-north.
  b.addPartner({
    id: gap.technology, name: 'Helix AI', domain: 'helixai.example', types: ['technology'], tier: 'platinum',
    regions: ['na-east', 'na-west', 'emea-north', 'apac'], segments: ['midmarket', 'enterprise'],
    capabilities: [capability(gap.capability, 'certified', true), capability('cap-genai-apps', 'advanced'), capability('cap-nlp-search', 'advanced')],
    lifecycle: { 'cloud-marketplace': 'grow' }, country: 'US', size: '201-1000', revenue: 48_000_000, sources: ['crm', 'marketplace'],
  }, PINNED);
  b.addPartner({
    id: gap.implementers[0], name: 'Quantive Consulting', domain: 'quantive.example', types: ['service'], tier: 'gold',
    regions: ['na-east', 'na-west'], segments: ['midmarket', 'enterprise'],
    capabilities: [capability(gap.capability, 'advanced', true), capability('cap-data-warehouse', 'advanced'), capability('cap-kubernetes', 'basic')],
    lifecycle: { services: 'grow' }, country: 'US', size: '51-200', revenue: 14_500_000, sources: ['prm'],
  }, { serves: true, links: false });
  b.addPartner({
    id: gap.implementers[1], name: 'Thames Analytics Partners', domain: 'thamesanalytics.example', types: ['service'], tier: 'silver',
    regions: ['emea-north'], segments: ['midmarket', 'enterprise'],
    capabilities: [capability(gap.capability, 'advanced'), capability('cap-bi-analytics', 'certified', true)],
    lifecycle: { services: 'activate' }, country: 'GB', size: '51-200', revenue: 9_200_000, sources: ['prm'],
  }, { serves: true, links: false });

  // Story b: the pair that should meet.
  b.addPartner({
    id: introduction.partners[0], name: 'Keystone Distribution', domain: 'keystonedistribution.example', types: ['reseller'], tier: 'gold',
    regions: ['na-east', 'na-west'], segments: ['midmarket', 'enterprise'],
    capabilities: [capability('cap-cloud-migration', 'basic')], lifecycle: { resell: 'grow' },
    country: 'US', size: '201-1000', revenue: 120_000_000, sources: ['crm'],
  }, OPEN);
  b.addPartner({
    id: introduction.partners[1], name: 'Brightline Consulting Group', domain: 'brightline-consulting.example', types: ['service'], tier: 'gold',
    regions: ['na-east'], segments: ['midmarket', 'enterprise'],
    capabilities: [capability('cap-cloud-migration', 'certified', true), capability('cap-data-warehouse', 'advanced'), capability('cap-kubernetes', 'advanced')],
    lifecycle: { services: 'grow' }, country: 'US', size: '51-200', revenue: 22_000_000, sources: ['prm'],
  }, OPEN);

  // Story c: the broker and the two clusters it joins.
  b.addPartner({
    id: broker.partner, name: 'Puente Global Partners', domain: 'puenteglobal.example', types: ['referral', 'service'], tier: 'gold',
    regions: ['latam', 'emea-south'], segments: ['midmarket', 'enterprise'],
    capabilities: [capability('cap-cloud-migration', 'advanced'), capability('cap-erp-integration', 'advanced')],
    lifecycle: { resell: 'optimise', services: 'grow' }, country: 'ES', size: '51-200', revenue: 18_000_000, sources: ['crm', 'prm'],
  }, PINNED);
  for (const [id, name, types] of ANDEAN_CLUSTER) {
    b.addPartner({
      id, name, domain: `${id.slice(2).replace(/-/g, '')}.example`, types, tier: b.rng.weighted(TIER_WEIGHTS.slice(0, 3)),
      regions: ['latam'], segments: SEGMENTS.map((x) => x.id).filter((x) => x !== 'public' && b.rng.chance(0.6)),
      capabilities: backgroundCapabilities(b.rng, types, 'latam'), lifecycle: lifecycleFor(b.rng, types, 'silver'),
      country: b.rng.pick(['CO', 'PE', 'CL', 'AR']), size: '11-50', revenue: b.rng.amount(3_000_000, 0.6, 10_000), sources: ['prm'],
    }, PINNED);
  }
  for (const [id, name, types] of EMEA_SOUTH_CLUSTER) {
    const tier = b.rng.weighted(TIER_WEIGHTS);
    b.addPartner({
      id, name, domain: `${id.slice(2).replace(/-/g, '')}.example`, types, tier,
      regions: ['emea-south'], segments: ['midmarket', 'enterprise'],
      capabilities: backgroundCapabilities(b.rng, types, 'emea-south'), lifecycle: lifecycleFor(b.rng, types, tier),
      country: b.rng.pick(COUNTRIES['emea-south']), size: '51-200', revenue: b.rng.amount(8_000_000, 0.5, 10_000), sources: ['prm', 'crm'],
    }, OPEN);
  }

  // Story d: the only FedRAMP hosts sell to enterprises and mid-market, never to the public sector.
  b.addPartner({
    id: zeroSupply.holders[0], name: 'Stratus Sovereign Cloud', domain: 'stratussovereign.example', types: ['technology'], tier: 'gold',
    regions: ['na-east', 'na-west'], segments: ['enterprise'],
    capabilities: [capability(zeroSupply.capability, 'certified', true), capability('cap-multicloud-ops', 'advanced')],
    lifecycle: { 'cloud-marketplace': 'activate' }, country: 'US', size: '201-1000', revenue: 65_000_000, sources: ['crm'],
  }, OPEN);
  b.addPartner({
    id: zeroSupply.holders[1], name: 'Granite Hosting Services', domain: 'granitehosting.example', types: ['msp'], tier: 'silver',
    regions: ['na-east'], segments: ['midmarket', 'enterprise'],
    capabilities: [capability(zeroSupply.capability, 'advanced'), capability('cap-multicloud-ops', 'advanced'), capability('cap-finops', 'basic')],
    lifecycle: { resell: 'grow', services: 'activate' }, country: 'US', size: '51-200', revenue: 11_000_000, sources: ['prm'],
  }, OPEN);

  // Story e: the one team that covers c-meridian-health, and two near misses.
  const emeaNorth: Partial<Partner> = { regions: ['emea-north'], segments: ['midmarket', 'enterprise'], sources: ['prm'] };
  b.addPartner({
    ...emeaNorth, id: dealTeam.team.technology, name: 'CareWell Data', domain: 'carewelldata.example', types: ['technology'], tier: 'gold',
    regions: ['emea-north', 'emea-south'],
    capabilities: [capability('cap-clinical-data', 'certified', true), capability('cap-data-governance', 'advanced')],
    lifecycle: { 'cloud-marketplace': 'grow' }, country: 'NL', size: '201-1000', revenue: 37_000_000,
  }, { serves: true, links: false });
  b.addPartner({
    ...emeaNorth, id: dealTeam.team.service, name: 'Fjord Digital Consulting', domain: 'fjorddigital.example', types: ['service'], tier: 'silver',
    capabilities: [capability('cap-cloud-migration', 'certified', true), capability('cap-kubernetes', 'advanced')],
    lifecycle: { services: 'grow' }, country: 'NO', size: '51-200', revenue: 12_000_000,
  }, { serves: true, links: false });
  b.addPartner({
    ...emeaNorth, id: dealTeam.team.reseller, name: 'Nordic Channel Distribution', domain: 'nordicchannel.example', types: ['reseller'], tier: 'gold',
    capabilities: [], lifecycle: { resell: 'optimise' }, country: 'SE', size: '201-1000', revenue: 95_000_000, sources: ['crm'],
  }, { serves: true, links: false });
  b.addPartner({
    ...emeaNorth, id: dealTeam.decoys[0], name: 'Baltic Bridge Consulting', domain: 'balticbridge.example', types: ['service'], tier: 'registered',
    capabilities: [capability('cap-data-integration', 'advanced'), capability('cap-clinical-data', 'basic')],
    lifecycle: { services: 'onboard' }, country: 'FI', size: '11-50', revenue: 2_400_000,
  }, { serves: true, links: false });
  b.addPartner({
    id: dealTeam.decoys[1], name: 'Ibérica Distribution', domain: 'ibericadistribution.example', types: ['reseller'], tier: 'silver',
    regions: ['emea-south'], segments: ['midmarket', 'enterprise'], lifecycle: { resell: 'activate' },
    country: 'ES', size: '51-200', revenue: 30_000_000, sources: ['crm'],
  }, OPEN);

  // Story f: the CRM and the PRM each know Acme under their own id and their own spelling of its domain.
  b.addPartner({
    id: duplicate.crm, name: 'Acme Integrators, Ltd.', domain: duplicate.crmDomain, types: ['service'], tier: 'silver',
    regions: ['na-east'], segments: ['smb', 'midmarket'], capabilities: [capability('cap-digital-workplace', 'basic')],
    lifecycle: { services: 'activate' }, country: 'US', size: '51-200', sources: ['crm'],
  }, PINNED);
  b.addPartner({
    id: duplicate.prm, name: 'ACME Integrators', domain: duplicate.prmDomain, types: ['service'], tier: 'silver',
    regions: ['na-east'], segments: ['midmarket'],
    capabilities: [capability('cap-digital-workplace', 'advanced'), capability('cap-unified-comms', 'certified', true)],
    lifecycle: { services: 'grow' }, country: 'US', size: '51-200', revenue: 7_800_000, sources: ['prm'],
  }, PINNED);

  // Story g: recruited, never connected; and the sole holders of two capabilities.
  const isolatedHomes: RegionId[] = ['na-west', 'emea-north', 'apac', 'emea-south'];
  const isolatedNames = ['Greenleaf IT', 'Tidepool Advisors', 'Kauri Digital', 'Olivo Systems'];
  const isolatedTypes: PartnerType[] = ['msp', 'referral', 'service', 'reseller'];
  isolated.forEach((id, i) => {
    const type = isolatedTypes[i]!;
    const home = isolatedHomes[i]!;
    b.addPartner({
      id, name: isolatedNames[i]!, domain: `${id.slice(2).replace(/-/g, '')}.example`, types: [type], tier: 'registered',
      regions: [home], segments: ['smb'], lifecycle: Object.fromEntries(tracksOf([type]).map((t) => [t, 'recruit' as const])),
      country: COUNTRIES[home][0]!, size: '1-10', sources: ['prm'],
    }, PINNED);
  });
  b.addPartner({
    id: singlePointsOfFailure[0].partner, name: 'Lattice Shield Technologies', domain: 'latticeshield.example', types: ['technology'], tier: 'silver',
    regions: ['na-east', 'emea-north'], segments: ['enterprise'],
    capabilities: [capability(singlePointsOfFailure[0].capability, 'certified', true), capability('cap-identity-access', 'advanced')],
    lifecycle: { 'cloud-marketplace': 'activate' }, country: 'US', size: '11-50', revenue: 4_100_000, sources: ['crm'],
  }, OPEN);
  b.addPartner({
    id: singlePointsOfFailure[1].partner, name: 'Ironbridge Legacy Systems', domain: 'ironbridgelegacy.example', types: ['service'], tier: 'gold',
    regions: ['na-east', 'na-west'], segments: ['enterprise', 'public'],
    capabilities: [capability(singlePointsOfFailure[1].capability, 'certified', true), capability('cap-cloud-migration', 'advanced')],
    lifecycle: { services: 'optimise' }, country: 'US', size: '201-1000', revenue: 41_000_000, sources: ['prm'],
  }, OPEN);
}

// ---------- the background ecosystem ----------

function tracksOf(types: readonly PartnerType[]): string[] {
  return Object.keys(TRACKS).filter((track) => TRACKS[track]!.some((t) => types.includes(t)));
}

/** Stages per track; higher tiers are further along, and a few partners have churned. */
export function lifecycleFor(rng: Rng, types: readonly PartnerType[], tier: string): Record<string, LifecycleStage> {
  const byTier: Record<string, Array<[LifecycleStage, number]>> = {
    registered: [['recruit', 3], ['onboard', 4], ['activate', 3], ['churned', 1]],
    silver: [['onboard', 2], ['activate', 5], ['grow', 3], ['churned', 0.5]],
    gold: [['activate', 2], ['grow', 5], ['optimise', 2]],
    platinum: [['grow', 3], ['optimise', 5]],
  };
  const weights = byTier[tier] ?? byTier.registered!;
  return Object.fromEntries(tracksOf(types).map((track) => [track, rng.weighted(weights)]));
}

/** Capabilities by role: technology partners own a few products, service partners practise several, resellers little. */
function backgroundCapabilities(rng: Rng, types: readonly PartnerType[], home: string, excluded: (id: string) => boolean = () => false): PartnerCapability[] {
  const main = types[0]!;
  const count = { technology: rng.int(2, 4), service: rng.int(3, 6), msp: rng.int(2, 4), reseller: rng.int(0, 2), referral: rng.int(0, 1), marketplace: 0 }[main];
  const focus = main === 'msp' ? rng.pick(['cloud', 'security', 'networking']) : rng.pick(CAPABILITY_CATEGORIES);
  const allowed = (id: string) => !STORY_ONLY_CAPABILITIES.has(id) && !excluded(id) && !storyExcluded(id, home);
  const inFocus = capsIn(focus).filter(allowed);
  const anywhere = CAPABILITIES.map((c) => c.id).filter(allowed);
  const chosen = new Set<string>();
  for (let tries = 0; chosen.size < count && tries < 50; tries++) chosen.add(rng.chance(0.65) && inFocus.length > 0 ? rng.pick(inFocus) : rng.pick(anywhere));
  return [...chosen].map((id) => {
    const level = main === 'reseller' || main === 'referral' ? 'basic' : rng.weighted<PartnerCapability['level']>([['basic', 3], ['advanced', 4], ['certified', 2]]);
    return capability(id, level, level === 'certified' || (level === 'advanced' && rng.chance(0.25)));
  });
}

/** Region-specific exclusions that keep stories a and e true. */
function storyExcluded(capabilityId: string, home: string): boolean {
  if (capabilityId === STORY_IDS.gap.capability && home === STORY_IDS.gap.region) return true;
  if (capabilityId === 'cap-clinical-data' && home === STORY_IDS.dealTeam.region) return true;
  return false;
}

const SIZE_REVENUE: Record<string, number> = { '1-10': 800_000, '11-50': 4_000_000, '51-200': 15_000_000, '201-1000': 60_000_000, '1000+': 400_000_000 };

function sizeFor(rng: Rng, tier: string): { size: string; revenue: number } {
  const size = rng.weighted<string>(
    tier === 'platinum' ? [['201-1000', 3], ['1000+', 4]] : tier === 'gold' ? [['51-200', 4], ['201-1000', 3]] : tier === 'silver' ? [['11-50', 4], ['51-200', 4]] : [['1-10', 4], ['11-50', 5]],
  );
  const median = SIZE_REVENUE[size] ?? 1_000_000;
  return { size, revenue: rng.amount(median, 0.5, 10_000) };
}

function addBackgroundPartner(b: EcosystemBuilder, forcedType?: PartnerType): Partner {
  const { rng } = b;
  const main = forcedType ?? rng.weighted(TYPE_WEIGHTS.filter(([t]) => t !== 'marketplace'));
  const types: PartnerType[] = [main];
  if (rng.chance(0.17)) types.push(rng.pick(SECOND_ROLES[main]));
  const tier = main === 'marketplace' ? 'platinum' : rng.weighted(TIER_WEIGHTS);
  const home = main === 'marketplace' ? 'na-west' : rng.weighted(REGION_WEIGHTS);
  const regions = new Set<string>([home]);
  if (main === 'marketplace' || (tier === 'platinum' && rng.chance(0.6))) for (const r of rng.sample(REGION_IDS, rng.int(3, 6))) regions.add(r);
  else if (rng.chance(tier === 'registered' ? 0.15 : 0.4)) regions.add(rng.pick(NEIGHBOUR_REGIONS[home]));
  const segments = segmentsFor(rng, main, tier);
  // A partner's capabilities must respect the exclusions of every region it works in.
  const capabilities = backgroundCapabilities(rng, types, home, (id) => [...regions].some((r) => storyExcluded(id, r)));

  for (let attempt = 0; ; attempt++) {
    const prefix = rng.pick(PARTNER_PREFIXES[home]);
    const focus = capabilities[0] === undefined ? 'general' : CAPABILITIES.find((c) => c.id === capabilities[0]!.id)!.category!;
    const core = main === 'marketplace' ? 'Cloud' : rng.pick(rng.chance(0.6) ? PARTNER_CORES[focus]! : PARTNER_CORES.general!);
    const suffix = rng.pick(PARTNER_SUFFIXES[main]);
    if (suffix.split(' ').some((word) => word.startsWith(core))) continue; // no "Cobalt Tech Technologies"
    const name = `${prefix} ${core} ${suffix}`;
    const id = attempt < 20 ? `p-${slug(`${prefix} ${core}`)}` : `p-${slug(name)}`;
    const domain = `${slug(`${prefix}${attempt < 20 ? core : `${core}${suffix}`}`).replace(/-/g, '')}.example`;
    if (!b.reserve(id, name, domain)) {
      if (attempt > 200) throw new Error('seeds/demo/build: ran out of partner names');
      continue;
    }
    const { size, revenue } = sizeFor(rng, tier);
    return b.addPartner({
      id, name, domain, types, tier, regions: REGION_IDS.filter((r) => regions.has(r)), segments, capabilities,
      lifecycle: lifecycleFor(rng, types, tier), country: rng.pick(COUNTRIES[home]), size, revenue,
      sources: main === 'marketplace' ? ['marketplace', 'crm'] : rng.weighted<string[]>([[['prm'], 5], [['crm'], 2], [['crm', 'prm'], 3]]),
      aliases: rng.chance(0.08) ? [`crm-${String(rng.int(100000, 999999))}`] : [],
    }, OPEN, true);
  }
}

/** Segments a partner sells into: small partners lean to smb, big ones to enterprise; few work the public sector. */
export function segmentsFor(rng: Rng, type: PartnerType, tier: string): string[] {
  if (type === 'marketplace') return ['smb', 'midmarket', 'enterprise'];
  const big = tier === 'gold' || tier === 'platinum';
  const picked = new Set<string>(rng.sample(big ? ['midmarket', 'enterprise', 'enterprise'] : ['smb', 'smb', 'midmarket'], rng.int(1, 2)));
  if (rng.chance(0.3)) picked.add(rng.pick(['smb', 'midmarket', 'enterprise']));
  if (rng.chance(big ? 0.25 : 0.12)) picked.add('public');
  return SEGMENTS.map((s) => s.id).filter((s) => picked.has(s));
}

function customerName(b: EcosystemBuilder, region: RegionId, industry: string): { id: string; name: string } {
  for (let attempt = 0; attempt < 500; attempt++) {
    const name = `${b.rng.pick(CUSTOMER_PLACES[region])} ${b.rng.pick(INDUSTRIES[industry]!.names)}`;
    const id = `c-${slug(name)}`;
    if (b.reserve(id, name)) return { id, name };
  }
  throw new Error('seeds/demo/build: ran out of customer names');
}

function industryFor(rng: Rng, segment: string): string {
  if (segment === 'public') return rng.weighted([['public-sector', 6], ['education', 3], ['healthcare', 2]]);
  return rng.pick(INDUSTRY_IDS.filter((i) => i !== 'public-sector'));
}

function addBackgroundCustomer(b: EcosystemBuilder, fixed: { region?: RegionId; segment?: string; industry?: string; needs?: string[]; name?: string } = {}): Customer {
  const { rng } = b;
  const region = fixed.region ?? rng.weighted(REGION_WEIGHTS);
  const segment = fixed.segment ?? rng.weighted([['smb', 30], ['midmarket', 35], ['enterprise', 25], ['public', 10]]);
  const industry = fixed.industry ?? industryFor(rng, segment);
  const { id, name } = fixed.name === undefined ? customerName(b, region, industry) : { id: `c-${slug(fixed.name)}`, name: fixed.name };
  if (fixed.name !== undefined && !b.reserve(id, name)) throw new Error(`seeds/demo/build: customer ${id} is taken`);
  const needs = new Set(fixed.needs ?? []);
  if (fixed.needs === undefined) {
    const profile = INDUSTRIES[industry]!.needs;
    for (const n of rng.sample(profile.slice(0, 4), rng.int(1, 3))) needs.add(n);
    for (const n of rng.sample(GENERAL_NEEDS, rng.int(0, 2))) needs.add(n);
  }
  const domain = rng.chance(0.9) ? `${id.slice(2)}.test` : undefined;
  return b.addCustomer({
    id, name, ...(domain === undefined ? {} : { domain }), segment, industry, region, needs: [...needs],
    sources: rng.chance(0.15) ? ['crm', 'marketplace'] : ['crm'], aliases: [],
  });
}

/** Partners who may serve a customer: working in its region and segment, open to random accounts. */
function eligibleFor(b: EcosystemBuilder, c: Customer): Partner[] {
  return b.partners.filter((p) => b.pools.get(p.id)!.serves && p.regions.includes(c.region) && p.segments.includes(c.segment));
}

/** Gives a customer 1–5 partners, favouring big partners and ones with the capabilities it needs. */
function serveCustomer(b: EcosystemBuilder, c: Customer, count: number): void {
  const pool = eligibleFor(b, c).filter((p) => !b.hasLink(p.id, c.id, 'SERVES'));
  const weights = (p: Partner): number => (b.pull.get(p.id) ?? 1) * (p.capabilities.some((cap) => c.needs.includes(cap.id)) ? 2 : 1);
  for (let i = 0; i < count && pool.length > 0; i++) {
    const chosen = b.rng.weighted(pool.map((p) => [p, weights(p)] as const));
    pool.splice(pool.indexOf(chosen), 1);
    b.serve(chosen.id, c.id);
  }
}

const PARTNERS_PER_CUSTOMER: Record<string, [number, number]> = { smb: [1, 2], midmarket: [1, 3], enterprise: [2, 5], public: [1, 3] };

function servedCount(rng: Rng, segment: string): number {
  const [min, max] = PARTNERS_PER_CUSTOMER[segment] ?? [1, 2];
  return rng.int(min, max);
}

/** Partner↔partner programs: who implements, resells, integrates with, refers to and co-sells with whom. */
function linkBackground(b: EcosystemBuilder): void {
  const { rng } = b;
  const open = b.partners.filter((p) => b.pools.get(p.id)!.links);
  const ofType = (t: PartnerType) => open.filter((p) => p.types.includes(t));
  const near = (p: Partner, candidates: Partner[]) => {
    const local = candidates.filter((q) => q.id !== p.id && q.regions.some((r) => p.regions.includes(r)));
    return local.length > 0 ? local : candidates.filter((q) => q.id !== p.id);
  };
  const pickBy = (candidates: Partner[]) => rng.weighted(candidates.map((q) => [q, b.pull.get(q.id) ?? 1] as const));
  const [introA, introB] = STORY_IDS.introduction.partners;
  const allowed = (x: string, y: string) => !((x === introA && y === introB) || (x === introB && y === introA));
  const connect = (from: Partner, candidates: Partner[], type: Exclude<Relationship['type'], 'SERVES'>, count: number, source: string) => {
    for (let i = 0; i < count; i++) {
      const options = near(from, candidates);
      if (options.length === 0) return;
      const to = pickBy(options);
      if (allowed(from.id, to.id)) b.link(from.id, to.id, type, source);
    }
  };

  const technology = ofType('technology');
  const services = ofType('service');
  const resellers = ofType('reseller');
  for (const p of services) connect(p, technology, 'IMPLEMENTS', rng.int(1, 3), 'prm');
  for (const p of resellers) connect(p, technology, 'RESELLS', rng.int(1, 3), rng.pick(['crm', 'prm']));
  for (const p of technology) connect(p, technology, 'INTEGRATES_WITH', rng.int(0, 2), 'prm');
  for (const p of ofType('referral')) connect(p, [...resellers, ...services], 'REFERS_TO', rng.int(1, 3), 'prm');
  for (const p of ofType('msp')) connect(p, technology, 'RESELLS', rng.int(1, 2), 'crm');
  for (const p of resellers) if (rng.chance(0.45)) connect(p, services, 'CO_SELLS_WITH', 1, 'crm');
  for (const p of ofType('marketplace')) {
    for (const t of rng.sample(technology, rng.int(8, 14))) b.link(p.id, t.id, 'RESELLS', 'marketplace');
  }
}

// ---------- placing the stories' relationships ----------

/** Stories whose customers are planted: placed before the background customers take the remaining names. */
function plantStoryAccounts(b: EcosystemBuilder): void {
  const { rng } = b;
  const { gap, introduction, broker, zeroSupply, dealTeam } = STORY_IDS;
  const marketplaces = b.partners.filter((p) => p.types.includes('marketplace'));
  const open = (p: Partner) => b.pools.get(p.id)!.links;

  // a. Helix: integrated at customers in four regions; implemented by two partners, neither in apac.
  for (const implementer of gap.implementers) b.link(implementer, gap.technology, 'IMPLEMENTS', 'prm');
  b.link(marketplaces[0]!.id, gap.technology, 'RESELLS', 'marketplace');
  const apacReseller = b.partners.find((p) => open(p) && p.types[0] === 'reseller' && p.regions.includes(gap.region))!;
  b.link(apacReseller.id, gap.technology, 'RESELLS', 'crm');
  const dataPlatform = b.partners.find((p) => open(p) && p.types.includes('technology') && p.capabilities.some((c) => c.id === 'cap-data-warehouse'))!;
  b.link(gap.technology, dataPlatform.id, 'INTEGRATES_WITH', 'prm');
  const helixRegions: Array<[RegionId, number]> = [['apac', 8], ['na-east', 4], ['na-west', 3], ['emea-north', 3]];
  for (const [region, count] of helixRegions) {
    for (let i = 0; i < count; i++) {
      const c = addBackgroundCustomer(b, { region, segment: rng.pick(['midmarket', 'enterprise']) });
      if (!c.needs.includes(gap.capability)) c.needs.push(gap.capability);
      b.serve(gap.technology, c.id, rng.chance(0.5) ? 'marketplace' : 'crm', 'integrate');
      const implementer = gap.implementers.find((id) => b.partner(id).regions.includes(region));
      if (implementer !== undefined) b.serve(implementer, c.id, 'prm', 'implement');
      serveCustomer(b, c, rng.int(0, 1));
    }
  }

  // b. Fourteen accounts Keystone resells and Brightline implements; the two have never been introduced.
  for (let i = 0; i < introduction.sharedCustomers; i++) {
    const c = addBackgroundCustomer(b, { region: 'na-east', segment: rng.pick(['midmarket', 'enterprise']) });
    b.serve(introduction.partners[0], c.id, 'crm', 'resell');
    b.serve(introduction.partners[1], c.id, 'prm', 'implement');
    serveCustomer(b, c, rng.int(0, 1));
  }

  // c. The Andean cluster: its partners work with each other and its customers only; Puente links it to emea-south.
  const cluster = broker.latamCluster.map((id) => b.partner(id));
  const clusterTech = cluster.filter((q) => q.types.includes('technology'));
  cluster.forEach((p, i) => {
    const next = cluster[(i + 1) % cluster.length]!; // a ring keeps the cluster in one piece
    b.link(p.id, next.id, p.types.includes('service') && next.types.includes('technology') ? 'IMPLEMENTS' : 'CO_SELLS_WITH', 'prm');
    if (!p.types.includes('technology')) b.link(p.id, rng.pick(clusterTech).id, p.types.includes('service') ? 'IMPLEMENTS' : 'RESELLS', 'prm');
  });
  for (let i = 0; i < 36; i++) {
    const c = addBackgroundCustomer(b, { region: 'latam', segment: rng.weighted([['smb', 3], ['midmarket', 4], ['enterprise', 2]]) });
    const fitting = cluster.filter((p) => p.segments.includes(c.segment));
    for (const p of rng.sample(fitting.length > 0 ? fitting : cluster, rng.int(1, 3))) b.serve(p.id, c.id, 'prm');
    if (i < 2) b.serve(broker.partner, c.id, 'crm', 'refer');
  }
  for (const id of ['p-andes-cloud', 'p-ceiba-digital', 'p-cumbre-it', 'p-vertice-tecnologia']) b.link(broker.partner, id, 'REFERS_TO', 'prm');
  b.link(broker.partner, 'p-condor-data', 'CO_SELLS_WITH', 'crm');
  for (const id of broker.emeaSouthCluster) b.link(broker.partner, id, rng.chance(0.5) ? 'CO_SELLS_WITH' : 'REFERS_TO', 'prm');
  const es = broker.emeaSouthCluster;
  for (let i = 0; i < es.length; i++) b.link(es[i]!, es[(i + 1) % es.length]!, 'CO_SELLS_WITH', 'prm');

  // d. Public-sector accounts in NA need FedRAMP hosting; nobody serving the public sector offers it.
  const fedrampDemand: Array<[RegionId, number]> = [['na-east', zeroSupply.demand], ['na-west', 4]];
  for (const [region, count] of fedrampDemand) {
    for (let i = 0; i < count; i++) {
      const c = addBackgroundCustomer(b, { region, segment: 'public' });
      c.needs.push(zeroSupply.capability);
      serveCustomer(b, c, rng.int(1, 3));
    }
  }

  // e. The account, its open deal, and the team's existing working relationships.
  const { team } = dealTeam;
  const meridian = addBackgroundCustomer(b, {
    name: 'Meridian Health', region: 'emea-north', segment: 'enterprise', industry: 'healthcare', needs: [...dealTeam.needs],
  });
  b.serve(team.reseller, meridian.id, 'crm', 'resell');
  b.link(team.reseller, team.technology, 'RESELLS', 'crm');
  b.link(team.service, team.technology, 'IMPLEMENTS', 'prm');
  b.link(team.reseller, team.service, 'CO_SELLS_WITH', 'crm');
  b.link(dealTeam.decoys[0], team.technology, 'IMPLEMENTS', 'prm');
  b.link(dealTeam.decoys[1], team.technology, 'RESELLS', 'crm');
  b.deals.push({ id: dealTeam.deal, customer: meridian.id, region: dealTeam.region, needs: [...dealTeam.needs], amount: 1_250_000, stage: 'open', partners: [] });

  // h. The accounts of the conflicting deals (the deals come once every account has its partners).
  for (const [name, region, segment, industry] of CONFLICT_ACCOUNTS) {
    const c = addBackgroundCustomer(b, { name, region, segment, industry });
    serveCustomer(b, c, 2);
  }
}

/** Stories about existing accounts: placed once the background customers are in. */
function plantAccountStories(b: EcosystemBuilder): void {
  const { rng } = b;
  const { zeroSupply, duplicate, singlePointsOfFailure, conflicts, conflictCustomers } = STORY_IDS;
  const open = (p: Partner) => b.pools.get(p.id)!.links;

  // d. The FedRAMP holders' own accounts: enterprises only.
  for (const holder of zeroSupply.holders) {
    const accounts = b.customers.filter((c) => c.segment === 'enterprise' && b.partner(holder).regions.includes(c.region) && !b.hasLink(holder, c.id, 'SERVES'));
    for (const c of rng.sample(accounts, 3)) b.serve(holder, c.id);
  }

  // f. Each system's record of Acme carries that system's relationships.
  const acmeAccounts = b.customers.filter((c) => c.region === 'na-east' && ['smb', 'midmarket'].includes(c.segment));
  for (const c of rng.sample(acmeAccounts, 5)) b.serve(duplicate.crm, c.id, 'crm', 'implement');
  const naTechnology = b.partners.filter((p) => open(p) && p.types.includes('technology') && p.regions.includes('na-east'));
  for (const t of rng.sample(naTechnology, 2)) b.link(duplicate.prm, t.id, 'IMPLEMENTS', 'prm');
  const naReseller = b.partners.find((p) => open(p) && p.types[0] === 'reseller' && p.regions.includes('na-east'))!;
  b.link(duplicate.prm, naReseller.id, 'CO_SELLS_WITH', 'prm');

  // g. The sole holders of two capabilities, and the accounts that depend on them.
  const [quantum, mainframe] = singlePointsOfFailure;
  const banks = b.customers.filter((c) => c.industry === 'financial-services' && c.segment === 'enterprise' && b.partner(quantum.partner).regions.includes(c.region));
  for (const c of banks.slice(0, 6)) {
    c.needs.push(quantum.capability);
    b.serve(quantum.partner, c.id, 'crm', 'integrate');
  }
  const legacy = b.customers.filter(
    (c) => ['enterprise', 'public'].includes(c.segment) && b.partner(mainframe.partner).regions.includes(c.region) && ['financial-services', 'public-sector', 'logistics'].includes(c.industry ?? ''),
  );
  for (const c of legacy.slice(0, 5)) {
    c.needs.push(mainframe.capability);
    b.serve(mainframe.partner, c.id, 'prm', 'implement');
  }

  // h. Three won deals where two partners each claim most of the credit.
  conflicts.forEach((dealId, i) => {
    const account = b.customer(conflictCustomers[i]!);
    const claimants = servedBy(b, account.id).slice(0, 2);
    if (claimants.length < 2) throw new Error(`seeds/demo/build: ${account.id} has fewer than two partners`);
    b.deals.push({
      id: dealId, customer: account.id, region: account.region, needs: account.needs.slice(0, 2), amount: rng.amount(400_000, 0.5, 1000), stage: 'won',
      partners: claimants.map((p, k) => ({ partner: p, role: roleOnDeal(b.partner(p)), claimedShare: k === 0 ? 0.7 : 0.6 })),
    });
  });
}

function servedBy(b: EcosystemBuilder, customerId: string): string[] {
  return b.relationships.filter((r) => r.type === 'SERVES' && r.to === customerId).map((r) => r.from);
}

function roleOnDeal(p: Partner): string {
  return { reseller: 'sourcing', service: 'delivery', technology: 'technology', referral: 'referral', msp: 'operations', marketplace: 'transaction' }[p.types[0]!];
}

function addBackgroundDeals(b: EcosystemBuilder, count: number): void {
  const { rng } = b;
  const candidates = b.customers.filter((c) => servedBy(b, c.id).length > 0 && c.needs.length > 0);
  for (const c of rng.sample(candidates, count)) {
    const partners = rng.sample(servedBy(b, c.id), rng.int(1, 3));
    const shares = partners.length === 1 ? [1] : partners.length === 2 ? [0.6, 0.4] : [0.5, 0.3, 0.2];
    b.deals.push({
      id: `d-${c.id.slice(2)}-${rng.int(100, 999)}`,
      customer: c.id,
      region: c.region,
      needs: rng.sample(c.needs, rng.int(1, Math.min(3, c.needs.length))),
      amount: rng.amount(c.segment === 'enterprise' ? 500_000 : 90_000, 0.6, 1000),
      stage: rng.weighted([['open', 3], ['qualified', 3], ['proposal', 2], ['won', 3], ['lost', 1]]),
      partners: partners.map((p, k) => ({ partner: p, role: roleOnDeal(b.partner(p)), ...(rng.chance(0.8) ? { claimedShare: shares[k]! } : {}) })),
    });
  }
}

/** i. The deal-team trio of story e won a pilot at its account, sourced by the reseller; closed deals of each mix of roles, with dates, are what Shapley attribution learns from. */
export const ATTRIBUTION_STORY = {
  deal: 'd-meridian-pilot',
  lostDeal: 'd-meridian-analytics',
  partners: [
    { partner: 'p-nordic-channel', role: 'sourcing', registeredAt: '2025-10-06T09:00:00.000Z' },
    { partner: 'p-carewell-data', role: 'technology', registeredAt: '2025-10-20T14:30:00.000Z' },
    { partner: 'p-fjord-digital', role: 'delivery', registeredAt: '2025-12-01T08:15:00.000Z' },
  ],
  closedAt: '2026-03-18T16:00:00.000Z',
  /** Partner types on the history's closed deals, and how many of each mix were won and lost. */
  history: [
    [['reseller'], 2, 3],
    [['reseller', 'technology'], 3, 2],
    [['reseller', 'service'], 2, 2],
    [['technology', 'service'], 2, 2],
    [['reseller', 'technology', 'service'], 4, 1],
  ] as Array<[PartnerType[], number, number]>,
};

/** A day in the six quarters before December 2026, at noon UTC. */
function closeDate(rng: Rng): string {
  const from = Date.parse('2025-06-01T12:00:00.000Z');
  const day = 24 * 3600 * 1000;
  return new Date(from + rng.int(0, 540) * day).toISOString();
}

/**
 * Closed deals get close dates and, with several partners, registration
 * times; then story j's deals. A generator of its own, so that the rest of
 * the demo is drawn as before.
 */
function addAttributionDeals(b: EcosystemBuilder): void {
  const rng = createRng(DEMO_SEED + 9);
  const registrations = (closedAt: string, count: number) =>
    Array.from({ length: count }, () => new Date(Date.parse(closedAt) - rng.int(20, 160) * 24 * 3600 * 1000).toISOString()).sort();
  for (const deal of b.deals) {
    if (!isClosed({ id: deal.id, stage: deal.stage, partners: [] })) continue;
    deal.closedAt = closeDate(rng);
    if (deal.partners.length < 2) continue;
    const times = registrations(deal.closedAt, deal.partners.length);
    deal.partners.forEach((p, k) => (p.registeredAt ??= times[k]));
  }
  const story = ATTRIBUTION_STORY;
  const meridian = b.customer(STORY_IDS.dealTeam.customer);
  b.deals.push(
    { id: story.deal, customer: meridian.id, region: meridian.region, needs: ['cap-clinical-data'], amount: 420_000, stage: 'closed-won', closedAt: story.closedAt, partners: story.partners.map((p) => ({ ...p })) },
    {
      id: story.lostDeal, customer: meridian.id, region: meridian.region, needs: ['cap-data-governance'], amount: 180_000, stage: 'closed-lost', closedAt: '2025-11-27T16:00:00.000Z',
      partners: [{ partner: 'p-nordic-channel', role: 'sourcing', registeredAt: '2025-09-15T10:00:00.000Z' }],
    },
  );
  let serial = 0;
  for (const [types, won, lost] of story.history) {
    const stages = [...Array<string>(won).fill('closed-won'), ...Array<string>(lost).fill('closed-lost')];
    for (const stage of stages) {
      // An account served by a partner of each type, so that the team is one the account knows.
      const teams = b.customers
        .map((c) => ({ c, team: types.map((t) => servedBy(b, c.id).find((p) => b.partner(p).types[0] === t)) }))
        .filter(({ team }) => team.every((p) => p !== undefined));
      const { c, team } = rng.pick(teams);
      const closedAt = closeDate(rng);
      const times = registrations(closedAt, team.length);
      b.deals.push({
        id: `d-history-${String(++serial).padStart(2, '0')}-${c.id.slice(2)}`, customer: c.id, region: c.region, needs: c.needs.slice(0, 1),
        amount: rng.amount(c.segment === 'enterprise' ? 400_000 : 80_000, 0.5, 1000), stage, closedAt,
        partners: team.map((p, k) => ({ partner: p!, role: roleOnDeal(b.partner(p!)), registeredAt: times[k]! })),
      });
    }
  }
}

/** A deal as attribution reads it: its partners with their types. */
export function dealRecordsOf(bundle: Bundle): DealRecord[] {
  const types = new Map(bundle.partners.map((p) => [p.id, p.types as string[]]));
  return bundle.deals.map((d) => ({
    id: d.id, stage: d.stage, partners: d.partners.map((p) => ({ ...p, types: types.get(p.partner) ?? [] })),
    ...(d.amount === undefined ? {} : { amount: d.amount }), ...(d.closedAt === undefined ? {} : { closedAt: d.closedAt }),
  }));
}

function checkAttributionStory(bundle: Bundle): string[] {
  const deal = bundle.deals.find((d) => d.id === ATTRIBUTION_STORY.deal);
  if (deal === undefined || deal.stage !== 'closed-won' || deal.partners.length !== 3) return [`i: ${ATTRIBUTION_STORY.deal} is not a won three-partner deal`];
  const shapley = attributeDeal(dealRecordsOf(bundle).find((d) => d.id === deal.id)!, 'shapley', { stats: coalitionStats(dealRecordsOf(bundle)) });
  if (shapley.note !== undefined) return [`i: Shapley falls back on ${deal.id}: ${shapley.note}`];
  return [];
}

function attributionStoryMarkdown(bundle: Bundle): string {
  const s = ATTRIBUTION_STORY;
  const records = dealRecordsOf(bundle);
  const stats = coalitionStats(records);
  const deal = records.find((d) => d.id === s.deal)!;
  const closed = records.filter(isClosed);
  const dated = closed.filter((d) => d.closedAt !== undefined).length;
  const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rows = ATTRIBUTION_MODELS.map((model) => `| ${model} | ${attributeDeal(deal, model, { stats }).shares.map((x) => percent(x.share)).join(' | ')} |`);
  return `
## j. Multi-partner attribution
\`${s.deal}\` (closed-won ${s.closedAt.slice(0, 10)}, ${deal.amount!.toLocaleString('en')}) on \`${STORY_IDS.dealTeam.customer}\` had the team of story e: ${s.partners.map((p) => `\`${p.partner}\` (${p.role}, registered ${p.registeredAt.slice(0, 10)})`).join(', ')}. The same reseller alone lost \`${s.lostDeal}\`. The demo has ${closed.length} closed deals (${dated} with a close date), ${records.filter((d) => d.id.startsWith('d-history-')).length} of them a history of every mix of reseller, technology and service partners, from which Shapley attribution learns each mix's win rate. Expected (\`GET /api/deals/${s.deal}/attribution?model=…\`):

| model | ${attributeDeal(deal, 'equal', { stats }).shares.map((x) => `${x.partnerId} (${x.role})`).join(' | ')} |
|---|---|---|---|
${rows.join('\n')}
`;
}

const SOLUTION_PLANS: Array<{ id: string; name: string; capabilities: string[]; anchor?: string[] }> = [
  { id: 's-clinical-cloud-accelerator', name: 'Clinical Cloud Accelerator', capabilities: ['cap-clinical-data', 'cap-cloud-migration'], anchor: ['p-carewell-data', 'p-fjord-digital'] },
  { id: 's-helix-mlops-launchpad', name: 'Helix MLOps Launchpad', capabilities: ['cap-ml-ops', 'cap-data-warehouse'], anchor: ['p-helix-ai', 'p-quantive-consulting'] },
  { id: 's-zero-trust-in-a-box', name: 'Zero Trust in a Box', capabilities: ['cap-zero-trust', 'cap-identity-access', 'cap-sase'] },
  { id: 's-soc-24x7', name: 'SOC 24x7', capabilities: ['cap-siem-soc', 'cap-endpoint-security'] },
  { id: 's-smart-factory-starter', name: 'Smart Factory Starter', capabilities: ['cap-manufacturing-iot', 'cap-5g-private', 'cap-computer-vision'] },
  { id: 's-retail-insights-suite', name: 'Retail Insights Suite', capabilities: ['cap-retail-pos', 'cap-bi-analytics'] },
  { id: 's-modern-contact-centre', name: 'Modern Contact Centre', capabilities: ['cap-contact-center', 'cap-genai-apps'] },
  { id: 's-cloud-cost-control', name: 'Cloud Cost Control', capabilities: ['cap-finops', 'cap-multicloud-ops'] },
  { id: 's-open-banking-platform', name: 'Open Banking Platform', capabilities: ['cap-core-banking', 'cap-api-management'] },
  { id: 's-grid-edge-analytics', name: 'Grid Edge Analytics', capabilities: ['cap-energy-grid', 'cap-streaming-data'] },
  { id: 's-mainframe-exit', name: 'Mainframe Exit Programme', capabilities: ['cap-mainframe-modernisation', 'cap-cloud-migration'], anchor: ['p-ironbridge-legacy'] },
];

function addSolutions(b: EcosystemBuilder): void {
  for (const plan of SOLUTION_PLANS) {
    const partners = new Set(plan.anchor ?? []);
    for (const cap of plan.capabilities) {
      const holders = b.partners.filter((p) => b.pools.get(p.id)!.links && p.capabilities.some((c) => c.id === cap && c.level !== 'basic'));
      if (partners.size < 3 && holders.length > 0) partners.add(b.rng.pick(holders).id);
    }
    b.solutions.push({ id: plan.id, name: plan.name, partners: [...partners], capabilities: plan.capabilities });
  }
}

/** Every background partner gets at least one relationship: only story g's partners stay isolated. */
function connectStragglers(b: EcosystemBuilder): void {
  for (const p of b.partners) {
    if (!b.pools.get(p.id)!.links || b.degree(p.id) > 0) continue;
    const peers = b.partners.filter((q) => q.id !== p.id && b.pools.get(q.id)!.links && q.regions.some((r) => p.regions.includes(r)) && b.degree(q.id) > 0);
    b.link(p.id, b.rng.pick(peers).id, p.types.includes('referral') ? 'REFERS_TO' : 'CO_SELLS_WITH', 'prm');
  }
}

// ---------- assembling and checking ----------

const RELATIONSHIP_FIELDS = ['from', 'to', 'type', 'role', 'since', 'annualValue', 'source', 'updatedAt'];

function inOrder<T extends object>(row: T, fields: string[]): T {
  const record = row as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => record[f] !== undefined).map((f) => [f, record[f]])) as T;
}

/** Builds the demo bundle; throws when a planted story no longer holds. */
export function buildDemoBundle(): Bundle {
  const rng = createRng(DEMO_SEED);
  const b = new EcosystemBuilder(rng);
  plantStoryPartners(b);
  for (let i = 0; i < 4; i++) addBackgroundPartner(b, 'marketplace');
  while (b.partners.length < 220) addBackgroundPartner(b);
  linkBackground(b);
  plantStoryAccounts(b);
  while (b.customers.length < 350) {
    const c = addBackgroundCustomer(b);
    serveCustomer(b, c, servedCount(rng, c.segment));
  }
  plantAccountStories(b);
  connectStragglers(b);
  addBackgroundDeals(b, 26);
  addSolutions(b);
  addAttributionDeals(b);
  plantConflictDeals(b.deals, b.customers, b.partners, b.relationships);
  // Histories draw from a stream of their own, so that everything above is drawn as before.
  plantProgrammes(b.partners, STORY_IDS.programmes, createRng(DEMO_SEED + 9));
  plantSolutionStories(b.partners, b.solutions, b.relationships, (from, to, type, source) => b.link(from, to, type, source), REGION_IDS, (id) => b.pools.get(id)!.links);

  // Rows sorted by id and fields in schema order, so that a rebuild diffs cleanly.
  const byId = <T extends { id: string }>(rows: T[], fields: string[]) => [...rows].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)).map((row) => inOrder(row, fields));
  const relKey = (r: Relationship) => `${r.from}\u0000${r.to}\u0000${r.type}`;
  // Written as built, not as parsed: parsing normalises domains, and story f needs its two spellings in the file.
  const bundle: Bundle = {
    version: 1,
    capabilities: CAPABILITIES,
    regions: REGIONS.map((r) => ({ ...r })),
    segments: SEGMENTS.map((x) => ({ ...x })),
    partners: byId(b.partners, Object.keys(PartnerSchema.shape)),
    customers: byId(b.customers, Object.keys(CustomerSchema.shape)),
    relationships: [...b.relationships].sort((x, y) => (relKey(x) < relKey(y) ? -1 : 1)).map((r) => inOrder(r, RELATIONSHIP_FIELDS)),
    deals: byId(b.deals, Object.keys(DealSchema.shape)),
    solutions: byId(b.solutions, Object.keys(SolutionSchema.shape)),
    programs: DEMO_PROGRAMS,
    sharing: DEMO_SHARING,
  };
  Bundle.parse(bundle);
  const failures = [...checkStories(bundle), ...checkAttributionStory(bundle), ...checkConflictStory(bundle), ...checkSolutionStory(bundle), ...checkSharingStory(bundle)];
  if (failures.length > 0) throw new Error(`seeds/demo/build: stories broken:\n- ${failures.join('\n- ')}`);
  return bundle;
}

/** The stories' structural facts on raw data; an empty list when they all hold. Shared with the tests. */
export function checkStories(bundle: Bundle): string[] {
  const failures: string[] = [];
  const fail = (story: string, message: string) => failures.push(`${story}: ${message}`);
  const partners = new Map(bundle.partners.map((p) => [p.id, p]));
  const customers = new Map(bundle.customers.map((c) => [c.id, c]));
  const links = bundle.relationships.filter((r) => r.type !== 'SERVES');
  const linkedPairs = new Set(links.flatMap((r) => [`${r.from}|${r.to}`, `${r.to}|${r.from}`]));
  const linked = (a: string, b: string) => linkedPairs.has(`${a}|${b}`);
  const customersOf = new Map<string, Set<string>>();
  for (const r of bundle.relationships) if (r.type === 'SERVES') customersOf.set(r.from, (customersOf.get(r.from) ?? new Set()).add(r.to));
  const has = (p: { capabilities: PartnerCapability[] }, cap: string) => p.capabilities.some((c) => c.id === cap);

  // a
  const { gap } = STORY_IDS;
  const helixApac = [...(customersOf.get(gap.technology) ?? [])].filter((id) => customers.get(id)?.region === gap.region);
  if (helixApac.length === 0) fail('a', `${gap.technology} has no customers in ${gap.region}`);
  const implementers = links.filter((r) => r.type === 'IMPLEMENTS' && r.to === gap.technology).map((r) => r.from);
  if (implementers.length === 0) fail('a', `${gap.technology} has no implementers at all`);
  if (implementers.some((id) => partners.get(id)?.regions.includes(gap.region))) fail('a', `an implementer of ${gap.technology} works in ${gap.region}`);
  const apacServices = bundle.partners.filter((p) => p.types.includes('service') && p.regions.includes(gap.region) && has(p, gap.capability));
  if (apacServices.length > 0) fail('a', `service partners in ${gap.region} hold ${gap.capability}: ${apacServices.map((p) => p.id).join(', ')}`);

  // b: the pair shares the most customers of any unlinked pair.
  const [ia, ib] = STORY_IDS.introduction.partners;
  const shared = (x: string, y: string) => [...(customersOf.get(x) ?? [])].filter((c) => customersOf.get(y)?.has(c)).length;
  if (shared(ia, ib) < STORY_IDS.introduction.sharedCustomers) fail('b', `the pair shares only ${shared(ia, ib)} customers`);
  if (linked(ia, ib)) fail('b', 'the pair already has a relationship');
  const sellers = [...customersOf.keys()];
  for (let i = 0; i < sellers.length; i++) {
    for (let j = i + 1; j < sellers.length; j++) {
      const [x, y] = [sellers[i]!, sellers[j]!];
      if ((x === ia && y === ib) || (x === ib && y === ia) || linked(x, y)) continue;
      if (shared(x, y) >= shared(ia, ib)) fail('b', `${x} and ${y} share ${shared(x, y)} customers too`);
    }
  }

  // c: without the broker, the Andean cluster cannot reach the emea-south cluster.
  const { broker } = STORY_IDS;
  const adjacency = new Map<string, string[]>();
  const neighbours = (id: string) => adjacency.get(id) ?? adjacency.set(id, []).get(id)!;
  for (const r of bundle.relationships) {
    neighbours(r.from).push(r.to);
    neighbours(r.to).push(r.from);
  }
  const reach = (start: string, without: string) => {
    const seen = new Set([start]);
    const queue = [start];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      for (const n of adjacency.get(next) ?? []) {
        if (n === without || seen.has(n)) continue;
        seen.add(n);
        queue.push(n);
      }
    }
    return seen;
  };
  const latamStart = broker.latamCluster[0]!;
  if (!reach(latamStart, '').has(broker.emeaSouthCluster[0]!)) fail('c', 'the clusters are not connected at all');
  const cut = reach(latamStart, broker.partner);
  if (broker.emeaSouthCluster.some((id) => cut.has(id))) fail('c', `the clusters connect without ${broker.partner}`);
  if (broker.latamCluster.some((id) => !cut.has(id))) fail('c', 'the Andean cluster is not one piece');

  // d: public demand, no public-serving supply, and the biggest zero-supply cell.
  const { zeroSupply } = STORY_IDS;
  const publicCustomers = new Set(bundle.customers.filter((c) => c.segment === 'public').map((c) => c.id));
  const servesPublic = (p: Partner) => p.segments.includes('public') || [...(customersOf.get(p.id) ?? [])].some((c) => publicCustomers.has(c));
  if (bundle.partners.some((p) => has(p, zeroSupply.capability) && servesPublic(p))) fail('d', `a partner serving public holds ${zeroSupply.capability}`);
  const demand = new Map<string, number>();
  for (const c of bundle.customers) for (const n of c.needs) demand.set(`${n}|${c.region}|${c.segment}`, (demand.get(`${n}|${c.region}|${c.segment}`) ?? 0) + 1);
  const supplied = (key: string) => {
    const [cap, region, segment] = key.split('|') as [string, string, string];
    return bundle.partners.some((p) => has(p, cap) && p.regions.includes(region) && p.segments.includes(segment));
  };
  const storyCell = `${zeroSupply.capability}|${zeroSupply.region}|${zeroSupply.segment}`;
  if ((demand.get(storyCell) ?? 0) !== zeroSupply.demand || supplied(storyCell)) fail('d', `${storyCell} is not an unsupplied cell of demand ${zeroSupply.demand}`);
  for (const [cell, count] of demand) if (cell !== storyCell && count >= zeroSupply.demand && !supplied(cell)) fail('d', `${cell} is an unsupplied cell of demand ${count}`);

  // e: exactly one connected reseller + technology + service trio in the region covers the needs.
  const teams = cohesiveTeams(bundle, STORY_IDS.dealTeam.region, STORY_IDS.dealTeam.needs);
  const { team } = STORY_IDS.dealTeam;
  const customer = customers.get(STORY_IDS.dealTeam.customer);
  if (customer === undefined || customer.needs.length !== 3) fail('e', 'the customer is missing or does not need exactly three capabilities');
  if (teams.length !== 1 || teams[0]!.join() !== [team.reseller, team.technology, team.service].join()) fail('e', `cohesive teams: ${JSON.stringify(teams)}`);

  // f: two records, two systems, one domain.
  const { duplicate } = STORY_IDS;
  const [crm, prm] = [partners.get(duplicate.crm), partners.get(duplicate.prm)];
  const normalise = (d?: string) => (d === undefined ? '' : normaliseDomain(d));
  if (crm === undefined || prm === undefined || normalise(crm.domain) !== normalise(prm.domain) || crm.domain === prm.domain) fail('f', 'the two records do not share a differently written domain ');
  const domains = bundle.partners.map((p) => normalise(p.domain)).filter((d) => d !== '');
  if (new Set(domains).size !== domains.length - 1) fail('f', 'some other partners share a domain');

  // g: exactly the planted isolated partners, and the sole holders.
  const touched = new Set(bundle.relationships.flatMap((r) => [r.from, r.to]));
  const isolated = bundle.partners.filter((p) => !touched.has(p.id)).map((p) => p.id);
  if (isolated.join() !== [...STORY_IDS.isolated].sort().join()) fail('g', `isolated partners: ${isolated.join(', ')}`);
  for (const spof of STORY_IDS.singlePointsOfFailure) {
    const holders = bundle.partners.filter((p) => has(p, spof.capability)).map((p) => p.id);
    if (holders.join() !== spof.partner) fail('g', `${spof.capability} held by ${holders.join(', ')}`);
    if (!bundle.customers.some((c) => c.needs.includes(spof.capability))) fail('g', `nobody needs ${spof.capability}`);
  }

  // h
  for (const id of STORY_IDS.conflicts) {
    const deal = bundle.deals.find((d) => d.id === id);
    const total = deal?.partners.reduce((sum, p) => sum + (p.claimedShare ?? 0), 0) ?? 0;
    if (deal === undefined || deal.partners.length !== 2 || total <= 1) fail('h', `${id} is not a two-partner deal claimed over 100%`);
  }
  for (const deal of bundle.deals) {
    const total = deal.partners.reduce((sum, p) => sum + (p.claimedShare ?? 0), 0);
    if (total > 1 + 1e-9 && !(STORY_IDS.conflicts as readonly string[]).includes(deal.id)) fail('h', `${deal.id} is over-claimed too`);
  }

  // i: evaluated as of the histories' end, from the bundle's own facts.
  const { underTiered, overTiered, stalled } = STORY_IDS.programmes;
  const asOf = new Date(HISTORY_AS_OF);
  const evaluations = evaluateTiers(bundle.programs ?? [], standingsFromBundle(bundle), activitiesFromBundle(bundle), asOf);
  const statusOf = (s: { partner: string; track: string }) => evaluations.find((e) => e.partnerId === s.partner && e.track === s.track)?.status;
  if (statusOf(underTiered) !== 'under-tiered') fail('i', `${underTiered.partner} is ${statusOf(underTiered)} in ${underTiered.track}`);
  if (statusOf(overTiered) !== 'over-tiered') fail('i', `${overTiered.partner} is ${statusOf(overTiered)} in ${overTiered.track}`);
  const track = bundle.programs?.find((t) => t.id === stalled.track);
  const histories = new Map(bundle.partners.map((p) => [p.id, p.lifecycleHistory ?? []]));
  const funnel = track === undefined ? undefined : lifecycleFunnel(track, standingsFromBundle(bundle), histories, asOf);
  if (!funnel?.stages.find((x) => x.stage === stalled.stage)?.stalled.some((x) => x.partnerId === stalled.partner)) fail('i', `${stalled.partner} is not stalled at ${stalled.stage}`);
  return failures;
}

/**
 * Reseller + technology + service trios in a region, connected by their
 * partner↔partner relationships, whose capabilities together cover `needs`;
 * each as [reseller, technology, service].
 */
export function cohesiveTeams(bundle: Bundle, region: string, needs: readonly string[]): Array<[string, string, string]> {
  const local = bundle.partners.filter((p) => p.regions.includes(region));
  const role = (t: PartnerType) => local.filter((p) => p.types.includes(t));
  const pairs = new Set(bundle.relationships.filter((r) => r.type !== 'SERVES').flatMap((r) => [`${r.from}|${r.to}`, `${r.to}|${r.from}`]));
  const edge = (x: Partner, y: Partner) => pairs.has(`${x.id}|${y.id}`);
  const teams: Array<[string, string, string]> = [];
  for (const r of role('reseller')) {
    for (const t of role('technology')) {
      for (const s of role('service')) {
        if (r === t || t === s || r === s) continue;
        const edges = [edge(r, t), edge(t, s), edge(r, s)].filter(Boolean).length;
        if (edges < 2) continue; // three nodes are connected with at least two of their three edges
        const held = new Set([r, t, s].flatMap((p) => p.capabilities.map((c) => c.id)));
        if (needs.every((n) => held.has(n))) teams.push([r.id, t.id, s.id]);
      }
    }
  }
  return teams;
}

// ---------- writing ----------

function storiesMarkdown(bundle: Bundle): string {
  const s = STORY_IDS;
  const customersOf = (partner: string) => new Set(bundle.relationships.filter((r) => r.type === 'SERVES' && r.from === partner).map((r) => r.to));
  const [introA, introB] = s.introduction.partners;
  const shared = [...customersOf(introA)].filter((c) => customersOf(introB).has(c)).length;
  const ids = (list: readonly string[]) => list.map((id) => `\`${id}\``).join(', ');
  const p = s.programmes;
  const evaluations = evaluateTiers(bundle.programs ?? [], standingsFromBundle(bundle), activitiesFromBundle(bundle), new Date(HISTORY_AS_OF));
  const programmeFacts = {
    underCustomers: customersOf(p.underTiered.partner).size,
    underQualified: evaluations.find((e) => e.partnerId === p.underTiered.partner && e.track === p.underTiered.track)?.qualifiedTier,
    misTiered: evaluations.filter((e) => e.status !== 'ok').length,
    evaluations: evaluations.length,
  };
  return `# Demo ecosystem stories

Written by \`seeds/demo/build.ts\` from its \`STORY_IDS\`; \`seeds/test/demo.test.ts\` checks each on the raw data.
The demo has ${bundle.partners.length} partners, ${bundle.customers.length} customers, ${bundle.relationships.length} relationships, ${CAPABILITIES.length} capabilities, 6 regions and 4 segments; relationships come from the \`crm\`, \`prm\` and \`marketplace\` systems.

## a. A technology partner without implementers where its customers are
\`${s.gap.technology}\` (technology, certified in \`${s.gap.capability}\`) serves customers in na-east, na-west, emea-north and **${s.gap.region}**. Its only implementers, ${ids(s.gap.implementers)} (IMPLEMENTS → \`${s.gap.technology}\`), work in NA and emea-north; no service partner in ${s.gap.region} holds \`${s.gap.capability}\`. Expected: \`${s.gap.capability}\` gaps in ${s.gap.region}, where only the technology partner itself qualifies; action introduce: its implementer in another region already works with it.

## b. The top introduction
${ids(s.introduction.partners)} (a reseller and a service partner, both in na-east) share ${shared} customers and have no relationship with each other; no other unrelated pair shares as many. Expected: each other's top introduction, with sharedCustomers and complementaryRoles signals.

## c. A broker between two clusters
\`${s.broker.partner}\` (referral + service, latam and emea-south) is the only link between the Andean cluster in latam (${ids(s.broker.latamCluster)}, and the 36 latam customers only they and the broker serve) and the emea-south cluster (${ids(s.broker.emeaSouthCluster)}), which connects to the rest of the ecosystem. Expected: an articulation point with high betweenness; its removal disconnects the Andean cluster.

## d. A capability nobody covers for the public segment
Public-sector customers need \`${s.zeroSupply.capability}\` (${s.zeroSupply.demand} in ${s.zeroSupply.region}, 4 in na-west). Its only holders, ${ids(s.zeroSupply.holders)}, serve enterprise and mid-market, never public. Expected: the top zero-supply gap, (\`${s.zeroSupply.capability}\`, ${s.zeroSupply.region}, ${s.zeroSupply.segment}) with demand ${s.zeroSupply.demand}; action enable: the holders operate in ${s.zeroSupply.region} but do not serve ${s.zeroSupply.segment}.

## e. A deal team
\`${s.dealTeam.customer}\` (enterprise healthcare, ${s.dealTeam.region}) needs ${ids(s.dealTeam.needs)}; its open deal is \`${s.dealTeam.deal}\`. Exactly one connected reseller + technology + service trio in ${s.dealTeam.region} covers the three: \`${s.dealTeam.team.reseller}\` (RESELLS the technology, CO_SELLS_WITH the service partner), \`${s.dealTeam.team.technology}\` (clinical data, data governance) and \`${s.dealTeam.team.service}\` (cloud migration, IMPLEMENTS the technology). Near misses: \`${s.dealTeam.decoys[0]}\` implements the technology partner but has no cloud migration; \`${s.dealTeam.decoys[1]}\` resells it from emea-south.

## f. One partner from two systems
\`${s.duplicate.crm}\` (source \`crm\`, domain \`${s.duplicate.crmDomain}\`) and \`${s.duplicate.prm}\` (source \`prm\`, domain \`${s.duplicate.prmDomain}\`) are the same company; each carries its own system's relationships. Expected: identity resolution merges them, keeping both sources and the other id as an alias.

## g. Isolated partners and single points of failure
Recruited partners with no relationships: ${ids(s.isolated)}.
Capabilities held by exactly one partner: ${s.singlePointsOfFailure.map((x) => `\`${x.capability}\` by \`${x.partner}\``).join('; ')}; customers depend on both.

## h. Conflicting deal claims
${ids(s.conflicts)} (on ${ids(s.conflictCustomers)}): two partners each claim 70% and 60% of the same won deal. Every other deal's claimed shares sum to at most 1.

## i. Mis-tiered partners and a stalled onboarding
The demo ships a programme: tracks ${ids((bundle.programs ?? []).map((t) => t.id))}, each with benefits, tiers registered → silver → gold (→ platinum) and stall limits (onboard 90 days), and every partner has a lifecycle history ending by ${HISTORY_AS_OF.slice(0, 10)}.
\`${p.underTiered.partner}\` is held at ${p.underTiered.held} but serves ${programmeFacts.underCustomers} customers: under-tiered in ${p.underTiered.track} (qualifies for ${programmeFacts.underQualified}).
\`${p.overTiered.partner}\` is held at ${p.overTiered.held} with no certified capability and no customer: over-tiered in ${p.overTiered.track} (qualifies for registered only).
\`${p.stalled.partner}\` has been at ${p.stalled.stage} in ${p.stalled.track} for ${p.stalled.days} days by ${HISTORY_AS_OF.slice(0, 10)} (the limit is 90): listed as stalled in the ${p.stalled.track} funnel, with a next action.
Other partners are mis-tiered or stalled too (${programmeFacts.misTiered} evaluations of ${programmeFacts.evaluations} as of ${HISTORY_AS_OF.slice(0, 10)}): the background's tiers are drawn at random.
`;
}

/** Writes bundle.json, csv/*.csv and STORIES.md next to this file. */
export function writeDemo(directory = dirname(fileURLToPath(import.meta.url))): Bundle {
  const bundle = buildDemoBundle();
  writeFileSync(join(directory, 'bundle.json'), `${JSON.stringify(bundle, null, 2)}\n`);
  const csvDirectory = join(directory, 'csv');
  rmSync(csvDirectory, { recursive: true, force: true });
  mkdirSync(csvDirectory, { recursive: true });
  for (const [file, text] of Object.entries(bundleToCsv(bundle))) writeFileSync(join(csvDirectory, file), text);
  writeFileSync(join(directory, 'STORIES.md'), storiesMarkdown(bundle) + attributionStoryMarkdown(bundle) + conflictStoryMarkdown(bundle) + solutionStoryMarkdown(bundle) + sharingStoryMarkdown(bundle));
  return bundle;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bundle = writeDemo();
  console.log(
    `demo: ${bundle.partners.length} partners, ${bundle.customers.length} customers, ${bundle.relationships.length} relationships, ${bundle.deals.length} deals, ${bundle.solutions.length} solutions`,
  );
}
