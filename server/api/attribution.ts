/**
 * Multi-partner attribution and the ecosystem report: thin routes over pure
 * functions of the store's deal records. The records and the coalition
 * statistics of closed deals are read once, then brought forward by each
 * write (server/service/deal-records.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse, IdParams } from '../schemas/api.js';
import { AttributionQuery, AttributionSummary, AttributionSummaryQuery, DealAttribution, EcosystemReport, PeriodQuery } from '../schemas/attribution.js';
import { attributeDeal, attributionSummary } from '../operations/attribution.js';
import { ecosystemReport } from '../operations/reports.js';
import { perVersion } from '../store/per-version.js';
import { NotFoundError } from './errors.js';

export async function attributionRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const current = app.programme.deals;
  // Integration adoption is the report's alone: read per version, apart from the deals.
  const adoption = perVersion(app.store, () => app.store.integrationAdoption());
  const errors = { 400: ErrorResponse, 404: ErrorResponse };

  api.get(
    '/api/deals/:id/attribution',
    {
      schema: {
        tags: ['attribution'],
        summary: "A deal's value split between its partners under one attribution model",
        params: IdParams,
        querystring: AttributionQuery,
        response: { 200: DealAttribution, ...errors },
      },
    },
    async (request) => {
      const data = await current();
      const deal = data.byId.get(request.params.id);
      if (deal === undefined) throw new NotFoundError('deal', request.params.id);
      const { model, weights } = request.query;
      return attributeDeal(deal, model, { stats: data.stats, ...(weights === undefined ? {} : { weights }) });
    },
  );

  api.get(
    '/api/attribution/summary',
    {
      schema: {
        tags: ['attribution'],
        summary: 'Sourced, influenced and attributed revenue per partner and partner type over the won deals of a period',
        querystring: AttributionSummaryQuery,
        response: { 200: AttributionSummary, 400: ErrorResponse },
      },
    },
    async (request) => {
      const data = await current();
      return attributionSummary(data.deals, request.query, data.stats);
    },
  );

  api.get(
    '/api/reports/ecosystem',
    {
      schema: {
        tags: ['reports'],
        summary: 'Ecosystem-influenced and partner-sourced revenue, multi-partner deals and integration adoption, by quarter where dates allow',
        querystring: PeriodQuery,
        response: { 200: EcosystemReport, 400: ErrorResponse },
      },
    },
    async (request) => {
      const [data, adopted] = await Promise.all([current(), adoption()]);
      return ecosystemReport(data.deals, adopted, request.query);
    },
  );
}
