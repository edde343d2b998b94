import { describe, expect, it } from 'vitest';
import { largestConnectedComponent } from 'graphology-components';
import { GapsQuery } from '../../schemas/analytics.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';
import type { DerivedMetrics, EcoCatalogue, EcoGraph } from '../../projection/types.js';
import { betweenness } from '../centrality.js';
import { articulationPoints, weakPoints } from '../structure.js';
import { capabilityGaps } from '../gaps.js';
import { NodePositions, NodeValues } from '../../projection/node-values.js';

/**
 * Europe (EU) has two certified cloud partners for smb, nobody holding data
 * (but Q holds it in the US and co-sells with R, in EU), and nobody anywhere
 * holding ai. B is the only partner of K1 and K2: a planted bridge.
 */
function ecosystem(): EcoGraph {
  const g = createEcoGraph();
  addPartner(g, { id: 'E1', types: ['service'], regions: ['EU'], segments: ['smb'], capabilities: { cloud: 'certified' } });
  addPartner(g, { id: 'E2', types: ['technology'], regions: ['EU'], segments: ['smb'], capabilities: { cloud: 'certified' } });
  addPartner(g, { id: 'R', types: ['reseller'], regions: ['EU'], segments: ['smb', 'enterprise'] });
  addPartner(g, { id: 'Q', types: ['service'], regions: ['US'], segments: ['smb'], capabilities: { data: 'certified', cloud: 'basic' } });
  addPartner(g, { id: 'B', types: ['service'], regions: ['EU'], segments: ['smb'] });
  addPartner(g, { id: 'LONE', types: ['referral'], regions: ['EU'], segments: ['smb'] });
  const customers: Array<[string, string, string, string[], string]> = [
    ['A1', 'EU', 'smb', ['ai'], 'E1'],
    ['A2', 'EU', 'smb', ['ai'], 'E2'],
    ['A3', 'EU', 'smb', ['ai'], 'R'],
    ['D1', 'EU', 'smb', ['data'], 'R'],
    ['D2', 'EU', 'smb', ['data'], 'E1'],
    ['C1', 'EU', 'smb', ['cloud'], 'E1'],
    ['C2', 'EU', 'smb', ['cloud'], 'E2'],
    ['X1', 'EU', 'enterprise', ['cloud'], 'R'],
    ['U1', 'US', 'smb', ['cloud'], 'Q'],
    ['K1', 'EU', 'smb', [], 'B'],
    ['K2', 'EU', 'smb', [], 'B'],
  ];
  for (const [id, region, segment, needs, partner] of customers) {
    addCustomer(g, { id, region, segment, needs });
    addRelationship(g, { from: partner, to: id, type: 'SERVES', role: 'implement' });
  }
  addRelationship(g, { from: 'Q', to: 'R', type: 'CO_SELLS_WITH' });
  addRelationship(g, { from: 'E1', to: 'E2', type: 'INTEGRATES_WITH' });
  addRelationship(g, { from: 'B', to: 'E1', type: 'REFERS_TO' });
  addRelationship(g, { from: 'R', to: 'E1', type: 'CO_SELLS_WITH' });
  return g;
}

const catalogue: EcoCatalogue = {
  capabilities: new Map([
    ['cloud', { name: 'Cloud migration' }],
    ['data', { name: 'Data platform' }],
    ['ai', { name: 'Applied AI' }],
  ]),
  regions: ['EU', 'US'],
  segments: ['smb', 'enterprise'],
  deals: [],
  solutions: [],
};

function derive(g: EcoGraph): DerivedMetrics {
  const { scores, exact, sources } = betweenness(g);
  return {
    version: 1,
    communities: NodeValues.of({}),
    pagerank: NodeValues.of({}),
    betweenness: { scores: NodeValues.of(scores), exact, sources },
    articulationPoints: new Set(articulationPoints(g)),
    bridges: [],
    weakPoints: weakPoints(g, (id) => scores[id] ?? 0),
    positions: NodePositions.of({}),
    layoutPending: false,
  };
}

const run = (g: EcoGraph, query: Partial<GapsQuery> = {}) => capabilityGaps(g, catalogue, derive(g), GapsQuery.parse(query));

describe('capabilityGaps', () => {
  it('ranks the capability nobody holds first, to be recruited', () => {
    const { gaps } = run(ecosystem());
    const top = gaps[0]!;
    expect([top.capability, top.region, top.segment]).toEqual(['ai', 'EU', 'smb']);
    expect(top).toMatchObject({ demand: 3, supply: 0, unserved: true, severity: 3, qualifiedPartners: [], customers: ['A1', 'A2', 'A3'], nearestSuppliers: [], action: 'recruit' });
    expect(top.explanation).toBe('3 smb customers in EU need Applied AI and no partner qualifies there. To close it: recruit 2 certified partners for smb in EU.');
  });

  it('suggests introducing a partner qualified one region away through its in-region partner, and recruiting the second', () => {
    const gap = run(ecosystem()).gaps.find((g) => g.capability === 'data')!;
    expect(gap).toMatchObject({ region: 'EU', segment: 'smb', demand: 2, supply: 0, action: 'introduce', nearestSuppliers: ['Q'] });
    expect(gap.nearestSupplierReasons[0]).toMatchObject({ partnerId: 'Q', partnerName: 'Q' });
    expect(gap.nearestSupplierReasons[0]!.reason).toContain('already works with R');
    // Q alone would be one partner, below the rule's two.
    expect(gap.plan.map((s) => [s.action, s.change, s.partnerId, s.via])).toEqual([['introduce', 'enterRegion', 'Q', 'R'], ['recruit', 'recruit', undefined, undefined]]);
  });

  it('suggests enabling in-region partners that serve another segment or hold a lower level', () => {
    const { gaps } = run(ecosystem());
    const enterprise = gaps.find((g) => g.capability === 'cloud' && g.segment === 'enterprise')!;
    expect(enterprise).toMatchObject({ region: 'EU', action: 'enable', nearestSuppliers: ['E1', 'E2'], customers: ['X1'] });
    expect(enterprise.plan.map((s) => [s.change, s.partnerId])).toEqual([['serveSegment', 'E1'], ['serveSegment', 'E2']]);
    const us = gaps.find((g) => g.capability === 'cloud' && g.region === 'US')!;
    // One basic partner: supply 0.5, one customer per 0.5 unit, and below the two-partner minimum, which certifying Q cannot change.
    expect(us).toMatchObject({ demand: 1, supply: 0.5, severity: 2, qualifiedPartners: ['Q'], action: 'recruit', nearestSuppliers: ['Q', 'E1', 'E2'] });
    expect(us.plan).toMatchObject([{ change: 'recruit', partners: 1 }]);
    expect(us.nearestSupplierReasons.map((r) => r.reason)).toEqual([
      'qualifies at basic level only; certifying it adds 0.5 supply',
      'holds Cloud migration (certified) for smb in EU, not in US',
      'holds Cloud migration (certified) for smb in EU, not in US',
    ]);
  });

  it('ranks unserved cells (severity = demand) before served ones (severity = demand ÷ supply), and leaves well-served cells out', () => {
    const { gaps, matrix } = run(ecosystem());
    expect(gaps.map((g) => `${g.capability}/${g.region}/${g.segment}`)).toEqual(['ai/EU/smb', 'data/EU/smb', 'cloud/EU/enterprise', 'cloud/US/smb']);
    expect(gaps.map((g) => [g.unserved, g.severity])).toEqual([[true, 3], [true, 2], [true, 1], [false, 2]]);
    expect(matrix.cells).toContainEqual({ capability: 'cloud', region: 'EU', segment: 'smb', demand: 2, supply: 2 });
    expect(matrix.regions).toEqual(['EU', 'US']);
  });

  it('applies the filters and the limit', () => {
    const g = ecosystem();
    expect(run(g, { capability: 'cloud' }).gaps.map((x) => x.capability)).toEqual(['cloud', 'cloud']);
    expect(run(g, { region: 'US' }).gaps.map((x) => x.region)).toEqual(['US']);
    expect(run(g, { limit: 1 }).gaps).toHaveLength(1);
  });

  it('reports single points of failure with the customers at risk', () => {
    const { singlePointsOfFailure } = run(ecosystem()).structural;
    expect(singlePointsOfFailure).toContainEqual({ kind: 'capability', id: 'data', partnerId: 'Q', customersAtRisk: ['D1', 'D2'] });
    expect(singlePointsOfFailure).toContainEqual({ kind: 'region', id: 'US', capability: 'cloud', partnerId: 'Q', customersAtRisk: ['U1'] });
  });

  it('lists brokers by betweenness and isolated partners', () => {
    const g = ecosystem();
    const { structural } = run(g);
    const scores = structural.brokerScores.map((b) => b.betweenness);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(structural.brokers[0]).toBe('E1');
    expect(structural.isolated).toEqual(['LONE']);
  });

  it('says exactly which customers a bridge partner would cut off', () => {
    const g = ecosystem();
    const { structural } = run(g);
    expect(structural.articulationPoints).toContain('B');
    expect(structural.disconnects['B']).toEqual(['K1', 'K2']);

    // Check against the graph itself: drop B and see which customers leave the largest component.
    const before = new Set(largestConnectedComponent(g));
    const without = g.copy();
    without.dropNode('B');
    const after = new Set(largestConnectedComponent(without));
    const cut = [...before].filter((id) => id !== 'B' && !after.has(id) && g.getNodeAttribute(id, 'kind') === 'customer');
    expect(structural.disconnects['B']).toEqual(cut.sort());
    expect(structural.disconnects['R']).toEqual(['A3', 'D1', 'U1', 'X1']);
  });

  it('takes the weak points derived with the metrics, less what writes since have removed or linked', () => {
    const g = ecosystem();
    const derived = derive(g);
    const before = capabilityGaps(g, catalogue, derived, GapsQuery.parse({})).structural;
    expect(before.disconnects['B']).toEqual(['K1', 'K2']);
    expect(before.isolated).toEqual(['LONE']);
    g.dropNode('K1');
    addRelationship(g, { from: 'LONE', to: 'Q', type: 'CO_SELLS_WITH' });
    g.dropNode(before.brokers[0]!);
    const after = capabilityGaps(g, catalogue, derived, GapsQuery.parse({})).structural;
    expect(after.disconnects['B']).toEqual(['K2']);
    expect(after.isolated).toEqual([]);
    expect(after.brokers).toEqual(before.brokers.slice(1));
    expect(after.brokerScores.map((b) => b.partnerId)).toEqual(before.brokers.slice(1));
    expect(after.articulationPoints).toEqual(before.articulationPoints.filter((id) => id !== before.brokers[0]));
  });
});
