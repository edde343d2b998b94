import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, mapQuery, parseState, serialiseState } from '../src/state.js';
import { dealRequest } from '../src/panels/deals.js';

describe('web/state: the view state in the URL', () => {
  it('reads a link back into the same state it was written from', () => {
    const state = {
      ...DEFAULT_STATE,
      view: 'deals' as const,
      type: 'technology' as const,
      region: 'emea-north',
      community: 3,
      minDegree: 2,
      sizeBy: 'betweenness' as const,
      customers: false,
      focus: 'p-helix-ai',
      depth: 2,
      selected: 'p-helix-ai',
      risks: true,
      dealCustomer: 'c-meridian-health',
      dealCaps: ['cap-clinical-data', 'cap,with,commas'],
      dealRoles: ['reseller' as const, 'service' as const],
      team: 1,
      cam: '0.5,0.25,0.3',
    };
    const query = serialiseState(state);
    expect(parseState(query)).toEqual(state);
    // Lists are repeated parameters, so ids with commas survive.
    expect(new URLSearchParams(query).getAll('dealCaps')).toEqual(['cap-clinical-data', 'cap,with,commas']);
  });

  it('writes nothing for the default view, so the plain URL is the default map', () => {
    expect(serialiseState(DEFAULT_STATE)).toBe('');
    expect(parseState('')).toEqual(DEFAULT_STATE);
  });

  it('falls back field by field on a hand-edited or stale link instead of failing', () => {
    const state = parseState('?view=nonsense&type=plumber&depth=9&community=-1&region=na-east&customers=maybe&cam=evil');
    expect(state.view).toBe('explore');
    expect(state.type).toBeUndefined();
    expect(state.depth).toBe(1);
    expect(state.community).toBeUndefined();
    expect(state.customers).toBe(true);
    expect(state.cam).toBeUndefined();
    expect(state.region).toBe('na-east');
  });

  it('asks /api/map for exactly the filters in view', () => {
    const q = mapQuery({ ...DEFAULT_STATE, type: 'reseller', community: 0, customers: false, focus: 'p-x', depth: 3 }, 20_000);
    expect(Object.fromEntries(q)).toEqual({
      type: 'reseller',
      community: '0',
      focus: 'p-x',
      depth: '3',
      sizeBy: 'pagerank',
      includeCustomers: 'false',
      budget: '20000',
    });
    // Depth means nothing without a focus, and no budget leaves the server's default.
    expect(Object.fromEntries(mapQuery({ ...DEFAULT_STATE, depth: 3 }))).toEqual({ sizeBy: 'pagerank' });
  });

  it('turns a submitted deal in the URL into the request body, and no deal into none', () => {
    expect(dealRequest(DEFAULT_STATE)).toBeNull();
    const body = dealRequest(parseState('?dealRegion=apac&dealSegment=public&dealCaps=cap-a&dealRoles=reseller&dealMaxSize=3'));
    expect(body).toMatchObject({ region: 'apac', segment: 'public', capabilities: ['cap-a'], roles: ['reseller'], maxSize: 3, customerId: undefined });
  });
});
