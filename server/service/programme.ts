/**
 * What programme answers keep between requests, one of each per server:
 * the programme's records (tier evaluation, the funnel), the deals
 * (attribution, reports), the solution catalogue and the conflicts. Each is
 * kept for the store's current version, brought forward by writes, and
 * saved beside the store (`DATA_DIR/records/`), so that a restart on the same
 * store version reads it back instead of reading the store. `warmUp` fills
 * them in the background at start, so that the first request finds them
 * ready, or waits for that warm-up rather than starting a read of its own.
 */
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { GraphStore } from '../store/graph-store.js';
import { conflictRecords } from './conflict-records.js';
import { dealRecords } from './deal-records.js';
import { programRecords } from './program-records.js';
import { solutionCatalogue } from './solution-catalogue.js';
import { tierRecords } from './tier-records.js';
import type { LoadedFrom } from './persisted.js';

export class ProgrammeService {
  readonly records;
  readonly tiers;
  readonly deals;
  readonly catalogue;
  readonly conflicts;
  /** How the last warm-up went: for tests and benchmarks. */
  lastWarmUp: { ms: number; each: Record<string, number> } | undefined;

  /** @param dataDir where the records are kept between runs; undefined: not kept. */
  constructor(store: GraphStore, dataDir: string | undefined, log: FastifyBaseLogger) {
    const file = (kind: string) => (dataDir === undefined ? undefined : path.join(dataDir, 'records', `${kind}.records`));
    this.records = programRecords(store, { file: file('programme'), log });
    this.tiers = tierRecords(store, this.records, { file: file('tiers'), log });
    this.deals = dealRecords(store, { file: file('deals'), log });
    this.catalogue = solutionCatalogue(store, { file: file('solutions'), log });
    this.conflicts = conflictRecords(store, { file: file('conflicts'), log });
  }

  /** Where each kind of records was last read whole from: for tests and benchmarks. */
  lastLoads(): Record<string, LoadedFrom | undefined> {
    return Object.fromEntries(Object.entries(this.all).map(([kind, records]) => [kind, records.lastLoad()]));
  }

  /** In warm-up order: the small ones first, so that their first requests do not wait behind the programme's records. */
  private get all() {
    return { deals: this.deals, solutions: this.catalogue, conflicts: this.conflicts, tiers: this.tiers, programme: this.records };
  }

  /**
   * Reads every kind of records for the current version, from its file or
   * the store, one after another (together they would hold every read slot
   * of the embedded engine and the event loop longer).
   */
  async warmUp(): Promise<void> {
    const started = performance.now();
    const each: Record<string, number> = {};
    for (const [kind, records] of Object.entries(this.all)) {
      const since = performance.now();
      await records();
      each[kind] = Math.round(performance.now() - since);
    }
    this.lastWarmUp = { ms: Math.round(performance.now() - started), each };
  }

  /** Resolves when no save is pending: for tests and benchmarks. */
  async settled(): Promise<void> {
    await Promise.all(Object.values(this.all).map((records) => records.settled()));
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.all).map((records) => records.close()));
  }
}
