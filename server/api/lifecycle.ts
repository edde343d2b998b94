/**
 * A partner's lifecycle: its stage per program track and the moves that led
 * there. A move is checked (planMove) and recorded in one transaction that
 * reads the partner's current stage, so two moves cannot both start from it.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse, IdParams } from '../schemas/api.js';
import { LifecycleMoveRequest, PartnerLifecycle, TrackList } from '../schemas/lifecycle.js';
import { planMove } from '../operations/lifecycle.js';
import { InvalidInputError, NotFoundError } from './errors.js';

export async function lifecycleRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['partners'];
  const errors = { 400: ErrorResponse, 404: ErrorResponse };

  api.get('/api/tracks', { schema: { tags, summary: 'The program tracks partners are or were in', response: { 200: TrackList } } }, async () => ({ tracks: await app.store.tracks() }));

  api.get(
    '/api/partners/:id/lifecycle',
    { schema: { tags, summary: "A partner's stage per track and its lifecycle history", params: IdParams, response: { 200: PartnerLifecycle, ...errors } } },
    async (request) => {
      const lifecycle = await app.store.getLifecycle(request.params.id);
      if (lifecycle === null) throw new NotFoundError('partner', request.params.id);
      return lifecycle;
    },
  );

  api.post(
    '/api/partners/:id/lifecycle',
    {
      schema: {
        tags,
        summary: 'Move a partner to a stage of a track (a move back needs a reason, except to churned)',
        params: IdParams,
        body: LifecycleMoveRequest,
        response: { 200: PartnerLifecycle, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const tracks = new Set(await app.store.tracks());
      return app.projection.writing(async () => {
        const { result: lifecycle, version } = await app.store.write(async (w) => {
          const current = await w.lifecycle(id);
          if (current === null) throw new NotFoundError('partner', id);
          const verdict = planMove(current, tracks, request.body, new Date().toISOString());
          if (!('move' in verdict)) throw new InvalidInputError(`body.${verdict.field}: ${verdict.message}`, [{ field: `body.${verdict.field}`, message: verdict.message }]);
          await w.recordMove(id, verdict.move);
          return (await w.lifecycle(id))!;
        });
        // The analytics read partners' stages: keep the projection current in place rather than rebuilding it.
        const partner = await app.store.getPartner(id);
        app.projection.applyCommitted({ partners: partner === null ? [] : [partner] }, version);
        return lifecycle;
      });
    },
  );
}
