/**
 * Every tier evaluation, what `GET /api/tiers/evaluation` answers, kept for
 * the store's current version apart from the programme's records they are
 * made from, in a file of their own: a restarted server answers its first
 * tier evaluation from it (a fifth of the programme records' file at 100,000
 * partners) without waiting for the programme's records. Evaluating all
 * 123,320 partner-track pairs of the 100,000-partner ecosystem takes most of
 * a second, so it runs in slices, and after a write only the partners whose
 * records it changed are evaluated again, the others kept.
 */
import type { ProgramTrack, TierEvaluation } from '../schemas/programs.js';
import { evaluateTiers } from '../operations/tiers.js';
import { slicer } from '../projection/slices.js';
import type { StoreChanges } from '../store/changes.js';
import type { GraphStore } from '../store/graph-store.js';
import { persistedPerVersion, type PersistedOptions, type PersistedRecords } from './persisted.js';
import { groupBy, type ProgramRecords } from './program-records.js';
import { compareIds } from '../order.js';

export interface TierRecords {
  programs: ProgramTrack[];
  /** The day they were made on: won deals count over the 12 months before it. */
  day: string;
  /** By track, then partner. */
  all: TierEvaluation[];
  /** The partners of each won deal when they were made: a deal changed later changes these partners' evaluations too. */
  wonPartners: Map<string, string[]>;
}

export function tierRecords(store: GraphStore, programme: PersistedRecords<ProgramRecords>, options: Pick<PersistedOptions<TierRecords>, 'file' | 'log'>): PersistedRecords<TierRecords> {
  return persistedPerVersion(store, {
    ...options,
    codec: {
      kind: 'tiers',
      async write(tiers, out) {
        await out.value(tiers.programs);
        await out.value(tiers.day);
        await out.list(tiers.all);
        await out.list([...tiers.wonPartners]);
      },
      read: async (input) => ({
        programs: await input.value<ProgramTrack[]>(),
        day: await input.value<string>(),
        all: await input.list<TierEvaluation>(),
        wonPartners: await input.map<string, string[]>(),
      }),
    },
    load: async () => evaluateAll(await programme()),
    patch: async (previous, changes) => patch(previous, await programme(), changes),
  });
}

/** Today's evaluations at the store's current version; those kept from another day are made again (and kept). */
export async function todaysTiers(tiers: PersistedRecords<TierRecords>, programme: PersistedRecords<ProgramRecords>, now = new Date()): Promise<TierRecords> {
  const kept = await tiers();
  if (kept.day !== today(now)) Object.assign(kept, await evaluateAll(await programme(), now));
  return kept;
}

const today = (now: Date) => now.toISOString().slice(0, 10);
const byTrackAndPartner = (a: TierEvaluation, b: TierEvaluation) => compareIds(a.track, b.track) || compareIds(a.partnerId, b.partnerId);
/** Partner-track pairs evaluated between two looks at the clock. */
const SLICE = 2000;

function wonPartnersOf(records: ProgramRecords): Map<string, string[]> {
  return new Map([...records.wonByDeal].map(([deal, parts]) => [deal, parts.map((p) => p.partner)]));
}

/** Every partner in every track, evaluated in the order of the answer a slice of standings at a time, with turns of the event loop between. */
async function evaluateAll(records: ProgramRecords, now = new Date()): Promise<TierRecords> {
  const pause = slicer();
  const all: TierEvaluation[] = [];
  const byTrack = groupBy(records.standings, (s) => s.track);
  for (const track of [...byTrack.keys()].sort(compareIds)) {
    const standings = byTrack.get(track)!;
    // The store gives them in partner order: sorting a track's tens of thousands again would hold the loop.
    if (standings.some((s, i) => i > 0 && compareIds(standings[i - 1]!.partner, s.partner) > 0)) standings.sort((a, b) => compareIds(a.partner, b.partner));
    for (let i = 0; i < standings.length; i += SLICE) {
      all.push(...evaluateTiers(records.programs, standings.slice(i, i + SLICE), records.activities, now));
      await pause();
    }
  }
  return { programs: records.programs, day: today(now), all, wonPartners: wonPartnersOf(records) };
}

/**
 * The partners whose standings or facts changed (those the writes touched,
 * and those in a changed deal's won parts, before or after) evaluated again;
 * a changed programme, or another day, evaluates everyone again.
 */
async function patch(previous: TierRecords, records: ProgramRecords, changes: StoreChanges): Promise<TierRecords> {
  const now = new Date();
  if (changes.programs || previous.day !== today(now)) return evaluateAll(records, now);
  const affected = new Set(changes.partners);
  for (const deal of changes.deals) {
    for (const partner of previous.wonPartners.get(deal) ?? []) affected.add(partner);
    for (const part of records.wonByDeal.get(deal) ?? []) affected.add(part.partner);
  }
  if (affected.size === 0) return { ...previous, programs: records.programs };
  // evaluateTiers answers by track, then partner.
  const again = evaluateTiers(records.programs, [...affected].flatMap((id) => records.standingsByPartner.get(id) ?? []), records.activities, now);
  return { programs: records.programs, day: previous.day, all: merge(previous.all.filter((e) => !affected.has(e.partnerId)), again), wonPartners: wonPartnersOf(records) };
}

/** Two lists sorted by track and partner, as one. */
function merge(a: TierEvaluation[], b: TierEvaluation[]): TierEvaluation[] {
  const out: TierEvaluation[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && byTrackAndPartner(a[i]!, b[j]!) <= 0) ? a[i++]! : b[j++]!);
  return out;
}
