/**
 * What the store's reads take and give beyond the model itself: the pages
 * and filters of its listings, its counts, and a node's neighbours. The API
 * serves them as they are (server/schemas/api.ts re-exports them); the store
 * reads them from here, not from the API's schemas.
 */
import { z } from 'zod';
import { Id, LifecycleStage, NAME_MAX, PartnerType, RelationshipType } from './model.js';

export const PageQuery = z.object({
  cursor: z.string().min(1).max(NAME_MAX).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const PartnerListQuery = PageQuery.extend({
  type: PartnerType.optional(),
  tier: z.string().min(1).max(NAME_MAX).optional(),
  region: z.string().min(1).max(NAME_MAX).optional(),
  segment: z.string().min(1).max(NAME_MAX).optional(),
  capability: z.string().min(1).max(NAME_MAX).optional(),
  stage: LifecycleStage.optional(),
  q: z.string().min(1).max(NAME_MAX).optional(),
});
export type PartnerListQuery = z.infer<typeof PartnerListQuery>;

export const CustomerListQuery = PageQuery.extend({
  region: z.string().min(1).max(NAME_MAX).optional(),
  segment: z.string().min(1).max(NAME_MAX).optional(),
  capability: z.string().min(1).max(NAME_MAX).optional().describe('customers that need this capability'),
  industry: z.string().min(1).max(NAME_MAX).optional(),
  q: z.string().min(1).max(NAME_MAX).optional(),
});
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;

export const RelationshipListQuery = PageQuery.extend({
  type: RelationshipType.optional(),
  node: Id.optional().describe('relationships touching this partner or customer'),
});
export type RelationshipListQuery = z.infer<typeof RelationshipListQuery>;

export const StoreCounts = z.object({
  partners: z.number(),
  customers: z.number(),
  capabilities: z.number(),
  regions: z.number(),
  segments: z.number(),
  deals: z.number(),
  solutions: z.number(),
  relationships: z.number(),
});
export type StoreCounts = z.infer<typeof StoreCounts>;

/** One relationship seen from a node: the other end, the direction and the relationship's properties. */
export const Neighbour = z.object({
  id: z.string(),
  kind: z.enum(['partner', 'customer', 'capability', 'region', 'segment']),
  name: z.string(),
  type: RelationshipType,
  direction: z.enum(['out', 'in']),
  properties: z.record(z.string(), z.unknown()),
});
export type Neighbour = z.infer<typeof Neighbour>;
