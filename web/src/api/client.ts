/**
 * The typed API client. Every response is validated against the server's own
 * zod schema, so a contract drift shows up as a clear error in the UI rather
 * than as `undefined` deep inside a panel. Errors carry the server's
 * ErrorResponse message for display.
 */
import { z } from 'zod';
import {
  DealTeamRequest,
  DealTeamResponse,
  EcosystemHealth,
  GapsResponse,
  IntroductionsResponse,
  MapResponse,
  NodeMetrics,
} from '../../../server/schemas/analytics.js';
import { ErrorResponse, HealthResponse, NeighbourhoodResponse, SearchResponse, pageOf } from '../../../server/schemas/api.js';
import { Capability, Customer, Deal, Partner, Region, Segment } from '../../../server/schemas/model.js';
import { DealAttribution, EcosystemReport, type AttributionModel } from '../../../server/schemas/attribution.js';
import { Funnel, ProgramList, TierEvaluationPage } from '../../../server/schemas/programs.js';
import { Conflict, ConflictList, type ResolveRequest } from '../../../server/schemas/conflicts.js';
import { CataloguePage, CustomerSolutions, SolutionValidation } from '../../../server/schemas/solutions.js';
import { Me } from '../../../server/schemas/access.js';
import { AccountMappingResponse, SharingResponse, type SharingSettings } from '../../../server/schemas/sharing.js';
import { askForKey, storedKey } from './key-prompt.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
    readonly details: ReadonlyArray<{ field: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** One line for the user: the server's message plus the first field errors. */
  get display(): string {
    const fields = this.details.slice(0, 3).map((d) => `${d.field}: ${d.message}`);
    return fields.length > 0 ? `${this.message} (${fields.join('; ')})` : this.message;
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.display;
  if (error instanceof Error) return error.message;
  return String(error);
}

type Query = Record<string, string | number | boolean | undefined> | URLSearchParams;

function withQuery(path: string, query?: Query): string {
  if (query === undefined) return path;
  const params = query instanceof URLSearchParams ? query : new URLSearchParams();
  if (!(query instanceof URLSearchParams)) {
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

/**
 * fetch with the stored API key; on 401 asks for a key and tries again with
 * it, until the server accepts one or the user cancels (then the 401 stands).
 * For every call to the API, uploads and downloads included.
 */
export async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  let key = storedKey();
  for (;;) {
    const headers = new Headers(init.headers);
    if (key !== null) headers.set('authorization', `Bearer ${key}`);
    const response = await fetch(url, { ...init, headers });
    if (response.status !== 401) return response;
    const refusal = await response
      .clone()
      .json()
      .then((body: { message?: string }) => body.message ?? 'The server refused the request without a valid key.', () => 'The server refused the request without a valid key.');
    const typed = await askForKey(refusal);
    // Requests refused together share one dialog and retry with its key.
    if (typed === null) return response;
    key = typed;
  }
}

async function request<S extends z.ZodType>(
  schema: S,
  path: string,
  init: { query?: Query; body?: unknown; signal?: AbortSignal; method?: 'PUT' } = {},
): Promise<z.output<S>> {
  const url = withQuery(path, init.query);
  let response: Response;
  try {
    response = await apiFetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: init.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(`Cannot reach the Ecograph server (${errorMessage(error)})`, 0, path);
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = ErrorResponse.safeParse(payload);
    if (parsed.success) throw new ApiError(parsed.data.message, response.status, path, parsed.data.details);
    throw new ApiError(`${path} answered ${response.status} ${response.statusText}`, response.status, path);
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined ? '' : ` at ${first.path.join('.') || '(root)'}: ${first.message}`;
    throw new ApiError(`Unexpected response from ${path}${where}`, response.status, path);
  }
  return parsed.data;
}

const enc = encodeURIComponent;
const CapabilityPage = pageOf(Capability);
const RegionPage = pageOf(Region);
const SegmentPage = pageOf(Segment);
const DealPage = pageOf(Deal);

export type DealTeamInput = z.input<typeof DealTeamRequest>;

/** Follows `nextCursor` to the end: reference lists (capabilities, regions, segments) are small. */
async function all<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages += 1) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return items;
}

export const api = {
  health: (signal?: AbortSignal) => request(HealthResponse, '/api/health', { signal }),
  map: (query: URLSearchParams, signal?: AbortSignal) => request(MapResponse, '/api/map', { query, signal }),
  search: (q: string, limit = 10, signal?: AbortSignal) => request(SearchResponse, '/api/search', { query: { q, limit }, signal }),
  partner: (id: string, signal?: AbortSignal) => request(Partner, `/api/partners/${enc(id)}`, { signal }),
  customer: (id: string, signal?: AbortSignal) => request(Customer, `/api/customers/${enc(id)}`, { signal }),
  neighbourhood: (id: string, signal?: AbortSignal) =>
    request(NeighbourhoodResponse, `/api/nodes/${enc(id)}/neighbourhood`, { signal }),
  metrics: (id: string, signal?: AbortSignal) => request(NodeMetrics, `/api/nodes/${enc(id)}/metrics`, { signal }),
  introductionsFor: (id: string, k = 10, signal?: AbortSignal) =>
    request(IntroductionsResponse, `/api/partners/${enc(id)}/introductions`, { query: { k }, signal }),
  introductions: (k = 10, signal?: AbortSignal) => request(IntroductionsResponse, '/api/introductions', { query: { k }, signal }),
  gaps: (query: { region?: string; segment?: string; capability?: string; limit?: number }, signal?: AbortSignal) =>
    request(GapsResponse, '/api/gaps', { query, signal }),
  dealTeam: (body: DealTeamInput, signal?: AbortSignal) => request(DealTeamResponse, '/api/deals/team', { body, signal }),
  ecosystemHealth: (signal?: AbortSignal) => request(EcosystemHealth, '/api/ecosystem/health', { signal }),
  ecosystemReport: (signal?: AbortSignal) => request(EcosystemReport, '/api/reports/ecosystem', { signal }),
  dealAttribution: (id: string, model: AttributionModel, signal?: AbortSignal) =>
    request(DealAttribution, `/api/deals/${enc(id)}/attribution`, { query: { model }, signal }),
  deals: () => all((cursor) => request(DealPage, '/api/deals', { query: { cursor, limit: 500 } })),
  customerDeals: (customer: string) => all((cursor) => request(DealPage, '/api/deals', { query: { customer, cursor, limit: 500 } })),
  programs: (signal?: AbortSignal) => request(ProgramList, '/api/programs', { signal }),
  tierEvaluation: (query: { track?: string; status?: string; limit?: number }, signal?: AbortSignal) =>
    request(TierEvaluationPage, '/api/tiers/evaluation', { query, signal }),
  funnel: (track: string, signal?: AbortSignal) => request(Funnel, '/api/lifecycle/funnel', { query: { track }, signal }),
  conflicts: (query: { status?: 'open' | 'resolved'; kind?: string; limit?: number }, signal?: AbortSignal) => request(ConflictList, '/api/conflicts', { query, signal }),
  resolveConflict: (id: string, body: ResolveRequest) => request(Conflict, `/api/conflicts/${enc(id)}/resolve`, { body }),
  solutions: (status?: string) => all((cursor) => request(CataloguePage, '/api/solutions', { query: { cursor, status, limit: 500 } })),
  solutionCounts: (signal?: AbortSignal) => request(CataloguePage, '/api/solutions', { query: { limit: 1 }, signal }).then((page) => page.counts),
  solutionValidation: (id: string, signal?: AbortSignal) => request(SolutionValidation, `/api/solutions/${enc(id)}/validation`, { signal }),
  customerSolutions: (id: string, signal?: AbortSignal) => request(CustomerSolutions, `/api/customers/${enc(id)}/solutions`, { signal }),
  capabilities: () => all((cursor) => request(CapabilityPage, '/api/capabilities', { query: { cursor, limit: 500 } })),
  regions: () => all((cursor) => request(RegionPage, '/api/regions', { query: { cursor, limit: 500 } })),
  segments: () => all((cursor) => request(SegmentPage, '/api/segments', { query: { cursor, limit: 500 } })),
  me: (signal?: AbortSignal) => request(Me, '/api/me', { signal }),
  sharing: (id: string, signal?: AbortSignal) => request(SharingResponse, `/api/partners/${enc(id)}/sharing`, { signal }),
  setSharing: (id: string, body: SharingSettings) => request(SharingResponse, `/api/partners/${enc(id)}/sharing`, { body, method: 'PUT' }),
  accountMapping: (id: string, signal?: AbortSignal) => request(AccountMappingResponse, `/api/partners/${enc(id)}/account-mapping`, { signal }),
};
