/**
 * Key management and the audit trail, for admins (the guard checks the role).
 * Keys live in DATA_DIR/keys.json (see access/keys.ts), not in the store, so
 * their changes are recorded in the audit trail by a write of their own.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse, pageOf } from '../schemas/api.js';
import { ApiKey, AuditEntry, AuditQuery, CreatedKey, CreateKeyRequest, KeyList, KeyRef, Me } from '../schemas/access.js';
import { writeContext } from '../store/audit.js';
import { KeyError } from '../access/keys.js';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js';

const tags = ['access'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

/** Key changes are audited as writes of the entity type "keys", by whoever the guard found. */
const contextOf = (request: FastifyRequest) => writeContext.getStore() ?? { actor: request.principal.id, actorName: request.principal.name, method: request.method, route: request.routeOptions.url ?? request.url, idsBefore: [] };

export async function accessRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  // Any key may ask who it is: the web app shows a partner key its account mapping instead of the whole map.
  api.get('/api/me', { schema: { tags, summary: 'Who this request acts as: the key’s id, name, role and, for a partner key, its partner', response: { 200: Me, 401: ErrorResponse } } }, async (request) => request.principal);

  api.get('/api/keys', { schema: { tags, summary: 'Every API key, revoked ones included (never a secret or a hash)', response: { 200: KeyList, ...errors } } }, async () => ({ keys: app.keys.list() }));

  api.post(
    '/api/keys',
    { schema: { tags, summary: 'Create an API key: the answer carries the key, once; only its hash is stored', body: CreateKeyRequest, response: { 201: CreatedKey, ...errors, 409: ErrorResponse } } },
    async (request, response) => {
      const { partner } = request.body;
      if (partner !== undefined && (await app.store.getPartner(partner)) === null) {
        throw new InvalidInputError(`body.partner: no partner with id "${partner}"`, [{ field: 'body.partner', message: `no partner with id "${partner}"` }]);
      }
      let created;
      try {
        created = app.keys.create(request.body, request.principal.name);
      } catch (error) {
        if (error instanceof KeyError) throw new ConflictError(error.message);
        throw error;
      }
      await app.store.recordAudit(contextOf(request), 'keys', [created.id]);
      return response.status(201).send(created);
    },
  );

  api.delete(
    '/api/keys/:key',
    { schema: { tags, summary: 'Revoke an API key by id or name: refused at once on every request', params: KeyRef, response: { 200: ApiKey, ...errors, 404: ErrorResponse } } },
    async (request) => {
      const revoked = app.keys.revoke(request.params.key, request.principal.name);
      if (revoked === undefined) throw new NotFoundError('key in force', request.params.key);
      await app.store.recordAudit({ ...contextOf(request), idsBefore: [request.params.key] }, 'keys', [revoked.id]);
      return revoked;
    },
  );

  api.get(
    '/api/audit',
    { schema: { tags, summary: 'The audit trail: every write, who made it, when, on what; newest first', querystring: AuditQuery, response: { 200: pageOf(AuditEntry), ...errors } } },
    async (request) => {
      // Stored times are UTC ISO strings, compared as strings: bring the bounds to the same form.
      const utc = (value: string | undefined) => (value === undefined ? undefined : new Date(value).toISOString());
      return app.store.auditEntries({ ...request.query, since: utc(request.query.since), until: utc(request.query.until) });
    },
  );
}
