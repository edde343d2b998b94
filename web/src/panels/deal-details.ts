/**
 * A customer's deals in its details: each deal's stage, amount and partners,
 * and, opened, its attribution under every model side by side as bars (the
 * chart the Reports view draws). Deals are listed per customer from the
 * deal list: the API has no customer filter on deals.
 */
import { ATTRIBUTION_MODELS } from '../../../server/schemas/attribution.js';
import type { Deal } from '../../../server/schemas/model.js';
import { api, errorMessage } from '../api/client.js';
import type { App } from '../app.js';
import { fmt, h, replace, ui } from '../dom.js';
import { renderAttribution } from './reports.js';

function dealRow(app: App, deal: Deal): HTMLElement {
  const chart = h('div', { class: 'deal-attribution' });
  let loaded = false;
  const open = async () => {
    if (loaded) return;
    loaded = true;
    if (deal.partners.length === 0) return replace(chart, ui.empty('No partner on this deal: nothing to attribute.'));
    replace(chart, ui.loading('the attribution'));
    try {
      const answers = await Promise.all(ATTRIBUTION_MODELS.map((model) => api.dealAttribution(deal.id, model)));
      replace(chart, h('div', { class: 'group-title' }, `Attribution of ${fmt.int(deal.amount ?? 0)} by model`), renderAttribution(answers, (id) => app.catalog.name(id)));
    } catch (error) {
      loaded = false;
      replace(chart, ui.error(errorMessage(error)));
    }
  };
  return h(
    'details',
    { class: 'component deal-row', dataset: { deal: deal.id, stage: deal.stage }, on: { toggle: (e: Event) => (e.target as HTMLDetailsElement).open && void open() } },
    h(
      'summary',
      { class: 'component-head' },
      h('span', null, deal.id),
      h('span', { class: 'muted' }, `${deal.stage} · ${deal.amount === undefined ? 'no amount' : fmt.int(deal.amount)} · ${fmt.plural(deal.partners.length, 'partner')}`),
    ),
    h('p', { class: 'hint' }, deal.partners.map((p) => `${app.catalog.name(p.partner)} (${p.role}${p.claimedShare === undefined ? '' : `, claims ${fmt.pct(p.claimedShare)}`})`).join(' · ') || 'No partners yet.'),
    chart,
  );
}

/** The Deals section of a customer's details, filled once the deals arrive. */
export function customerDealsSection(app: App, customerId: string, signal: AbortSignal): HTMLElement {
  const title = h('h3', { class: 'section-title' }, 'Deals');
  const box = h('section', { class: 'panel-section', id: 'customer-deals' }, title, ui.loading('the deals'));
  void api
    .customerDeals(customerId)
    .then(async (mine) => {
      await app.catalog.ensure(mine.flatMap((d) => d.partners.map((p) => p.partner)));
      if (signal.aborted) return;
      replace(box, title, mine.length === 0 ? ui.empty('No deal for this customer.') : [h('p', { class: 'hint' }, 'Open a deal to compare how each attribution model splits it.'), mine.map((d) => dealRow(app, d))]);
    })
    .catch((error: unknown) => {
      if (!signal.aborted) replace(box, title, ui.error(errorMessage(error)));
    });
  return box;
}
