/**
 * Writes that land while the projection is built, restored from its
 * snapshot or read from the store, are applied to it: the build no longer
 * ends a version behind the store, which made the next read read the whole
 * store again (a minute at 100,000 partners), and again for as long as
 * writes kept landing during each read.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { importBundle } from '../../import/import-bundle.js';
import { projectBundle } from '../../projection/from-bundle.js';
import { holdSlices } from '../../projection/slices.js';
import { MapQuery } from '../../schemas/analytics.js';
import { graphContent } from '../../test/graph-content.js';
import { startServer } from '../../test/server.js';
import { describeStore, tempDir } from '../../test/stores.js';

describeStore('writes while the projection is built', () => {
  const dataDir = tempDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  // An ecosystem large enough that a build takes several slices of the event loop, and its snapshot.
  beforeAll(async () => {
    const server = await startServer({ dataDir, seed: 'none' });
    expect((await importBundle(server.app.store, generateBundle({ partners: 2000, customers: 4000, relationships: 8000, seed: 5 }))).committed).toBe(true);
    expect((await fetch(`${server.url}/api/map`)).status).toBe(200);
    await server.app.projection.settled();
    await server.close();
  }, 300_000);

  it('applies a write made during a snapshot restore to the restored projection, without reading the store', async () => {
    const server = await startServer({ dataDir, seed: 'none', wipe: false });
    const version = await server.app.store.version();
    try {
      // The early answers are read: the restore is under way.
      expect(await server.app.projection.earlyMap(MapQuery.parse({}))).toBeDefined();
      expect(server.app.projection.lastBuild).toBeUndefined();
      // Held at its next slice, as an API write holds it, until the write is answered: on Neo4j the request's own
      // round trips took longer than the rest of the restore.
      const release = holdSlices();
      let posted: Response;
      try {
        posted = await fetch(`${server.url}/api/partners`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: 'p-during-restore', name: 'During Restore', types: ['service'] }),
        });
        // Committed before the restore ended.
        expect(server.app.projection.lastBuild).toBeUndefined();
      } finally {
        release();
      }
      expect(posted.status).toBe(201);
      const focus = await fetch(`${server.url}/api/map?focus=p-during-restore`);
      expect(focus.status).toBe(200);
      expect(((await focus.json()) as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id)).toEqual(['p-during-restore']);
      expect(server.app.projection.lastBuild).toMatchObject({ from: 'snapshot', version });
      expect((await server.app.projection.current()).projection.version).toBe(version + 1);
      expect(await server.app.store.version()).toBe(version + 1);
    } finally {
      await server.close();
    }
  });

  it('applies writes made during a read of the store to the projection read, which then equals a fresh one', async () => {
    rmSync(path.join(dataDir, 'projection.snapshot'), { force: true });
    const server = await startServer({ dataDir, seed: 'none', wipe: false });
    const send = (method: string, route: string, body?: unknown) =>
      fetch(server.url + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) }).then((response) => response.status);
    try {
      const version = await server.app.store.version();
      const [linked, deleted, renamed] = ((await (await fetch(`${server.url}/api/partners?limit=3`)).json()) as { items: Array<{ id: string; name: string }> }).items;
      const renamedRecord = await (await fetch(`${server.url}/api/partners/${renamed!.id}`)).json();
      // No snapshot: once the restore has found none, the projection is read from the store.
      expect(await server.app.projection.earlyMap(MapQuery.parse({}))).toBeUndefined();
      const release = holdSlices();
      try {
        expect(await send('POST', '/api/partners', { id: 'p-during-read', name: 'During Read', types: ['service'] })).toBe(201);
        expect(await send('PUT', '/api/relationships', { from: 'p-during-read', to: linked!.id, type: 'CO_SELLS_WITH' })).toBe(200);
        expect(await send('DELETE', `/api/partners/${deleted!.id}`)).toBe(204);
        expect(await send('PUT', `/api/partners/${renamed!.id}`, { ...renamedRecord, id: undefined, name: 'Renamed During Read' })).toBe(200);
        // Committed before the read ended.
        expect(server.app.projection.lastBuild).toBeUndefined();
      } finally {
        release();
      }
      const { projection } = await server.app.projection.current();
      expect(server.app.projection.lastBuild).toMatchObject({ from: 'store', version });
      expect(projection.version).toBe(version + 4);
      expect(await server.app.store.version()).toBe(version + 4);
      expect(graphContent(projection.graph)).toEqual(graphContent(projectBundle(await server.app.store.exportBundle()).graph));
      expect(projection.graph.hasNode(deleted!.id)).toBe(false);
      expect(projection.graph.getNodeAttributes(renamed!.id).label).toBe('Renamed During Read');
    } finally {
      await server.close();
    }
  });
});
