/**
 * The records tier evaluation and the lifecycle funnel read, kept for the
 * store's current version and brought forward by each write: the partners
 * and deals it touched are read again (a few index lookups), the rest is
 * kept. Reading them whole costs about 10 s at 100,000 partners; a lifecycle
 * move, a deal's claims or a SERVES changed then costs milliseconds. The
 * funnel's per-partner facts ride along: those of the partners whose moves
 * changed are worked out again, the others kept (walking the 318,395
 * lifecycle moves of the 100,000-partner ecosystem takes a few hundred ms).
 * Tier evaluations are made from these records and kept apart (tier-records.ts).
 *
 * They are also kept beside the store per version (see persisted.ts): a
 * restart on the same version reads them, funnel facts included, from that
 * file instead of the store.
 *
 * The maps are patched in place, not copied (copying five maps of 100,000
 * entries per write cost more than the reads): a request that still holds
 * the previous version's records may see the newer ones, as a read racing a
 * write would; the lists it was handed (standings) stay as they were.
 */
import type { LifecycleTransition } from '../schemas/model.js';
import type { ProgramTrack } from '../schemas/programs.js';
import { partnerFunnelFacts, type PartnerFunnelFacts } from '../operations/funnel.js';
import type { StoreChanges } from '../store/changes.js';
import type { GraphStore } from '../store/graph-store.js';
import { withWonDeals, type PartnerActivity, type TrackStanding, type WonPart } from '../store/program-records.js';
import { slicer } from '../projection/slices.js';
import { persistedPerVersion, type PersistedOptions, type PersistedRecords, type RecordsCodec } from './persisted.js';

export interface ProgramRecords {
  programs: ProgramTrack[];
  /** Every partner's stage in every track. */
  standings: TrackStanding[];
  standingsByPartner: Map<string, TrackStanding[]>;
  /** Of the partners in a track. */
  activities: Map<string, PartnerActivity>;
  /** Every part in a won deal, by deal and by partner (in a track or not: it may join one). */
  wonByDeal: Map<string, WonPart[]>;
  wonByPartner: Map<string, WonPart[]>;
  /**
   * Per programme track (and tracks that were in it), each partner's funnel facts (see funnel.ts):
   * all the funnel needs of the lifecycle histories, which are not kept (318,395 moves at 100,000 partners).
   */
  funnels: Map<string, Map<string, PartnerFunnelFacts>>;
}

/** Items by key, in their order; into `out` when given (a list grouped a slice at a time). */
export function groupBy<T>(items: T[], key: (item: T) => string, out = new Map<string, T[]>()): Map<string, T[]> {
  for (const item of items) {
    const list = out.get(key(item));
    if (list === undefined) out.set(key(item), [item]);
    else list.push(item);
  }
  return out;
}

/**
 * The programme's records for the store's current version, kept in `file`
 * between runs, with the funnel facts of every programme track made in
 * slices before they are handed out.
 */
export function programRecords(store: GraphStore, options: Pick<PersistedOptions<ProgramRecords>, 'file' | 'log'>): PersistedRecords<ProgramRecords> {
  return persistedPerVersion(store, {
    ...options,
    codec: programRecordsCodec(store),
    load: () => load(store),
    patch: (previous, changes) => patch(store, previous, changes),
  });
}

async function load(store: GraphStore): Promise<ProgramRecords> {
  // Each bulk read is a window of partners a statement, so a request's own read waits behind a few windows at most.
  const [programs, standings, activities, histories, won] = await Promise.all([
    store.programs(),
    store.trackStandings(),
    store.partnerActivities(),
    store.lifecycleHistories(),
    store.wonParts(),
  ]);
  const records = await assemble(programs, standings, activities, won);
  await withFunnelFacts(records, async () => histories);
  return records;
}

async function assemble(programs: ProgramTrack[], standings: TrackStanding[], activities: Map<string, PartnerActivity>, won: WonPart[]): Promise<ProgramRecords> {
  return {
    programs,
    standings,
    standingsByPartner: await groupedInSlices(standings, (s) => s.partner),
    activities,
    wonByDeal: groupBy(won, (w) => w.deal),
    wonByPartner: groupBy(won, (w) => w.partner),
    funnels: new Map(),
  };
}

/** groupBy with a turn of the event loop every few ms: 123,320 standings at 100,000 partners. */
async function groupedInSlices<T>(items: T[], key: (item: T) => string): Promise<Map<string, T[]>> {
  const pause = slicer();
  const out = new Map<string, T[]>();
  for (let i = 0; i < items.length; i += SLICE) {
    groupBy(items.slice(i, i + SLICE), key, out);
    await pause();
  }
  return out;
}

/** The funnel facts of every programme track that has none yet, from every partner's moves (read only then). */
async function withFunnelFacts(records: ProgramRecords, histories: () => Promise<Map<string, LifecycleTransition[]>>): Promise<void> {
  const missing = records.programs.filter((track) => !records.funnels.has(track.id));
  if (missing.length === 0) return;
  const moves = await histories();
  const pause = slicer();
  for (const track of missing) {
    const facts = new Map<string, PartnerFunnelFacts>();
    let walked = 0;
    for (const [partner, history] of moves) {
      const found = partnerFunnelFacts(track.id, history);
      if (found !== undefined) facts.set(partner, found);
      if (++walked % SLICE === 0) await pause();
    }
    records.funnels.set(track.id, facts);
  }
}

/** Partners' moves walked between two looks at the clock. */
const SLICE = 2000;

/** The records as their file holds them: lists and map entries, cut into frames. */
const programRecordsCodec = (store: GraphStore): RecordsCodec<ProgramRecords> => ({
  kind: 'programme',
  async write(records, out) {
    await out.value(records.programs);
    await out.list(records.standings);
    await out.list([...records.activities]);
    await out.list([...records.wonByDeal.values()].flat());
    const funnels = [...records.funnels];
    await out.value(funnels.map(([track]) => track));
    for (const [, facts] of funnels) await out.list([...facts]);
  },
  async read(input) {
    const programs = await input.value<ProgramTrack[]>();
    const standings = await input.list<TrackStanding>();
    const activities = await input.map<string, PartnerActivity>();
    const records = await assemble(programs, standings, activities, await input.list<WonPart>());
    for (const track of await input.value<string[]>()) records.funnels.set(track, await input.map<string, PartnerFunnelFacts>());
    // A track defined since the file was written: its facts from every partner's moves.
    await withFunnelFacts(records, () => store.lifecycleHistories());
    return records;
  },
});

async function patch(store: GraphStore, previous: ProgramRecords, changes: StoreChanges): Promise<ProgramRecords> {
  const partners = [...changes.partners];
  const deals = [...changes.deals];
  const [programs, standings, activities, histories, won] = await Promise.all([
    changes.programs ? store.programs() : previous.programs,
    store.trackStandingsOf(partners),
    store.partnerActivitiesOf(partners),
    store.lifecycleHistoriesOf(partners),
    store.wonPartsOf(deals),
  ]);

  // Won deals: each changed deal's parts replace the ones it had, for the partners it had and has.
  const { wonByDeal, wonByPartner, standingsByPartner, activities: nextActivities } = previous;
  const newParts = groupBy(won, (w) => w.deal);
  const affected = new Set(partners);
  for (const deal of deals) {
    for (const part of wonByDeal.get(deal) ?? []) {
      affected.add(part.partner);
      wonByPartner.set(part.partner, (wonByPartner.get(part.partner) ?? []).filter((w) => w.deal !== deal));
    }
    const parts = newParts.get(deal) ?? [];
    for (const part of parts) {
      affected.add(part.partner);
      wonByPartner.set(part.partner, [...(wonByPartner.get(part.partner) ?? []), part]);
    }
    if (parts.length > 0) wonByDeal.set(deal, parts);
    else wonByDeal.delete(deal);
  }

  const standingsNow = groupBy(standings, (s) => s.partner);
  for (const id of partners) {
    const put = <T>(map: Map<string, T>, value: T | undefined) => (value === undefined ? map.delete(id) : map.set(id, value));
    put(standingsByPartner, standingsNow.get(id));
    put(nextActivities, activities.get(id));
    for (const [track, facts] of previous.funnels) put(facts, partnerFunnelFacts(track, histories.get(id) ?? []));
  }
  for (const id of affected) {
    const activity = nextActivities.get(id);
    if (activity !== undefined) nextActivities.set(id, withWonDeals(activity, wonByPartner.get(id) ?? []));
  }

  const next: ProgramRecords = {
    ...previous,
    programs,
    standings: partners.length === 0 ? previous.standings : [...standingsByPartner.values()].flat(),
  };
  // A track new to the programme: its funnel facts from every partner's moves (read again; newer moves
  // than this version's are harmless, the next patch works their partners' facts out again).
  if (changes.programs) await withFunnelFacts(next, () => store.lifecycleHistories());
  return next;
}

/** Each partner's funnel facts in a programme track, worked out when the records were read or the track defined. */
export function trackFunnelFacts(records: ProgramRecords, track: string): Map<string, PartnerFunnelFacts> {
  return records.funnels.get(track) ?? new Map();
}
