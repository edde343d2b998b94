/** Shapes of the API's own envelopes: errors, lists, health, search and neighbourhoods. */
import { z } from 'zod';
import { Id, NAME_MAX } from './model.js';
import { Neighbour, StoreCounts } from './listing.js';

// The store's listings, counts and neighbours, which the API serves as they are.
export { CustomerListQuery, Neighbour, PageQuery, PartnerListQuery, RelationshipListQuery, StoreCounts } from './listing.js';

export const ErrorResponse = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() }).catchall(z.unknown())),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const IdParams = z.object({ id: Id });

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

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

export const NeighbourhoodResponse = z.object({ id: z.string(), neighbours: z.array(Neighbour) });
