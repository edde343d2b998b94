/**
 * Partner-scoped sharing over real HTTP, on a real server and store with the
 * demo ecosystem and keys required: every route of the OpenAPI document
 * walked with a partner key never returns an id that partner may not see,
 * and each sharing level shows exactly what it says. The ids a partner may
 * see are computed here from the demo bundle and the sharing settings, not
 * by the code under test.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KeyRing } from '../../access/keys.js';
import type { Bundle } from '../../schemas/bundle.js';
import type { SharingLevel, SharingRow } from '../../schemas/sharing.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore, tempDir } from '../../test/stores.js';

const bundle = JSON.parse(readFileSync(new URL('../../../seeds/demo/bundle.json', import.meta.url), 'utf8')) as Bundle & { sharing?: SharingRow[] };

/** The partner whose key walks the API, and what the others share with it, one level each. */
const ME = 'p-cascade-cloud';
const EVERYTHING = 'p-skyline-cloud';
const OVERLAPS = 'p-juniper-cloud';
const COUNTS = 'p-kiwi-systems';
/** Shares everything by default, but nothing with ME. */
const HIDDEN_BUT_OPEN = 'p-riviera-tech';
/** Shares counts by default and names nobody. */
const COUNTS_BY_DEFAULT = 'p-levante-cloud';
const SETTINGS: SharingRow[] = [
  { partner: EVERYTHING, partners: { [ME]: 'everything' } },
  { partner: OVERLAPS, default: 'hidden', partners: { [ME]: 'overlaps' } },
  { partner: COUNTS, partners: { [ME]: 'counts' } },
  { partner: HIDDEN_BUT_OPEN, default: 'everything', partners: { [ME]: 'hidden' } },
  { partner: COUNTS_BY_DEFAULT, default: 'counts' },
  { partner: ME, default: 'counts', partners: { [EVERYTHING]: 'overlaps' } },
];

// ---- The reference: what ME may see, from the bundle alone --------------------------------------------

const neighbours = (id: string) => new Set(bundle.relationships.flatMap((r) => (r.from === id ? [r.to] : r.to === id ? [r.from] : [])));
const customersOf = (id: string) => new Set(bundle.relationships.filter((r) => r.type === 'SERVES' && r.from === id).map((r) => r.to));

function settingsNow(overrides: SharingRow[]): Map<string, SharingRow> {
  const settings = new Map((bundle.sharing ?? []).map((row) => [row.partner, row]));
  for (const row of overrides) settings.set(row.partner, row);
  return settings;
}

function levelToward(settings: Map<string, SharingRow>, from: string, to: string): SharingLevel {
  const row = settings.get(from);
  return row?.partners?.[to] ?? row?.default ?? 'hidden';
}

function allowedIds(me: string, settings: Map<string, SharingRow>): Set<string> {
  const allowed = new Set([me, ...neighbours(me)]);
  for (const partner of bundle.partners) {
    const level = partner.id === me ? 'hidden' : levelToward(settings, partner.id, me);
    if (level === 'hidden') continue;
    allowed.add(partner.id);
    if (level === 'everything') for (const id of neighbours(partner.id)) allowed.add(id);
  }
  for (const deal of bundle.deals) {
    if (!deal.partners.some((p) => p.partner === me)) continue;
    allowed.add(deal.id);
    allowed.add(deal.customer);
    for (const p of deal.partners) allowed.add(p.partner);
  }
  return allowed;
}

function forbiddenIds(allowed: Set<string>): Set<string> {
  const forbidden = new Set<string>();
  for (const p of bundle.partners) if (!allowed.has(p.id)) for (const id of [p.id, ...(p.aliases ?? [])]) forbidden.add(id);
  for (const c of bundle.customers) if (!allowed.has(c.id)) for (const id of [c.id, ...(c.aliases ?? [])]) forbidden.add(id);
  for (const d of bundle.deals) if (!allowed.has(d.id)) forbidden.add(d.id);
  for (const s of bundle.solutions) forbidden.add(s.id);
  for (const id of allowed) forbidden.delete(id);
  return forbidden;
}

/** Every forbidden id found in a body: whole strings, object keys, and the words of sentences and CSV lines. */
function leaked(body: string, forbidden: Set<string>): string[] {
  const found = new Set<string>();
  const words = (text: string) => {
    for (const word of text.split(/[\s/?#"',;()=&:[\]{}<>|]+/)) if (forbidden.has(word)) found.add(word);
  };
  words(body);
  return [...found];
}

// ---- The server ---------------------------------------------------------------------------------------

interface Answer {
  status: number;
  text: string;
  json: any;
}

let server: TestServer;
const keys = {} as Record<'admin' | 'me' | 'everything' | 'viewer', string>;

async function call(method: string, path: string, key: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(server.url + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV and other text answers are scanned as text.
  }
  return { status: response.status, text, json };
}

async function putSharing(rows: SharingRow[]) {
  for (const { partner, ...settings } of rows) {
    const answer = await call('PUT', `/api/partners/${partner}/sharing`, keys.admin, settings);
    expect(answer.status, answer.text).toBe(200);
  }
}

describeStore('partner-scoped sharing (account mapping)', () => {
  beforeAll(async () => {
    const dataDir = tempDir();
    const ring = new KeyRing(dataDir);
    keys.admin = ring.create({ name: 'admin', role: 'admin' }, 'test').key;
    keys.viewer = ring.create({ name: 'viewer', role: 'viewer' }, 'test').key;
    keys.me = ring.create({ name: 'cascade', role: 'partner', partner: ME }, 'test').key;
    keys.everything = ring.create({ name: 'skyline', role: 'partner', partner: EVERYTHING }, 'test').key;
    server = await startServer({ dataDir, env: { AUTH: 'required' } });
    await putSharing(SETTINGS);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('walks every route of the OpenAPI document with a partner key and never returns an id it may not see', async () => {
    const allowed = allowedIds(ME, settingsNow(SETTINGS));
    const forbidden = forbiddenIds(allowed);
    const mine = [...customersOf(ME)];
    const hiddenCustomer = bundle.customers.find((c) => !allowed.has(c.id))!.id;
    const myDeal = bundle.deals.find((d) => d.partners.some((p) => p.partner === ME))?.id ?? 'd-none';
    const otherDeal = bundle.deals.find((d) => forbidden.has(d.id))!.id;
    const hiddenPartner = bundle.partners.find((p) => forbidden.has(p.id))!.id;
    expect(forbidden.size).toBeGreaterThan(100);
    // The reference is not trivially empty on either side: each level adds ids.
    for (const id of [EVERYTHING, OVERLAPS, COUNTS, COUNTS_BY_DEFAULT, ...customersOf(EVERYTHING)]) expect(allowed.has(id), id).toBe(true);
    expect(allowed.has(HIDDEN_BUT_OPEN) && !neighbours(ME).has(HIDDEN_BUT_OPEN)).toBe(false);

    const ids = [ME, hiddenPartner, EVERYTHING, mine[0]!, hiddenCustomer, [...customersOf(EVERYTHING)].find((c) => !customersOf(ME).has(c))!, myDeal, otherDeal, bundle.solutions[0]!.id, bundle.capabilities[0]!.id, 'resell', 'admin'];
    const queries = ['', `?partner=${ME}`, '?format=csv', `?partner=${ME}&format=csv&limit=1000`, `?focus=${ME}`, `?node=${ME}&limit=500`, '?q=a&limit=50'];
    const bodies: Record<string, unknown> = {
      'POST /api/deals/team': { customerId: mine[0], maxSize: 4, limit: 10 },
      'PUT /api/partners/{id}/sharing': { default: 'counts', partners: { [EVERYTHING]: 'overlaps' } },
    };
    const document = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.entries(document.paths).filter(([path]) => path.startsWith('/api/'));
    expect(paths.length).toBeGreaterThan(40);
    const seen = { requests: 0, ok: 0 };
    const leaks: string[] = [];
    for (const [path, methods] of paths) {
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        if (method === 'HEAD') continue;
        const concrete = path.includes('{') ? ids.map((id) => path.replace(/\{[^}]+\}/g, encodeURIComponent(id))) : [path];
        for (const url of concrete) {
          for (const query of method === 'GET' ? queries : ['']) {
            const answer = await call(method, url + query, keys.me, method === 'GET' || method === 'DELETE' ? undefined : (bodies[`${method} ${path}`] ?? { customerId: mine[0] }));
            seen.requests++;
            expect(answer.status, `${method} ${url}${query}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
            if (answer.status < 300) seen.ok++;
            // A refusal may repeat the request's own ids (the URL it refuses): that tells the client nothing it did not send.
            const sent = `${url}${query} ${JSON.stringify(bodies[`${method} ${path}`] ?? '')}`;
            const found = leaked(answer.text, forbidden).filter((id) => answer.status < 400 || !leaked(sent, new Set([id])).length);
            if (found.length > 0) leaks.push(`${method} ${url}${query} → ${answer.status}: ${found.slice(0, 5).join(', ')}`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(seen.ok).toBeGreaterThan(30);
    // The scan can fail: the vendor's admin sees those ids on the same routes.
    expect(leaked((await call('GET', `/api/nodes/${hiddenPartner}/neighbourhood`, keys.admin)).text, forbidden)).toContain(hiddenPartner);
    expect(leaked((await call('GET', '/api/introductions?k=50', keys.admin)).text, forbidden).length).toBeGreaterThan(0);
    // The walk's writes changed only the sharing of ME (the one write a partner key may make), back to what it was.
    await putSharing(SETTINGS.filter((row) => row.partner === ME));
  }, 600_000);

  it('shows each level as set: counts, overlapping customers, everything; a partner named hidden and partners sharing nothing do not appear', async () => {
    const answer = await call('GET', `/api/partners/${ME}/account-mapping`, keys.me);
    expect(answer.status, answer.text).toBe(200);
    const byId = new Map((answer.json.partners as any[]).map((p) => [p.partnerId, p]));
    const overlap = (other: string) => [...customersOf(other)].filter((c) => customersOf(ME).has(c)).sort();
    const expected = [...new Set(bundle.partners.map((p) => p.id))].filter((id) => id !== ME && levelToward(settingsNow(SETTINGS), id, ME) !== 'hidden').sort();
    expect([...byId.keys()].sort()).toEqual(expected);
    expect(byId.has(HIDDEN_BUT_OPEN)).toBe(false);

    const counts = byId.get(COUNTS);
    expect(counts).toMatchObject({ level: 'counts', youShare: 'counts', overlapCount: overlap(COUNTS).length });
    expect(counts.overlaps).toBeUndefined();
    expect(counts.customers).toBeUndefined();
    expect(byId.get(COUNTS_BY_DEFAULT)).toMatchObject({ level: 'counts', overlapCount: overlap(COUNTS_BY_DEFAULT).length });

    const overlaps = byId.get(OVERLAPS);
    expect(overlaps.level).toBe('overlaps');
    expect(overlaps.overlaps.map((c: { id: string }) => c.id)).toEqual(overlap(OVERLAPS));
    expect(overlaps.overlapCount).toBe(overlap(OVERLAPS).length);
    expect(overlaps.customers).toBeUndefined();

    const everything = byId.get(EVERYTHING);
    expect(everything).toMatchObject({ level: 'everything', youShare: 'overlaps' });
    expect(everything.customers.map((c: { id: string }) => c.id)).toEqual([...customersOf(EVERYTHING)].sort());
    expect(everything.partners.map((p: { id: string }) => p.id).sort()).toEqual([...neighbours(EVERYTHING)].filter((id) => !customersOf(EVERYTHING).has(id)).sort());
    // The levels as each partner set them, and the product default.
    expect((await call('GET', `/api/partners/${EVERYTHING}/sharing`, keys.viewer)).json).toEqual({ partnerId: EVERYTHING, default: 'hidden', defaultSet: false, partners: { [ME]: 'everything' } });
    // A customer only the everything-partner serves is readable; a hidden partner's is not.
    const theirsOnly = [...customersOf(EVERYTHING)].find((c) => !customersOf(ME).has(c))!;
    expect((await call('GET', `/api/customers/${theirsOnly}`, keys.me)).status).toBe(200);
  });

  it('takes a change of level into account on the next request', async () => {
    const theirsOnly = [...customersOf(EVERYTHING)].find((c) => !customersOf(ME).has(c))!;
    expect((await call('GET', `/api/customers/${theirsOnly}`, keys.me)).status).toBe(200);
    // The everything-partner's own key turns it down to counts.
    const put = await call('PUT', `/api/partners/${EVERYTHING}/sharing`, keys.everything, { partners: { [ME]: 'counts' } });
    expect(put.status, put.text).toBe(200);
    expect((await call('GET', `/api/customers/${theirsOnly}`, keys.me)).status).toBe(403);
    const mapping = (await call('GET', `/api/partners/${ME}/account-mapping`, keys.me)).json;
    const entry = mapping.partners.find((p: { partnerId: string }) => p.partnerId === EVERYTHING);
    expect(entry.level).toBe('counts');
    expect(entry.customers).toBeUndefined();
    // Audited as the partner key that made it.
    const audit = (await call('GET', '/api/audit?entity=sharing&limit=5', keys.admin)).json;
    expect(audit.items[0]).toMatchObject({ actorName: 'skyline', route: '/api/partners/:id/sharing', entities: ['sharing'], idsAfter: [EVERYTHING] });
    await putSharing(SETTINGS.filter((row) => row.partner === EVERYTHING));
    expect((await call('GET', `/api/customers/${theirsOnly}`, keys.me)).status).toBe(200);
  });

  it("refuses a partner key another partner's sharing (403, nothing written) and bad settings (400 naming the field)", async () => {
    const before = (await call('GET', `/api/partners/${EVERYTHING}/sharing`, keys.admin)).json;
    const refused = await call('PUT', `/api/partners/${EVERYTHING}/sharing`, keys.me, { default: 'everything' });
    expect(refused.status).toBe(403);
    expect(refused.json.details[0].field).toBe('headers.authorization');
    expect((await call('GET', `/api/partners/${EVERYTHING}/sharing`, keys.admin)).json).toEqual(before);
    expect((await call('GET', `/api/partners/${EVERYTHING}/sharing`, keys.me)).status).toBe(403);
    // A viewer reads settings but may not set them.
    expect((await call('PUT', `/api/partners/${ME}/sharing`, keys.viewer, {})).status).toBe(403);

    const unknown = await call('PUT', `/api/partners/${ME}/sharing`, keys.me, { partners: { 'p-nobody': 'counts' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.details[0]).toMatchObject({ field: 'body.partners.p-nobody', value: 'p-nobody' });
    const itself = await call('PUT', `/api/partners/${ME}/sharing`, keys.me, { partners: { [ME]: 'counts' } });
    expect(itself.status).toBe(400);
    const level = await call('PUT', `/api/partners/${ME}/sharing`, keys.me, { default: 'all' });
    expect(level.status).toBe(400);
    expect(level.json.details[0].field).toBe('body.default');
    expect((await call('PUT', '/api/partners/p-nobody/sharing', keys.admin, {})).status).toBe(404);
    expect((await call('GET', `/api/partners/${ME}/sharing`, keys.admin)).json).toMatchObject({ default: 'counts', partners: { [EVERYTHING]: 'overlaps' } });
  });

  it("computes a partner key's introductions and deal teams only from what it may see", async () => {
    const allowed = allowedIds(ME, settingsNow(SETTINGS));
    const hiddenCustomers = bundle.customers.filter((c) => !allowed.has(c.id)).map((c) => c.id);
    const forbidden = forbiddenIds(allowed);
    const intros = await call('GET', `/api/partners/${ME}/introductions?k=50`, keys.me);
    expect(intros.status).toBe(200);
    expect(intros.json.introductions.length).toBeGreaterThan(0);
    expect(leaked(intros.text, forbidden)).toEqual([]);
    // The vendor's view of the same partner does name partners it may not see.
    expect(leaked((await call('GET', `/api/partners/${ME}/introductions?k=50`, keys.admin)).text, forbidden).length).toBeGreaterThan(0);

    const customer = [...customersOf(ME)][0]!;
    const team = await call('POST', '/api/deals/team', keys.me, { customerId: customer, maxSize: 4, limit: 10 });
    expect(team.status, team.text).toBe(200);
    expect(leaked(team.text, forbidden)).toEqual([]);
    for (const t of team.json.teams) for (const m of t.members) expect(allowed.has(m.partnerId), m.partnerId).toBe(true);
    // A hidden partner's customer is not one the key can build a team for (as if it did not exist), though the vendor can.
    expect((await call('POST', '/api/deals/team', keys.me, { customerId: hiddenCustomers[0], maxSize: 3 })).status).toBe(404);
    expect((await call('POST', '/api/deals/team', keys.admin, { customerId: hiddenCustomers[0], maxSize: 3 })).status).toBe(200);
  });
});
