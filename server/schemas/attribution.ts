/**
 * Multi-partner attribution and ecosystem reports: the records they read, the
 * queries they take and the answers they give.
 */
import { z } from 'zod';
import { Id } from './model.js';

/** One partner's part in a deal, as attribution reads it. */
export interface ParticipationRecord {
  partner: string;
  role: string;
  registeredAt?: string;
  /** The partner's types; the first is its primary type, under which summaries count it. */
  types: string[];
}

/** A deal as attribution and reports read it: one bulk read of the store. */
export interface DealRecord {
  id: string;
  stage: string;
  amount?: number;
  closedAt?: string;
  partners: ParticipationRecord[];
}

export const ATTRIBUTION_MODELS = ['equal', 'role-weighted', 'first-touch', 'last-touch', 'shapley'] as const;
export const AttributionModel = z.enum(ATTRIBUTION_MODELS);
export type AttributionModel = z.infer<typeof AttributionModel>;

/** Role weights of the role-weighted model; a role not listed weighs 1. */
export const DEFAULT_ROLE_WEIGHTS: Readonly<Record<string, number>> = {
  sourcing: 3,
  referral: 2,
  technology: 2,
  delivery: 2,
  operations: 1,
  transaction: 1,
};

/** `sourcing:3,delivery:1.5`: weights that replace the defaults of the roles they name. */
const RoleWeights = z
  .string()
  .max(2000)
  .regex(/^[^:,]+:\d+(\.\d+)?(,[^:,]+:\d+(\.\d+)?)*$/, 'must be role:weight pairs separated by commas, e.g. "sourcing:3,delivery:1.5"')
  .transform((text) => Object.fromEntries(text.split(',').map((pair) => pair.split(':')).map(([role, weight]) => [role!.trim(), Number(weight)])) as Record<string, number>);

const IsoDate = z.iso.datetime({ offset: true });

export const AttributionQuery = z.object({
  model: AttributionModel.default('equal'),
  weights: RoleWeights.optional().describe('role-weighted only: role:weight pairs over the defaults'),
});
export type AttributionQuery = z.infer<typeof AttributionQuery>;

export const AttributionShare = z.object({
  partnerId: z.string(),
  role: z.string(),
  share: z.number(),
  amount: z.number(),
  /** Monte Carlo Shapley only: the standard error of `share`. */
  standardError: z.number().optional(),
});

export const DealAttribution = z.object({
  model: AttributionModel,
  dealId: z.string(),
  amount: z.number(),
  shares: z.array(AttributionShare),
  /** Shapley: exact (subset enumeration) or monte-carlo (seeded permutation sampling). */
  method: z.enum(['exact', 'monte-carlo']).optional(),
  /** Why the shares are what they are when a model fell back (no dates, no lift). */
  note: z.string().optional(),
});
export type DealAttribution = z.infer<typeof DealAttribution>;

export const PeriodQuery = z.object({
  from: IsoDate.optional().describe('closed at or after (ISO 8601)'),
  to: IsoDate.optional().describe('closed before (ISO 8601)'),
});
export type PeriodQuery = z.infer<typeof PeriodQuery>;

export const AttributionSummaryQuery = AttributionQuery.extend(PeriodQuery.shape);
export type AttributionSummaryQuery = z.infer<typeof AttributionSummaryQuery>;

const RevenueRollup = {
  sourcedRevenue: z.number(),
  sourcedDeals: z.number(),
  influencedRevenue: z.number(),
  influencedDeals: z.number(),
  attributedRevenue: z.number(),
};

export const AttributionSummary = z.object({
  model: AttributionModel,
  from: z.string().optional(),
  to: z.string().optional(),
  wonDeals: z.number(),
  wonRevenue: z.number(),
  partners: z.array(z.object({ partnerId: Id, type: z.string(), ...RevenueRollup })),
  partnerTypes: z.array(z.object({ type: z.string(), partners: z.number(), ...RevenueRollup })),
  definitions: z.record(z.string(), z.string()),
});
export type AttributionSummary = z.infer<typeof AttributionSummary>;

export const ReportFigure = z.object({
  id: z.string(),
  label: z.string(),
  value: z.number(),
  unit: z.enum(['amount', 'ratio', 'count']),
  definition: z.string(),
});
export type ReportFigure = z.infer<typeof ReportFigure>;

export const QuarterFigures = z.object({
  quarter: z.string(),
  wonRevenue: z.number(),
  influencedRevenue: z.number(),
  sourcedRevenue: z.number(),
  closedDeals: z.number(),
  multiPartnerDeals: z.number(),
});

export const EcosystemReport = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  figures: z.array(ReportFigure),
  /** Closed deals with a close date, per calendar quarter (UTC), oldest first. */
  byQuarter: z.array(QuarterFigures),
});
export type EcosystemReport = z.infer<typeof EcosystemReport>;
