/**
 * The programme's writes (a lifecycle move, a conflict's resolution, sharing
 * settings, a track defined and taken out, a review rejected) keep the
 * projection current in place, like the API's record writes: a read between
 * a write's commit and its application waits for it instead of rebuilding
 * the projection from the store (tens of seconds at 100,000 partners).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStore } from '../../test/stores.js';
import { startServer, type TestServer } from '../../test/server.js';

describeStore('programme writes under reads', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ seed: 'none' });
  });
  afterAll(() => server.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(server.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as any };
  };

  /** The request, with the projection read back to back (as other clients' requests would) until it is answered. */
  const underReads = async (method: string, path: string, body?: unknown) => {
    let answered = false;
    const reading = (async () => {
      while (!answered) await server.app.projection.current();
    })();
    try {
      return await call(method, path, body);
    } finally {
      answered = true;
      await reading;
    }
  };

  it('applies each in place, and the next read sees it', async () => {
    const partner = (id: string, name: string, lifecycle: Record<string, string> = {}) => ({ id, name, types: ['reseller'], lifecycle });
    const imported = await call('POST', '/api/import', {
      version: 1,
      regions: ['emea'],
      segments: ['smb'],
      partners: [partner('p-a', 'Alder Resale', { resell: 'activate' }), partner('p-s', 'Spruce Services'), partner('p-orbit', 'Orbit Partners')],
      customers: [{ id: 'c-1', name: 'Customer One', segment: 'smb', region: 'emea' }],
      programs: [{ id: 'resell', partnerTypes: ['reseller'], tiers: [] }],
      deals: [
        {
          id: 'd-over',
          customer: 'c-1',
          region: 'emea',
          amount: 500_000,
          stage: 'won',
          partners: [
            { partner: 'p-a', role: 'sourcing', claimedShare: 0.7 },
            { partner: 'p-s', role: 'delivery', claimedShare: 0.6 },
          ],
        },
      ],
    });
    expect(imported.status).toBe(200);
    // An uncertain name match, queued for review.
    expect((await call('POST', '/api/import', { version: 1, partners: [{ id: 'erp-1', name: 'ORBIT partners, Inc.', types: ['msp'] }] })).body.review).toHaveLength(1);
    expect((await call('GET', '/api/map')).status).toBe(200);
    const built = server.app.projection.lastBuild;
    const [conflict] = (await call('GET', '/api/conflicts')).body.conflicts;

    expect((await underReads('POST', '/api/partners/p-a/lifecycle', { track: 'resell', stage: 'grow' })).status).toBe(200);
    expect((await underReads('POST', `/api/conflicts/${conflict.id}/resolve`, { policy: 'proportional' })).status).toBe(200);
    const { projection } = await server.app.projection.current();
    expect(projection.version).toBe(await server.app.store.version());
    expect(projection.graph.getNodeAttributes('p-a')).toMatchObject({ lifecycle: { resell: 'grow' } });
    const deal = projection.catalogue.deals.find((d: { id: string }) => d.id === 'd-over');
    expect(deal?.partners.map((p: { claimedShare?: number }) => p.claimedShare)).toEqual([0.7 / 1.3, 0.6 / 1.3].map((share) => expect.closeTo(share, 6)));

    // Writes of nothing the projection holds: the metrics of the same graph, and the answers on them, carry over.
    await server.app.projection.settled();
    const before = await server.app.projection.current();
    // The projection is kept current in place: its version is read now.
    const version = before.projection.version;
    expect(before.derived.version).toBe(version);
    const map = await call('GET', '/api/map');
    expect((await underReads('PUT', '/api/partners/p-a/sharing', { default: 'counts' })).status).toBe(200);
    expect((await underReads('PUT', '/api/programs/tracks/audited', { name: 'Audited', tiers: [] })).status).toBe(200);
    expect((await underReads('DELETE', '/api/programs/tracks/audited')).status).toBe(204);
    expect((await underReads('POST', `/api/identity/review/${encodeURIComponent('partner:erp-1:p-orbit')}`, { decision: 'reject' })).status).toBe(200);
    // The same answer, kept: computed once for the graph these writes left as it was.
    expect(await call('GET', '/api/map')).toEqual(map);
    await server.app.projection.settled();
    const after = await server.app.projection.current();
    expect(after.projection.version).toBe(await server.app.store.version());
    expect(after.projection.version).toBe(version + 4);
    expect(after.derived).toBe(before.derived);
    expect(after.derived.version).toBe(after.projection.version);
    expect(server.app.projection.lastBuild).toEqual(built);
  });
});
