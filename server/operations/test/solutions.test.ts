/**
 * Solution validation and customer fit on hand-built records: each case's
 * status is worked out by hand from the documented rule, and the fit scores
 * of random catalogues are compared with a brute-force recomputation of the
 * documented formula.
 */
import { describe, expect, it } from 'vitest';
import { rankSolutions, validateSolution } from '../solutions.js';
import { seededRandom } from '../../analytics/communities.js';
import type { CatalogueNames, MemberFacts, SolutionRecord } from '../../store/solution-records.js';

const names: CatalogueNames = { capabilities: new Map([['cap-a', 'Analytics'], ['cap-b', 'Billing']]), regions: new Map([['emea', 'Europe'], ['amer', 'Americas']]) };

function member(id: string, over: Partial<MemberFacts> = {}): MemberFacts {
  return { id, name: id.toUpperCase(), types: ['service'], stages: [{ track: 'main', stage: 'grow' }], regions: ['emea'], capabilities: ['cap-a', 'cap-b'], related: [], ...over };
}

const tech = member('t', { types: ['technology'], related: ['s'] });
const service = member('s', { related: ['t'] });
const base: SolutionRecord = { id: 'sol', name: 'Sol', declared: ['s', 't'], partners: ['s', 't'], capabilities: ['cap-a', 'cap-b'] };

function status(solution: Partial<SolutionRecord>, ...members: MemberFacts[]) {
  const all = new Map([tech, service, ...members].map((m) => [m.id, m]));
  return validateSolution({ ...base, ...solution }, all, names);
}

describe('solution validation', () => {
  it('is valid when every check passes, and skips regions when none are stated', () => {
    const v = status({});
    expect(v.status).toBe('valid');
    expect(v.checks.every((c) => c.ok)).toBe(true);
    expect(v.checks.find((c) => c.check === 'regions-covered')!.detail).toContain('nothing to check');
  });

  it.each([
    ['a deleted member', { declared: ['gone', 's', 't'] }, [], 'broken', 'members-exist'],
    ['a member churned in its only track', {}, [member('s', { related: ['t'], stages: [{ track: 'main', stage: 'churned' }] })], 'broken', 'members-active'],
    ['a member churned in one of two tracks', {}, [member('s', { related: ['t'], stages: [{ track: 'main', stage: 'churned' }, { track: 'other', stage: 'grow' }] })], 'at-risk', 'members-active'],
    ['no technology and service pair related', {}, [member('t', { types: ['technology'] }), member('s')], 'broken', 'members-integrated'],
    ['a second service member related to no technology member', { declared: ['s', 's2', 't'], partners: ['s', 's2', 't'] }, [member('s2')], 'at-risk', 'members-integrated'],
    ['a capability no member holds', { capabilities: ['cap-a', 'cap-z'] }, [], 'at-risk', 'capabilities-covered'],
    ['a region where no member operates', { regions: ['emea', 'amer'] }, [], 'at-risk', 'regions-covered'],
  ] as Array<[string, Partial<SolutionRecord>, MemberFacts[], string, string]>)('%s', (_case, solution, members, expected, check) => {
    const v = status(solution, ...members);
    expect(v.status).toBe(expected);
    expect(v.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual([check]);
  });

  it('writes details with names', () => {
    expect(status({ capabilities: ['cap-a', 'cap-b'], regions: ['amer'] }).checks.find((c) => c.check === 'regions-covered')!.detail).toBe('Sold in Americas, where no member operates.');
    expect(status({}).checks.find((c) => c.check === 'members-integrated')!.detail).toContain('S with T');
  });
});

describe('customer fit', () => {
  it('matches a brute-force recomputation of the documented score on random catalogues', () => {
    const rng = seededRandom(7);
    const caps = ['cap-a', 'cap-b', 'cap-c', 'cap-d'];
    const regions = ['emea', 'amer'];
    const pick = <T>(xs: T[]) => xs.filter(() => rng() < 0.5);
    for (let round = 0; round < 50; round++) {
      const members = Array.from({ length: 6 }, (_, i) =>
        member(`m${i}`, { types: [i % 2 === 0 ? 'technology' : 'service'], regions: pick(regions), capabilities: pick(caps), related: [`m${i ^ 1}`], stages: [{ track: 'x', stage: rng() < 0.15 ? 'churned' : 'grow' }] }),
      );
      const byId = new Map(members.map((m) => [m.id, m]));
      const solutions: SolutionRecord[] = Array.from({ length: 5 }, (_, k) => {
        const partners = [...new Set([`m${2 * (k % 3)}`, `m${2 * (k % 3) + 1}`, ...pick(members.map((m) => m.id))])].sort();
        return { id: `s${k}`, name: `S${k}`, declared: partners, partners, capabilities: pick(caps).sort() };
      });
      const catalogue = solutions.map((solution) => ({ solution, validation: validateSolution(solution, byId, names) }));
      const customer = { id: 'c', name: 'C', region: rng() < 0.5 ? 'emea' : 'amer', needs: pick(caps), servedBy: pick(members.map((m) => m.id)) };
      const answer = rankSolutions(customer, catalogue, byId, names);

      const expected = catalogue
        .filter(({ solution: s }) => s.capabilities.some((c) => customer.needs.includes(c)) || s.partners.some((p) => customer.servedBy.includes(p)))
        .filter(({ validation }) => validation.status !== 'broken')
        .map(({ solution: s, validation }) => {
          const coverage = customer.needs.length === 0 ? 0 : customer.needs.filter((n) => s.capabilities.includes(n)).length / customer.needs.length;
          const local = s.partners.filter((p) => byId.get(p)!.regions.includes(customer.region)).length / s.partners.length;
          const serving = s.partners.filter((p) => customer.servedBy.includes(p)).length / s.partners.length;
          return { id: s.id, score: (0.6 * coverage + 0.2 * local + 0.2 * serving) * (validation.status === 'at-risk' ? 0.5 : 1) };
        });
      expect(answer.items.map((i) => i.solutionId).sort()).toEqual(expected.map((e) => e.id).sort());
      for (const e of expected) expect(answer.items.find((i) => i.solutionId === e.id)!.score).toBeCloseTo(e.score, 3);
      for (let i = 1; i < answer.items.length; i++) expect(answer.items[i - 1]!.score).toBeGreaterThanOrEqual(answer.items[i]!.score);
    }
  });
});
