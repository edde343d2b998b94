/**
 * A write that lands while a restarted server restores its snapshot is
 * applied to the restored projection: the restore no longer ends a version
 * behind the store, which made the next read read the whole store again (a
 * minute at 100,000 partners).
 */
import { rmSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { importBundle } from '../../import/import-bundle.js';
import { holdSlices } from '../../projection/slices.js';
import { MapQuery } from '../../schemas/analytics.js';
import { startServer } from '../../test/server.js';
import { itStore, tempDir } from '../../test/stores.js';

const dataDir = tempDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

itStore('applies a write made during a snapshot restore to the restored projection, without reading the store', async () => {
  let server = await startServer({ dataDir, seed: 'none' });
  // Large enough that the restore takes several slices of the event loop.
  expect((await importBundle(server.app.store, generateBundle({ partners: 2000, customers: 4000, relationships: 8000, seed: 5 }))).committed).toBe(true);
  expect((await fetch(`${server.url}/api/map`)).status).toBe(200);
  await server.app.projection.settled();
  const version = await server.app.store.version();
  await server.close();

  server = await startServer({ dataDir, seed: 'none', wipe: false });
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
