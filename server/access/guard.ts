/**
 * Access to the API, checked before any route runs (and before a body is
 * read): the Host header (DNS rebinding), the Origin of state-changing
 * requests (CSRF), the key and its role, a rate limit per key; then who is
 * writing is set for the audit trail. Registered first, so it guards every
 * route, the routes of other plugins included.
 */
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import type { Config } from '../config.js';
import type { ApiKey, Role } from '../schemas/access.js';
import { writeContext } from '../store/audit.js';
import { KeyRing } from './keys.js';
import { keyFileAuditor } from './key-audit.js';
import { VisibilityService } from './visibility.js';

/** Who a request acts as: a key, or "local" on an open loopback server. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  partner?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    keys: KeyRing;
    visibility: VisibilityService;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

/** 401 (no or unknown key), 403 (a role that may not, a foreign Host or Origin): the documented error shape names the header. */
export class AccessError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const LOCAL: Principal = { id: 'local', name: 'local', role: 'admin' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** POST routes that only read (a body too rich for a query string). */
const READING_POSTS = new Set(['POST /api/deals/team']);
/**
 * What a partner key may do, route by route; every route not listed is 403.
 * `open`: shared reference data (no partner's records) and who the key is; `own`: the path
 * id must be the key's partner (the sharing PUT is the one write it may
 * make); `own-query`: the `partner` query must be; `customer` / `deal`: a
 * customer or deal in the partner's view (see visibility.ts); `scoped`: the
 * handler answers from the partner's view.
 */
type PartnerScope = 'open' | 'own' | 'own-query' | 'customer' | 'deal' | 'scoped';
export const PARTNER_SCOPES: Readonly<Record<string, PartnerScope>> = {
  'GET /api/health': 'open',
  'GET /api/me': 'open',
  'GET /api/capabilities': 'open',
  'GET /api/capabilities/:id': 'open',
  'GET /api/regions': 'open',
  'GET /api/segments': 'open',
  'GET /api/programs': 'open',
  'GET /api/tracks': 'open',
  'GET /api/partners/:id': 'own',
  'GET /api/partners/:id/lifecycle': 'own',
  'GET /api/partners/:id/introductions': 'own',
  'GET /api/partners/:id/sharing': 'own',
  'PUT /api/partners/:id/sharing': 'own',
  'GET /api/partners/:id/account-mapping': 'own',
  'GET /api/nodes/:id/neighbourhood': 'own',
  'GET /api/nodes/:id/metrics': 'own',
  'GET /api/tiers/evaluation': 'own-query',
  'GET /api/customers/:id': 'customer',
  'GET /api/deals/:id': 'deal',
  'GET /api/deals/:id/attribution': 'deal',
  'POST /api/deals/team': 'scoped',
};
const RIGHTS: Record<Role, ReadonlySet<Need>> = {
  admin: new Set(['read', 'write', 'admin']),
  editor: new Set(['read', 'write']),
  viewer: new Set(['read']),
  partner: new Set(['read']),
};

type Need = 'read' | 'write' | 'admin';

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '[::]';

/** A Host header or host name without its port, IPv6 addresses bracketed. */
function hostOnly(value: string): string {
  const host = value.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  if (isIP(host) === 6) return `[${host}]`;
  return host.split(':')[0]!;
}

/**
 * Hosts a request may name besides loopback: the configured HOST, or, bound
 * to every interface, this machine's name and addresses; and ALLOWED_HOSTS.
 */
function allowedHosts(config: Config): Set<string> {
  const hosts = new Set(config.access.allowedHosts.map(hostOnly));
  if (!isWildcard(config.host)) hosts.add(hostOnly(config.host));
  else {
    hosts.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) hosts.add(hostOnly(a.address));
  }
  return hosts;
}

function need(request: FastifyRequest, route: string): Need {
  if (route.startsWith('/api/keys') || route === '/api/audit') return 'admin';
  if (SAFE_METHODS.has(request.method) || READING_POSTS.has(`${request.method} ${route}`)) return 'read';
  return 'write';
}

function authenticate(request: FastifyRequest, keys: KeyRing, required: boolean): Principal {
  const header = request.headers.authorization;
  if (header === undefined) {
    if (required) throw new AccessError(401, 'headers.authorization', 'this server requires an API key: send "Authorization: Bearer <key>" (create one with npm run keys -- create)');
    return LOCAL;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) throw new AccessError(401, 'headers.authorization', 'the Authorization header must be "Bearer <key>"');
  const key: ApiKey | undefined = keys.authenticate(match[1]!);
  if (key === undefined) throw new AccessError(401, 'headers.authorization', 'the API key is not valid (unknown or revoked)');
  return { id: key.id, name: key.name, role: key.role, ...(key.partner === undefined ? {} : { partner: key.partner }) };
}

async function authorize(request: FastifyRequest, principal: Principal, route: string, visibility: VisibilityService): Promise<void> {
  if (principal.role === 'partner') return authorizePartner(request, principal.partner!, route, visibility);
  const needed = need(request, route);
  if (!RIGHTS[principal.role].has(needed)) {
    throw new AccessError(403, 'headers.authorization', `a ${principal.role} key may not ${needed === 'admin' ? 'manage keys or read the audit trail' : 'write'}: ${request.method} ${route} needs an ${needed === 'admin' ? 'admin' : 'editor or admin'} key`);
  }
}

/** A partner key: its scope for the route (PARTNER_SCOPES), the ids it names checked against the partner's view. */
async function authorizePartner(request: FastifyRequest, partner: string, route: string, visibility: VisibilityService): Promise<void> {
  const scope = PARTNER_SCOPES[`${request.method === 'HEAD' ? 'GET' : request.method} ${route}`];
  const refuse = (what: string) => new AccessError(403, 'headers.authorization', `a partner key (${partner}) ${what}: not ${request.method} ${request.url.split('?')[0]}`);
  if (scope === undefined) throw refuse("reads only its own records and what other partners share with it");
  const id = (request.params as { id?: unknown } | undefined)?.id;
  if (scope === 'own' && id !== partner) throw refuse("reads and sets only its own partner's records");
  if (scope === 'own-query' && (request.query as { partner?: unknown } | undefined)?.partner !== partner) throw refuse(`reads this only for its own partner: add partner=${partner}`);
  if (scope === 'customer' || scope === 'deal') {
    const view = await visibility.view(partner);
    const visible = typeof id === 'string' && (scope === 'deal' ? view.deals : view.customers).has(id);
    // Unknown and invisible ids answer alike, so that a key cannot probe which ids exist.
    if (!visible) throw refuse(scope === 'deal' ? 'reads only the deals its partner takes part in' : 'reads only the customers it serves or that other partners share with it');
  }
}

/** The ids a request names, before identity resolution: path id, body id and ends, relationship key. */
function namedIds(request: FastifyRequest): string[] {
  const ids = new Set<string>();
  for (const source of [request.params, request.body, request.query]) {
    if (typeof source !== 'object' || source === null || Array.isArray(source)) continue;
    for (const field of ['id', 'from', 'to'] as const) {
      const value = (source as Record<string, unknown>)[field];
      if (typeof value === 'string') ids.add(value);
    }
  }
  return [...ids];
}

export async function registerAccess(app: FastifyInstance, config: Config): Promise<void> {
  const auditKeyFile = keyFileAuditor(app.store, () => keys, app.log);
  const keys: KeyRing = new KeyRing(config.dataDir, () => void auditKeyFile());
  // A damaged key file fails start-up, not the first request.
  keys.list();
  // Key changes made with the CLI while no server ran reach the audit trail now.
  await auditKeyFile();
  app.decorate('keys', keys);
  const visibility = new VisibilityService(app.store, app.projection);
  app.decorate('visibility', visibility);
  app.decorateRequest('principal', null as unknown as Principal);
  const required = config.access.auth === 'required' || !isLoopback(config.host);
  if (required && !keys.hasActiveKeys()) app.log.warn(`API keys are required and there are none yet: create one with "npm run keys -- create --role admin --name <you>" (DATA_DIR=${config.dataDir})`);
  const hosts = allowedHosts(config);
  const origins = new Set(config.access.allowedOrigins);

  app.addHook('onRequest', async (request) => {
    const host = hostOnly(request.headers.host ?? '');
    if (!isLoopback(host) && !hosts.has(host)) {
      throw new AccessError(403, 'headers.host', `Host "${request.headers.host ?? ''}" is not this server's: add it to ALLOWED_HOSTS if it is`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !SAFE_METHODS.has(request.method)) {
      const sameOrigin = URL.canParse(origin) && new URL(origin).host === request.headers.host?.toLowerCase();
      if (!sameOrigin && !origins.has(origin.toLowerCase())) throw new AccessError(403, 'headers.origin', `a ${request.method} from origin "${origin}" is refused: only this server's own pages (or ALLOWED_ORIGINS) may change data`);
    }
    // The web app and its docs are public; the API's routes are what keys guard (by route, not by the URL as sent).
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/')) {
      request.principal = LOCAL;
      return;
    }
    request.principal = authenticate(request, keys, required);
    await authorize(request, request.principal, route, visibility);
  });

  await app.register(fastifyRateLimit, {
    max: config.access.rateLimit,
    timeWindow: 60_000,
    keyGenerator: (request) => (request.principal?.id === undefined || request.principal.id === 'local' ? `ip:${request.ip}` : `key:${request.principal.id}`),
  });

  // Set here, after the body is parsed, so that the handler and everything it awaits see it.
  app.addHook('preHandler', (request, _reply, done) => {
    const { principal } = request;
    writeContext.run({ actor: principal.id, actorName: principal.name, method: request.method, route: request.routeOptions.url ?? request.url, idsBefore: namedIds(request) }, done);
  });
}
