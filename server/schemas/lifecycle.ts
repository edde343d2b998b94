/** A partner's lifecycle as the API reads and moves it: a stage per track, and the moves that led there. */
import { z } from 'zod';
import { LifecycleStage, LifecycleTransition, TrackId } from './model.js';

export const LifecycleMoveRequest = z.object({
  track: TrackId,
  stage: LifecycleStage,
  /** Required for a move back to an earlier stage, except to `churned`. */
  reason: z.string().trim().min(1, 'must not be empty').max(1000).optional(),
  /** Who makes the move; the API has no sign-in, so the caller says. */
  author: z.string().trim().min(1, 'must not be empty').max(200).optional(),
});
export type LifecycleMoveRequest = z.infer<typeof LifecycleMoveRequest>;

export const PartnerLifecycle = z.object({
  id: z.string(),
  /** Per track: the stage and since when the partner is at it. */
  stages: z.record(z.string(), z.object({ stage: LifecycleStage, since: z.string().optional() })),
  /** Every move, oldest first. */
  history: z.array(LifecycleTransition),
});
export type PartnerLifecycle = z.infer<typeof PartnerLifecycle>;

export const TrackList = z.object({ tracks: z.array(z.string()) });
