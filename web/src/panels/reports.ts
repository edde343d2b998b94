/**
 * Reports: the ecosystem report (each figure with its definition, won revenue
 * by quarter) and a closed deal's attribution under every model side by side.
 * Render functions of the data, and a thin controller that loads it.
 */
import { ATTRIBUTION_MODELS, type DealAttribution, type EcosystemReport, type ReportFigure } from '../../../server/schemas/attribution.js';
import type { Deal } from '../../../server/schemas/model.js';
import { api, errorMessage } from '../api/client.js';
import type { App } from '../app.js';
import { fmt, h, replace, ui } from '../dom.js';

const MODEL_COLORS: Record<(typeof ATTRIBUTION_MODELS)[number], string> = {
  equal: '#8b9bb4',
  'role-weighted': '#f5a524',
  'first-touch': '#4dabf7',
  'last-touch': '#b197fc',
  shapley: '#3ddc97',
};

const figureValue = (f: ReportFigure) => (f.unit === 'ratio' ? fmt.pct(f.value) : fmt.int(f.value));

export function renderReport(report: EcosystemReport): HTMLElement[] {
  const top = Math.max(1, ...report.byQuarter.map((q) => q.wonRevenue));
  return [
    h(
      'section',
      { class: 'panel-section', id: 'report-figures' },
      h('h3', { class: 'section-title' }, 'Ecosystem'),
      report.figures.map((f) =>
        h(
          'div',
          { class: 'component', dataset: { figure: f.id, value: String(f.value) } },
          h('div', { class: 'component-head' }, h('span', null, f.label), h('strong', null, figureValue(f))),
          f.unit === 'ratio' && h('div', { class: 'bar' }, h('span', { style: `width:${Math.round(Math.min(1, f.value) * 100)}%` })),
          h('p', { class: 'hint' }, f.definition),
        ),
      ),
    ),
    h(
      'section',
      { class: 'panel-section', id: 'report-quarters' },
      h('h3', { class: 'section-title' }, 'Won revenue by quarter', h('span', { class: 'muted' }, 'partner-influenced part in green')),
      report.byQuarter.length === 0
        ? ui.empty('No closed deal has a close date.')
        : report.byQuarter.map((q) =>
            h(
              'div',
              { class: 'component', dataset: { quarter: q.quarter } },
              h('div', { class: 'component-head' }, h('span', null, q.quarter), h('span', { class: 'muted' }, `${fmt.int(q.wonRevenue)} · ${fmt.plural(q.closedDeals, 'closed deal')}`)),
              h(
                'div',
                { class: 'bar', style: `width:${Math.max(2, Math.round((q.wonRevenue / top) * 100))}%` },
                h('span', { style: `width:${q.wonRevenue === 0 ? 0 : Math.round((q.influencedRevenue / q.wonRevenue) * 100)}%` }),
              ),
            ),
          ),
    ),
  ];
}

/** One row per partner, one bar per model: how each model splits the deal. */
export function renderAttribution(answers: DealAttribution[], name: (id: string) => string): HTMLElement {
  const partners = answers[0]?.shares ?? [];
  return h(
    'div',
    { id: 'attribution-chart' },
    h('div', { class: 'chips' }, ATTRIBUTION_MODELS.map((m) => h('span', { class: 'chip' }, h('span', { class: 'dot', style: `background:${MODEL_COLORS[m]}` }), m))),
    partners.map((p, i) =>
      h(
        'div',
        { class: 'component', dataset: { partner: p.partnerId } },
        h('div', { class: 'component-head' }, h('span', null, name(p.partnerId)), h('span', { class: 'muted' }, p.role)),
        answers.map((a) => {
          const share = a.shares[i]?.share ?? 0;
          return h(
            'div',
            { class: 'attribution-bar', dataset: { model: a.model, share: String(share) }, title: `${a.model}: ${fmt.pct(share)}` },
            h('div', { class: 'bar' }, h('span', { style: `width:${Math.round(Math.max(0, share) * 100)}%;background:${MODEL_COLORS[a.model]}` })),
            h('span', { class: 'muted' }, fmt.pct(share)),
          );
        }),
      ),
    ),
    answers.filter((a) => a.note !== undefined).map((a) => h('p', { class: 'hint' }, `${a.model}: ${a.note}`)),
  );
}

export class ReportsPanel {
  private report: EcosystemReport | null = null;
  private deals: Deal[] = [];
  private deal: string | undefined;
  private attribution: DealAttribution[] | null = null;
  private error: string | null = null;
  private loading = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly app: App,
  ) {
    app.store.subscribe((next, prev) => {
      if (next.view === 'reports' && prev.view !== 'reports') void this.load();
    });
  }

  /** Loads afresh each time the view opens: the report follows writes. */
  private async load(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      const [report, deals] = await Promise.all([api.ecosystemReport(), api.deals()]);
      this.report = report;
      // Deals worth comparing models on: won, with several partners; the largest first.
      this.deals = deals.filter((d) => ['closed-won', 'won'].includes(d.stage) && d.partners.length >= 2).sort((a, b) => (b.amount ?? 0) - (a.amount ?? 0));
      this.error = null;
      this.render();
      const deal = this.deals.find((d) => d.id === this.deal) ?? this.deals[0];
      if (deal !== undefined) await this.choose(deal.id);
    } catch (error) {
      this.error = errorMessage(error);
      this.render();
    } finally {
      this.loading = false;
    }
  }

  private async choose(id: string): Promise<void> {
    this.deal = id;
    this.attribution = null;
    this.render();
    try {
      this.attribution = await Promise.all(ATTRIBUTION_MODELS.map((model) => api.dealAttribution(id, model)));
    } catch (error) {
      this.error = errorMessage(error);
    }
    this.render();
  }

  render(): void {
    if (this.app.store.state.view !== 'reports') return;
    this.app.setHighlight('reports', null);
    const head = h('header', { class: 'panel-head' }, h('h2', null, 'Reports'), h('div', { class: 'sub' }, 'Partner-influenced revenue, and how attribution models split a deal.'));
    if (this.error !== null) return replace(this.root, head, ui.error(this.error, () => void this.load()));
    if (this.report === null) {
      replace(this.root, head, ui.loading('the ecosystem report'));
      void this.load();
      return;
    }
    const picker = h(
      'select',
      { id: 'attribution-deal', on: { change: (e: Event) => void this.choose((e.target as HTMLSelectElement).value) } },
      this.deals.map((d) => h('option', { value: d.id, selected: d.id === this.deal }, `${d.id} · ${fmt.int(d.amount ?? 0)} · ${fmt.plural(d.partners.length, 'partner')}`)),
    );
    replace(
      this.root,
      head,
      renderReport(this.report),
      h(
        'section',
        { class: 'panel-section', id: 'report-attribution' },
        h('h3', { class: 'section-title' }, 'Deal attribution', h('span', { class: 'muted' }, 'share per model')),
        this.deals.length === 0 ? ui.empty('No won deal has two or more partners.') : picker,
        this.deals.length > 0 && (this.attribution === null ? ui.loading('the attribution') : renderAttribution(this.attribution, (id) => this.app.catalog.name(id))),
      ),
    );
  }
}
