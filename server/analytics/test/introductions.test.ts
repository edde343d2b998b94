import { describe, expect, it } from 'vitest';
import { IntroductionsQuery } from '../../schemas/analytics.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';
import type { EcoGraph } from '../../projection/types.js';
import { introductionsFor, scorePair, topIntroductions } from '../introductions.js';
import { generateBundle } from '../../../seeds/generate.js';
import { projectBundle } from '../../projection/from-bundle.js';

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const SHARED = range('C', 10);

/**
 * P (technology) and S (service) co-serve ten customers without knowing each
 * other. O already co-sells with P and shares even more customers with it. T
 * shares two customers with P. N refers business to both P and S.
 */
function ecosystem(): EcoGraph {
  const g = createEcoGraph();
  addPartner(g, { id: 'P', types: ['technology'], regions: ['EU'], segments: ['smb'], capabilities: { cloud: 'certified' } });
  addPartner(g, { id: 'S', types: ['service'], regions: ['EU'], segments: ['smb'], capabilities: { data: 'advanced' } });
  addPartner(g, { id: 'O', types: ['reseller'], regions: ['EU'], segments: ['smb'] });
  addPartner(g, { id: 'T', types: ['technology'], regions: ['EU', 'US'], segments: ['smb'] });
  addPartner(g, { id: 'N', types: ['referral'], regions: ['US'], segments: ['enterprise'] });
  addPartner(g, { id: 'M', types: ['msp'], regions: ['APAC'], segments: ['enterprise'] });
  for (const id of SHARED) {
    addCustomer(g, { id, region: 'EU', segment: 'smb', needs: ['cloud', 'data'] });
    addRelationship(g, { from: 'P', to: id, type: 'SERVES', role: 'resell' });
    addRelationship(g, { from: 'S', to: id, type: 'SERVES', role: 'implement' });
  }
  for (const id of range('K', 12)) {
    addCustomer(g, { id, region: 'EU', segment: 'smb' });
    addRelationship(g, { from: 'P', to: id, type: 'SERVES', role: 'resell' });
    addRelationship(g, { from: 'O', to: id, type: 'SERVES', role: 'resell' });
  }
  for (const id of ['C0', 'C1']) addRelationship(g, { from: 'T', to: id, type: 'SERVES', role: 'integrate' });
  addRelationship(g, { from: 'O', to: 'P', type: 'CO_SELLS_WITH' });
  addRelationship(g, { from: 'N', to: 'P', type: 'REFERS_TO' });
  addRelationship(g, { from: 'N', to: 'S', type: 'REFERS_TO' });
  return g;
}

const query = (q: Partial<IntroductionsQuery> = {}) => IntroductionsQuery.parse(q);

describe('introductionsFor', () => {
  it('puts the partner sharing ten customers in a complementary role first, with the evidence', () => {
    const g = ecosystem();
    const top = introductionsFor(g, 'P', query())!.introductions[0]!;
    expect(top).toMatchObject({ partnerId: 'P', otherPartnerId: 'S' });
    const signal = (name: string) => top.signals.find((s) => s.name === name)!;
    expect([...signal('sharedCustomers').evidence].sort()).toEqual([...SHARED].sort());
    // Ten customers of unknown value weigh 1 each: log2(1 + 10).
    expect(signal('sharedCustomers').contribution).toBeCloseTo(Math.log2(11), 3);
    expect(signal('complementaryRoles').evidence).toEqual(['technology↔service']);
    expect(signal('complementaryCapabilities').evidence).toEqual(['cloud', 'data']);
    // N (degree 2) is their one common partner: Adamic–Adar 1 / ln 2.
    expect(signal('commonNeighbours')).toMatchObject({ evidence: ['N'], contribution: expect.closeTo(1 / Math.log(2), 3) });
    expect(signal('regionOverlap')).toMatchObject({ evidence: ['EU'], contribution: 0.5 });
    expect(top.score).toBeCloseTo(top.signals.reduce((sum, s) => sum + s.contribution, 0), 6);

    expect(introductionsFor(g, 'S', query())!.introductions[0]!.otherPartnerId).toBe('P');
  });

  it('never recommends an existing relationship or a partner to itself', () => {
    const g = ecosystem();
    for (const id of ['P', 'S', 'O', 'T', 'N', 'M']) {
      for (const intro of introductionsFor(g, id, query({ k: 100 }))!.introductions) {
        expect(intro.otherPartnerId).not.toBe(id);
        expect(g.areNeighbors(id, intro.otherPartnerId)).toBe(false);
      }
    }
    expect(introductionsFor(g, 'P', query())!.introductions.map((i) => i.otherPartnerId)).not.toContain('O');
  });

  it('ranks weaker evidence lower and filters candidates by type and region', () => {
    const g = ecosystem();
    // M shares nothing with P but a complementary role (technology and msp): a weak introduction, last.
    expect(introductionsFor(g, 'P', query())!.introductions.map((i) => i.otherPartnerId)).toEqual(['S', 'T', 'M']);
    expect(introductionsFor(g, 'P', query({ type: 'technology' }))!.introductions.map((i) => i.otherPartnerId)).toEqual(['T']);
    expect(introductionsFor(g, 'P', query({ region: 'APAC' }))!.introductions.map((i) => i.otherPartnerId)).toEqual(['M']);
    expect(introductionsFor(g, 'P', query({ k: 1 }))!.introductions).toHaveLength(1);
  });

  it('finds complementary-role partners met only through a shared region, as soon as they join', () => {
    const g = ecosystem();
    expect(introductionsFor(g, 'P', query())!.introductions.map((i) => i.otherPartnerId)).not.toContain('V');
    addPartner(g, { id: 'V', types: ['reseller'], regions: ['EU'], segments: ['enterprise'] });
    const intro = introductionsFor(g, 'P', query())!.introductions.find((i) => i.otherPartnerId === 'V')!;
    expect(intro.signals.map((s) => s.name).sort()).toEqual(['complementaryCapabilities', 'complementaryRoles', 'regionOverlap']);
  });

  it('answers null for an unknown id and refuses a customer', () => {
    const g = ecosystem();
    expect(introductionsFor(g, 'nobody', query())).toBeNull();
    expect(() => introductionsFor(g, 'C0', query())).toThrow(/introductions: C0 is a customer/);
  });
});

describe('introductionsFor against a brute force', () => {
  /** Every other partner scored from scratch: the best k by score. */
  function bruteForce(g: EcoGraph, partnerId: string, q: IntroductionsQuery): number[] {
    return g
      .filterNodes((id, node) => node.kind === 'partner' && id !== partnerId && !g.areNeighbors(id, partnerId) && (q.type === undefined || node.types.includes(q.type)) && (q.region === undefined || node.regions.includes(q.region)))
      .map((id) => scorePair(g, partnerId, id).score)
      .filter((score) => score > 0)
      .sort((a, b) => b - a)
      .slice(0, q.k);
  }

  for (const size of [
    { partners: 300, customers: 600, relationships: 3000, seed: 3 },
    { partners: 3000, customers: 6000, relationships: 40_000, seed: 8 },
  ]) {
    it(`finds the best introductions of sampled partners on a generated ecosystem of ${size.partners} partners`, () => {
      const { graph } = projectBundle(generateBundle(size));
      const partners = graph.filterNodes((_id, node) => node.kind === 'partner');
      // The most connected partners (hubs among their neighbours), and a spread of the rest.
      const byDegree = [...partners].sort((a, b) => graph.degree(b) - graph.degree(a));
      const sample = [...byDegree.slice(0, 4), ...partners.filter((_, i) => i % Math.floor(partners.length / 12) === 0)];
      for (const id of sample) {
        for (const q of [query(), query({ k: 25, type: 'service' })]) {
          const scores = introductionsFor(graph, id, q)!.introductions.map((i) => i.score);
          expect(scores, `${id} ${JSON.stringify(q)}`).toEqual(bruteForce(graph, id, q));
        }
      }
    });
  }
});

describe('topIntroductions', () => {
  it('finds the strongest unrelated pair ecosystem-wide, never an existing one', () => {
    const g = ecosystem();
    const { introductions } = topIntroductions(g, query({ k: 100 }));
    expect(new Set([introductions[0]!.partnerId, introductions[0]!.otherPartnerId])).toEqual(new Set(['P', 'S']));
    for (const intro of introductions) expect(g.areNeighbors(intro.partnerId, intro.otherPartnerId)).toBe(false);
    // O and P share the most customers, but already co-sell.
    expect(introductions.some((i) => [i.partnerId, i.otherPartnerId].includes('O') && [i.partnerId, i.otherPartnerId].includes('P'))).toBe(false);
  });

  it('pairs only the most valuable partners of a customer with many', () => {
    const g = createEcoGraph();
    for (const id of ['A', 'B', 'C']) addPartner(g, { id, types: ['service'], regions: ['EU'] });
    addCustomer(g, { id: 'X', region: 'EU', segment: 'smb' });
    addRelationship(g, { from: 'A', to: 'X', type: 'SERVES', role: 'implement', annualValue: 100 });
    addRelationship(g, { from: 'B', to: 'X', type: 'SERVES', role: 'implement', annualValue: 50 });
    addRelationship(g, { from: 'C', to: 'X', type: 'SERVES', role: 'implement' });
    const pairs = (perCustomer: number) => topIntroductions(g, query(), { partnersPerCustomer: perCustomer }).introductions.map((i) => `${i.partnerId}-${i.otherPartnerId}`);
    expect(pairs(2)).toEqual(['A-B']);
    expect(pairs(3).sort()).toEqual(['A-B', 'A-C', 'B-C']);
  });

  it('is deterministic and honours the type filter', () => {
    const g = ecosystem();
    expect(topIntroductions(g, query())).toEqual(topIntroductions(g, query()));
    const services = topIntroductions(g, query({ type: 'service' })).introductions;
    expect(services.map((i) => i.otherPartnerId)).toEqual(['S', 'S']);
  });
});
