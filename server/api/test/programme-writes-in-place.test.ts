/**
 * The programme's writes (a lifecycle move, a conflict's resolution, sharing
 * settings, a track defined and taken out, a review rejected or accepted: a
 * merge of the incoming record into the candidate) keep the
 * projection current in place, like the API's record writes: a read between
 * a write's commit and its application waits for it instead of rebuilding
 * the projection from the store (tens of seconds at 100,000 partners).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectBundle } from '../../projection/from-bundle.js';
import { catalogueParts, graphContent } from '../../test/graph-content.js';
import { describeStore } from '../../test/stores.js';
import { callJson, callUnderReads, startServer, type TestServer } from '../../test/server.js';

describeStore('programme writes under reads', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ seed: 'none' });
  });
  afterAll(() => server.close());

  const call = (method: string, path: string, body?: unknown) => callJson(server, method, path, body);
  const underReads = (method: string, path: string, body?: unknown) => callUnderReads(server, method, path, body);

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

  const matchesTheStore = async () => {
    const { projection } = await server.app.projection.current();
    expect(projection.version).toBe(await server.app.store.version());
    const fresh = projectBundle(await server.app.store.exportBundle());
    expect(graphContent(projection.graph)).toEqual(graphContent(fresh.graph));
    expect(catalogueParts(projection.catalogue)).toEqual(catalogueParts(fresh.catalogue));
    return projection;
  };

  it('applies an accepted merge of partners and of customers in place, and matches a fresh projection of the store', async () => {
    expect(
      (
        await call('POST', '/api/import', {
          version: 1,
          regions: ['emea'],
          segments: ['smb'],
          capabilities: [{ id: 'cap-crm', name: 'CRM' }],
          partners: [
            { id: 'p-halo', name: 'Halo Partners', types: ['service'], regions: ['emea'] },
            { id: 'p-reef', name: 'Reef Systems', types: ['reseller'] },
            { id: 'p-gale', name: 'Gale Cloud', types: ['technology'] },
          ],
          customers: [
            { id: 'c-zenith', name: 'Zenith Corp', segment: 'smb', region: 'emea' },
            { id: 'c-quill', name: 'Quill Industries', segment: 'smb', region: 'emea' },
          ],
          relationships: [
            { from: 'p-halo', to: 'p-gale', type: 'CO_SELLS_WITH' },
            { from: 'p-reef', to: 'c-zenith', type: 'SERVES', role: 'resell', annualValue: 1000 },
          ],
        })
      ).status,
    ).toBe(200);
    // Uncertain name matches (no domains), with relationships, a deal and a solution of their own.
    const report = await call('POST', '/api/import', {
      version: 1,
      partners: [{ id: 'erp-5', name: 'HALO partners, Inc.', types: ['reseller'], capabilities: [{ id: 'cap-crm' }] }],
      customers: [{ id: 'crm-4', name: 'ZENITH corp.', segment: 'smb', region: 'emea' }],
      relationships: [
        { from: 'erp-5', to: 'p-reef', type: 'RESELLS' },
        { from: 'erp-5', to: 'p-gale', type: 'CO_SELLS_WITH' },
        { from: 'erp-5', to: 'c-quill', type: 'SERVES', role: 'implement', annualValue: 250 },
        { from: 'p-gale', to: 'crm-4', type: 'SERVES', role: 'refer', annualValue: 40 },
      ],
      deals: [{ id: 'd-merge', customer: 'crm-4', region: 'emea', amount: 9000, stage: 'open', partners: [{ partner: 'erp-5', role: 'sourcing' }, { partner: 'p-halo', role: 'delivery' }] }],
      solutions: [{ id: 's-merge', name: 'Halo on Gale', partners: ['erp-5', 'p-gale'], capabilities: ['cap-crm'] }],
    });
    expect(report.status).toBe(200);
    expect(report.body.review.map((r: { id: string }) => r.id).sort()).toEqual(['customer:crm-4:c-zenith', 'partner:erp-5:p-halo']);
    expect((await call('GET', '/api/map')).status).toBe(200);
    await matchesTheStore();
    const built = server.app.projection.lastBuild;

    expect((await underReads('POST', `/api/identity/review/${encodeURIComponent('partner:erp-5:p-halo')}`, { decision: 'accept' })).status).toBe(200);
    const afterPartner = await matchesTheStore();
    expect(afterPartner.graph.hasNode('erp-5')).toBe(false);
    expect(afterPartner.graph.hasEdge('p-halo', 'c-quill')).toBe(true);
    expect(afterPartner.catalogue.deals.find((d) => d.id === 'd-merge')?.partners.map((p) => p.partner).sort()).toEqual(['p-halo']);

    expect((await underReads('POST', `/api/identity/review/${encodeURIComponent('customer:crm-4:c-zenith')}`, { decision: 'accept' })).status).toBe(200);
    const afterCustomer = await matchesTheStore();
    expect(afterCustomer.graph.hasNode('crm-4')).toBe(false);
    expect(afterCustomer.graph.hasEdge('p-gale', 'c-zenith')).toBe(true);
    expect(afterCustomer.catalogue.deals.find((d) => d.id === 'd-merge')?.customer).toBe('c-zenith');

    // Never rebuilt: both merges applied to the projection in place.
    expect(server.app.projection.lastBuild).toEqual(built);
    expect((await call('GET', '/api/map?focus=p-halo&depth=1')).status).toBe(200);
  });
});
