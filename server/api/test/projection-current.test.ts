/** The projection follows the store: small writes in place, everything else by rebuild on the change counter. */
import { afterAll, beforeAll, expect } from 'vitest';
import { projectBundle } from '../../projection/from-bundle.js';
import type { EcoGraph } from '../../projection/types.js';
import { tinyBundle } from '../../test/fixtures.js';
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

/** A graph's content, independent of edge keys and insertion order. */
function content(graph: EcoGraph) {
  const nodes = Object.fromEntries(graph.mapNodes((id, a) => [id, a]));
  const edges = graph.mapEdges((_e, a, s, t) => [[s, t].sort().join('~'), [...a.types].sort().join(','), [...a.roles].sort().join(','), a.value, a.relationships.map((f) => `${f.type}>${f.from}:${f.role ?? ''}`).sort().join(',')].join('|')).sort();
  return { nodes, edges };
}

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
  expect(content(after.graph)).toEqual(content(fresh.graph));
  expect(after.catalogue.regions.sort()).toEqual(fresh.catalogue.regions.sort());
});

itStore('rebuilds after a delete', async () => {
  const before = (await server.app.projection.current()).projection;
  expect((await send('DELETE', '/api/partners/p-fresh')).status).toBe(204);
  const after = (await server.app.projection.current()).projection;
  expect(after.graph).not.toBe(before.graph);
  expect(after.graph.hasNode('p-fresh')).toBe(false);
});
