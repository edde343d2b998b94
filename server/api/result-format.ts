/**
 * Results as downloads: a route that offers CSV adds ResultFormatQuery to its
 * querystring and answers through `answer`, which gives the JSON as before or,
 * with `?format=csv` (or `Accept: text/csv` and no format), a CSV attachment
 * of the rows and columns it is given.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { GraphStore } from '../store/graph-store.js';
import type { Projection } from '../projection/types.js';
import { csvTable, type CsvColumns } from '../export/csv-table.js';
import type { NameBook } from '../export/results.js';

export const ResultFormatQuery = z.object({
  format: z.enum(['json', 'csv']).optional().describe('csv: the results as a CSV download (Content-Disposition: attachment); also chosen by Accept: text/csv when format is absent'),
});

function wantsCsv(request: FastifyRequest): boolean {
  const { format } = (request.query ?? {}) as { format?: string };
  if (format !== undefined) return format === 'csv';
  return /\btext\/csv\b/i.test(request.headers.accept ?? '');
}

/** The result as JSON, or its rows as a CSV attachment named `<name>.csv` when the client asks for CSV. */
export async function answer<T, R>(
  request: FastifyRequest,
  reply: FastifyReply,
  result: T,
  csv: { name: string; rows: (result: T) => Iterable<R>; columns: () => CsvColumns<R> | Promise<CsvColumns<R>> },
): Promise<T | FastifyReply> {
  if (!wantsCsv(request)) return result;
  // Ids may hold any character; a file name keeps the safe ones.
  const file = `${csv.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.csv`;
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file}"`)
    .send(csvTable(await csv.columns(), csv.rows(result)));
}

/** Names for the ids in results: partners and customers from the projection, regions and segments from the store. */
export async function nameBook(store: GraphStore, projection: Projection): Promise<NameBook> {
  const [regions, segments] = await Promise.all([store.list('regions', { limit: 10_000 }), store.list('segments', { limit: 10_000 })]);
  const regionNames = new Map(regions.items.map((r) => [r.id, r.name ?? r.id]));
  const segmentNames = new Map(segments.items.map((s) => [s.id, s.name ?? s.id]));
  const { graph, catalogue } = projection;
  return {
    node: (id) => (graph.hasNode(id) ? graph.getNodeAttribute(id, 'label') : id),
    capability: (id) => catalogue.capabilities.get(id)?.name ?? id,
    region: (id) => regionNames.get(id) ?? id,
    segment: (id) => segmentNames.get(id) ?? id,
  };
}
