/**
 * The validated solution catalogue: each solution's status and the checks
 * behind it, the catalogue list with statuses, and the solutions that fit a
 * customer.
 */
import { z } from 'zod';
import { Id, Solution } from './model.js';
import { PageQuery } from './api.js';

export const SOLUTION_STATUSES = ['valid', 'at-risk', 'broken'] as const;
export const SolutionStatus = z.enum(SOLUTION_STATUSES);
export type SolutionStatus = z.infer<typeof SolutionStatus>;

export const SOLUTION_CHECKS = ['members-exist', 'members-active', 'members-integrated', 'capabilities-covered', 'regions-covered'] as const;

export const SolutionCheck = z.object({
  check: z.enum(SOLUTION_CHECKS),
  ok: z.boolean(),
  /** A sentence with names saying what was found. */
  detail: z.string(),
  /** What this check makes the solution when it fails; absent when it passes. */
  failsAs: z.enum(['at-risk', 'broken']).optional(),
});
export type SolutionCheck = z.infer<typeof SolutionCheck>;

export const SolutionMember = z.object({
  partnerId: Id,
  /** Absent for a member that no longer exists. */
  name: z.string().optional(),
  /** technology, service, or the partner's first type. */
  role: z.string().optional(),
  exists: z.boolean(),
  /** Tracks in which the member's stage is churned. */
  churnedIn: z.array(z.string()),
});
export type SolutionMember = z.infer<typeof SolutionMember>;

export const SolutionValidation = z.object({
  solutionId: Id,
  name: z.string(),
  status: SolutionStatus,
  checks: z.array(SolutionCheck),
  members: z.array(SolutionMember),
});
export type SolutionValidation = z.infer<typeof SolutionValidation>;

export const SolutionListQuery = PageQuery.extend({
  status: z.enum(SOLUTION_STATUSES, { error: (issue) => `unknown status "${String(issue.input)}"; one of ${SOLUTION_STATUSES.join(', ')}` }).optional(),
});

export const CatalogueSolution = Solution.extend({ status: SolutionStatus });
export const CataloguePage = z.object({
  items: z.array(CatalogueSolution),
  nextCursor: z.string().nullable(),
  /** Solutions per status in the whole catalogue, before the filter. */
  counts: z.record(SolutionStatus, z.number().int()),
});

export const SolutionFit = z.object({
  solutionId: Id,
  name: z.string(),
  status: SolutionStatus,
  score: z.number(),
  /** Share of the customer's needs the solution provides. */
  coverage: z.number(),
  /** Share of members operating in the customer's region. */
  inRegion: z.number(),
  /** Share of members already serving the customer. */
  serving: z.number(),
  evidence: z.object({
    needsCovered: z.array(z.string()),
    membersInRegion: z.array(z.string()),
    membersServing: z.array(z.string()),
  }),
});
export type SolutionFit = z.infer<typeof SolutionFit>;

export const CustomerSolutions = z.object({
  customerId: Id,
  /** Needs the ranking read: stated by the customer and of its open deals, by name. */
  needs: z.array(z.string()),
  region: z.string(),
  items: z.array(SolutionFit),
  /** Broken solutions that would otherwise fit: left out, since they cannot be sold as they are. */
  excludedBroken: z.array(z.string()),
});
export type CustomerSolutions = z.infer<typeof CustomerSolutions>;
