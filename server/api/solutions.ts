/**
 * The validated solution catalogue: the list with each solution's status, a
 * solution's validation, and the solutions that fit a customer. The
 * catalogue is validated whole from a few bulk reads, then brought forward by
 * each write (server/service/solution-catalogue.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse, IdParams } from '../schemas/api.js';
import { CataloguePage, CustomerSolutions, SolutionListQuery, SolutionValidation } from '../schemas/solutions.js';
import { rankSolutions } from '../operations/solutions.js';
import { InvalidCursorError } from '../store/graph-store.js';
import { NotFoundError } from './errors.js';

/** The cursor the other lists use: the last id, as base64url JSON. */
function afterId(cursor: string | undefined): string {
  if (cursor === undefined) return '';
  try {
    const id = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof id === 'string') return id;
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidCursorError('cursor is not one this API returned');
}

export async function solutionRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorResponse, 404: ErrorResponse };
  const catalogue = app.programme.catalogue;

  api.get(
    '/api/solutions',
    { schema: { tags: ['solutions'], summary: 'List solutions with their status, optionally of one status', querystring: SolutionListQuery, response: { 200: CataloguePage, 400: ErrorResponse } } },
    async (request) => {
      const q = request.query;
      const after = afterId(q.cursor);
      const { validated } = await catalogue();
      const counts = { valid: 0, 'at-risk': 0, broken: 0 };
      for (const v of validated) counts[v.validation.status] += 1;
      const matching = validated.filter((v) => v.solution.id > after && (q.status === undefined || v.validation.status === q.status));
      const page = matching.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(({ solution: s, validation }) => ({
          id: s.id,
          name: s.name,
          partners: s.partners,
          capabilities: s.capabilities,
          ...(s.regions === undefined ? {} : { regions: s.regions }),
          status: validation.status,
        })),
        nextCursor: matching.length > q.limit && last !== undefined ? Buffer.from(JSON.stringify(last.solution.id)).toString('base64url') : null,
        counts,
      };
    },
  );

  api.get(
    '/api/solutions/:id/validation',
    { schema: { tags: ['solutions'], summary: "A solution's status and the checks behind it", params: IdParams, response: { 200: SolutionValidation, ...errors } } },
    async (request) => {
      const found = (await catalogue()).byId.get(request.params.id);
      if (found === undefined) throw new NotFoundError('solution', request.params.id);
      return found.validation;
    },
  );

  api.get(
    '/api/customers/:id/solutions',
    { schema: { tags: ['solutions', 'customers'], summary: 'The solutions that fit a customer, best first, with evidence', params: IdParams, response: { 200: CustomerSolutions, ...errors } } },
    async (request) => {
      const [customer, { validated, members, names }] = await Promise.all([app.store.customerSolutionContext(request.params.id), catalogue()]);
      if (customer === null) throw new NotFoundError('customer', request.params.id);
      return rankSolutions(customer, validated, members, names);
    },
  );
}
