/**
 * Import of an ecosystem bundle: every row checked, identities resolved,
 * references checked, then written in one transaction (or, for very large
 * inputs, in committed batches whose progress the store records).
 *
 * Modes: 'all-or-nothing' (default) writes nothing when any row is bad;
 * 'partial' writes the good rows and reports the bad ones. A row that refers
 * to an unknown or bad row is itself bad: nothing is ever dropped silently.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { BUNDLE_SECTIONS, BundleEnvelope, type Bundle, type BundleSection } from '../schemas/bundle.js';
import type { Capability, Customer, Deal, MembershipRelationship, Partner, Region, Relationship, Segment, Solution } from '../schemas/model.js';
import type { ProgramTrack } from '../schemas/programs.js';
import { MEMBERSHIP_TYPES, PARTNER_LINK_TYPES } from '../schemas/model.js';
import type { GraphStore, StoreWriter } from '../store/graph-store.js';
import { identityLookup, mergeCustomers, mergePartners, resolveIdentities, type Merge } from './identity.js';

export type ImportMode = 'all-or-nothing' | 'partial';

export interface RowError {
  section: BundleSection | 'bundle';
  index: number;
  id?: string;
  field: string;
  message: string;
}

export interface ImportReport {
  mode: ImportMode;
  /** False when all-or-nothing found bad rows and wrote nothing. */
  committed: boolean;
  written: Record<BundleSection, number>;
  merges: Merge[];
  errors: RowError[];
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

function parseRows<S extends z.ZodType>(section: BundleSection, schema: S, rows: unknown[], errors: RowError[]): Array<Indexed<z.infer<S>>> {
  const valid: Array<Indexed<z.infer<S>>> = [];
  rows.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) valid.push({ index, row: parsed.data });
    else {
      const id = typeof (raw as { id?: unknown } | null)?.id === 'string' ? (raw as { id: string }).id : undefined;
      for (const issue of parsed.error.issues) errors.push({ section, index, ...(id ? { id } : {}), field: fieldOf(issue.path), message: issue.message });
    }
  });
  return valid;
}

const asNamed = (r: string | { id: string; name?: string | undefined }) => (typeof r === 'string' ? { id: r } : r);

export async function importBundle(store: GraphStore, input: unknown, options: ImportOptions = {}): Promise<ImportReport> {
  const mode = options.mode ?? 'all-or-nothing';
  const envelope = BundleEnvelope.safeParse(input);
  if (!envelope.success) {
    throw new BundleRejected(envelope.error.issues.map((i) => ({ section: 'bundle', index: -1, field: fieldOf(i.path), message: i.message })));
  }
  const b = envelope.data;
  const errors: RowError[] = [];
  const capabilities = parseRows('capabilities', BUNDLE_SECTIONS.capabilities, b.capabilities, errors);
  const regions = parseRows('regions', BUNDLE_SECTIONS.regions, b.regions, errors).map(({ index, row }) => ({ index, row: asNamed(row) as Region }));
  const segments = parseRows('segments', BUNDLE_SECTIONS.segments, b.segments, errors).map(({ index, row }) => ({ index, row: asNamed(row) as Segment }));
  const partnerRows = parseRows('partners', BUNDLE_SECTIONS.partners, b.partners, errors);
  const customerRows = parseRows('customers', BUNDLE_SECTIONS.customers, b.customers, errors);
  const relationshipRows = parseRows('relationships', BUNDLE_SECTIONS.relationships, b.relationships, errors);
  const dealRows = parseRows('deals', BUNDLE_SECTIONS.deals, b.deals, errors);
  const solutionRows = parseRows('solutions', BUNDLE_SECTIONS.solutions, b.solutions, errors);
  const programRows = parseRows('programs', BUNDLE_SECTIONS.programs, b.programs, errors);

  // Identities: partners and customers from several systems become one record each. The store is
  // asked only about the records that arrive and the ids referenced (any of which may be an alias).
  const referencedPartnerIds = [
    // A SERVES relationship ends at a customer, a membership at a capability, region or segment.
    ...relationshipRows.flatMap((r) => ((PARTNER_LINK_TYPES as readonly string[]).includes(r.row.type) ? [r.row.from, r.row.to] : [r.row.from])),
    ...dealRows.flatMap((d) => d.row.partners.map((p) => p.partner)),
    ...solutionRows.flatMap((s) => s.row.partners),
  ];
  const referencedCustomerIds = [...relationshipRows.filter((r) => r.row.type === 'SERVES').map((r) => r.row.to), ...dealRows.map((d) => d.row.customer)];
  const incomingPartners = partnerRows.map((r) => r.row);
  const incomingCustomers = customerRows.map((r) => r.row);
  const partners = await resolveIdentities(
    'partner',
    incomingPartners,
    await store.identities('partners', identityLookup(incomingPartners, referencedPartnerIds)),
    (ids) => store.getPartners(ids),
    mergePartners,
  );
  const customers = await resolveIdentities(
    'customer',
    incomingCustomers,
    await store.identities('customers', identityLookup(incomingCustomers, referencedCustomerIds)),
    (ids) => store.getCustomers(ids),
    mergeCustomers,
  );
  const partnerId = (id: string) => partners.canonical.get(id) ?? id;
  const customerId = (id: string) => customers.canonical.get(id) ?? id;
  const partnerIndex = new Map(partnerRows.map((r) => [partnerId(r.row.id), r.index]));
  const customerIndex = new Map(customerRows.map((r) => [customerId(r.row.id), r.index]));

  // Memberships stated as relationships join their partner's inline lists (a stored partner is read, in one batch, to be rewritten whole).
  const partnerById = new Map(partners.records.map((p) => [p.id, p]));
  const memberships = relationshipRows.filter(({ row }) => (MEMBERSHIP_TYPES as readonly string[]).includes(row.type)) as Array<Indexed<MembershipRelationship>>;
  for (const p of await store.getPartners(memberships.map(({ row }) => partnerId(row.from)).filter((id) => !partnerById.has(id)))) {
    partners.records.push(p);
    partnerById.set(p.id, p);
  }
  const links: Array<Indexed<Relationship>> = [];
  for (const { index, row } of relationshipRows) {
    if (!(MEMBERSHIP_TYPES as readonly string[]).includes(row.type)) {
      links.push({ index, row: row as Relationship });
      continue;
    }
    const m = row as MembershipRelationship;
    const p = partnerById.get(partnerId(m.from));
    if (p === undefined) {
      errors.push({ section: 'relationships', index, field: 'from', message: `unknown partner "${m.from}"` });
      continue;
    }
    if (m.type === 'HAS_CAPABILITY') p.capabilities = [...p.capabilities.filter((c) => c.id !== m.to), { id: m.to, level: m.level, certified: m.certified }];
    else if (m.type === 'OPERATES_IN' && !p.regions.includes(m.to)) p.regions = [...p.regions, m.to];
    else if (m.type === 'SERVES_SEGMENT' && !p.segments.includes(m.to)) p.segments = [...p.segments, m.to];
  }

  // References, checked in dependency order so that a bad row makes its dependants bad too.
  const knownCapabilities = new Set(capabilities.map((c) => c.row.id));
  const mentionedCapabilities = [
    ...partners.records.flatMap((p) => p.capabilities.map((c) => c.id)),
    ...customers.records.flatMap((c) => c.needs),
    ...dealRows.flatMap((d) => d.row.needs),
    ...solutionRows.flatMap((s) => s.row.capabilities),
    ...programRows.flatMap((t) => t.row.tiers.flatMap((tier) => tier.requirements.capabilities ?? [])),
  ].filter((id) => !knownCapabilities.has(id));
  for (const id of await store.existingIds('capabilities', mentionedCapabilities)) knownCapabilities.add(id);

  const badPartners = new Set<string>();
  const goodPartners = partners.records.filter((p) => {
    const missing = p.capabilities.find((c) => !knownCapabilities.has(c.id));
    if (missing === undefined) return true;
    errors.push({ section: 'partners', index: partnerIndex.get(p.id) ?? -1, id: p.id, field: 'capabilities', message: `unknown capability "${missing.id}"` });
    badPartners.add(p.id);
    return false;
  });
  const badCustomers = new Set<string>();
  const goodCustomers = customers.records.filter((c) => {
    const missing = c.needs.find((n) => !knownCapabilities.has(n));
    if (missing === undefined) return true;
    errors.push({ section: 'customers', index: customerIndex.get(c.id) ?? -1, id: c.id, field: 'needs', message: `unknown capability "${missing}"` });
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
    if (!knownPartners.has(from)) errors.push({ section: 'relationships', index, field: 'from', message: unknown('partner', row.from, badPartners) });
    else if (row.type === 'SERVES' && !knownCustomers.has(to)) errors.push({ section: 'relationships', index, field: 'to', message: unknown('customer', row.to, badCustomers) });
    else if (row.type !== 'SERVES' && !knownPartners.has(to)) errors.push({ section: 'relationships', index, field: 'to', message: unknown('partner', row.to, badPartners) });
    else if (from === to) errors.push({ section: 'relationships', index, field: 'to', message: `a partner cannot be related to itself ("${row.from}" and "${row.to}" are the same partner)` });
    else goodLinks.push({ ...row, from, to });
  }
  const goodDeals: Deal[] = [];
  for (const { index, row } of dealRows) {
    const customer = customerId(row.customer);
    const partner = row.partners.find((p) => !knownPartners.has(partnerId(p.partner)));
    const need = row.needs.find((n) => !knownCapabilities.has(n));
    if (!knownCustomers.has(customer)) errors.push({ section: 'deals', index, id: row.id, field: 'customer', message: unknown('customer', row.customer, badCustomers) });
    else if (partner !== undefined) errors.push({ section: 'deals', index, id: row.id, field: 'partners', message: unknown('partner', partner.partner, badPartners) });
    else if (need !== undefined) errors.push({ section: 'deals', index, id: row.id, field: 'needs', message: `unknown capability "${need}"` });
    else goodDeals.push({ ...row, customer, partners: row.partners.map((p) => ({ ...p, partner: partnerId(p.partner) })) });
  }
  const goodSolutions: Solution[] = [];
  for (const { index, row } of solutionRows) {
    const partner = row.partners.find((p) => !knownPartners.has(partnerId(p)));
    const capability = row.capabilities.find((c) => !knownCapabilities.has(c));
    if (partner !== undefined) errors.push({ section: 'solutions', index, id: row.id, field: 'partners', message: unknown('partner', partner, badPartners) });
    else if (capability !== undefined) errors.push({ section: 'solutions', index, id: row.id, field: 'capabilities', message: `unknown capability "${capability}"` });
    else goodSolutions.push({ ...row, partners: [...new Set(row.partners.map(partnerId))] });
  }

  const goodPrograms: ProgramTrack[] = [];
  for (const { index, row } of programRows) {
    const tier = row.tiers.findIndex((t) => (t.requirements.capabilities ?? []).some((c) => !knownCapabilities.has(c)));
    if (tier < 0) goodPrograms.push(row);
    else {
      const capability = row.tiers[tier]!.requirements.capabilities!.find((c) => !knownCapabilities.has(c))!;
      errors.push({ section: 'programs', index, id: row.id, field: `tiers.${tier}.requirements.capabilities`, message: `unknown capability "${capability}"` });
    }
  }

  errors.sort((a, b) => a.section.localeCompare(b.section) || a.index - b.index);
  const merges = [...partners.merges, ...customers.merges];
  const plan: Bundle = {
    version: 1,
    capabilities: capabilities.map((c) => c.row as Capability),
    regions: regions.map((r) => r.row),
    segments: segments.map((s) => s.row),
    partners: goodPartners,
    customers: goodCustomers,
    relationships: goodLinks,
    deals: goodDeals,
    solutions: goodSolutions,
    programs: goodPrograms,
  };
  const written = Object.fromEntries(Object.keys(BUNDLE_SECTIONS).map((k) => [k, 0])) as Record<BundleSection, number>;
  if (errors.length > 0 && mode === 'all-or-nothing') {
    return { mode, committed: false, written, merges, errors, version: await store.version() };
  }
  const version = await writePlan(store, plan, options);
  for (const section of Object.keys(written) as BundleSection[]) written[section] = plan[section]?.length ?? 0;
  return { mode, committed: true, written, merges, errors, version };
}

type Step = (w: StoreWriter, rows: never[]) => Promise<void>;
const STEPS: Array<[BundleSection, Step]> = [
  ['capabilities', (w, rows: Capability[]) => w.upsertCapabilities(rows)],
  ['regions', (w, rows: Region[]) => w.upsertRegions(rows)],
  ['segments', (w, rows: Segment[]) => w.upsertSegments(rows)],
  ['partners', (w, rows: Partner[]) => w.upsertPartners(rows)],
  ['customers', (w, rows: Customer[]) => w.upsertCustomers(rows)],
  ['relationships', (w, rows: Relationship[]) => w.upsertRelationships(rows)],
  ['deals', (w, rows: Deal[]) => w.upsertDeals(rows)],
  ['solutions', (w, rows: Solution[]) => w.upsertSolutions(rows)],
  ['programs', (w, rows: ProgramTrack[]) => w.defineTracks(rows)],
] as Array<[BundleSection, Step]>;

/**
 * Writes a checked bundle. Without `batchRows`, one transaction: all or
 * nothing. With it, one committed transaction per batch, each recording its
 * number, so that an interrupted import leaves the store at its last
 * committed batch (and re-running the import completes it: every write is a MERGE).
 */
async function writePlan(store: GraphStore, plan: Bundle, options: ImportOptions): Promise<number> {
  const total = STEPS.reduce((sum, [section]) => sum + (plan[section]?.length ?? 0), 0);
  if (options.batchRows === undefined) {
    const { version } = await store.write(async (w) => {
      for (const [section, step] of STEPS) await step(w, (plan[section] ?? []) as never[]);
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
  return version;
}
