/**
 * The analytics endpoints: thin routes over pure functions of the current
 * projection (see projection/service.ts). Each answer carries its evidence.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EcoGraph } from '../projection/types.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse, IdParams, NeighbourhoodResponse, SearchQuery, SearchResponse } from '../schemas/api.js';
import {
  DealTeamRequest,
  DealTeamResponse,
  EcosystemHealth,
  GapsQuery,
  GapsResponse,
  IntroductionsQuery,
  IntroductionsResponse,
  MapQuery,
  MapResponse,
  NodeMetrics,
} from '../schemas/analytics.js';
import { mapSteps } from '../analytics/map.js';
import type { Current } from '../projection/service.js';
import { nodeMetrics } from '../analytics/metrics.js';
import { gapsSteps } from '../analytics/gaps.js';
import { introductionsSteps, topIntroductions } from '../analytics/introductions.js';
import { drain } from '../projection/slices.js';
import { assembleDealTeams } from '../analytics/deal-team.js';
import { ecosystemHealth } from '../analytics/health.js';
import { searchSteps } from '../projection/search.js';
import { AnalyticsInputError } from '../analytics/errors.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { answer, nameBook, ResultFormatQuery } from './result-format.js';
import { dealTeamColumns, gapColumns, introductionColumns, teamRows } from '../export/results.js';

const errors = { 400: ErrorResponse, 404: ErrorResponse };

export async function analyticsRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const current = () => app.projection.current();
  /** A partner key's introductions and deal teams come from what it may see (access/visibility.ts); every other role's from the whole graph. */
  const visibleGraph = async (request: FastifyRequest, whole: EcoGraph) => {
    const { partner } = request.principal;
    return request.principal.role === 'partner' && partner !== undefined ? (await app.visibility.view(partner)).graph : whole;
  };

  api.get(
    '/api/map',
    {
      schema: {
        tags: ['map'],
        summary: 'The ecosystem map: positioned nodes and edges, filtered; aggregated into community super-nodes above the node budget',
        querystring: MapQuery,
        response: { 200: MapResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      // A restarted server answers the overview from its snapshot while the graph is still rebuilt.
      const early = await app.projection.earlyMap(request.query);
      if (early !== undefined) return early;
      const { query } = request;
      // In slices between writes (hundreds of ms at 100,000 partners).
      const map = ({ projection, derived }: Current) => {
        if (query.focus !== undefined && !projection.graph.hasNode(query.focus)) throw new NotFoundError('partner or customer', query.focus);
        return mapSteps(projection.graph, derived, query);
      };
      // Clients showing the whole map (or a community) ask the same few questions: answered once per
      // version, and again once the refined layout replaces the metrics' positions in place.
      return query.focus === undefined ? app.projection.memoCompute(({ derived }) => `map:${derived.layoutPending}:${JSON.stringify(query)}`, map) : app.projection.compute(map);
    },
  );

  api.get('/api/search', { schema: { tags: ['map'], summary: 'Partners and customers by name, id or domain, for the search box', querystring: SearchQuery, response: { 200: SearchResponse, 400: ErrorResponse } } }, async (request) => {
    const { q, limit } = request.query;
    // In slices between writes: the index's first build takes a second at 100,000 partners.
    const results = await app.projection.compute(({ projection }) => searchSteps(projection.graph, q, limit));
    if (results.length < limit) {
      // Domains live in the store, not the lean projection.
      const byDomain = await app.store.listPartners({ q, limit });
      for (const p of byDomain.items) {
        if (results.length >= limit) break;
        if (!results.some((r) => r.id === p.id)) results.push({ id: p.id, label: p.name, kind: 'partner', types: p.types, ...(p.domain === undefined ? {} : { domain: p.domain }) });
      }
    }
    return { results };
  });

  api.get('/api/nodes/:id/neighbourhood', { schema: { tags: ['map'], summary: "A partner's or customer's relationships, with the node at the other end", params: IdParams, response: { 200: NeighbourhoodResponse, ...errors } } }, async (request) => {
    const neighbours = await app.store.neighbourhood(request.params.id);
    if (neighbours === null) throw new NotFoundError('partner or customer', request.params.id);
    return { id: request.params.id, neighbours };
  });

  api.get('/api/nodes/:id/metrics', { schema: { tags: ['map'], summary: 'Centralities, community and structural role of one node', params: IdParams, response: { 200: NodeMetrics, ...errors } } }, async (request) => {
    const { projection, derived } = await current();
    const metrics = nodeMetrics(projection.graph, derived, request.params.id);
    if (metrics === null) throw new NotFoundError('partner or customer', request.params.id);
    const { partner } = request.principal;
    if (request.principal.role !== 'partner' || partner === undefined) return metrics;
    // Which partners share customers with it is account mapping: only those that share at least counts.
    const { shared } = await app.visibility.view(partner);
    return { ...metrics, sharedCustomers: metrics.sharedCustomers.filter((s) => shared.has(s.partnerId)) };
  });

  api.get(
    '/api/gaps',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Capability gaps (capability × segment × region), most severe first, with structural gaps and the coverage matrix; format=csv downloads the gaps',
        querystring: GapsQuery.extend(ResultFormatQuery.shape),
        response: { 200: GapsResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { format: _format, ...query } = request.query;
      // Once per version, in slices between writes (the demand cells' first index takes a second at 100,000 partners).
      const result = await app.projection.memoCompute(() => `gaps:${JSON.stringify(query)}`, ({ projection, derived }) => gapsSteps(projection.graph, projection.catalogue, derived, query));
      const columns = async () => gapColumns(await nameBook(app.store, (await current()).projection));
      return answer(request, reply, result, { name: 'gaps', rows: (r) => r.gaps.map((gap, index) => ({ ...gap, rank: index + 1 })), columns });
    },
  );

  api.get(
    '/api/partners/:id/introductions',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Partners this partner should be introduced to, best first, with the signals behind each; format=csv downloads them',
        params: IdParams,
        querystring: IntroductionsQuery.extend(ResultFormatQuery.shape),
        response: { 200: IntroductionsResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { format: _format, ...query } = request.query;
      const { id } = request.params;
      const { partner } = request.principal;
      const scoped = request.principal.role === 'partner' && partner !== undefined;
      const introductions = ({ projection }: Current, graph = projection.graph) => {
        const node = graph.hasNode(id) ? graph.getNodeAttributes(id) : undefined;
        if (node?.kind === 'customer') throw new InvalidInputError(`params.id: "${id}" is a customer; introductions are between partners`, [{ field: 'params.id', message: 'is a customer, not a partner' }]);
        return introductionsSteps(graph, id, query, {}, projection.catalogue);
      };
      // The whole graph's in slices between writes (tens of ms at 100,000 partners); a partner key's view at once.
      const current = scoped ? await app.projection.current() : undefined;
      const result = current !== undefined ? drain(introductions(current, (await app.visibility.view(partner!)).graph)) : await app.projection.compute(introductions);
      if (result === null) throw new NotFoundError('partner', id);
      const columns = async () => introductionColumns(await nameBook(app.store, (current ?? (await app.projection.current())).projection));
      return answer(request, reply, result, { name: `introductions-${id}`, rows: (r) => r.introductions, columns });
    },
  );

  api.get(
    '/api/introductions',
    {
      schema: {
        tags: ['analytics'],
        summary: 'The best partner-to-partner introductions across the ecosystem; format=csv downloads them',
        querystring: IntroductionsQuery.extend(ResultFormatQuery.shape),
        response: { 200: IntroductionsResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { projection, derived } = await current();
      const { format: _format, ...query } = request.query;
      const result = app.projection.memo(`introductions:${JSON.stringify(query)}`, derived, () => topIntroductions(projection.graph, query, {}, projection.catalogue));
      return answer(request, reply, result, { name: 'introductions', rows: (r) => r.introductions, columns: async () => introductionColumns(await nameBook(app.store, projection)) });
    },
  );

  api.post(
    '/api/deals/team',
    {
      schema: {
        tags: ['analytics', 'deals'],
        summary: 'Assemble partner teams that cover a deal’s capabilities and roles in its region, best first; format=csv downloads them, a line per member',
        querystring: ResultFormatQuery,
        body: DealTeamRequest,
        response: { 200: DealTeamResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { projection } = await current();
      const { customerId } = request.body;
      const graph = await visibleGraph(request, projection.graph);
      if (customerId !== undefined && !(graph.hasNode(customerId) && graph.getNodeAttribute(customerId, 'kind') === 'customer')) {
        throw new NotFoundError('customer', customerId);
      }
      let result: DealTeamResponse;
      try {
        result = assembleDealTeams(graph, request.body, {}, projection.catalogue);
      } catch (error) {
        if (!(error instanceof AnalyticsInputError)) throw error;
        throw new InvalidInputError(`body.${error.field}: ${error.reason}`, [{ field: `body.${error.field}`, message: error.reason }]);
      }
      return answer(request, reply, result, { name: 'deal-teams', rows: (r) => teamRows(r.teams), columns: async () => dealTeamColumns(await nameBook(app.store, projection)) });
    },
  );

  api.get(
    '/api/ecosystem/health',
    { schema: { tags: ['analytics'], summary: 'The ecosystem health score (0–100) and its components', response: { 200: EcosystemHealth } } },
    async () => {
      const { projection, derived } = await current();
      return app.projection.memo('health', derived, () => ecosystemHealth(projection.graph, projection.catalogue, derived));
    },
  );
}
