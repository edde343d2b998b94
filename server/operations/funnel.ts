/**
 * The lifecycle funnel of one programme track: how many partners are at each
 * stage, how many of those that reached a stage went further, how long they
 * stayed, and who has stayed longer than the track allows, with what to do
 * about it.
 */
import { LIFECYCLE_STAGES, type LifecycleStage, type LifecycleTransition } from '../schemas/model.js';
import type { Funnel, ProgramTrack, StalledPartner } from '../schemas/programs.js';
import type { TrackStanding } from '../store/program-records.js';
import { round3 } from '../order.js';

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

/** What one partner's moves in one track tell the funnel; stages as bits by their place in LIFECYCLE_STAGES. */
export interface PartnerFunnelFacts {
  /** Stages it moved to. */
  reached: number;
  /** Stages it later moved on from to a stage further along. */
  converted: number;
  /** Days spent at a stage, from a move to it to the next move: [stage index, days]. */
  stays: Array<[number, number]>;
}

const INDEX = new Map<LifecycleStage, number>(LIFECYCLE_STAGES.map((s, i) => [s, i]));
const bit = (stage: LifecycleStage) => 1 << INDEX.get(stage)!;

/** A partner's funnel facts in one track, from its moves (oldest first); undefined when it never moved in it. */
export function partnerFunnelFacts(track: string, history: LifecycleTransition[]): PartnerFunnelFacts | undefined {
  const facts: PartnerFunnelFacts = { reached: 0, converted: 0, stays: [] };
  // Walked from the latest move back: a stage converted when a later move went further along.
  let furthestLater = -1;
  let nextAt: number | undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const move = history[i]!;
    if (move.track !== track) continue;
    const at = Date.parse(move.at);
    facts.reached |= bit(move.to);
    if (rank(move.to) >= 0 && furthestLater > rank(move.to)) facts.converted |= bit(move.to);
    if (nextAt !== undefined) facts.stays.push([INDEX.get(move.to)!, (nextAt - at) / DAY_MS]);
    furthestLater = Math.max(furthestLater, rank(move.to));
    nextAt = at;
  }
  return nextAt === undefined ? undefined : facts;
}

/** Every partner's funnel facts in one track. */
export function funnelFacts(track: string, histories: Map<string, LifecycleTransition[]>): Map<string, PartnerFunnelFacts> {
  const out = new Map<string, PartnerFunnelFacts>();
  for (const [partner, history] of histories) {
    const facts = partnerFunnelFacts(track, history);
    if (facts !== undefined) out.set(partner, facts);
  }
  return out;
}

/**
 * `standings` and `histories` may hold every track: only `track`'s are read.
 * Conversion from a stage: of the partners that reached it (a move to it, or
 * being at it now), the share that later moved to a stage further along.
 * Days in a stage: from a move to it to the partner's next move in the track.
 */
export function lifecycleFunnel(track: ProgramTrack, standings: TrackStanding[], histories: Map<string, LifecycleTransition[]>, now: Date): Funnel {
  return funnelOf(track, standings, funnelFacts(track.id, histories), now);
}

/** The funnel from the partners' facts in the track (see funnelFacts), which a caller may keep between answers. */
export function funnelOf(track: ProgramTrack, standings: TrackStanding[], facts: Map<string, PartnerFunnelFacts>, now: Date): Funnel {
  const reachedCount = new Map<LifecycleStage, number>(LIFECYCLE_STAGES.map((s) => [s, 0]));
  const convertedCount = new Map<LifecycleStage, number>(LIFECYCLE_STAGES.map((s) => [s, 0]));
  const stays = LIFECYCLE_STAGES.map((): number[] => []);
  // Reached: by a move, or by being at the stage now.
  const reached = new Map<string, number>();
  for (const [partner, f] of facts) {
    reached.set(partner, f.reached);
    for (const [stage, days] of f.stays) stays[stage]!.push(days);
    for (const stage of LIFECYCLE_STAGES) if (f.converted & bit(stage)) convertedCount.set(stage, convertedCount.get(stage)! + 1);
  }
  const atStage = new Map<LifecycleStage, TrackStanding[]>(LIFECYCLE_STAGES.map((s) => [s, []]));
  for (const s of standings) {
    if (s.track !== track.id) continue;
    reached.set(s.partner, (reached.get(s.partner) ?? 0) | bit(s.stage));
    atStage.get(s.stage)!.push(s);
  }
  for (const mask of reached.values()) for (const stage of LIFECYCLE_STAGES) if (mask & bit(stage)) reachedCount.set(stage, reachedCount.get(stage)! + 1);

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
    const reachedHere = reachedCount.get(stage)!;
    const last = stage === 'optimise' || stage === 'churned';
    const days = median(stays[INDEX.get(stage)!]!);
    return {
      stage,
      count: here.length,
      conversion: last || reachedHere === 0 ? null : round3(convertedCount.get(stage)! / reachedHere),
      medianDays: days === null ? null : Math.round(days * 10) / 10,
      stallLimitDays: limit ?? null,
      stalled,
      stalledCount: over.length,
    };
  });
  return { track: track.id, at: now.toISOString(), stages };
}

