/** The colour key, with how many of each kind the map shows now. */
import { PARTNER_TYPES } from '../../../server/schemas/model.js';
import type { App } from '../app.js';
import { h, replace } from '../dom.js';
import { COMMUNITY_COLOR, CUSTOMER_COLOR, HIGHLIGHT_COLORS, TYPE_COLORS, isPartnerType } from '../map/colors.js';
import { MARKER_COLORS } from '../map/renderer.js';

const TYPE_LABELS: Record<string, string> = {
  reseller: 'Reseller',
  technology: 'Technology',
  service: 'Service / SI',
  referral: 'Referral',
  msp: 'Managed services',
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
    const row = (swatch: HTMLElement, label: string, count?: number) =>
      h('li', null, swatch, label, count !== undefined && h('span', { class: 'count' }, count.toLocaleString('en-US')));
    const dot = (color: string, extra = '') => h('span', { class: `swatch ${extra}`, style: `background:${color}` });
    const ring = (color: string, dashed: boolean) => h('span', { class: `ring ${dashed ? 'dashed' : ''}`, style: `border-color:${color}` });
    replace(
      root,
      h(
        'section',
        { id: 'legend-box' },
        h('h3', { class: 'section-title' }, 'Legend'),
        h(
          'ul',
          { class: 'legend-list' },
          PARTNER_TYPES.map((t) => row(dot(TYPE_COLORS[t]), TYPE_LABELS[t] ?? t, byType.get(t) ?? 0)),
          row(dot(CUSTOMER_COLOR, 'small'), 'Customer', customers),
          communities > 0 && row(dot(COMMUNITY_COLOR, 'big'), 'Community (click to open)', communities),
          h('li', { class: 'legend-sep' }, h('span', { class: 'muted small' }, 'Node size: ', app.store.state.sizeBy)),
          showRisks && row(ring(MARKER_COLORS.broker, false), 'Broker (high betweenness)'),
          showRisks && row(ring(MARKER_COLORS.spof, true), 'Single point of failure'),
          showRisks && row(ring(MARKER_COLORS.articulation, true), 'Articulation point'),
          row(h('span', { class: 'dash' }), 'Suggested introduction'),
          row(dot(HIGHLIGHT_COLORS.demand), 'Unmet demand / shared customer'),
          row(dot(HIGHLIGHT_COLORS.supply), 'Potential supplier'),
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
