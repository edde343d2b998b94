/**
 * Sharing levels and account mapping. A partner key may read and set only
 * its own partner's settings and mapping (the guard checks it, see
 * access/guard.ts); editors and admins set any partner's, viewers read them.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse, IdParams } from '../schemas/api.js';
import { AccountMappingResponse, PRODUCT_DEFAULT_LEVEL, SharingResponse, SharingSettings } from '../schemas/sharing.js';
import { accountMapping } from '../access/visibility.js';
import { InvalidInputError, NotFoundError } from './errors.js';

const tags = ['sharing'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export async function sharingRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { store } = app;

  const settingsOf = async (id: string) => {
    const settings = await store.sharingOf(id);
    if (settings === null) throw new NotFoundError('partner', id);
    return settings;
  };
  const answer = (id: string, settings: Awaited<ReturnType<typeof settingsOf>>): SharingResponse => ({
    partnerId: id,
    default: settings.default ?? PRODUCT_DEFAULT_LEVEL,
    defaultSet: settings.default !== undefined,
    partners: settings.partners ?? {},
  });

  api.get(
    '/api/partners/:id/sharing',
    { schema: { tags, summary: 'What a partner shares with other partners: its default level and the level it set per partner', params: IdParams, response: { 200: SharingResponse, ...errors } } },
    async (request) => answer(request.params.id, await settingsOf(request.params.id)),
  );

  api.put(
    '/api/partners/:id/sharing',
    {
      schema: {
        tags,
        summary: "Replace a partner's sharing settings: its default (absent: hidden) and its level per partner (a partner key: its own only)",
        params: IdParams,
        body: SharingSettings,
        response: { 200: SharingResponse, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      await settingsOf(id);
      const named = Object.keys(request.body.partners ?? {});
      const stored = await store.existingIds('partners', named);
      const bad = named.find((other) => other === id || !stored.has(other));
      if (bad !== undefined) {
        const message = bad === id ? 'a partner does not share with itself' : `no partner with id "${bad}"`;
        throw new InvalidInputError(`body.partners.${bad}: ${message}`, [{ field: `body.partners.${bad}`, message, value: bad }]);
      }
      await app.projection.writing(async () => {
        const { version } = await store.write((w) => w.setSharing([{ partner: id, ...request.body }]));
        // Sharing is not in the projection: it moves to the write's version, its metrics and answers with it.
        app.projection.applyCommitted({}, version);
      });
      return answer(id, await settingsOf(id));
    },
  );

  api.get(
    '/api/partners/:id/account-mapping',
    {
      schema: {
        tags,
        summary: 'Account mapping: per partner that shares with this one, the customers they have in common (a count, or the customers) and, at "everything", all its customers and partners',
        params: IdParams,
        response: { 200: AccountMappingResponse, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const own = await settingsOf(id);
      const [{ projection }, view] = await Promise.all([app.projection.current(), app.visibility.view(id)]);
      return accountMapping(projection.graph, view, own);
    },
  );
}
