/**
 * The GraphStore: the one interface the rest of the product uses for truth.
 * Implemented once, over the named Cypher statements, whichever engine the
 * executor drives. Writes go through `write`, which runs them in one
 * transaction and advances the change counter in it.
 */
import type { Bundle } from '../schemas/bundle.js';
import type { CustomerListQuery, Neighbour, PartnerListQuery, RelationshipListQuery, StoreCounts } from '../schemas/api.js';
import type { PartnerLifecycle } from '../schemas/lifecycle.js';
import type { Capability, Customer, Deal, LifecycleTransition, Partner, PARTNER_LINK_TYPES, Region, Relationship, RelationshipType, Segment, Solution } from '../schemas/model.js';
import { BUNDLE_VERSION } from '../schemas/bundle.js';
import type { Executor, Params, Row, WriteTransaction } from './executor.js';
import type { QueryName } from './queries.js';
import * as records from './records.js';
import { activitiesFromRows, standingFromRow, trackFromRow, trackRows, type PartnerActivity, type TrackStanding } from './program-records.js';
import type { ProgramTrack } from '../schemas/programs.js';

/** Rows per statement: keeps each statement well inside Grafeo's fixed 30 s timeout. */
export const ROWS_PER_STATEMENT = 2000;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type EntityKind = 'partners' | 'customers' | 'capabilities';

/** A relationship as analytics need it: its ends, type, and for SERVES its role and value. */
export interface RelationshipEnds {
  from: string;
  to: string;
  type: RelationshipType;
  role?: string;
  annualValue?: number;
}
type ListedKind = 'capabilities' | 'regions' | 'segments' | 'deals' | 'solutions';

const MERGE_QUERY: Record<(typeof PARTNER_LINK_TYPES)[number] | 'SERVES', QueryName> = {
  INTEGRATES_WITH: 'relationships/merge-integrates-with',
  IMPLEMENTS: 'relationships/merge-implements',
  RESELLS: 'relationships/merge-resells',
  REFERS_TO: 'relationships/merge-refers-to',
  CO_SELLS_WITH: 'relationships/merge-co-sells-with',
  SERVES: 'relationships/merge-serves',
};

const encodeCursor = (value: string | number) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class InvalidCursorError extends Error {}

function decodeCursor<T extends string | number>(cursor: string | undefined, fallback: T): T {
  if (cursor === undefined) return fallback;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value !== typeof fallback || (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0))) throw new Error();
    return value as T;
  } catch {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
}

function chunks<T>(items: T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function pageByKey<T>(items: T[], limit: number, key: (item: T) => string): Page<T> {
  const last = items[items.length - 1];
  return { items, nextCursor: items.length === limit && last !== undefined ? encodeCursor(key(last)) : null };
}

const orNull = (value: string | undefined) => value ?? null;

/** Code-unit order, the same whatever the engine or locale. */
const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class StoreWriter {
  /** Whether any statement may have changed the store: only then does the change counter move. */
  changed = false;

  constructor(
    private readonly tx: WriteTransaction,
    private readonly now = new Date().toISOString(),
  ) {}

  private async each(query: QueryName, rows: Params[]): Promise<void> {
    for (const batch of chunks(rows)) {
      this.changed = true;
      await this.tx.run(query, { rows: batch });
    }
  }

  async upsertCapabilities(items: Capability[]) {
    await this.each('capabilities/upsert', items.map((c) => ({ id: c.id, props: records.plainProps(c) })));
  }

  async upsertRegions(items: Region[]) {
    await this.each('regions/upsert', items.map((r) => ({ id: r.id, props: records.plainProps(r) })));
  }

  async upsertSegments(items: Segment[]) {
    await this.each('segments/upsert', items.map((s) => ({ id: s.id, props: records.plainProps(s) })));
  }

  /** Replaces each partner, memberships included. */
  async upsertPartners(items: Partner[]) {
    await this.each('partners/upsert', items.map((p) => ({ id: p.id, props: records.partnerProps(p) })));
    for (const batch of chunks(items.map((p) => p.id))) await this.tx.run('partners/clear-memberships', { ids: batch });
    const membership = (p: Partner) => ({ source: p.sources[0] ?? 'import', updatedAt: this.now });
    const unique = <T>(list: T[], key: (item: T) => string) => [...new Map(list.map((item) => [key(item), item])).values()];
    await this.each(
      'relationships/add-has-capability',
      items.flatMap((p) => unique(p.capabilities, (c) => c.id).map((c) => ({ from: p.id, to: c.id, props: { ...membership(p), level: c.level, certified: c.certified } }))),
    );
    await this.each('relationships/add-operates-in', items.flatMap((p) => unique(p.regions, String).map((r) => ({ from: p.id, to: r, props: membership(p) }))));
    await this.each('relationships/add-serves-segment', items.flatMap((p) => unique(p.segments, String).map((s) => ({ from: p.id, to: s, props: membership(p) }))));
    await this.setLifecycles(items);
  }

  /**
   * Puts each partner in exactly the tracks of its lifecycle, at their stages.
   * A given history replaces the stored one, and a stage it does not end at
   * is recorded as a move; without one, a stage that changes is. Such moves
   * are authored by the record's source.
   */
  private async setLifecycles(items: Partner[]) {
    await this.each('tracks/clear-other-stages', items.map((p) => ({ partner: p.id, tracks: Object.keys(p.lifecycle) })));
    const withHistory = items.filter((p) => p.lifecycleHistory !== undefined);
    for (const batch of chunks(withHistory.map((p) => p.id))) await this.tx.run('tracks/delete-history', { ids: batch });
    await this.each(
      'tracks/add-transitions',
      withHistory.flatMap((p) => p.lifecycleHistory!.map((x) => ({ partner: p.id, track: x.track, props: records.transitionProps(x) }))),
    );
    await this.each(
      'tracks/set-stages',
      items.flatMap((p) =>
        Object.entries(p.lifecycle).map(([track, stage]) => {
          const last = records.latestMove(p.lifecycleHistory, track);
          const recorded = last?.to === stage;
          const record = p.lifecycleHistory === undefined ? null : !recorded;
          return { partner: p.id, track, stage, since: recorded ? last.at : this.now, author: p.sources[0] ?? 'import', previous: last?.to ?? null, record };
        }),
      ),
    );
  }

  /** Records one lifecycle move (already checked) and puts the partner at its stage. */
  async recordMove(partner: string, move: LifecycleTransition) {
    await this.tx.run('tracks/add-transitions', { rows: [{ partner, track: move.track, props: records.transitionProps(move) }] });
    await this.tx.run('tracks/set-stages', {
      rows: [{ partner, track: move.track, stage: move.to, since: move.at, author: null, previous: null, record: false }],
    });
  }

  /** A partner's lifecycle as this transaction sees it; null when no such partner. */
  async lifecycle(id: string): Promise<PartnerLifecycle | null> {
    const [row] = await this.tx.run('tracks/lifecycle-of', { id });
    return row === undefined ? null : records.lifecycleFromRow(id, row);
  }

  /** Defines program tracks, replacing each one's benefits, limits and tiers. */
  async defineTracks(tracks: ProgramTrack[]) {
    const rows = trackRows(tracks);
    await this.each('programs/upsert-tracks', rows.tracks);
    for (const batch of chunks(tracks.map((t) => t.id))) await this.tx.run('programs/clear-tiers', { ids: batch });
    await this.each('programs/add-tiers', rows.tiers);
  }

  /** Takes a track out of the programme (partners' stages in it stay); true when it was defined. */
  async undefineTrack(id: string): Promise<boolean> {
    await this.tx.run('programs/clear-tiers', { ids: [id] });
    const rows = await this.tx.run('programs/undefine', { id });
    if (rows.length > 0) this.changed = true;
    return rows.length > 0;
  }

  async upsertCustomers(items: Customer[]) {
    await this.each('customers/upsert', items.map((c) => ({ id: c.id, props: records.customerProps(c) })));
  }

  async upsertRelationships(items: Relationship[]) {
    const byType = new Map<keyof typeof MERGE_QUERY, Params[]>();
    for (const r of items) {
      const rows = byType.get(r.type) ?? [];
      rows.push({ from: r.from, to: r.to, role: r.type === 'SERVES' ? r.role : null, props: records.relationshipProps(r, this.now) });
      byType.set(r.type, rows);
    }
    for (const [type, rows] of byType) await this.each(MERGE_QUERY[type], rows);
  }

  /** Replaces each deal, its customer, region, needs and partners included. References must exist (the importer checks them). */
  async upsertDeals(items: Deal[]) {
    await this.each('deals/upsert', items.map((d) => ({ id: d.id, props: records.dealProps(d) })));
    for (const batch of chunks(items.map((d) => d.id))) await this.tx.run('deals/clear-links', { ids: batch });
    await this.each('deals/add-customer-region', items.map((d) => ({ id: d.id, customer: d.customer, region: d.region })));
    await this.each('deals/add-needs', items.flatMap((d) => [...new Set(d.needs)].map((capability) => ({ deal: d.id, capability }))));
    await this.each('deals/add-participants', items.flatMap((d) => d.partners.map((p) => ({ deal: d.id, partner: p.partner, props: records.participationProps(p) }))));
  }

  /** Replaces each solution, its partners and capabilities included. */
  async upsertSolutions(items: Solution[]) {
    await this.each('solutions/upsert', items.map((s) => ({ id: s.id, props: records.solutionProps(s) })));
    for (const batch of chunks(items.map((s) => s.id))) await this.tx.run('solutions/clear-links', { ids: batch });
    await this.each('solutions/add-contributors', items.flatMap((s) => [...new Set(s.partners)].map((partner) => ({ solution: s.id, partner }))));
    await this.each('solutions/add-capabilities', items.flatMap((s) => [...new Set(s.capabilities)].map((capability) => ({ solution: s.id, capability }))));
  }

  /**
   * Deletes one node of a kind with its relationships; true when it existed.
   * Deals and solutions outlive a partner or capability they named (they lose
   * that edge); a customer's deals, and a partner's lifecycle moves, go with it.
   */
  async delete(kind: 'partners' | 'customers' | 'capabilities' | 'deals' | 'solutions', id: string): Promise<boolean> {
    if (kind === 'customers') await this.tx.run('deals/delete-for-customer', { id });
    if (kind === 'partners') await this.tx.run('tracks/delete-history', { ids: [id] });
    const rows = await this.tx.run(`${kind}/delete`, { id });
    if (rows.length > 0) this.changed = true;
    return rows.length > 0;
  }

  async deleteRelationship(r: { from: string; to: string; type: RelationshipType; role?: string }): Promise<number> {
    const [row] = await this.tx.run('relationships/delete', { from: r.from, to: r.to, type: r.type, role: orNull(r.role) });
    const count = Number(row?.count ?? 0);
    if (count > 0) this.changed = true;
    return count;
  }

  async recordImportProgress(importId: string, batches: number) {
    await this.tx.run('meta/record-import-progress', { importId, batches });
  }
}

export class GraphStore {
  constructor(private readonly executor: Executor) {}

  get kind() {
    return this.executor.kind;
  }

  /**
   * Runs `work` in one transaction and, when it changed something, advances
   * the change counter with it; returns the version after it. A write that
   * changed nothing (a delete of an unknown id, an import without a good row)
   * keeps the version, and with it every projection and derived metric.
   */
  async write<T>(work: (writer: StoreWriter) => Promise<T>): Promise<{ result: T; version: number }> {
    return this.executor.write(async (tx) => {
      const writer = new StoreWriter(tx);
      const result = await work(writer);
      const [row] = await tx.run(writer.changed ? 'meta/bump-version' : 'meta/version');
      return { result, version: Number(row?.version ?? 0) };
    });
  }

  async version(): Promise<number> {
    const [row] = await this.executor.read('meta/version');
    return Number(row?.version ?? 0);
  }

  /**
   * What the store holds, per label and in all. Counting scans every node and
   * relationship (seconds at a million), so the answer is kept per version.
   */
  async counts(): Promise<StoreCounts> {
    const version = await this.version();
    if (this.countsAt?.version !== version) this.countsAt = { version, counts: await this.count() };
    return this.countsAt.counts;
  }

  private countsAt: { version: number; counts: StoreCounts } | undefined;

  private async count(): Promise<StoreCounts> {
    const [nodes, edges] = await Promise.all([this.executor.read('meta/count-nodes'), this.relationshipsByType()]);
    const byLabel = new Map(nodes.map((r) => [r.label, Number(r.count)]));
    const relationships = Object.values(edges).reduce((sum, count) => sum + count, 0);
    return {
      partners: byLabel.get('Partner') ?? 0,
      customers: byLabel.get('Customer') ?? 0,
      capabilities: byLabel.get('Capability') ?? 0,
      regions: byLabel.get('Region') ?? 0,
      segments: byLabel.get('Segment') ?? 0,
      deals: byLabel.get('Deal') ?? 0,
      solutions: byLabel.get('Solution') ?? 0,
      relationships,
    };
  }

  /** How many relationships of each type the store holds (deal partners, tracks and solution members included). */
  async relationshipsByType(): Promise<Record<string, number>> {
    const rows = await this.executor.read('meta/count-relationships');
    return Object.fromEntries(rows.map((r) => [String(r.type), Number(r.count)]));
  }

  /** A partner by id, or by an id that identity resolution folded into it. */
  async getPartner(id: string): Promise<Partner | null> {
    const row = await this.byIdOrAlias('partners', id);
    return row === undefined ? null : records.partnerFromRow(row);
  }

  async getCustomer(id: string): Promise<Customer | null> {
    const row = await this.byIdOrAlias('customers', id);
    return row === undefined ? null : records.customerFromRow(row);
  }

  private async byIdOrAlias(kind: 'partners' | 'customers', id: string): Promise<Row | undefined> {
    const [row] = await this.executor.read(`${kind}/get`, { id });
    if (row !== undefined) return row;
    const [alias] = await this.executor.read(`${kind}/get-by-alias`, { id });
    return alias === undefined ? undefined : (await this.executor.read(`${kind}/get`, { id: alias.id }))[0];
  }

  /** A partner's stages and lifecycle moves; null when no such partner. */
  async getLifecycle(id: string): Promise<PartnerLifecycle | null> {
    const [row] = await this.executor.read('tracks/lifecycle-of', { id });
    return row === undefined ? null : records.lifecycleFromRow(id, row);
  }

  /** Every program track a partner is or was in. */
  async tracks(): Promise<string[]> {
    return (await this.executor.read('tracks/list')).map((row) => String(row.id));
  }

  /** The programme: every defined track with its tiers, in id order. */
  async programs(): Promise<ProgramTrack[]> {
    return (await this.executor.read('programs/list')).map(trackFromRow);
  }

  /** Every partner's stage and tier in every track. */
  async trackStandings(): Promise<TrackStanding[]> {
    return (await this.executor.read('programs/stages')).map(standingFromRow);
  }

  /** What tier requirements read, for every partner in a track: two bulk reads, not one per partner. */
  async partnerActivities(): Promise<Map<string, PartnerActivity>> {
    const [standing, won] = await Promise.all([this.executor.read('programs/partner-standing'), this.executor.read('programs/won-deals')]);
    return activitiesFromRows(standing, won);
  }

  /** Every partner's lifecycle moves, oldest first. */
  async lifecycleHistories(): Promise<Map<string, LifecycleTransition[]>> {
    return records.historiesFromRows(await this.executor.read('tracks/history'));
  }

  async getCapability(id: string): Promise<Capability | null> {
    const [row] = await this.executor.read('capabilities/get', { id });
    return row === undefined ? null : records.plainFromRow<Capability>(row);
  }

  async getDeal(id: string): Promise<Deal | null> {
    const [row] = await this.executor.read('deals/get', { id });
    return row === undefined ? null : records.dealFromRow(row);
  }

  async getSolution(id: string): Promise<Solution | null> {
    const [row] = await this.executor.read('solutions/get', { id });
    return row === undefined ? null : records.solutionFromRow(row);
  }

  async listPartners(q: PartnerListQuery): Promise<Page<Partner>> {
    const rows = await this.executor.read('partners/list', {
      after: decodeCursor(q.cursor, ''),
      limit: q.limit,
      type: orNull(q.type),
      tier: orNull(q.tier),
      stage: orNull(q.stage),
      region: orNull(q.region),
      segment: orNull(q.segment),
      capability: orNull(q.capability),
      q: q.q === undefined ? null : q.q.toLowerCase(),
    });
    return pageByKey(rows.map(records.partnerFromRow), q.limit, (p) => p.id);
  }

  async listCustomers(q: CustomerListQuery): Promise<Page<Customer>> {
    const rows = await this.executor.read('customers/list', {
      after: decodeCursor(q.cursor, ''),
      limit: q.limit,
      region: orNull(q.region),
      segment: orNull(q.segment),
      capability: orNull(q.capability),
      industry: orNull(q.industry),
      q: q.q === undefined ? null : q.q.toLowerCase(),
    });
    return pageByKey(rows.map(records.customerFromRow), q.limit, (c) => c.id);
  }

  async list<K extends ListedKind>(kind: K, page: { cursor?: string; limit: number }): Promise<Page<ListedRecord[K]>> {
    const rows = await this.executor.read(`${kind}/list`, { after: decodeCursor(page.cursor, ''), limit: page.limit });
    const fromRow: (row: Row) => unknown = kind === 'deals' ? records.dealFromRow : kind === 'solutions' ? records.solutionFromRow : records.plainFromRow;
    const items = rows.map(fromRow) as ListedRecord[K][];
    return pageByKey(items, page.limit, (item) => item.id);
  }

  async listRelationships(q: RelationshipListQuery): Promise<Page<Relationship>> {
    const skip = decodeCursor(q.cursor, 0);
    const rows = await this.executor.read('relationships/list', { node: orNull(q.node), type: orNull(q.type), skip, limit: q.limit });
    return { items: rows.map(records.relationshipFromRow), nextCursor: rows.length === q.limit ? encodeCursor(skip + q.limit) : null };
  }

  /** Every relationship of a partner or customer; null when no such node. */
  async neighbourhood(id: string): Promise<Neighbour[] | null> {
    const partner = await this.executor.read('partners/get', { id });
    const query = partner.length > 0 ? 'partners/neighbourhood' : 'customers/neighbourhood';
    if (partner.length === 0 && (await this.executor.read('customers/get', { id })).length === 0) return null;
    const rows = await this.executor.read(query, { id });
    return rows.map((r) => ({
      id: String(r.id),
      kind: String(r.label).toLowerCase() as Neighbour['kind'],
      name: String(r.name),
      type: r.type as RelationshipType,
      direction: r.outgoing === true ? 'out' : 'in',
      properties: (r.properties as Record<string, unknown> | null) ?? {},
    }));
  }

  async existingIds(kind: EntityKind, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const batch of chunks([...new Set(ids)], 5000)) {
      for (const row of await this.executor.read(`${kind}/existing-ids`, { ids: batch })) found.add(String(row.id));
    }
    return found;
  }

  /** What identity resolution matches on, for every stored partner or customer. */
  async identities(kind: 'partners' | 'customers'): Promise<Array<{ id: string; name: string; domain?: string; aliases: string[] }>> {
    const rows = await this.executor.read(`${kind}/identities`);
    return rows.map((row) => {
      const r = row.record as Record<string, unknown>;
      return { id: String(r.id), name: String(r.name), ...(typeof r.domain === 'string' ? { domain: r.domain } : {}), aliases: (r.aliases as string[] | null) ?? [] };
    });
  }

  async importProgress(): Promise<{ importId: string | null; batches: number }> {
    const [row] = await this.executor.read('meta/import-progress');
    return { importId: (row?.importId as string | null) ?? null, batches: Number(row?.batches ?? 0) };
  }

  private async all<K extends ListedKind>(kind: K): Promise<Array<ListedRecord[K]>> {
    const out: Array<ListedRecord[K]> = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(kind, { limit: 5000, ...(cursor === undefined ? {} : { cursor }) });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return out;
  }

  /** The whole store as a bundle, in a stable order: re-importing it gives an identical store. */
  async exportBundle(): Promise<Bundle> {
    const [entities, relationships, history, programs] = await Promise.all([
      this.entities(),
      this.executor.read('relationships/export'),
      this.executor.read('tracks/history'),
      this.programs(),
    ]);
    const histories = records.historiesFromRows(history);
    const partners = entities.partners.map((p) => (histories.has(p.id) ? { ...p, lifecycleHistory: histories.get(p.id) } : p));
    // Sorted on keys made once: a million relationships would otherwise build keys twenty million times.
    const keyed = relationships.map((row) => {
      const r = records.relationshipFromRow(row);
      return { r, key: `${r.from}\u0000${r.to}\u0000${r.type}\u0000${r.type === 'SERVES' ? r.role : ''}` };
    });
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { ...entities, partners, relationships: keyed.map(({ r }) => r), ...(programs.length > 0 ? { programs } : {}) };
  }

  /** The store as the analytics projection reads it: a bundle without lifecycle histories, whose relationships carry only their ends, type, role and value, in canonical order. */
  async readForProjection(): Promise<Omit<Bundle, 'relationships'> & { relationships: RelationshipEnds[] }> {
    const entities = await this.entities();
    const relationships: RelationshipEnds[] = [];
    for await (const page of this.relationshipsForProjection(entities.partners.map((p) => p.id))) for (const r of page) relationships.push(r);
    return { ...entities, relationships };
  }

  /**
   * The relationships of these partners, page by page (a few thousand
   * partners' worth each, so that no result holds a million rows), sorted by
   * start, end, type and role. Each page is its own read: a concurrent write
   * may show in later pages only, so the reader must allow for ends it has
   * not seen, and rebuild when the version moved meanwhile.
   */
  async *relationshipsForProjection(partnerIds: string[], partnersPerPage = ROWS_PER_STATEMENT): AsyncGenerator<RelationshipEnds[]> {
    const ids = [...partnerIds].sort(compareKeys);
    for (const batch of chunks(ids, partnersPerPage)) {
      const rows = await this.executor.read('relationships/for-projection', { ids: batch });
      const page = rows.map(
        (r): RelationshipEnds => ({
          from: String(r.from),
          to: String(r.to),
          type: r.type as RelationshipType,
          ...(typeof r.role === 'string' ? { role: r.role } : {}),
          ...(typeof r.annualValue === 'number' ? { annualValue: r.annualValue } : {}),
        }),
      );
      page.sort((a, b) => compareKeys(a.from, b.from) || compareKeys(a.to, b.to) || compareKeys(a.type, b.type) || compareKeys(a.role ?? '', b.role ?? ''));
      if (page.length > 0) yield page;
    }
  }

  /** Everything but the relationships, in id order (the projection reads these first). */
  entitiesForProjection(): Promise<Omit<Bundle, 'relationships'>> {
    return this.entities();
  }

  /** Everything but the relationships, in id order. */
  private async entities(): Promise<Omit<Bundle, 'relationships'>> {
    const [capabilities, regions, segments, deals, solutions, partners, customers] = await Promise.all([
      this.all('capabilities'),
      this.all('regions'),
      this.all('segments'),
      this.all('deals'),
      this.all('solutions'),
      this.executor.read('partners/export'),
      this.executor.read('customers/export'),
    ]);
    return {
      version: BUNDLE_VERSION,
      capabilities,
      regions,
      segments,
      partners: partners.map(records.partnerFromRow),
      customers: customers.map(records.customerFromRow),
      deals,
      solutions,
    };
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}

interface ListedRecord {
  capabilities: Capability;
  regions: Region;
  segments: Segment;
  deals: Deal;
  solutions: Solution;
}
