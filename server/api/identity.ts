/** The identity review queue: uncertain matches an import kept apart, for a person to accept or reject. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse, pageOf } from '../schemas/api.js';
import { ReviewDecision, ReviewItem, ReviewListQuery } from '../schemas/identity.js';
import { decideReview, ReviewConflict } from '../import/review.js';
import { ConflictError, NotFoundError } from './errors.js';

const ReviewParams = z.object({ id: z.string().trim().min(1).max(500) });

export async function identityRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['import and export'];

  api.get(
    '/api/identity/review',
    { schema: { tags, summary: 'The identity review queue (uncertain merges), open items by default', querystring: ReviewListQuery, response: { 200: pageOf(ReviewItem), 400: ErrorResponse } } },
    async (request) => app.store.listReviews({ ...request.query, status: request.query.status ?? 'open' }),
  );

  api.post(
    '/api/identity/review/:id',
    {
      schema: {
        tags,
        summary: 'Accept (merge the incoming record into the candidate) or reject (keep both, never ask again) an uncertain match',
        params: ReviewParams,
        body: ReviewDecision,
        response: { 200: ReviewItem, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      let decided;
      try {
        // A rejection changes nothing the projection holds, only its version; a merge deletes the incoming record
        // and writes the one it folds into, with the relationships, deals and solutions moved to it.
        decided = await app.projection.writing(async () => {
          const done = await decideReview(app.store, request.params.id, request.body.decision);
          if (done?.merge !== undefined) app.projection.applyMerged(done.merge.deleted, done.merge.written, done.version);
          else if (done !== null) app.projection.applyCommitted({}, done.version);
          return done;
        });
      } catch (error) {
        if (error instanceof ReviewConflict) throw new ConflictError(error.message);
        throw error;
      }
      if (decided === null) throw new NotFoundError('review item', request.params.id);
      return decided.item;
    },
  );
}
