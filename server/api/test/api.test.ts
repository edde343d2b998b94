/** The HTTP API, exercised on a real server on 127.0.0.1 over a real embedded store. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleToCsv } from '../../import/csv.js';
import { Bundle } from '../../schemas/bundle.js';
import { tinyBundle } from '../../test/fixtures.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore, TEST_STORE } from '../../test/stores.js';

let server: TestServer;
const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(server.url + path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
};

beforeAll(async () => {
  server = await startServer({ seed: 'none' });
  const imported = await call('POST', '/api/import', tinyBundle());
  expect(imported.status).toBe(200);
});
afterAll(async () => {
  await server.close();
});

describeStore('health and docs', () => {
  it('reports the store kind and counts', async () => {
    const { status, body } = await call('GET', '/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', store: TEST_STORE, counts: { partners: 3, customers: 2, capabilities: 3, deals: 1, solutions: 1 } });
  });

  it('documents every route in OpenAPI at /docs/json and serves the UI at /docs', async () => {
    const { body } = await call('GET', '/docs/json');
    const routes = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const route of [
      'GET /api/health', 'GET /api/partners', 'POST /api/partners', 'GET /api/partners/{id}', 'PUT /api/partners/{id}', 'DELETE /api/partners/{id}',
      'GET /api/customers', 'GET /api/capabilities', 'GET /api/regions', 'GET /api/segments', 'GET /api/deals', 'GET /api/solutions',
      'GET /api/relationships', 'PUT /api/relationships', 'DELETE /api/relationships', 'POST /api/import', 'GET /api/export',
      'GET /api/map', 'GET /api/search', 'GET /api/nodes/{id}/metrics', 'GET /api/nodes/{id}/neighbourhood', 'GET /api/gaps',
      'GET /api/partners/{id}/introductions', 'GET /api/introductions', 'POST /api/deals/team', 'GET /api/ecosystem/health',
    ]) {
      expect(routes).toContain(route);
    }
    expect(body.paths['/api/partners'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['type', 'tier', 'region', 'segment', 'capability', 'stage', 'q', 'cursor', 'limit']));
    const ui = await fetch(`${server.url}/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});

describeStore('CRUD', () => {
  it('lists with filters and pages', async () => {
    const { body } = await call('GET', '/api/partners?region=apac&limit=1');
    expect(body.items.map((p: { id: string }) => p.id)).toEqual(['p-helix']);
    const next = await call('GET', `/api/partners?region=apac&limit=1&cursor=${body.nextCursor}`);
    expect(next.body.items.map((p: { id: string }) => p.id)).toEqual(['p-nimbus']);
  });

  it('creates, replaces and deletes a partner; conflicts and unknown ids have their status', async () => {
    const partner = { id: 'p-new', name: 'New Partner', types: ['referral'], regions: ['emea'], capabilities: [{ id: 'cap-lake', level: 'advanced' }] };
    const created = await call('POST', '/api/partners', partner);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'p-new', tier: 'registered', capabilities: [{ id: 'cap-lake', level: 'advanced', certified: false }] });
    expect((await call('POST', '/api/partners', partner)).status).toBe(409);
    const replaced = await call('PUT', '/api/partners/p-new', { name: 'Renamed', types: ['reseller'] });
    expect(replaced.body).toMatchObject({ name: 'Renamed', types: ['reseller'], capabilities: [] });
    expect((await call('DELETE', '/api/partners/p-new')).status).toBe(204);
    const gone = await call('GET', '/api/partners/p-new');
    expect(gone).toEqual({ status: 404, body: { error: 'Not Found', message: 'no partner with id "p-new"', details: [] } });
    expect((await call('DELETE', '/api/partners/p-new')).status).toBe(404);
  });

  it('creates and deletes relationships; a dangling one is refused', async () => {
    const rel = { from: 'p-nimbus', to: 'c-globex', type: 'SERVES', role: 'refer', annualValue: 1000 };
    expect((await call('PUT', '/api/relationships', rel)).status).toBe(200);
    expect((await call('GET', '/api/relationships?node=c-globex&type=SERVES')).body.items).toHaveLength(4);
    const dangling = await call('PUT', '/api/relationships', { ...rel, to: 'c-nobody' });
    expect(dangling.status).toBe(400);
    expect(dangling.body.details).toEqual([expect.objectContaining({ field: 'body.to', message: 'unknown customer "c-nobody"' })]);
    expect((await call('DELETE', '/api/relationships?from=p-nimbus&to=c-globex&type=SERVES&role=refer')).status).toBe(204);
    expect((await call('DELETE', '/api/relationships?from=p-nimbus&to=c-globex&type=SERVES&role=refer')).status).toBe(404);
  });
});

describeStore('bad input gets a 4xx naming the field, never a 500', () => {
  it.each([
    ['GET', '/api/partners?limit=abc', undefined, 'querystring.limit'],
    ['GET', '/api/partners?type=wizard', undefined, 'querystring.type'],
    ['GET', '/api/partners?cursor=garbage', undefined, 'querystring.cursor'],
    ['GET', '/api/relationships?cursor=LTE', undefined, 'querystring.cursor'],
    ['GET', '/api/relationships?cursor=MS41', undefined, 'querystring.cursor'],
    ['GET', '/api/relationships?cursor=MWUzMDg', undefined, 'querystring.cursor'],
    ['GET', '/api/relationships?cursor=WyJhIiwiYiIsImMiXQ', undefined, 'querystring.cursor'],
    ['GET', '/api/relationships?cursor=garbage', undefined, 'querystring.cursor'],
    ['GET', '/api/relationships?cursor=InAtYWNtZSI', undefined, 'querystring.cursor'],
    ['GET', '/api/partners/has%20space', undefined, 'params.id'],
    ['POST', '/api/partners', { id: 'p-x', name: 'X', types: [] }, 'body.types'],
    ['POST', '/api/partners', { id: 'p-x', name: 'X', types: ['msp'], capabilities: [{ id: 'cap-nope' }] }, 'body.capabilities'],
    ['PUT', '/api/relationships', { from: 'p-acme', to: 'c-globex', type: 'SERVES' }, 'body.role'],
    ['POST', '/api/deals/team', { capabilities: ['cap-ml'] }, 'body.region'],
    ['POST', '/api/deals/team', { region: 'emea' }, 'body.capabilities'],
    ['POST', '/api/deals/team', { region: 'emea', roles: ['service'], include: ['p-nobody'] }, 'body.include'],
    ['POST', '/api/deals/team', { region: 'emea', roles: ['service'], include: ['p-acme'], exclude: ['p-acme'] }, 'body.exclude'],
    ['GET', '/api/map?depth=9', undefined, 'querystring.depth'],
    ['GET', '/api/search?q=', undefined, 'querystring.q'],
    ['POST', '/api/partners', { id: 'p-x', name: 'X', types: ['msp'], revenue: 5e21 }, 'body.revenue'],
    ['PUT', '/api/relationships', { from: 'p-acme', to: 'c-globex', type: 'SERVES', role: 'manage', annualValue: 2 ** 53 }, 'body.annualValue'],
    ['POST', '/api/deals', { id: 'd-x', customer: 'c-globex', region: 'emea', amount: 9007199254740993 }, 'body.amount'],
    ['GET', '/api/map?minDegree=1e30', undefined, 'querystring.minDegree'],
  ])('%s %s', async (method, path, body, field) => {
    const response = await call(method, path, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('Bad Request');
    expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(response.body.message).toContain(field);
  });

  it('refuses numbers past 2^53 rather than storing them clamped or rounded, and stores nothing', async () => {
    const before = await call('GET', '/api/health');
    expect((await call('POST', '/api/partners', { id: 'p-huge', name: 'Huge', types: ['msp'], revenue: 5e21 })).status).toBe(400);
    expect((await call('GET', '/api/partners/p-huge')).status).toBe(404);
    const imported = await call('POST', '/api/import', { version: 1, partners: [{ id: 'p-huge', name: 'Huge', types: ['msp'], revenue: 1e300 }] });
    expect(imported.status).toBe(400);
    expect(imported.body.details).toEqual([expect.objectContaining({ field: 'partners[0].revenue' })]);
    expect((await call('GET', '/api/health')).body).toEqual(before.body);
    // The largest exact amount goes through unchanged.
    expect((await call('POST', '/api/partners', { id: 'p-huge', name: 'Huge', types: ['msp'], revenue: Number.MAX_SAFE_INTEGER })).status).toBe(201);
    expect((await call('GET', '/api/partners/p-huge')).body.revenue).toBe(Number.MAX_SAFE_INTEGER);
    expect((await call('DELETE', '/api/partners/p-huge')).status).toBe(204);
  });

  it('answers malformed JSON with 400 in the same shape', async () => {
    const response = await call('POST', '/api/partners', '{"id": ');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'Bad Request', details: [] });
  });

  it('answers an unknown route with 404 in the same shape', async () => {
    expect(await call('GET', '/api/nothing-here')).toEqual({ status: 404, body: { error: 'Not Found', message: 'no route GET /api/nothing-here', details: [] } });
  });
});

describeStore('import and export over HTTP', () => {
  it('refuses a bundle with bad rows, listing each, and writes nothing', async () => {
    const before = await call('GET', '/api/health');
    const response = await call('POST', '/api/import', { version: 1, partners: [{ id: 'p-1', name: 'One', types: ['msp'] }, { id: 'p-2', types: ['msp'] }] });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ field: 'partners[1].name', section: 'partners', index: 1 })]);
    expect((await call('GET', '/api/health')).body.counts).toEqual(before.body.counts);
  });

  it('writes the good rows in partial mode', async () => {
    const response = await call('POST', '/api/import?mode=partial', { version: 1, partners: [{ id: 'p-1', name: 'One', types: ['msp'] }, { id: 'p-2', types: ['msp'] }] });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ committed: true, written: { partners: 1 }, errors: [expect.objectContaining({ index: 1, field: 'name' })] });
    await call('DELETE', '/api/partners/p-1');
  });

  it('imports CSV files as multipart and exports a bundle that round-trips', async () => {
    const exported = await call('GET', '/api/export');
    const bundle = Bundle.parse(exported.body);
    // Into a fresh embedded store: on Neo4j this also checks the round trip between the engines.
    const copy = await startServer({ seed: 'none', store: 'grafeo' });
    try {
      const form = new FormData();
      for (const [name, text] of Object.entries(bundleToCsv(bundle))) form.append('files', new Blob([text], { type: 'text/csv' }), name);
      const response = await fetch(`${copy.url}/api/import`, { method: 'POST', body: form });
      expect(response.status).toBe(200);
      const again = await (await fetch(`${copy.url}/api/export`)).json();
      expect(again).toEqual(exported.body);
    } finally {
      await copy.close();
    }
  });
});
