/**
 * Deal registration conflicts: what detection reads, the conflicts it finds,
 * the resolve request and the audit of a resolution.
 */
import { z } from 'zod';
import { Id } from './model.js';

export const CONFLICT_KINDS = ['over-claimed', 'duplicate-registration', 'channel-conflict', 'managed-customer'] as const;
export const ConflictKind = z.enum(CONFLICT_KINDS);
export type ConflictKind = z.infer<typeof ConflictKind>;

export const CONFLICT_STATUSES = ['open', 'resolved'] as const;
export const RESOLUTION_POLICIES = ['first-registered', 'role-split', 'proportional', 'manual'] as const;
export const ResolutionPolicy = z.enum(RESOLUTION_POLICIES);
export type ResolutionPolicy = z.infer<typeof ResolutionPolicy>;

/** One partner's part in one deal as a conflict sees it; null where the store holds no value. */
export const Claim = z.object({
  deal: z.string(),
  partner: z.string(),
  role: z.string(),
  claimedShare: z.number().nullable(),
  registeredAt: z.string().nullable(),
});
export type Claim = z.infer<typeof Claim>;

export const ResolutionAudit = z.object({
  policy: ResolutionPolicy,
  note: z.string().optional(),
  /** Who resolved it: the request's actor, or "api" (the API has no authentication layer). */
  actor: z.string(),
  at: z.string(),
  /** The conflict's claims before and after the policy was applied. */
  before: z.array(Claim),
  after: z.array(Claim),
});
export type ResolutionAudit = z.infer<typeof ResolutionAudit>;

export const Conflict = z.object({
  /** Derived from the kind and the sorted deal and partner ids (and, after a resolution, its instance number): the same after a restart or a re-detection. */
  id: z.string(),
  kind: ConflictKind,
  deals: z.array(z.string()),
  partners: z.array(z.string()),
  /** The value at stake: the deal's amount (the larger one for a duplicate registration); null when no deal in it has an amount. */
  amount: z.number().nullable(),
  evidence: z.string(),
  suggestedResolution: z.string(),
  status: z.enum(CONFLICT_STATUSES),
  claims: z.array(Claim),
  resolution: ResolutionAudit.optional(),
});
export type Conflict = z.infer<typeof Conflict>;

export const ConflictQuery = z.object({
  status: z.enum(CONFLICT_STATUSES).default('open'),
  kind: ConflictKind.optional(),
  partner: Id.optional(),
  deal: Id.optional(),
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ConflictQuery = z.infer<typeof ConflictQuery>;

export const ConflictList = z.object({
  conflicts: z.array(Conflict),
  /** Conflicts matching the filters, before paging. */
  total: z.number(),
  nextCursor: z.string().nullable(),
});

export const ConflictParams = z.object({ id: z.string().trim().min(1).max(200) });

const Share = z.number().min(0).max(1);

export const ResolveRequest = z.object({
  policy: ResolutionPolicy,
  /** Manual policy only: each partner's share of the credit in dispute, adding up to 1. */
  shares: z.record(Id, Share).optional(),
  note: z.string().trim().min(1).max(2000).optional(),
});
export type ResolveRequest = z.infer<typeof ResolveRequest>;

/** A deal as detection reads it: one bulk read of the store. */
export interface ConflictDeal {
  id: string;
  stage: string;
  amount?: number;
  customer: string;
  customerName: string;
  needs: Array<{ id: string; name: string }>;
  partners: Array<{ partner: string; name: string; role: string; claimedShare?: number; registeredAt?: string; types: string[] }>;
}

/** A resolution as stored: the conflict as it stood, and the audit. */
export interface StoredResolution {
  /** The conflict instance's id. */
  id: string;
  /** The id of the conflict's first instance: kind and sorted ids. */
  base: string;
  conflict: Omit<Conflict, 'status' | 'resolution' | 'id' | 'claims'>;
  audit: ResolutionAudit;
}
