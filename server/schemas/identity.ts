/** The identity review queue: uncertain matches (same or similar name, no domain) waiting for a person. */
import { z } from 'zod';
import { Id } from './model.js';

export const ReviewStatus = z.enum(['open', 'accepted', 'rejected']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

export const ReviewItem = z.object({
  /** `kind:incoming:candidate`. */
  id: z.string().max(500),
  kind: z.enum(['partner', 'customer']),
  /** The record that arrived and was kept apart. */
  incoming: Id,
  incomingName: z.string().max(500),
  /** The stored (or earlier) record it may be. */
  candidate: Id,
  candidateName: z.string().max(500).optional(),
  /** How similar the normalised names are, 0–1 (1: the same normalised name; see server/import/fuzzy.ts). */
  score: z.number().min(0).max(1).optional(),
  evidence: z.string().max(1000),
  status: ReviewStatus,
  decidedAt: z.string().optional(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

export const ReviewListQuery = z.object({
  status: ReviewStatus.optional(),
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const ReviewDecision = z.object({ decision: z.enum(['accept', 'reject']) });
