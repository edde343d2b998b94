/**
 * The ecosystem report: how much won revenue partners touched and sourced, how
 * often deals are multi-partner and how far technology partners integrate,
 * each figure with its definition, and by quarter where deals have close
 * dates. A pure function of the store's deal records and integration counts.
 */
import type { DealRecord, EcosystemReport, PeriodQuery, ReportFigure } from '../schemas/attribution.js';
import { inPeriod, isClosed, isWon, sourcingPartners } from './attribution.js';

/** "2026-Q3" for a close date, in UTC. */
export function quarterOf(iso: string): string {
  const date = new Date(iso);
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

interface Tally {
  wonRevenue: number;
  influencedRevenue: number;
  sourcedRevenue: number;
  closedDeals: number;
  multiPartnerDeals: number;
}
const emptyTally = (): Tally => ({ wonRevenue: 0, influencedRevenue: 0, sourcedRevenue: 0, closedDeals: 0, multiPartnerDeals: 0 });

function count(tally: Tally, deal: DealRecord): void {
  const partners = new Set(deal.partners.map((p) => p.partner)).size;
  tally.closedDeals++;
  if (partners >= 2) tally.multiPartnerDeals++;
  if (!isWon(deal)) return;
  const amount = deal.amount ?? 0;
  tally.wonRevenue += amount;
  if (partners >= 1) tally.influencedRevenue += amount;
  if (sourcingPartners(deal).length > 0) tally.sourcedRevenue += amount;
}

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

export function ecosystemReport(deals: DealRecord[], adoption: { technology: number; integrated: number }, period: PeriodQuery): EcosystemReport {
  const total = emptyTally();
  const quarters = new Map<string, Tally>();
  for (const deal of deals) {
    if (!isClosed(deal) || !inPeriod(deal, period)) continue;
    count(total, deal);
    if (deal.closedAt === undefined) continue;
    const quarter = quarterOf(deal.closedAt);
    const tally = quarters.get(quarter) ?? emptyTally();
    count(tally, deal);
    quarters.set(quarter, tally);
  }
  const figures: ReportFigure[] = [
    { id: 'won-revenue', label: 'Won revenue', value: total.wonRevenue, unit: 'amount', definition: 'Sum of the amounts of the won deals closed in the period.' },
    {
      id: 'ecosystem-influenced-revenue',
      label: 'Ecosystem-influenced revenue',
      value: total.influencedRevenue,
      unit: 'amount',
      definition: 'Won revenue of the deals with at least one partner.',
    },
    {
      id: 'ecosystem-influenced-share',
      label: 'Ecosystem-influenced share',
      value: ratio(total.influencedRevenue, total.wonRevenue),
      unit: 'ratio',
      definition: 'Ecosystem-influenced revenue over all won revenue (0 when nothing was won).',
    },
    { id: 'closed-deals', label: 'Closed deals', value: total.closedDeals, unit: 'count', definition: 'Deals won or lost in the period.' },
    {
      id: 'multi-partner-deal-frequency',
      label: 'Multi-partner deal frequency',
      value: ratio(total.multiPartnerDeals, total.closedDeals),
      unit: 'ratio',
      definition: 'Share of the closed deals of the period with two or more distinct partners.',
    },
    {
      id: 'integration-adoption',
      label: 'Integration adoption',
      value: ratio(adoption.integrated, adoption.technology),
      unit: 'ratio',
      definition: 'Share of technology partners with an INTEGRATES_WITH or IMPLEMENTS relationship with another partner, either way (today, whatever the period).',
    },
    {
      id: 'partner-sourced-revenue',
      label: 'Partner-sourced revenue',
      value: total.sourcedRevenue,
      unit: 'amount',
      definition: 'Won revenue of the deals a partner sourced: one in the "sourcing" role or, when none is, one with a known registration time (the first registered).',
    },
    {
      id: 'partner-sourced-share',
      label: 'Partner-sourced share',
      value: ratio(total.sourcedRevenue, total.wonRevenue),
      unit: 'ratio',
      definition: 'Partner-sourced revenue over all won revenue (0 when nothing was won).',
    },
  ];
  return {
    ...(period.from === undefined ? {} : { from: period.from }),
    ...(period.to === undefined ? {} : { to: period.to }),
    figures,
    byQuarter: [...quarters].sort(([a], [b]) => (a < b ? -1 : 1)).map(([quarter, t]) => ({ quarter, ...t })),
  };
}
