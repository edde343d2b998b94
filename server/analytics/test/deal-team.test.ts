import { describe, expect, it } from 'vitest';
import { DealTeamRequest } from '../../schemas/analytics.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';
import type { EcoGraph } from '../../projection/types.js';
import { assembleDealTeams } from '../deal-team.js';

/**
 * CU (EU enterprise) needs cloud and data. A (service, cloud) already
 * implements B's (technology, data) product: the one cohesive covering team.
 * C and D cover the same needs at a higher tier but have never worked
 * together; F covers both alone but works in the US; G serves smb only.
 */
function ecosystem(): EcoGraph {
  const g = createEcoGraph();
  const eu = { regions: ['EU'], segments: ['enterprise'] };
  addPartner(g, { id: 'A', types: ['service'], tier: 'gold', ...eu, capabilities: { cloud: 'certified' } });
  addPartner(g, { id: 'B', types: ['technology'], tier: 'gold', ...eu, capabilities: { data: 'certified' } });
  addPartner(g, { id: 'C', types: ['service'], tier: 'platinum', ...eu, capabilities: { cloud: 'certified' } });
  addPartner(g, { id: 'D', types: ['technology'], tier: 'platinum', ...eu, capabilities: { data: 'certified' } });
  addPartner(g, { id: 'R', types: ['reseller'], tier: 'silver', ...eu });
  addPartner(g, { id: 'F', types: ['service', 'technology'], tier: 'platinum', regions: ['US'], segments: ['enterprise'], capabilities: { cloud: 'certified', data: 'certified', quantum: 'advanced' } });
  addPartner(g, { id: 'G', types: ['service'], regions: ['EU'], segments: ['smb'], capabilities: { cloud: 'certified', data: 'certified' } });
  addCustomer(g, { id: 'CU', region: 'EU', segment: 'enterprise', needs: ['cloud', 'data'] });
  addRelationship(g, { from: 'A', to: 'B', type: 'IMPLEMENTS' });
  addRelationship(g, { from: 'D', to: 'CU', type: 'SERVES', role: 'integrate' });
  addRelationship(g, { from: 'R', to: 'A', type: 'RESELLS' });
  return g;
}

const request = (r: Partial<DealTeamRequest>) => DealTeamRequest.parse(r);
const ids = (team: { members: Array<{ partnerId: string }> } | undefined) => team?.members.map((m) => m.partnerId);

describe('assembleDealTeams', () => {
  it('puts the one cohesive covering team first, with who covers what and why', () => {
    const { teams, unmet } = assembleDealTeams(ecosystem(), request({ customerId: 'CU' }));
    expect(unmet).toBeUndefined();
    const best = teams[0]!;
    expect(ids(best)).toEqual(['A', 'B']);
    expect(best.members).toEqual([
      expect.objectContaining({ partnerId: 'A', role: 'service', covers: ['cloud'] }),
      expect.objectContaining({ partnerId: 'B', role: 'technology', covers: ['data'] }),
    ]);
    expect(best.links).toEqual([{ source: 'A', target: 'B', types: ['IMPLEMENTS'] }]);
    expect(best.components).toMatchObject({ coverage: 1, cohesion: 1, customerFit: 0 });
    expect(best.explanation).toContain('Covers 2 of 2 requirements');
    expect(best.explanation).toContain('1 of 1 member pairs already work together');
    // The other covering teams follow, none with out-of-region or wrong-segment partners.
    expect(teams.map(ids)).toEqual([
      ['A', 'B'],
      ['C', 'D'],
      ['A', 'D'],
      ['B', 'C'],
    ]);
    expect(teams.map((t) => t.score)).toEqual([...teams.map((t) => t.score)].sort((a, b) => b - a));
  });

  it('fills required roles and honours include and exclude', () => {
    const g = ecosystem();
    const withReseller = assembleDealTeams(g, request({ customerId: 'CU', roles: ['reseller'] })).teams[0]!;
    expect(ids(withReseller)).toEqual(['A', 'B', 'R']);
    expect(withReseller.members.find((m) => m.partnerId === 'R')!.role).toBe('reseller');

    // Without B, the platinum pair wins: D already serves CU.
    expect(ids(assembleDealTeams(g, request({ customerId: 'CU', exclude: ['B'] })).teams[0])).toEqual(['C', 'D']);
    const forced = assembleDealTeams(g, request({ customerId: 'CU', include: ['F'] })).teams[0]!;
    expect(ids(forced)).toEqual(['F']);
    expect(forced.members[0]!.reason).toContain('included on request');
  });

  it('reports the missing capability and who holds it elsewhere when no team covers everything', () => {
    const { teams, unmet } = assembleDealTeams(ecosystem(), request({ region: 'EU', segment: 'enterprise', capabilities: ['cloud', 'data', 'quantum'] }));
    expect(unmet).toEqual([{ requirement: 'quantum', kind: 'capability', closest: ['F'], reason: expect.stringContaining('in other regions') }]);
    expect(ids(teams[0])).toEqual(['A', 'B']);
    expect(teams[0]!.components.coverage).toBeCloseTo(2 / 3, 3);
  });

  it('says when the team size, not the region, is what falls short', () => {
    const { unmet } = assembleDealTeams(ecosystem(), request({ customerId: 'CU', maxSize: 1 }));
    expect(unmet).toHaveLength(1);
    expect(unmet![0]!.reason).toContain('no team of at most 1');
  });

  it('refuses an unknown customer', () => {
    expect(() => assembleDealTeams(ecosystem(), request({ customerId: 'nobody' }))).toThrow(/deal-team: customerId: unknown customer "nobody"/);
  });

  it('finds the same best team as an unpruned search on a random ecosystem', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const g = createEcoGraph();
    const capabilities = ['c0', 'c1', 'c2', 'c3', 'c4'];
    const levels = ['basic', 'advanced', 'certified'] as const;
    for (let i = 0; i < 40; i++) {
      const held = Object.fromEntries(capabilities.filter(() => random() < 0.3).map((c) => [c, levels[Math.floor(random() * 3)]!]));
      addPartner(g, { id: `p${i}`, types: [random() < 0.5 ? 'service' : 'technology'], tier: random() < 0.5 ? 'gold' : 'silver', regions: ['EU'], segments: ['smb'], capabilities: held });
    }
    for (let i = 0; i < 60; i++) addRelationship(g, { from: `p${Math.floor(random() * 40)}`, to: `p${Math.floor(random() * 40)}`, type: 'CO_SELLS_WITH' });
    const req = request({ region: 'EU', capabilities, maxSize: 3, limit: 3 });
    const pruned = assembleDealTeams(g, req);
    const exhaustive = assembleDealTeams(g, req, { beamWidth: Number.MAX_SAFE_INTEGER, perPattern: Number.MAX_SAFE_INTEGER, branching: Number.MAX_SAFE_INTEGER });
    expect(pruned.teams.map((t) => t.score)).toEqual(exhaustive.teams.map((t) => t.score));
  });
});
