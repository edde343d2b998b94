/**
 * Conflict resolutions travel in the bundle, JSON and CSV: resolved on one
 * server, exported (as JSON, and as the zip of CSV files with its
 * resolutions.csv), imported into an empty store by another, the history
 * (`GET /api/conflicts?status=resolved`) and the open conflicts are the same.
 * On Neo4j each new server empties the database the one before used.
 */
import { afterAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore } from '../../test/stores.js';
import { unzip } from '../../test/unzip.js';

describeStore('conflict resolutions in the bundle', () => {
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(server!.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const conflicts = async (status: 'open' | 'resolved') => (await call('GET', `/api/conflicts?status=${status}&limit=1000`)).body.conflicts as Array<{ id: string; kind: string; partners: string[] }>;

  it('exports the resolutions with their audit and imports them into an empty store: the same history, the same open conflicts', async () => {
    server = await startServer();
    const open = await conflicts('open');
    const over = open.find((c) => c.kind === 'over-claimed')!;
    const channel = open.find((c) => c.kind === 'channel-conflict')!;
    expect((await call('POST', `/api/conflicts/${over.id}/resolve`, { policy: 'proportional', note: 'agreed on the partner call' })).status).toBe(200);
    const shares = Object.fromEntries(channel.partners.map((p, i) => [p, i === 0 ? 1 : 0]));
    expect((await call('POST', `/api/conflicts/${channel.id}/resolve`, { policy: 'manual', shares })).status).toBe(200);
    const resolved = await conflicts('resolved');
    const stillOpen = await conflicts('open');
    expect(resolved.map((c) => c.id).sort()).toEqual([over.id, channel.id].sort());

    const bundle = (await call('GET', '/api/export')).body;
    expect(bundle.resolutions).toHaveLength(2);
    expect(bundle.resolutions[0]).toMatchObject({ id: expect.any(String), base: expect.any(String), conflict: { kind: expect.any(String) }, audit: { policy: expect.any(String), actor: expect.any(String), at: expect.any(String) } });
    const archive = Buffer.from(await (await fetch(`${server.url}/api/export?format=zip`)).arrayBuffer());
    const csv = (await unzip(archive))['resolutions.csv']!;
    expect(csv.split('\n')[0]).toBe('id,base,conflict,audit');
    expect(csv.trim().split('\n')).toHaveLength(3);
    await server.close();
    server = undefined;

    server = await startServer({ seed: 'none' });
    const imported = await call('POST', '/api/import', bundle);
    expect(imported.status).toBe(200);
    expect(await conflicts('resolved')).toEqual(resolved);
    expect(await conflicts('open')).toEqual(stillOpen);
    // Imported again (every write a MERGE): the same history, not twice over.
    expect((await call('POST', '/api/import', bundle)).status).toBe(200);
    expect(await conflicts('resolved')).toEqual(resolved);
    expect((await call('GET', '/api/export')).body.resolutions).toEqual(bundle.resolutions);
    await server.close();
    server = undefined;

    // The zip of CSV files into another empty store: the same again.
    server = await startServer({ seed: 'none' });
    const form = new FormData();
    form.append('bundle', new Blob([archive], { type: 'application/zip' }), 'ecograph-bundle.zip');
    const fromZip = await fetch(`${server.url}/api/import`, { method: 'POST', body: form });
    expect(fromZip.status, await fromZip.clone().text()).toBe(200);
    expect(await conflicts('resolved')).toEqual(resolved);
    expect(await conflicts('open')).toEqual(stillOpen);
    expect((await call('GET', '/api/export')).body.resolutions).toEqual(bundle.resolutions);
    // Three servers and three imports: on Neo4j on a busy machine, more than a minute.
  }, 240_000);

  it('refuses a resolution row that is not one, naming the field, and writes nothing', async () => {
    server ??= await startServer({ seed: 'none' });
    const before = await server.app.store.version();
    const resolvedBefore = await conflicts('resolved');
    const bad = await call('POST', '/api/import', { version: 1, resolutions: [{ id: 'oc-1', base: 'oc-1', conflict: { kind: 'over-claimed' }, audit: { policy: 'coin-toss' } }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('resolutions');
    expect(await server.app.store.version()).toBe(before);
    expect(await conflicts('resolved')).toEqual(resolvedBefore);
  });
});
