/**
 * The projection and its metrics survive a restart through the snapshot kept
 * beside the store, and only for the store version they were made at.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { MapQuery } from '../../schemas/analytics.js';
import { startServer, type TestServer } from '../../test/server.js';
import { itStore, tempDir } from '../../test/stores.js';

const parent = tempDir();
const dataDir = path.join(parent, 'data');
const snapshot = path.join(dataDir, 'projection.snapshot');
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const get = async (server: TestServer, route: string) => {
  const response = await fetch(server.url + route);
  expect(response.status).toBe(200);
  return response.json();
};
/** What a restart must answer alike: the map, a drill-down, the gaps, health, introductions, and fifty partners' metrics (communities, centralities, structural roles). */
const answers = async (server: TestServer) => {
  const partners = (await get(server, '/api/partners?limit=50')).items.map((p: { id: string }) => p.id);
  return {
    map: await get(server, '/api/map'),
    community: await get(server, '/api/map?community=0'),
    focus: await get(server, '/api/map?focus=p-fresh&depth=1'),
    gaps: await get(server, '/api/gaps'),
    health: await get(server, '/api/ecosystem/health'),
    introductions: await get(server, '/api/partners/p-keystone-distribution/introductions?k=5'),
    metrics: await Promise.all(['p-fresh', ...partners].map((id) => get(server, `/api/nodes/${id}/metrics`))),
  };
};

itStore('restarts from the snapshot of the same version, from the one saved as the server stopped after a write, and from the store with an older or damaged snapshot', async () => {
  let server = await startServer({ dataDir });
  const created = await fetch(`${server.url}/api/partners`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'p-fresh', name: 'Fresh Partner', types: ['service'] }),
  });
  expect(created.status).toBe(201);
  await get(server, '/api/map');
  await server.app.projection.settled();
  expect(existsSync(snapshot)).toBe(true);
  const before = await answers(server);
  // Not a vacuous comparison: several communities, and some articulation points.
  expect(new Set(before.metrics.map((m: { community: number }) => m.community)).size).toBeGreaterThan(1);
  expect(before.metrics.some((m: { isArticulationPoint: boolean }) => m.isArticulationPoint)).toBe(true);
  await server.close();

  // Same store version: the overview answered from the snapshot before the graph is rebuilt, then restored, and every answer alike.
  server = await startServer({ dataDir, wipe: false });
  const early = await server.app.projection.earlyMap(MapQuery.parse({}));
  expect(early).toBeDefined();
  expect(JSON.parse(JSON.stringify(early))).toEqual(before.map);
  expect(await answers(server)).toEqual(before);
  expect(await server.app.projection.earlyMap(MapQuery.parse({}))).toBeUndefined();
  // Now from the restored projection.
  expect(await get(server, '/api/map')).toEqual(before.map);
  expect(server.app.projection.lastBuild?.from).toBe('snapshot');

  // A write, and the server stopped at once, before the new version's metrics are derived and saved: it saves the
  // projection as it stops, with the metrics it has, and the restart starts from that.
  const beforeWrite = readFileSync(snapshot);
  const send = (method: string, route: string, body: unknown) =>
    fetch(server.url + route, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((response) => response.status);
  const [first, second] = (await get(server, '/api/partners?limit=2')).items.map((p: { id: string }) => p.id);
  expect(await send('PUT', '/api/relationships', { from: 'p-fresh', to: first, type: 'CO_SELLS_WITH' })).toBe(200);
  // A partner the metrics do not know yet, and one they know that is gone.
  expect(await send('POST', '/api/partners', { id: 'p-late', name: 'Late Partner', types: ['service'] })).toBe(201);
  expect(await send('PUT', '/api/relationships', { from: 'p-late', to: 'p-fresh', type: 'CO_SELLS_WITH' })).toBe(200);
  expect((await fetch(`${server.url}/api/partners/${second}`, { method: 'DELETE' })).status).toBe(204);
  const version = await server.app.store.version();
  await server.close();
  server = await startServer({ dataDir, wipe: false });
  expect(await server.app.projection.earlyMap(MapQuery.parse({}))).toBeDefined();
  expect((await get(server, '/api/map?focus=p-fresh&depth=1')).nodes).toHaveLength(3);
  expect(server.app.projection.lastBuild).toMatchObject({ from: 'snapshot', version });
  // Its metrics are derived again for this version, as a build from the store derives them (positions aside: the
  // layout starts from the one before).
  await server.app.projection.settled();
  expect((await server.app.projection.current()).derived.version).toBe(version);
  const { map: _, community: __, focus, ...afterWrite } = await answers(server);
  expect(focus.nodes).toHaveLength(3);
  await server.close();

  // The snapshot of the version before the write must not serve the store after it.
  writeFileSync(snapshot, beforeWrite);
  server = await startServer({ dataDir, wipe: false });
  expect(await server.app.projection.earlyMap(MapQuery.parse({}))).toBeUndefined();
  const { map: ___, community: ____, ...fromStore } = await answers(server);
  expect(server.app.projection.lastBuild).toMatchObject({ from: 'store', version });
  expect(fromStore).toEqual({ ...afterWrite, focus: fromStore.focus });
  expect(fromStore.focus.nodes).toHaveLength(3);
  await server.app.projection.settled();
  await server.close();

  // A damaged snapshot of the right version: ignored, the store read instead, the answers alike.
  const bytes = readFileSync(snapshot);
  const middle = bytes.length >> 1;
  bytes[middle] = bytes[middle]! ^ 0xff;
  writeFileSync(snapshot, bytes);
  server = await startServer({ dataDir, wipe: false });
  const { map: _____, community: ______, ...fromDamaged } = await answers(server);
  expect(fromDamaged).toEqual(fromStore);
  expect(server.app.projection.lastBuild).toMatchObject({ from: 'store', version });
  await server.close();
});
