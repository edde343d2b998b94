/**
 * The programme's answers stay what a fresh read of the store gives while the
 * store is written to: the server brings its kept records forward from what
 * each write changed (see server/service/program-records.ts), and after a seeded
 * run of random writes over HTTP (lifecycle moves, deal claims and stages,
 * SERVES and integrations, partners' tiers and capabilities, solutions,
 * deletes of deals, partners and customers) every answer (tiers, funnels, attribution, the solution catalogue)
 * is compared with the pure functions run on the store's full bulk reads,
 * made afresh.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { importBundle } from '../../import/import-bundle.js';
import { attributeDeal, attributionSummary, coalitionStats } from '../../operations/attribution.js';
import { lifecycleFunnel } from '../../operations/funnel.js';
import { validateSolution } from '../../operations/solutions.js';
import { evaluateTiers } from '../../operations/tiers.js';
import type { Deal, Partner } from '../../schemas/model.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore } from '../../test/stores.js';

/** A small seeded generator (mulberry32): the same run of writes every time. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describeStore('programme answers after writes', () => {
  let server: TestServer;
  const bundle = generateBundle({ partners: 150, customers: 300, relationships: 1200, seed: 11, solutions: 12, deals: 40 });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(server.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as any) };
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await call(method, path, body);
    expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    return answer.body;
  };

  beforeAll(async () => {
    server = await startServer({ seed: 'none' });
    const report = await importBundle(server.app.store, bundle);
    expect(report.errors).toEqual([]);
  });
  afterAll(async () => {
    await server.close();
  });

  /** What the routes answer now. */
  async function served() {
    const tracks = ((await ok('GET', '/api/programs')).tracks as Array<{ id: string }>).map((t) => t.id);
    const funnels = [];
    for (const track of tracks) funnels.push(await ok('GET', `/api/lifecycle/funnel?track=${track}`));
    return {
      tiers: (await ok('GET', '/api/tiers/evaluation?limit=1000')).items,
      funnels,
      summary: await ok('GET', '/api/attribution/summary?model=shapley'),
      deals: await Promise.all(bundle.deals.map((d) => call('GET', `/api/deals/${d.id}/attribution?model=shapley`).then((r) => (r.status === 200 ? r.body : null)))),
      solutions: await Promise.all((await ok('GET', '/api/solutions?limit=500')).items.map((s: { id: string }) => ok('GET', `/api/solutions/${s.id}/validation`))),
    };
  }

  /** The same answers from the store's full bulk reads, made now. */
  async function fresh() {
    const store = server.app.store;
    const [programs, standings, activities, histories, catalogue, deals] = await Promise.all([
      store.programs(),
      store.trackStandings(),
      store.partnerActivities(),
      store.lifecycleHistories(),
      store.solutionCatalogue(),
      store.dealRecords(),
    ]);
    const now = new Date();
    // In id order, as the server keeps them: sums over them then add up in the same order.
    deals.sort((a, b) => (a.id < b.id ? -1 : 1));
    const stats = coalitionStats(deals);
    const byId = new Map(deals.map((d) => [d.id, d]));
    return {
      tiers: evaluateTiers(programs, standings, activities, now),
      funnels: programs.map((t) => lifecycleFunnel(t, standings, histories, now)),
      summary: attributionSummary(deals, { model: 'shapley' }, stats),
      deals: bundle.deals.map((d) => (byId.has(d.id) ? attributeDeal(byId.get(d.id)!, 'shapley', { stats }) : null)),
      solutions: catalogue.solutions.map((s) => validateSolution(s, catalogue.members, catalogue.names)),
    };
  }

  /** As JSON (fields left undefined drop out, as they do over HTTP), without the funnels' times of computation. */
  const normalised = (answers: { funnels: Array<{ at?: string }> }) => JSON.parse(JSON.stringify({ ...answers, funnels: answers.funnels.map(({ at: _, ...funnel }) => funnel) })) as unknown;

  it('answers as a fresh read does before any write', async () => {
    expect(normalised(await served())).toEqual(normalised(await fresh()));
  });

  it('answers as a fresh read does after each of a seeded run of random writes', async () => {
    const next = random(7);
    const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
    const partners = bundle.partners.map((p) => p.id);
    // A solution member half the time: the catalogue reads their facts.
    const members = bundle.solutions.flatMap((s) => s.partners);
    const partner = () => (next() < 0.5 ? pick(members) : pick(partners));
    const customers = bundle.customers.map((c) => c.id);
    const capabilities = bundle.capabilities.map((c) => c.id);
    const stages = ['recruit', 'onboard', 'activate', 'grow', 'optimise', 'churned'];
    const writes: Array<() => Promise<{ status: number } | undefined | void>> = [
      // A lifecycle move (a move back with a reason; the current stage is a 400, also fine: nothing written).
      async () => {
        const id = partner();
        const lifecycle = await call('GET', `/api/partners/${id}/lifecycle`);
        if (lifecycle.status !== 200) return;
        const track = pick([...Object.keys(lifecycle.body.stages), 'resell']);
        return call('POST', `/api/partners/${id}/lifecycle`, { track, stage: pick(stages), reason: 'seeded test move' });
      },
      // A deal's claims, stage and partners change.
      async () => {
        const found = await call('GET', `/api/deals/${pick(bundle.deals).id}`);
        if (found.status !== 200) return;
        const deal = found.body as Deal;
        const others = deal.partners.filter(() => next() < 0.7);
        const joining = { partner: partner(), role: pick(['sourcing', 'delivery', 'technology']), claimedShare: Math.round(next() * 100) / 100, registeredAt: new Date(Date.now() - Math.floor(next() * 400) * 86_400_000).toISOString() };
        const changed = { ...deal, stage: pick(['open', 'won', 'lost']), amount: Math.round(next() * 500) * 1000, partners: [...new Map([...others, joining].map((p) => [p.partner, p])).values()] };
        // A partner deleted earlier makes this a 400 that writes nothing: also a case to keep.
        return call('PUT', `/api/deals/${deal.id}`, changed);
      },
      // A SERVES added or changed.
      () => call('PUT', '/api/relationships', { from: partner(), to: pick(customers), type: 'SERVES', role: pick(['resell', 'deliver', 'manage']), annualValue: Math.round(next() * 200) * 1000 }),
      // An integration added.
      async () => {
        const [from, to] = [partner(), partner()];
        if (from !== to) await call('PUT', '/api/relationships', { from, to, type: pick(['INTEGRATES_WITH', 'IMPLEMENTS']) });
      },
      // A relationship deleted.
      async () => {
        const listed = await call('GET', `/api/relationships?node=${partner()}&limit=20`);
        const items = listed.status === 200 ? listed.body.items : [];
        const r = items.length === 0 ? undefined : pick(items as Array<{ from: string; to: string; type: string; role?: string }>);
        if (r !== undefined) await ok('DELETE', `/api/relationships?${new URLSearchParams({ from: r.from, to: r.to, type: r.type, ...(r.role === undefined ? {} : { role: r.role }) })}`);
      },
      // A partner's tier and certified capabilities change.
      async () => {
        const found = (await call('GET', `/api/partners/${partner()}`)).body as Partner | null;
        if (found === null || !('id' in found)) return;
        const held = [...new Set([pick(capabilities), pick(capabilities)])].map((id) => ({ id, level: 'certified', certified: next() < 0.7 }));
        return ok('PUT', `/api/partners/${found.id}`, { ...found, tier: pick(['registered', 'silver', 'gold', 'platinum']), capabilities: held });
      },
      // A solution's members and capabilities change.
      async () => {
        const found = await call('GET', `/api/solutions/${pick(bundle.solutions).id}`);
        if (found.status !== 200) return;
        const kept = (found.body.partners as string[]).filter(() => next() < 0.7);
        return call('PUT', `/api/solutions/${found.body.id}`, { ...found.body, partners: [...new Set([...kept, partner()])], capabilities: [...new Set([pick(capabilities), ...found.body.capabilities.slice(1)])] });
      },
      // A track's tiers redefined (a requirement raised or lowered), rarely.
      async () => {
        if (next() < 0.7) return;
        const { tracks } = await ok('GET', '/api/programs');
        const { id, ...track } = pick(tracks as Array<{ id: string; tiers: Array<{ requirements: Record<string, unknown> }> }>);
        const tiers = track.tiers.map((tier, i) => (i === track.tiers.length - 1 ? { ...tier, requirements: { ...tier.requirements, customers: 1 + Math.floor(next() * 4) } } : tier));
        return call('PUT', `/api/programs/tracks/${id}`, { ...track, tiers });
      },
      // A deal deleted, or a partner (half the time a solution member) or a deal's customer, which take relationships,
      // claims and deals of others with them.
      async () => {
        const roll = next();
        if (roll < 0.3) return call('DELETE', `/api/partners/${partner()}`);
        if (roll < 0.45) return call('DELETE', `/api/customers/${pick(bundle.deals).customer}`);
        return call('DELETE', `/api/deals/${pick(bundle.deals).id}`);
      },
    ];
    for (let round = 0; round < 30; round++) {
      const count = 1 + Math.floor(next() * 3);
      for (let i = 0; i < count; i++) expect((await pick(writes)())?.status ?? 200).toBeLessThan(500);
      expect(normalised(await served()), `after round ${round}`).toEqual(normalised(await fresh()));
    }
  });
});
