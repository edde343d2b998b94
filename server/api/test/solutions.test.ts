/**
 * The solution catalogue over HTTP, on a real server over a real store, on a
 * hand-built ecosystem whose statuses and fit scores are worked out below;
 * then writes through the API (removing an integration, churn moves,
 * deleting a member) change the statuses on the next GET.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore } from '../../test/stores.js';

const cap = (id: string) => ({ id, level: 'advanced', certified: false });

function solutionBundle() {
  return {
    version: 1,
    capabilities: [
      { id: 'cap-a', name: 'Analytics' },
      { id: 'cap-b', name: 'Billing' },
      { id: 'cap-c', name: 'Compliance' },
    ],
    regions: [{ id: 'emea', name: 'Europe' }, { id: 'amer', name: 'Americas' }],
    segments: ['smb'],
    partners: [
      { id: 't-1', name: 'Tech One', types: ['technology'], capabilities: [cap('cap-a')], regions: ['emea'], lifecycle: { tech: 'grow' } },
      { id: 's-1', name: 'Serve One', types: ['service'], capabilities: [cap('cap-b')], regions: ['emea'], lifecycle: { services: 'grow', resell: 'activate' } },
      { id: 't-2', name: 'Tech Two', types: ['technology'], capabilities: [cap('cap-c')], regions: ['amer'], lifecycle: { tech: 'grow' } },
      { id: 's-2', name: 'Serve Two', types: ['service'], capabilities: [cap('cap-b')], regions: ['amer'], lifecycle: { services: 'grow' } },
    ],
    customers: [
      { id: 'c-1', name: 'Customer One', segment: 'smb', region: 'emea', needs: ['cap-a'] },
      { id: 'c-2', name: 'Customer Two', segment: 'smb', region: 'amer' },
    ],
    relationships: [
      { from: 's-1', to: 't-1', type: 'IMPLEMENTS' },
      { from: 't-2', to: 's-2', type: 'INTEGRATES_WITH' },
      { from: 't-1', to: 'c-1', type: 'SERVES', role: 'integrate' },
    ],
    deals: [
      { id: 'd-open', customer: 'c-1', region: 'emea', needs: ['cap-b'], stage: 'open', partners: [] },
      { id: 'd-won', customer: 'c-1', region: 'emea', needs: ['cap-c'], stage: 'closed-won', partners: [] },
    ],
    solutions: [
      // Both members related, each capability held, sold where they operate.
      { id: 'sol-ok', name: 'Okay Suite', partners: ['t-1', 's-1'], capabilities: ['cap-a', 'cap-b'], regions: ['emea'] },
      // No member holds Analytics.
      { id: 'sol-gap', name: 'Gap Suite', partners: ['t-2', 's-2'], capabilities: ['cap-c', 'cap-a'], regions: ['amer'] },
      // Sold in the Americas, where neither member operates.
      { id: 'sol-region', name: 'Region Suite', partners: ['t-1', 's-1'], capabilities: ['cap-a'], regions: ['emea', 'amer'] },
      // Tech Two and Serve One are not related: broken.
      { id: 'sol-x', name: 'Unrelated Suite', partners: ['t-2', 's-1'], capabilities: ['cap-c', 'cap-b'] },
    ],
  };
}

describeStore('solution catalogue', () => {
  let server: TestServer;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(server.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  const statuses = async () => Object.fromEntries(((await call('GET', '/api/solutions')).body.items as Array<{ id: string; status: string }>).map((s) => [s.id, s.status]));
  const failed = async (id: string) => ((await call('GET', `/api/solutions/${id}/validation`)).body.checks as Array<{ check: string; ok: boolean }>).filter((c) => !c.ok).map((c) => c.check);

  beforeAll(async () => {
    server = await startServer({ seed: 'none' });
    const imported = await call('POST', '/api/import', solutionBundle());
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists every solution with its status and counts, and filters by status', async () => {
    const all = await call('GET', '/api/solutions');
    expect(all.status).toBe(200);
    expect(all.body.items.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([
      ['sol-gap', 'at-risk'],
      ['sol-ok', 'valid'],
      ['sol-region', 'at-risk'],
      ['sol-x', 'broken'],
    ]);
    expect(all.body.items[1]).toMatchObject({ partners: ['s-1', 't-1'], capabilities: ['cap-a', 'cap-b'], regions: ['emea'] });
    expect(all.body.counts).toEqual({ valid: 1, 'at-risk': 2, broken: 1 });
    expect((await call('GET', '/api/solutions?status=at-risk')).body.items.map((s: { id: string }) => s.id)).toEqual(['sol-gap', 'sol-region']);
    const page = await call('GET', '/api/solutions?limit=3');
    expect(page.body.items).toHaveLength(3);
    expect((await call('GET', `/api/solutions?limit=3&cursor=${page.body.nextCursor}`)).body).toMatchObject({ items: [{ id: 'sol-x' }], nextCursor: null });
  });

  it('refuses an unknown status or cursor, naming the field, and answers 404 for an unknown solution', async () => {
    const bad = await call('GET', '/api/solutions?status=shiny');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('querystring.status');
    expect(bad.body.message).toContain('shiny');
    expect((await call('GET', '/api/solutions?cursor=zzz')).status).toBe(400);
    expect((await call('GET', '/api/solutions/nope/validation')).status).toBe(404);
  });

  it('explains each check in words, with names', async () => {
    const ok = await call('GET', '/api/solutions/sol-ok/validation');
    expect(ok.body).toMatchObject({ solutionId: 'sol-ok', status: 'valid' });
    expect(ok.body.checks.map((c: { check: string; ok: boolean }) => [c.check, c.ok])).toEqual([
      ['members-exist', true],
      ['members-active', true],
      ['members-integrated', true],
      ['capabilities-covered', true],
      ['regions-covered', true],
    ]);
    expect(ok.body.checks[2].detail).toContain('Serve One with Tech One');
    expect(ok.body.members).toEqual([
      { partnerId: 's-1', name: 'Serve One', role: 'service', exists: true, churnedIn: [] },
      { partnerId: 't-1', name: 'Tech One', role: 'technology', exists: true, churnedIn: [] },
    ]);
    const gap = await call('GET', '/api/solutions/sol-gap/validation');
    expect(gap.body.checks.find((c: { check: string }) => c.check === 'capabilities-covered')).toMatchObject({ ok: false, failsAs: 'at-risk', detail: 'No member holds Analytics.' });
    const region = await call('GET', '/api/solutions/sol-region/validation');
    expect(region.body.checks.find((c: { check: string }) => c.check === 'regions-covered')).toMatchObject({ ok: false, detail: 'Sold in Americas, where no member operates.' });
    const x = await call('GET', '/api/solutions/sol-x/validation');
    expect(x.body.checks.find((c: { check: string }) => c.check === 'members-integrated')).toMatchObject({ ok: false, failsAs: 'broken' });
    expect(x.body.checks.find((c: { check: string }) => c.check === 'regions-covered')).toMatchObject({ ok: true });
  });

  it('ranks the solutions that fit a customer by the documented score, broken ones left out', async () => {
    const fit = await call('GET', '/api/customers/c-1/solutions');
    expect(fit.status).toBe(200);
    // Needs: Analytics (stated) and Billing (the open deal); the won deal's Compliance is not a need any more.
    expect(fit.body).toMatchObject({ customerId: 'c-1', needs: ['Analytics', 'Billing'], region: 'Europe', excludedBroken: ['Unrelated Suite'] });
    // score = (0.6·coverage + 0.2·inRegion + 0.2·serving) × (0.5 if at risk)
    expect(fit.body.items.map((f: { solutionId: string; score: number }) => [f.solutionId, f.score])).toEqual([
      ['sol-ok', 0.9], // (0.6·2/2 + 0.2·2/2 + 0.2·1/2)
      ['sol-region', 0.3], // (0.6·1/2 + 0.2·2/2 + 0.2·1/2) × 0.5
      ['sol-gap', 0.15], // (0.6·1/2 + 0 + 0) × 0.5
    ]);
    expect(fit.body.items[0].evidence).toEqual({ needsCovered: ['Analytics', 'Billing'], membersInRegion: ['Serve One', 'Tech One'], membersServing: ['Tech One'] });
    expect((await call('GET', '/api/customers/c-2/solutions')).body.items).toEqual([]);
    expect((await call('GET', '/api/customers/nobody/solutions')).status).toBe(404);
  });

  describe('recomputed as the data changes', () => {
    it('removing the integration between the members breaks the solution', async () => {
      expect((await call('DELETE', '/api/relationships?from=t-2&to=s-2&type=INTEGRATES_WITH')).status).toBe(204);
      expect((await statuses())['sol-gap']).toBe('broken');
      expect(await failed('sol-gap')).toEqual(['members-integrated', 'capabilities-covered']);
    });

    it('a churn move puts it at risk, churned in every track breaks it', async () => {
      const moved = await call('POST', '/api/partners/s-1/lifecycle', { track: 'resell', stage: 'churned' });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect((await statuses())['sol-ok']).toBe('at-risk');
      const validation = (await call('GET', '/api/solutions/sol-ok/validation')).body;
      expect(validation.checks[1]).toMatchObject({ check: 'members-active', ok: false, failsAs: 'at-risk', detail: 'Serve One churned in track resell, and is still active in its other tracks.' });
      expect((await call('POST', '/api/partners/t-1/lifecycle', { track: 'tech', stage: 'churned' })).status).toBe(200);
      expect((await statuses())['sol-ok']).toBe('broken');
    });

    it('deleting a member breaks a valid solution', async () => {
      // Tech One back, so that the deletion alone decides.
      expect((await call('POST', '/api/partners/t-1/lifecycle', { track: 'tech', stage: 'grow', reason: 'came back' })).status).toBe(200);
      expect((await call('POST', '/api/partners/s-1/lifecycle', { track: 'resell', stage: 'grow', reason: 'came back' })).status).toBe(200);
      expect((await statuses())['sol-ok']).toBe('valid');
      expect((await call('DELETE', '/api/partners/s-1')).status).toBe(204);
      expect((await statuses())['sol-ok']).toBe('broken');
      const validation = (await call('GET', '/api/solutions/sol-ok/validation')).body;
      expect(validation.checks[0]).toMatchObject({ check: 'members-exist', ok: false, failsAs: 'broken' });
      expect(validation.checks[0].detail).toContain('"s-1"');
      expect(validation.members).toContainEqual({ partnerId: 's-1', exists: false, churnedIn: [] });
      // The solution itself still lists its remaining members.
      expect((await call('GET', '/api/solutions/sol-ok')).body.partners).toEqual(['t-1']);
    });
  });
});
