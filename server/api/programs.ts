/**
 * The partner programme: its tracks and tiers (CRUD), tier evaluation and the
 * lifecycle funnel. Each answer hands records from a few bulk reads of the
 * store, brought forward by each write, to a pure function in server/operations/.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../schemas/api.js';
import { Funnel, FunnelQuery, ProgramList, ProgramTrack, ProgramTrackBody, TierEvaluationPage, TierEvaluationQuery, TrackParams } from '../schemas/programs.js';
import { funnelOf } from '../operations/funnel.js';
import { Id } from '../schemas/model.js';
import { nextCursor, offsetOf } from './offset-cursor.js';
import { trackFunnelFacts } from '../service/program-records.js';
import { todaysTiers } from '../service/tier-records.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { answer, nameBook, ResultFormatQuery } from './result-format.js';
import { tierEvaluationColumns } from '../export/results.js';

const unknown = (field: string, message: string) => new InvalidInputError(`${field}: ${message}`, [{ field, message }]);
const quoted = (ids: string[]) => ids.map((id) => `"${id}"`).join(', ') || 'none';

/** The id a PUT defines a track under: printable like every other id (no spaces, control characters, "/", "?" or "#"), at most 100 characters. */
const TrackPutParams = z.object({ id: Id.max(100, 'must be at most 100 characters') });
const TRACK_FIELDS = Object.keys(ProgramTrackBody.shape);

/**
 * Every field of a track has a default, so `{}` or a misspelt field would define an empty track:
 * the body must set at least one field, and only fields a track has.
 */
async function meaningfulTrackBody(request: { body: unknown }) {
  const body = request.body;
  // Not an object: the schema answers, naming the body.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const fields = Object.keys(body);
  const stray = fields.find((field) => !TRACK_FIELDS.includes(field));
  if (stray !== undefined) throw unknown(`body.${stray}`, `a track has no field "${stray}"; its fields are ${quoted(TRACK_FIELDS)}`);
  if (fields.length === 0) throw unknown('body', `must set at least one of ${quoted(TRACK_FIELDS)}`);
}

export async function programRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['programs'];
  const errors = { 400: ErrorResponse, 404: ErrorResponse };
  // Kept per store version and brought forward by each write (see server/service/program-records.ts), the evaluations with them.
  const records = app.programme.records;

  api.get('/api/programs', { schema: { tags, summary: 'The programme: every track with its benefits, limits and tiers', response: { 200: ProgramList } } }, async () => ({
    tracks: await app.store.programs(),
  }));

  api.put(
    '/api/programs/tracks/:id',
    { preValidation: meaningfulTrackBody, schema: { tags, summary: 'Define or replace a programme track', params: TrackPutParams, body: ProgramTrackBody, response: { 200: ProgramTrack, ...errors } } },
    async (request) => {
      const track: ProgramTrack = { id: request.params.id, ...request.body };
      const named = track.tiers.flatMap((tier, index) => (tier.requirements.capabilities ?? []).map((capability) => ({ index, capability })));
      const known = await app.store.existingIds('capabilities', named.map((n) => n.capability));
      const missing = named.find((n) => !known.has(n.capability));
      if (missing !== undefined) throw unknown(`body.tiers.${missing.index}.requirements.capabilities`, `unknown capability "${missing.capability}"`);
      await app.projection.writing(async () => {
        const { version } = await app.store.write((w) => w.defineTracks([track]));
        // Tracks are not in the projection: it moves to the write's version, its metrics and answers with it.
        app.projection.applyCommitted({}, version);
      });
      return (await app.store.programs()).find((t) => t.id === track.id)!;
    },
  );

  api.delete(
    '/api/programs/tracks/:id',
    { schema: { tags, summary: "Take a track out of the programme (partners' stages in it stay)", params: TrackParams, response: { 204: z.null(), ...errors } } },
    async (request, response) => {
      const existed = await app.projection.writing(async () => {
        const { result, version } = await app.store.write((w) => w.undefineTrack(request.params.id));
        app.projection.applyCommitted({}, version);
        return result;
      });
      if (!existed) throw new NotFoundError('programme track', request.params.id);
      return response.status(204).send(null);
    },
  );

  api.get(
    '/api/tiers/evaluation',
    {
      schema: {
        tags,
        summary: "Each partner's tier in each of its tracks against the tier its data qualifies it for; format=csv downloads every matching evaluation (cursor and limit apply to JSON pages only)",
        querystring: TierEvaluationQuery.extend(ResultFormatQuery.shape),
        response: { 200: TierEvaluationPage, ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const offset = offsetOf(q.cursor);
      // From their own records: after a restart they come back before the rest of the programme's.
      const { programs, all: every } = await todaysTiers(app.programme.tiers, records);
      if (q.track !== undefined && !programs.some((t) => t.id === q.track)) throw unknown('querystring.track', `unknown track "${q.track}"; the programme's tracks are ${quoted(programs.map((t) => t.id))}`);
      const inScope = programs.filter((t) => q.track === undefined || t.id === q.track);
      const tiers = [...new Set(inScope.flatMap((t) => t.tiers.map((tier) => tier.id)))];
      if (q.tier !== undefined && !tiers.includes(q.tier)) throw unknown('querystring.tier', `unknown tier "${q.tier}"; the tiers are ${quoted(tiers)}`);
      if (q.partner !== undefined && (await app.store.existingIds('partners', [q.partner])).size === 0) throw new NotFoundError('partner', q.partner);
      const all = every.filter((e) => (q.track === undefined || e.track === q.track) && (q.partner === undefined || e.partnerId === q.partner) && (q.tier === undefined || e.currentTier === q.tier));
      const counts = { ok: 0, 'under-tiered': 0, 'over-tiered': 0 };
      for (const e of all) counts[e.status] += 1;
      const matching = q.status === undefined ? all : all.filter((e) => e.status === q.status);
      const items = matching.slice(offset, offset + q.limit);
      const next = nextCursor(offset, q.limit, matching.length);
      return answer(request, reply, { items, counts, nextCursor: next }, { name: 'tier-evaluations', rows: () => matching, columns: async () => tierEvaluationColumns(await nameBook(app.store, (await app.projection.current()).projection)) });
    },
  );

  api.get(
    '/api/lifecycle/funnel',
    { schema: { tags, summary: "A track's lifecycle funnel: partners per stage, conversion, median days and stalled partners", querystring: FunnelQuery, response: { 200: Funnel, ...errors } } },
    async (request) => {
      const current = await records();
      const track = current.programs.find((t) => t.id === request.query.track);
      if (track === undefined) throw unknown('querystring.track', `unknown track "${request.query.track}"; the programme's tracks are ${quoted(current.programs.map((t) => t.id))}`);
      return funnelOf(track, current.standings, trackFunnelFacts(current, track.id), new Date());
    },
  );
}
