/**
 * Every deal as attribution and the reports read it, with the coalition
 * statistics of the closed ones, kept for the store's current version and
 * brought forward by each write: the deals it touched, and those of the
 * partners it touched (their types may have changed), are read again. One
 * deal's attribution after a write then costs a few lookups, not a read of
 * every deal (about 100 ms at 4,000 deals, several times that on a busy machine).
 */
import type { DealRecord } from '../schemas/attribution.js';
import { coalitionStats, type CoalitionStats } from '../operations/attribution.js';
import type { StoreChanges } from '../store/changes.js';
import type { GraphStore } from '../store/graph-store.js';
import { persistedPerVersion, type PersistedOptions, type PersistedRecords } from './persisted.js';
import { compareIds } from '../order.js';

export interface DealData {
  /** In id order. */
  deals: DealRecord[];
  byId: Map<string, DealRecord>;
  stats: CoalitionStats;
}


function withStats(deals: DealRecord[]): DealData {
  const sorted = [...deals].sort((a, b) => compareIds(a.id, b.id));
  return { deals: sorted, byId: new Map(sorted.map((d) => [d.id, d])), stats: coalitionStats(sorted) };
}

/** The deals for the store's current version, kept in `file` between runs. */
export function dealRecords(store: GraphStore, options: Pick<PersistedOptions<DealData>, 'file' | 'log'>): PersistedRecords<DealData> {
  return persistedPerVersion(store, {
    ...options,
    codec: {
      kind: 'deals',
      write: (data, out) => out.list(data.deals),
      read: async (input) => withStats(await input.list<DealRecord>()),
    },
    load: async () => withStats(await store.dealRecords()),
    patch: (previous, changes) => patch(store, previous, changes),
  });
}

async function patch(store: GraphStore, previous: DealData, changes: StoreChanges): Promise<DealData> {
  const touched = new Set(changes.deals);
  if (changes.partners.size > 0) for (const d of previous.deals) if (d.partners.some((p) => changes.partners.has(p.partner))) touched.add(d.id);
  if (touched.size === 0) return previous;
  const byId = new Map(previous.byId);
  for (const id of touched) byId.delete(id);
  for (const d of await store.dealRecordsOf([...touched])) byId.set(d.id, d);
  return withStats([...byId.values()]);
}
