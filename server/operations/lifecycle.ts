/**
 * Lifecycle moves: whether a partner may move to a stage of a track, and the
 * move to record. Stages run recruit → onboard → activate → grow → optimise;
 * `churned` ends them. A move back to an earlier stage (leaving `churned`
 * included) must say why; churning needs no reason.
 */
import type { LifecycleMoveRequest, PartnerLifecycle } from '../schemas/lifecycle.js';
import { LIFECYCLE_STAGES, type LifecycleTransition } from '../schemas/model.js';

export type MoveVerdict = { move: LifecycleTransition } | { field: 'track' | 'stage' | 'reason'; message: string };

/** Checks a requested move against the partner's lifecycle and the program's tracks; `at` is the time of the move. */
export function planMove(current: PartnerLifecycle, tracks: ReadonlySet<string>, request: LifecycleMoveRequest, at: string): MoveVerdict {
  const { track, stage: to, reason, author } = request;
  if (!tracks.has(track)) {
    return { field: 'track', message: `unknown track "${track}"; the program's tracks are ${[...tracks].map((t) => `"${t}"`).join(', ') || 'none yet'}` };
  }
  const from = current.stages[track]?.stage;
  if (from === to) return { field: 'stage', message: `partner "${current.id}" is already at "${to}" in track "${track}"` };
  const backwards = from !== undefined && to !== 'churned' && LIFECYCLE_STAGES.indexOf(to) < LIFECYCLE_STAGES.indexOf(from);
  if (backwards && reason === undefined) return { field: 'reason', message: `a move back from "${from}" to "${to}" needs a reason` };
  return { move: { track, at, ...(from === undefined ? {} : { from }), to, ...(reason === undefined ? {} : { reason }), ...(author === undefined ? {} : { author }) } };
}
