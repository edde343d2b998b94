/**
 * The first JSON export after a write, brought forward from the export kept
 * for the version before (server/import/export-reuse.ts): windows of rows no
 * write touched are copied from the kept file, the others read again. Over
 * an ecosystem of several windows per section and a run of writes of every
 * kind (a partner changed, added between existing ids, a relationship across
 * windows, a customer changed, a lifecycle move, a deal, a partner, a
 * relationship and a customer with its deals deleted), each export must be
 * byte for byte the store's own read at that moment; the zip, brought forward
 * from the same kept JSON, must hold the files a read of the store writes.
 */
import { readdirSync, readlinkSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { bundleJson } from '../../import/export-json.js';
import { bundleCsvZip } from '../../import/zip.js';
import { unzip } from '../../test/unzip.js';
import { importBundle } from '../../import/import-bundle.js';
import { CHANGES_FILE } from '../../store/index.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore, itStore, tempDir } from '../../test/stores.js';

/** Where a file descriptor points, or '' when it closed meanwhile. */
const readlinkSafe = (fd: string) => {
  try {
    return readlinkSync(fd);
  } catch {
    return '';
  }
};

describeStore('the first export after a write, brought forward from the kept one', () => {
  let server: TestServer;
  const dataDir = tempDir();
  // More partners and customers than an export window (2,000): several windows a section.
  const bundle = generateBundle({ partners: 4500, customers: 4200, relationships: 9000, seed: 23, solutions: 6, deals: 30 });
  const partners = bundle.partners.map((p) => p.id).sort();
  const customers = bundle.customers.map((c) => c.id).sort();

  beforeAll(async () => {
    server = await startServer({ seed: 'none', dataDir });
    const report = await importBundle(server.app.store, bundle);
    expect(report.errors).toEqual([]);
  }, 300_000);
  afterAll(async () => server?.close());

  const send = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(server.url + url, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    expect(response.status, `${method} ${url}: ${await response.clone().text()}`).toBeLessThan(300);
    return response.status === 204 ? null : ((await response.json()) as any);
  };
  const exported = async () => {
    const response = await fetch(`${server.url}/api/export`);
    expect(response.status).toBe(200);
    return { text: await response.text(), from: server.app.exportCache.lastFrom.json };
  };
  /** The store's own read, not through the cache: what every export must equal. */
  const read = async () => {
    let json = '';
    for await (const chunk of bundleJson(server.app.store)) json += chunk;
    return json;
  };
  const zipped = async () => {
    const response = await fetch(`${server.url}/api/export?format=zip`);
    expect(response.status).toBe(200);
    const { lastFrom, lastPatchedFrom } = server.app.exportCache;
    return { files: await unzip(Buffer.from(await response.arrayBuffer())), from: lastFrom.zip === 'patched' ? `patched from ${lastPatchedFrom.zip}` : lastFrom.zip };
  };
  /** The zip's files as a read of the whole store writes them (the archives' bytes differ by their timestamps). */
  const readZip = async () => unzip(Buffer.concat(await bundleCsvZip(server.app.store).toArray()));

  itStore('gives, after each kind of write, the bytes a read of the whole store gives', async () => {
    expect((await exported()).from).toBe('store');
    const partner = await send('GET', `/api/partners/${partners[2500]}`);
    const customer = await send('GET', `/api/customers/${customers[3000]}`);
    const track = (await send('GET', '/api/programs')).tracks[0].id as string;
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['a partner renamed', () => send('PUT', `/api/partners/${partner.id}`, { ...partner, id: undefined, name: `${partner.name} (renamed)` })],
      ['a partner added between existing ids', () => send('POST', '/api/partners', { id: `${partners[1000]}-new`, name: 'Between Windows', types: ['service'] })],
      ['a relationship across windows', () => send('PUT', '/api/relationships', { from: partners[10], to: partners[4400], type: 'INTEGRATES_WITH' })],
      ['a customer changed', () => send('PUT', `/api/customers/${customer.id}`, { ...customer, id: undefined, name: `${customer.name} (changed)` })],
      ['a lifecycle move', () => send('POST', `/api/partners/${partners[3900]}/lifecycle`, { track, stage: 'churned' })],
      ['a relationship deleted', () => send('DELETE', `/api/relationships?from=${encodeURIComponent(partners[10]!)}&to=${encodeURIComponent(partners[4400]!)}&type=INTEGRATES_WITH`)],
      ['a partner deleted', () => send('DELETE', `/api/partners/${partners[4100]}`)],
      ['a customer with a deal deleted', () => send('DELETE', `/api/customers/${bundle.deals[0]!.customer}`)],
    ];
    const from: string[] = [];
    for (const [what, write] of writes) {
      await write();
      // The zip first, from the JSON kept at the version before this write, then the JSON.
      const zip = await zipped();
      from.push(zip.from!);
      expect(zip.files, `zip after ${what} (${zip.from})`).toEqual(await readZip());
      const after = await exported();
      from.push(after.from!);
      expect(after.text === (await read()), `after ${what} (${after.from})`).toBe(true);
      // The next one, with nothing written, is the file this one kept.
      expect((await exported()).from).toBe('file');
    }
    // The first zip from the kept JSON, each after it from the CSV lines the zip before kept.
    expect(from).toEqual(writes.flatMap((_, i) => [i === 0 ? 'patched from json' : 'patched from csv', 'patched']));
    // With the JSON of this version kept and the zip's lines of the version before, the zip comes from the JSON as it is.
    await send('PUT', `/api/partners/${partners[200]}`, { ...(await send('GET', `/api/partners/${partners[200]}`)), id: undefined, name: 'Renamed Before Both Exports' });
    expect(await exported()).toMatchObject({ from: 'patched' });
    const zip = await zipped();
    expect(zip.from).toBe('patched from json');
    expect(zip.files).toEqual(await readZip());
    // Kept: this version's JSON and zip, each with its index, the zip with its lines; nothing of older versions.
    const { storeId, version } = await server.app.store.identity();
    const kept = readdirSync(dataDir).filter((name) => name.startsWith('export-')).sort();
    expect(kept).toEqual([`export-${storeId}-${version}.json`, `export-${storeId}-${version}.json.index`, `export-${storeId}-${version}.zip`, `export-${storeId}-${version}.zip.lines`, `export-${storeId}-${version}.zip.lines.index`]);
  }, 300_000);

  itStore('leaves no file open when the client goes before the first byte', async () => {
    await exported();
    await send('PUT', `/api/partners/${partners[100]}`, { ...(await send('GET', `/api/partners/${partners[100]}`)), id: undefined, name: 'Gone Before Reading' });
    const keptOpen = () => readdirSync('/proc/self/fd').filter((fd) => /export-.*\.json$/.test(readlinkSafe(`/proc/self/fd/${fd}`))).length;
    const before = keptOpen();
    const stream = await server.app.exportCache.stream('json');
    expect(server.app.exportCache.lastFrom.json).toBe('patched');
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(keptOpen()).toBe(before);
    // And the export a client then reads is still brought forward, byte for byte the store's.
    const after = await exported();
    expect(after.from).toBe('patched');
    expect(after.text === (await read())).toBe(true);
  }, 300_000);

  itStore('brings the export forward through writes made before a restart, from the change log kept beside the store', async () => {
    const rename = async (id: string, name: string) => send('PUT', `/api/partners/${id}`, { ...(await send('GET', `/api/partners/${id}`)), id: undefined, name });
    const restart = async () => {
      await server.app.store.changesFlushed();
      await server.close();
      server = await startServer({ seed: 'none', dataDir, wipe: false });
    };
    await exported();
    await rename(partners[1500]!, 'Renamed Before A Restart');
    await send('DELETE', `/api/partners/${partners[3200]}`);
    await restart();
    const after = await exported();
    expect(after.from).toBe('patched');
    expect(after.text === (await read())).toBe(true);

    // A version the file does not hold (here the file is gone, as after another process wrote): read from the store.
    await rename(partners[1600]!, 'Renamed Before The Log Was Lost');
    await server.app.store.changesFlushed();
    await server.close();
    rmSync(path.join(dataDir, CHANGES_FILE));
    server = await startServer({ seed: 'none', dataDir, wipe: false });
    const lost = await exported();
    expect(lost.from).toBe('store');
    expect(lost.text === (await read())).toBe(true);
  }, 300_000);
});
