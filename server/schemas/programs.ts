/**
 * Partner programmes: a track per kind of partner, with its benefits, its
 * ordered tiers and what each tier requires, the deal-registration
 * protection window and how long a partner may stay at each lifecycle stage.
 * Also the shapes of tier evaluation and the lifecycle funnel.
 */
import { z } from 'zod';
import { Amount, Id, LifecycleStage, LIST_MAX, NAME_MAX, PartnerType, TrackId } from './model.js';

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Days = z.number().int().min(1).max(36_500);

/** What a tier asks of a partner, over data the product holds; every part optional, all given must hold. */
export const TierRequirements = z
  .object({
    certifiedCapabilities: Count.optional().describe('at least this many certified capabilities'),
    capabilities: z.array(Id).max(LIST_MAX).optional().describe('these capabilities, each certified'),
    customers: Count.optional().describe('at least this many customers served (SERVES)'),
    annualValue: Amount.optional().describe('at least this annual value served, summed over SERVES'),
    wonDeals: Count.optional().describe('at least this many won deals in the last 12 months'),
    wonAmount: Amount.optional().describe('at least this amount won in the last 12 months'),
    integrations: Count.optional().describe('at least this many INTEGRATES_WITH or IMPLEMENTS relationships from the partner'),
    stage: LifecycleStage.exclude(['churned']).optional().describe('at least this lifecycle stage in the track'),
  })
  .strict();
export type TierRequirements = z.infer<typeof TierRequirements>;
export const REQUIREMENT_KEYS = Object.keys(TierRequirements.shape) as Array<keyof TierRequirements>;

export const Tier = z.object({
  id: Id,
  name: z.string().trim().min(1).max(200).optional(),
  benefits: z.array(z.string().trim().min(1).max(500)).max(LIST_MAX).default([]),
  requirements: TierRequirements.default({}),
});
export type Tier = z.infer<typeof Tier>;

/** Days a partner may stay at a stage before it counts as stalled; stages without a limit never stall. */
export const StallLimits = z.partialRecord(LifecycleStage.exclude(['churned']), Days);

const trackFields = z.object({
  id: TrackId,
  name: z.string().trim().min(1).max(200).optional(),
  /** The kinds of partner the track is for. */
  partnerTypes: z.array(PartnerType).max(LIST_MAX).default([]),
  benefits: z.array(z.string().trim().min(1).max(500)).max(LIST_MAX).default([]),
  /** Days a registered deal is protected from other partners' claims. */
  protectionDays: Days.optional(),
  stallLimits: StallLimits.default({}),
  /** Lowest first. */
  tiers: z.array(Tier).max(LIST_MAX).default([]),
});

function uniqueTiers(track: { tiers: Tier[] }, ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  track.tiers.forEach((tier, index) => {
    if (seen.has(tier.id)) ctx.addIssue({ code: 'custom', path: ['tiers', index, 'id'], message: `tier "${tier.id}" is listed twice` });
    seen.add(tier.id);
  });
}

export const ProgramTrack = trackFields.superRefine(uniqueTiers);
export type ProgramTrack = z.infer<typeof ProgramTrack>;
/** A track as PUT /api/programs/tracks/:id takes it: the id is the path's. */
export const ProgramTrackBody = trackFields.omit({ id: true }).superRefine(uniqueTiers);
export const ProgramList = z.object({ tracks: z.array(ProgramTrack) });
export const TrackParams = z.object({ id: TrackId });

export const TIER_STATUSES = ['ok', 'under-tiered', 'over-tiered'] as const;
export const TierStatus = z.enum(TIER_STATUSES);

export const RequirementCheck = z.object({
  requirement: z.enum(REQUIREMENT_KEYS as [keyof TierRequirements, ...Array<keyof TierRequirements>]),
  required: z.union([z.number(), z.string(), z.array(z.string())]),
  actual: z.union([z.number(), z.string(), z.array(z.string()), z.null()]),
  met: z.boolean(),
});
export type RequirementCheck = z.infer<typeof RequirementCheck>;

export const TierEvaluation = z.object({
  partnerId: z.string(),
  track: z.string(),
  currentTier: z.string(),
  /** The highest tier whose requirements the partner meets; null when it meets none. */
  qualifiedTier: z.string().nullable(),
  status: TierStatus,
  /** The requirements of the tier that explains the status: the qualified tier when under-tiered, the tier held otherwise. */
  requirements: z.array(RequirementCheck),
});
export type TierEvaluation = z.infer<typeof TierEvaluation>;

export const TierEvaluationQuery = z.object({
  track: TrackId.optional(),
  partner: Id.optional(),
  tier: z.string().trim().min(1).max(NAME_MAX).optional().describe("the partner's current tier"),
  status: TierStatus.optional(),
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type TierEvaluationQuery = z.infer<typeof TierEvaluationQuery>;

export const TierEvaluationPage = z.object({
  items: z.array(TierEvaluation),
  /** Evaluations matching the filters, before paging, per status. */
  counts: z.object({ ok: z.number(), 'under-tiered': z.number(), 'over-tiered': z.number() }),
  nextCursor: z.string().nullable(),
});

export const FunnelQuery = z.object({ track: TrackId });

export const StalledPartner = z.object({
  partnerId: z.string(),
  since: z.string(),
  days: z.number(),
  limit: z.number(),
  nextAction: z.string(),
});
export type StalledPartner = z.infer<typeof StalledPartner>;

export const FunnelStage = z.object({
  stage: LifecycleStage,
  /** Partners at the stage now. */
  count: z.number(),
  /** Of the partners that ever reached this stage, the share that moved on to the next one; null when none reached it (or for the last stages). */
  conversion: z.number().nullable(),
  /** Median days spent at the stage by partners that left it; null when none has. */
  medianDays: z.number().nullable(),
  stallLimitDays: z.number().nullable(),
  stalled: z.array(StalledPartner),
  /** Stalled partners in all, when the list is capped. */
  stalledCount: z.number(),
});
export const Funnel = z.object({ track: z.string(), at: z.string(), stages: z.array(FunnelStage) });
export type Funnel = z.infer<typeof Funnel>;
