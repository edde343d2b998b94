/**
 * Access control over real HTTP on a real server and store: keys and roles,
 * revocation while serving, Host and Origin checks, the rate limit and the
 * audit trail. Keys are made with the same KeyRing the keys CLI uses, on the
 * server's own DATA_DIR, as a second process would.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../access/keys.js';
import type { Role } from '../../schemas/access.js';
import { tinyBundle } from '../../test/fixtures.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore, tempDir } from '../../test/stores.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** Over node:http rather than fetch, which will not send a crafted Host header. */
function call(server: TestServer, method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const sent = httpRequest(server.url + path, { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text === '' ? null : JSON.parse(text) }));
    });
    sent.on('error', reject);
    sent.end(payload);
  });
}

const newPartner = (id: string) => ({ id, name: `Partner ${id}`, types: ['reseller'], regions: ['emea'] });
// It defines its region: a store started empty (seed none) knows none, and an import naming an unknown region is refused.
const smallBundle = (id: string) => ({ version: 1, regions: [{ id: 'emea', name: 'EMEA' }], partners: [newPartner(id)] });

/** The documented error shape, naming the field. */
function expectError(answer: Answer, status: number, field: string) {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  expect(answer.body.details.map((d: { field: string }) => d.field)).toContain(field);
}

describeStore('keys required (AUTH=required on loopback)', () => {
  let server: TestServer;
  let ring: KeyRing;
  const keys = {} as Record<Role | 'other-partner', string>;

  beforeAll(async () => {
    const dataDir = tempDir();
    ring = new KeyRing(dataDir);
    for (const role of ['admin', 'editor', 'viewer'] as const) keys[role] = ring.create({ name: role, role }, 'test').key;
    keys.partner = ring.create({ name: 'acme', role: 'partner', partner: 'p-acme' }, 'test').key;
    server = await startServer({ seed: 'none', dataDir, env: { AUTH: 'required' } });
    expect((await call(server, 'POST', '/api/import', { key: keys.admin, body: tinyBundle() })).status).toBe(200);
  });
  afterAll(() => server.close());

  it('answers each role on each kind of route as the roles table says', async () => {
    let n = 0;
    const routes = {
      read: () => ({ method: 'GET', path: '/api/partners?limit=2' }),
      write: () => ({ method: 'POST', path: '/api/partners', body: newPartner(`p-new-${++n}`) }),
      import: () => ({ method: 'POST', path: '/api/import', body: smallBundle(`p-imp-${++n}`) }),
      keys: () => ({ method: 'GET', path: '/api/keys' }),
      audit: () => ({ method: 'GET', path: '/api/audit' }),
    };
    const expected: Record<'none' | Role, Record<keyof typeof routes, number>> = {
      none: { read: 401, write: 401, import: 401, keys: 401, audit: 401 },
      admin: { read: 200, write: 201, import: 200, keys: 200, audit: 200 },
      editor: { read: 200, write: 201, import: 200, keys: 403, audit: 403 },
      viewer: { read: 200, write: 403, import: 403, keys: 403, audit: 403 },
      partner: { read: 403, write: 403, import: 403, keys: 403, audit: 403 },
    };
    const got: Record<string, Record<string, number>> = {};
    for (const who of Object.keys(expected) as Array<keyof typeof expected>) {
      got[who] = {};
      for (const [kind, route] of Object.entries(routes)) {
        const { method, path, body } = route() as { method: string; path: string; body?: unknown };
        const answer = await call(server, method, path, { ...(who === 'none' ? {} : { key: keys[who] }), ...(body === undefined ? {} : { body }) });
        got[who]![kind] = answer.status;
        if (answer.status === 401 || answer.status === 403) expectError(answer, answer.status, 'headers.authorization');
      }
    }
    expect(got).toEqual(expected);
  });

  it('lets a partner key read its own partner and nothing else', async () => {
    expect((await call(server, 'GET', '/api/partners/p-acme', { key: keys.partner })).status).toBe(200);
    expect((await call(server, 'GET', '/api/partners/p-acme/lifecycle', { key: keys.partner })).status).toBe(200);
    expect((await call(server, 'GET', '/api/nodes/p-acme/neighbourhood', { key: keys.partner })).status).toBe(200);
    expectError(await call(server, 'GET', '/api/partners/p-helix', { key: keys.partner }), 403, 'headers.authorization');
    expectError(await call(server, 'GET', '/api/map', { key: keys.partner }), 403, 'headers.authorization');
    expectError(await call(server, 'PUT', '/api/partners/p-acme', { key: keys.partner, body: newPartner('p-acme') }), 403, 'headers.authorization');
  });

  it('refuses an unknown key and a malformed header with 401', async () => {
    expectError(await call(server, 'GET', '/api/partners', { key: 'eco_not-a-key' }), 401, 'headers.authorization');
    expectError(await call(server, 'GET', '/api/partners', { headers: { authorization: `Basic ${keys.admin}` } }), 401, 'headers.authorization');
  });

  it('refuses a key revoked by another process at once', async () => {
    const { key } = ring.create({ name: 'short-lived', role: 'viewer' }, 'test');
    expect((await call(server, 'GET', '/api/partners', { key })).status).toBe(200);
    // Another KeyRing on the same file: what the keys CLI does while the server runs.
    expect(new KeyRing(server.app.keys.file.replace(/keys\.json$/, '')).revoke('short-lived', 'test')).toBeDefined();
    expectError(await call(server, 'GET', '/api/partners', { key }), 401, 'headers.authorization');
  });

  it('manages keys over the API for admins: the secret once, never a hash', async () => {
    const created = await call(server, 'POST', '/api/keys', { key: keys.admin, body: { name: 'api-made', role: 'editor' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'api-made', role: 'editor', key: expect.stringMatching(/^eco_/) });
    expect((await call(server, 'POST', '/api/partners', { key: created.body.key, body: newPartner('p-by-api-key') })).status).toBe(201);

    const listed = await call(server, 'GET', '/api/keys', { key: keys.admin });
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(created.body.key);
    expect(text).not.toMatch(/"hash"|"key"/);
    expect(listed.body.keys.map((k: { name: string }) => k.name)).toContain('api-made');

    expect((await call(server, 'POST', '/api/keys', { key: keys.admin, body: { name: 'api-made', role: 'viewer' } })).status).toBe(409);
  });

  it('validates key requests: partner keys need a partner that exists', async () => {
    expectError(await call(server, 'POST', '/api/keys', { key: keys.admin, body: { name: 'x', role: 'partner' } }), 400, 'body.partner');
    expectError(await call(server, 'POST', '/api/keys', { key: keys.admin, body: { name: 'x', role: 'partner', partner: 'p-nobody' } }), 400, 'body.partner');
    expectError(await call(server, 'POST', '/api/keys', { key: keys.admin, body: { name: 'x', role: 'owner' } }), 400, 'body.role');
  });

  it('revokes over the API: the key is refused on its next request', async () => {
    const { body } = await call(server, 'POST', '/api/keys', { key: keys.admin, body: { name: 'to-revoke', role: 'viewer' } });
    expect((await call(server, 'GET', '/api/health', { key: body.key })).status).toBe(200);
    const revoked = await call(server, 'DELETE', '/api/keys/to-revoke', { key: keys.admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ name: 'to-revoke', revokedBy: 'admin' });
    expectError(await call(server, 'GET', '/api/health', { key: body.key }), 401, 'headers.authorization');
    expect((await call(server, 'DELETE', '/api/keys/to-revoke', { key: keys.admin })).status).toBe(404);
  });

  it('audits every write with who, when, what and the ids, for admins only', async () => {
    expect((await call(server, 'POST', '/api/partners', { key: keys.editor, body: newPartner('p-audited') })).status).toBe(201);
    expect((await call(server, 'DELETE', '/api/partners/p-audited', { key: keys.editor })).status).toBe(204);
    const { status, body } = await call(server, 'GET', '/api/audit?actor=editor&id=p-audited', { key: keys.admin });
    expect(status).toBe(200);
    const [deleted, created] = body.items;
    expect(created).toMatchObject({ actorName: 'editor', method: 'POST', route: '/api/partners', entities: ['partners'], idsBefore: ['p-audited'], idsAfter: ['p-audited'] });
    expect(deleted).toMatchObject({ actorName: 'editor', method: 'DELETE', route: '/api/partners/:id', entities: ['partners'], idsAfter: ['p-audited'] });
    expect(deleted.seq).toBeGreaterThan(created.seq);
    expect(Date.parse(created.at)).toBeGreaterThan(Date.now() - 60_000);

    // Key management is in the trail too: over the API, and the keys made before the server started (as by the CLI).
    const keyEntries = await call(server, 'GET', '/api/audit?entity=keys&limit=100', { key: keys.admin });
    expect(keyEntries.body.items.map((e: { route: string }) => e.route)).toEqual(expect.arrayContaining(['/api/keys', '/api/keys/:key', 'npm run keys']));
    const made = keyEntries.body.items.filter((e: { method: string }) => e.method === 'CREATE');
    expect(made.map((e: { actorName: string }) => e.actorName)).toEqual(expect.arrayContaining(['test']));
    expect(made.flatMap((e: { idsAfter: string[] }) => e.idsAfter)).toEqual(expect.arrayContaining(server.app.keys.list().filter((k) => ['admin', 'editor', 'viewer', 'acme'].includes(k.name)).map((k) => k.id)));
  });

  it('records nothing for a refused write, and pages the trail', async () => {
    const before = await call(server, 'GET', '/api/audit?limit=500', { key: keys.admin });
    // Passes its schema, fails the store's rules (an unknown end): rolled back, audit entry included.
    expect((await call(server, 'PUT', '/api/relationships', { key: keys.editor, body: { from: 'p-nobody', to: 'p-acme', type: 'RESELLS' } })).status).toBe(400);
    expect((await call(server, 'DELETE', '/api/partners/p-nobody', { key: keys.editor })).status).toBe(404);
    const after = await call(server, 'GET', '/api/audit?limit=500', { key: keys.admin });
    // Key changes made by other KeyRings earlier are recorded as the server notices them: leave them aside.
    const writes = (answer: Answer) => answer.body.items.filter((e: { route: string }) => e.route !== 'npm run keys');
    expect(writes(after)).toEqual(writes(before));

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await call(server, 'GET', `/api/audit?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`, { key: keys.admin });
      seen.push(...page.body.items.map((e: { seq: number }) => e.seq));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(after.body.items.map((e: { seq: number }) => e.seq));
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expectError(await call(server, 'GET', '/api/audit?cursor=bad', { key: keys.admin }), 400, 'querystring.cursor');
  });
});

describeStore('open loopback server (no key file)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ seed: 'none' });
  });
  afterAll(() => server.close());

  it('needs no key, and audits writes as "local"', async () => {
    expect((await call(server, 'POST', '/api/import', { body: tinyBundle() })).status).toBe(200);
    expect((await call(server, 'PUT', '/api/partners/p-acme', { body: newPartner('p-acme') })).status).toBe(200);
    const { status, body } = await call(server, 'GET', '/api/audit?entity=partners');
    expect(status).toBe(200);
    expect(body.items[0]).toMatchObject({ actor: 'local', method: 'PUT', route: '/api/partners/:id', idsAfter: ['p-acme'] });
    const imported = body.items.at(-1);
    expect(imported).toMatchObject({ actor: 'local', route: '/api/import', entities: ['capabilities', 'customers', 'deals', 'partners', 'regions', 'relationships', 'segments', 'solutions'] });
    expect(imported.idsAfter).toEqual(expect.arrayContaining(['p-acme', 'p-helix', 'p-nimbus', 'c-globex', 'p-acme -RESELLS-> p-nimbus']));
    expect(imported.idCount).toBe(imported.idsAfter.length);
  });

  it('audits relationship writes, lifecycle moves and programme changes through the same hook', async () => {
    expect((await call(server, 'PUT', '/api/relationships', { body: { from: 'p-helix', to: 'p-acme', type: 'RESELLS' } })).status).toBeLessThan(300);
    expect((await call(server, 'DELETE', '/api/relationships?from=p-helix&to=p-acme&type=RESELLS')).status).toBe(204);
    expect((await call(server, 'POST', '/api/partners/p-acme/lifecycle', { body: { track: 'services', stage: 'optimise' } })).status).toBe(200);
    expect((await call(server, 'PUT', '/api/programs/tracks/audited', { body: { name: 'Audited' } })).status).toBe(200);
    expect((await call(server, 'DELETE', '/api/programs/tracks/audited')).status).toBe(204);
    const { body } = await call(server, 'GET', '/api/audit?limit=5');
    expect(body.items.map((e: { method: string; route: string; entities: string[]; idsAfter: string[] }) => [e.method, e.route, e.entities, e.idsAfter])).toEqual([
      ['DELETE', '/api/programs/tracks/:id', ['programs'], ['audited']],
      ['PUT', '/api/programs/tracks/:id', ['programs'], ['audited']],
      ['POST', '/api/partners/:id/lifecycle', ['lifecycle'], ['p-acme']],
      ['DELETE', '/api/relationships', ['relationships'], ['p-helix -RESELLS-> p-acme']],
      ['PUT', '/api/relationships', ['relationships'], ['p-helix -RESELLS-> p-acme']],
    ]);
    expect(body.items[1].idsBefore).toEqual(['audited']);
    expect(body.items[3].idsBefore).toEqual(['p-helix', 'p-acme']);
  });

  it('refuses a state-changing request from another origin, a multipart import included', async () => {
    const form = new FormData();
    form.append('bundle', new Blob([JSON.stringify(smallBundle('p-csrf'))], { type: 'application/json' }), 'bundle.json');
    const response = await fetch(`${server.url}/api/import`, { method: 'POST', body: form, headers: { origin: 'http://evil.example' } });
    const answer = { status: response.status, headers: {}, body: await response.json() };
    expectError(answer, 403, 'headers.origin');
    expect(answer.body.message).toContain('http://evil.example');
    expectError(await call(server, 'DELETE', '/api/partners/p-acme', { headers: { origin: 'null' } }), 403, 'headers.origin');
    expect((await call(server, 'GET', '/api/partners/p-csrf')).status).toBe(404);
    expect((await call(server, 'GET', '/api/partners/p-acme')).status).toBe(200);
    // A read from another origin is not refused by Origin: the browser keeps its answer from that page (no CORS headers).
    expect((await call(server, 'GET', '/api/partners/p-acme', { headers: { origin: 'http://evil.example' } })).status).toBe(200);
  });

  it('accepts its own origin', async () => {
    expect((await call(server, 'PUT', '/api/partners/p-nimbus', { body: newPartner('p-nimbus'), headers: { origin: server.url } })).status).toBe(200);
    const port = new URL(server.url).port;
    expect((await call(server, 'PUT', '/api/partners/p-nimbus', { body: newPartner('p-nimbus'), headers: { origin: `http://localhost:${port}`, host: `localhost:${port}` } })).status).toBe(200);
  });

  it('refuses a foreign Host on every request (DNS rebinding), reads included', async () => {
    const answer = await call(server, 'GET', '/api/partners', { headers: { host: 'evil.example' } });
    expectError(answer, 403, 'headers.host');
    expect(answer.body.message).toContain('evil.example');
    expect((await call(server, 'GET', '/api/health', { headers: { host: `localhost:${new URL(server.url).port}` } })).status).toBe(200);
  });

  it('reports the store id, as the import CLI checks it', async () => {
    expect((await call(server, 'GET', '/api/health')).body.storeId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describeStore('configured hosts and the rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ seed: 'none', env: { ALLOWED_HOSTS: 'ecograph.internal', ALLOWED_ORIGINS: 'http://tools.internal:8080', RATE_LIMIT: '5' } });
  });
  afterAll(() => server.close());

  it('accepts ALLOWED_HOSTS and ALLOWED_ORIGINS', async () => {
    expect((await call(server, 'GET', '/api/health', { headers: { host: 'ecograph.internal:3000' } })).status).toBe(200);
    expect((await call(server, 'POST', '/api/import', { body: smallBundle('p-tools'), headers: { origin: 'http://tools.internal:8080' } })).body.mode).toBeDefined();
  });

  it('answers 429 in the error shape past the limit, per key or client', async () => {
    const ring = new KeyRing(server.app.keys.file.replace(/keys\.json$/, ''));
    const key = ring.create({ name: 'busy', role: 'viewer' }, 'test').key;
    let last: Answer | undefined;
    for (let i = 0; i < 6; i++) last = await call(server, 'GET', '/api/health', { key });
    expect(last!.status).toBe(429);
    expect(last!.body).toMatchObject({ error: 'Too Many Requests', message: expect.stringContaining('Rate limit') });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has its own budget.
    const other = ring.create({ name: 'calm', role: 'viewer' }, 'test').key;
    expect((await call(server, 'GET', '/api/health', { key: other })).status).toBe(200);
  });
});

describe('loopback', () => {
  it('names loopback hosts and only them', async () => {
    const { isLoopback } = await import('../../access/guard.js');
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', 'localhost.example.com']) expect(isLoopback(host)).toBe(false);
  });
});
