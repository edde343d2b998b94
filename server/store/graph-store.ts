/**
 * The GraphStore: the one interface the rest of the product uses for truth.
 * Implemented once, over the named Cypher statements, whichever engine the
 * executor drives. Writes go through `write`, which runs them in one
 * transaction and advances the change counter in it.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleSection, ExportSection } from '../schemas/bundle.js';
import type { CustomerListQuery, Neighbour, PartnerListQuery, RelationshipListQuery, StoreCounts } from '../schemas/listing.js';
import type { PartnerLifecycle } from '../schemas/lifecycle.js';
import type { DealRecord } from '../schemas/attribution.js';
import type { Capability, Customer, Deal, LifecycleTransition, Partner, PARTNER_LINK_TYPES, Region, Relationship, RelationshipType, Segment, Solution } from '../schemas/model.js';
import { BUNDLE_VERSION } from '../schemas/bundle.js';
import { prioritisedWrite, type Executor, type Params, type ReadOptions, type Row, type WriteTransaction } from './executor.js';
import type { QueryName } from './queries.js';
import { compareIds } from '../order.js';
import * as records from './records.js';
import { withoutNulls } from './normalise.js';
import { activityFromRow, withWonParts, standingFromRow, trackFromRow, trackRows, wonPartFromRow, type PartnerActivity, type TrackStanding, type WonPart } from './program-records.js';
import type { ProgramTrack } from '../schemas/programs.js';
import type { Claim, ConflictDeal, StoredResolution } from '../schemas/conflicts.js';
import { claimFromRow, conflictDealFromRow, resolutionFromRow, resolutionProps } from './conflict-records.js';
import { customerContextFromRow, memberFromRow, solutionFromValidationRow, type CatalogueNames, type CustomerContext, type MemberFacts, type SolutionRecord } from './solution-records.js';
import type { AuditEntry, AuditQuery } from '../schemas/access.js';
import { auditEntryFromRow, TouchedIds, writeContext, type WriteContext } from './audit.js';
import { ChangeLog, KEPT_VERSIONS, StoreChanges } from './changes.js';
import { ChangesFile } from './changes-file.js';
import type { ReviewItem, ReviewStatus } from '../schemas/identity.js';
import type { SharingLevel, SharingRow } from '../schemas/sharing.js';

/** Rows per statement: keeps each statement well inside Grafeo's fixed 30 s timeout. */
export const ROWS_PER_STATEMENT = 2000;

/** The lookups a write makes before it writes (identities, references): not queued behind ordinary reads. */
const FOR_WRITE = { forWrite: true };

/** Ids (or other keys) per lookup statement. */
const IDS_PER_LOOKUP = 5000;

/** Partners per window of a bulk read walked by partner id (as the projection's relationship read). */
const PARTNERS_PER_WINDOW = 2000;

/** Solution members per window of the catalogue's member read (a member may be a hub with thousands of relations). */
const MEMBERS_PER_WINDOW = 200;

/** What identity resolution asks the store for: stored records with these ids or alias ids, domains, or normalised names. */
export interface IdentityLookup {
  ids: string[];
  domains: string[];
  names: string[];
}

/** A stored partner or customer as identity resolution matches it. */
export interface StoredIdentity {
  id: string;
  name: string;
  domain?: string;
  aliases: string[];
}

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

const encodeCursor = (value: string | string[]) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class InvalidCursorError extends Error {}

function decodeCursor(cursor: string | undefined): unknown {
  try {
    return JSON.parse(Buffer.from(cursor ?? '', 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
}

/** An id cursor: the last id of the previous page. */
function decodeIdCursor(cursor: string | undefined): string {
  if (cursor === undefined) return '';
  const id = decodeCursor(cursor);
  if (typeof id !== 'string') throw new InvalidCursorError('cursor is not one this API returned');
  return id;
}

/** A relationship's place in key order; role '' when it has none. */
interface RelationshipKey {
  from: string;
  to: string;
  type: string;
  role: string;
}

const relationshipKey = (row: Row): RelationshipKey => ({
  from: String(row.from),
  to: String(row.to),
  type: String(row.type),
  role: typeof row.role === 'string' ? row.role : '',
});

const keyParts = (k: RelationshipKey) => [k.from, k.to, k.type, k.role];

const compareRelationshipKeys = (x: RelationshipKey, y: RelationshipKey): number => {
  for (const field of ['from', 'to', 'type', 'role'] as const) if (x[field] !== y[field]) return x[field] < y[field] ? -1 : 1;
  return 0;
};

/** A relationship cursor: the key of the last relationship of the previous page, as [from, to, type, role]. */
function decodeRelationshipKey(cursor: string | undefined): RelationshipKey {
  if (cursor === undefined) return BEFORE_EVERY_KEY;
  const key = decodeCursor(cursor);
  if (!Array.isArray(key) || key.length !== 4 || !key.every((part) => typeof part === 'string')) throw new InvalidCursorError('cursor is not one this API returned');
  const [from, to, type, role] = key as string[];
  return { from: from!, to: to!, type: type!, role: role! };
}

/** The key before every relationship's: where a walk by key starts. */
const BEFORE_EVERY_KEY: RelationshipKey = { from: '', to: '', type: '', role: '' };

/**
 * Whether a row holds a whole record. On Neo4j (read committed), a node that
 * another transaction deletes while a statement reads it can come back
 * without its properties; that delete moved the version, so the projection
 * built without it is rebuilt on the next request.
 */
const isWhole = (record: Row) => typeof record.name === 'string';

/** Records in the order of their ids (as the store sorted them). */
function inOrder<T extends { id: string }>(ids: string[], items: T[]): T[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Partners, customers, or sources of relationships per export batch. */
export const EXPORT_WINDOW = 2000;
/** Ids read by one statement when reading every id of a kind. */
const IDS_PER_PAGE = 20_000;

/** The sections an export reads a window of ids at a time. */
export type WindowedSection = 'partners' | 'customers' | 'relationships';

/** One batch of an export: rows read from the store, or (`text`) a window's rows taken from a kept export. */
export interface ExportBatch {
  section: ExportSection;
  rows: unknown[];
  /** A window's first and last id (of partners for relationships): where a kept export finds it again. */
  window?: [string, string];
  /** The window's rows as the kept export holds them (see ExportWindows.form); rows is then empty. */
  text?: Buffer;
}

/**
 * How an export splits its windowed sections and which windows it takes
 * from a kept export of an earlier version instead of the store (see
 * server/import/export-reuse.ts); by default every window is read.
 */
export interface ExportWindows {
  /** What a kept window's text is: the rows as JSON joined by commas, or their CSV lines. */
  readonly form: 'json' | 'csv';
  /** The section's ids, in order, as windows. */
  split(section: WindowedSection, ids: string[]): string[][];
  /** The text of a window no write since touched, or undefined to read it. */
  kept(section: WindowedSection, window: string[]): Promise<Buffer | undefined>;
}

/** Keeps no window: its form is never read. */
const READ_EVERY_WINDOW: ExportWindows = { form: 'json', split: (_, ids) => chunks(ids, EXPORT_WINDOW), kept: async () => undefined };

/** Windows of a bulk read read ahead of the one in use (see readAhead). */
const WINDOWS_AHEAD = 2;

/**
 * `read` of each window in turn, with WINDOWS_AHEAD windows read ahead of the one given: the engine runs a
 * statement on its own threads while the event loop converts and uses the window before (a full export of the
 * 100,000-partner store: its read alone 17 s one window at a time, 13 s two ahead, no faster four ahead).
 */
export async function* readAhead<W, T>(windows: W[], read: (window: W) => Promise<T>): AsyncGenerator<T> {
  const ahead: Array<Promise<T>> = [];
  for (let next = 0; next < windows.length || ahead.length > 0; ) {
    while (next < windows.length && ahead.length <= WINDOWS_AHEAD) {
      const reading = read(windows[next++]!);
      // Handled at once: a window read ahead may fail while an earlier one is in use (or after the consumer has
      // gone), and an unhandled rejection ends the process. Its failure still reaches the consumer that awaits it.
      reading.catch(() => undefined);
      ahead.push(reading);
    }
    yield await ahead.shift()!;
  }
}

/** Partner ids per window when walking relationships by source. */
const SOURCES_PER_WINDOW = 2000;

/** `items` in runs of `size`, the last one shorter. */
export function chunks<T>(items: T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function pageByKey<T>(items: T[], limit: number, key: (item: T) => string): Page<T> {
  const last = items[items.length - 1];
  return { items, nextCursor: items.length === limit && last !== undefined ? encodeCursor(key(last)) : null };
}

const orNull = (value: string | undefined) => value ?? null;

/** A relationship as the audit trail names it: from -TYPE-> to (role). */
const relationshipLabel = (r: { from: string; to: string; type: string; role?: string }) => `${r.from} -${r.type}-> ${r.to}${r.role === undefined ? '' : ` (${r.role})`}`;

/** A deal as attribution reads it. */
function dealRecordFromRow(r: Row): DealRecord {
  const optional = <T>(value: unknown, type: string) => (typeof value === type ? (value as T) : undefined);
  return {
    id: String(r.id),
    stage: String(r.stage ?? 'open'),
    ...(typeof r.amount === 'number' ? { amount: r.amount } : {}),
    ...(typeof r.closedAt === 'string' ? { closedAt: r.closedAt } : {}),
    partners: ((r.partners as Array<Record<string, unknown>> | null) ?? []).map((p) => {
      const registeredAt = optional<string>(p.registeredAt, 'string');
      return { partner: String(p.partner), role: String(p.role), ...(registeredAt === undefined ? {} : { registeredAt }), types: (p.types as string[] | null) ?? [] };
    }),
  };
}

/** Code-unit order, the same whatever the engine or locale. */

export class StoreWriter {
  /** Whether any statement may have changed the store: only then does the change counter move. */
  changed = false;
  /** The ids this transaction wrote or deleted, for its audit entry. */
  readonly touched = new TouchedIds();
  /** The ids this transaction changed, as the caches of bulk reads key them (see changes.ts); each write method records its own. */
  readonly changes = new StoreChanges();

  constructor(
    private readonly tx: WriteTransaction,
    private readonly now = new Date().toISOString(),
  ) {}

  private async each(query: QueryName, rows: Array<Params | unknown[]>): Promise<void> {
    for (const batch of chunks(rows)) {
      this.changed = true;
      await this.tx.run(query, { rows: batch });
    }
  }

  async upsertCapabilities(items: Capability[]) {
    this.touched.add('capabilities', items.map((c) => c.id));
    // An import runs every step, most with no rows: only rows change anything.
    this.changes.names ||= items.length > 0;
    await this.each('capabilities/upsert', items.map((c) => ({ id: c.id, props: records.plainProps(c) })));
  }

  async upsertRegions(items: Region[]) {
    this.touched.add('regions', items.map((r) => r.id));
    this.changes.names ||= items.length > 0;
    await this.each('regions/upsert', items.map((r) => ({ id: r.id, props: records.plainProps(r) })));
  }

  async upsertSegments(items: Segment[]) {
    this.touched.add('segments', items.map((s) => s.id));
    await this.each('segments/upsert', items.map((s) => ({ id: s.id, props: records.plainProps(s) })));
  }

  /** Replaces each partner, memberships included. */
  async upsertPartners(items: Partner[]) {
    this.touched.add('partners', items.map((p) => p.id));
    for (const p of items) this.changes.partners.add(p.id);
    await this.each('partners/upsert', items.map(records.partnerRow));
    await this.each('partners/upsert-aliases', items.flatMap((p) => p.aliases.map((alias) => ({ alias, id: p.id }))));
    for (const batch of chunks(items.map((p) => p.id))) await this.tx.run('partners/clear-memberships', { ids: batch });
    // Rows as lists [partner, target, source, updatedAt, …] (see cypher/relationships/merge-serves.cypher).
    const source = (p: Partner) => p.sources[0] ?? 'import';
    const unique = <T>(list: T[], key: (item: T) => string) => [...new Map(list.map((item) => [key(item), item])).values()];
    await this.each(
      'relationships/add-has-capability',
      items.flatMap((p) => unique(p.capabilities, (c) => c.id).map((c) => [p.id, c.id, source(p), this.now, c.level, c.certified])),
    );
    await this.each('relationships/add-operates-in', items.flatMap((p) => unique(p.regions, String).map((r) => [p.id, r, source(p), this.now])));
    await this.each('relationships/add-serves-segment', items.flatMap((p) => unique(p.segments, String).map((s) => [p.id, s, source(p), this.now])));
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
    this.changed = true;
    this.touched.add('lifecycle', [partner]);
    this.changes.partners.add(partner);
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
    this.touched.add('programs', tracks.map((t) => t.id));
    this.changes.programs ||= tracks.length > 0;
    await this.each('programs/upsert-tracks', rows.tracks);
    for (const batch of chunks(tracks.map((t) => t.id))) await this.tx.run('programs/clear-tiers', { ids: batch });
    await this.each('programs/add-tiers', rows.tiers);
  }

  /** Replaces each named partner's sharing settings (its default and its levels) with the row's. */
  async setSharing(rows: SharingRow[]) {
    this.touched.add('sharing', rows.map((r) => r.partner));
    this.changed ||= rows.length > 0;
    for (const batch of chunks(rows.map((r) => r.partner))) await this.tx.run('sharing/clear', { ids: batch });
    await this.each('sharing/set-defaults', rows.flatMap((r) => (r.default === undefined ? [] : [{ partner: r.partner, level: r.default }])));
    await this.each('sharing/set-levels', rows.flatMap((r) => Object.entries(r.partners ?? {}).map(([other, level]) => ({ partner: r.partner, other, level }))));
  }

  /** Takes a track out of the programme (partners' stages in it stay); true when it was defined. */
  async undefineTrack(id: string): Promise<boolean> {
    await this.tx.run('programs/clear-tiers', { ids: [id] });
    const rows = await this.tx.run('programs/undefine', { id });
    if (rows.length > 0) this.changed = true;
    if (rows.length > 0) this.touched.add('programs', [id]);
    this.changes.programs ||= rows.length > 0;
    return rows.length > 0;
  }

  async upsertCustomers(items: Customer[]) {
    this.touched.add('customers', items.map((c) => c.id));
    for (const c of items) this.changes.customers.add(c.id);
    await this.each('customers/upsert', items.map(records.customerRow));
    await this.each('customers/upsert-aliases', items.flatMap((c) => c.aliases.map((alias) => ({ alias, id: c.id }))));
  }

  async upsertRelationships(items: Relationship[]) {
    this.touched.add('relationships', items.map(relationshipLabel));
    for (const r of items) this.relationshipChanged(r);
    const byType = new Map<keyof typeof MERGE_QUERY, unknown[][]>();
    for (const r of items) {
      const rows = byType.get(r.type) ?? [];
      rows.push(records.relationshipRow(r, this.now));
      byType.set(r.type, rows);
    }
    for (const [type, rows] of byType) await this.each(MERGE_QUERY[type], rows);
  }

  /** Replaces each deal, its customer, region, needs and partners included. References must exist (the importer checks them). */
  async upsertDeals(items: Deal[]) {
    this.touched.add('deals', items.map((d) => d.id));
    for (const d of items) this.changes.deals.add(d.id);
    await this.each('deals/upsert', items.map((d) => ({ id: d.id, props: records.dealProps(d) })));
    for (const batch of chunks(items.map((d) => d.id))) await this.tx.run('deals/clear-links', { ids: batch });
    await this.each('deals/add-customer-region', items.map((d) => ({ id: d.id, customer: d.customer, region: d.region })));
    await this.each('deals/add-needs', items.flatMap((d) => [...new Set(d.needs)].map((capability) => ({ deal: d.id, capability }))));
    await this.each('deals/add-participants', items.flatMap((d) => d.partners.map((p) => ({ deal: d.id, partner: p.partner, props: records.participationProps(p) }))));
  }

  /** Replaces each solution, its partners and capabilities included. */
  async upsertSolutions(items: Solution[]) {
    this.touched.add('solutions', items.map((s) => s.id));
    for (const s of items) this.changes.solutions.add(s.id);
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
    // A deleted partner or customer takes relationships, claims and memberships of the records around it: those are
    // marked touched, read before they go.
    const [reach] = kind === 'partners' || kind === 'customers' ? await this.tx.run(`${kind}/delete-reach`, { id }) : [];
    if (kind === 'customers') await this.tx.run('deals/delete-for-customer', { id });
    if (kind === 'partners') await this.tx.run('tracks/delete-history', { ids: [id] });
    const rows = await this.tx.run(`${kind}/delete`, { id });
    if (rows.length === 0) return false;
    this.changed = true;
    this.touched.add(kind, [id]);
    if (kind === 'capabilities') this.changes.broad = true; // held by any number of partners, needed by customers and deals
    else this.changes[kind].add(id);
    for (const around of ['partners', 'customers', 'deals', 'solutions'] as const) for (const other of (reach?.[around] as string[] | undefined) ?? []) this.changes[around].add(other);
    return true;
  }

  async deleteRelationship(r: { from: string; to: string; type: RelationshipType; role?: string }): Promise<number> {
    const [row] = await this.tx.run('relationships/delete', { from: r.from, to: r.to, type: r.type, role: orNull(r.role) });
    const count = Number(row?.count ?? 0);
    if (count > 0) this.changed = true;
    if (count > 0) this.touched.add('relationships', [relationshipLabel(r)]);
    this.relationshipChanged(r);
    return count;
  }

  /** Whether this conflict instance is already resolved, as this transaction sees it. */
  async conflictResolved(id: string): Promise<boolean> {
    return (await this.tx.run('conflicts/resolution-exists', { id })).length > 0;
  }

  /** Holds these deals until the transaction ends, so that concurrent resolutions of their conflicts run one after the other. */
  async lockDeals(deals: string[]) {
    await this.tx.run('conflicts/lock-deals', { deals });
  }

  /** Every partner's claim on these deals, as this transaction sees it. */
  async claimsOf(deals: string[]): Promise<Claim[]> {
    return (await this.tx.run('conflicts/claims-of', { deals })).map(claimFromRow);
  }

  /** Records resolutions from a bundle, with their audit, linked to their deals (the shares they wrote come with the deals). */
  async importResolutions(items: StoredResolution[]) {
    this.touched.add('resolutions', items.map((r) => r.id));
    this.changes.resolutions ||= items.length > 0;
    await this.each('conflicts/import-resolutions', items.map((r) => ({ id: r.id, props: resolutionProps(r), deals: r.conflict.deals })));
  }

  /** Writes a resolution's claimed shares and records it, with its audit, linked to its deals. */
  async recordResolution(resolution: StoredResolution) {
    this.changed = true;
    const rows = resolution.audit.after.map((c) => ({ deal: c.deal, partner: c.partner, role: c.role, claimedShare: c.claimedShare }));
    for (const deal of resolution.conflict.deals) this.changes.deals.add(deal);
    this.changes.resolutions = true;
    await this.tx.run('conflicts/set-shares', { rows });
    await this.tx.run('conflicts/record-resolution', { props: resolutionProps(resolution), deals: resolution.conflict.deals });
  }

  /** Both ends of a relationship: a partner's facts, or a customer's managers, may have changed. */
  private relationshipChanged(r: { from: string; to: string; type: RelationshipType }) {
    this.changes.partners.add(r.from);
    (r.type === 'SERVES' ? this.changes.customers : this.changes.partners).add(r.to);
  }

  async recordImportProgress(importId: string, batches: number) {
    await this.tx.run('meta/record-import-progress', { importId, batches });
  }

  /** Queues uncertain identity matches for review (a pair queued again is replaced). */
  async queueReviews(items: ReviewItem[]) {
    await this.each('identity/queue-reviews', items.map((item) => ({ id: item.id, props: { ...item } })));
  }

  /** Records a decision on a review item; null when there is none with this id. */
  async decideReview(id: string, status: ReviewStatus): Promise<ReviewItem | null> {
    this.changed = true;
    const [row] = await this.tx.run('identity/decide-review', { id, status, at: this.now });
    return row === undefined ? null : records.plainFromRow<ReviewItem>(row);
  }
}

export class GraphStore {
  constructor(private readonly executor: Executor) {}

  get kind() {
    return this.executor.kind;
  }

  /**
   * Brings a store written before identity resolution used indexes up to
   * date: each partner and customer gets its nameKey, nameBlock and alias nodes. Does
   * nothing (one scan) on a store that has them. Run once at open.
   */
  async addIdentityKeys(): Promise<void> {
    for (const kind of ['partners', 'customers'] as const) {
      for (;;) {
        const rows = await this.executor.read(`${kind}/without-identity-keys`, { limit: ROWS_PER_STATEMENT });
        if (rows.length === 0) break;
        await this.executor.write(async (tx) => {
          await tx.run(`${kind}/set-name-keys`, {
            rows: rows.map((r) => {
              const nameKey = records.normaliseName(String(r.name));
              return { id: r.id, nameKey, nameBlock: records.nameBlock(nameKey) };
            }),
          });
          await tx.run(`${kind}/upsert-aliases`, { rows: rows.flatMap((r) => (r.aliases as string[]).map((alias) => ({ alias, id: r.id }))) });
        });
      }
    }
  }

  /**
   * Runs `work` in one transaction and, when it changed something, advances
   * the change counter with it; returns the version after it. A write that
   * changed nothing (a delete of an unknown id, an import without a good row)
   * keeps the version, and with it every projection and derived metric.
   */
  async write<T>(work: (writer: StoreWriter) => Promise<T>): Promise<{ result: T; version: number }> {
    const context = writeContext.getStore();
    const following = this.changeLog.begin();
    const written = this.executor.write(async (tx) => {
      const writer = new StoreWriter(tx);
      const result = await work(writer);
      const [row] = writer.changed ? await tx.run('meta/bump-version', { storeId: randomUUID() }) : await tx.run('meta/version');
      const version = Number(row?.version ?? 0);
      if (writer.changed) following.note(version, writer.changes, String(row?.storeId));
      // The audit entry commits with the write or not at all.
      if (writer.changed && context !== undefined) await tx.run('audit/record', writer.touched.entry(context, version));
      return { result, version };
    });
    written.then(
      () => following.settle(true),
      () => following.settle(false),
    );
    return written;
  }

  private readonly changeLog = new ChangeLog();
  private changesFile: ChangesFile | undefined;

  /**
   * Keeps the change log in `file` too, and takes the versions it holds for
   * this store: after a restart the caches kept beside the store (the export)
   * are brought forward through the writes made before it.
   */
  async keepChangesIn(file: string): Promise<void> {
    const changesFile = new ChangesFile(file, KEPT_VERSIONS);
    const { storeId } = await this.identity();
    for (const [version, changes] of await changesFile.read(storeId)) this.changeLog.restore(version, changes);
    this.changesFile = changesFile;
    this.changeLog.onCommitted = (id, version, changes) => changesFile.append(id, version, changes);
  }

  /** Resolves once the change log's lines so far are in its file: for tests. */
  changesFlushed(): Promise<void> {
    return this.changesFile?.flushed() ?? Promise.resolve();
  }

  /**
   * Runs a write with priority over ordinary reads: those arriving meanwhile
   * start only once it ends, while every read it makes itself goes straight
   * to the engine. A write waits on the store a dozen times (lookups, each
   * statement, the commit): on the embedded engine, whose statements share
   * the process's cores, each of them otherwise ran beside readers' statements.
   */
  async prioritised<T>(work: () => Promise<T>): Promise<T> {
    const release = this.executor.holdReads?.();
    try {
      return await prioritisedWrite.run(true, work);
    } finally {
      release?.();
    }
  }

  /**
   * What the writes of this process after version `from` up to `to` changed,
   * or undefined when that is not known record by record (a version written
   * by another process, or a cascading delete): then read everything again.
   */
  changesBetween(from: number, to: number): Promise<StoreChanges | undefined> {
    return this.changeLog.between(from, to);
  }

  /** Records a change made outside the store (API keys) in the audit trail, in a transaction of its own. */
  async recordAudit(context: WriteContext, entity: string, ids: string[], at?: string): Promise<void> {
    const touched = new TouchedIds();
    touched.add(entity, ids);
    await this.executor.write(async (tx) => {
      const [row] = await tx.run('meta/version');
      await tx.run('audit/record', touched.entry(context, Number(row?.version ?? 0), at));
    });
  }

  /** A page of the audit trail, newest first. */
  async auditEntries(q: AuditQuery): Promise<Page<AuditEntry>> {
    const cursor = q.cursor === undefined ? String(Number.MAX_SAFE_INTEGER) : decodeCursor(q.cursor);
    if (typeof cursor !== 'string' || !/^\d+$/.test(cursor)) throw new InvalidCursorError('cursor is not one this API returned');
    const before = Number(cursor);
    const rows = await this.executor.read('audit/list', {
      before,
      limit: q.limit,
      actor: orNull(q.actor),
      entity: orNull(q.entity),
      id: orNull(q.id),
      since: orNull(q.since),
      until: orNull(q.until),
    });
    const items = rows.map(auditEntryFromRow);
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === q.limit && last !== undefined ? encodeCursor(String(last.seq)) : null };
  }

  async version(): Promise<number> {
    const [row] = await this.executor.read('meta/version');
    return Number(row?.version ?? 0);
  }

  /**
   * The version with the store's id, which caches kept beside the store are
   * keyed by: a store wiped and refilled may reach the same version with
   * other data, never the same id (null until the store's first write).
   */
  async identity(): Promise<{ version: number; storeId: string | null }> {
    const [row] = await this.executor.read('meta/identity');
    return { version: Number(row?.version ?? 0), storeId: typeof row?.storeId === 'string' ? row.storeId : null };
  }

  /**
   * Gives a store written before store ids existed its id, with one write
   * that changes nothing else (its version moves once): without an id no
   * snapshot is kept for it, so every start would derive from scratch. An
   * empty store gets its id with its first write.
   */
  async ensureIdentity(): Promise<void> {
    const { version, storeId } = await this.identity();
    if (storeId === null && version > 0) {
      await this.write(async (w) => {
        w.changed = true;
      });
    }
  }

  /**
   * What the store holds, per label and in all. Counting walks every
   * relationship (0.2–0.5 s at 100,000 partners), so the answer is kept per version.
   */
  async counts(): Promise<StoreCounts> {
    const version = await this.version();
    if (this.countsAt?.version !== version) this.countsAt = { version, counts: await this.count() };
    return this.countsAt.counts;
  }

  private countsAt: { version: number; counts: StoreCounts } | undefined;

  private async count(): Promise<StoreCounts> {
    const [[nodes], [edges]] = await Promise.all([this.executor.read('meta/count-nodes'), this.executor.read('meta/count-all-relationships')]);
    const number = (value: unknown) => Number(value ?? 0);
    return {
      partners: number(nodes?.partners),
      customers: number(nodes?.customers),
      capabilities: number(nodes?.capabilities),
      regions: number(nodes?.regions),
      segments: number(nodes?.segments),
      deals: number(nodes?.deals),
      solutions: number(nodes?.solutions),
      relationships: number(edges?.relationships),
    };
  }

  /** How many relationships of each type the store holds (deal partners, tracks and solution members included). */
  async relationshipsByType(): Promise<Record<string, number>> {
    const rows = await this.executor.read('meta/count-relationships');
    return Object.fromEntries(rows.map((r) => [String(r.type), Number(r.count)]));
  }

  /** A partner by id, or by an id that identity resolution folded into it. */
  /** `options.forWrite`: the read serves a write (its checks, its answer), and skips the queue of ordinary reads. */
  async getPartner(id: string, options: ReadOptions = {}): Promise<Partner | null> {
    const row = await this.byIdOrAlias('partners', id, options);
    return row === undefined ? null : records.partnerFromRow(row);
  }

  /** One partner's sharing settings as written (no default: none set); null when no such partner. */
  async sharingOf(partner: string): Promise<SharingRow | null> {
    const [row] = await this.executor.read('sharing/of', { partner });
    if (row === undefined) return null;
    const defaults = row.defaults as SharingLevel[];
    const levels = row.levels as Array<{ partner: string; level: SharingLevel }>;
    return { partner, ...(defaults[0] === undefined ? {} : { default: defaults[0] }), partners: Object.fromEntries(levels.map((l) => [l.partner, l.level])) };
  }

  /** What the other partners share with one partner: the levels set for it, and the defaults set (by partner id). */
  async sharingToward(partner: string): Promise<{ levels: Map<string, SharingLevel>; defaults: Map<string, SharingLevel> }> {
    const rows = await this.executor.read('sharing/toward', { partner });
    const levels = new Map<string, SharingLevel>();
    const defaults = new Map<string, SharingLevel>();
    for (const row of rows) (row.byDefault === true ? defaults : levels).set(String(row.partner), row.level as SharingLevel);
    return { levels, defaults };
  }

  /** Every partner's sharing settings, by partner id: the bundle's sharing section. */
  async allSharing(): Promise<SharingRow[]> {
    const byPartner = new Map<string, SharingRow>();
    for (const row of await this.executor.read('sharing/export')) {
      const id = String(row.partner);
      const entry = byPartner.get(id) ?? { partner: id };
      byPartner.set(id, entry);
      if (row.other === null || row.other === undefined) entry.default = row.level as SharingLevel;
      else (entry.partners ??= {})[String(row.other)] = row.level as SharingLevel;
    }
    return [...byPartner.values()].sort((a, b) => (a.partner < b.partner ? -1 : a.partner > b.partner ? 1 : 0));
  }

  /** Partners by id (not alias), in one statement per few thousand ids; missing ids are left out. */
  async getPartners(ids: string[]): Promise<Partner[]> {
    return (await this.readByIds('partners/get-many', ids)).map(records.partnerFromRow);
  }

  async getCustomers(ids: string[]): Promise<Customer[]> {
    return (await this.readByIds('customers/get-many', ids)).map(records.customerFromColumns);
  }

  private async readByIds(query: QueryName, ids: string[]): Promise<Row[]> {
    const out: Row[] = [];
    for (const batch of chunks([...new Set(ids)], IDS_PER_LOOKUP)) out.push(...(await this.executor.read(query, { ids: batch }, FOR_WRITE)));
    return out;
  }

  async getCustomer(id: string, options: ReadOptions = {}): Promise<Customer | null> {
    const row = await this.byIdOrAlias('customers', id, options);
    return row === undefined ? null : records.customerFromRow(row);
  }

  private async byIdOrAlias(kind: 'partners' | 'customers', id: string, options: ReadOptions): Promise<Row | undefined> {
    const [row] = await this.executor.read(`${kind}/get`, { id }, options);
    if (row !== undefined) return row;
    const [alias] = await this.executor.read(`${kind}/get-by-alias`, { id }, options);
    return alias === undefined ? undefined : (await this.executor.read(`${kind}/get`, { id: alias.id }, options))[0];
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

  /** Every partner's stage and tier in every track, in partner id order, read a window of partners at a time. */
  async trackStandings(): Promise<TrackStanding[]> {
    const out: TrackStanding[] = [];
    for await (const rows of this.partnerWindows('programs/stages-of')) {
      const standings = rows.map(standingFromRow).sort((a, b) => compareIds(a.partner, b.partner));
      for (const standing of standings) out.push(standing);
    }
    return out;
  }

  /** What tier requirements read, for every partner in a track: a window of partners a statement, not one per partner. */
  async partnerActivities(): Promise<Map<string, PartnerActivity>> {
    const won = this.executor.read('programs/won-deals');
    // Awaited below; a failed window read must not leave its failure unhandled.
    won.catch(() => undefined);
    const activities = new Map<string, PartnerActivity>();
    // Each window's rows become records as they come: no pass over every partner's rows holds the event loop.
    for await (const rows of this.partnerWindows('programs/partner-standing-of')) for (const row of rows) activities.set(String(row.partner), activityFromRow(row));
    return withWonParts(activities, await won);
  }

  /** Every partner's lifecycle moves, oldest first, read a window of partners at a time. */
  async lifecycleHistories(): Promise<Map<string, LifecycleTransition[]>> {
    const out = new Map<string, LifecycleTransition[]>();
    // A partner's moves all come in its own window.
    for await (const rows of this.partnerWindows('tracks/history-of')) for (const [partner, moves] of records.historiesFromRows(rows)) out.set(partner, moves);
    return out;
  }

  /**
   * A statement keyed by partner ids over every partner, a window of ids at
   * a time in id order: at 100,000 partners a statement over all of them
   * takes seconds (and nears the embedded engine's 30 s timeout on a loaded
   * machine), and turning its rows into records holds the event loop as long.
   */
  private async *partnerWindows(query: QueryName): AsyncGenerator<Row[]> {
    for (const ids of chunks(await this.allIds('partners/ids-from'), PARTNERS_PER_WINDOW)) yield await this.executor.read(query, { ids });
  }

  /** Every partner's part in a won deal. */
  async wonParts(): Promise<WonPart[]> {
    return (await this.executor.read('programs/won-deals')).map(wonPartFromRow);
  }

  /** The stages of these partners in every track (trackStandings for the partners a write touched). */
  async trackStandingsOf(ids: string[]): Promise<TrackStanding[]> {
    return (await this.readOf('programs/stages-of', ids)).map(standingFromRow);
  }

  /** What tier requirements read of these partners, those in a track, without their won deals (see wonPartsOf). */
  async partnerActivitiesOf(ids: string[]): Promise<Map<string, PartnerActivity>> {
    return new Map((await this.readOf('programs/partner-standing-of', ids)).map((row) => [String(row.partner), activityFromRow(row)]));
  }

  /** Every partner's part in these deals, those won. */
  async wonPartsOf(deals: string[]): Promise<WonPart[]> {
    return (await this.readOf('programs/won-deals-of', deals)).map(wonPartFromRow);
  }

  /** These partners' lifecycle moves, oldest first. */
  async lifecycleHistoriesOf(ids: string[]): Promise<Map<string, LifecycleTransition[]>> {
    return records.historiesFromRows(await this.readOf('tracks/history-of', ids));
  }

  /** A keyed read, a few thousand ids a statement. */
  private async readOf(query: QueryName, ids: Iterable<string>): Promise<Row[]> {
    const out: Row[] = [];
    for (const batch of chunks([...new Set(ids)], IDS_PER_LOOKUP)) out.push(...(await this.executor.read(query, { ids: batch })));
    return out;
  }

  async getCapability(id: string): Promise<Capability | null> {
    const [row] = await this.executor.read('capabilities/get', { id });
    return row === undefined ? null : records.plainFromRow<Capability>(row);
  }

  async getDeal(id: string): Promise<Deal | null> {
    const [row] = await this.executor.read('deals/get', { id });
    return row === undefined ? null : records.dealFromRow(row);
  }

  /** Every deal with its stage, amount, close date and partners (with their types), in one read: what attribution and reports need. */
  async dealRecords(): Promise<DealRecord[]> {
    return (await this.executor.read('deals/for-attribution')).map(dealRecordFromRow);
  }

  /** These deals (those that exist) as attribution reads them: dealRecords for the deals a write touched. */
  async dealRecordsOf(ids: string[]): Promise<DealRecord[]> {
    return (await this.readOf('deals/for-attribution-of', ids)).map(dealRecordFromRow);
  }

  /** Every deal with its customer, needs and claims, in one read: what conflict detection needs. */
  async conflictDeals(): Promise<ConflictDeal[]> {
    return (await this.executor.read('conflicts/deals')).map(conflictDealFromRow);
  }

  /** Per customer with a deal, the partners that manage it (SERVES in the `manage` role). */
  async customerManagers(): Promise<Map<string, Array<{ partner: string; name: string }>>> {
    const out = new Map<string, Array<{ partner: string; name: string }>>();
    for (const r of await this.executor.read('conflicts/managers')) {
      const list = out.get(String(r.customer)) ?? [];
      if (!list.some((m) => m.partner === r.partner)) list.push({ partner: String(r.partner), name: String(r.name ?? r.partner) });
      out.set(String(r.customer), list.sort((a, b) => (a.partner < b.partner ? -1 : 1)));
    }
    return out;
  }

  /** The tracks with a protection window that the partners of deals are in. */
  async protectingTracks(): Promise<Array<{ partner: string; track: string }>> {
    return (await this.executor.read('conflicts/protection')).map((r) => ({ partner: String(r.partner), track: String(r.track) }));
  }

  /** Every stored conflict resolution with its audit. */
  async conflictResolutions(): Promise<StoredResolution[]> {
    return (await this.executor.read('conflicts/resolutions')).map(resolutionFromRow);
  }

  /** How many technology partners there are, and how many integrate with or are implemented by another partner. */
  async integrationAdoption(): Promise<{ technology: number; integrated: number }> {
    const [row] = await this.executor.read('partners/integration-adoption');
    return { technology: Number(row?.technology ?? 0), integrated: Number(row?.integrated ?? 0) };
  }

  /** What validating the whole solution catalogue reads: one bulk read per concern, not one per solution or member. */
  async solutionCatalogue(): Promise<{ solutions: SolutionRecord[]; members: Map<string, MemberFacts>; names: CatalogueNames }> {
    const [rows, names] = await Promise.all([this.executor.read('solutions/for-validation'), this.catalogueNames()]);
    const solutions = rows.map(solutionFromValidationRow).sort((a, b) => compareIds(a.id, b.id));
    // The members' facts a window of members a statement: a hub member's relations are read by the thousand.
    const members = new Map<string, MemberFacts>();
    for (const ids of chunks([...new Set(solutions.flatMap((s) => s.partners))].sort(compareIds), MEMBERS_PER_WINDOW)) {
      for (const row of await this.executor.read('solutions/member-facts-of', { ids })) members.set(String(row.id), memberFromRow(row));
    }
    return { solutions, members, names };
  }

  /** These solutions (those that exist) as validation reads them: solutionCatalogue for the solutions a write touched. */
  async solutionsOf(ids: string[]): Promise<SolutionRecord[]> {
    return (await this.readOf('solutions/for-validation-of', ids)).map(solutionFromValidationRow);
  }

  /** The facts of these partners, those contributing to a solution: solutionCatalogue's members for the partners a write touched. */
  async memberFactsOf(ids: string[]): Promise<MemberFacts[]> {
    return (await this.readOf('solutions/member-facts-of', ids)).map(memberFromRow);
  }

  /** The names of every capability and region. */
  async catalogueNames(): Promise<CatalogueNames> {
    const [capabilities, regions] = await Promise.all([this.all('capabilities'), this.all('regions')]);
    return { capabilities: new Map(capabilities.map((c) => [c.id, c.name])), regions: new Map(regions.map((r) => [r.id, r.name ?? r.id])) };
  }

  /** A customer's region, needs (stated and of its open deals) and the partners serving it; null when no such customer. */
  async customerSolutionContext(id: string): Promise<CustomerContext | null> {
    const [row] = await this.executor.read('customers/solution-context', { id });
    return row === undefined ? null : customerContextFromRow(row);
  }

  async getSolution(id: string): Promise<Solution | null> {
    const [row] = await this.executor.read('solutions/get', { id });
    return row === undefined ? null : records.solutionFromRow(row);
  }

  async listPartners(q: PartnerListQuery): Promise<Page<Partner>> {
    const byFields = { after: decodeIdCursor(q.cursor), limit: q.limit, type: orNull(q.type), tier: orNull(q.tier), q: q.q === undefined ? null : q.q.toLowerCase() };
    const memberships = { stage: orNull(q.stage), region: orNull(q.region), segment: orNull(q.segment), capability: orNull(q.capability) };
    // A statement that starts from one membership filter's partners, the likely fewest first (see partners/list-in-region.cypher).
    const statement =
      memberships.capability !== null ? 'partners/list-with-capability'
      : memberships.region !== null ? 'partners/list-in-region'
      : memberships.segment !== null ? 'partners/list-in-segment'
      : memberships.stage !== null ? 'partners/list-at-stage'
      : undefined;
    const rows = statement === undefined ? await this.executor.read('partners/list-by-fields', byFields) : await this.executor.read(statement, { ...byFields, ...memberships });
    return pageByKey(rows.map(records.partnerFromRow), q.limit, (p) => p.id);
  }

  async listCustomers(q: CustomerListQuery): Promise<Page<Customer>> {
    const rows = await this.executor.read('customers/list', {
      after: decodeIdCursor(q.cursor),
      limit: q.limit,
      region: orNull(q.region),
      segment: orNull(q.segment),
      capability: orNull(q.capability),
      industry: orNull(q.industry),
      q: q.q === undefined ? null : q.q.toLowerCase(),
    });
    return pageByKey(rows.map(records.customerFromRow), q.limit, (c) => c.id);
  }

  async list<K extends ListedKind>(kind: K, page: { cursor?: string; limit: number }, options: ReadOptions = {}): Promise<Page<ListedRecord[K]>> {
    const rows = await this.executor.read(`${kind}/list`, { after: decodeIdCursor(page.cursor), limit: page.limit }, options);
    const fromRow: (row: Row) => unknown = kind === 'deals' ? records.dealFromRow : kind === 'solutions' ? records.solutionFromRow : records.plainFromRow;
    const items = rows.map(fromRow) as ListedRecord[K][];
    return pageByKey(items, page.limit, (item) => item.id);
  }

  /**
   * Every region, segment and capability, each kind in id order, in one read:
   * what a write checks its values against. Not through `list`, whose paging
   * predicate costs the embedded engine a scan of the whole store (20 ms a page at 100,000 partners).
   */
  async catalogue(options: ReadOptions = {}): Promise<{ regions: Region[]; segments: Segment[]; capabilities: Capability[] }> {
    const out = { regions: [] as Region[], segments: [] as Segment[], capabilities: [] as Capability[] };
    for (const row of await this.executor.read('meta/catalogue', {}, options)) out[row.kind as keyof typeof out].push(records.plainFromRow(row));
    for (const items of Object.values(out)) items.sort((a: { id: string }, b: { id: string }) => compareIds(a.id, b.id));
    return out;
  }

  /** A page of one customer's deals in id order (none for an unknown customer). */
  async listDealsOf(customer: string, page: { cursor?: string; limit: number }): Promise<Page<Deal>> {
    const rows = await this.executor.read('deals/list-of-customer', { customer, after: decodeIdCursor(page.cursor), limit: page.limit });
    return pageByKey(rows.map(records.dealFromRow), page.limit, (deal) => deal.id);
  }

  /**
   * A page of relationships in key order (source id, target id, type, role),
   * after the cursor's key. Without a node, the sources are walked a window of
   * partner ids at a time until the page is full: no offset into a sorted million.
   */
  async listRelationships(q: RelationshipListQuery): Promise<Page<Relationship>> {
    const after = decodeRelationshipKey(q.cursor);
    const type = orNull(q.type);
    let rows: Row[];
    if (q.node !== undefined) {
      rows = (await this.executor.read('relationships/touching', { node: q.node, type, after, limit: q.limit })).sort((x, y) => compareRelationshipKeys(relationshipKey(x), relationshipKey(y)));
    } else {
      rows = [];
      for (let from = after.from; rows.length < q.limit; ) {
        const ids = (await this.executor.read('partners/ids-from', { from, limit: SOURCES_PER_WINDOW })).map((r) => String(r.id));
        if (ids.length > 0) rows.push(...(await this.executor.read('relationships/from-partners', { ids, type, after, limit: q.limit - rows.length })));
        if (ids.length < SOURCES_PER_WINDOW) break;
        // The least id after the window's last.
        from = `${ids[ids.length - 1]}\u0000`;
      }
    }
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items: items.map(records.relationshipFromRow), nextCursor: items.length === q.limit && last !== undefined ? encodeCursor(keyParts(relationshipKey(last))) : null };
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
      properties: withoutNulls({ role: r.role, since: r.since, annualValue: r.annualValue, source: r.source, updatedAt: r.updatedAt, level: r.level, certified: r.certified }),
    }));
  }

  async existingIds(kind: EntityKind, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const batch of chunks([...new Set(ids)], IDS_PER_LOOKUP)) {
      for (const row of await this.executor.read(`${kind}/existing-ids`, { ids: batch }, FOR_WRITE)) found.add(String(row.id));
    }
    return found;
  }

  /**
   * What identity resolution matches on, for the stored partners or customers
   * an incoming batch can match: by id or alias id, by domain, or by
   * normalised name. Index lookups, a few thousand keys a statement.
   */
  async identities(kind: 'partners' | 'customers', lookup: IdentityLookup): Promise<StoredIdentity[]> {
    const [ids, domains, names] = [lookup.ids, lookup.domains, lookup.names].map((list) => [...new Set(list)]) as [string[], string[], string[]];
    const found = new Map<string, StoredIdentity>();
    for (let i = 0; i < Math.max(ids.length, domains.length, names.length); i += IDS_PER_LOOKUP) {
      const slice = (list: string[]) => list.slice(i, i + IDS_PER_LOOKUP);
      for (const row of await this.executor.read(`${kind}/identities`, { ids: slice(ids), domains: slice(domains), names: slice(names) }, FOR_WRITE)) {
        const r = row.record as Record<string, unknown>;
        found.set(String(r.id), { id: String(r.id), name: String(r.name), ...(typeof r.domain === 'string' ? { domain: r.domain } : {}), aliases: (r.aliases as string[] | null) ?? [] });
      }
    }
    return [...found.values()];
  }

  /** Stored partners or customers without a domain whose normalised name starts with one of these words: fuzzy name matching's candidates. */
  async nameCandidates(kind: 'partners' | 'customers', blocks: string[]): Promise<StoredIdentity[]> {
    const found = new Map<string, StoredIdentity>();
    for (const batch of chunks([...new Set(blocks)], IDS_PER_LOOKUP)) {
      for (const row of await this.executor.read(`identity/${kind === 'partners' ? 'partner' : 'customer'}-name-candidates`, { blocks: batch }, FOR_WRITE)) {
        const r = row.record as Record<string, unknown>;
        found.set(String(r.id), { id: String(r.id), name: String(r.name), aliases: (r.aliases as string[] | null) ?? [] });
      }
    }
    return [...found.values()];
  }

  /** The review items, whatever their status, of these incoming partner or customer ids. */
  async reviewsOf(kind: 'partner' | 'customer', ids: string[]): Promise<ReviewItem[]> {
    const out: ReviewItem[] = [];
    for (const batch of chunks([...new Set(ids)], IDS_PER_LOOKUP)) out.push(...(await this.executor.read('identity/reviews-of', { kind, ids: batch }, FOR_WRITE)).map((r) => records.plainFromRow<ReviewItem>(r)));
    return out;
  }

  async listReviews(q: { status?: ReviewStatus | undefined; cursor?: string | undefined; limit: number }): Promise<Page<ReviewItem>> {
    const rows = await this.executor.read('identity/list-reviews', { status: q.status ?? null, after: decodeIdCursor(q.cursor), limit: q.limit });
    return pageByKey(rows.map((r) => records.plainFromRow<ReviewItem>(r)), q.limit, (item) => item.id);
  }

  async getReview(id: string): Promise<ReviewItem | null> {
    const [row] = await this.executor.read('identity/get-review', { id });
    return row === undefined ? null : records.plainFromRow<ReviewItem>(row);
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

  /**
   * The whole store as a bundle, a batch of rows at a time, each section in a
   * stable order (entities by id, relationships by key): re-importing it gives
   * an identical store. Partners, customers and relationships are read a
   * window of ids at a time, so no result holds the store whole; the batches
   * are separate reads, so a write in between may show in part of them.
   * With `windows`, a window may come as the JSON text a kept export holds
   * for it (only the JSON export passes them).
   */
  async *exportBatches(windows: ExportWindows = READ_EVERY_WINDOW): AsyncGenerator<ExportBatch> {
    for (const kind of ['capabilities', 'regions', 'segments', 'deals', 'solutions'] as const) yield { section: kind, rows: await this.all(kind) };
    // Programmes are optional: a store without one exports as it did before they existed.
    const programs = await this.programs();
    if (programs.length > 0) yield { section: 'programs', rows: programs };
    const sharing = await this.allSharing();
    if (sharing.length > 0) yield { section: 'sharing', rows: sharing };
    const partnerIds = await this.allIds('partners/ids-from');
    yield* this.windowed(windows, 'partners', partnerIds, (ids) => this.exportPartnerRows(ids));
    yield* this.windowed(windows, 'customers', await this.allIds('customers/ids-from'), (ids) => this.customersInOrder(ids));
    yield* this.windowed(windows, 'relationships', partnerIds, (ids) => this.exportRelationshipRows(ids));
    // Resolutions are optional too, oldest first.
    const resolutions = (await this.conflictResolutions()).sort((a, b) => compareIds(a.audit.at, b.audit.at) || compareIds(a.id, b.id));
    if (resolutions.length > 0) yield { section: 'resolutions', rows: resolutions };
  }

  /**
   * A windowed section, a window at a time (read ahead): the kept export's text of a window no write touched,
   * else its rows read by `read`.
   */
  private async *windowed(windows: ExportWindows, section: WindowedSection, ids: string[], read: (ids: string[]) => Promise<unknown[]>): AsyncGenerator<ExportBatch> {
    const batch = async (window: string[]): Promise<ExportBatch> => {
      const range: [string, string] = [window[0]!, window.at(-1)!];
      const text = await windows.kept(section, window);
      return text !== undefined ? { section, rows: [], window: range, text } : { section, rows: await read(window), window: range };
    };
    yield* readAhead(windows.split(section, ids), batch);
  }

  /** Partners by id as the export writes them, with their lifecycle histories. */
  private async exportPartnerRows(ids: string[]): Promise<Partner[]> {
    const [partners, history] = await Promise.all([this.partnersWithMemberships(ids), this.executor.read('tracks/history-of', { ids })]);
    const histories = records.historiesFromRows(history);
    return inOrder(ids, partners).map((p) => (histories.has(p.id) ? { ...p, lifecycleHistory: histories.get(p.id) } : p));
  }

  /** Every relationship leaving these partners, in key order. */
  private async exportRelationshipRows(ids: string[]): Promise<Relationship[]> {
    // Sorted here by key (computed once a row), not by the engine: windows are in id order, so the whole is in key order.
    const keyed = (await this.executor.read('relationships/export-from-partners', { ids })).map((row) => ({ key: relationshipKey(row), row }));
    keyed.sort((x, y) => compareRelationshipKeys(x.key, y.key));
    return keyed.map(({ row }) => records.relationshipFromRow(row));
  }

  /** Partners by id with their memberships (for the export and the projection), whole ones only: their properties and their memberships in two flat reads, joined here. */
  private async partnersWithMemberships(ids: string[]): Promise<Partner[]> {
    const [recordRows, memberships] = await Promise.all([this.executor.read('partners/records-of', { ids }), this.executor.read('partners/memberships-of', { ids })]);
    type Assembled = { record: unknown; capabilities: unknown[]; regions: unknown[]; segments: unknown[]; lifecycle: unknown[] };
    const rows = new Map<string, Assembled>();
    for (const row of recordRows) if (isWhole(row)) rows.set(String(row.id), { record: row, capabilities: [], regions: [], segments: [], lifecycle: [] });
    for (const m of memberships) {
      const row = rows.get(String(m.partner));
      if (row === undefined) continue;
      if (m.kind === 'HAS_CAPABILITY') row.capabilities.push({ id: m.target, level: m.level, certified: m.certified });
      else if (m.kind === 'OPERATES_IN') row.regions.push(m.target);
      else if (m.kind === 'SERVES_SEGMENT') row.segments.push(m.target);
      else row.lifecycle.push({ track: m.target, stage: m.stage });
    }
    return [...rows.values()].map((row) => records.partnerFromRow(row));
  }

  /** The whole store as one bundle (see exportBatches). */
  async exportBundle(): Promise<Bundle> {
    const bundle: Bundle = { version: BUNDLE_VERSION, capabilities: [], regions: [], segments: [], partners: [], customers: [], relationships: [], deals: [], solutions: [] };
    for await (const { section, rows } of this.exportBatches()) for (const row of rows) ((bundle[section] ??= []) as unknown[]).push(row);
    return bundle;
  }

  /** Every id of the kind, in order, a page at a time: 200,000 ids in one statement held the event loop 0.3 s converting its rows. */
  private async allIds(query: 'partners/ids-from' | 'customers/ids-from'): Promise<string[]> {
    const ids: string[] = [];
    for (let from = ''; ; ) {
      const page = await this.executor.read(query, { from, limit: IDS_PER_PAGE });
      for (const row of page) ids.push(String(row.id));
      if (page.length < IDS_PER_PAGE) return ids;
      // The least id after the page's last.
      from = `${ids.at(-1)}\u0000`;
    }
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
    const ids = [...partnerIds].sort(compareIds);
    for await (const page of readAhead(chunks(ids, partnersPerPage), (batch) => this.relationshipEnds(batch))) if (page.length > 0) yield page;
  }

  /** The relationships of these partners as the projection reads them, sorted. */
  private async relationshipEnds(partnerIds: string[]): Promise<RelationshipEnds[]> {
    const rows = await this.executor.read('relationships/for-projection', { ids: partnerIds });
    const page = rows.map(
      (r): RelationshipEnds => ({
        from: String(r.from),
        to: String(r.to),
        type: r.type as RelationshipType,
        ...(typeof r.role === 'string' ? { role: r.role } : {}),
        ...(typeof r.annualValue === 'number' ? { annualValue: r.annualValue } : {}),
      }),
    );
    return page.sort((a, b) => compareIds(a.from, b.from) || compareIds(a.to, b.to) || compareIds(a.type, b.type) || compareIds(a.role ?? '', b.role ?? ''));
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
      this.inWindows('partners', async (ids) => inOrder(ids, await this.partnersWithMemberships(ids))),
      this.inWindows('customers', (ids) => this.customersInOrder(ids)),
    ]);
    return {
      version: BUNDLE_VERSION,
      capabilities,
      regions,
      segments,
      partners,
      customers,
      deals,
      solutions,
    };
  }

  /**
   * Every partner or customer with its memberships, in id order, read and converted a window of ids at a time:
   * read in one statement, 200,000 customers' rows were converted in one go, holding the event loop for seconds.
   */
  private async inWindows<T>(kind: 'partners' | 'customers', readWindow: (ids: string[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for await (const items of readAhead(chunks(await this.allIds(`${kind}/ids-from`), EXPORT_WINDOW), readWindow)) for (const item of items) out.push(item);
    return out;
  }

  /** Customers by id in the order of `ids`, as ordinary reads; whole ones only. */
  private async customersInOrder(ids: string[]): Promise<Customer[]> {
    const rows = await this.executor.read('customers/get-many', { ids });
    return inOrder(ids, rows.filter(isWhole).map(records.customerFromColumns));
  }

  async close(): Promise<void> {
    // The change log's last lines first: a version committed and not in the file is one the next start cannot follow.
    await this.changesFile?.flushed();
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
