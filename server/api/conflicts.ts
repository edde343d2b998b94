/**
 * Deal registration conflicts: the open ones, detected on the store's deals
 * (read in bulk once per store version: server/service/conflict-records.ts),
 * the resolved ones with their audit, and resolving one in a single write
 * transaction.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse } from '../schemas/api.js';
import { Conflict, ConflictList, ConflictParams, ConflictQuery, ResolveRequest, type StoredResolution } from '../schemas/conflicts.js';
import { applyPolicy, baseOf, checkResolveRequest, sameClaims } from '../operations/conflicts.js';
import { nextCursor, offsetOf } from './offset-cursor.js';
import { conflictColumns } from '../export/results.js';
import { answer, nameBook, ResultFormatQuery } from './result-format.js';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js';

export async function conflictRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['conflicts'];
  const current = app.programme.conflicts;

  api.get(
    '/api/conflicts',
    {
      schema: {
        tags,
        summary: 'Deal registration conflicts: over-claimed credit, duplicate registrations, channel conflicts and claims on managed customers; open, or resolved with their audit',
        querystring: ConflictQuery.extend(ResultFormatQuery.shape),
        response: { 200: ConflictList, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const offset = offsetOf(q.cursor);
      const { open, resolved } = await current();
      const matching = (q.status === 'open' ? open : resolved).filter(
        (c) => (q.kind === undefined || c.kind === q.kind) && (q.partner === undefined || c.partners.includes(q.partner)) && (q.deal === undefined || c.deals.includes(q.deal)),
      );
      const next = nextCursor(offset, q.limit, matching.length);
      // The download holds every matching conflict; cursor and limit page the JSON.
      return answer(request, reply, { conflicts: matching.slice(offset, offset + q.limit), total: matching.length, nextCursor: next }, {
        name: 'conflicts',
        rows: () => matching,
        columns: async () => conflictColumns(await nameBook(app.store, (await app.projection.current()).projection)),
      });
    },
  );

  api.post(
    '/api/conflicts/:id/resolve',
    {
      schema: {
        tags,
        summary: 'Resolve a conflict by a policy: writes the claimed shares and the resolution with its audit, in one transaction',
        params: ConflictParams,
        body: ResolveRequest,
        response: { 200: Conflict, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { open, resolved } = await current();
      if (resolved.some((c) => c.id === id)) throw new ConflictError(`conflict "${id}" is already resolved`);
      const conflict = open.find((c) => c.id === id);
      if (conflict === undefined) throw new NotFoundError('open conflict', id);
      const problem = checkResolveRequest(conflict, request.body);
      if (problem !== null) throw new InvalidInputError(`${problem.field}: ${problem.message}`, [problem]);
      const result = await app.projection.writing(async () => {
        const { result, version } = await app.store.write(async (w) => {
          // Checked again inside the transaction, once the deals are held: a concurrent resolve or deal write since the read above wins.
          await w.lockDeals(conflict.deals);
          if (await w.conflictResolved(id)) throw new ConflictError(`conflict "${id}" is already resolved`);
          const stored = await w.claimsOf(conflict.deals);
          const before = stored.filter((c) => conflict.claims.some((x) => x.deal === c.deal && x.partner === c.partner && x.role === c.role));
          if (!sameClaims(before, conflict.claims)) throw new ConflictError(`the deals of conflict "${id}" changed since it was detected; list the conflicts again`);
          const { id: _, status: __, claims: ___, resolution: ____, ...snapshot } = conflict;
          const resolution: StoredResolution = {
            id,
            base: baseOf(id),
            conflict: snapshot,
            audit: {
              policy: request.body.policy,
              ...(request.body.note === undefined ? {} : { note: request.body.note }),
              // The key's name, or "local" on an open loopback server (see server/access/guard.ts).
              actor: request.principal.name,
              at: new Date().toISOString(),
              before,
              after: applyPolicy(conflict, stored, request.body),
            },
          };
          await w.recordResolution(resolution);
          return resolution;
        });
        // The projection's catalogue holds the deals: keep it current in place rather than rebuilding it.
        const deals = (await Promise.all(conflict.deals.map((d) => app.store.getDeal(d)))).filter((d) => d !== null);
        app.projection.applyCommitted({ deals }, version);
        return result;
      });
      return { ...conflict, status: 'resolved' as const, claims: result.audit.after, resolution: result.audit };
    },
  );
}
