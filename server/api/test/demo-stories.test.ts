/**
 * The demo ecosystem's planted stories (seeds/demo/STORIES.md), answered by
 * the real API over a real store: what a user sees on first start.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore } from '../../test/stores.js';
import { evaluateTiers } from '../../operations/tiers.js';
import type { Bundle } from '../../schemas/bundle.js';
import { activitiesFromBundle, standingsFromBundle } from '../../../seeds/demo/programs.js';
import { STORY_IDS } from '../../../seeds/demo/build.js';
import { CONFLICT_STORY, conflictInputsFromBundle } from '../../../seeds/demo/conflicts.js';
import { detectConflicts } from '../../operations/conflicts.js';
import demoBundle from '../../../seeds/demo/bundle.json' with { type: 'json' };

let server: TestServer;
const get = async (path: string) => (await fetch(server.url + path)).json();
const post = async (path: string, body: unknown) =>
  (await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describeStore('the demo ecosystem on first start', () => {
  it('is loaded, with the partner from two systems merged into one', async () => {
    const health = await get('/api/health');
    expect(health.counts).toMatchObject({ partners: 219, customers: 350, capabilities: 37, regions: 6, segments: 4 });
    const acme = await get('/api/partners/prm-40017');
    expect(acme).toMatchObject({ id: 'p-acme-integrators', domain: 'acme-integrators.example', aliases: ['prm-40017'], sources: expect.arrayContaining(['crm', 'prm']) });
  });

  it('ranks the capability nobody covers for public sector as the top gap', async () => {
    const { gaps } = await get('/api/gaps');
    expect(gaps[0]).toMatchObject({ capability: 'cap-fedramp-hosting', region: 'na-east', segment: 'public', demand: 14, supply: 0, action: 'enable' });
    expect(gaps[0].customers).toHaveLength(14);
    expect(gaps[0].nearestSuppliers).toEqual(expect.arrayContaining(['p-stratus-sovereign-cloud', 'p-granite-hosting']));
    const mlOps = gaps.find((g: { capability: string; region: string }) => g.capability === 'cap-ml-ops' && g.region === 'apac');
    expect(mlOps).toMatchObject({ action: 'introduce', qualifiedPartners: ['p-helix-ai'] });
    expect(mlOps.nearestSuppliers).toContain('p-quantive-consulting');
  });

  it('finds the broker between the two clusters, and what removing it would disconnect', async () => {
    const { structural } = await get('/api/gaps');
    expect(structural.articulationPoints).toContain('p-puente-global');
    expect(structural.brokers.slice(0, 3)).toContain('p-puente-global');
    expect(structural.disconnects['p-puente-global']).toHaveLength(36);
    expect([...structural.isolated].sort()).toEqual(['p-greenleaf-it', 'p-kauri-digital', 'p-olivo-systems', 'p-tidepool-advisors']);
    const spof = structural.singlePointsOfFailure.map((s: { id: string; partnerId: string }) => `${s.id}:${s.partnerId}`);
    expect(spof).toEqual(expect.arrayContaining(['cap-quantum-safe-crypto:p-lattice-shield', 'cap-mainframe-modernisation:p-ironbridge-legacy']));
    const metrics = await get('/api/nodes/p-puente-global/metrics');
    expect(metrics).toMatchObject({ isArticulationPoint: true, isBroker: true });
  });

  it('introduces the reseller and the service partner that share 14 customers', async () => {
    const back = await get('/api/partners/p-brightline-consulting/introductions?k=1');
    expect(back.introductions[0].otherPartnerId).toBe('p-keystone-distribution');
    const { introductions } = await get('/api/partners/p-keystone-distribution/introductions?k=5');
    expect(introductions[0]).toMatchObject({ partnerId: 'p-keystone-distribution', otherPartnerId: 'p-brightline-consulting' });
    const shared = introductions[0].signals.find((s: { name: string }) => s.name === 'sharedCustomers');
    expect(shared.evidence).toHaveLength(14);
    const neighbours = (await get('/api/nodes/p-keystone-distribution/neighbourhood')).neighbours.map((n: { id: string }) => n.id);
    for (const i of introductions) expect(neighbours).not.toContain(i.otherPartnerId);
  });

  it('assembles the one cohesive team that covers the Meridian Health deal', async () => {
    const { teams, unmet } = await post('/api/deals/team', { customerId: 'c-meridian-health', roles: ['reseller', 'technology', 'service'] });
    expect(unmet).toBeUndefined();
    expect(teams[0].members.map((m: { partnerId: string }) => m.partnerId).sort()).toEqual(['p-carewell-data', 'p-fjord-digital', 'p-nordic-channel']);
    expect(teams[0].links.length).toBeGreaterThanOrEqual(2);
  });

  it('scores ecosystem health from its documented components', async () => {
    const health = await get('/api/ecosystem/health');
    expect(health.score).toBeGreaterThan(0);
    expect(health.score).toBeLessThanOrEqual(100);
    expect(health.components.map((c: { key: string }) => c.key)).toEqual(['connectivity', 'diversity', 'coverage', 'activation', 'multiPartnerDeals', 'integrationAdoption']);
  });

  it('serves a positioned map that filters and focuses', async () => {
    const all = await get('/api/map');
    expect(all.aggregated).toBe(false);
    expect(all.nodes.length).toBe(219 + 350);
    expect(all.nodes.every((n: { x: number; y: number }) => Number.isFinite(n.x) && Number.isFinite(n.y))).toBe(true);
    const tech = await get('/api/map?type=technology&includeCustomers=false');
    expect(tech.nodes.length).toBe(all.facets.type.technology);
    const fedramp = await get('/api/map?capability=cap-fedramp-hosting');
    expect(fedramp.nodes.length).toBe(all.facets.capability['cap-fedramp-hosting']);
    expect(fedramp.nodes.length).toBeGreaterThan(18);
    const ego = await get('/api/map?focus=p-puente-global&depth=1');
    const neighbours = (await get('/api/nodes/p-puente-global/neighbourhood')).neighbours.filter((n: { kind: string }) => n.kind === 'partner' || n.kind === 'customer');
    expect(ego.nodes.length).toBe(new Set(neighbours.map((n: { id: string }) => n.id)).size + 1);
    const small = await get('/api/map?budget=50');
    expect(small.aggregated).toBe(true);
    expect(small.nodes.every((n: { kind: string }) => n.kind === 'community')).toBe(true);
    expect(small.nodes.reduce((sum: number, n: { count: number }) => sum + n.count, 0)).toBe(all.totalNodes);
  });

  it('attributes the Meridian pilot as STORIES.md lists it, and reports the closed deals by quarter', async () => {
    const shares = async (model: string) => {
      const answer = await get(`/api/deals/d-meridian-pilot/attribution?model=${model}`);
      return Object.fromEntries(answer.shares.map((s: { partnerId: string; share: number }) => [s.partnerId, Math.round(s.share * 1000) / 10]));
    };
    expect(await shares('first-touch')).toEqual({ 'p-carewell-data': 0, 'p-fjord-digital': 0, 'p-nordic-channel': 100 });
    expect(await shares('role-weighted')).toEqual({ 'p-carewell-data': 28.6, 'p-fjord-digital': 28.6, 'p-nordic-channel': 42.9 });
    expect(await shares('shapley')).toEqual({ 'p-carewell-data': 35.5, 'p-fjord-digital': 34.2, 'p-nordic-channel': 30.2 });
    const report = await get('/api/reports/ecosystem');
    expect(report.figures.find((f: { id: string }) => f.id === 'closed-deals').value).toBe(34);
    expect(report.byQuarter.length).toBeGreaterThanOrEqual(5);
  });

  it('reflects a write in the analytics at once', async () => {
    await fetch(`${server.url}/api/relationships`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'p-keystone-distribution', to: 'p-brightline-consulting', type: 'CO_SELLS_WITH' }),
    });
    const { introductions } = await get('/api/partners/p-keystone-distribution/introductions?k=20');
    expect(introductions.map((i: { otherPartnerId: string }) => i.otherPartnerId)).not.toContain('p-brightline-consulting');
  });

  it('evaluates the programme: the planted under- and over-tiered partners, and as the bundle facts say for everyone else', async () => {
    const { underTiered, overTiered, stalled } = STORY_IDS.programmes;
    const all = await get('/api/tiers/evaluation?limit=1000');
    const status = (partner: string, track: string) => all.items.find((e: { partnerId: string; track: string }) => e.partnerId === partner && e.track === track)?.status;
    expect(status(underTiered.partner, underTiered.track)).toBe('under-tiered');
    expect(status(overTiered.partner, overTiered.track)).toBe('over-tiered');
    // The same evaluation from the bundle's facts; the partner from two systems is left out, its facts merged in the store.
    const bundle = demoBundle as unknown as Bundle;
    const merged = new Set<string>([STORY_IDS.duplicate.crm, STORY_IDS.duplicate.prm]);
    const expected = evaluateTiers(bundle.programs!, standingsFromBundle(bundle), activitiesFromBundle(bundle), new Date()).filter((e) => !merged.has(e.partnerId));
    const got = all.items.filter((e: { partnerId: string }) => !merged.has(e.partnerId));
    expect(got.map((e: { partnerId: string; track: string; status: string; qualifiedTier: string }) => `${e.track}/${e.partnerId}:${e.qualifiedTier}:${e.status}`)).toEqual(
      expected.map((e) => `${e.track}/${e.partnerId}:${e.qualifiedTier}:${e.status}`),
    );
    const funnel = await get(`/api/lifecycle/funnel?track=${stalled.track}`);
    const onboard = funnel.stages.find((x: { stage: string }) => x.stage === stalled.stage);
    expect(onboard.stalled.find((x: { partnerId: string }) => x.partnerId === stalled.partner)).toMatchObject({ limit: 90, nextAction: expect.stringContaining(stalled.partner) });
  });
});

describeStore('the demo\'s deal registration conflicts (stories h and k)', () => {
  it('lists a conflict of each kind, the planted deals among them', async () => {
    const { conflicts } = await get('/api/conflicts?limit=1000');
    const dealsOf = (kind: string) => conflicts.filter((c: { kind: string }) => c.kind === kind).flatMap((c: { deals: string[] }) => c.deals);
    expect(dealsOf('over-claimed').sort()).toEqual([...STORY_IDS.conflicts].sort());
    expect(dealsOf('duplicate-registration')).toEqual(CONFLICT_STORY.duplicate.deals);
    expect(dealsOf('channel-conflict')).toContain(CONFLICT_STORY.channel.deal);
    expect(dealsOf('managed-customer')).toEqual([CONFLICT_STORY.managed.deal]);
    expect(conflicts.map((c: { id: string }) => c.id).sort()).toEqual(detectConflicts(conflictInputsFromBundle(demoBundle as unknown as Bundle)).map((c) => c.id).sort());
  });
});
