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

  it('finds the one cover hidden among decoys that look closer to covering, and proves it best', () => {
    const g = createEcoGraph();
    const caps = ['A', 'B', 'C', 'D', 'E', 'F'];
    const eu = { regions: ['EU'], segments: ['smb'], tier: 'gold' };
    addPartner(g, { id: 'P1', types: ['service'], ...eu, tier: 'registered', capabilities: { A: 'basic', B: 'basic', C: 'basic' } });
    addPartner(g, { id: 'P2', types: ['service'], ...eu, tier: 'registered', capabilities: { D: 'basic', E: 'basic', F: 'basic' } });
    // Decoys hold four capabilities each, platinum and certified, but all lack A, so no two of them cover all six, nor one with P1 or P2.
    const decoyPatterns = [['B', 'C', 'E', 'F'], ['B', 'C', 'D', 'F'], ['B', 'C', 'D', 'E']];
    for (let i = 0; i < 24; i++) {
      const pattern = decoyPatterns[i % 3]!;
      addPartner(g, { id: `decoy${i}`, types: ['technology'], ...eu, tier: 'platinum', capabilities: Object.fromEntries(pattern.map((c) => [c, 'certified'])) });
    }
    const { teams, unmet, optimality } = assembleDealTeams(g, request({ region: 'EU', capabilities: caps, maxSize: 2, limit: 3 }));
    expect(unmet).toBeUndefined();
    expect(teams.map(ids)).toEqual([['P1', 'P2']]);
    expect(optimality).toBe('proven');
  });

  it('never says no team exists unless the search proved it', () => {
    const g = createEcoGraph();
    for (let i = 0; i < 30; i++) addPartner(g, { id: `p${i}`, types: ['service'], regions: ['EU'], capabilities: { [`c${i % 6}`]: 'basic', [`c${(i + 1) % 6}`]: 'basic' } });
    const req = request({ region: 'EU', capabilities: range(6).map((i) => `c${i}`), maxSize: 3 });
    const cut = assembleDealTeams(g, req, { searchBudget: 2 });
    expect(cut.optimality).toBe('best-found');
    expect(cut.bound).toBeGreaterThanOrEqual(cut.teams[0]!.score);
    for (const u of cut.unmet ?? []) expect(u.reason).toContain('not proven');
    const full = assembleDealTeams(g, req);
    expect(full.optimality).toBe('proven');
    expect(full.unmet).toBeUndefined();
    expect(full.teams[0]!.components.coverage).toBe(1);
  });

  it('returns the best teams a brute force finds, on many random and adversarial ecosystems, and says when that is proven', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const { graph, req } = randomInstance(seed);
      const expected = bruteForce(graph, req);
      const generous = assembleDealTeams(graph, req);
      const label = `seed ${seed}`;
      expect(generous.optimality, label).toBe('proven');
      checkValid(graph, req, generous.teams, label);
      expect(generous.teams.map((t) => t.score), label).toEqual(expected.map((t) => round3(t.score)));
      // Without any team (no partner provides anything), every requirement is unmet.
      expect(generous.unmet === undefined, label).toBe(expected[0] !== undefined && expected[0].covered === expected[0].requirements);
      expect(generous.bound, label).toBeCloseTo(generous.teams[0]?.score ?? 0, 3);

      // On a small budget the search may stop early: then it must not claim a proof, and its bound must hold.
      for (const searchBudget of [3, 30]) {
        const hurried = assembleDealTeams(graph, req, { searchBudget });
        checkValid(graph, req, hurried.teams, label);
        if (hurried.optimality === 'proven') expect(hurried.teams.map((t) => t.score), label).toEqual(expected.map((t) => round3(t.score)));
        expect(hurried.bound + 1e-9, label).toBeGreaterThanOrEqual(round3(expected[0]?.score ?? 0));
      }
    }
  });

  it('stays exact with the reseller, technology and service roles required and hubs related to everyone, teams of up to 6', () => {
    let cut = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const { graph, req } = randomInstance(seed + 5000);
      // Two hubs work with every other partner, half of those links IMPLEMENTS: cohesion is within reach of many teams, as on the large ecosystem.
      const partners = graph.filterNodes((_id, node) => node.kind === 'partner');
      for (const hub of partners.slice(0, 2)) {
        partners.forEach((other, k) => {
          if (other !== hub && !graph.hasEdge(hub, other)) addRelationship(graph, { from: hub, to: other, type: k % 2 === 0 ? 'IMPLEMENTS' : 'CO_SELLS_WITH' });
        });
      }
      const withRoles = DealTeamRequest.parse({ ...req, roles: ['reseller', 'technology', 'service'], maxSize: Math.max(req.include.length, 2 + (seed % 5)) });
      const expected = bruteForce(graph, withRoles);
      const answer = assembleDealTeams(graph, withRoles);
      const label = `seed ${seed + 5000}`;
      expect(answer.optimality, label).toBe('proven');
      checkValid(graph, withRoles, answer.teams, label);
      expect(answer.teams.map((t) => t.score), label).toEqual(expected.map((t) => round3(t.score)));
      for (const searchBudget of [2, 20]) {
        const hurried = assembleDealTeams(graph, withRoles, { searchBudget });
        if (hurried.optimality === 'proven') expect(hurried.teams.map((t) => t.score), label).toEqual(expected.map((t) => round3(t.score)));
        else cut++;
        expect(hurried.bound + 1e-9, label).toBeGreaterThanOrEqual(round3(expected[0]?.score ?? 0));
      }
    }
    // The small budgets did stop some searches: their bounds were checked.
    expect(cut).toBeGreaterThan(0);
  });

  it('stays exact when more partners serve the customer than the search pins one by one', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { graph, req } = randomInstance(seed * 7 + 1000);
      // Every partner serves the customer: 6 to 14 of them, more than the 10 the search pins.
      graph.forEachNode((id, node) => {
        if (node.kind === 'partner' && !graph.hasEdge(id, 'cust')) addRelationship(graph, { from: id, to: 'cust', type: 'SERVES', role: 'implement' });
      });
      const withCustomer = DealTeamRequest.parse({ ...req, customerId: 'cust', region: undefined, segment: undefined });
      const expected = bruteForce(graph, withCustomer);
      const answer = assembleDealTeams(graph, withCustomer);
      expect(answer.optimality, `seed ${seed}`).toBe('proven');
      checkValid(graph, withCustomer, answer.teams, `seed ${seed}`);
      expect(answer.teams.map((t) => t.score), `seed ${seed}`).toEqual(expected.map((t) => round3(t.score)));
    }
  });

  it('says best found, not proven, when the clock runs out, and its bound still holds', () => {
    const { graph, req } = randomInstance(3);
    const expected = bruteForce(graph, req);
    const out = assembleDealTeams(graph, req, { timeBudgetMs: -1 });
    // The clock is read every 256 search nodes: a search that finishes sooner may still prove its answer.
    if (out.optimality === 'proven') expect(out.teams.map((t) => t.score)).toEqual(expected.map((t) => round3(t.score)));
    else expect(out.bound + 1e-9).toBeGreaterThanOrEqual(round3(expected[0]?.score ?? 0));
    const hurried = assembleDealTeams(graph, req, { searchBudget: 1 });
    expect(hurried.optimality).toBe('best-found');
    expect(hurried.bound + 1e-9).toBeGreaterThanOrEqual(round3(expected[0]?.score ?? 0));
  });
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const TIERS = ['registered', 'silver', 'gold', 'platinum'] as const;
const TYPES = ['service', 'technology', 'reseller'] as const;
const LEVELS = ['basic', 'advanced', 'certified'] as const;

/**
 * A small random ecosystem and deal. One in three is a set-cover trap: a
 * hidden exact cover of weak partners plus strong decoys whose large patterns
 * never complete each other.
 */
function randomInstance(seed: number): { graph: EcoGraph; req: DealTeamRequest } {
  let state = seed;
  const random = () => ((state = (state * 16807) % 2147483647) / 2147483647);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const g = createEcoGraph();
  const capabilities = range(3 + Math.floor(random() * 4)).map((i) => `k${i}`);
  const maxSize = 1 + Math.floor(random() * 4);
  const n = 6 + Math.floor(random() * 9);
  const trap = seed % 3 === 0;
  for (let i = 0; i < n; i++) {
    let held = capabilities.filter(() => random() < 0.35);
    if (trap) {
      // Hidden cover: partners 0..maxSize-1 split the capabilities; decoys hold all but one from each of two parts.
      const part = (c: number) => c % maxSize;
      held = i < maxSize ? capabilities.filter((_, c) => part(c) === i) : capabilities.filter((_, c) => c % (maxSize + 1) !== i % (maxSize + 1));
    }
    addPartner(g, {
      id: `p${String(i).padStart(2, '0')}`,
      types: random() < 0.2 ? [pick(TYPES), pick(TYPES)].filter((t, k, all) => all.indexOf(t) === k) : [pick(TYPES)],
      tier: trap && i < maxSize ? 'registered' : pick(TIERS),
      regions: random() < 0.85 ? ['EU'] : ['US'],
      segments: random() < 0.85 ? ['smb'] : ['enterprise'],
      capabilities: Object.fromEntries(held.map((c) => [c, pick(LEVELS)])),
    });
  }
  addCustomer(g, { id: 'cust', region: 'EU', segment: 'smb', needs: capabilities.slice(0, 2) });
  // In traps the strong decoys already serve the customer: the search pins such partners, so the trap must hold among them too.
  if (trap) for (let i = maxSize; i < n; i += 2) addRelationship(g, { from: `p${String(i).padStart(2, '0')}`, to: 'cust', type: 'SERVES', role: 'implement' });
  for (let e = 0; e < n; e++) {
    const [a, b] = [`p${String(Math.floor(random() * n)).padStart(2, '0')}`, `p${String(Math.floor(random() * n)).padStart(2, '0')}`];
    if (a !== b) addRelationship(g, { from: a, to: b, type: random() < 0.3 ? 'IMPLEMENTS' : 'CO_SELLS_WITH' });
    if (random() < 0.3) addRelationship(g, { from: a, to: 'cust', type: 'SERVES', role: 'implement' });
  }
  const roles = random() < 0.4 ? [pick(TYPES)] : [];
  const include = random() < 0.15 ? [`p${String(Math.floor(random() * n)).padStart(2, '0')}`] : [];
  const exclude = random() < 0.2 ? [`p0${Math.floor(random() * 6)}`].filter((id) => !include.includes(id)) : [];
  const withCustomer = random() < 0.5;
  const req = request({
    ...(withCustomer ? { customerId: 'cust' } : { region: 'EU', segment: random() < 0.5 ? 'smb' : undefined }),
    capabilities: trap || !withCustomer || random() < 0.5 ? capabilities : [],
    roles,
    include,
    exclude,
    maxSize: Math.max(maxSize, include.length),
    limit: 1 + Math.floor(random() * 4),
  });
  return { graph: g, req };
}

interface Scored {
  members: string[];
  covered: number;
  requirements: number;
  fit: number;
  score: number;
}

/** Every team by the documented rules, scored from the README's formula; the best `limit`, complete teams only when there are any. */
function bruteForce(g: EcoGraph, req: DealTeamRequest): Scored[] {
  const customer = req.customerId === undefined ? undefined : g.getNodeAttributes(req.customerId);
  const region = req.region ?? (customer?.kind === 'customer' ? customer.region : '');
  const segment = req.segment ?? (customer?.kind === 'customer' ? customer.segment : undefined);
  const capabilities = [...new Set(req.capabilities.length > 0 ? req.capabilities : customer?.kind === 'customer' ? customer.needs : [])];
  const requirements = [...capabilities.map((id) => ({ kind: 'capability', id })), ...[...new Set(req.roles)].map((id) => ({ kind: 'role', id }))];
  const covers = (id: string) => {
    const p = g.getNodeAttributes(id);
    if (p.kind !== 'partner') return new Set<number>();
    return new Set(requirements.flatMap((r, i) => ((r.kind === 'capability' ? r.id in p.capabilities : p.types.includes(r.id as never)) ? [i] : [])));
  };
  const partners = g.filterNodes((id, p) => p.kind === 'partner' && !req.exclude.includes(id));
  const optional = partners.filter((id) => {
    const p = g.getNodeAttributes(id);
    return p.kind === 'partner' && !req.include.includes(id) && p.regions.includes(region) && (segment === undefined || p.segments.includes(segment)) && covers(id).size > 0;
  });
  const tierScore: Record<string, number> = { registered: 0.25, silver: 0.5, gold: 0.75, platinum: 1 };
  const levelWeight = { basic: 0.5, advanced: 0.8, certified: 1 };
  const quality = (id: string) => {
    const p = g.getNodeAttributes(id);
    if (p.kind !== 'partner') return 0;
    const levels = capabilities.filter((c) => c in p.capabilities).map((c) => (p.capabilities[c]!.certified ? 1 : levelWeight[p.capabilities[c]!.level]));
    return levels.length === 0 ? tierScore[p.tier]! : (tierScore[p.tier]! + levels.reduce((a, b) => a + b, 0) / levels.length) / 2;
  };
  const teams: Scored[] = [];
  const visit = (from: number, chosen: string[]) => {
    const members = [...req.include, ...chosen];
    if (members.length > 0) {
      const sets = members.map(covers);
      const union = new Set(sets.flatMap((s) => [...s]));
      const irredundant = chosen.every((id) => [...covers(id)].some((bit) => members.every((other) => other === id || !covers(other).has(bit))));
      if (irredundant) {
        let linked = 0;
        let bonus = 0;
        for (let i = 0; i < members.length; i++) {
          for (let j = i + 1; j < members.length; j++) {
            const edge = g.edge(members[i]!, members[j]!);
            if (edge === undefined) continue;
            linked++;
            const [a, b] = [g.getNodeAttributes(members[i]!), g.getNodeAttributes(members[j]!)];
            const serviceTech = a.kind === 'partner' && b.kind === 'partner' && ((a.types.includes('service') && b.types.includes('technology')) || (a.types.includes('technology') && b.types.includes('service')));
            if (serviceTech && g.getEdgeAttribute(edge, 'types').includes('IMPLEMENTS')) bonus = 0.25;
          }
        }
        const pairs = (members.length * (members.length - 1)) / 2;
        const cohesion = pairs === 0 ? 1 : Math.min(1, linked / pairs + bonus);
        const customerFit = members.filter((m) => req.customerId !== undefined && g.areNeighbors(m, req.customerId)).length / members.length;
        const meanQuality = members.reduce((sum, m) => sum + quality(m), 0) / members.length;
        const fit = 0.5 * cohesion + 0.3 * customerFit + 0.2 * meanQuality;
        teams.push({ members: [...members].sort(), covered: union.size, requirements: requirements.length, fit, score: (union.size + fit) / (requirements.length + 1) });
      }
    }
    if (members.length >= req.maxSize) return;
    for (let i = from; i < optional.length; i++) visit(i + 1, [...chosen, optional[i]!]);
  };
  visit(0, []);
  const complete = teams.filter((t) => t.covered === t.requirements);
  return (complete.length > 0 ? complete : teams).sort((a, b) => b.covered - a.covered || b.fit - a.fit).slice(0, req.limit);
}

/** Members are eligible, within maxSize, each brings something no other member does, and the team covers what it says. */
function checkValid(g: EcoGraph, req: DealTeamRequest, teams: ReturnType<typeof assembleDealTeams>['teams'], label: string): void {
  for (const team of teams) {
    const members = team.members.map((m) => m.partnerId);
    expect(members.length, label).toBeLessThanOrEqual(req.maxSize);
    expect(new Set(members).size, label).toBe(members.length);
    for (const id of req.include) expect(members, label).toContain(id);
    for (const id of req.exclude) expect(members, label).not.toContain(id);
    for (const m of team.members) {
      const node = g.getNodeAttributes(m.partnerId);
      expect(node.kind, label).toBe('partner');
      for (const c of m.covers) expect(node.kind === 'partner' && c in node.capabilities, label).toBe(true);
    }
  }
}
