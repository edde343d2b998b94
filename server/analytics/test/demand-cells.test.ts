/**
 * Gaps and health's coverage against a brute-force computation of the demand
 * cells straight from bundle records (no index, no shared code), on the demo,
 * a hand-built ecosystem and generated ones; and every gap's plan, applied to
 * the records, closes its gap.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { DEMO_BUNDLE } from '../../import/seed.js';
import { projectBundle } from '../../projection/from-bundle.js';
import type { DerivedMetrics } from '../../projection/types.js';
import { type Gap, GapsQuery } from '../../schemas/analytics.js';
import { Bundle } from '../../schemas/bundle.js';
import { capabilityGaps } from '../gaps.js';
import { ecosystemHealth } from '../health.js';
import { NodePositions, NodeValues } from '../../projection/node-values.js';

const WEIGHT = { basic: 0.5, advanced: 0.8, certified: 1 } as const;
const MIN_PARTNERS = 2;
const MAX_PER_SUPPLY = 25;

interface BruteCell {
  demand: number;
  qualified: string[];
  supply: number;
  gap: boolean;
}

/** Every demanded capability × region × segment, by scanning all partners for each cell. */
function bruteCells(bundle: Bundle, only?: string): Map<string, BruteCell> {
  const demand = new Map<string, number>();
  for (const c of bundle.customers) for (const need of new Set(c.needs)) demand.set(`${need}|${c.region}|${c.segment}`, (demand.get(`${need}|${c.region}|${c.segment}`) ?? 0) + 1);
  const cells = new Map<string, BruteCell>();
  for (const [key, n] of demand) {
    if (only !== undefined && key !== only) continue;
    const [capability, region, segment] = key.split('|') as [string, string, string];
    const qualified = bundle.partners.filter((p) => p.regions.includes(region) && p.segments.includes(segment) && p.capabilities.some((c) => c.id === capability));
    const supply = qualified.reduce((sum, p) => {
      const held = p.capabilities.find((c) => c.id === capability)!;
      return sum + (held.certified ? WEIGHT.certified : WEIGHT[held.level]);
    }, 0);
    const gap = qualified.length < MIN_PARTNERS || supply === 0 || n / supply > MAX_PER_SUPPLY + 1e-9;
    cells.set(key, { demand: n, qualified: qualified.map((p) => p.id).sort(), supply, gap });
  }
  return cells;
}

const derived = (): DerivedMetrics => ({
  version: 1,
  communities: NodeValues.of({}),
  pagerank: NodeValues.of({}),
  betweenness: { scores: NodeValues.of({}), exact: true, sources: 0 },
  articulationPoints: new Set(),
  bridges: [],
  weakPoints: { brokers: [], articulationPoints: [], disconnects: {}, isolated: [] },
  positions: NodePositions.of({}),
  layoutPending: false,
});

function analyse(bundle: Bundle) {
  const { graph, catalogue } = projectBundle(bundle);
  return {
    gaps: capabilityGaps(graph, catalogue, derived(), GapsQuery.parse({ limit: 1000 })).gaps,
    coverage: ecosystemHealth(graph, catalogue, derived()).components.find((c) => c.key === 'coverage'),
  };
}

/** The records after a gap's plan: partners start serving the segment, certify, enter the region; recruits join. */
function applyPlan(bundle: Bundle, gap: Gap): Bundle {
  const partners = bundle.partners.map((p) => ({ ...p, regions: [...p.regions], segments: [...p.segments], capabilities: p.capabilities.map((c) => ({ ...c })) }));
  for (const step of gap.plan) {
    const partner = partners.find((p) => p.id === step.partnerId);
    if (step.change === 'serveSegment') partner!.segments.push(gap.segment);
    if (step.change === 'enterRegion') partner!.regions.push(gap.region);
    if (step.change === 'certify') {
      const held = partner!.capabilities.find((c) => c.id === gap.capability)!;
      Object.assign(held, { level: 'certified', certified: true });
    }
    if (step.change === 'recruit') {
      for (let i = 0; i < step.partners; i++) {
        partners.push(Bundle.shape.partners.element.parse({ id: `recruit-${i}`, name: `Recruit ${i}`, types: ['service'], regions: [gap.region], segments: [gap.segment], capabilities: [{ id: gap.capability, level: 'certified', certified: true }] }));
      }
    }
  }
  return { ...bundle, partners };
}

const key = (g: Gap) => `${g.capability}|${g.region}|${g.segment}`;

function expectAgreement(bundle: Bundle): { gaps: Gap[]; cells: Map<string, BruteCell> } {
  const cells = bruteCells(bundle);
  const { gaps, coverage } = analyse(bundle);
  const bruteGaps = [...cells].filter(([, c]) => c.gap).map(([k]) => k);
  expect(gaps.map(key).sort()).toEqual(bruteGaps.sort());
  for (const gap of gaps) {
    const cell = cells.get(key(gap))!;
    expect(gap, key(gap)).toMatchObject({ demand: cell.demand, qualifiedPartners: cell.qualified, unserved: cell.qualified.length === 0 });
    expect(gap.supply).toBeCloseTo(cell.supply, 2);
    expect(gap.severity).toBeCloseTo(cell.supply === 0 ? cell.demand : cell.demand / cell.supply, 2);
  }
  // Unserved first, then most severe.
  const order = gaps.map((g) => [Number(!g.unserved), -g.severity]);
  expect(order).toEqual([...order].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!));
  // Health's coverage counts the same cells.
  expect(coverage!.value).toBeCloseTo(1 - bruteGaps.length / cells.size, 12);
  expect(coverage!.drivers).toHaveLength(Math.min(10, bruteGaps.length));
  for (const path of coverage!.drivers) {
    const q = new URLSearchParams(path.split('?')[1]);
    expect(cells.get(`${q.get('capability')}|${q.get('region')}|${q.get('segment')}`)?.gap, path).toBe(true);
  }
  return { gaps, cells };
}

function expectPlansClose(bundle: Bundle, gaps: Gap[]): void {
  for (const gap of gaps) {
    expect(gap.action, key(gap)).toBe(gap.plan[0]!.action);
    const after = bruteCells(applyPlan(bundle, gap), key(gap)).get(key(gap))!;
    expect(after.gap, `${key(gap)}: ${gap.explanation}`).toBe(false);
  }
}

const partner = (id: string, regions: string[], segments: string[], capabilities: Array<[string, 'basic' | 'advanced' | 'certified', boolean?]>) => ({
  id,
  name: `Partner ${id}`,
  types: ['service'],
  regions,
  segments,
  capabilities: capabilities.map(([cap, level, certified]) => ({ id: cap, level, certified: certified ?? false })),
});
const customers = (prefix: string, n: number, region: string, segment: string, needs: string[]) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, name: `Customer ${prefix}${i}`, region, segment, needs }));

/**
 * One cell for each case: nobody anywhere (ai), one in-region partner on
 * another segment (iot: enabling it still leaves one partner short), a basic
 * and an advanced-but-certified partner facing 40 customers (cloud: the
 * demand ÷ supply branch, where certifying closes it), a partner linked into
 * the region (data: introduce), and `certified: true` on a basic level.
 */
const handBuilt = (): Bundle =>
  Bundle.parse({
    version: 1,
    regions: [{ id: 'eu' }, { id: 'us' }],
    segments: [{ id: 'smb' }, { id: 'ent' }],
    deals: [],
    solutions: [],
    capabilities: ['ai', 'iot', 'cloud', 'data'].map((id) => ({ id, name: `Cap ${id}` })),
    partners: [
      partner('IOT', ['eu'], ['ent'], [['iot', 'certified']]),
      partner('C1', ['eu'], ['smb'], [['cloud', 'basic']]),
      partner('C2', ['eu'], ['smb'], [['cloud', 'advanced', true]]),
      partner('D-US', ['us'], ['smb'], [['data', 'advanced']]),
      partner('D-EU', ['eu'], ['smb'], [['data', 'basic', true]]),
      partner('LINK', ['eu'], ['smb'], []),
    ],
    customers: [...customers('a', 3, 'eu', 'smb', ['ai']), ...customers('i', 2, 'eu', 'smb', ['iot']), ...customers('c', 40, 'eu', 'smb', ['cloud', 'cloud']), ...customers('d', 5, 'eu', 'smb', ['data'])],
    relationships: [{ from: 'D-US', to: 'LINK', type: 'CO_SELLS_WITH' }],
  });

describe('demand cells: gaps and health agree with a brute-force count', () => {
  it('on a hand-built ecosystem, with plans that close every gap', () => {
    const bundle = handBuilt();
    const { gaps, cells } = expectAgreement(bundle);
    const byCap = Object.fromEntries(gaps.map((g) => [g.capability, g]));
    expect(Object.keys(byCap).sort()).toEqual(['ai', 'cloud', 'data', 'iot']);
    // certified: true on an advanced level weighs as certified: 0.5 + 1.
    expect(cells.get('cloud|eu|smb')).toMatchObject({ demand: 40, supply: 1.5 });
    expect(byCap['cloud']).toMatchObject({ unserved: false, severity: 26.67, action: 'enable', plan: [{ change: 'certify', partnerId: 'C1', supply: 0.5 }] });
    // Enabling IOT alone leaves one partner: the plan says a recruit is needed too.
    expect(byCap['iot']!.plan.map((s) => [s.change, s.partnerId, s.partners])).toEqual([['serveSegment', 'IOT', 1], ['recruit', undefined, 1]]);
    expect(byCap['iot']!.explanation).toContain('enable Partner IOT, which holds Cap iot (certified) in eu, to serve smb; then recruit 1 certified partner for smb in eu');
    expect(byCap['data']!.plan.map((s) => [s.change, s.partnerId, s.via])).toEqual([['enterRegion', 'D-US', 'LINK']]);
    expect(byCap['ai']).toMatchObject({ unserved: true, severity: 3, action: 'recruit', plan: [{ change: 'recruit', partners: 2 }] });
    expectPlansClose(bundle, gaps);
  });

  it('on the demo ecosystem: the top gap is no longer counted as covered', () => {
    const bundle = Bundle.parse(JSON.parse(readFileSync(DEMO_BUNDLE, 'utf8')));
    const { gaps } = expectAgreement(bundle);
    const { coverage } = analyse(bundle);
    expect(coverage!.drivers[0]).toBe(`/api/gaps?capability=${gaps[0]!.capability}&region=${gaps[0]!.region}&segment=${gaps[0]!.segment}`);
    expect(Math.max(...gaps.map((g) => g.severity))).toBeLessThan(1000);
    expectPlansClose(bundle, gaps);
  });

  it.each([1, 2, 3])('on a generated ecosystem (seed %i)', (seed) => {
    const bundle = Bundle.parse(generateBundle({ partners: 60, customers: 900, relationships: 1500, seed }));
    const { gaps } = expectAgreement(bundle);
    expect(gaps.length).toBeGreaterThan(0);
    expectPlansClose(bundle, gaps);
  });
});
