/**
 * The ecosystem's data model. Each zod schema here is the single source of a
 * type: the TypeScript type, request validation and the OpenAPI document all
 * come from it, and the web client imports the inferred types.
 */
import { z } from 'zod';

export const PARTNER_TYPES = ['reseller', 'technology', 'service', 'referral', 'msp', 'marketplace'] as const;
export const STANDARD_TIERS = ['registered', 'silver', 'gold', 'platinum'] as const;
export const CAPABILITY_LEVELS = ['basic', 'advanced', 'certified'] as const;
export const LIFECYCLE_STAGES = ['recruit', 'onboard', 'activate', 'grow', 'optimise', 'churned'] as const;
export const SERVE_ROLES = ['resell', 'implement', 'integrate', 'refer', 'manage'] as const;
/** Deal stages that close a deal, won or lost; any other stage is open. The short forms are bundle v1's. */
export const WON_STAGES = ['closed-won', 'won'] as const;
export const LOST_STAGES = ['closed-lost', 'lost'] as const;

/** Partner→partner relationship types. */
export const PARTNER_LINK_TYPES = ['INTEGRATES_WITH', 'IMPLEMENTS', 'RESELLS', 'REFERS_TO', 'CO_SELLS_WITH'] as const;
/** Membership edges: written from a partner's inline lists, never listed separately in a bundle. */
export const MEMBERSHIP_TYPES = ['HAS_CAPABILITY', 'OPERATES_IN', 'SERVES_SEGMENT'] as const;
export const RELATIONSHIP_TYPES = [...PARTNER_LINK_TYPES, 'SERVES', ...MEMBERSHIP_TYPES] as const;

/**
 * A money amount: non-negative and exact in a JavaScript number (at most
 * 2^53 − 1), so that both engines store what was sent; larger values are
 * refused rather than rounded or clamped.
 */
export const Amount = z.number().nonnegative().max(Number.MAX_SAFE_INTEGER, { message: 'must be at most 9007199254740991 (2^53 − 1)' });

export const PartnerType = z.enum(PARTNER_TYPES);
export const CapabilityLevel = z.enum(CAPABILITY_LEVELS);
export const LifecycleStage = z.enum(LIFECYCLE_STAGES);
export const ServeRole = z.enum(SERVE_ROLES);
export const RelationshipType = z.enum(RELATIONSHIP_TYPES);
export type PartnerType = z.infer<typeof PartnerType>;
export type CapabilityLevel = z.infer<typeof CapabilityLevel>;
export type LifecycleStage = z.infer<typeof LifecycleStage>;
export type RelationshipType = z.infer<typeof RelationshipType>;

/**
 * Limits on every field, so that one request cannot hold the server: names
 * and free text at most 500 characters, lists at most 10,000 items (a bundle's
 * sections are row lists and have no such limit; its rows do).
 */
export const NAME_MAX = 500;
export const LIST_MAX = 10_000;
const Name = z.string().trim().min(1, 'must not be empty').max(NAME_MAX, `must be at most ${NAME_MAX} characters`);
/** An array of at most LIST_MAX items. */
export const list = <T extends z.ZodType>(item: T) => z.array(item).max(LIST_MAX, `must have at most ${LIST_MAX} items`);

/** Ids are the ids given at import: short, printable, no surrounding spaces. */
export const Id = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  // Control characters would be stored, then break the Location header and every log line that names the id.
  .regex(/^[^\s/?#\p{Cc}]+$/u, 'must not contain spaces, control characters, "/", "?" or "#"');

const Source = z.string().trim().min(1).max(100);

/**
 * The identity key of a company's web address: lower case, without scheme,
 * "www.", port, path or trailing dot. "https://www.Acme.example/about" and
 * "acme.example" are the same company.
 */
export function normaliseDomain(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^www\./, '')
    .split(/[/?#]/)[0]!
    .replace(/:\d+$/, '')
    .replace(/\.$/, '');
}

const Domain = z.string().trim().min(1, 'must not be empty').max(NAME_MAX, `must be at most ${NAME_MAX} characters`).overwrite(normaliseDomain);
const IsoDate = z.iso.datetime({ offset: true });

export const Capability = z.object({
  id: Id,
  name: Name,
  category: Name.optional(),
});
export type Capability = z.infer<typeof Capability>;

/** Regions and segments are first-class nodes; a bundle may give them as plain strings. */
export const Region = z.object({ id: Id, name: Name.optional() });
export const Segment = z.object({ id: Id, name: Name.optional() });
export type Region = z.infer<typeof Region>;
export type Segment = z.infer<typeof Segment>;

export const PartnerCapability = z.object({
  id: Id,
  level: CapabilityLevel.default('basic'),
  certified: z.boolean().default(false),
});
export type PartnerCapability = z.infer<typeof PartnerCapability>;

/** A program track's name, e.g. "resell" or "cloud-marketplace". */
export const TrackId = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

/** One move of a partner in a track: `from` is absent when the partner entered the track. */
export const LifecycleTransition = z.object({
  track: TrackId,
  at: IsoDate,
  from: LifecycleStage.optional(),
  to: LifecycleStage,
  reason: z.string().trim().min(1).max(1000).optional(),
  /** Who made the move: a person, or the system an import came from. */
  author: z.string().trim().min(1).max(200).optional(),
});
export type LifecycleTransition = z.infer<typeof LifecycleTransition>;

export const Partner = z.object({
  id: Id,
  name: Name,
  /** Web domain, normalised (lower case, no scheme or www.): the key of identity resolution. */
  domain: Domain.optional(),
  types: z.array(PartnerType).min(1, 'a partner plays at least one role').max(PARTNER_TYPES.length * 2, `must have at most ${PARTNER_TYPES.length * 2} items`),
  /** One of registered|silver|gold|platinum, or a program-defined tier name. */
  tier: Name.default('registered'),
  regions: list(Id).default([]),
  segments: list(Id).default([]),
  capabilities: list(PartnerCapability).default([]),
  /** Lifecycle stage per program track, e.g. { "resell": "grow", "cloud": "onboard" }. */
  lifecycle: z
    .record(TrackId, LifecycleStage)
    .refine((tracks) => Object.keys(tracks).length <= LIST_MAX, `must have at most ${LIST_MAX} tracks`)
    .default({}),
  /**
   * The moves that led to `lifecycle`, oldest first. Optional: when given it
   * replaces the stored history; when absent the stored history stays, and a
   * stage that changes is recorded as a new move.
   */
  lifecycleHistory: list(LifecycleTransition).optional(),
  country: Name.optional(),
  size: Name.optional(),
  revenue: Amount.optional(),
  /** Systems this record came from; identity resolution keeps every one. */
  sources: list(Source).default([]),
  /** Ids the same partner had in other systems, folded into this record. */
  aliases: list(Id).default([]),
});
export type Partner = z.infer<typeof Partner>;

export const Customer = z.object({
  id: Id,
  name: Name,
  domain: Domain.optional(),
  segment: Id,
  industry: Name.optional(),
  region: Id,
  /** Capability ids this customer requires: the demand side of gap analysis. */
  needs: list(Id).default([]),
  sources: list(Source).default([]),
  aliases: list(Id).default([]),
});
export type Customer = z.infer<typeof Customer>;

const relationshipBase = {
  from: Id,
  to: Id,
  source: Source.default('import'),
  updatedAt: IsoDate.optional(),
};

/** A relationship as the bundle and the API carry it; membership edges live inline on partners. */
export const Relationship = z.discriminatedUnion('type', [
  z.object({ ...relationshipBase, type: z.enum(PARTNER_LINK_TYPES) }),
  z.object({
    ...relationshipBase,
    type: z.literal('SERVES'),
    role: ServeRole,
    since: Name.optional(),
    annualValue: Amount.optional(),
  }),
]);
export type Relationship = z.infer<typeof Relationship>;

/**
 * Third-party bundles may state memberships as relationships; import folds
 * them into the partner's inline lists, and export writes them back inline.
 */
export const MembershipRelationship = z.discriminatedUnion('type', [
  z.object({ ...relationshipBase, type: z.literal('HAS_CAPABILITY'), level: CapabilityLevel.default('basic'), certified: z.boolean().default(false) }),
  z.object({ ...relationshipBase, type: z.enum(['OPERATES_IN', 'SERVES_SEGMENT']) }),
]);
export type MembershipRelationship = z.infer<typeof MembershipRelationship>;

export const DealPartner = z.object({
  partner: Id,
  role: Name,
  claimedShare: z.number().min(0).max(1).optional(),
  /** When the partner registered its part in the deal (deal registration); optional, newer than bundle v1's first writers. */
  registeredAt: IsoDate.optional(),
});

export const Deal = z.object({
  id: Id,
  customer: Id,
  region: Id,
  needs: list(Id).default([]),
  amount: Amount.optional(),
  /** Free text; `closed-won`/`won` and `closed-lost`/`lost` close the deal (WON_STAGES, LOST_STAGES). */
  stage: Name.default('open'),
  /** When the deal was won or lost; optional, newer than bundle v1. Places the deal in a period for attribution and reports. */
  closedAt: IsoDate.optional(),
  partners: list(DealPartner).default([]),
});
export type Deal = z.infer<typeof Deal>;

export const Solution = z.object({
  id: Id,
  name: Name,
  partners: list(Id).default([]),
  capabilities: list(Id).default([]),
  /** Regions the solution is sold in; optional, newer than bundle v1. Validation checks a member operates in each. */
  regions: list(Id).optional(),
});
export type Solution = z.infer<typeof Solution>;
