/**
 * The application as a Fastify plugin tree: external (store) → app
 * (projection, seed) → routes. server.ts only starts it; tests build it with
 * the same function.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { openStore, type GraphStore } from './store/index.js';
import { ProjectionService } from './projection/service.js';
import { ExportCache } from './import/export-cache.js';
import { ProgrammeService } from './service/programme.js';
import { seedIfEmpty } from './import/seed.js';
import { frameworkErrorHandler, registerErrorHandler } from './api/errors.js';
import { healthRoutes } from './api/health.js';
import { entityRoutes } from './api/entities.js';
import { relationshipRoutes } from './api/relationships.js';
import { importExportRoutes, IMPORT_BODY_LIMIT } from './api/import-export.js';
import { analyticsRoutes } from './api/analytics.js';
import { lifecycleRoutes } from './api/lifecycle.js';
import { attributionRoutes } from './api/attribution.js';
import { programRoutes } from './api/programs.js';
import { conflictRoutes } from './api/conflicts.js';
import { solutionRoutes } from './api/solutions.js';
import { registerAccess } from './access/guard.js';
import { accessRoutes } from './api/access.js';
import { ensureStoreId } from './store/store-id.js';
import { identityRoutes } from './api/identity.js';
import { sharingRoutes } from './api/sharing.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: GraphStore;
    projection: ProjectionService;
    programme: ProgrammeService;
    storeId: string;
    exportCache: ExportCache;
  }
}

/** Long enough to upload a large bundle on a slow link; the import itself runs after the body is in. */
export const REQUEST_TIMEOUT_MS = 120_000;

export const WEB_DIST = fileURLToPath(new URL('../dist/web/', import.meta.url));

export async function buildApp(config: Config, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel },
    // Ids in paths are short; the import body is the one large request and sets its own limit.
    bodyLimit: 10 * 1024 * 1024,
    // An id is at most 200 characters, up to 12 once percent-encoded (4 UTF-8 bytes, %XX each): Fastify's default of 100 answered 414 for valid ids.
    routerOptions: { maxParamLength: 2_400 },
    // A client has this long to send a whole request, body included: a slow body cannot hold a connection for ever (408).
    requestTimeout: REQUEST_TIMEOUT_MS,
    frameworkErrors: frameworkErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  const store = await openStore(config);
  app.decorate('store', store);
  app.decorate('storeId', ensureStoreId(config.dataDir));
  app.addHook('onClose', async () => {
    await Promise.all([app.projection.close(), app.programme.close()]);
    await store.close();
  });
  app.decorate('projection', new ProjectionService(store, app.log, path.join(config.dataDir, 'layout.v8')));
  app.decorate('programme', new ProgrammeService(store, config.dataDir, app.log));
  app.decorate('exportCache', new ExportCache(store, config.dataDir));
  await seedIfEmpty(store, config.seed, app.log);
  await store.ensureIdentity();
  await registerAccess(app, config);

  await app.register(fastifyMultipart, { limits: { fileSize: IMPORT_BODY_LIMIT, files: 16 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Ecograph API', description: 'Partner-ecosystem mapping and analytics', version: '1.0.0' },
      tags: [
        { name: 'health' },
        { name: 'partners' },
        { name: 'customers' },
        { name: 'capabilities' },
        { name: 'catalogue', description: 'regions and segments' },
        { name: 'relationships' },
        { name: 'deals' },
        { name: 'solutions' },
        { name: 'import and export' },
        { name: 'map', description: 'the ecosystem map, search and per-node metrics' },
        { name: 'analytics', description: 'gaps, introductions, deal teams and ecosystem health' },
        { name: 'attribution', description: 'multi-partner attribution of deals' },
        { name: 'reports', description: 'ecosystem reports' },
        { name: 'programs', description: 'programme tracks and tiers, tier evaluation and the lifecycle funnel' },
        { name: 'conflicts', description: 'deal registration conflicts and their resolution' },
        { name: 'access', description: 'API keys and the audit trail (admin)' },
        { name: 'sharing', description: 'what partners share with each other, and account mapping' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes);
  await app.register(entityRoutes);
  await app.register(relationshipRoutes);
  await app.register(lifecycleRoutes);
  await app.register(programRoutes);
  await app.register(importExportRoutes);
  await app.register(identityRoutes);
  await app.register(analyticsRoutes);
  await app.register(attributionRoutes);
  await app.register(conflictRoutes);
  await app.register(solutionRoutes);
  await app.register(accessRoutes);
  await app.register(sharingRoutes);

  if (existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false });
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, response) =>
      response.type('text/plain').send('The web app is not built: run "npm run build:web" (npm start does this). The API is at /api, its docs at /docs.'),
    );
  }
  return app;
}
