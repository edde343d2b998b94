/**
 * Deal registration conflicts over HTTP, on a real server over a real store,
 * on a hand-built ecosystem with one conflict of each kind: detection, each
 * resolution policy, the audit history, bad input that writes nothing, a
 * conflict occurring again, and ids and history that survive a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/server.js';
import { rmSync } from 'node:fs';
import { describeStore, tempDir } from '../../test/stores.js';

const reg = (day: number) => new Date(Date.UTC(2026, 2, 1) + day * 86_400_000).toISOString();

function conflictBundle() {
  const partner = (id: string, types: string[], lifecycle: Record<string, string> = {}) => ({ id, name: `Partner ${id.slice(2).toUpperCase()}`, types, lifecycle });
  const customer = (id: string) => ({ id, name: `Customer ${id.slice(2)}`, segment: 'smb', region: 'emea' });
  return {
    version: 1,
    capabilities: [{ id: 'cap-x', name: 'Data lake' }, { id: 'cap-y', name: 'Security' }],
    regions: ['emea'],
    segments: ['smb'],
    partners: [
      partner('p-a', ['reseller'], { resell: 'grow' }),
      partner('p-b', ['reseller'], { resell: 'activate' }),
      partner('p-s', ['service']),
      partner('p-t', ['technology']),
      partner('p-m', ['msp']),
    ],
    customers: ['c-1', 'c-2', 'c-3', 'c-4'].map(customer),
    relationships: [{ from: 'p-m', to: 'c-4', type: 'SERVES', role: 'manage' }],
    programs: [{ id: 'resell', partnerTypes: ['reseller'], protectionDays: 90, tiers: [] }],
    deals: [
      // Over-claimed: 70% + 60% of a won deal.
      { id: 'd-over', customer: 'c-1', region: 'emea', amount: 500_000, stage: 'won', partners: [{ partner: 'p-a', role: 'sourcing', claimedShare: 0.7, registeredAt: reg(0) }, { partner: 'p-s', role: 'delivery', claimedShare: 0.6, registeredAt: reg(4) }] },
      // Duplicate registration: two open deals for c-2 sharing cap-x, resellers 20 days apart (window 90).
      { id: 'd-dup-1', customer: 'c-2', region: 'emea', amount: 200_000, needs: ['cap-x', 'cap-y'], partners: [{ partner: 'p-a', role: 'sourcing', claimedShare: 1, registeredAt: reg(0) }] },
      { id: 'd-dup-2', customer: 'c-2', region: 'emea', amount: 250_000, needs: ['cap-x'], partners: [{ partner: 'p-b', role: 'sourcing', claimedShare: 1, registeredAt: reg(20) }] },
      // Channel conflict: two technology partners on one deal.
      { id: 'd-channel', customer: 'c-3', region: 'emea', amount: 80_000, stage: 'proposal', partners: [{ partner: 'p-t', role: 'technology', claimedShare: 0.3, registeredAt: reg(2) }, { partner: 'p-s', role: 'technology', claimedShare: 0.2, registeredAt: reg(1) }, { partner: 'p-b', role: 'sourcing', claimedShare: 0.5 }] },
      // Managed customer: c-4 is managed by p-m, claimed by p-b alone.
      { id: 'd-managed', customer: 'c-4', region: 'emea', amount: 60_000, partners: [{ partner: 'p-b', role: 'sourcing', claimedShare: 1, registeredAt: reg(3) }] },
      // No conflict: a lost deal over-claimed, and a deal at 100%.
      { id: 'd-lost', customer: 'c-1', region: 'emea', amount: 10_000, stage: 'lost', partners: [{ partner: 'p-a', role: 'sourcing', claimedShare: 0.9 }, { partner: 'p-s', role: 'delivery', claimedShare: 0.9 }] },
      { id: 'd-fine', customer: 'c-1', region: 'emea', amount: 10_000, stage: 'won', partners: [{ partner: 'p-a', role: 'sourcing', claimedShare: 0.5 }, { partner: 'p-s', role: 'delivery', claimedShare: 0.5 }] },
    ],
    solutions: [],
  };
}

interface ConflictBody {
  id: string;
  kind: string;
  deals: string[];
  partners: string[];
  amount: number | null;
  evidence: string;
  suggestedResolution: string;
  status: string;
  claims: Array<{ deal: string; partner: string; role: string; claimedShare: number | null }>;
  resolution?: { policy: string; note?: string; actor: string; at: string; before: unknown[]; after: Array<{ partner: string; claimedShare: number }> };
}

describeStore('deal registration conflicts', () => {
  const dataDir = tempDir();
  let server: TestServer;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(server.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  const open = async (query = '') => (await call('GET', `/api/conflicts?status=open${query}`)).body.conflicts as ConflictBody[];
  const ofKind = async (kind: string) => (await open(`&kind=${kind}`))[0]!;
  const shares = (deal: { partners: Array<{ partner: string; role: string; claimedShare?: number }> }) =>
    Object.fromEntries(deal.partners.map((p) => [`${p.partner}/${p.role}`, Number((p.claimedShare ?? NaN).toFixed(9))]));

  beforeAll(async () => {
    server = await startServer({ seed: 'none', dataDir });
    const imported = await call('POST', '/api/import', conflictBundle());
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('detects one conflict of each kind, with names in the evidence, largest amount first', async () => {
    const { status, body } = await call('GET', '/api/conflicts');
    expect(status).toBe(200);
    expect(body.total).toBe(4);
    expect(body.conflicts.map((c: ConflictBody) => `${c.kind}:${c.deals.join('+')}:${c.partners.join('+')}:${c.amount}`)).toEqual([
      'over-claimed:d-over:p-a+p-s:500000',
      'duplicate-registration:d-dup-1+d-dup-2:p-a+p-b:250000',
      'channel-conflict:d-channel:p-s+p-t:80000',
      'managed-customer:d-managed:p-b+p-m:60000',
    ]);
    const duplicate = body.conflicts[1] as ConflictBody;
    expect(duplicate.evidence).toBe(
      "Partner A registered d-dup-1 at Customer 2 ($200.0K) as sourcing partner on 2026-03-01; Partner B registered d-dup-2 for the same customer and overlapping needs (Data lake) in the same role 20 days later, inside the 90-day protection window of Partner A's resell track.",
    );
    expect(duplicate.suggestedResolution).toMatch(/^Partner A registered first: its registration stands and Partner B's claim on d-dup-2 drops to 0/);
    expect(body.conflicts.every((c: ConflictBody) => c.status === 'open' && /^(oc|dr|cc|mc)-[0-9a-f]{16}$/.test(c.id))).toBe(true);
  });

  it('filters by kind, partner and deal, pages, and refuses unknown filters naming the field', async () => {
    expect((await open('&partner=p-m')).map((c) => c.kind)).toEqual(['managed-customer']);
    expect((await open('&deal=d-dup-2')).map((c) => c.kind)).toEqual(['duplicate-registration']);
    expect((await open('&kind=channel-conflict&partner=p-a'))).toEqual([]);
    const first = await call('GET', '/api/conflicts?limit=3');
    const rest = await call('GET', `/api/conflicts?limit=3&cursor=${first.body.nextCursor}`);
    expect([...first.body.conflicts, ...rest.body.conflicts].map((c: ConflictBody) => c.kind)).toHaveLength(4);
    expect(rest.body.nextCursor).toBeNull();
    for (const [query, field] of [['kind=double-booking', 'querystring.kind'], ['status=closed', 'querystring.status'], ['limit=0', 'querystring.limit'], ['cursor=zz', 'querystring.cursor']]) {
      const bad = await call('GET', `/api/conflicts?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.details[0].field).toBe(field);
    }
  });

  it('refuses bad resolves with 400 or 404 and writes nothing', async () => {
    const over = await ofKind('over-claimed');
    const before = (await call('GET', '/api/export')).body;
    const version = (await call('GET', '/api/health')).body;
    const cases: Array<[unknown, string]> = [
      [{ policy: 'coin-toss' }, 'body.policy'],
      [{ policy: 'manual' }, 'body.shares'],
      [{ policy: 'manual', shares: { 'p-a': 0.5, 'p-s': 0.4 } }, 'body.shares'],
      [{ policy: 'manual', shares: { 'p-a': 0.5, 'p-t': 0.5 } }, 'body.shares.p-t'],
      [{ policy: 'manual', shares: { 'p-a': 1.5, 'p-s': -0.5 } }, 'body.shares.p-a'],
      [{ policy: 'proportional', shares: { 'p-a': 1 } }, 'body.shares'],
    ];
    for (const [body, field] of cases) {
      const bad = await call('POST', `/api/conflicts/${over.id}/resolve`, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field), JSON.stringify(body)).toContain(field);
      expect(bad.body.message).toContain(field);
    }
    const unknown = await call('POST', '/api/conflicts/oc-0000000000000000/resolve', { policy: 'proportional' });
    expect(unknown.status).toBe(404);
    expect((await call('GET', '/api/export')).body).toEqual(before);
    expect((await call('GET', '/api/health')).body).toEqual(version);
    expect((await call('GET', '/api/conflicts?status=resolved')).body.conflicts).toEqual([]);
  });

  it('resolves an over-claim proportionally: the shares add up to 1, the audit says who, when, before and after; a second resolve is a 409', async () => {
    const over = await ofKind('over-claimed');
    const projected = (await server.app.projection.current()).projection;
    const { status, body } = await call('POST', `/api/conflicts/${over.id}/resolve`, { policy: 'proportional', note: 'agreed on the partner call' });
    expect(status, JSON.stringify(body)).toBe(200);
    // The projection follows in place: same graph, the store's version, the deal's new shares in its catalogue.
    const after = (await server.app.projection.current()).projection;
    expect(after.graph).toBe(projected.graph);
    expect(after.version).toBe(await server.app.store.version());
    const byPartner = (list: Array<{ partner: string; claimedShare?: number | null }>) => Object.fromEntries(list.map((p) => [p.partner, p.claimedShare]));
    expect(byPartner(after.catalogue.deals.find((d) => d.id === 'd-over')!.partners)).toEqual(byPartner(body.claims));
    expect(body).toMatchObject({ id: over.id, status: 'resolved', resolution: { policy: 'proportional', note: 'agreed on the partner call', actor: 'local' } });
    expect(Date.now() - Date.parse(body.resolution.at)).toBeLessThan(60_000);
    expect(body.resolution.before.map((c: { claimedShare: number }) => c.claimedShare).sort()).toEqual([0.6, 0.7]);
    expect(shares((await call('GET', '/api/deals/d-over')).body)).toEqual({ 'p-a/sourcing': Number((0.7 / 1.3).toFixed(9)), 'p-s/delivery': Number((0.6 / 1.3).toFixed(9)) });
    expect((await open()).map((c) => c.id)).not.toContain(over.id);
    const again = await call('POST', `/api/conflicts/${over.id}/resolve`, { policy: 'first-registered' });
    expect(again.status).toBe(409);
  });

  it('lets one of two concurrent resolves of a conflict through and answers the other 409', async () => {
    const channel = await ofKind('channel-conflict');
    // Both requests find the conflict open; the second's transaction waits for the first's and then sees it resolved.
    const answers = await Promise.all([call('POST', `/api/conflicts/${channel.id}/resolve`, { policy: 'role-split' }), call('POST', `/api/conflicts/${channel.id}/resolve`, { policy: 'role-split' })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect((await call('GET', `/api/conflicts?status=resolved&deal=d-channel`)).body.total).toBe(1);
  });

  it('resolves a duplicate registration by first registration and a managed customer by manual shares; the history lists every resolution', async () => {
    const duplicate = await ofKind('duplicate-registration');
    expect((await call('POST', `/api/conflicts/${duplicate.id}/resolve`, { policy: 'first-registered' })).status).toBe(200);
    expect(shares((await call('GET', '/api/deals/d-dup-1')).body)).toEqual({ 'p-a/sourcing': 1 });
    expect(shares((await call('GET', '/api/deals/d-dup-2')).body)).toEqual({ 'p-b/sourcing': 0 });

    // Resolved above by role split: the pool is what p-b (sourcing, 0.5, outside the conflict) leaves, 0.5, split equally within the one role.
    expect(shares((await call('GET', '/api/deals/d-channel')).body)).toEqual({ 'p-b/sourcing': 0.5, 'p-s/technology': 0.25, 'p-t/technology': 0.25 });

    const managed = await ofKind('managed-customer');
    const resolved = await call('POST', `/api/conflicts/${managed.id}/resolve`, { policy: 'manual', shares: { 'p-b': 0.4, 'p-m': 0.6 } });
    expect(resolved.status).toBe(200);
    expect(shares((await call('GET', '/api/deals/d-managed')).body)).toEqual({ 'p-b/sourcing': 0.4 });

    expect(await open()).toEqual([]);
    const history = (await call('GET', '/api/conflicts?status=resolved')).body;
    expect(history.total).toBe(4);
    expect(history.conflicts.map((c: ConflictBody) => `${c.kind}:${c.resolution!.policy}`)).toEqual([
      'managed-customer:manual',
      'duplicate-registration:first-registered',
      'channel-conflict:role-split',
      'over-claimed:proportional',
    ]);
    expect((await call('GET', '/api/conflicts?status=resolved&partner=p-m')).body.conflicts.map((c: ConflictBody) => c.kind)).toEqual(['managed-customer']);
  });

  it('keeps ids and history across a restart; a resolved conflict whose data changes again is a new instance', async () => {
    const history = (await call('GET', '/api/conflicts?status=resolved')).body.conflicts as ConflictBody[];
    await server.app.close();
    server = await startServer({ seed: 'none', dataDir, wipe: false });
    expect((await call('GET', '/api/conflicts?status=resolved')).body.conflicts).toEqual(history);
    expect(await open()).toEqual([]);

    const over = history.find((c) => c.kind === 'over-claimed')!;
    const deal = (await call('GET', '/api/deals/d-over')).body;
    const put = await call('PUT', '/api/deals/d-over', { ...deal, partners: deal.partners.map((p: { claimedShare: number }, i: number) => ({ ...p, claimedShare: i === 0 ? 0.8 : 0.5 })) });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const back = await open();
    expect(back.map((c) => c.id)).toEqual([`${over.id}-2`]);
    expect((await call('POST', `/api/conflicts/${over.id}-2/resolve`, { policy: 'first-registered' })).status).toBe(200);
    expect(shares((await call('GET', '/api/deals/d-over')).body)).toEqual({ 'p-a/sourcing': 1, 'p-s/delivery': 0 });
    expect((await call('GET', '/api/conflicts?status=resolved&kind=over-claimed')).body.conflicts.map((c: ConflictBody) => c.id)).toEqual([`${over.id}-2`, over.id]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await call('GET', '/docs/json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/conflicts', '/api/conflicts/{id}/resolve']));
  });
});
