/**
 * The records tier evaluation and the lifecycle funnel read, kept for the
 * store's current version and brought forward by each write: the partners
 * and deals it touched are read again (a few index lookups), the rest is
 * kept. Reading them whole costs about 10 s at 100,000 partners; a lifecycle
 * move, a deal's claims or a SERVES changed then costs milliseconds. Tier
 * evaluations and the funnel's per-partner facts ride along: the partners
 * whose records changed are evaluated again, the others kept (evaluating all
 * 123,320 partner-track pairs of the 100,000-partner ecosystem takes most of
 * a second, walking its 318,395 lifecycle moves a few hundred ms).
 *
 * They are also kept beside the store per version (see persisted.ts): a
 * restart on the same version reads them, evaluations and funnel facts
 * included, from that file instead of the store.
 *
 * The maps are patched in place, not copied (copying five maps of 100,000
 * entries per write cost more than the reads): a request that still holds
 * the previous version's records may see the newer ones, as a read racing a
 * write would; the lists it was handed (standings, evaluations) stay as they were.
 */
import type { LifecycleTransition } from '../schemas/model.js';
import type { ProgramTrack, TierEvaluation } from '../schemas/programs.js';
import { evaluateTiers } from '../operations/tiers.js';
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
  /** Every tier evaluation, made on `day` (won deals count over the last 12 months); made at the first request for them. */
  evaluations?: { day: string; all: TierEvaluation[] };
  /**
   * Per programme track (and tracks that were in it), each partner's funnel facts (see funnel.ts):
   * all the funnel needs of the lifecycle histories, which are not kept (318,395 moves at 100,000 partners).
   */
  funnels: Map<string, Map<string, PartnerFunnelFacts>>;
}

const today = (now: Date) => now.toISOString().slice(0, 10);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byTrackAndPartner = (a: TierEvaluation, b: TierEvaluation) => compare(a.track, b.track) || compare(a.partnerId, b.partnerId);

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list === undefined) out.set(key(item), [item]);
    else list.push(item);
  }
  return out;
}

/**
 * The programme's records for the store's current version, kept in `file`
 * between runs, with every tier evaluation and the funnel facts of every
 * programme track made in slices before they are handed out.
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
  return completed(assemble(programs, standings, activities, won), async () => histories);
}

function assemble(programs: ProgramTrack[], standings: TrackStanding[], activities: Map<string, PartnerActivity>, won: WonPart[]): ProgramRecords {
  return {
    programs,
    standings,
    standingsByPartner: groupBy(standings, (s) => s.partner),
    activities,
    wonByDeal: groupBy(won, (w) => w.deal),
    wonByPartner: groupBy(won, (w) => w.partner),
    funnels: new Map(),
  };
}

/**
 * The records with today's tier evaluations and every programme track's
 * funnel facts, worked out a few thousand partners at a time with turns of
 * the event loop between (all at once they hold it for most of a second at
 * 100,000 partners): what the first request of each kind would otherwise do.
 */
async function completed(records: ProgramRecords, histories: () => Promise<Map<string, LifecycleTransition[]>>, now = new Date()): Promise<ProgramRecords> {
  const pause = slicer();
  if (records.evaluations?.day !== today(now)) {
    const all: TierEvaluation[] = [];
    // Evaluated in the order of the answer (track, then partner), a slice of standings at a time. The
    // store gives them in partner order: sorting a track's tens of thousands again would hold the loop.
    const byTrack = groupBy(records.standings, (s) => s.track);
    for (const track of [...byTrack.keys()].sort(compare)) {
      const standings = byTrack.get(track)!;
      if (standings.some((s, i) => i > 0 && compare(standings[i - 1]!.partner, s.partner) > 0)) standings.sort((a, b) => compare(a.partner, b.partner));
      for (let i = 0; i < standings.length; i += SLICE) {
        all.push(...evaluateTiers(records.programs, standings.slice(i, i + SLICE), records.activities, now));
        await pause();
      }
    }
    records.evaluations = { day: today(now), all };
  }
  await withFunnelFacts(records, histories);
  return records;
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

/** Partner-track pairs evaluated, or partners' moves walked, between two looks at the clock. */
const SLICE = 2000;

/** The records as their file holds them: lists and map entries, cut into frames. */
const programRecordsCodec = (store: GraphStore): RecordsCodec<ProgramRecords> => ({
  kind: 'programme',
  async write(records, out) {
    await out.value(records.programs);
    await out.list(records.standings);
    await out.list([...records.activities]);
    await out.list([...records.wonByDeal.values()].flat());
    await out.value(records.evaluations?.day ?? null);
    await out.list(records.evaluations?.all ?? []);
    const funnels = [...records.funnels];
    await out.value(funnels.map(([track]) => track));
    for (const [, facts] of funnels) await out.list([...facts]);
  },
  async read(input) {
    const programs = await input.value<ProgramTrack[]>();
    const standings = await input.list<TrackStanding>();
    const activities = new Map(await input.list<[string, PartnerActivity]>());
    const records = assemble(programs, standings, activities, await input.list<WonPart>());
    const day = await input.value<string | null>();
    const all = await input.list<TierEvaluation>();
    if (day !== null) records.evaluations = { day, all };
    for (const track of await input.value<string[]>()) records.funnels.set(track, new Map(await input.list<[string, PartnerFunnelFacts]>()));
    // Evaluations of another day are made again.
    return completed(records, () => store.lifecycleHistories());
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
    evaluations: undefined,
  };
  // A track new to the programme: its funnel facts from every partner's moves (read again; newer moves
  // than this version's are harmless, the next patch works their partners' facts out again).
  if (changes.programs) await withFunnelFacts(next, () => store.lifecycleHistories());
  // Evaluations made today under the same programme: only the affected partners' change.
  const made = previous.evaluations;
  const now = new Date();
  if (made !== undefined && !changes.programs && made.day === today(now)) {
    const again = evaluateTiers(programs, [...affected].flatMap((id) => standingsByPartner.get(id) ?? []), nextActivities, now);
    next.evaluations = { day: made.day, all: merge(made.all.filter((e) => !affected.has(e.partnerId)), again) };
  }
  return next;
}

/** Two lists sorted by track and partner, as one. */
function merge(a: TierEvaluation[], b: TierEvaluation[]): TierEvaluation[] {
  const out: TierEvaluation[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && byTrackAndPartner(a[i]!, b[j]!) <= 0) ? a[i++]! : b[j++]!);
  return out;
}

/** Each partner's funnel facts in a programme track, worked out when the records were read or the track defined. */
export function trackFunnelFacts(records: ProgramRecords, track: string): Map<string, PartnerFunnelFacts> {
  return records.funnels.get(track) ?? new Map();
}

/** Every tier evaluation for these records, made once a day per version (and kept with the records). */
export function tierEvaluations(records: ProgramRecords, now = new Date()): TierEvaluation[] {
  if (records.evaluations?.day !== today(now)) records.evaluations = { day: today(now), all: evaluateTiers(records.programs, records.standings, records.activities, now) };
  return records.evaluations.all;
}
