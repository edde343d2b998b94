/**
 * The "ecosystem bundle" v1: the interchange format for import, export and
 * seeds. The envelope is checked first; rows are checked one by one by the
 * importer so that every bad row is reported with its index and field.
 */
import { z } from 'zod';
import { Capability, Customer, Deal, MembershipRelationship, Partner, Region, Relationship, Segment, Solution } from './model.js';
import { ProgramTrack } from './programs.js';
import { SharingRow } from './sharing.js';
import { Conflict, ResolutionAudit } from './conflicts.js';

export const BUNDLE_VERSION = 1;

export const BundleRegion = z.union([z.string(), Region]);
export const BundleSegment = z.union([z.string(), Segment]);
export const BundleRelationship = z.discriminatedUnion('type', [...Relationship.options, ...MembershipRelationship.options]);

/** Each entity list of a bundle with its row schema, in the order import writes them. */
export const BUNDLE_SECTIONS = {
  capabilities: Capability,
  regions: BundleRegion,
  segments: BundleSegment,
  partners: Partner,
  customers: Customer,
  relationships: BundleRelationship,
  deals: Deal,
  solutions: Solution,
  /** Programme tracks with their tiers; optional (bundles from before programmes have none). */
  programs: ProgramTrack,
  /** Each partner's sharing settings (see schemas/sharing.ts); optional (bundles from before sharing have none). */
  sharing: SharingRow,
} as const;
export type BundleSection = keyof typeof BUNDLE_SECTIONS;

/**
 * A conflict resolution with its audit (who, when, the policy, the claims
 * before and after) and the conflict as it stood: the history GET
 * /api/conflicts?status=resolved lists. Optional, and in JSON bundles only
 * (a CSV row has no place for its lists of claims); the shares it wrote
 * travel with the deals.
 */
export const BundleResolution = z.object({
  /** The conflict instance's id. */
  id: z.string().min(1),
  /** The id of the conflict's first instance. */
  base: z.string().min(1),
  conflict: Conflict.omit({ id: true, status: true, claims: true, resolution: true }),
  audit: ResolutionAudit,
});
export type BundleResolution = z.infer<typeof BundleResolution>;

/** What an export yields, batch by batch: the sections, then the resolutions. */
export type ExportSection = BundleSection | 'resolutions';

const rows = z.array(z.unknown()).default([]);
export const BundleEnvelope = z.object({
  version: z.literal(BUNDLE_VERSION, { error: `must be ${BUNDLE_VERSION}` }),
  capabilities: rows,
  regions: rows,
  segments: rows,
  partners: rows,
  customers: rows,
  relationships: rows,
  deals: rows,
  solutions: rows,
  programs: rows,
  sharing: rows,
  resolutions: rows,
});

/** A bundle whose rows are all valid: what export returns and import writes. */
export const Bundle = z.object({
  version: z.literal(BUNDLE_VERSION),
  capabilities: z.array(Capability),
  regions: z.array(Region),
  segments: z.array(Segment),
  partners: z.array(Partner),
  customers: z.array(Customer),
  relationships: z.array(Relationship),
  deals: z.array(Deal),
  solutions: z.array(Solution),
  /** Absent when the store defines no programme, so that such exports stay as they were. */
  programs: z.array(ProgramTrack).optional(),
  /** Absent when no partner set any sharing, so that such exports stay as they were. */
  sharing: z.array(SharingRow).optional(),
  /** Absent when the store holds no resolution. */
  resolutions: z.array(BundleResolution).optional(),
});
export type Bundle = z.infer<typeof Bundle>;
