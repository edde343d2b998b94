import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HealthResponse } from '../schemas/api.js';

export async function healthRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/health',
    { schema: { tags: ['health'], summary: 'Liveness, the store in use and what it holds', response: { 200: HealthResponse } } },
    async () => {
      const [counts, version] = await Promise.all([app.store.counts(), app.store.version()]);
      return { status: 'ok' as const, store: app.store.kind, version, counts, storeId: app.storeId };
    },
  );
}
