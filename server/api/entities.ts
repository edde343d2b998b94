/**
 * CRUD for the ecosystem's entities. Routes only validate, call the store
 * and shape the answer; writes go through writeRows (see write.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CustomerListQuery, ErrorResponse, IdParams, PageQuery, pageOf, PartnerListQuery } from '../schemas/api.js';
import { Capability, Customer, Deal, Id, Partner, Region, Segment, Solution } from '../schemas/model.js';
import type { BundleSection } from '../schemas/bundle.js';
import type { GraphStore } from '../store/graph-store.js';
import type { ReadOptions } from '../store/executor.js';
import { ConflictError, NotFoundError } from './errors.js';
import { writeRows } from './write.js';

/** Deals, all or one customer's: a customer's details asks for its own instead of filtering every deal. */
const DealListQuery = PageQuery.extend({ customer: Id.optional().describe("only this customer's deals (none for an unknown customer)") });

interface Entity<S extends z.ZodObject> {
  /** URL segment and bundle section, e.g. "partners". */
  section: BundleSection & ('partners' | 'customers' | 'capabilities' | 'deals' | 'solutions');
  noun: string;
  schema: S;
  /** Absent when another plugin lists the section (solutions: server/api/solutions.ts, with statuses). */
  list?: (store: GraphStore, query: never) => Promise<{ items: Array<z.infer<S>>; nextCursor: string | null }>;
  listQuery: z.ZodObject;
  /** `options.forWrite` when the read serves a write (see GraphStore.getPartner). */
  get: (store: GraphStore, id: string, options?: ReadOptions) => Promise<z.infer<S> | null>;
}

const ENTITIES = [
  { section: 'partners', noun: 'partner', schema: Partner, listQuery: PartnerListQuery, list: (s, q) => s.listPartners(q), get: (s, id, options) => s.getPartner(id, options) } satisfies Entity<typeof Partner>,
  { section: 'customers', noun: 'customer', schema: Customer, listQuery: CustomerListQuery, list: (s, q) => s.listCustomers(q), get: (s, id, options) => s.getCustomer(id, options) } satisfies Entity<typeof Customer>,
  { section: 'capabilities', noun: 'capability', schema: Capability, listQuery: PageQuery, list: (s, q) => s.list('capabilities', q), get: (s, id) => s.getCapability(id) } satisfies Entity<typeof Capability>,
  {
    section: 'deals',
    noun: 'deal',
    schema: Deal,
    listQuery: DealListQuery,
    list: (s, q: z.infer<typeof DealListQuery>) => (q.customer === undefined ? s.list('deals', q) : s.listDealsOf(q.customer, q)),
    get: (s, id) => s.getDeal(id),
  } satisfies Entity<typeof Deal>,
  { section: 'solutions', noun: 'solution', schema: Solution, listQuery: PageQuery, get: (s, id) => s.getSolution(id) } satisfies Entity<typeof Solution>,
] as Array<Entity<z.ZodObject>>;

const errors = { 400: ErrorResponse, 404: ErrorResponse };
/** A write's own reads (its checks, the record it answers with) skip the queue of ordinary reads. */
const FOR_WRITE: ReadOptions = { forWrite: true };

const CreateQuery = z.object({ merge: z.enum(['true', 'false']).default('false').describe('true: a partner or customer whose domain is stored merges into it instead of answering 409') });

export async function entityRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const store = app.store;

  for (const e of ENTITIES) {
    const tags = [e.section];
    const stored = async (id: string, options?: ReadOptions) => {
      const record = await e.get(store, id, options);
      if (record === null) throw new NotFoundError(e.noun, id);
      return record;
    };

    const list = e.list;
    if (list !== undefined) {
      api.get(`/api/${e.section}`, { schema: { tags, summary: `List ${e.section}`, querystring: e.listQuery, response: { 200: pageOf(e.schema), 400: ErrorResponse } } }, async (request) =>
        list(store, request.query as never),
      );
    }

    api.get(`/api/${e.section}/:id`, { schema: { tags, summary: `Get one ${e.noun}`, params: IdParams, response: { 200: e.schema, ...errors } } }, async (request) =>
      stored(request.params.id),
    );

    api.post(
      `/api/${e.section}`,
      { schema: { tags, summary: `Create a ${e.noun}`, querystring: CreateQuery, body: e.schema, response: { 201: e.schema, 400: ErrorResponse, 409: ErrorResponse } } },
      async (request, response) => {
        const { id, domain } = request.body as { id: string; domain?: string };
        if ((await e.get(store, id, FOR_WRITE)) !== null) throw new ConflictError(`a ${e.noun} with id "${id}" exists: use PUT to replace it`);
        // A create is not a silent merge: the same domain as a stored company is a conflict unless merging is asked for.
        if (domain !== undefined && (e.section === 'partners' || e.section === 'customers') && request.query.merge !== 'true') {
          const existing = (await store.identities(e.section, { ids: [], domains: [domain], names: [] })).find((s) => s.domain === domain);
          if (existing !== undefined) throw new ConflictError(`a ${e.noun} with domain "${domain}" exists: "${existing.id}"; POST with ?merge=true to merge into it`, { existingId: existing.id });
        }
        const report = await writeRows(app, e.section, [request.body]);
        // Identity resolution may have folded the new record into an existing one: answer with what is stored.
        // Percent-encoded: a header carries Latin-1 only, and ids may be any Unicode.
        const keptId = report.merges.find((m) => m.merged.includes(id))?.id ?? id;
        return response.status(201).header('location', `/api/${e.section}/${encodeURIComponent(keptId)}`).send(await stored(keptId, FOR_WRITE));
      },
    );

    api.put(
      `/api/${e.section}/:id`,
      { schema: { tags, summary: `Create or replace a ${e.noun}`, params: IdParams, body: e.schema.omit({ id: true }), response: { 200: e.schema, ...errors } } },
      async (request) => {
        await writeRows(app, e.section, [{ ...(request.body as object), id: request.params.id }]);
        return stored(request.params.id, FOR_WRITE);
      },
    );

    api.delete(`/api/${e.section}/:id`, { schema: { tags, summary: `Delete a ${e.noun} and its relationships`, params: IdParams, response: { 204: z.null(), ...errors } } }, async (request, response) => {
      const { section } = e;
      const id = request.params.id;
      const existed = await app.projection.writing(async () => {
        const { result, version } = await store.write((w) => w.delete(section, id));
        if (result && section !== 'capabilities') app.projection.applyDeleted({ section, id }, version);
        return result;
      });
      if (!existed) throw new NotFoundError(e.noun, id);
      return response.status(204).send(null);
    });
  }

  for (const [section, schema] of [['regions', Region], ['segments', Segment]] as const) {
    api.get(`/api/${section}`, { schema: { tags: ['catalogue'], summary: `List ${section}`, querystring: PageQuery, response: { 200: pageOf(schema), 400: ErrorResponse } } }, async (request) =>
      store.list(section, request.query),
    );
  }
}
