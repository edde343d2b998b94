/**
 * The lifecycle funnel of one programme track: how many partners are at each
 * stage, how many of those that reached a stage went further, how long they
 * stayed, and who has stayed longer than the track allows, with what to do
 * about it.
 */
import { LIFECYCLE_STAGES, type LifecycleStage, type LifecycleTransition } from '../schemas/model.js';
import type { Funnel, ProgramTrack, StalledPartner } from '../schemas/programs.js';
import type { TrackStanding } from '../store/program-records.js';

const DAY_MS = 86_400_000;
/** Stalled partners listed per stage, longest stalled first; the count says how many in all. */
export const STALLED_LISTED = 100;

const NEXT_ACTIONS: Record<Exclude<LifecycleStage, 'churned'>, (partner: string, days: number) => string> = {
  recruit: (p, d) => `Send ${p} the programme agreement and book a kick-off call: recruited ${d} days ago and not yet onboarding.`,
  onboard: (p, d) => `Get ${p} through onboarding: assign the enablement training and a first certification, ${d} days in.`,
  activate: (p, d) => `Bring ${p} a first joint opportunity: register a deal or share a qualified lead, ${d} days without growing.`,
  grow: (p, d) => `Agree a business plan with ${p}: a pipeline target for the next quarter and the MDF or tier review it would earn (${d} days at grow).`,
  optimise: (p, d) => `Hold a business review with ${p}: renew the joint plan or look for a new solution together (${d} days since the last change).`,
};

/** Position along the lifecycle; churned is off it. */
const RANK = new Map<LifecycleStage, number>(LIFECYCLE_STAGES.map((s, i) => [s, s === 'churned' ? -1 : i]));
const rank = (stage: LifecycleStage) => RANK.get(stage)!;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * `standings` and `histories` may hold every track: only `track`'s are read.
 * Conversion from a stage: of the partners that reached it (a move to it, or
 * being at it now), the share that later moved to a stage further along.
 * Days in a stage: from a move to it to the partner's next move in the track.
 */
export function lifecycleFunnel(track: ProgramTrack, standings: TrackStanding[], histories: Map<string, LifecycleTransition[]>, now: Date): Funnel {
  const reached = new Map<LifecycleStage, Set<string>>(LIFECYCLE_STAGES.map((s) => [s, new Set()]));
  const converted = new Map<LifecycleStage, Set<string>>(LIFECYCLE_STAGES.map((s) => [s, new Set()]));
  const stays = new Map<LifecycleStage, number[]>(LIFECYCLE_STAGES.map((s) => [s, []]));
  for (const [partner, history] of histories) {
    // Walked from the latest move back: a stage converted when a later move went further along.
    let furthestLater = -1;
    let nextAt: number | undefined;
    for (let i = history.length - 1; i >= 0; i--) {
      const move = history[i]!;
      if (move.track !== track.id) continue;
      const at = Date.parse(move.at);
      reached.get(move.to)!.add(partner);
      if (rank(move.to) >= 0 && furthestLater > rank(move.to)) converted.get(move.to)!.add(partner);
      if (nextAt !== undefined) stays.get(move.to)!.push((nextAt - at) / DAY_MS);
      furthestLater = Math.max(furthestLater, rank(move.to));
      nextAt = at;
    }
  }
  const atStage = new Map<LifecycleStage, TrackStanding[]>(LIFECYCLE_STAGES.map((s) => [s, []]));
  for (const s of standings) {
    if (s.track !== track.id) continue;
    reached.get(s.stage)!.add(s.partner);
    atStage.get(s.stage)!.push(s);
  }

  const stages = LIFECYCLE_STAGES.map((stage) => {
    const here = atStage.get(stage)!;
    const limit = stage === 'churned' ? undefined : track.stallLimits[stage];
    const over: Array<{ s: TrackStanding & { since: string }; days: number }> = [];
    if (limit !== undefined) {
      for (const s of here) {
        if (s.since === undefined) continue;
        const days = Math.floor((now.getTime() - Date.parse(s.since)) / DAY_MS);
        if (days > limit) over.push({ s: s as TrackStanding & { since: string }, days });
      }
    }
    over.sort((a, b) => b.days - a.days || (a.s.partner < b.s.partner ? -1 : 1));
    // Sentences only for the partners listed: at 100,000 partners tens of thousands may be stalled.
    const stalled: StalledPartner[] = over.slice(0, STALLED_LISTED).map(({ s, days }) => ({
      partnerId: s.partner,
      since: s.since,
      days,
      limit: limit!,
      nextAction: NEXT_ACTIONS[stage as Exclude<LifecycleStage, 'churned'>](s.partner, days),
    }));
    const reachedCount = reached.get(stage)!.size;
    const last = stage === 'optimise' || stage === 'churned';
    const days = median(stays.get(stage)!);
    return {
      stage,
      count: here.length,
      conversion: last || reachedCount === 0 ? null : round3(converted.get(stage)!.size / reachedCount),
      medianDays: days === null ? null : Math.round(days * 10) / 10,
      stallLimitDays: limit ?? null,
      stalled,
      stalledCount: over.length,
    };
  });
  return { track: track.id, at: now.toISOString(), stages };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
