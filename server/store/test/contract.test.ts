/**
 * The store contract: every Cypher statement, run for real through the
 * GraphStore, on the engine under test (vitest projects "embedded" and "neo4j").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { bundleJson } from '../../import/export-json.js';
import { decideReview } from '../../import/review.js';
import { importBundle } from '../../import/import-bundle.js';
import type { RelationshipListQuery } from '../../schemas/api.js';
import type { Relationship } from '../../schemas/model.js';
import type { Executor } from '../executor.js';
import { nameBlock, normaliseName } from '../records.js';
import { loadQueries, QUERY_NAMES } from '../queries.js';
import { declaredParams } from '../../test/cypher-headers.js';
import { writeContext } from '../audit.js';

const queries = loadQueries();
import { tinyBundle } from '../../test/fixtures.js';
import { describeStore, grafeoTestStore, openTestStore, TEST_STORE, type TestStore } from '../../test/stores.js';

describeStore(`store contract on ${TEST_STORE}`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('starts empty at version 0', async () => {
    expect(await t.store.version()).toBe(0);
    expect(await t.store.identity()).toEqual({ version: 0, storeId: null });
    expect(await t.store.counts()).toMatchObject({ partners: 0, customers: 0, relationships: 0 });
  });

  it('imports a bundle and counts it', async () => {
    const report = await importBundle(t.store, tinyBundle());
    expect(report.errors).toEqual([]);
    expect(report.committed).toBe(true);
    expect(await t.store.version()).toBe(report.version);
    // The first write gives the store its id, which later writes keep.
    const { storeId } = await t.store.identity();
    expect(storeId).toMatch(/^[0-9a-f-]{36}$/);
    await importBundle(t.store, tinyBundle());
    expect(await t.store.identity()).toEqual({ version: report.version + 1, storeId });
    expect(await t.store.counts()).toEqual({
      partners: 3, customers: 2, capabilities: 3, regions: 2, segments: 2, deals: 1, solutions: 1,
      // 9 partner/customer links + memberships (acme 3, helix 5, nimbus 3) + the deal's customer,
      // region, need and two partners + the solution's two partners and two capabilities + three track
      // stages + three recorded moves (entering those tracks), each linked to its partner and track
      relationships: 9 + 11 + 5 + 4 + 3 + 3 * 2,
    });
  });

  it('reads a partner with its memberships and lifecycle', async () => {
    const p = await t.store.getPartner('p-acme');
    expect(p).toMatchObject({
      id: 'p-acme', name: 'Acme Integrators', domain: 'acme.example', types: ['service', 'reseller'], tier: 'gold',
      regions: ['emea'], segments: ['enterprise'], capabilities: [{ id: 'cap-siem', level: 'certified', certified: true }],
      lifecycle: { services: 'grow', resell: 'activate' }, revenue: 1200000, sources: ['crm'],
    });
    expect((await t.store.getPartner('p-nimbus'))?.capabilities).toEqual([{ id: 'cap-lake', level: 'basic', certified: false }]);
    expect(await t.store.getPartner('nobody')).toBeNull();
  });

  it('reads customers, capabilities, deals and solutions', async () => {
    expect(await t.store.getCustomer('c-globex')).toMatchObject({ segment: 'enterprise', region: 'emea', needs: ['cap-siem', 'cap-ml'] });
    expect(await t.store.getCustomer('nobody')).toBeNull();
    expect(await t.store.getCapability('cap-ml')).toEqual({ id: 'cap-ml', name: 'ML ops', category: 'ai' });
    expect(await t.store.getDeal('d-1')).toEqual({
      id: 'd-1', customer: 'c-globex', region: 'emea', needs: ['cap-siem'], amount: 500000, stage: 'proposal',
      partners: [
        { partner: 'p-acme', role: 'service', claimedShare: 0.6 },
        { partner: 'p-helix', role: 'technology', claimedShare: 0.5, registeredAt: '2026-01-05T09:00:00.000Z' },
      ],
    });
    // Lists of references come back sorted: edges have no order.
    expect(await t.store.getSolution('s-secure-ml')).toEqual({ id: 's-secure-ml', name: 'Secure ML platform', partners: ['p-acme', 'p-helix'], capabilities: ['cap-ml', 'cap-siem'] });
    expect(await t.store.getDeal('nobody')).toBeNull();
    expect(await t.store.getSolution('nobody')).toBeNull();
  });

  it('reads every deal for attribution, partners with their types, and counts integrated technology partners', async () => {
    const records = await t.store.dealRecords();
    expect(records.map((d) => ({ ...d, partners: [...d.partners].sort((a, b) => a.partner.localeCompare(b.partner)) }))).toEqual([
      {
        id: 'd-1', stage: 'proposal', amount: 500000,
        partners: [
          { partner: 'p-acme', role: 'service', types: ['service', 'reseller'] },
          { partner: 'p-helix', role: 'technology', registeredAt: '2026-01-05T09:00:00.000Z', types: ['technology'] },
        ],
      },
    ]);
    expect(await t.store.integrationAdoption()).toEqual({ technology: 1, integrated: 1 });
    expect(await t.store.dealRecordsOf(['d-1', 'd-unknown'])).toEqual(records);
  });

  it('reads what solution validation and customer fit need, in bulk', async () => {
    const { solutions, members, names } = await t.store.solutionCatalogue();
    // Helix also integrates with Nimbus, which is in no solution: members' relations only.
    expect(solutions).toEqual([{ id: 's-secure-ml', name: 'Secure ML platform', declared: ['p-acme', 'p-helix'], partners: ['p-acme', 'p-helix'], capabilities: ['cap-ml', 'cap-siem'] }]);
    expect([...members.values()].sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([
      { id: 'p-acme', name: 'Acme Integrators', types: ['service', 'reseller'], stages: [{ track: 'resell', stage: 'activate' }, { track: 'services', stage: 'grow' }], regions: ['emea'], capabilities: ['cap-siem'], related: ['p-helix'] },
      { id: 'p-helix', name: 'Helix AI', types: ['technology'], stages: [], regions: ['apac', 'emea'], capabilities: ['cap-ml'], related: ['p-acme'] },
    ]);
    expect(names.regions.get('emea')).toBeDefined();
    expect(names.capabilities.size).toBe(3);
    // The keyed reads give the bulk reads' records for the ids asked (a partner in no solution, an unknown id: none).
    expect(await t.store.solutionsOf(['s-secure-ml', 's-unknown'])).toEqual(solutions);
    expect((await t.store.memberFactsOf(['p-helix', 'p-nimbus', 'p-unknown', 'p-acme'])).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([members.get('p-acme'), members.get('p-helix')]);
    // Stated needs, then those of its open deal not stated (d-1 needs cap-siem, already stated).
    expect(await t.store.customerSolutionContext('c-globex')).toEqual({ id: 'c-globex', name: 'Globex', region: 'emea', needs: ['cap-siem', 'cap-ml'], servedBy: ['p-acme', 'p-helix'] });
    expect(await t.store.customerSolutionContext('nobody')).toBeNull();
  });

  it('holds deals, solutions and lifecycles as relationships, not as properties', async () => {
    expect(await t.store.relationshipsByType()).toEqual({
      INTEGRATES_WITH: 1, IMPLEMENTS: 1, RESELLS: 1, REFERS_TO: 1, CO_SELLS_WITH: 1, SERVES: 4,
      HAS_CAPABILITY: 3, OPERATES_IN: 4, SERVES_SEGMENT: 4,
      FOR: 1, IN_REGION: 1, NEEDS: 1, PARTICIPATES_IN: 2, CONTRIBUTES_TO: 2, PROVIDES: 2, IN_TRACK: 3, HAS_TRANSITION: 3, ON_TRACK: 3,
    });
    // A deal node keeps only its own scalars: a leftover JSON or list property would show up in the record.
    expect((await t.store.list('deals', { limit: 1 })).items).toEqual([await t.store.getDeal('d-1')]);
    const ids = async (stage: 'grow' | 'activate' | 'onboard' | 'recruit') => (await t.store.listPartners({ limit: 50, stage })).items.map((p) => p.id);
    expect(await ids('grow')).toEqual(['p-acme']);
    expect(await ids('activate')).toEqual(['p-acme']);
    expect(await ids('recruit')).toEqual([]);
  });

  it('replaces the edges of a deal, a solution and a lifecycle on upsert, leaving none stale', async () => {
    const before = await t.store.relationshipsByType();
    const deal = { id: 'd-2', customer: 'c-globex', region: 'emea', needs: ['cap-ml', 'cap-siem'], stage: 'open', partners: [{ partner: 'p-acme', role: 'service' }, { partner: 'p-helix', role: 'technology' }] };
    const solution = { id: 's-2', name: 'Lake ops', partners: ['p-acme', 'p-helix'], capabilities: ['cap-ml'] };
    await t.store.write(async (w) => {
      await w.upsertDeals([deal]);
      await w.upsertSolutions([solution]);
    });
    const moved = { ...deal, customer: 'c-initech', region: 'apac', needs: ['cap-lake'], partners: [{ partner: 'p-nimbus', role: 'msp', claimedShare: 1, registeredAt: '2026-02-01T00:00:00.000Z' }] };
    const nimbus = (await t.store.getPartner('p-nimbus'))!;
    await t.store.write(async (w) => {
      await w.upsertDeals([moved]);
      await w.upsertSolutions([{ ...solution, partners: ['p-nimbus'], capabilities: ['cap-lake', 'cap-ml'] }]);
      await w.upsertPartners([{ ...nimbus, lifecycle: { resell: 'recruit' } }]);
    });
    expect(await t.store.getDeal('d-2')).toEqual(moved);
    expect(await t.store.getSolution('s-2')).toEqual({ ...solution, partners: ['p-nimbus'], capabilities: ['cap-lake', 'cap-ml'] });
    expect((await t.store.getPartner('p-nimbus'))?.lifecycle).toEqual({ resell: 'recruit' });
    const after = await t.store.relationshipsByType();
    const added = Object.fromEntries(Object.keys(after).map((type) => [type, after[type]! - (before[type] ?? 0)]));
    expect(added).toMatchObject({ FOR: 1, IN_REGION: 1, NEEDS: 1, PARTICIPATES_IN: 1, CONTRIBUTES_TO: 1, PROVIDES: 2, IN_TRACK: 0 });
    await t.store.write(async (w) => {
      await w.delete('deals', 'd-2');
      await w.delete('solutions', 's-2');
      await w.upsertPartners([nimbus]);
    });
    // Every edge is as before but the lifecycle's: entering resell and re-entering cloud are two moves recorded.
    const { HAS_TRANSITION: moves, ON_TRACK: moveTracks, ...rest } = await t.store.relationshipsByType();
    const { HAS_TRANSITION: movesBefore, ON_TRACK: _, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect([moves! - movesBefore!, moveTracks! - movesBefore!]).toEqual([2, 2]);
    const history = (await t.store.getLifecycle('p-nimbus'))!.history;
    expect(history.map((x) => [x.track, x.from ?? null, x.to, x.author])).toEqual([
      ['cloud', null, 'onboard', 'crm'],
      ['resell', null, 'recruit', 'crm'],
      ['cloud', null, 'onboard', 'crm'],
    ]);
  });

  it('records lifecycle moves as LifecycleTransition nodes between partner and track, and exports them', async () => {
    expect(await t.store.tracks()).toEqual(['cloud', 'resell', 'services']);
    const entered = (await t.store.getLifecycle('p-acme'))!;
    expect(entered.history.map((x) => [x.track, x.from ?? null, x.to, x.author])).toEqual([['resell', null, 'activate', 'crm'], ['services', null, 'grow', 'crm']]);
    expect(entered.stages.resell).toEqual({ stage: 'activate', since: entered.history[0]!.at });
    expect(await t.store.getLifecycle('nobody')).toBeNull();

    const move = { track: 'resell', at: new Date().toISOString(), from: 'activate', to: 'grow', reason: 'first deal closed', author: 'ana' } as const;
    await t.store.write((w) => w.recordMove('p-acme', move));
    const moved = (await t.store.getLifecycle('p-acme'))!;
    expect(moved.stages.resell).toEqual({ stage: 'grow', since: move.at });
    expect(moved.history.at(-1)).toEqual(move);
    expect((await t.store.getPartner('p-acme'))?.lifecycle).toEqual({ resell: 'grow', services: 'grow' });
    expect((await t.store.listPartners({ limit: 10, stage: 'activate' })).items).toEqual([]);
    // At one stage in two tracks, one item of the page.
    expect((await t.store.listPartners({ limit: 10, stage: 'grow' })).items.map((p) => p.id)).toEqual(['p-acme']);

    // An update that leaves the stages alone records nothing; the history travels in the export.
    await t.store.write(async (w) => w.upsertPartners([(await t.store.getPartner('p-acme'))!]));
    expect((await t.store.getLifecycle('p-acme'))!.history).toEqual(moved.history);
    const exported = (await t.store.exportBundle()).partners.find((p) => p.id === 'p-acme');
    expect(exported?.lifecycleHistory).toEqual(moved.history);

    // A given history replaces the stored one; a stage it does not end at is recorded as a move from its last stage.
    const given = [{ track: 'resell', at: '2025-01-01T00:00:00.000Z', to: 'onboard', author: 'prm' }] as const;
    await t.store.write(async (w) => w.upsertPartners([{ ...(await t.store.getPartner('p-acme'))!, lifecycleHistory: [...given] }]));
    const replaced = (await t.store.getLifecycle('p-acme'))!;
    expect(replaced.history.map((x) => [x.track, x.from ?? null, x.to])).toEqual([['resell', null, 'onboard'], ['resell', 'onboard', 'grow'], ['services', null, 'grow']]);

    await t.store.write(async (w) => w.upsertPartners([{ ...(await t.store.getPartner('p-acme'))!, lifecycleHistory: entered.history }]));
    await t.store.write(async (w) => w.recordMove('p-acme', { track: 'resell', at: new Date(Date.now() + 1000).toISOString(), from: 'grow', to: 'activate', reason: 'back to the fixture' }));
    // The store holds the fixture's stages again, with one move more each way.
    expect((await t.store.getPartner('p-acme'))?.lifecycle).toEqual({ services: 'grow', resell: 'activate' });
  });

  it('deleting a partner drops it from deals and solutions; deleting a customer deletes its deals', async () => {
    await t.store.write(async (w) => {
      await w.upsertPartners([{ id: 'p-gone', name: 'Gone', types: ['referral'], tier: 'registered', regions: [], segments: [], capabilities: [], lifecycle: { resell: 'grow' }, sources: [], aliases: [] }]);
      await w.upsertCustomers([{ id: 'c-gone', name: 'Gone Corp', segment: 'smb', region: 'apac', needs: [], sources: [], aliases: [] }]);
      await w.upsertDeals([
        { id: 'd-kept', customer: 'c-globex', region: 'emea', needs: [], stage: 'open', partners: [{ partner: 'p-gone', role: 'referral' }, { partner: 'p-acme', role: 'service' }] },
        { id: 'd-gone', customer: 'c-gone', region: 'apac', needs: [], stage: 'open', partners: [{ partner: 'p-acme', role: 'service' }] },
      ]);
      await w.upsertSolutions([{ id: 's-kept', name: 'Kept', partners: ['p-gone', 'p-helix'], capabilities: [] }]);
    });
    const before = await t.store.relationshipsByType();
    await t.store.write((w) => w.delete('partners', 'p-gone'));
    expect((await t.store.getDeal('d-kept'))?.partners).toEqual([{ partner: 'p-acme', role: 'service' }]);
    expect((await t.store.getSolution('s-kept'))?.partners).toEqual(['p-helix']);
    // The solution keeps the members it was written with: validation tells the deleted one by its absence.
    expect((await t.store.solutionCatalogue()).solutions.find((s) => s.id === 's-kept')).toMatchObject({ declared: ['p-gone', 'p-helix'], partners: ['p-helix'] });
    const after = await t.store.relationshipsByType();
    const lost = Object.fromEntries(['PARTICIPATES_IN', 'CONTRIBUTES_TO', 'IN_TRACK', 'HAS_TRANSITION', 'ON_TRACK'].map((type) => [type, before[type]! - after[type]!]));
    // ON_TRACK going down too shows the partner's move went with it, not just the edge to it.
    expect(lost).toEqual({ PARTICIPATES_IN: 1, CONTRIBUTES_TO: 1, IN_TRACK: 1, HAS_TRANSITION: 1, ON_TRACK: 1 });
    await t.store.write((w) => w.delete('customers', 'c-gone'));
    expect(await t.store.getDeal('d-gone')).toBeNull();
    expect(await t.store.getDeal('d-kept')).not.toBeNull();
    await t.store.write(async (w) => {
      await w.delete('deals', 'd-kept');
      await w.delete('solutions', 's-kept');
    });
  });

  it('lists partners by every filter, with cursor pagination', async () => {
    const ids = async (q: Record<string, unknown>) => (await t.store.listPartners({ limit: 50, ...q })).items.map((p) => p.id);
    expect(await ids({})).toEqual(['p-acme', 'p-helix', 'p-nimbus']);
    expect(await ids({ type: 'technology' })).toEqual(['p-helix']);
    expect(await ids({ tier: 'gold' })).toEqual(['p-acme']);
    expect(await ids({ region: 'apac' })).toEqual(['p-helix', 'p-nimbus']);
    expect(await ids({ segment: 'smb' })).toEqual(['p-helix', 'p-nimbus']);
    expect(await ids({ capability: 'cap-siem' })).toEqual(['p-acme']);
    expect(await ids({ stage: 'onboard' })).toEqual(['p-nimbus']);
    expect(await ids({ q: 'HELIX' })).toEqual(['p-helix']);
    expect(await ids({ q: 'acme.example' })).toEqual(['p-acme']);
    // A field and a membership filter together, and memberships together: five statements serve the list, one
    // without membership filters (partners/list-by-fields.cypher) and one starting from each kind of membership.
    expect(await ids({ type: 'technology', region: 'apac' })).toEqual(['p-helix']);
    expect(await ids({ tier: 'gold', region: 'apac' })).toEqual([]);
    expect(await ids({ q: 'nimbus', segment: 'smb' })).toEqual(['p-nimbus']);
    expect(await ids({ type: 'technology', stage: 'onboard' })).toEqual([]);
    expect(await ids({ capability: 'cap-siem', stage: 'grow', region: 'emea' })).toEqual(['p-acme']);
    expect(await ids({ capability: 'cap-siem', stage: 'onboard' })).toEqual([]);
    expect(await ids({ region: 'apac', segment: 'smb', stage: 'onboard' })).toEqual(['p-nimbus']);
    expect(await ids({ segment: 'smb', stage: 'onboard', capability: 'cap-siem' })).toEqual([]);
    expect(await ids({ stage: 'onboard', region: 'emea' })).toEqual([]);
    const anchored = await t.store.listPartners({ limit: 1, region: 'apac' });
    expect(anchored.items.map((p) => p.id)).toEqual(['p-helix']);
    expect((await t.store.listPartners({ limit: 1, region: 'apac', cursor: anchored.nextCursor! })).items.map((p) => p.id)).toEqual(['p-nimbus']);
    const first = await t.store.listPartners({ limit: 2 });
    expect(first.items.map((p) => p.id)).toEqual(['p-acme', 'p-helix']);
    const second = await t.store.listPartners({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((p) => p.id)).toEqual(['p-nimbus']);
    expect(second.nextCursor).toBeNull();
  });

  it('lists customers by filter and the other entities by page', async () => {
    const ids = async (q: Record<string, unknown>) => (await t.store.listCustomers({ limit: 50, ...q })).items.map((c) => c.id);
    expect(await ids({ region: 'apac' })).toEqual(['c-initech']);
    expect(await ids({ segment: 'enterprise' })).toEqual(['c-globex']);
    expect(await ids({ capability: 'cap-lake' })).toEqual(['c-initech']);
    expect(await ids({ industry: 'manufacturing' })).toEqual(['c-globex']);
    expect(await ids({ q: 'init' })).toEqual(['c-initech']);
    const caps = await t.store.list('capabilities', { limit: 2 });
    expect(caps.items.map((c) => c.id)).toEqual(['cap-lake', 'cap-ml']);
    expect((await t.store.list('capabilities', { limit: 2, cursor: caps.nextCursor! })).items.map((c) => c.id)).toEqual(['cap-siem']);
    expect((await t.store.list('regions', { limit: 10 })).items).toEqual([{ id: 'apac', name: 'Asia Pacific' }, { id: 'emea' }]);
    expect((await t.store.list('segments', { limit: 10 })).items.map((s) => s.id)).toEqual(['enterprise', 'smb']);
    // The whole catalogue in one read (what a write checks against) holds what the pages hold, in the same order.
    expect(await t.store.catalogue()).toEqual({
      regions: (await t.store.list('regions', { limit: 10 })).items,
      segments: (await t.store.list('segments', { limit: 10 })).items,
      capabilities: (await t.store.list('capabilities', { limit: 10 })).items,
    });
    expect((await t.store.list('deals', { limit: 10 })).items.map((d) => d.id)).toEqual(['d-1']);
    const deal = (await t.store.list('deals', { limit: 10 })).items[0]!;
    expect((await t.store.listDealsOf(deal.customer, { limit: 10 })).items).toEqual([deal]);
    expect((await t.store.listDealsOf('c-nobody', { limit: 10 })).items).toEqual([]);
    expect((await t.store.list('solutions', { limit: 10 })).items.map((s) => s.id)).toEqual(['s-secure-ml']);
  });

  it('lists relationships by node and type', async () => {
    const all = await t.store.listRelationships({ limit: 100 });
    expect(all.items).toHaveLength(9);
    const serves = await t.store.listRelationships({ limit: 100, type: 'SERVES', node: 'c-globex' });
    expect(serves.items.map((r) => (r.type === 'SERVES' ? `${r.from}:${r.role}` : ''))).toEqual(['p-acme:implement', 'p-acme:resell', 'p-helix:integrate']);
    const page = await t.store.listRelationships({ limit: 5 });
    const rest = await t.store.listRelationships({ limit: 5, cursor: page.nextCursor! });
    expect(page.items.length + rest.items.length).toBe(9);
  });

  it('returns a node neighbourhood in both directions', async () => {
    const n = await t.store.neighbourhood('p-acme');
    expect(n?.find((x) => x.id === 'p-helix' && x.type === 'IMPLEMENTS')).toMatchObject({ direction: 'out', kind: 'partner', name: 'Helix AI' });
    expect(n?.find((x) => x.type === 'REFERS_TO')).toMatchObject({ id: 'p-nimbus', direction: 'in' });
    expect(n?.find((x) => x.type === 'HAS_CAPABILITY')).toMatchObject({ id: 'cap-siem', kind: 'capability', properties: { level: 'certified' } });
    const c = await t.store.neighbourhood('c-globex');
    expect(c?.filter((x) => x.type === 'SERVES')).toHaveLength(3);
    expect(await t.store.neighbourhood('nobody')).toBeNull();
  });

  it("gives each neighbour the relationship's stored properties, no more", async () => {
    const { relationships, partners } = await t.store.exportBundle();
    for (const id of ['p-acme', 'c-globex']) {
      for (const n of (await t.store.neighbourhood(id))!) {
        if (n.kind === 'capability') {
          const held = partners.find((p) => p.id === id)!.capabilities.find((c) => c.id === n.id)!;
          expect(n.properties).toMatchObject({ level: held.level, certified: held.certified });
          continue;
        }
        if (n.kind !== 'partner' && n.kind !== 'customer') continue;
        const [from, to] = n.direction === 'out' ? [id, n.id] : [n.id, id];
        const stored = relationships.filter((r) => r.from === from && r.to === to && r.type === n.type && ('role' in r ? r.role : undefined) === n.properties.role);
        expect(stored).toHaveLength(1);
        const { from: _from, to: _to, type: _type, ...properties } = stored[0]!;
        expect(n.properties).toEqual(properties);
      }
    }
  });

  it('exports a bundle that re-imports to an identical store', async () => {
    const exported = await t.store.exportBundle();
    let text = '';
    for await (const chunk of bundleJson(t.store)) text += chunk;
    expect(JSON.parse(text)).toEqual(exported);
    const copy = await grafeoTestStore();
    try {
      const report = await importBundle(copy.store, exported);
      expect(report.errors).toEqual([]);
      expect(await copy.store.exportBundle()).toEqual(exported);
      expect(await copy.store.counts()).toEqual(await t.store.counts());
    } finally {
      await copy.dispose();
    }
  });

  it('lets a later import refer to what the store holds', async () => {
    const report = await importBundle(t.store, {
      version: 1,
      partners: [{ id: 'p-later', name: 'Later Labs', types: ['referral'], capabilities: [{ id: 'cap-ml' }] }],
      relationships: [
        { from: 'p-later', to: 'c-initech', type: 'SERVES', role: 'refer' },
        { from: 'p-later', to: 'p-helix', type: 'REFERS_TO' },
      ],
    });
    expect(report.errors).toEqual([]);
    expect((await t.store.neighbourhood('c-initech'))?.map((n) => n.id).sort()).toEqual(['p-later', 'p-nimbus']);
    expect((await t.store.neighbourhood('p-helix'))?.find((n) => n.type === 'REFERS_TO')).toMatchObject({ id: 'p-later', direction: 'in' });
    await t.store.write((w) => w.delete('partners', 'p-later'));
  });

  it('resolves identities through the indexes: by domain, by normalised name (no domain), by alias id', async () => {
    const report = await importBundle(t.store, {
      version: 1,
      partners: [
        { id: 'crm-acme', name: 'ACME Integrators GmbH', domain: 'acme.example', types: ['reseller'], sources: ['erp'] },
        { id: 'erp-nimbus', name: 'Nimbus Cloud, Ltd.', types: ['msp'], sources: ['erp'] },
      ],
      customers: [{ id: 'erp-initech', name: 'Initech Inc', segment: 'smb', region: 'apac' }],
    });
    expect(report.errors).toEqual([]);
    expect(report.merges.map((m) => [m.id, m.merged])).toEqual([['p-acme', ['crm-acme']]]);
    // A name match without a domain is queued for review, not merged; accepting it folds the record in.
    expect(report.review.map((r) => r.id)).toEqual(['partner:erp-nimbus:p-nimbus', 'customer:erp-initech:c-initech']);
    expect((await t.store.listReviews({ status: 'open', limit: 10 })).items.map((r) => r.id)).toEqual(['customer:erp-initech:c-initech', 'partner:erp-nimbus:p-nimbus']);
    for (const item of report.review) expect((await decideReview(t.store, item.id, 'accept'))?.item.status).toBe('accepted');
    expect((await t.store.listReviews({ status: 'open', limit: 10 })).items).toEqual([]);
    expect((await t.store.getPartner('crm-acme'))?.id).toBe('p-acme');
    expect((await t.store.getCustomer('erp-initech'))?.id).toBe('c-initech');
    // A later write naming only aliases reaches the kept records.
    const later = await importBundle(t.store, { version: 1, relationships: [{ from: 'erp-nimbus', to: 'erp-initech', type: 'SERVES', role: 'refer' }] });
    expect(later.errors).toEqual([]);
    expect((await t.store.neighbourhood('c-initech'))?.filter((n) => n.id === 'p-nimbus').map((n) => n.properties.role).sort()).toEqual(['manage', 'refer']);

    // The indexed lookup finds exactly what matching every stored partner would.
    const lookup = { ids: ['p-helix', 'erp-nimbus', 'crm-acme', 'nobody'], domains: ['helix.example', 'nowhere.example'], names: ['nimbus cloud', 'helix ai'] };
    const everyone = (await t.store.exportBundle()).partners;
    const expected = everyone.filter(
      (p) =>
        lookup.ids.includes(p.id) ||
        p.aliases.some((a) => lookup.ids.includes(a)) ||
        (p.domain !== undefined && lookup.domains.includes(p.domain)) ||
        (p.domain === undefined && lookup.names.includes(normaliseName(p.name))),
    );
    expect(expected.map((p) => p.id).sort()).toEqual(['p-acme', 'p-helix', 'p-nimbus']);
    expect((await t.store.identities('partners', lookup)).map((p) => p.id).sort()).toEqual(expected.map((p) => p.id).sort());

    // Fuzzy matching's candidates: the partners without a domain whose normalised name starts with the word, as a scan would find them.
    for (const blocks of [['nimbus', 'helix'], ['oldtimer'], []]) {
      const scanned = everyone.filter((p) => p.domain === undefined && blocks.includes(nameBlock(normaliseName(p.name)))).map((p) => p.id);
      expect((await t.store.nameCandidates('partners', blocks)).map((p) => p.id).sort()).toEqual(scanned.sort());
    }
    expect((await t.store.nameCandidates('partners', ['nimbus'])).map((p) => p.id)).toEqual(['p-nimbus']);
    expect((await t.store.nameCandidates('customers', ['initech'])).map((c) => c.id)).toEqual(['c-initech']);
  });

  it('brings partners and customers written before the identity indexes up to date when opened', async () => {
    // Written as an older version did: no nameKey, no alias nodes.
    const executor = (t.store as unknown as { executor: Executor }).executor;
    await executor.write(async (tx) => {
      await tx.run('partners/upsert', { rows: [['p-old', 'Oldtimer Systems Ltd', null, null, null, ['msp'], null, null, null, null, ['crm'], ['crm-old']]] });
      await tx.run('customers/upsert', { rows: [['c-old', 'Old Customer', null, null, null, 'smb', null, 'apac', [], [], ['erp-old']]] });
    });
    expect(await t.store.identities('partners', { ids: ['crm-old'], domains: [], names: ['oldtimer systems'] })).toEqual([]);
    await t.store.addIdentityKeys();
    const lookups = [await t.store.identities('partners', { ids: ['crm-old'], domains: [], names: [] }), await t.store.identities('partners', { ids: [], domains: [], names: ['oldtimer systems'] })];
    expect(lookups.map((found) => found.map((p) => p.id))).toEqual([['p-old'], ['p-old']]);
    expect((await t.store.getCustomer('erp-old'))?.id).toBe('c-old');
    expect((await t.store.nameCandidates('partners', ['oldtimer'])).map((p) => p.id)).toEqual(['p-old']);
    expect((await t.store.nameCandidates('customers', ['old'])).map((c) => c.id)).toEqual(['c-old']);
    await t.store.write(async (w) => {
      await w.delete('partners', 'p-old');
      await w.delete('customers', 'c-old');
    });
  });

  it('reads for the projection what the export holds, relationships reduced to ends, type, role and value', async () => {
    const exported = await t.store.exportBundle();
    const { relationships, ...entities } = await t.store.readForProjection();
    const { relationships: full, ...exportedEntities } = exported;
    // Lifecycle histories are for the export: analytics read only the current stages.
    const partners = exportedEntities.partners.map(({ lifecycleHistory: _, ...p }) => p);
    expect(entities).toEqual({ ...exportedEntities, partners });
    const reduce = (r: { from: string; to: string; type: string; role?: string; annualValue?: number }) =>
      JSON.stringify([r.from, r.to, r.type, r.role ?? null, r.annualValue ?? null]);
    expect(relationships.map(reduce).sort()).toEqual(full.map(reduce).sort());
  });

  it('rolls back every statement of a failed write', async () => {
    const before = await t.store.exportBundle();
    const version = await t.store.version();
    await expect(
      t.store.write(async (w) => {
        await w.upsertCapabilities([{ id: 'cap-new', name: 'New' }]);
        await w.delete('partners', 'p-acme');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.store.exportBundle()).toEqual(before);
    expect(await t.store.version()).toBe(version);
  });

  it('replaces memberships on upsert, and deletes', async () => {
    const acme = (await t.store.getPartner('p-acme'))!;
    await t.store.write((w) => w.upsertPartners([{ ...acme, regions: ['apac'], capabilities: [] }]));
    expect(await t.store.getPartner('p-acme')).toMatchObject({ regions: ['apac'], capabilities: [] });
    const { result: removed } = await t.store.write((w) => w.deleteRelationship({ from: 'p-acme', to: 'c-globex', type: 'SERVES', role: 'resell' }));
    expect(removed).toBe(1);
    for (const kind of ['deals', 'solutions', 'capabilities', 'customers', 'partners'] as const) {
      const id = { deals: 'd-1', solutions: 's-secure-ml', capabilities: 'cap-lake', customers: 'c-initech', partners: 'p-nimbus' }[kind];
      expect((await t.store.write((w) => w.delete(kind, id))).result).toBe(true);
      expect((await t.store.write((w) => w.delete(kind, id))).result).toBe(false);
    }
    expect(await t.store.counts()).toMatchObject({ partners: 2, customers: 1, deals: 0, solutions: 0, capabilities: 2 });
    expect((await t.store.neighbourhood('p-helix'))?.some((n) => n.id === 'p-nimbus')).toBe(false);
  });

  it('logs what each write changed, by version, for the caches of bulk reads', async () => {
    const before = await t.store.version();
    const { version } = await t.store.write(async (w) => {
      await w.upsertRelationships([{ from: 'p-acme', to: 'c-globex', type: 'SERVES', role: 'implement', source: 'test' }]);
      await w.defineTracks([]);
      await w.upsertCapabilities([]);
      await w.importResolutions([]);
      await w.upsertDeals([{ id: 'd-log', customer: 'c-globex', region: 'emea', needs: [], stage: 'open', partners: [] }]);
      await w.delete('deals', 'd-log');
    });
    const changes = await t.store.changesBetween(before, version);
    expect([...changes!.partners]).toEqual(['p-acme']);
    expect([...changes!.customers]).toEqual(['c-globex']);
    expect([...changes!.deals]).toEqual(['d-log']);
    expect(changes!.broad).toBe(false);
    // Steps without rows (an import runs them all) change nothing.
    expect([changes!.programs, changes!.names, changes!.resolutions]).toEqual([false, false, false]);
    // Nothing written, no version: nothing to account for.
    await t.store.write(async () => undefined);
    expect(await t.store.version()).toBe(version);
    // A cascading delete, or a version the log never saw, is not known record by record.
    const { version: after } = await t.store.write((w) => w.delete('capabilities', 'cap-none-such').then(() => w.upsertRegions([{ id: 'emea', name: 'EMEA' }])));
    expect(await t.store.changesBetween(version, after)).toBeDefined();
    const { version: deleted } = await t.store.write((w) => w.upsertCapabilities([{ id: 'cap-temp', name: 'Temp' }]).then(() => w.delete('capabilities', 'cap-temp')));
    expect(await t.store.changesBetween(after, deleted)).toBeUndefined();
    expect(await t.store.changesBetween(deleted, deleted + 1)).toBeUndefined();
  });

  it('records batched import progress', async () => {
    const report = await importBundle(t.store, tinyBundle(), { batchRows: 2 });
    expect(report.committed).toBe(true);
    expect((await t.store.importProgress()).batches).toBeGreaterThan(5);
  });

  it('defines a programme, reads what tier evaluation and the funnel need, and undefines a track', async () => {
    const resell = {
      id: 'resell', name: 'Resell', partnerTypes: ['reseller' as const], benefits: ['margin'], protectionDays: 90, stallLimits: { onboard: 90 },
      tiers: [{ id: 'registered', benefits: [], requirements: {} }, { id: 'gold', benefits: ['MDF'], requirements: { capabilities: ['cap-siem'], customers: 1, stage: 'activate' as const } }],
    };
    await t.store.write((w) => w.defineTracks([resell, { id: 'cloud', partnerTypes: [], benefits: [], stallLimits: {}, tiers: [] }]));
    expect(await t.store.programs()).toEqual([{ id: 'cloud', partnerTypes: [], benefits: [], stallLimits: {}, tiers: [] }, resell]);
    await t.store.write(async (w) => {
      await w.upsertDeals([{ id: 'd-won', customer: 'c-globex', region: 'emea', needs: [], amount: 1000, stage: 'won', partners: [{ partner: 'p-acme', role: 'lead', registeredAt: '2026-01-05T09:00:00.000Z' }] }]);
    });
    expect((await t.store.trackStandings()).filter((s) => s.partner === 'p-acme').map((s) => `${s.track}:${s.stage}:${s.tier}`).sort()).toEqual(['resell:activate:gold', 'services:grow:gold']);
    expect((await t.store.partnerActivities()).get('p-acme')).toEqual({
      certified: ['cap-siem'], customers: 1, annualValue: 340000, integrations: 1, wonDeals: [{ deal: 'd-won', amount: 1000, registeredAt: '2026-01-05T09:00:00.000Z' }],
    });
    expect((await t.store.lifecycleHistories()).get('p-acme')?.map((x) => x.track)).toEqual(expect.arrayContaining(['resell', 'services']));
    // The keyed reads a write's changes are read again with give what the bulk reads give for those ids.
    const ids = ['p-acme', 'p-helix', 'p-unknown'];
    const byKey = (s: { partner: string; track: string }) => `${s.partner}:${s.track}`;
    const sorted = <T extends { partner: string; track: string }>(list: T[]) => [...list].sort((a, b) => (byKey(a) < byKey(b) ? -1 : 1));
    expect(sorted(await t.store.trackStandingsOf(ids))).toEqual(sorted((await t.store.trackStandings()).filter((s) => ids.includes(s.partner))));
    const activities = await t.store.partnerActivities();
    expect(await t.store.partnerActivitiesOf(ids)).toEqual(new Map(ids.flatMap((id) => (activities.has(id) ? [[id, { ...activities.get(id)!, wonDeals: [] }]] : []))));
    expect(await t.store.wonPartsOf(['d-won', 'd-unknown'])).toEqual(await t.store.wonParts());
    expect(await t.store.wonParts()).toEqual([{ partner: 'p-acme', deal: 'd-won', amount: 1000, registeredAt: '2026-01-05T09:00:00.000Z' }]);
    const histories = await t.store.lifecycleHistories();
    expect(await t.store.lifecycleHistoriesOf(ids)).toEqual(new Map(ids.flatMap((id) => (histories.has(id) ? [[id, histories.get(id)!]] : []))));
    expect((await t.store.write((w) => w.undefineTrack('cloud'))).result).toBe(true);
    expect((await t.store.write((w) => w.undefineTrack('cloud'))).result).toBe(false);
    expect((await t.store.programs()).map((p) => p.id)).toEqual(['resell']);
    expect(await t.store.tracks()).toContain('cloud');
  });

  it('reads what conflict detection needs, and records a resolution with its shares in one write', async () => {
    await t.store.write(async (w) => {
      await w.upsertRelationships([{ from: 'p-helix', to: 'c-globex', type: 'SERVES', role: 'manage', source: 'crm' }]);
      await w.upsertDeals([{
        id: 'd-claimed', customer: 'c-globex', region: 'emea', needs: ['cap-siem'], amount: 700, stage: 'open',
        partners: [{ partner: 'p-acme', role: 'sourcing', claimedShare: 0.7, registeredAt: '2026-02-01T00:00:00.000Z' }, { partner: 'p-helix', role: 'technology', claimedShare: 0.6 }],
      }]);
    });
    const deal = (await t.store.conflictDeals()).find((d) => d.id === 'd-claimed');
    expect(deal).toEqual({
      id: 'd-claimed', stage: 'open', amount: 700, customer: 'c-globex', customerName: 'Globex', needs: [{ id: 'cap-siem', name: expect.any(String) }],
      partners: [
        { partner: 'p-acme', name: 'Acme Integrators', role: 'sourcing', claimedShare: 0.7, registeredAt: '2026-02-01T00:00:00.000Z', types: ['service', 'reseller'] },
        { partner: 'p-helix', name: expect.any(String), role: 'technology', claimedShare: 0.6, types: expect.any(Array) },
      ],
    });
    expect((await t.store.customerManagers()).get('c-globex')?.map((m) => m.partner)).toEqual(['p-helix']);
    expect(await t.store.protectingTracks()).toContainEqual({ partner: 'p-acme', track: 'resell' });
    const claims = [
      { deal: 'd-claimed', partner: 'p-acme', role: 'sourcing', claimedShare: 0.7, registeredAt: '2026-02-01T00:00:00.000Z' },
      { deal: 'd-claimed', partner: 'p-helix', role: 'technology', claimedShare: 0.6, registeredAt: null },
    ];
    const after = claims.map((c) => ({ ...c, claimedShare: 0.5 }));
    const resolution = {
      id: 'oc-0123456789abcdef', base: 'oc-0123456789abcdef',
      conflict: { kind: 'over-claimed' as const, deals: ['d-claimed'], partners: ['p-acme', 'p-helix'], amount: 700, evidence: 'e', suggestedResolution: 's' },
      audit: { policy: 'manual' as const, actor: 'api', at: '2026-03-01T00:00:00.000Z', before: claims, after },
    };
    const version = await t.store.version();
    await t.store.write(async (w) => {
      await w.lockDeals(['d-claimed']);
      expect(await w.conflictResolved(resolution.id)).toBe(false);
      expect((await w.claimsOf(['d-claimed'])).sort((a, b) => (a.partner < b.partner ? -1 : 1))).toEqual(claims);
      await w.recordResolution(resolution);
      expect(await w.conflictResolved(resolution.id)).toBe(true);
    });
    expect(await t.store.version()).toBe(version + 1);
    expect(await t.store.conflictResolutions()).toEqual([resolution]);
    expect((await t.store.getDeal('d-claimed'))?.partners.map((p) => p.claimedShare)).toEqual([0.5, 0.5]);
    // From a bundle: recorded as they were (the same one again replaces it), shares untouched.
    const imported = { ...resolution, id: `${resolution.id}-2`, audit: { ...resolution.audit, note: 'from a bundle' } };
    await t.store.write((w) => w.importResolutions([resolution, imported]));
    await t.store.write((w) => w.importResolutions([imported]));
    expect((await t.store.conflictResolutions()).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([resolution, imported]);
    expect((await t.store.getDeal('d-claimed'))?.partners.map((p) => p.claimedShare)).toEqual([0.5, 0.5]);
  });

  it('records an audit entry in the transaction of each audited write, and pages the trail with filters', async () => {
    const context = { actor: 'key_1', actorName: 'ann', method: 'POST', route: '/api/capabilities', idsBefore: ['cap-audit'] };
    const { version } = await writeContext.run(context, () => t.store.write((w) => w.upsertCapabilities([{ id: 'cap-audit', name: 'Audited', category: 'test' }])));
    // A write that fails is rolled back with its entry; one that changes nothing, and one without a context, record none.
    const failing = writeContext.run(context, () =>
      t.store.write(async (w) => {
        await w.delete('capabilities', 'cap-audit');
        throw new Error('abandoned');
      }),
    );
    await expect(failing).rejects.toThrow('abandoned');
    await writeContext.run(context, () => t.store.write((w) => w.delete('capabilities', 'cap-nobody')));
    await t.store.write((w) => w.upsertCapabilities([{ id: 'cap-unaudited', name: 'Unaudited', category: 'test' }]));
    await t.store.recordAudit({ ...context, route: '/api/keys', idsBefore: [] }, 'keys', ['key_2']);

    const trail = await t.store.auditEntries({ limit: 10, actor: 'ann' });
    expect(trail.items.map(({ seq: _seq, at: _at, ...rest }) => rest)).toEqual([
      { actor: 'key_1', actorName: 'ann', method: 'POST', route: '/api/keys', entities: ['keys'], idsBefore: [], idsAfter: ['key_2'], idCount: 1, version: version + 1 },
      { actor: 'key_1', actorName: 'ann', method: 'POST', route: '/api/capabilities', entities: ['capabilities'], idsBefore: ['cap-audit'], idsAfter: ['cap-audit'], idCount: 1, version },
    ]);
    expect(trail.items[0]!.seq).toBe(trail.items[1]!.seq + 1);
    expect((await t.store.auditEntries({ limit: 10, actor: 'key_1', entity: 'capabilities', id: 'cap-audit', since: trail.items[1]!.at, until: trail.items[1]!.at })).items).toHaveLength(1);
    expect((await t.store.auditEntries({ limit: 10, id: 'cap-unaudited' })).items).toEqual([]);
    const first = await t.store.auditEntries({ limit: 1 });
    expect(first.nextCursor).not.toBeNull();
    expect((await t.store.auditEntries({ limit: 1, cursor: first.nextCursor! })).items).toEqual([trail.items[1]]);
  });

  it('keeps sharing settings as SHARES edges and a default loop, replaced whole, kept when the partner is rewritten', async () => {
    const before = await t.store.version();
    await t.store.write((w) => w.setSharing([{ partner: 'p-acme', default: 'counts', partners: { 'p-helix': 'everything', 'p-nimbus': 'hidden' } }, { partner: 'p-helix', partners: { 'p-acme': 'overlaps' } }]));
    expect(await t.store.version()).toBe(before + 1);
    expect(await t.store.sharingOf('p-acme')).toEqual({ partner: 'p-acme', default: 'counts', partners: { 'p-helix': 'everything', 'p-nimbus': 'hidden' } });
    expect(await t.store.sharingOf('p-nobody')).toBeNull();
    const toward = await t.store.sharingToward('p-helix');
    expect([...toward.levels]).toEqual([['p-acme', 'everything']]);
    expect([...toward.defaults]).toEqual([['p-acme', 'counts']]);
    expect([...(await t.store.sharingToward('p-acme')).levels]).toEqual([['p-helix', 'overlaps']]);
    // Rewriting the partner (its properties replaced) keeps its settings; a new setting replaces the old whole.
    await importBundle(t.store, { version: 1, partners: [tinyBundle().partners[0]] });
    expect((await t.store.sharingOf('p-acme'))?.default).toBe('counts');
    await t.store.write((w) => w.setSharing([{ partner: 'p-acme', partners: { 'p-nimbus': 'overlaps' } }]));
    expect(await t.store.allSharing()).toEqual([
      { partner: 'p-acme', partners: { 'p-nimbus': 'overlaps' } },
      { partner: 'p-helix', partners: { 'p-acme': 'overlaps' } },
    ]);
    await t.store.write((w) => w.setSharing([{ partner: 'p-acme' }, { partner: 'p-helix' }]));
    expect(await t.store.allSharing()).toEqual([]);
  });

  it('ran every Cypher statement, each with exactly the parameters its header declares', () => {
    const unused = QUERY_NAMES.filter((q) => !t.used.has(q));
    expect(unused).toEqual([]);
    for (const [query, sent] of t.used) expect([...sent].sort(), query).toEqual(declaredParams(queries[query]).sort());
  });
});

// Relationship pages by key: walking every page gives every relationship once, in key order, exactly as
// sorting the whole export would, with and without filters, across windows of source partners.
const key = (r: Relationship) => [r.from, r.to, r.type, r.type === 'SERVES' ? r.role : ''];
const byKey = (a: Relationship, b: Relationship) => {
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
};

describeStore(`relationship pages on ${TEST_STORE}`, () => {
  let t: TestStore;
  let all: Relationship[];
  beforeAll(async () => {
    t = await openTestStore();
    // More partners than one window of sources (2,000), so pages cross windows.
    const report = await importBundle(t.store, generateBundle({ partners: 3000, customers: 1000, relationships: 6000, seed: 7 }));
    expect(report.errors).toEqual([]);
    all = (await t.store.exportBundle()).relationships.sort(byKey);
  }, 120_000);
  afterAll(async () => {
    await t?.dispose();
  });

  async function walk(q: Omit<RelationshipListQuery, 'cursor'>): Promise<Relationship[]> {
    const out: Relationship[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.store.listRelationships({ ...q, ...(cursor === undefined ? {} : { cursor }) });
      expect(page.items.length).toBeLessThanOrEqual(q.limit);
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return out;
  }

  it('walks every relationship once, in key order', async () => {
    expect(all.length).toBeGreaterThan(5000);
    expect(await walk({ limit: 500 })).toEqual(all);
  }, 120_000);

  it('walks one type in small pages, and fills one page from several windows of sources', async () => {
    const refers = all.filter((r) => r.type === 'REFERS_TO');
    expect(refers.length).toBeGreaterThan(10);
    expect(await walk({ limit: 7, type: 'REFERS_TO' })).toEqual(refers);
    // The first window of sources holds the first 2,000 partners by id: this page needs the next one too.
    const serves = all.filter((r) => r.type === 'SERVES');
    const lastOfFirstWindow = (await t.store.exportBundle()).partners.map((p) => p.id).sort()[1999]!;
    const wanted = serves.slice(0, serves.filter((r) => r.from <= lastOfFirstWindow).length + 100);
    expect(wanted.at(-1)!.from > lastOfFirstWindow).toBe(true);
    expect((await t.store.listRelationships({ limit: wanted.length, type: 'SERVES' })).items).toEqual(wanted);
  }, 120_000);

  it('walks the relationships touching a hub partner and a customer', async () => {
    const degree = new Map<string, number>();
    for (const r of all) for (const id of [r.from, r.to]) degree.set(id, (degree.get(id) ?? 0) + 1);
    const hub = [...degree].filter(([id]) => all.some((r) => r.from === id)).sort((a, b) => b[1] - a[1])[0]![0];
    const customer = all.find((r) => r.type === 'SERVES')!.to;
    for (const node of [hub, customer]) {
      const touching = all.filter((r) => r.from === node || r.to === node);
      expect(await walk({ limit: 3, node })).toEqual(touching);
      expect(await walk({ limit: 4, node, type: 'SERVES' })).toEqual(touching.filter((r) => r.type === 'SERVES'));
    }
  }, 120_000);
});
