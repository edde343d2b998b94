import { describe, expect, it } from 'vitest';
import type { GapsResponse, Introduction, MapResponse, Team } from '../../server/schemas/analytics.js';
import {
  COMMUNITY_COLOR,
  CUSTOMER_COLOR,
  HIGHLIGHT_COLORS,
  NO_DEMAND_COLOR,
  TYPE_COLORS,
  coverage,
  coverageColor,
  mix,
  nodeColor,
  sizeScale,
} from '../src/map/colors.js';
import { communityLabel, toGraphData, visibleCounts } from '../src/map/graph.js';
import {
  countOnMap,
  gapHighlight,
  introductionHighlight,
  pairKey,
  reduceEdge,
  reduceNode,
  selectionHighlight,
  teamHighlight,
  type MapNodeAttributes,
  type ReducerContext,
} from '../src/map/highlight.js';
import { riskMarkers } from '../src/map/risks.js';
import { matrixFor } from '../src/panels/gaps.js';

const node = (kind: MapNodeAttributes['kind'] = 'partner'): MapNodeAttributes => ({ label: 'N', x: 0, y: 0, size: 4, color: '#4f9cf9', kind });
const edge = { size: 1, color: '#2a3140' };
const idle: ReducerContext = { highlight: null, hovered: null, hoveredNeighbours: new Set() };

describe('web/map/colors', () => {
  it('colours partners by their first type, customers and super-nodes apart', () => {
    expect(nodeColor({ kind: 'partner', types: ['technology', 'service'] })).toBe(TYPE_COLORS.technology);
    expect(nodeColor({ kind: 'customer', types: [] })).toBe(CUSTOMER_COLOR);
    expect(nodeColor({ kind: 'community', types: [] })).toBe(COMMUNITY_COLOR);
    expect(new Set(Object.values(TYPE_COLORS)).size).toBe(Object.keys(TYPE_COLORS).length);
  });

  it('scales sizes by square root into the pixel range, flat when all equal', () => {
    const scale = sizeScale([0, 1, 4], 2, 10);
    expect(scale(0)).toBe(2);
    expect(scale(4)).toBe(10);
    expect(scale(1)).toBeCloseTo(6);
    expect(scale(99)).toBe(10);
    expect(sizeScale([3, 3], 2, 10)(3)).toBe(6);
  });

  it('paints no supply red, two qualified partners green, and cells without demand neutral', () => {
    expect(coverage(0, 5)).toBeNull();
    expect(coverage(10, 1)).toBe(0.5);
    expect(coverageColor(14, 0)).toBe('#d6453d');
    expect(coverageColor(14, 2)).toBe('#2f9e6b');
    expect(coverageColor(0, 3)).toBe(NO_DEMAND_COLOR);
    expect(mix('#000000', '#ffffff', 0.5)).toBe('#808080');
  });
});

describe('web/map/graph: a map response to graph data', () => {
  const response: MapResponse = {
    version: 1,
    aggregated: false,
    totalNodes: 3,
    layoutPending: false,
    facets: {},
    nodes: [
      { id: 'p1', label: 'Alpha', kind: 'partner', x: 0, y: 0, size: 0.1, community: 0, types: ['reseller'], degree: 2 },
      { id: 'p2', label: 'Beta', kind: 'partner', x: 1, y: 1, size: 0.5, community: 0, types: ['service'], degree: 1 },
      { id: 'c1', label: 'Gamma', kind: 'customer', x: 2, y: 0, size: 0.2, community: 1, types: [], degree: 1 },
      { id: 'p1', label: 'Alpha again', kind: 'partner', x: 0, y: 0, size: 0.1, community: 0, types: ['reseller'], degree: 2 },
    ],
    edges: [
      { id: 'e1', source: 'p1', target: 'p2', types: ['CO_SELLS_WITH'], weight: 1 },
      { id: 'e2', source: 'p1', target: 'c1', types: ['SERVES'], weight: 1 },
      { id: 'e3', source: 'p1', target: 'gone', types: ['SERVES'], weight: 1 },
      { id: 'e1', source: 'p1', target: 'p2', types: ['CO_SELLS_WITH'], weight: 1 },
    ],
  };

  it('keeps server positions, drops duplicates and dangling edges, and counts what is shown', () => {
    const data = toGraphData(response);
    expect(data.nodes.map((n) => [n.key, n.attributes.x, n.attributes.y])).toEqual([
      ['p1', 0, 0],
      ['p2', 1, 1],
      ['c1', 2, 0],
    ]);
    expect(data.edges.map((e) => e.key)).toEqual(['e1', 'e2']);
    expect(visibleCounts(data)).toEqual({ partners: 2, customers: 1, communities: 0, edges: 2 });
    const size = (id: string) => data.nodes.find((n) => n.key === id)!.attributes.size;
    expect(size('p2')).toBeGreaterThan(size('p1'));
  });

  it('sizes community super-nodes by how many members they stand for', () => {
    const data = toGraphData({
      ...response,
      aggregated: true,
      nodes: [
        { id: 'k0', label: 'Community 0', kind: 'community', x: 0, y: 0, size: 1, community: 0, types: [], count: 10, degree: 1 },
        { id: 'k1', label: 'Community 1', kind: 'community', x: 1, y: 0, size: 1, community: 1, types: [], count: 1000, degree: 1 },
      ],
      edges: [{ id: 'k', source: 'k0', target: 'k1', types: ['CO_SELLS_WITH'], weight: 40 }],
    });
    const [small, big] = data.nodes;
    expect(big!.attributes.size).toBeGreaterThan(small!.attributes.size);
    expect(big!.attributes.label).toBe('Community 1 · 1,000');
    expect(communityLabel('Community 4 · 51 nodes — top: Llama, Condor', 51)).toBe('Community 4 · 51 nodes');
    expect(visibleCounts(data).communities).toBe(2);
  });
});

describe('web/map/highlight: reducers', () => {
  it('leaves the display alone when nothing is highlighted or hovered', () => {
    expect(reduceNode('a', node(), idle)).toMatchObject({ color: '#4f9cf9', label: 'N' });
    expect(reduceEdge(edge, 'a', 'b', idle).hidden).toBeUndefined();
  });

  it('dims everything but the hovered node and its neighbours, and hides unrelated edges', () => {
    const ctx: ReducerContext = { highlight: null, hovered: 'a', hoveredNeighbours: new Set(['b']) };
    expect(reduceNode('a', node(), ctx).highlighted).toBe(true);
    expect(reduceNode('b', node(), ctx).color).toBe('#4f9cf9');
    expect(reduceNode('c', node(), ctx)).toMatchObject({ color: HIGHLIGHT_COLORS.dim, label: '' });
    expect(reduceEdge(edge, 'a', 'b', ctx).hidden).toBeUndefined();
    expect(reduceEdge(edge, 'b', 'c', ctx).hidden).toBe(true);
  });

  it('shows a selection with its neighbours, labels forced, the rest dimmed', () => {
    const ctx: ReducerContext = { ...idle, highlight: selectionHighlight('a', 'A', ['b']) };
    expect(reduceNode('a', node(), ctx)).toMatchObject({ forceLabel: true, zIndex: 3 });
    expect(reduceNode('b', node(), ctx)).toMatchObject({ color: '#4f9cf9', zIndex: 2 });
    expect(reduceNode('z', node(), ctx).color).toBe(HIGHLIGHT_COLORS.dim);
    expect(reduceEdge(edge, 'a', 'b', ctx).hidden).toBeUndefined();
    expect(reduceEdge(edge, 'b', 'z', ctx).hidden).toBe(true);
    expect(countOnMap(ctx.highlight!, (id) => id !== 'b')).toBe(1);
  });

  it('draws an introduction as a suggested link with the shared customers as evidence', () => {
    const intro: Introduction = {
      partnerId: 'p1',
      otherPartnerId: 'p2',
      score: 3,
      signals: [
        { name: 'sharedCustomers', contribution: 2, detail: '2 shared customers', evidence: ['c1', 'c2'] },
        { name: 'complementaryRoles', contribution: 1, detail: 'reseller ↔ service', evidence: [] },
      ],
    };
    const h = introductionHighlight(intro, 'Introduce');
    expect([...h.primary]).toEqual(['p1', 'p2']);
    expect([...h.secondary]).toEqual(['c1', 'c2']);
    expect(h.suggested).toEqual([['p1', 'p2']]);
    const ctx: ReducerContext = { ...idle, highlight: h };
    expect(reduceNode('c1', node('customer'), ctx).color).toBe(HIGHLIGHT_COLORS.demand);
    expect(reduceNode('p2', node(), ctx).color).toBe(HIGHLIGHT_COLORS.supply);
  });

  it('marks a gap: customers in need in red, nearest suppliers in green', () => {
    const gap = {
      capability: 'cap', capabilityName: 'Cap', region: 'r', segment: 's', demand: 2, supply: 0, qualifiedPartners: ['q'], unserved: true, severity: 2,
      customers: ['c1', 'c2'], nearestSuppliers: ['p9'], nearestSupplierReasons: [], action: 'recruit' as const, plan: [], explanation: '',
    };
    const h = gapHighlight([gap], 'Gap');
    expect(h.tints?.get('c1')).toBe(HIGHLIGHT_COLORS.demand);
    expect(h.tints?.get('p9')).toBe(HIGHLIGHT_COLORS.supply);
    expect(h.secondary.has('q')).toBe(true);
  });

  it('shows a team and its existing links, even links whose ends are both members only', () => {
    const team: Team = {
      members: [
        { partnerId: 'r', role: 'reseller', covers: [], reason: '' },
        { partnerId: 't', role: 'technology', covers: ['cap'], reason: '' },
      ],
      score: 1,
      explanation: '',
      components: { coverage: 1, cohesion: 1, customerFit: 0, quality: 1 },
      links: [{ source: 't', target: 'r', types: ['RESELLS'] }],
    };
    const h = teamHighlight(team, 'Team 1', 'c');
    expect(h.linkKeys?.has(pairKey('r', 't'))).toBe(true);
    const ctx: ReducerContext = { ...idle, highlight: h };
    expect(reduceEdge(edge, 'r', 't', ctx)).toMatchObject({ color: HIGHLIGHT_COLORS.link, zIndex: 2 });
    expect(reduceNode('c', node('customer'), ctx).zIndex).toBe(2);
  });
});

describe('web/panels/gaps: the heat map matrix', () => {
  const matrix: GapsResponse['matrix'] = {
    capabilities: ['a', 'b', 'unused'],
    regions: ['r1', 'r2'],
    segments: ['s1', 's2'],
    cells: [
      { capability: 'a', region: 'r1', segment: 's1', demand: 3, supply: 0 },
      { capability: 'a', region: 'r1', segment: 's2', demand: 2, supply: 1.5 },
      { capability: 'b', region: 'r2', segment: 's2', demand: 1, supply: 2 },
      { capability: 'unused', region: 'r2', segment: 's1', demand: 0, supply: 4 },
    ],
  };

  it('shows one segment as it is', () => {
    const view = matrixFor(matrix, 's1');
    expect(view.capabilities).toEqual(['a']);
    expect(view.cell('a', 'r1')).toEqual({ demand: 3, supply: 0 });
  });

  it('adds demand over segments but never counts a partner twice', () => {
    const view = matrixFor(matrix, undefined);
    expect(view.capabilities).toEqual(['a', 'b']);
    expect(view.cell('a', 'r1')).toEqual({ demand: 5, supply: 1.5 });
    expect(view.cell('b', 'r1')).toBeUndefined();
  });
});

describe('web/map/risks', () => {
  it('rings brokers, single points of failure and articulation points, brokers winning ties', () => {
    const markers = riskMarkers({
      singlePointsOfFailure: [{ kind: 'capability', id: 'cap', partnerId: 'spof', customersAtRisk: [] }],
      brokers: ['broker', 'both'],
      brokerScores: [],
      articulationPoints: ['cut', 'both'],
      disconnects: {},
      isolated: [],
    });
    expect(Object.fromEntries(markers)).toEqual({ spof: 'spof', broker: 'broker', both: 'broker', cut: 'articulation' });
  });
});
