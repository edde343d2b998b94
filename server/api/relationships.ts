import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse, pageOf, RelationshipListQuery } from '../schemas/api.js';
import { Id, Relationship, RelationshipType } from '../schemas/model.js';
import { NotFoundError } from './errors.js';
import { writeRows } from './write.js';

const RelationshipKey = z.object({
  from: Id,
  to: Id,
  type: RelationshipType,
  role: z.string().min(1).optional().describe('for SERVES: delete only this role'),
});

export async function relationshipRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['relationships'];

  api.get('/api/relationships', { schema: { tags, summary: 'List partner→partner and partner→customer relationships', querystring: RelationshipListQuery, response: { 200: pageOf(Relationship), 400: ErrorResponse } } }, async (request) =>
    app.store.listRelationships(request.query),
  );

  api.put(
    '/api/relationships',
    { schema: { tags, summary: 'Create or update a relationship (both ends must exist)', body: Relationship, response: { 200: Relationship, 400: ErrorResponse } } },
    async (request) => {
      await writeRows(app, 'relationships', [request.body]);
      return request.body;
    },
  );

  api.delete('/api/relationships', { schema: { tags, summary: 'Delete a relationship', querystring: RelationshipKey, response: { 204: z.null(), 400: ErrorResponse, 404: ErrorResponse } } }, async (request, response) => {
    const deleted = await app.projection.writing(async () => {
      const { result, version } = await app.store.write((w) => w.deleteRelationship(request.query));
      if (result > 0) app.projection.applyDeleted({ section: 'relationships', ...request.query }, version);
      return result;
    });
    if (deleted === 0) throw new NotFoundError('relationship', `${request.query.from}-[${request.query.type}]->${request.query.to}`);
    return response.status(204).send(null);
  });
}
