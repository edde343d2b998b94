/** Partner lifecycle moves over HTTP, on a real server on 127.0.0.1 over a real embedded store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planMove } from '../../operations/lifecycle.js';
import { latestMove } from '../../store/records.js';
import { tinyBundle } from '../../test/fixtures.js';
import { describeStore } from '../../test/stores.js';
import { startServer, type TestServer } from '../../test/server.js';

let server: TestServer;
const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(server.url + path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
};
const move = (id: string, body: unknown) => call('POST', `/api/partners/${id}/lifecycle`, body);

describeStore('partner lifecycle', () => {
  beforeAll(async () => {
    server = await startServer({ seed: 'none' });
    expect((await call('POST', '/api/import', tinyBundle())).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('reads the stage per track and the moves that led there, an import entering each track', async () => {
    expect((await call('GET', '/api/tracks')).body).toEqual({ tracks: ['cloud', 'resell', 'services'] });
    const { status, body } = await call('GET', '/api/partners/p-acme/lifecycle');
    expect(status).toBe(200);
    expect(Object.keys(body.stages)).toEqual(['resell', 'services']);
    expect(body.stages.resell.stage).toBe('activate');
    expect(body.history.map((x: { track: string; to: string; author: string }) => `${x.track}:${x.to}:${x.author}`)).toEqual(['resell:activate:crm', 'services:grow:crm']);
    expect((await call('GET', '/api/partners/p-nobody/lifecycle')).status).toBe(404);
  });

  it('moves forward, records who and when, and the partner, its filters and the map follow', async () => {
    const mapIds = async (stage: string) => (await call('GET', `/api/map?stage=${stage}`)).body.nodes.map((n: { id: string }) => n.id);
    expect(await mapIds('activate')).toContain('p-acme');
    const before = Date.now();
    const { status, body } = await move('p-acme', { track: 'resell', stage: 'grow', author: 'ana@vendor.example' });
    expect(status).toBe(200);
    const last = body.history.at(-1);
    expect(last).toMatchObject({ track: 'resell', from: 'activate', to: 'grow', author: 'ana@vendor.example' });
    expect(Date.parse(last.at)).toBeGreaterThanOrEqual(before);
    expect(body.stages.resell).toEqual({ stage: 'grow', since: last.at });
    expect((await call('GET', '/api/partners/p-acme')).body.lifecycle).toEqual({ resell: 'grow', services: 'grow' });
    expect((await call('GET', '/api/partners?stage=activate')).body.items).toEqual([]);
    expect(await mapIds('activate')).not.toContain('p-acme');
    // A partner enters a track it was not in (p-helix had none) without a reason.
    expect((await move('p-helix', { track: 'cloud', stage: 'recruit' })).body.stages).toEqual({ cloud: { stage: 'recruit', since: expect.any(String) } });
  });

  it('needs a reason to move back, except to churned, and then keeps it', async () => {
    const refused = await move('p-acme', { track: 'resell', stage: 'onboard' });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([{ field: 'body.reason', message: 'a move back from "grow" to "onboard" needs a reason' }]);
    const back = await move('p-acme', { track: 'resell', stage: 'onboard', reason: 'reseller agreement lapsed' });
    expect(back.status).toBe(200);
    expect(back.body.history.at(-1)).toMatchObject({ from: 'grow', to: 'onboard', reason: 'reseller agreement lapsed' });
    const churned = await move('p-nimbus', { track: 'cloud', stage: 'churned' });
    expect(churned.status).toBe(200);
    // Leaving churned is a move back too.
    expect((await move('p-nimbus', { track: 'cloud', stage: 'grow' })).body.details[0].field).toBe('body.reason');
  });

  it.each([
    [{ track: 'nope', stage: 'grow' }, 'body.track', 'unknown track "nope"'],
    [{ track: 'resell', stage: 'flying' }, 'body.stage', ''],
    [{ track: 'resell' }, 'body.stage', ''],
    [{ stage: 'grow' }, 'body.track', ''],
    [{ track: 'resell', stage: 'onboard' }, 'body.stage', 'already at "onboard"'],
    [{ track: 'resell', stage: 'recruit', reason: '' }, 'body.reason', ''],
  ])('refuses %j with a 400 naming %s, and writes nothing', async (body, field, message) => {
    const before = await call('GET', '/api/partners/p-acme/lifecycle');
    const version = (await call('GET', '/api/health')).body.version;
    const { status, body: error } = await move('p-acme', body);
    expect(status).toBe(400);
    expect(error.details[0].field).toBe(field);
    expect(error.details[0].message).toContain(message);
    expect(await call('GET', '/api/partners/p-acme/lifecycle')).toEqual(before);
    expect((await call('GET', '/api/health')).body.version).toBe(version);
  });

  it('documents its routes in OpenAPI', async () => {
    const { paths } = (await call('GET', '/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(paths['/api/partners/{id}/lifecycle'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/tracks'] ?? {})).toEqual(['get']);
  });

  it('answers 404 for an unknown partner and 400 for a bad id', async () => {
    expect((await move('p-nobody', { track: 'resell', stage: 'grow' })).status).toBe(404);
    expect((await move('has%20space', { track: 'resell', stage: 'grow' })).body.details[0].field).toBe('params.id');
  });

  it('exports the history and imports it back unchanged', async () => {
    const exported = (await call('GET', '/api/export')).body;
    const acme = exported.partners.find((p: { id: string }) => p.id === 'p-acme');
    expect(acme.lifecycleHistory.map((x: { to: string }) => x.to)).toEqual(['activate', 'grow', 'grow', 'onboard']);
    const copy = await startServer({ seed: 'none' });
    try {
      expect((await fetch(`${copy.url}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(exported) })).status).toBe(200);
      expect(await (await fetch(`${copy.url}/api/export`)).json()).toEqual(exported);
      expect(await (await fetch(`${copy.url}/api/partners/p-acme/lifecycle`)).json()).toEqual((await call('GET', '/api/partners/p-acme/lifecycle')).body);
    } finally {
      await copy.close();
    }
  });
});

describe('planMove', () => {
  const current = { id: 'p-1', stages: { resell: { stage: 'grow' as const } }, history: [] };
  const tracks = new Set(['resell', 'cloud']);
  const at = '2026-01-01T00:00:00.000Z';

  it('orders the stages recruit → onboard → activate → grow → optimise, churned apart', () => {
    expect(planMove(current, tracks, { track: 'resell', stage: 'optimise' }, at)).toEqual({ move: { track: 'resell', at, from: 'grow', to: 'optimise' } });
    expect(planMove(current, tracks, { track: 'resell', stage: 'churned' }, at)).toEqual({ move: { track: 'resell', at, from: 'grow', to: 'churned' } });
    for (const stage of ['recruit', 'onboard', 'activate'] as const) expect(planMove(current, tracks, { track: 'resell', stage }, at)).toMatchObject({ field: 'reason' });
    expect(planMove(current, tracks, { track: 'cloud', stage: 'optimise' }, at)).toEqual({ move: { track: 'cloud', at, to: 'optimise' } });
    expect(planMove(current, new Set(), { track: 'cloud', stage: 'grow' }, at)).toEqual({ field: 'track', message: 'unknown track "cloud"; the program\'s tracks are none yet' });
  });
});

describe('latestMove', () => {
  it('orders moves by instant, whatever offset their times carry', () => {
    const history = [
      { track: 'resell', at: '2026-01-01T10:30:00+02:00', to: 'grow' as const },
      { track: 'resell', at: '2026-01-01T09:00:00Z', to: 'activate' as const },
      { track: 'cloud', at: '2026-06-01T00:00:00Z', to: 'recruit' as const },
    ];
    expect(latestMove(history, 'resell')?.to).toBe('activate');
    expect(latestMove(history, 'cloud')?.to).toBe('recruit');
    expect(latestMove(history, 'services')).toBeUndefined();
    expect(latestMove(undefined, 'resell')).toBeUndefined();
  });
});
