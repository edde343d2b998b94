/** Shapes of the API's own envelopes: errors, lists, health, search and neighbourhoods. */
import { z } from 'zod';
import { Id, LifecycleStage, NAME_MAX, PartnerType, RelationshipType } from './model.js';

export const ErrorResponse = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() }).catchall(z.unknown())),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const IdParams = z.object({ id: Id });

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

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

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

export const HealthResponse = z.object({
  status: z.literal('ok'),
  store: z.enum(['grafeo', 'neo4j']),
  version: z.number().describe('the store change counter'),
  counts: StoreCounts,
  storeId: z.string().optional().describe('the id made with the store (DATA_DIR/store-id): the import CLI checks it before handing a bundle to this server'),
});

export const SearchQuery = z.object({
  q: z.string().trim().min(1, 'type at least one character').max(NAME_MAX),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const SearchResult = z.object({
  id: z.string(),
  label: z.string(),
  kind: z.enum(['partner', 'customer']),
  types: z.array(z.string()),
  domain: z.string().optional(),
});
export const SearchResponse = z.object({ results: z.array(SearchResult) });

/** One relationship seen from a node: the other end, the direction and the relationship's properties. */
export const Neighbour = z.object({
  id: z.string(),
  kind: z.enum(['partner', 'customer', 'capability', 'region', 'segment']),
  name: z.string(),
  type: RelationshipType,
  direction: z.enum(['out', 'in']),
  properties: z.record(z.string(), z.unknown()),
});
export const NeighbourhoodResponse = z.object({ id: z.string(), neighbours: z.array(Neighbour) });
export type Neighbour = z.infer<typeof Neighbour>;
