/** Attribution and the ecosystem report over HTTP, on a real server on 127.0.0.1 over a real store. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tinyBundle } from '../../test/fixtures.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore } from '../../test/stores.js';

let server: TestServer;
const get = async (path: string) => {
  const response = await fetch(server.url + path);
  return { status: response.status, body: await response.json() };
};
const post = async (path: string, body: unknown) => {
  const response = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
};

const both = [
  { partner: 'p-acme', role: 'sourcing', registeredAt: '2026-01-02T00:00:00.000Z' },
  { partner: 'p-helix', role: 'technology', registeredAt: '2026-01-05T00:00:00.000Z' },
];
const deal = (id: string, stage: string, amount: number, closedAt: string, partners: unknown[]) => ({ id, customer: 'c-globex', region: 'emea', amount, stage, closedAt, partners });

/** The tiny ecosystem with closed deals: two won with acme and helix, one lost with acme alone, one won without partners. */
function bundle() {
  const tiny = tinyBundle();
  return {
    ...tiny,
    deals: [
      ...tiny.deals,
      deal('d-won-1', 'closed-won', 300000, '2026-02-10T00:00:00.000Z', both),
      deal('d-won-2', 'closed-won', 100000, '2026-05-10T00:00:00.000Z', both),
      deal('d-lost', 'closed-lost', 80000, '2026-03-01T00:00:00.000Z', [both[0]]),
      deal('d-direct', 'closed-won', 50000, '2026-03-15T00:00:00.000Z', []),
    ],
  };
}

beforeAll(async () => {
  server = await startServer({ seed: 'none' });
  expect((await post('/api/import', bundle())).status).toBe(200);
});
afterAll(async () => {
  await server.close();
});

describeStore('attribution API', () => {
  it('answers every model with shares that add up to 1 and amounts that add up to the deal', async () => {
    for (const model of ['equal', 'role-weighted', 'first-touch', 'last-touch', 'shapley']) {
      const { status, body } = await get(`/api/deals/d-won-1/attribution?model=${model}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ model, dealId: 'd-won-1', amount: 300000 });
      expect(body.shares.map((s: { partnerId: string }) => s.partnerId)).toEqual(['p-acme', 'p-helix']);
      expect(body.shares.reduce((sum: number, s: { share: number }) => sum + s.share, 0)).toBeCloseTo(1, 12);
      expect(body.shares.reduce((sum: number, s: { amount: number }) => sum + s.amount, 0)).toBeCloseTo(300000, 6);
    }
    const shares = async (query: string) => (await get(`/api/deals/d-won-1/attribution?${query}`)).body.shares.map((s: { share: number }) => s.share);
    expect(await shares('model=first-touch')).toEqual([1, 0]);
    expect(await shares('model=role-weighted')).toEqual([0.6, 0.4]);
    expect(await shares('model=role-weighted&weights=technology:3')).toEqual([0.5, 0.5]);
    // v(∅) = 1 (the direct deal won), v(sourcing) = 0, v(sourcing, technology) = 1: no lift, split equally.
    expect((await get('/api/deals/d-won-1/attribution?model=shapley')).body.note).toMatch(/no win-rate lift/);
  });

  it('refuses an unknown model naming querystring.model, bad weights naming querystring.weights, and an unknown deal with 404', async () => {
    const unknown = await get('/api/deals/d-won-1/attribution?model=linear');
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].field).toBe('querystring.model');
    const weights = await get('/api/deals/d-won-1/attribution?model=role-weighted&weights=sourcing');
    expect(weights.status).toBe(400);
    expect(weights.body.details[0].field).toBe('querystring.weights');
    expect((await get('/api/deals/d-nothing/attribution?model=equal')).status).toBe(404);
    expect((await get('/api/attribution/summary?from=yesterday')).body.details[0].field).toBe('querystring.from');
  });

  it('rolls up per partner and type over the won deals of a period', async () => {
    const { status, body } = await get('/api/attribution/summary?model=equal&from=2026-01-01T00:00:00Z&to=2026-04-01T00:00:00Z');
    expect(status).toBe(200);
    expect(body).toMatchObject({ model: 'equal', wonDeals: 2, wonRevenue: 350000 });
    const acme = body.partners.find((x: { partnerId: string }) => x.partnerId === 'p-acme');
    expect(acme).toMatchObject({ type: 'service', sourcedRevenue: 300000, influencedRevenue: 300000, attributedRevenue: 150000 });
    expect(Object.keys(body.definitions)).toEqual(expect.arrayContaining(['sourcedRevenue', 'influencedRevenue', 'attributedRevenue']));
  });

  it('reports the ecosystem by quarter, with integration adoption from the stored relationships', async () => {
    const { status, body } = await get('/api/reports/ecosystem');
    expect(status).toBe(200);
    const figure = (id: string) => body.figures.find((f: { id: string }) => f.id === id).value;
    expect(figure('won-revenue')).toBe(450000);
    expect(figure('ecosystem-influenced-revenue')).toBe(400000);
    // p-helix, the one technology partner, INTEGRATES_WITH p-nimbus.
    expect(figure('integration-adoption')).toBe(1);
    expect(body.byQuarter.map((q: { quarter: string }) => q.quarter)).toEqual(['2026-Q1', '2026-Q2']);
  });

  it('follows writes: a new closed deal changes the statistics Shapley reads', async () => {
    const more = { ...tinyBundle(), deals: [deal('d-lost-2', 'closed-lost', 1, '2026-06-01T00:00:00.000Z', []), deal('d-lost-3', 'closed-lost', 1, '2026-06-02T00:00:00.000Z', [])] };
    expect((await post('/api/import', more)).status).toBe(200);
    // Now v(∅) = 1/3, v(sourcing) = 0, v(technology) = 2/3 (never seen alone: the win rate of partner deals), v(both) = 1:
    // acme gains −1/3 first and 1/3 after helix, 0 on average; helix gets the whole lift.
    const { body } = await get('/api/deals/d-won-1/attribution?model=shapley');
    expect(body.method).toBe('exact');
    expect(body.note).toBeUndefined();
    const share = (id: string) => body.shares.find((s: { partnerId: string }) => s.partnerId === id).share;
    expect(share('p-acme')).toBeCloseTo(0, 12);
    expect(share('p-helix')).toBeCloseTo(1, 12);
    expect((await get('/api/deals/d-won-1')).body.closedAt).toBe('2026-02-10T00:00:00.000Z');
  });
});
