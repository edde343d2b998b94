/**
 * Accepting an identity review's merge (the incoming record folded into the
 * candidate, with its relationships, deals, solutions and sharing) is applied
 * to the projection in place, like any other write: it used to make the next
 * read rebuild the projection from the store (a minute at 100,000 partners).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { projectBundle } from '../../projection/from-bundle.js';
import type { EcoCatalogue } from '../../projection/types.js';
import { graphContent } from '../../test/graph-content.js';
import { startServer, type TestServer } from '../../test/server.js';
import { itStore } from '../../test/stores.js';

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

/** Deals and solutions with their parts, independent of order. */
const parts = (catalogue: EcoCatalogue) => ({
  deals: catalogue.deals.map((d) => [d.id, d.customer, d.partners.map((p) => `${p.partner}:${p.role}`).sort()]).sort(),
  solutions: catalogue.solutions.map((s) => [s.id, [...s.partners].sort()]).sort(),
});

const matchesTheStore = async () => {
  const { projection } = await server.app.projection.current();
  expect(projection.version).toBe(await server.app.store.version());
  const fresh = projectBundle(await server.app.store.exportBundle());
  expect(graphContent(projection.graph)).toEqual(graphContent(fresh.graph));
  expect(parts(projection.catalogue)).toEqual(parts(fresh.catalogue));
  return projection;
};

itStore('applies an accepted merge of partners and of customers in place, and matches a fresh projection of the store', async () => {
  expect(
    (
      await call('POST', '/api/import', {
        version: 1,
        regions: ['emea'],
        segments: ['smb'],
        capabilities: [{ id: 'cap-crm', name: 'CRM' }],
        partners: [
          { id: 'p-orbit', name: 'Orbit Partners', types: ['service'], regions: ['emea'] },
          { id: 'p-tide', name: 'Tide Systems', types: ['reseller'] },
          { id: 'p-wave', name: 'Wave Cloud', types: ['technology'] },
        ],
        customers: [
          { id: 'c-acme', name: 'Acme Corp', segment: 'smb', region: 'emea' },
          { id: 'c-bolt', name: 'Bolt Industries', segment: 'smb', region: 'emea' },
        ],
        relationships: [
          { from: 'p-orbit', to: 'p-wave', type: 'CO_SELLS_WITH' },
          { from: 'p-tide', to: 'c-acme', type: 'SERVES', role: 'resell', annualValue: 1000 },
        ],
      })
    ).status,
  ).toBe(200);
  // Uncertain name matches (no domains), with relationships, a deal and a solution of their own.
  const report = await call('POST', '/api/import', {
    version: 1,
    partners: [{ id: 'erp-1', name: 'ORBIT partners, Inc.', types: ['reseller'], capabilities: [{ id: 'cap-crm' }] }],
    customers: [{ id: 'crm-9', name: 'ACME corp.', segment: 'smb', region: 'emea' }],
    relationships: [
      { from: 'erp-1', to: 'p-tide', type: 'RESELLS' },
      { from: 'erp-1', to: 'p-wave', type: 'CO_SELLS_WITH' },
      { from: 'erp-1', to: 'c-bolt', type: 'SERVES', role: 'implement', annualValue: 250 },
      { from: 'p-wave', to: 'crm-9', type: 'SERVES', role: 'refer', annualValue: 40 },
    ],
    deals: [{ id: 'd-1', customer: 'crm-9', region: 'emea', amount: 9000, stage: 'open', partners: [{ partner: 'erp-1', role: 'sourcing' }, { partner: 'p-orbit', role: 'delivery' }] }],
    solutions: [{ id: 's-1', name: 'Orbit on Wave', partners: ['erp-1', 'p-wave'], capabilities: ['cap-crm'] }],
  });
  expect(report.status).toBe(200);
  expect(report.body.review.map((r: { id: string }) => r.id).sort()).toEqual(['customer:crm-9:c-acme', 'partner:erp-1:p-orbit']);
  expect((await call('GET', '/api/map')).status).toBe(200);
  await matchesTheStore();
  const built = server.app.projection.lastBuild;

  expect((await underReads('POST', `/api/identity/review/${encodeURIComponent('partner:erp-1:p-orbit')}`, { decision: 'accept' })).status).toBe(200);
  const afterPartner = await matchesTheStore();
  expect(afterPartner.graph.hasNode('erp-1')).toBe(false);
  expect(afterPartner.graph.hasEdge('p-orbit', 'c-bolt')).toBe(true);
  expect(afterPartner.catalogue.deals.find((d) => d.id === 'd-1')?.partners.map((p) => p.partner).sort()).toEqual(['p-orbit']);

  expect((await underReads('POST', `/api/identity/review/${encodeURIComponent('customer:crm-9:c-acme')}`, { decision: 'accept' })).status).toBe(200);
  const afterCustomer = await matchesTheStore();
  expect(afterCustomer.graph.hasNode('crm-9')).toBe(false);
  expect(afterCustomer.graph.hasEdge('p-wave', 'c-acme')).toBe(true);
  expect(afterCustomer.catalogue.deals.find((d) => d.id === 'd-1')?.customer).toBe('c-acme');

  // Never rebuilt: both merges applied to the projection in place.
  expect(server.app.projection.lastBuild).toEqual(built);
  expect((await call('GET', '/api/map?focus=p-orbit&depth=1')).status).toBe(200);
});
