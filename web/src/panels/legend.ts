/** The colour key, with how many of each kind the map shows now. */
import { PARTNER_TYPES } from '../../../server/schemas/model.js';
import type { App } from '../app.js';
import { h, replace } from '../dom.js';
import { COMMUNITY_COLOR, CUSTOMER_COLOR, HIGHLIGHT_COLORS, TYPE_COLORS, isPartnerType } from '../map/colors.js';
import { MARKER_COLORS } from '../map/renderer.js';

const TYPE_LABELS: Record<string, string> = {
  reseller: 'Reseller',
  technology: 'Technology',
  service: 'Service',
  referral: 'Referral',
  msp: 'MSP',
  marketplace: 'Marketplace',
};

export function mountLegend(root: HTMLElement, app: App): void {
  const render = () => {
    const nodes = app.map.snapshot?.response.nodes ?? [];
    const byType = new Map<string, number>();
    let customers = 0;
    let communities = 0;
    for (const n of nodes) {
      if (n.kind === 'customer') customers += 1;
      else if (n.kind === 'community') communities += 1;
      else {
        const primary = n.types.find(isPartnerType) ?? 'other';
        byType.set(primary, (byType.get(primary) ?? 0) + 1);
      }
    }
    const showRisks = app.store.state.risks || app.store.state.view === 'gaps';
    const row = (swatch: HTMLElement, label: string, count?: number, title?: string) =>
      h('li', { title: title ?? label }, swatch, label, count !== undefined && h('span', { class: 'count' }, count.toLocaleString('en-US')));
    const dot = (color: string, extra = '') => h('span', { class: `swatch ${extra}`, style: `background:${color}` });
    const ring = (color: string, dashed: boolean) => h('span', { class: `ring ${dashed ? 'dashed' : ''}`, style: `border-color:${color}` });
    replace(
      root,
      h(
        'section',
        { id: 'legend-box' },
        h('h3', { class: 'section-title' }, 'Legend', h('span', { class: 'muted', style: 'text-transform:none;letter-spacing:0;font-weight:500' }, `size = ${app.store.state.sizeBy}`)),
        h(
          'ul',
          { class: 'legend-list' },
          PARTNER_TYPES.map((t) => row(dot(TYPE_COLORS[t]), TYPE_LABELS[t] ?? t, byType.get(t) ?? 0)),
          row(dot(CUSTOMER_COLOR, 'small'), 'Customer', customers),
          communities > 0 && row(dot(COMMUNITY_COLOR, 'big'), 'Community', communities, 'A community super-node: click to open it'),
          h('li', { class: 'legend-sep' }),
          row(h('span', { class: 'dash' }), 'Suggested', undefined, 'A suggested introduction (not a relationship yet)'),
          row(dot(HIGHLIGHT_COLORS.supply), 'Supplier', undefined, 'Partners in focus: potential suppliers, introduced partners'),
          row(dot(HIGHLIGHT_COLORS.demand), 'In need', undefined, 'Customers in focus: unmet need, shared customers'),
          showRisks && row(ring(MARKER_COLORS.broker, false), 'Broker', undefined, 'Broker: high betweenness, many paths run through it'),
          showRisks && row(ring(MARKER_COLORS.spof, true), 'Single point', undefined, 'Single point of failure: the only partner serving a capability or region'),
          showRisks && row(ring(MARKER_COLORS.articulation, true), 'Cut point', undefined, 'Articulation point: removing it disconnects part of the ecosystem'),
        ),
      ),
    );
  };
  app.map.onChange(render, { dataOnly: true });
  app.store.subscribe((next, prev) => {
    if (next.view !== prev.view || next.risks !== prev.risks || next.sizeBy !== prev.sizeBy) render();
  });
  render();
}
