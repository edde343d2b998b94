import { describe, expect, it } from 'vitest';
import { addCustomer, addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';
import type { DerivedMetrics, EcoCatalogue, EcoGraph } from '../../projection/types.js';
import { HEALTH_WEIGHTS, ecosystemHealth } from '../health.js';
import { NodePositions, NodeValues } from '../../projection/node-values.js';

/**
 * T1 (technology) and S1 (service, which implements T1) both serve C1 in EU;
 * R1 (reseller) alone serves C2 in the US; T2 (technology) has no relationship.
 */
function ecosystem(): EcoGraph {
  const g = createEcoGraph();
  addPartner(g, { id: 'T1', label: 'Tern One', types: ['technology'], regions: ['EU'], segments: ['smb'], capabilities: { cloud: 'certified' }, lifecycle: { cloud: 'grow' } });
  addPartner(g, { id: 'T2', types: ['technology'], regions: ['EU'], segments: ['smb'], capabilities: { cloud: 'basic' }, lifecycle: { cloud: 'onboard' } });
  addPartner(g, { id: 'S1', types: ['service'], regions: ['EU'], segments: ['smb', 'enterprise'], capabilities: { data: 'advanced' }, lifecycle: { resell: 'churned', cloud: 'activate' } });
  addPartner(g, { id: 'R1', types: ['reseller'], regions: ['US'] });
  addCustomer(g, { id: 'C1', region: 'EU', segment: 'smb', needs: ['cloud', 'data'] });
  addCustomer(g, { id: 'C2', label: 'Cobalt Two', region: 'US', segment: 'smb', needs: ['cloud'] });
  // Cloud in EU for enterprise: T1 and T2 hold it in EU but serve only smb, so this cell is not covered.
  addCustomer(g, { id: 'C3', region: 'EU', segment: 'enterprise', needs: ['cloud'] });
  addRelationship(g, { from: 'S1', to: 'T1', type: 'IMPLEMENTS' });
  addRelationship(g, { from: 'T1', to: 'C1', type: 'SERVES', role: 'resell' });
  addRelationship(g, { from: 'S1', to: 'C1', type: 'SERVES', role: 'implement' });
  addRelationship(g, { from: 'R1', to: 'C2', type: 'SERVES', role: 'resell' });
  return g;
}

const deals: EcoCatalogue['deals'] = [
  { id: 'D1', customer: 'C1', region: 'EU', needs: [], stage: 'won', partners: [{ partner: 'T1', role: 'resell' }, { partner: 'S1', role: 'implement' }] },
  { id: 'D2', customer: 'C2', region: 'US', needs: [], stage: 'open', amount: 500, partners: [{ partner: 'R1', role: 'resell' }] },
  // The same partner twice is still a single-partner deal.
  { id: 'D3', customer: 'C1', region: 'EU', needs: [], stage: 'open', amount: 100, partners: [{ partner: 'T1', role: 'resell' }, { partner: 'T1', role: 'refer' }] },
];
const catalogue = (withDeals: boolean): EcoCatalogue => ({ capabilities: new Map(), regions: ['EU', 'US'], segments: ['smb'], deals: withDeals ? deals : [], solutions: [] });
const derived: DerivedMetrics = {
  version: 1,
  communities: NodeValues.of({}),
  pagerank: NodeValues.of({}),
  betweenness: { scores: NodeValues.of({}), exact: true, sources: 0 },
  articulationPoints: new Set(),
  bridges: [],
  weakPoints: { brokers: [], articulationPoints: [], disconnects: {}, isolated: [] },
  positions: NodePositions.of({}),
  layoutPending: false,
};

// Computed by hand from the ecosystem above.
const expected = {
  // 2 of 4 partners in the largest component {T1, S1, C1}; 1 partner link → 0.5 per partner, against a target of 3.
  connectivity: 0.7 * (2 / 4) + 0.3 * (0.5 / 3),
  // Type mix ½ technology, ¼ service, ¼ reseller over 6 types; customer relationships 1/3 each for T1, S1, R1.
  diversity: 0.5 * (-(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25)) / Math.log(6)) + 0.5 * (1 - 3 * (1 / 3) ** 2),
  // cloud/EU/smb has T1 and T2; data/EU/smb only S1; cloud/US/smb nobody; cloud/EU/enterprise nobody serving enterprise.
  coverage: 1 / 4,
  // T1 (grow) and S1 (activate beats churned) of 4.
  activation: 2 / 4,
  // D1 only, of three deals.
  multiPartnerDeals: 1 / 3,
  // T1 implements-linked; T2 not.
  integrationAdoption: 1 / 2,
};

describe('ecosystemHealth', () => {
  it('equals the hand-computed weighted mean of its components', () => {
    const health = ecosystemHealth(ecosystem(), catalogue(true), derived);
    const values = Object.fromEntries(health.components.map((c) => [c.key, c.value]));
    for (const [key, value] of Object.entries(expected)) expect(values[key], key).toBeCloseTo(value, 9);
    const score = 100 * Object.entries(expected).reduce((sum, [key, value]) => sum + HEALTH_WEIGHTS[key as keyof typeof HEALTH_WEIGHTS] * value, 0);
    expect(health.score).toBeCloseTo(score, 9);
    expect(health.score).toBeCloseTo(41.436, 2);
  });

  it('leaves out a component without data and renormalises the weights', () => {
    const health = ecosystemHealth(ecosystem(), catalogue(false), derived);
    expect(health.components.map((c) => c.key)).not.toContain('multiPartnerDeals');
    expect(health.components.reduce((sum, c) => sum + c.weight, 0)).toBeCloseTo(1, 9);
    const { multiPartnerDeals: _omitted, ...rest } = expected;
    const weighted = Object.entries(rest).reduce((sum, [key, value]) => sum + HEALTH_WEIGHTS[key as keyof typeof HEALTH_WEIGHTS] * value, 0);
    expect(health.score).toBeCloseTo((100 * weighted) / (1 - HEALTH_WEIGHTS.multiPartnerDeals), 9);
    expect(health.formula).toContain('left out for lack of data: multiPartnerDeals');
  });

  it('names what drives each component', () => {
    const drivers = Object.fromEntries(ecosystemHealth(ecosystem(), catalogue(true), derived).components.map((c) => [c.key, c.drivers]));
    // The uncovered cells as their gaps queries, each needed by one customer, so in alphabetical order.
    expect(drivers['coverage']).toEqual([
      '/api/gaps?capability=cloud&region=EU&segment=enterprise',
      '/api/gaps?capability=cloud&region=US&segment=smb',
      '/api/gaps?capability=data&region=EU&segment=smb',
    ]);
    expect(drivers['multiPartnerDeals']).toEqual(['D2', 'D3']);
    expect(drivers['integrationAdoption']).toEqual(['T2']);
    expect(drivers['activation']).toEqual(['R1', 'T2']);
    expect(drivers['connectivity']).toEqual(['R1', 'T2']);
    // One customer relationship each: ties in id order.
    expect(drivers['diversity']).toEqual(['R1', 'S1', 'T1']);
  });

  it('labels every driver for a person: names and formatted figures', () => {
    const labels = Object.fromEntries(ecosystemHealth(ecosystem(), catalogue(true), derived).components.map((c) => [c.key, c.driverLabels]));
    expect(labels['coverage']).toEqual(['cloud in EU for enterprise: 1 customer, no qualified partner', 'cloud in US for smb: 1 customer, no qualified partner', 'data in EU for smb: 1 customer, 1 qualified partner, supply 0.8']);
    expect(labels['multiPartnerDeals']).toEqual(['D2 for Cobalt Two: amount 500, open, only R1', 'D3 for C1: amount 100, open, only Tern One']);
    expect(labels['diversity']).toEqual(['R1: 1 customer relationship (33.3%)', 'S1: 1 customer relationship (33.3%)', 'Tern One: 1 customer relationship (33.3%)']);
    expect(labels['activation']).toEqual(['R1: on no program track', 'T2: furthest stage onboard']);
  });
});
