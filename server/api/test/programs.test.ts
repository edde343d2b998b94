/**
 * Programme tracks, tier evaluation and the lifecycle funnel over HTTP, on a
 * real server over a real store, on a hand-built ecosystem whose answers are
 * worked out below; tier evaluation is also checked against a brute-force
 * computation straight from the bundle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_STAGES } from '../../schemas/model.js';
import type { ProgramTrack, TierRequirements } from '../../schemas/programs.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore } from '../../test/stores.js';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

const PROGRAMS: ProgramTrack[] = [
  {
    id: 'resell',
    partnerTypes: ['reseller'],
    benefits: ['margin', 'deal-registration protection', 'MDF'],
    protectionDays: 90,
    stallLimits: { recruit: 30, onboard: 90, activate: 180 },
    tiers: [
      { id: 'registered', benefits: [], requirements: {} },
      { id: 'silver', benefits: ['10% margin'], requirements: { certifiedCapabilities: 1, stage: 'activate' } },
      { id: 'gold', benefits: ['20% margin'], requirements: { certifiedCapabilities: 2, customers: 2, wonDeals: 1, wonAmount: 100_000 } },
      { id: 'platinum', benefits: ['30% margin'], requirements: { annualValue: 1_000_000 } },
    ],
  },
  {
    id: 'services',
    partnerTypes: ['service'],
    benefits: ['implementation training'],
    stallLimits: {},
    tiers: [
      { id: 'registered', benefits: [], requirements: {} },
      { id: 'silver', benefits: [], requirements: { customers: 1 } },
      { id: 'gold', benefits: [], requirements: { customers: 3, integrations: 2, capabilities: ['cap-a'] } },
    ],
  },
];

const cap = (id: string) => ({ id, level: 'certified', certified: true });
const moves = (track: string, steps: Array<[string, string]>) => steps.map(([to, at], i) => ({ track, at, to, ...(i > 0 ? { from: steps[i - 1]![0] } : {}) }));

function programBundle() {
  return {
    version: 1,
    capabilities: ['cap-a', 'cap-b', 'cap-c'].map((id) => ({ id, name: id })),
    regions: ['emea'],
    segments: ['smb'],
    partners: [
      {
        id: 'p-1', name: 'One', types: ['reseller'], tier: 'registered', capabilities: [cap('cap-a'), cap('cap-b')], lifecycle: { resell: 'grow' },
        lifecycleHistory: moves('resell', [['recruit', '2025-01-01T00:00:00.000Z'], ['onboard', '2025-02-01T00:00:00.000Z'], ['activate', '2025-03-01T00:00:00.000Z'], ['grow', '2025-06-01T00:00:00.000Z']]),
      },
      {
        id: 'p-2', name: 'Two', types: ['reseller'], tier: 'gold', lifecycle: { resell: 'onboard' },
        lifecycleHistory: moves('resell', [['recruit', '2025-01-01T00:00:00.000Z'], ['onboard', '2025-01-11T00:00:00.000Z']]),
      },
      {
        id: 'p-3', name: 'Three', types: ['reseller', 'service'], tier: 'silver', capabilities: [cap('cap-a'), { id: 'cap-c', level: 'advanced', certified: false }],
        lifecycle: { resell: 'activate', services: 'grow' },
        lifecycleHistory: moves('resell', [['recruit', '2025-04-01T00:00:00.000Z'], ['activate', '2025-04-21T00:00:00.000Z']]),
      },
      {
        id: 'p-4', name: 'Four', types: ['reseller'], tier: 'registered', lifecycle: { resell: 'churned' },
        lifecycleHistory: moves('resell', [['recruit', '2025-01-01T00:00:00.000Z'], ['onboard', '2025-01-21T00:00:00.000Z'], ['churned', '2025-03-01T00:00:00.000Z']]),
      },
      { id: 'p-5', name: 'Five', types: ['service'], tier: 'gold', lifecycle: { services: 'optimise' } },
      { id: 'p-6', name: 'Six', types: ['msp'], tier: 'gold', lifecycle: { cloud: 'grow' } },
    ],
    customers: ['c-1', 'c-2', 'c-3'].map((id) => ({ id, name: id, segment: 'smb', region: 'emea' })),
    relationships: [
      { from: 'p-1', to: 'c-1', type: 'SERVES', role: 'resell', annualValue: 100_000 },
      { from: 'p-1', to: 'c-1', type: 'SERVES', role: 'implement', annualValue: 20_000 },
      { from: 'p-1', to: 'c-2', type: 'SERVES', role: 'resell', annualValue: 50_000 },
      { from: 'p-3', to: 'c-1', type: 'SERVES', role: 'implement', annualValue: 10_000 },
      ...['c-1', 'c-2', 'c-3'].map((c) => ({ from: 'p-5', to: c, type: 'SERVES', role: 'implement', annualValue: 300_000 })),
      { from: 'p-3', to: 'p-1', type: 'INTEGRATES_WITH' },
      { from: 'p-5', to: 'p-1', type: 'IMPLEMENTS' },
      { from: 'p-5', to: 'p-3', type: 'IMPLEMENTS' },
      { from: 'p-2', to: 'p-5', type: 'CO_SELLS_WITH' },
    ],
    deals: [
      { id: 'd-1', customer: 'c-1', region: 'emea', amount: 200_000, stage: 'won', partners: [{ partner: 'p-1', role: 'lead', registeredAt: daysAgo(30) }, { partner: 'p-3', role: 'service' }] },
      { id: 'd-2', customer: 'c-2', region: 'emea', amount: 50_000, stage: 'won', partners: [{ partner: 'p-1', role: 'lead', registeredAt: daysAgo(700) }] },
      { id: 'd-3', customer: 'c-3', region: 'emea', amount: 900_000, stage: 'open', partners: [{ partner: 'p-2', role: 'lead' }] },
    ],
    solutions: [],
    programs: PROGRAMS,
  };
}

/** Brute force from the bundle: each partner's facts counted directly, then every tier tried from the top. */
function referenceEvaluation(bundle: ReturnType<typeof programBundle>, programs: ProgramTrack[]) {
  const out: Array<{ partnerId: string; track: string; qualifiedTier: string | null; status: string }> = [];
  for (const track of programs) {
    for (const p of bundle.partners) {
      const stage = (p.lifecycle as Record<string, string | undefined>)[track.id];
      if (stage === undefined) continue;
      const certified = p.capabilities?.filter((c) => c.certified).map((c) => c.id) ?? [];
      const serves = bundle.relationships.filter((r) => r.from === p.id && r.type === 'SERVES');
      const won = bundle.deals.filter((d) => d.stage === 'won').flatMap((d) => d.partners.filter((x) => x.partner === p.id && (!('registeredAt' in x) || Date.now() - Date.parse(x.registeredAt!) < 365 * DAY)).map(() => d));
      const meets = (r: TierRequirements) =>
        (r.certifiedCapabilities ?? 0) <= certified.length &&
        (r.capabilities ?? []).every((c) => certified.includes(c)) &&
        (r.customers ?? 0) <= new Set(serves.map((s) => s.to)).size &&
        (r.annualValue ?? 0) <= serves.reduce((sum, s) => sum + ((s as { annualValue?: number }).annualValue ?? 0), 0) &&
        (r.wonDeals ?? 0) <= won.length &&
        (r.wonAmount ?? 0) <= won.reduce((sum, d) => sum + d.amount, 0) &&
        (r.integrations ?? 0) <= bundle.relationships.filter((x) => x.from === p.id && (x.type === 'INTEGRATES_WITH' || x.type === 'IMPLEMENTS')).length &&
        (r.stage === undefined || (stage !== 'churned' && LIFECYCLE_STAGES.indexOf(stage as never) >= LIFECYCLE_STAGES.indexOf(r.stage)));
      let qualified = -1;
      for (let i = track.tiers.length - 1; i >= 0; i--) if (meets(track.tiers[i]!.requirements)) { qualified = i; break; }
      const current = track.tiers.findIndex((t) => t.id === p.tier);
      out.push({ partnerId: p.id, track: track.id, qualifiedTier: qualified < 0 ? null : track.tiers[qualified]!.id, status: qualified > current ? 'under-tiered' : qualified < current ? 'over-tiered' : 'ok' });
    }
  }
  return out.sort((a, b) => (a.track + '\u0000' + a.partnerId < b.track + '\u0000' + b.partnerId ? -1 : 1));
}

describeStore('programmes', () => {
  let server: TestServer;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(server.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };

  beforeAll(async () => {
    server = await startServer({ seed: 'none' });
    const imported = await call('POST', '/api/import', programBundle());
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  });
  afterAll(async () => {
    await server.close();
  });

  describe('programme tracks', () => {
    it('stores the programme from the bundle and gives it back, tiers in order', async () => {
      const { status, body } = await call('GET', '/api/programs');
      expect(status).toBe(200);
      expect(body.tracks).toEqual(PROGRAMS);
    });

    it('exports the programme in JSON and CSV, and a re-import gives the same programme', async () => {
      const exported = (await call('GET', '/api/export')).body;
      expect(exported.programs).toEqual(PROGRAMS);
    });

    it('defines, replaces and undefines a track; bad input is refused naming the field and writes nothing', async () => {
      const cloud = { partnerTypes: ['msp'], benefits: ['managed-service margin'], stallLimits: { onboard: 60 }, tiers: [{ id: 'registered' }, { id: 'gold', requirements: { customers: 5 } }] };
      const put = await call('PUT', '/api/programs/tracks/cloud', cloud);
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ id: 'cloud', partnerTypes: ['msp'], benefits: ['managed-service margin'], stallLimits: { onboard: 60 }, tiers: [{ id: 'registered', benefits: [], requirements: {} }, { id: 'gold', benefits: [], requirements: { customers: 5 } }] });
      const bad = await call('PUT', '/api/programs/tracks/cloud', { tiers: [{ id: 'gold', requirements: { capabilities: ['cap-nope'] } }] });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('body.tiers.0.requirements.capabilities');
      const twice = await call('PUT', '/api/programs/tracks/cloud', { tiers: [{ id: 'gold' }, { id: 'gold' }] });
      expect(twice.status).toBe(400);
      expect(twice.body.details[0].field).toBe('body.tiers.1.id');
      const unknownRequirement = await call('PUT', '/api/programs/tracks/cloud', { tiers: [{ id: 'gold', requirements: { employees: 3 } }] });
      expect(unknownRequirement.status).toBe(400);
      // An empty or misspelt body would define an empty track; an odd id is refused as every other id is.
      const empty = await call('PUT', '/api/programs/tracks/cloud', {});
      expect([empty.status, empty.body.details[0].field]).toEqual([400, 'body']);
      const misspelt = await call('PUT', '/api/programs/tracks/cloud', { tires: [{ id: 'gold' }] });
      expect([misspelt.status, misspelt.body.details[0].field]).toEqual([400, 'body.tires']);
      const odd = ['a%20b', '%09', 'a%2Fb', '%00x'];
      const refused = await Promise.all(odd.map(async (id) => await call('PUT', `/api/programs/tracks/${id}`, { name: 'Odd' })));
      expect(refused.map((r) => [r.status, r.body.details[0].field])).toEqual(odd.map(() => [400, 'params.id']));
      expect((await call('GET', '/api/programs')).body.tracks.map((t: { id: string }) => t.id)).toEqual(['cloud', 'resell', 'services']);
      expect((await call('GET', '/api/programs')).body.tracks.find((t: { id: string }) => t.id === 'cloud')).toEqual(put.body);
      // p-6 (gold, 0 customers) is over-tiered in the new track.
      expect((await call('GET', '/api/tiers/evaluation?track=cloud')).body.items.map((e: { partnerId: string; status: string }) => `${e.partnerId}:${e.status}`)).toEqual(['p-6:over-tiered']);
      expect((await call('DELETE', '/api/programs/tracks/cloud')).status).toBe(204);
      expect((await call('DELETE', '/api/programs/tracks/cloud')).status).toBe(404);
      expect((await call('GET', '/api/programs')).body.tracks.map((t: { id: string }) => t.id)).toEqual(['resell', 'services']);
      // The partner's stage in the track stays.
      expect((await call('GET', '/api/partners/p-6/lifecycle')).body.stages).toEqual({ cloud: { stage: 'grow', since: expect.any(String) } });
    });
  });

  describe('tier evaluation', () => {
    it('finds under- and over-tiered partners, with the requirements that say why', async () => {
      const { status, body } = await call('GET', '/api/tiers/evaluation');
      expect(status).toBe(200);
      const brief = body.items.map((e: { partnerId: string; track: string; qualifiedTier: string | null; status: string }) => ({ partnerId: e.partnerId, track: e.track, qualifiedTier: e.qualifiedTier, status: e.status }));
      expect(brief).toEqual(referenceEvaluation(programBundle(), PROGRAMS));
      expect(brief.map((e: { partnerId: string; track: string; qualifiedTier: string; status: string }) => `${e.track}/${e.partnerId}:${e.qualifiedTier}:${e.status}`)).toEqual([
        'resell/p-1:gold:under-tiered',
        'resell/p-2:registered:over-tiered',
        'resell/p-3:silver:ok',
        'resell/p-4:registered:ok',
        'services/p-3:silver:ok',
        'services/p-5:silver:over-tiered',
      ]);
      expect(body.counts).toEqual({ ok: 3, 'under-tiered': 1, 'over-tiered': 2 });
      const p1 = body.items[0];
      // Only d-1 is within 12 months (d-2 was registered 700 days ago); c-1 served twice counts once.
      expect(p1.requirements).toEqual([
        { requirement: 'certifiedCapabilities', required: 2, actual: 2, met: true },
        { requirement: 'customers', required: 2, actual: 2, met: true },
        { requirement: 'wonDeals', required: 1, actual: 1, met: true },
        { requirement: 'wonAmount', required: 100_000, actual: 200_000, met: true },
      ]);
      const p5 = body.items.at(-1);
      expect(p5.requirements).toEqual([
        { requirement: 'capabilities', required: ['cap-a'], actual: [], met: false },
        { requirement: 'customers', required: 3, actual: 3, met: true },
        { requirement: 'integrations', required: 2, actual: 2, met: true },
      ]);
    });

    it('filters by track, partner, tier and status, and pages', async () => {
      const ids = async (query: string) => (await call('GET', `/api/tiers/evaluation?${query}`)).body.items.map((e: { track: string; partnerId: string }) => `${e.track}/${e.partnerId}`);
      expect(await ids('track=services')).toEqual(['services/p-3', 'services/p-5']);
      expect(await ids('partner=p-3')).toEqual(['resell/p-3', 'services/p-3']);
      expect(await ids('tier=gold')).toEqual(['resell/p-2', 'services/p-5']);
      expect(await ids('status=over-tiered')).toEqual(['resell/p-2', 'services/p-5']);
      const first = (await call('GET', '/api/tiers/evaluation?limit=4')).body;
      const second = (await call('GET', `/api/tiers/evaluation?limit=4&cursor=${first.nextCursor}`)).body;
      expect([...first.items, ...second.items].map((e: { partnerId: string }) => e.partnerId)).toEqual(['p-1', 'p-2', 'p-3', 'p-4', 'p-3', 'p-5']);
      expect(second.nextCursor).toBeNull();
    });

    it('refuses an unknown track, tier or status naming the field', async () => {
      for (const [query, field] of [['track=nope', 'querystring.track'], ['tier=diamond', 'querystring.tier'], ['status=fine', 'querystring.status'], ['cursor=xx', 'querystring.cursor']] as const) {
        const { status, body } = await call('GET', `/api/tiers/evaluation?${query}`);
        expect(status, query).toBe(400);
        expect(body.details[0].field, query).toBe(field);
      }
      expect((await call('GET', '/api/tiers/evaluation?partner=p-nobody')).status).toBe(404);
    });

    it('follows a write at once (its reads are kept per store version, not longer)', async () => {
      const status = async () => (await call('GET', '/api/tiers/evaluation?partner=p-1&track=resell')).body.items[0].status;
      expect(await status()).toBe('under-tiered');
      const p1 = (await call('GET', '/api/partners/p-1')).body;
      expect((await call('PUT', '/api/partners/p-1', { ...p1, tier: 'gold' })).status).toBe(200);
      expect(await status()).toBe('ok');
      expect((await call('PUT', '/api/partners/p-1', p1)).status).toBe(200);
      expect(await status()).toBe('under-tiered');
    });
  });

  it('documents the programme routes in the OpenAPI document, tagged programs', async () => {
    const { paths } = (await call('GET', '/docs/json')).body;
    for (const [path, method] of [['/api/programs', 'get'], ['/api/programs/tracks/{id}', 'put'], ['/api/programs/tracks/{id}', 'delete'], ['/api/tiers/evaluation', 'get'], ['/api/lifecycle/funnel', 'get']]) {
      expect(paths[path!]?.[method!]?.tags, `${method} ${path}`).toEqual(['programs']);
    }
  });

  describe('lifecycle funnel', () => {
    it('counts, converts, times and finds the stalled partners of a track', async () => {
      const { status, body } = await call('GET', '/api/lifecycle/funnel?track=resell');
      expect(status).toBe(200);
      const byStage = Object.fromEntries(body.stages.map((s: { stage: string }) => [s.stage, s]));
      expect(body.stages.map((s: { stage: string; count: number }) => `${s.stage}:${s.count}`)).toEqual(['recruit:0', 'onboard:1', 'activate:1', 'grow:1', 'optimise:0', 'churned:1']);
      // Reached recruit: 1, 2, 3, 4, all moved on; onboard: 1, 2, 4, only 1 moved further (4 churned); activate: 1, 3, only 1 moved on.
      expect(body.stages.map((s: { conversion: number | null }) => s.conversion)).toEqual([1, 0.333, 0.5, 0, null, null]);
      // Days at recruit: 31, 10, 20, 20; at onboard: 28, 39; at activate: 92.
      expect(body.stages.map((s: { medianDays: number | null }) => s.medianDays)).toEqual([20, 33.5, 92, null, null, null]);
      expect(byStage.onboard.stalled.map((s: { partnerId: string; limit: number }) => `${s.partnerId}:${s.limit}`)).toEqual(['p-2:90']);
      expect(byStage.onboard.stalled[0].days).toBe(Math.floor((Date.now() - Date.parse('2025-01-11T00:00:00.000Z')) / DAY));
      expect(byStage.onboard.stalled[0].nextAction).toMatch(/^Get p-2 through onboarding/);
      expect(byStage.activate.stalled.map((s: { partnerId: string }) => s.partnerId)).toEqual(['p-3']);
      expect(byStage.grow.stalled).toEqual([]);
      expect(byStage.grow.stallLimitDays).toBeNull();
    });

    it('refuses an unknown or missing track naming the field', async () => {
      for (const query of ['track=nope', '']) {
        const { status, body } = await call('GET', `/api/lifecycle/funnel?${query}`);
        expect(status).toBe(400);
        expect(body.details[0].field).toBe('querystring.track');
      }
    });
  });
});
