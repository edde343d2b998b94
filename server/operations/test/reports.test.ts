/** The ecosystem report on a small hand-built set of deals, each figure against a count made independently here. */
import { describe, expect, it } from 'vitest';
import type { DealRecord, ParticipationRecord } from '../../schemas/attribution.js';
import { ecosystemReport, quarterOf } from '../../operations/reports.js';

const p = (partner: string, role: string, registeredAt?: string): ParticipationRecord => ({ partner, role, types: ['service'], ...(registeredAt === undefined ? {} : { registeredAt }) });

const deals: DealRecord[] = [
  { id: 'a', stage: 'closed-won', amount: 100, closedAt: '2026-01-10T00:00:00Z', partners: [p('r', 'sourcing'), p('t', 'technology')] },
  { id: 'b', stage: 'won', amount: 50, closedAt: '2026-02-10T00:00:00Z', partners: [] },
  { id: 'c', stage: 'closed-won', amount: 30, closedAt: '2026-04-01T00:00:00Z', partners: [p('s', 'delivery', '2026-03-01T00:00:00Z')] },
  { id: 'd', stage: 'closed-won', amount: 20, closedAt: '2026-05-01T00:00:00Z', partners: [p('s', 'delivery')] },
  { id: 'e', stage: 'closed-lost', amount: 999, closedAt: '2026-03-31T23:59:59Z', partners: [p('s', 'delivery'), p('s', 'technology'), p('u', 'referral')] },
  { id: 'f', stage: 'lost', amount: 5, partners: [p('r', 'sourcing'), p('r', 'technology')] },
  { id: 'g', stage: 'proposal', amount: 7000, closedAt: '2026-01-01T00:00:00Z', partners: [p('r', 'sourcing'), p('t', 'technology')] },
];
const adoption = { technology: 4, integrated: 3 };
const figure = (report: ReturnType<typeof ecosystemReport>, id: string) => report.figures.find((f) => f.id === id)!.value;

describe('ecosystem report', () => {
  it('gives each figure with a definition, matching a count by hand', () => {
    const report = ecosystemReport(deals, adoption, {});
    for (const f of report.figures) expect(f.definition.length).toBeGreaterThan(20);
    // Won: a, b, c, d = 200. With a partner: a, c, d = 150. Sourced: a (role), c (the only registered time) = 130.
    expect(figure(report, 'won-revenue')).toBe(200);
    expect(figure(report, 'ecosystem-influenced-revenue')).toBe(150);
    expect(figure(report, 'ecosystem-influenced-share')).toBe(0.75);
    expect(figure(report, 'partner-sourced-revenue')).toBe(130);
    expect(figure(report, 'partner-sourced-share')).toBe(0.65);
    // Closed: a-f = 6; two distinct partners or more: a, e (f is one partner in two roles) = 2.
    expect(figure(report, 'closed-deals')).toBe(6);
    expect(figure(report, 'multi-partner-deal-frequency')).toBeCloseTo(2 / 6);
    expect(figure(report, 'integration-adoption')).toBe(0.75);
  });

  it('counts by UTC quarter the closed deals with a date', () => {
    const report = ecosystemReport(deals, adoption, {});
    expect(report.byQuarter).toEqual([
      { quarter: '2026-Q1', wonRevenue: 150, influencedRevenue: 100, sourcedRevenue: 100, closedDeals: 3, multiPartnerDeals: 2 },
      { quarter: '2026-Q2', wonRevenue: 50, influencedRevenue: 50, sourcedRevenue: 30, closedDeals: 2, multiPartnerDeals: 0 },
    ]);
    expect(quarterOf('2026-03-31T23:30:00-02:00')).toBe('2026-Q2');
  });

  it('keeps to the deals closed in [from, to), and answers 0 rather than dividing by nothing', () => {
    const q2 = ecosystemReport(deals, adoption, { from: '2026-04-01T00:00:00Z', to: '2026-05-01T00:00:00Z' });
    expect(figure(q2, 'won-revenue')).toBe(30);
    expect(figure(q2, 'closed-deals')).toBe(1);
    const empty = ecosystemReport([], { technology: 0, integrated: 0 }, { from: '2030-01-01T00:00:00Z' });
    expect(empty.figures.every((f) => f.value === 0)).toBe(true);
    expect(empty.byQuarter).toEqual([]);
  });
});
