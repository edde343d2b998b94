/**
 * The export kept beside the store: the second export of an unchanged store
 * is sent from the file the first one left, byte for byte what the store
 * read gives; after a write the next JSON export is brought forward from it
 * (export-patched.test.ts has the details) and the old file dropped; an
 * export that did not run to the end leaves no file.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { bundleJson } from '../../import/export-json.js';
import { bundleCsvZip } from '../../import/zip.js';
import { startServer, type TestServer } from '../../test/server.js';
import { unzip } from '../../test/unzip.js';
import { describeStore, itStore, tempDir } from '../../test/stores.js';

describeStore('the export kept beside the store', () => {
  let server: TestServer | undefined;
  afterAll(async () => server?.close());

  itStore('serves an unchanged store from the file, the same bytes; a write reads the store again', async () => {
    const dataDir = tempDir();
    server = await startServer({ dataDir });
    const kept = () => readdirSync(dataDir).filter((name) => name.startsWith('export-')).sort();
    const exported = async (format: 'json' | 'zip') => {
      const response = await fetch(`${server!.url}/api/export${format === 'zip' ? '?format=zip' : ''}`);
      expect(response.status).toBe(200);
      return { bytes: Buffer.from(await response.arrayBuffer()), from: server!.app.exportCache.lastFrom[format] };
    };
    // The store's own read, not through the cache: what every answer must equal.
    const read = async () => {
      let json = '';
      for await (const chunk of bundleJson(server!.app.store)) json += chunk;
      return json;
    };
    const readZip = async () => unzip(Buffer.concat(await bundleCsvZip(server!.app.store).toArray()));

    const first = await exported('json');
    expect(first.from).toBe('store');
    expect(first.bytes.toString()).toBe(await read());
    const { storeId, version } = await server.app.store.identity();
    expect(kept()).toEqual([`export-${storeId}-${version}.json`, `export-${storeId}-${version}.json.index`]);
    const second = await exported('json');
    expect(second.from).toBe('file');
    expect(second.bytes.equals(first.bytes)).toBe(true);

    // The zip comes from the JSON kept at this version, its rows parsed back.
    const zipped = await exported('zip');
    expect(zipped.from).toBe('patched');
    expect(await unzip(zipped.bytes)).toEqual(await readZip());
    const zippedAgain = await exported('zip');
    expect(zippedAgain.from).toBe('file');
    expect(zippedAgain.bytes.equals(zipped.bytes)).toBe(true);
    expect(await unzip(zippedAgain.bytes)).toEqual(await unzip(zipped.bytes));

    const created = await fetch(`${server.url}/api/partners`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'p-after', name: 'After Export', types: ['service'] }) });
    expect(created.status).toBe(201);
    const after = await exported('json');
    expect(after.from).toBe('patched');
    expect(after.bytes.toString()).toBe(await read());
    expect(after.bytes.toString()).toContain('"p-after"');
    const moved = await server.app.store.identity();
    // The older version's JSON is gone; the zip of the older version, with its CSV lines, stays until a zip export of the new one.
    const olderZip = `export-${storeId}-${version}.zip`;
    expect(kept()).toEqual([olderZip, `${olderZip}.lines`, `${olderZip}.lines.index`, `export-${moved.storeId}-${moved.version}.json`, `export-${moved.storeId}-${moved.version}.json.index`].sort());
    expect((await exported('json')).from).toBe('file');
    await server.close();
    server = undefined;
  });

  itStore('keeps nothing from an export that stopped half-way', async () => {
    const dataDir = tempDir();
    server = await startServer({ dataDir });
    const stream = await server.app.exportCache.stream('json');
    for await (const chunk of stream) {
      expect(String(chunk)).toContain('"version"');
      break;
    }
    // Breaking out destroys the stream; the aside file goes once the export's generator has closed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readdirSync(dataDir).filter((name) => name.startsWith('export-'))).toEqual([]);
    expect(server.app.exportCache.lastFrom.json).toBe('store');
    await server.close();
    server = undefined;
  });

  itStore('removes what a killed export left aside, and keeps what a running process writes', async () => {
    const dataDir = tempDir();
    server = await startServer({ dataDir });
    // A process that has ended: its id names a file nobody will finish.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const { storeId, version } = await server.app.store.identity();
    const leftover = `export-${storeId}-${version}.json.${gone}.k1ll3d.tmp`;
    const inProgress = `export-${storeId}-${version}.json.${process.pid}.w0rk1ng.tmp`;
    for (const name of [leftover, inProgress]) writeFileSync(path.join(dataDir, name), '{"version":1,');
    const response = await fetch(`${server.url}/api/export`);
    expect(response.status).toBe(200);
    // Read to the end: the export streams for as long as the store's read takes (over a second on a loaded Neo4j).
    await response.text();
    // The file is renamed into place, and the rest pruned, once the response has gone out.
    await expect.poll(() => readdirSync(dataDir).filter((name) => name.startsWith('export-')).sort()).toEqual([`export-${storeId}-${version}.json`, `export-${storeId}-${version}.json.index`, inProgress].sort());
    await server.close();
    server = undefined;
  });
});
