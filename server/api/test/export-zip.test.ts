/**
 * The bundle as a zip of CSV files: GET /api/export?format=zip holds exactly
 * the files bundleToCsv writes for the JSON export, and importing the zip into
 * an empty store gives back a byte-identical JSON export, a partner named like
 * a spreadsheet formula included.
 */
import { afterAll, expect } from 'vitest';
import { bundleToCsv } from '../../import/csv.js';
import { Bundle } from '../../schemas/bundle.js';
import { startServer, type TestServer } from '../../test/server.js';
import { unzip } from '../../test/unzip.js';
import { describeStore, itStore } from '../../test/stores.js';

const FORMULA_NAME = '=HYPERLINK("http://attacker.example/","x")';

describeStore('GET /api/export?format=zip', () => {
  let server: TestServer | undefined;
  afterAll(async () => server?.close());

  itStore('holds the CSV files of the JSON export, and imports back into an empty store unchanged', async () => {
    server = await startServer();
    const addition = {
      version: 1, capabilities: [], regions: [], segments: [], customers: [], relationships: [], deals: [], solutions: [],
      partners: [{ id: 'p-formula', name: FORMULA_NAME, types: ['reseller'], aliases: ['-not-a-number', '@at'], revenue: 5 }],
    };
    expect((await fetch(`${server.url}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(addition) })).status).toBe(200);
    const before = await (await fetch(`${server.url}/api/export`)).text();
    const response = await fetch(`${server.url}/api/export?format=zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="ecograph-bundle.zip"');
    const archive = Buffer.from(await response.arrayBuffer());
    expect(await unzip(archive)).toEqual(bundleToCsv(Bundle.parse(JSON.parse(before))));
    await server.close();

    server = await startServer({ seed: 'none' });
    const form = new FormData();
    form.append('bundle', new Blob([archive], { type: 'application/zip' }), 'ecograph-bundle.zip');
    const imported = await fetch(`${server.url}/api/import`, { method: 'POST', body: form });
    expect(imported.status, await imported.clone().text()).toBe(200);
    const after = await (await fetch(`${server.url}/api/export`)).text();
    expect(after).toBe(before);
    expect(after).toContain(JSON.stringify(FORMULA_NAME));
  });

  itStore('a bad format or a broken archive is a 400 naming the field', async () => {
    server ??= await startServer({ seed: 'none' });
    const bad = await fetch(`${server.url}/api/export?format=tar`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('format');
    const form = new FormData();
    form.append('bundle', new Blob([Buffer.from('PK\u0003\u0004 not really a zip')]), 'broken.zip');
    const broken = await fetch(`${server.url}/api/import`, { method: 'POST', body: form });
    expect(broken.status).toBe(400);
    expect((await broken.json()) as { details: Array<{ field: string }> }).toMatchObject({ details: [{ field: 'body' }] });
  });
});
