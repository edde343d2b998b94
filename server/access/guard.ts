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
/** What a partner key may read: its own partner's records, by the partner's id in the path. */
const PARTNER_ROUTES = new Set(['/api/partners/:id', '/api/partners/:id/lifecycle', '/api/partners/:id/introductions', '/api/nodes/:id/neighbourhood', '/api/nodes/:id/metrics']);
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

function authorize(request: FastifyRequest, principal: Principal, route: string): void {
  const needed = need(request, route);
  if (!RIGHTS[principal.role].has(needed)) {
    throw new AccessError(403, 'headers.authorization', `a ${principal.role} key may not ${needed === 'admin' ? 'manage keys or read the audit trail' : 'write'}: ${request.method} ${route} needs an ${needed === 'admin' ? 'admin' : 'editor or admin'} key`);
  }
  if (principal.role === 'partner' && route !== '/api/health') {
    const id = (request.params as { id?: unknown } | undefined)?.id;
    if (!PARTNER_ROUTES.has(route) || id !== principal.partner) {
      throw new AccessError(403, 'headers.authorization', `a partner key reads only its own partner's records (${principal.partner}): not ${request.method} ${request.url.split('?')[0]}`);
    }
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
    authorize(request, request.principal, route);
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
