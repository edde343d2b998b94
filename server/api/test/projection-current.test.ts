/** The projection follows the store: small writes in place, everything else by rebuild on the change counter. */
import { afterAll, beforeAll, expect } from 'vitest';
import { projectBundle } from '../../projection/from-bundle.js';
import { tinyBundle } from '../../test/fixtures.js';
import { catalogueParts, graphContent } from '../../test/graph-content.js';
import { startServer, type TestServer } from '../../test/server.js';
import { itStore } from '../../test/stores.js';

let server: TestServer;
const send = (method: string, path: string, body?: unknown) =>
  fetch(server.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });

beforeAll(async () => {
  server = await startServer({ seed: 'none' });
  expect((await send('POST', '/api/import', tinyBundle())).status).toBe(200);
});
afterAll(async () => {
  await server.close();
});

itStore('applies small writes in place and matches a fresh projection of the store', async () => {
  const before = (await server.app.projection.current()).projection;
  expect(before.version).toBe(await server.app.store.version());

  expect((await send('PUT', '/api/relationships', { from: 'p-nimbus', to: 'c-globex', type: 'SERVES', role: 'manage', annualValue: 5000 })).status).toBe(200);
  expect((await send('POST', '/api/partners', { id: 'p-fresh', name: 'Fresh Partner', types: ['service'], regions: ['emea'], capabilities: [{ id: 'cap-ml' }] })).status).toBe(201);
  expect((await send('PUT', '/api/partners/p-helix', { name: 'Helix AI', types: ['technology', 'marketplace'], tier: 'gold', regions: ['apac'] })).status).toBe(200);

  const after = (await server.app.projection.current()).projection;
  expect(after.graph).toBe(before.graph);
  expect(after.version).toBe(await server.app.store.version());
  const fresh = projectBundle(await server.app.store.exportBundle());
  expect(graphContent(after.graph)).toEqual(graphContent(fresh.graph));
  expect(after.catalogue.regions.sort()).toEqual(fresh.catalogue.regions.sort());
});

itStore('applies deletes in place and matches a fresh projection of the store', async () => {
  const before = (await server.app.projection.current()).projection;
  const matchesTheStore = async () => {
    const now = (await server.app.projection.current()).projection;
    expect(now.graph).toBe(before.graph);
    expect(now.version).toBe(await server.app.store.version());
    const fresh = projectBundle(await server.app.store.exportBundle());
    expect(graphContent(now.graph)).toEqual(graphContent(fresh.graph));
    expect(catalogueParts(now.catalogue)).toEqual(catalogueParts(fresh.catalogue));
  };

  // One role of two between a pair, then a pair's only relationship.
  expect((await send('PUT', '/api/relationships', { from: 'p-acme', to: 'c-initech', type: 'SERVES', role: 'resell', annualValue: 100 })).status).toBe(200);
  expect((await send('PUT', '/api/relationships', { from: 'p-acme', to: 'c-initech', type: 'SERVES', role: 'manage', annualValue: 200 })).status).toBe(200);
  expect((await send('DELETE', '/api/relationships?from=p-acme&to=c-initech&type=SERVES&role=resell')).status).toBe(204);
  expect(before.graph.getEdgeAttributes('p-acme', 'c-initech')).toMatchObject({ roles: ['manage'], value: 200 });
  expect((await send('DELETE', '/api/relationships?from=p-nimbus&to=c-globex&type=SERVES')).status).toBe(204);
  expect(before.graph.hasEdge('p-nimbus', 'c-globex')).toBe(false);
  await matchesTheStore();

  // A partner in a deal and a solution, and one that is in neither.
  expect((await send('DELETE', '/api/partners/p-fresh')).status).toBe(204);
  expect((await send('DELETE', '/api/partners/p-helix')).status).toBe(204);
  expect(before.graph.hasNode('p-helix')).toBe(false);
  expect(catalogueParts(before.catalogue)).toEqual({ deals: [['d-1', 'c-globex', ['p-acme:service']]], solutions: [['s-secure-ml', ['p-acme']]] });
  await matchesTheStore();

  // A deal, a solution, and a customer with its deals.
  expect((await send('PUT', '/api/deals/d-2', { customer: 'c-initech', region: 'apac', needs: ['cap-lake'], stage: 'open', partners: [{ partner: 'p-nimbus', role: 'msp' }] })).status).toBe(200);
  expect((await send('DELETE', '/api/deals/d-2')).status).toBe(204);
  expect((await send('DELETE', '/api/solutions/s-secure-ml')).status).toBe(204);
  expect((await send('DELETE', '/api/customers/c-globex')).status).toBe(204);
  expect(catalogueParts(before.catalogue)).toEqual({ deals: [], solutions: [] });
  await matchesTheStore();

  // A 404 moves nothing; a capability, which any number of records hold or need, is read again.
  expect((await send('DELETE', '/api/partners/p-nobody')).status).toBe(404);
  await matchesTheStore();
  expect((await send('DELETE', '/api/capabilities/cap-lake')).status).toBe(204);
  const rebuilt = (await server.app.projection.current()).projection;
  expect(rebuilt.graph).not.toBe(before.graph);
  expect(graphContent(rebuilt.graph)).toEqual(graphContent(projectBundle(await server.app.store.exportBundle()).graph));
});
