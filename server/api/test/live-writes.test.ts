/**
 * Answers that hold while data changes: the map right after writes, every
 * relationship of a pair kept and updated in place, the change counter
 * moving only for writes that change something, and no 500 for odd input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyBundle } from '../../test/fixtures.js';
import { describeStore } from '../../test/stores.js';
import { startServer, type TestServer } from '../../test/server.js';

type MapNode = { id: string; x: number; y: number; community: number };
type MapEdge = { source: string; target: string; types: string[]; roles: string[]; value: number; weight: number };
type MapBody = { nodes: MapNode[]; edges: MapEdge[] };

function client(server: TestServer) {
  const send = (method: string, path: string, body?: unknown) =>
    fetch(server.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const map = async (query = ''): Promise<MapBody> => {
    const response = await send('GET', `/api/map${query}`);
    const body = await response.json();
    if (response.status !== 200) throw new Error(`GET /api/map${query}: ${response.status} ${JSON.stringify(body)}`);
    return body as MapBody;
  };
  const version = async () => ((await (await send('GET', '/api/health')).json()) as { version: number }).version;
  return { send, map, version };
}

describeStore('the map right after writes (demo)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('answers every map after a write, with the new node placed near its neighbour', async () => {
    const { send, map } = client(server);
    const before = await map('?budget=100000');
    const xs = before.nodes.map((n) => n.x);
    const ys = before.nodes.map((n) => n.y);
    const extent = Math.hypot(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
    const anchor = before.nodes.find((n) => n.id.startsWith('p-'))!;
    for (let i = 0; i < 12; i++) {
      const id = `p-live-${i}`;
      expect((await send('POST', '/api/partners', { id, name: `Live ${i}`, types: ['service'] })).status).toBe(201);
      expect((await send('PUT', '/api/relationships', { from: id, to: anchor.id, type: 'IMPLEMENTS' })).status).toBe(200);
      const after = await map('?budget=100000');
      for (const node of after.nodes) expect([node.id, Number.isFinite(node.x) && Number.isFinite(node.y)]).toEqual([node.id, true]);
      const added = after.nodes.find((n) => n.id === id)!;
      const neighbour = after.nodes.find((n) => n.id === anchor.id)!;
      expect(Math.hypot(added.x - neighbour.x, added.y - neighbour.y)).toBeLessThan(0.1 * extent);
      const focused = await map(`?focus=${id}`);
      expect(focused.nodes.map((n) => n.id).sort()).toEqual([anchor.id, id].sort());
      for (const node of focused.nodes) expect(Number.isFinite(node.x)).toBe(true);
    }
  });
});

describeStore('relationships between one pair (tiny bundle)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ seed: 'none' });
    expect((await client(server).send('POST', '/api/import', tinyBundle())).status).toBe(200);
  });
  afterAll(() => server.close());

  const edge = (body: MapBody, a: string, b: string) => body.edges.find((e) => [e.source, e.target].sort().join() === [a, b].sort().join());

  it('keeps every role and value of a partner serving a customer in several roles', async () => {
    const { map } = client(server);
    const served = edge(await map(), 'p-acme', 'c-globex')!;
    expect(served).toMatchObject({ types: ['SERVES'], roles: ['implement', 'resell'], value: 340_000, weight: 2 });
    const partners = edge(await map(), 'p-acme', 'p-nimbus')!;
    expect(partners).toMatchObject({ types: ['RESELLS', 'REFERS_TO'], roles: [], value: 0, weight: 2 });
  });

  it('reflects a changed annual value in the map', async () => {
    const { send, map } = client(server);
    expect((await send('PUT', '/api/relationships', { from: 'p-acme', to: 'c-globex', type: 'SERVES', role: 'implement', annualValue: 100_000 })).status).toBe(200);
    expect(edge(await map(), 'p-acme', 'c-globex')).toMatchObject({ roles: ['implement', 'resell'], value: 190_000, weight: 2 });
    // The same after a rebuild from the store.
    expect((await send('DELETE', '/api/partners/p-nobody-but-real')).status).toBe(404);
    expect((await send('POST', '/api/partners', { id: 'p-gone', name: 'Gone', types: ['msp'] })).status).toBe(201);
    expect((await send('DELETE', '/api/partners/p-gone')).status).toBe(204);
    expect(edge(await map(), 'p-acme', 'c-globex')).toMatchObject({ roles: ['implement', 'resell'], value: 190_000, weight: 2 });
  });

  it('moves the version only for writes that change something', async () => {
    const { send, version } = client(server);
    const start = await version();
    expect((await send('DELETE', '/api/partners/p-unknown')).status).toBe(404);
    expect((await send('DELETE', '/api/customers/c-unknown')).status).toBe(404);
    expect((await send('DELETE', '/api/relationships?from=p-acme&to=p-helix&type=RESELLS')).status).toBe(404);
    const bad = { version: 1, relationships: [{ from: 'p-acme', to: 'p-missing', type: 'RESELLS' }] };
    const partial = await send('POST', '/api/import?mode=partial', bad);
    expect(partial.status).toBe(200);
    expect(((await partial.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    expect(await version()).toBe(start);
    expect((await send('PUT', '/api/relationships', { from: 'p-acme', to: 'p-helix', type: 'RESELLS' })).status).toBe(200);
    expect(await version()).toBe(start + 1);
  });
});

describeStore('odd input answers 4xx, never 500', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ seed: 'none' });
  });
  afterAll(() => server.close());

  const isErrorShape = (body: { error?: unknown; message?: unknown; details?: unknown }) =>
    typeof body.error === 'string' && typeof body.message === 'string' && Array.isArray(body.details);

  it('rejects a malformed multipart body', async () => {
    const { send } = client(server);
    const response = await fetch(`${server.url}/api/import`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="partners.csv"\r\n\r\nid,name\r\np-1,One',
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(isErrorShape(await response.json())).toBe(true);
    expect((await send('GET', '/api/health')).status).toBe(200);
  });

  it('rejects control characters in ids and names the field', async () => {
    const { send } = client(server);
    const response = await send('POST', '/api/partners', { id: 'p-bell\u0007', name: 'Bell', types: ['msp'] });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(isErrorShape(body)).toBe(true);
    expect(body.details.map((d: { field: string }) => d.field)).toContain('body.id');
    expect((await send('GET', '/api/partners?limit=10')).status).toBe(200);
    expect(((await (await send('GET', '/api/partners?limit=10')).json()) as { items: unknown[] }).items).toHaveLength(0);
  });

  it('creates a partner whose id has characters beyond Latin-1, with a percent-encoded Location', async () => {
    const { send } = client(server);
    const id = 'p-łódź-東京';
    const response = await send('POST', '/api/partners', { id, name: 'Łódź Tokyo', types: ['msp'] });
    expect(response.status).toBe(201);
    const location = response.headers.get('location')!;
    expect(location).toBe(`/api/partners/${encodeURIComponent(id)}`);
    expect(((await (await send('GET', location)).json()) as { id: string }).id).toBe(id);
    expect((await send('POST', '/api/partners', { id, name: 'Łódź Tokyo', types: ['msp'] })).status).toBe(409);
  });

  it('reads back a partner whose id has the longest length allowed, in characters of four UTF-8 bytes', async () => {
    const { send } = client(server);
    const id = '𝔭'.repeat(200); // 200 characters, each 12 characters once percent-encoded: 2,400 in the path
    expect((await send('POST', '/api/partners', { id, name: 'Long id', types: ['msp'] })).status).toBe(201);
    const response = await send('GET', `/api/partners/${encodeURIComponent(id)}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }).id).toBe(id);
    expect((await send('DELETE', `/api/partners/${encodeURIComponent(id)}`)).status).toBe(204);
  });
});
