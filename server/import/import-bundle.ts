/**
 * Import of an ecosystem bundle: every row checked, identities resolved,
 * references checked, then written in one transaction (or, for very large
 * inputs, in committed batches whose progress the store records).
 *
 * Modes: 'all-or-nothing' (default) writes nothing when any row is bad;
 * 'partial' writes the good rows and reports the bad ones. A row that refers
 * to an unknown or bad row is itself bad: nothing is ever dropped silently.
 * A dry run does everything but the write and says what the write would do.
 *
 * Memory stays bounded by the good rows: a bad row is dropped once reported,
 * and the error list keeps the first ERROR_LIST_CAP errors plus a count per
 * section, field and reason.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { BUNDLE_SECTIONS, BundleEnvelope, BundleResolution, type Bundle, type BundleSection, type ExportSection } from '../schemas/bundle.js';
import type { Capability, Customer, Deal, MembershipRelationship, Partner, Region, Relationship, Segment, Solution } from '../schemas/model.js';
import type { ProgramTrack } from '../schemas/programs.js';
import type { SharingRow } from '../schemas/sharing.js';
import { MEMBERSHIP_TYPES, PARTNER_LINK_TYPES } from '../schemas/model.js';
import type { GraphStore, StoreWriter } from '../store/graph-store.js';
import { identityLookup, mergeCustomers, nameBlocksOf, mergePartners, resolveIdentities, type Merge, type ReviewItem } from './identity.js';
import { canonicalise, readCatalogue, type Catalogue } from './canonical.js';
import type { Origin } from './mapping.js';

export type ImportMode = 'all-or-nothing' | 'partial';

export interface RowError {
  section: ExportSection | 'bundle';
  index: number;
  id?: string;
  field: string;
  message: string;
  /** The bad value, shortened to VALUE_SHOWN characters. */
  value?: string;
  /** The file and its 1-based line (header = line 1), when the row came from a file. */
  file?: string;
  line?: number;
}

/** How many errors a report lists; the rest are counted per section, field and reason. */
export const ERROR_LIST_CAP = 1000;
/**
 * After this many errors the remaining rows are not checked (and so not written): a file
 * that is wrong throughout answers at once, whatever its size, instead of being checked to the end.
 */
export const ERROR_STOP = 10_000;
const VALUE_SHOWN = 80;

export interface ErrorCount {
  section: string;
  field: string;
  reason: string;
  count: number;
}

/** What a (dry) run would create, update and leave, per section. */
export interface PlanCounts {
  created: Partial<Record<BundleSection, number>>;
  updated: Partial<Record<BundleSection, number>>;
}

/** Shortens a bad value for a message: JSON for non-strings, at most VALUE_SHOWN characters. */
export function shownValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > VALUE_SHOWN ? `${text.slice(0, VALUE_SHOWN - 1)}…` : text;
}

/** Collects row errors: keeps the first ERROR_LIST_CAP, counts every one by section, field and reason. */
class ErrorList {
  readonly kept: RowError[] = [];
  total = 0;
  /** Rows left unchecked once ERROR_STOP errors were found. */
  unchecked = 0;
  private readonly counts = new Map<string, ErrorCount>();
  private readonly byText = new Map<string, ErrorCount>();

  constructor(private readonly origins: Record<string, Origin[]> | undefined) {}

  push(error: RowError): void {
    this.total += 1;
    // Hot when every row is bad: the same error text finds its count without normalising it again.
    const raw = `${error.section}\u0000${error.field}\u0000${error.message}`;
    let count = this.byText.get(raw);
    if (count === undefined) {
      // The reason without the values in it, so that one bad capability id a thousand times is one count.
      const reason = error.message.replace(/"[^"]*"/g, '"…"');
      const field = error.field.replace(/\.\d+(?=\.|$)/g, '[]');
      const key = `${error.section}\u0000${field}\u0000${reason}`;
      count = this.counts.get(key) ?? { section: error.section, field, reason, count: 0 };
      this.counts.set(key, count);
      // Texts that name values are many; only the first few thousand are remembered.
      if (this.byText.size < 10_000) this.byText.set(raw, count);
    }
    count.count += 1;
    if (this.kept.length >= ERROR_LIST_CAP) return;
    const origin = error.section === 'bundle' ? undefined : this.origins?.[error.section]?.[error.index];
    this.kept.push(origin === undefined ? error : { ...error, file: origin.file, line: origin.line });
  }

  get length(): number {
    return this.total;
  }

  /** Whether the next error is still listed (not only counted). */
  get listing(): boolean {
    return this.kept.length < ERROR_LIST_CAP;
  }

  byReason(): ErrorCount[] {
    return [...this.counts.values()].sort((a, b) => b.count - a.count || a.section.localeCompare(b.section) || a.field.localeCompare(b.field));
  }
}

export interface ImportReport {
  mode: ImportMode;
  /** False when all-or-nothing found bad rows and wrote nothing. */
  committed: boolean;
  written: Record<BundleSection, number>;
  merges: Merge[];
  /** The first ERROR_LIST_CAP errors, in section and row order. */
  errors: RowError[];
  /** How many errors there are in all, and how many per section, field and reason. */
  errorCount: number;
  /** Rows not checked (nor written) because ERROR_STOP errors were found first. */
  unchecked: number;
  errorCounts: ErrorCount[];
  /** Uncertain matches (same or similar name, no domain) queued for a person to accept or reject, not merged. */
  review: ReviewItem[];
  /** Things worth knowing that rejected nothing: a repeated id merged, columns ignored. */
  warnings: string[];
  /** True when nothing was to be written (dryRun). */
  dryRun: boolean;
  /** What the write creates and updates (or, in a dry run, would). */
  plan: PlanCounts;
  /** The store's change counter after the import (unchanged when nothing was written). */
  version: number;
}

export interface ImportOptions {
  mode?: ImportMode;
  /** Commit every this many rows instead of one transaction (large imports). */
  batchRows?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called with what was written once a one-transaction import has committed. */
  onCommitted?: (written: Bundle, version: number) => void;
  /** Check, resolve and plan, but write nothing. */
  dryRun?: boolean;
  /** Each row's file and line, per section, for the error list (CSV and mapped inputs). */
  origins?: Record<string, Origin[]>;
  /** Warnings from reading the input (ignored columns), carried into the report. */
  warnings?: string[];
  /** Rows the reader counted but did not keep, past ERROR_STOP rows that could never be valid (see readJsonBundle). */
  unchecked?: number;
}

/** The envelope itself is unusable: no row could be read. */
export class BundleRejected extends Error {
  constructor(readonly errors: RowError[]) {
    super(`the bundle is not a version 1 ecosystem bundle: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
}

interface Indexed<T> {
  index: number;
  row: T;
}

const fieldOf = (path: PropertyKey[]) => (path.length === 0 ? '(row)' : path.map(String).join('.'));

/** A Standard Schema result (synchronous: no schema here is async). */
type Validation<T> = { value: T; issues?: undefined } | { issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }> };

/** The value at a validation issue's path in the raw row, shortened; undefined when the field is absent. */
function valueAt(raw: unknown, path: PropertyKey[]): string | undefined {
  let value = raw;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value === undefined ? undefined : shownValue(value);
}

function parseRows<S extends z.ZodType>(section: ExportSection, schema: S, rows: unknown[], errors: ErrorList): Array<Indexed<z.infer<S>>> {
  const valid: Array<Indexed<z.infer<S>>> = [];
  // Through the Standard Schema interface: the same checks as safeParse without building a ZodError
  // (with its stack) per bad row, which made a body of a million empty rows take a minute.
  const validate = schema['~standard'].validate;
  rows.forEach((raw, index) => {
    if (errors.total >= ERROR_STOP) {
      errors.unchecked += 1;
      return;
    }
    const result = validate(raw) as Validation<z.infer<S>>;
    if (result.issues === undefined) valid.push({ index, row: result.value });
    else {
      const id = typeof (raw as { id?: unknown } | null)?.id === 'string' ? shownValue((raw as { id: string }).id) : undefined;
      for (const issue of result.issues) {
        const path = (issue.path ?? []).map((key) => (typeof key === 'object' ? key.key : key));
        const value = errors.listing ? valueAt(raw, path) : undefined;
        errors.push({ section, index, ...(id ? { id } : {}), field: fieldOf(path), message: issue.message, ...(value === undefined ? {} : { value }) });
      }
    }
  });
  return valid;
}

const asNamed = (r: string | { id: string; name?: string | undefined }) => (typeof r === 'string' ? { id: r } : r);

/**
 * One bundle into the store, in four phases, each a function: parse every
 * section's rows against its schema; resolve identities (partners and
 * customers from several systems become one record each); check every
 * reference in dependency order, which gives the plan of good rows; write
 * the plan (all or nothing, or its good rows), or only report it (dry run,
 * or rejected).
 */
export async function importBundle(store: GraphStore, input: unknown, options: ImportOptions = {}): Promise<ImportReport> {
  const mode = options.mode ?? 'all-or-nothing';
  const envelope = BundleEnvelope.safeParse(input);
  if (!envelope.success) {
    throw new BundleRejected(envelope.error.issues.map((i) => ({ section: 'bundle', index: -1, field: fieldOf(i.path), message: i.message })));
  }
  const b = envelope.data;
  const errors = new ErrorList(options.origins);
  errors.unchecked = options.unchecked ?? 0;
  const warnings = [...(options.warnings ?? [])];
  // Values by any spelling of an id or name; regions and segments must be defined by the bundle or the store.
  const catalogue = await readCatalogue(store, b);
  canonicalise(b, catalogue);
  const rows = parseSections(b, errors);
  warnRepeatedIds({ capabilities: rows.capabilities, partners: rows.partners, customers: rows.customers, deals: rows.deals, solutions: rows.solutions, programs: rows.programs }, options.origins, warnings);
  const identities = await resolveAll(store, rows);
  const links = await foldMemberships(store, rows.relationships, identities, errors);
  const good = await checkReferences(store, rows, identities, links, catalogue, errors);

  const listed = errors.kept.sort((a, b) => a.section.localeCompare(b.section) || a.index - b.index);
  const { partners, customers } = identities;
  const merges = [...partners.merges, ...customers.merges];
  const review = [...partners.review, ...customers.review];
  const plan: Bundle = {
    version: 1,
    capabilities: rows.capabilities.map((c) => c.row as Capability),
    regions: rows.regions.map((r) => r.row),
    segments: rows.segments.map((s) => s.row),
    ...good,
    ...(rows.resolutions.length > 0 ? { resolutions: rows.resolutions.map((r) => r.row) } : {}),
  };
  const written = Object.fromEntries(Object.keys(BUNDLE_SECTIONS).map((k) => [k, 0])) as Record<BundleSection, number>;
  const rejected = errors.length > 0 && mode === 'all-or-nothing';
  const counts = await planCounts(store, plan, { partners: partners.stored, customers: customers.stored });
  const report = { mode, written, merges, errors: listed, errorCount: errors.total, unchecked: errors.unchecked, errorCounts: errors.byReason(), review, warnings, plan: counts };
  if (rejected || options.dryRun === true) return { ...report, committed: false, dryRun: options.dryRun === true, version: await store.version() };
  const version = await writePlan(store, plan, review, options);
  for (const section of Object.keys(written) as BundleSection[]) written[section] = plan[section]?.length ?? 0;
  return { ...report, committed: true, dryRun: false, version };
}

/** Every section's rows that match their schema, each with its index in the bundle; the others are errors. */
function parseSections(b: z.infer<typeof BundleEnvelope>, errors: ErrorList) {
  return {
    capabilities: parseRows('capabilities', BUNDLE_SECTIONS.capabilities, b.capabilities, errors),
    regions: parseRows('regions', BUNDLE_SECTIONS.regions, b.regions, errors).map(({ index, row }) => ({ index, row: asNamed(row) as Region })),
    segments: parseRows('segments', BUNDLE_SECTIONS.segments, b.segments, errors).map(({ index, row }) => ({ index, row: asNamed(row) as Segment })),
    partners: parseRows('partners', BUNDLE_SECTIONS.partners, b.partners, errors),
    customers: parseRows('customers', BUNDLE_SECTIONS.customers, b.customers, errors),
    relationships: parseRows('relationships', BUNDLE_SECTIONS.relationships, b.relationships, errors),
    deals: parseRows('deals', BUNDLE_SECTIONS.deals, b.deals, errors),
    solutions: parseRows('solutions', BUNDLE_SECTIONS.solutions, b.solutions, errors),
    programs: parseRows('programs', BUNDLE_SECTIONS.programs, b.programs, errors),
    sharing: parseRows('sharing', BUNDLE_SECTIONS.sharing, b.sharing, errors),
    resolutions: parseRows('resolutions', BundleResolution, b.resolutions, errors),
  };
}
type ParsedRows = ReturnType<typeof parseSections>;

/**
 * Partners and customers from several systems become one record each. The
 * store is asked only about the records that arrive and the ids referenced
 * (any of which may be an alias).
 */
async function resolveAll(store: GraphStore, rows: ParsedRows) {
  const referencedPartnerIds = [
    // A SERVES relationship ends at a customer, a membership at a capability, region or segment.
    ...rows.relationships.flatMap((r) => ((PARTNER_LINK_TYPES as readonly string[]).includes(r.row.type) ? [r.row.from, r.row.to] : [r.row.from])),
    ...rows.deals.flatMap((d) => d.row.partners.map((p) => p.partner)),
    ...rows.solutions.flatMap((s) => s.row.partners),
    ...rows.sharing.flatMap((s) => [s.row.partner, ...Object.keys(s.row.partners ?? {})]),
  ];
  const referencedCustomerIds = [...rows.relationships.filter((r) => r.row.type === 'SERVES').map((r) => r.row.to), ...rows.deals.map((d) => d.row.customer)];
  const incomingPartners = rows.partners.map((r) => r.row);
  const incomingCustomers = rows.customers.map((r) => r.row);
  const partners = await resolveIdentities(
    'partner',
    incomingPartners,
    await store.identities('partners', identityLookup(incomingPartners, referencedPartnerIds)),
    (ids) => store.getPartners(ids),
    mergePartners,
    (incoming) => store.reviewsOf('partner', incoming),
    await store.nameCandidates('partners', nameBlocksOf(incomingPartners)),
  );
  const customers = await resolveIdentities(
    'customer',
    incomingCustomers,
    await store.identities('customers', identityLookup(incomingCustomers, referencedCustomerIds)),
    (ids) => store.getCustomers(ids),
    mergeCustomers,
    (incoming) => store.reviewsOf('customer', incoming),
    await store.nameCandidates('customers', nameBlocksOf(incomingCustomers)),
  );
  const partnerId = (id: string) => partners.canonical.get(id) ?? id;
  const customerId = (id: string) => customers.canonical.get(id) ?? id;
  return {
    partners,
    customers,
    partnerId,
    customerId,
    referencedPartnerIds,
    referencedCustomerIds,
    /** The bundle row of each resolved record, for its errors. */
    partnerIndex: new Map(rows.partners.map((r) => [partnerId(r.row.id), r.index])),
    customerIndex: new Map(rows.customers.map((r) => [customerId(r.row.id), r.index])),
  };
}
type Identities = Awaited<ReturnType<typeof resolveAll>>;

/**
 * Memberships stated as relationships (HAS_CAPABILITY, OPERATES_IN,
 * SERVES_SEGMENT) join their partner's inline lists, a stored partner read
 * (in one batch) to be rewritten whole; the other relationships are returned.
 */
async function foldMemberships(store: GraphStore, relationships: ParsedRows['relationships'], { partners, partnerId }: Identities, errors: ErrorList): Promise<Array<Indexed<Relationship>>> {
  const partnerById = new Map(partners.records.map((p) => [p.id, p]));
  const memberships = relationships.filter(({ row }) => (MEMBERSHIP_TYPES as readonly string[]).includes(row.type)) as Array<Indexed<MembershipRelationship>>;
  for (const p of await store.getPartners(memberships.map(({ row }) => partnerId(row.from)).filter((id) => !partnerById.has(id)))) {
    partners.records.push(p);
    partnerById.set(p.id, p);
  }
  const links: Array<Indexed<Relationship>> = [];
  for (const { index, row } of relationships) {
    if (!(MEMBERSHIP_TYPES as readonly string[]).includes(row.type)) {
      links.push({ index, row: row as Relationship });
      continue;
    }
    const m = row as MembershipRelationship;
    const p = partnerById.get(partnerId(m.from));
    if (p === undefined) {
      errors.push({ section: 'relationships', index, field: 'from', message: `unknown partner "${m.from}"`, value: shownValue(m.from) });
      continue;
    }
    if (m.type === 'HAS_CAPABILITY') p.capabilities = [...p.capabilities.filter((c) => c.id !== m.to), { id: m.to, level: m.level, certified: m.certified }];
    else if (m.type === 'OPERATES_IN' && !p.regions.includes(m.to)) p.regions = [...p.regions, m.to];
    else if (m.type === 'SERVES_SEGMENT' && !p.segments.includes(m.to)) p.segments = [...p.segments, m.to];
  }
  return links;
}

/**
 * Every reference checked, in dependency order so that a bad row makes its
 * dependants bad too: the rows that can be written.
 */
async function checkReferences(store: GraphStore, rows: ParsedRows, identities: Identities, links: Array<Indexed<Relationship>>, catalogue: Catalogue, errors: ErrorList) {
  const { partners, customers, partnerId, customerId, partnerIndex, customerIndex, referencedPartnerIds, referencedCustomerIds } = identities;
  const knownCapabilities = new Set(rows.capabilities.map((c) => c.row.id));
  const mentionedCapabilities = [
    ...partners.records.flatMap((p) => p.capabilities.map((c) => c.id)),
    ...customers.records.flatMap((c) => c.needs),
    ...rows.deals.flatMap((d) => d.row.needs),
    ...rows.solutions.flatMap((s) => s.row.capabilities),
    ...rows.programs.flatMap((t) => t.row.tiers.flatMap((tier) => tier.requirements.capabilities ?? [])),
  ].filter((id) => !knownCapabilities.has(id));
  for (const id of await store.existingIds('capabilities', mentionedCapabilities)) knownCapabilities.add(id);

  // A region or segment exists when the bundle defines it or the store holds it: a typo is an error, not a new heat-map column.
  const unknownIn = (ids: string[], known: { has(id: string): boolean }) => ids.find((id) => !known.has(id));
  const badPartners = new Set<string>();
  const goodPartners = partners.records.filter((p) => {
    const capability = p.capabilities.find((c) => !knownCapabilities.has(c.id))?.id;
    const region = unknownIn(p.regions, catalogue.regions);
    const segment = unknownIn(p.segments, catalogue.segments);
    const [field, what, value] = capability !== undefined ? ['capabilities', 'capability', capability] : region !== undefined ? ['regions', 'region', region] : segment !== undefined ? ['segments', 'segment', segment] : [];
    if (value === undefined) return true;
    errors.push({ section: 'partners', index: partnerIndex.get(p.id) ?? -1, id: p.id, field: field!, message: `unknown ${what} "${value}"`, value: shownValue(value) });
    badPartners.add(p.id);
    return false;
  });
  const badCustomers = new Set<string>();
  const goodCustomers = customers.records.filter((c) => {
    const need = c.needs.find((n) => !knownCapabilities.has(n));
    const [field, what, value] = need !== undefined ? ['needs', 'capability', need] : !catalogue.regions.has(c.region) ? ['region', 'region', c.region] : !catalogue.segments.has(c.segment) ? ['segment', 'segment', c.segment] : [];
    if (value === undefined) return true;
    errors.push({ section: 'customers', index: customerIndex.get(c.id) ?? -1, id: c.id, field: field!, message: `unknown ${what} "${value}"`, value: shownValue(value) });
    badCustomers.add(c.id);
    return false;
  });
  const knownPartners = new Set(goodPartners.map((p) => p.id));
  const knownCustomers = new Set(goodCustomers.map((c) => c.id));
  const referencedPartners = referencedPartnerIds.map(partnerId).filter((id) => !knownPartners.has(id) && !badPartners.has(id));
  for (const id of await store.existingIds('partners', referencedPartners)) knownPartners.add(id);
  const referencedCustomers = referencedCustomerIds.map(customerId).filter((id) => !knownCustomers.has(id) && !badCustomers.has(id));
  for (const id of await store.existingIds('customers', referencedCustomers)) knownCustomers.add(id);

  const unknown = (what: string, id: string, bad: Set<string>) => (bad.has(id) ? `${what} "${id}" is itself a bad row` : `unknown ${what} "${id}"`);
  const goodLinks: Relationship[] = [];
  for (const { index, row } of links) {
    const from = partnerId(row.from);
    const to = row.type === 'SERVES' ? customerId(row.to) : partnerId(row.to);
    if (!knownPartners.has(from)) errors.push({ section: 'relationships', index, field: 'from', message: unknown('partner', row.from, badPartners), value: shownValue(row.from) });
    else if (row.type === 'SERVES' && !knownCustomers.has(to)) errors.push({ section: 'relationships', index, field: 'to', message: unknown('customer', row.to, badCustomers), value: shownValue(row.to) });
    else if (row.type !== 'SERVES' && !knownPartners.has(to)) errors.push({ section: 'relationships', index, field: 'to', message: unknown('partner', row.to, badPartners), value: shownValue(row.to) });
    else if (from === to) errors.push({ section: 'relationships', index, field: 'to', message: `a partner cannot be related to itself ("${row.from}" and "${row.to}" are the same partner)`, value: shownValue(row.to) });
    else goodLinks.push({ ...row, from, to });
  }
  const goodDeals: Deal[] = [];
  for (const { index, row } of rows.deals) {
    const customer = customerId(row.customer);
    const partner = row.partners.find((p) => !knownPartners.has(partnerId(p.partner)));
    const need = row.needs.find((n) => !knownCapabilities.has(n));
    if (!knownCustomers.has(customer)) errors.push({ section: 'deals', index, id: row.id, field: 'customer', message: unknown('customer', row.customer, badCustomers), value: shownValue(row.customer) });
    else if (partner !== undefined) errors.push({ section: 'deals', index, id: row.id, field: 'partners', message: unknown('partner', partner.partner, badPartners), value: shownValue(partner.partner) });
    else if (need !== undefined) errors.push({ section: 'deals', index, id: row.id, field: 'needs', message: `unknown capability "${need}"`, value: shownValue(need) });
    else if (!catalogue.regions.has(row.region)) errors.push({ section: 'deals', index, id: row.id, field: 'region', message: `unknown region "${row.region}"`, value: shownValue(row.region) });
    else goodDeals.push({ ...row, customer, partners: row.partners.map((p) => ({ ...p, partner: partnerId(p.partner) })) });
  }
  const goodSolutions: Solution[] = [];
  for (const { index, row } of rows.solutions) {
    const partner = row.partners.find((p) => !knownPartners.has(partnerId(p)));
    const capability = row.capabilities.find((c) => !knownCapabilities.has(c));
    if (partner !== undefined) errors.push({ section: 'solutions', index, id: row.id, field: 'partners', message: unknown('partner', partner, badPartners), value: shownValue(partner) });
    else if (capability !== undefined) errors.push({ section: 'solutions', index, id: row.id, field: 'capabilities', message: `unknown capability "${capability}"`, value: shownValue(capability) });
    else goodSolutions.push({ ...row, partners: [...new Set(row.partners.map(partnerId))] });
  }

  const goodPrograms: ProgramTrack[] = [];
  for (const { index, row } of rows.programs) {
    const tier = row.tiers.findIndex((t) => (t.requirements.capabilities ?? []).some((c) => !knownCapabilities.has(c)));
    if (tier < 0) goodPrograms.push(row);
    else {
      const capability = row.tiers[tier]!.requirements.capabilities!.find((c) => !knownCapabilities.has(c))!;
      errors.push({ section: 'programs', index, id: row.id, field: `tiers.${tier}.requirements.capabilities`, message: `unknown capability "${capability}"`, value: shownValue(capability) });
    }
  }

  const goodSharing: SharingRow[] = [];
  for (const { index, row } of rows.sharing) {
    const partner = partnerId(row.partner);
    const named = Object.entries(row.partners ?? {}).map(([other, level]) => [other, partnerId(other), level] as const);
    const bad = named.find(([, other]) => !knownPartners.has(other) || other === partner);
    if (!knownPartners.has(partner)) errors.push({ section: 'sharing', index, field: 'partner', message: unknown('partner', row.partner, badPartners), value: shownValue(row.partner) });
    else if (bad !== undefined) {
      const message = bad[1] === partner ? 'a partner does not share with itself' : unknown('partner', bad[0], badPartners);
      errors.push({ section: 'sharing', index, id: row.partner, field: `partners.${bad[0]}`, message, value: shownValue(bad[0]) });
    } else goodSharing.push({ ...row, partner, ...(row.partners === undefined ? {} : { partners: Object.fromEntries(named.map(([, other, level]) => [other, level])) }) });
  }
  return { partners: goodPartners, customers: goodCustomers, relationships: goodLinks, deals: goodDeals, solutions: goodSolutions, programs: goodPrograms, sharing: goodSharing };
}

/** A repeated id inside one bundle is merged (partners, customers) or the last row wins (the rest): said, with the rows. */
function warnRepeatedIds(sections: Partial<Record<BundleSection, Array<Indexed<{ id: string }>>>>, origins: Record<string, Origin[]> | undefined, warnings: string[]): void {
  for (const [section, rows] of Object.entries(sections)) {
    const first = new Map<string, number>();
    for (const { index, row } of rows) {
      const before = first.get(row.id);
      if (before === undefined) {
        first.set(row.id, index);
        continue;
      }
      const where = (i: number) => {
        const origin = origins?.[section]?.[i];
        return origin === undefined ? `${section}[${i}]` : `${origin.file} line ${origin.line}`;
      };
      const outcome = section === 'partners' || section === 'customers' ? 'merged into one record (lists joined, the first row\'s other values kept)' : 'the later row is written';
      if (warnings.length < ERROR_LIST_CAP) warnings.push(`${section} id "${shownValue(row.id)}" appears at ${where(before)} and ${where(index)}: ${outcome}`);
    }
  }
}

/** How many rows of each section the write creates (ids the store lacks) and how many it updates. */
async function planCounts(store: GraphStore, plan: Bundle, stored: { partners: Set<string>; customers: Set<string> }): Promise<PlanCounts> {
  const created: PlanCounts['created'] = {};
  const updated: PlanCounts['updated'] = {};
  const split = (section: BundleSection, ids: string[], exists: (id: string) => boolean) => {
    const old = ids.filter(exists).length;
    created[section] = ids.length - old;
    updated[section] = old;
  };
  const storedCapabilities = await store.existingIds('capabilities', plan.capabilities.map((c) => c.id));
  split('capabilities', plan.capabilities.map((c) => c.id), (id) => storedCapabilities.has(id));
  split('partners', plan.partners.map((p) => p.id), (id) => stored.partners.has(id));
  split('customers', plan.customers.map((c) => c.id), (id) => stored.customers.has(id));
  // Links, deals, solutions and programmes are written whole (replaced when they exist): counted as written, under created.
  for (const section of ['relationships', 'deals', 'solutions', 'programs', 'sharing'] as const) created[section] = plan[section]?.length ?? 0;
  return { created, updated };
}

type Step = (w: StoreWriter, rows: never[]) => Promise<void>;
const STEPS: Array<[ExportSection, Step]> = [
  ['capabilities', (w, rows: Capability[]) => w.upsertCapabilities(rows)],
  ['regions', (w, rows: Region[]) => w.upsertRegions(rows)],
  ['segments', (w, rows: Segment[]) => w.upsertSegments(rows)],
  ['partners', (w, rows: Partner[]) => w.upsertPartners(rows)],
  ['customers', (w, rows: Customer[]) => w.upsertCustomers(rows)],
  ['relationships', (w, rows: Relationship[]) => w.upsertRelationships(rows)],
  ['deals', (w, rows: Deal[]) => w.upsertDeals(rows)],
  ['solutions', (w, rows: Solution[]) => w.upsertSolutions(rows)],
  ['programs', (w, rows: ProgramTrack[]) => w.defineTracks(rows)],
  ['sharing', (w, rows: SharingRow[]) => w.setSharing(rows)],
  ['resolutions', (w, rows: BundleResolution[]) => w.importResolutions(rows)],
] as Array<[ExportSection, Step]>;

/**
 * Writes a checked bundle. Without `batchRows`, one transaction: all or
 * nothing. With it, one committed transaction per batch, each recording its
 * number, so that an interrupted import leaves the store at its last
 * committed batch (and re-running the import completes it: every write is a MERGE).
 */
async function writePlan(store: GraphStore, plan: Bundle, review: ReviewItem[], options: ImportOptions): Promise<number> {
  const total = STEPS.reduce((sum, [section]) => sum + (plan[section]?.length ?? 0), 0);
  if (options.batchRows === undefined) {
    const { version } = await store.write(async (w) => {
      for (const [section, step] of STEPS) await step(w, (plan[section] ?? []) as never[]);
      await w.queueReviews(review);
    });
    options.onProgress?.(total, total);
    options.onCommitted?.(plan, version);
    return version;
  }
  const importId = randomUUID();
  let done = 0;
  let batches = 0;
  let version = await store.version();
  for (const [section, step] of STEPS) {
    const rows = (plan[section] ?? []) as never[];
    for (let i = 0; i < rows.length; i += options.batchRows) {
      const batch = rows.slice(i, i + options.batchRows);
      batches += 1;
      ({ version } = await store.write(async (w) => {
        await step(w, batch);
        await w.recordImportProgress(importId, batches);
      }));
      done += batch.length;
      options.onProgress?.(done, total);
    }
  }
  if (review.length > 0) ({ version } = await store.write((w) => w.queueReviews(review)));
  return version;
}
