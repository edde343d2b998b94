/**
 * Every tier evaluation with the programme it was made under: what
 * `GET /api/tiers/evaluation` answers, kept per store version in a file of
 * its own as well as inside the programme's records. From that file (a
 * fifth of the programme's at 100,000 partners) a restarted server answers
 * its first tier evaluation without waiting for the whole programme's records
 * to be read back. Brought forward by taking the programme's records at the
 * new version (which bring their evaluations forward themselves); until the
 * first write after a restart the two lists are separate copies of the same
 * evaluations.
 */
import type { ProgramTrack, TierEvaluation } from '../schemas/programs.js';
import type { GraphStore } from '../store/graph-store.js';
import { persistedPerVersion, type PersistedOptions, type PersistedRecords } from './persisted.js';
import { tierEvaluations, type ProgramRecords } from './program-records.js';

export interface TierRecords {
  programs: ProgramTrack[];
  /** The day they were made on: won deals count over the 12 months before it. */
  day: string;
  /** By track, then partner. */
  all: TierEvaluation[];
}

export function tierRecords(store: GraphStore, programme: PersistedRecords<ProgramRecords>, options: Pick<PersistedOptions<TierRecords>, 'file' | 'log'>): PersistedRecords<TierRecords> {
  const fromProgramme = async () => tiersOf(await programme());
  return persistedPerVersion(store, {
    ...options,
    codec: {
      kind: 'tiers',
      async write(tiers, out) {
        await out.value(tiers.programs);
        await out.value(tiers.day);
        await out.list(tiers.all);
      },
      read: async (input) => ({ programs: await input.value<ProgramTrack[]>(), day: await input.value<string>(), all: await input.list<TierEvaluation>() }),
    },
    load: fromProgramme,
    patch: fromProgramme,
  });
}

/** Today's evaluations at the store's current version: kept ones, or the programme's made again when they were made another day. */
export async function todaysTiers(tiers: PersistedRecords<TierRecords>, programme: PersistedRecords<ProgramRecords>, now = new Date()): Promise<TierRecords> {
  const kept = await tiers();
  return kept.day === now.toISOString().slice(0, 10) ? kept : tiersOf(await programme(), now);
}

function tiersOf(records: ProgramRecords, now = new Date()): TierRecords {
  const all = tierEvaluations(records, now);
  return { programs: records.programs, day: records.evaluations!.day, all };
}
