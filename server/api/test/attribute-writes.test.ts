/**
 * Metrics depend on the graph's nodes and edges alone: after a write that
 * changes attributes only (a partner renamed, a relationship's value) they
 * hold, moved to the write's version, instead of being derived again (half
 * a minute of a worker at 100,000 partners, and the map computed again on
 * them); a write that adds a node or an edge derives them anew. The same
 * after a restart from the snapshot, whose metrics are those of the graph
 * restored with them.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { deriveMetrics } from '../../projection/derive.js';
import { revisionOf } from '../../projection/per-graph.js';
import { derivedRecords } from '../../test/derived.js';
import { callJson, startServer, type TestServer } from '../../test/server.js';
import { itStore, tempDir } from '../../test/stores.js';

const parent = tempDir();
const dataDir = path.join(parent, 'data');
afterAll(() => rmSync(parent, { recursive: true, force: true }));


/** The metrics once background work has settled, checked against the store's version and a fresh derivation of the graph. */
const settledMetrics = async (server: TestServer) => {
  // A read starts a derivation when the metrics lag the projection; one started before the last write lags it.
  let current;
  for (let round = 0; round < 5; round++) {
    await server.app.projection.settled();
    current = await server.app.projection.current();
    if (current.derived.version === current.projection.version) break;
  }
  const { projection, derived } = current!;
  expect(projection.version).toBe(await server.app.store.version());
  expect(derived.version).toBe(projection.version);
  const fresh = derivedRecords(deriveMetrics(projection.graph, projection.version));
  const kept = derivedRecords(derived);
  expect(kept.communities).toEqual(fresh.communities);
  expect(kept.betweenness.scores).toEqual(fresh.betweenness.scores);
  for (const [id, rank] of Object.entries(fresh.pagerank)) expect(kept.pagerank[id]).toBeCloseTo(rank, 12);
  return derived;
};

itStore('keeps the metrics through writes of attributes, derives them after a new node or edge, and after a restart alike', async () => {
  let server = await startServer({ dataDir });
  expect((await callJson(server, 'GET', '/api/map')).status).toBe(200);
  const first = await settledMetrics(server);
  const [partner] = (await callJson(server, 'GET', '/api/partners?limit=1')).body.items;
  const [relationship] = (await callJson(server, 'GET', `/api/relationships?node=${partner.id}&limit=1`)).body.items;
  expect(relationship).toBeDefined();

  // Attributes only: the same metrics object, at the new version, and the answers show the write.
  expect((await callJson(server, 'PUT', `/api/partners/${partner.id}`, { ...partner, name: 'Renamed Partner' })).status).toBe(200);
  expect((await callJson(server, 'PUT', '/api/relationships', { ...relationship, annualValue: (relationship.annualValue ?? 0) + 1234 })).status).toBe(200);
  const map = (await callJson(server, 'GET', `/api/map?focus=${partner.id}&depth=1`)).body;
  expect(map.nodes.find((n: { id: string }) => n.id === partner.id).label).toBe('Renamed Partner');
  expect(await settledMetrics(server)).toBe(first);
  expect((await callJson(server, 'GET', `/api/map?focus=${partner.id}&depth=1`)).body).toEqual({ ...map, version: first.version });

  // A new node: derived anew.
  expect((await callJson(server, 'POST', '/api/partners', { id: 'p-new-node', name: 'New Node', types: ['service'] })).status).toBe(201);
  const second = await settledMetrics(server);
  expect(second).not.toBe(first);
  // A new edge: derived anew.
  expect((await callJson(server, 'PUT', '/api/relationships', { from: 'p-new-node', to: partner.id, type: 'CO_SELLS_WITH' })).status).toBe(200);
  const third = await settledMetrics(server);
  expect(third).not.toBe(second);
  await server.close();

  // Restarted from the snapshot saved at that version: its metrics are those of the restored graph, and hold through a rename.
  server = await startServer({ dataDir, wipe: false });
  try {
    expect((await callJson(server, 'GET', '/api/map')).status).toBe(200);
    const restored = await settledMetrics(server);
    expect(server.app.projection.lastBuild?.from).toBe('snapshot');
    expect((await callJson(server, 'PUT', `/api/partners/${partner.id}`, { ...partner, name: 'Renamed Again' })).status).toBe(200);
    expect(await settledMetrics(server)).toBe(restored);
  } finally {
    await server.close();
  }
});

itStore('leaves the graph, its metrics and the answers computed on them as they were after a write of nothing the projection holds', async () => {
  const server = await startServer({ dataDir: path.join(parent, 'unchanged') });
  try {
    expect((await callJson(server, 'GET', '/api/map')).status).toBe(200);
    const metrics = await settledMetrics(server);
    const overview = (await callJson(server, 'GET', '/api/map')).body;
    const { graph } = (await server.app.projection.current()).projection;
    const revision = revisionOf(graph);
    const [partner] = (await callJson(server, 'GET', '/api/partners?limit=1')).body.items;
    const [relationship] = (await callJson(server, 'GET', `/api/relationships?node=${partner.id}&limit=1`)).body.items;
    const versionBefore = await server.app.store.version();

    // Fields the projection leaves in the store, and a relationship written again with the value it has.
    expect((await callJson(server, 'PUT', `/api/partners/${partner.id}`, { ...partner, domain: 'moved.example', revenue: 123456 })).status).toBe(200);
    expect((await callJson(server, 'PUT', '/api/relationships', { ...relationship, since: '2020-02-02' })).status).toBe(200);
    expect(await server.app.store.version()).toBeGreaterThan(versionBefore);
    expect(revisionOf(graph)).toBe(revision);
    expect(await settledMetrics(server)).toBe(metrics);
    // The overview computed before the writes, not computed again.
    expect((await callJson(server, 'GET', '/api/map')).body).toEqual(overview);

    // A value the projection holds: the graph changes.
    expect((await callJson(server, 'PUT', `/api/partners/${partner.id}`, { ...partner, name: 'Renamed Once More' })).status).toBe(200);
    await server.app.projection.current();
    expect(revisionOf(graph)).toBeGreaterThan(revision);
  } finally {
    await server.close();
  }
});
