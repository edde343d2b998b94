/**
 * The gaps view: the capability × region coverage heat map for a segment (or
 * all), the most severe gaps, and structural risks. Clicking a cell highlights
 * on the map the customers with the unmet need (red) and the nearest potential
 * suppliers (green), and lists the suggested actions.
 */
import type { Gap, GapsResponse } from '../../../server/schemas/analytics.js';
import { api, errorMessage, isAbort } from '../api/client.js';
import { csvButton } from '../api/download.js';
import type { App } from '../app.js';
import { changed } from '../state.js';
import { fmt, h, replace, ui } from '../dom.js';
import { COVERED_SUPPLY, coverageColor } from '../map/colors.js';
import { gapHighlight } from '../map/highlight.js';
import type { RiskLayer } from '../map/risks.js';

export interface MatrixView {
  capabilities: string[];
  regions: string[];
  cell(capability: string, region: string): { demand: number; supply: number } | undefined;
}

/**
 * The heat map's cells for one segment, or summed over segments. Over all
 * segments demand adds up (different customers) but supply takes the best
 * segment's, since the same partner may be counted in several segments.
 */
export function matrixFor(matrix: GapsResponse['matrix'], segment: string | undefined): MatrixView {
  const cells = new Map<string, { demand: number; supply: number }>();
  for (const c of matrix.cells) {
    if (segment !== undefined && c.segment !== segment) continue;
    const key = `${c.capability}\u0000${c.region}`;
    const prev = cells.get(key);
    cells.set(key, prev === undefined ? { demand: c.demand, supply: c.supply } : { demand: prev.demand + c.demand, supply: Math.max(prev.supply, c.supply) });
  }
  const withDemand = (capability: string) => matrix.regions.some((r) => (cells.get(`${capability}\u0000${r}`)?.demand ?? 0) > 0);
  return {
    capabilities: matrix.capabilities.filter(withDemand),
    regions: matrix.regions,
    cell: (capability, region) => cells.get(`${capability}\u0000${region}`),
  };
}

const ACTION_TEXT: Record<Gap['action'], string> = {
  recruit: 'Recruit',
  enable: 'Enable',
  introduce: 'Introduce',
};

/** "14 customers · no supply", "30 customers · supply 1.5". */
function demandSupply(g: Gap): string {
  return `${fmt.plural(g.demand, 'customer')} · ${g.unserved ? 'no supply' : `supply ${fmt.num(g.supply, 1)}`}`;
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export class GapsPanel {
  private data: GapsResponse | null = null;
  private dataKey = '';
  private inflight: AbortController | null = null;
  private cellInflight: AbortController | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly app: App,
    private readonly risks: RiskLayer,
  ) {
    app.store.subscribe((next, prev) => {
      if (next.view !== 'gaps') {
        // The panel area is shared: a late answer must not paint over another view.
        this.inflight?.abort();
        this.cellInflight?.abort();
        return;
      }
      if (prev.view !== 'gaps' || changed(prev, next, ['gapSegment', 'gapCapability', 'gapRegion'])) this.render();
    });
    app.map.onChange(() => {
      const version = String(app.map.snapshot?.response.version ?? '');
      if (app.store.state.view === 'gaps' && this.data !== null && !this.dataKey.startsWith(`${version}|`)) this.render();
    }, { dataOnly: true });
  }

  render(): void {
    const s = this.app.store.state;
    if (s.view !== 'gaps') return;
    const key = `${this.app.map.snapshot?.response.version ?? ''}|${s.gapSegment ?? ''}`;
    if (this.data === null || this.dataKey !== key) {
      void this.load(key);
      return;
    }
    this.draw();
  }

  private async load(key: string): Promise<void> {
    this.inflight?.abort();
    const controller = new AbortController();
    this.inflight = controller;
    replace(this.root, this.head(), h('section', { class: 'panel-section' }, ui.loading('capability gaps')));
    try {
      const data = await api.gaps({ segment: this.app.store.state.gapSegment, limit: 200 }, controller.signal);
      this.data = data;
      this.dataKey = key;
      this.risks.provide(data.structural);
      await this.app.catalog.ensure([...data.structural.brokers.slice(0, 8), ...data.structural.singlePointsOfFailure.map((x) => x.partnerId)]);
      if (!controller.signal.aborted) this.draw();
    } catch (error) {
      if (isAbort(error)) return;
      replace(this.root, this.head(), ui.error(errorMessage(error), () => this.render()));
    }
  }

  private head(): HTMLElement {
    const { store, catalog } = this.app;
    const segments = this.data?.matrix.segments ?? [...catalog.segments.keys()];
    return h(
      'header',
      { class: 'panel-head' },
      h('h2', null, 'Capability gaps'),
      h('div', { class: 'sub' }, 'Where customers need a capability that too few qualified partners supply in their region.'),
      h(
        'div',
        { class: 'row' },
        h('label', { class: 'small muted', for: 'gap-segment' }, 'Segment'),
        h(
          'select',
          { id: 'gap-segment', class: 'input', style: 'width:auto;min-width:160px', on: { change: (e: Event) => store.set({ gapSegment: (e.target as HTMLSelectElement).value || undefined, gapCapability: undefined, gapRegion: undefined }) } },
          h('option', { value: '' }, 'All segments'),
          segments.map((sg) => h('option', { value: sg, selected: sg === store.state.gapSegment }, catalog.segment(sg))),
        ),
      ),
    );
  }

  private draw(): void {
    const data = this.data;
    if (data === null) return;
    const cellBox = h('section', { class: 'panel-section', id: 'gap-cell' });
    replace(this.root, this.head(), this.heatmap(data), cellBox, this.topGaps(data), this.structural(data));
    const { gapCapability, gapRegion } = this.app.store.state;
    if (gapCapability !== undefined && gapRegion !== undefined) void this.loadCell(gapCapability, gapRegion, cellBox);
    else {
      cellBox.remove();
      this.app.setHighlight('gaps', null);
    }
  }

  private heatmap(data: GapsResponse): HTMLElement {
    const { catalog, store } = this.app;
    const s = store.state;
    const view = matrixFor(data.matrix, s.gapSegment);
    if (view.capabilities.length === 0) return h('section', { class: 'panel-section' }, ui.empty('No recorded customer needs for this segment.'));
    const table = h(
      'table',
      { class: 'heatmap', id: 'heatmap' },
      h('thead', null, h('tr', null, h('th', null, ''), view.regions.map((r) => h('th', { title: catalog.region(r) }, h('span', null, catalog.region(r)))))),
      h(
        'tbody',
        null,
        view.capabilities.map((cap) =>
          h(
            'tr',
            null,
            h('th', { title: catalog.capability(cap) }, catalog.capability(cap)),
            view.regions.map((region) => {
              const cell = view.cell(cap, region);
              const demand = cell?.demand ?? 0;
              const supply = cell?.supply ?? 0;
              if (demand <= 0) return h('td', { class: 'empty', style: `background:${coverageColor(0, supply)}`, title: `${catalog.capability(cap)} · ${catalog.region(region)}: no recorded demand` }, '');
              const selected = s.gapCapability === cap && s.gapRegion === region;
              return h(
                'td',
                {
                  class: selected ? 'selected' : '',
                  style: `background:${coverageColor(demand, supply)}`,
                  dataset: { capability: cap, region, demand: String(demand), supply: String(supply) },
                  title: `${catalog.capability(cap)} · ${catalog.region(region)}: ${fmt.plural(demand, 'customer')} need it; qualified supply ${fmt.num(supply, 1)}`,
                  on: { click: () => store.set(selected ? { gapCapability: undefined, gapRegion: undefined } : { gapCapability: cap, gapRegion: region }) },
                },
                String(demand),
              );
            }),
          ),
        ),
      ),
    );
    return h(
      'section',
      { class: 'panel-section' },
      h('h3', { class: 'section-title' }, 'Coverage: capability × region'),
      h('div', { class: 'heatmap-wrap' }, table),
      h(
        'div',
        { class: 'scale' },
        'No supply',
        h('span', { class: 'ramp', style: `background:linear-gradient(90deg, ${[0, 0.25, 0.5, 0.75, 1].map((t) => coverageColor(1, Math.max(1e-6, t * COVERED_SUPPLY))).join(',')})` }),
        `${COVERED_SUPPLY}+ qualified partners`,
        h('span', { style: 'margin-left:auto' }, 'cell = customers in need'),
      ),
    );
  }

  private async loadCell(capability: string, region: string, box: HTMLElement): Promise<void> {
    const { catalog, store } = this.app;
    this.cellInflight?.abort();
    const controller = new AbortController();
    this.cellInflight = controller;
    const place = `${catalog.capability(capability)} in ${catalog.region(region)}`;
    const title = h('h3', { class: 'section-title' }, place, h('button', { class: 'link', type: 'button', on: { click: () => store.set({ gapCapability: undefined, gapRegion: undefined }) } }, 'Clear'));
    replace(box, title, ui.loading('the gap'));
    try {
      const { gaps } = await api.gaps({ capability, region, segment: store.state.gapSegment, limit: 50 }, controller.signal);
      const relevant = gaps.filter((g) => g.capability === capability && g.region === region);
      await catalog.ensure(relevant.flatMap((g) => [...g.nearestSuppliers, ...g.customers.slice(0, 20)]));
      if (controller.signal.aborted) return;
      this.app.setHighlight('gaps', relevant.length === 0 ? null : gapHighlight(relevant, `Gap: ${place}`));
      if (relevant.length === 0) {
        replace(box, title, ui.empty('No gap here: every customer need has enough qualified partners in region.'));
        return;
      }
      replace(
        box,
        title,
        relevant.map((g) => this.gapCard(g)),
      );
      const onMap = relevant.flatMap((g) => [...g.customers, ...g.nearestSuppliers]).filter((id) => this.app.map.view.hasNode(id));
      void this.app.map.view.fitTo(onMap);
    } catch (error) {
      if (isAbort(error)) return;
      replace(box, title, ui.error(errorMessage(error)));
    }
  }

  private gapCard(g: Gap): HTMLElement {
    const { catalog } = this.app;
    const name = (id: string) => h('button', { class: 'chip', type: 'button', title: id, on: { click: () => this.app.select(id, { reveal: true }) } }, catalog.name(id));
    return h(
      'div',
      { class: 'gap-card' },
      h(
        'div',
        { class: 'card-head' },
        h('span', { class: `badge badge-${g.action}` }, ACTION_TEXT[g.action]),
        h('span', { class: 'title' }, catalog.segment(g.segment)),
        h('span', { class: 'muted small' }, demandSupply(g)),
      ),
      // The server's explanation names regions and segments by id; the same facts with their names, the full text on hover.
      h(
        'p',
        { class: 'explain', title: g.explanation },
        `${fmt.plural(g.demand, 'customer')} (${catalog.segment(g.segment)}) in ${catalog.region(g.region)} need ${g.capabilityName}; `,
        g.unserved ? 'no partner qualifies there.' : `${fmt.plural(g.qualifiedPartners.length, 'qualified partner')} ${g.qualifiedPartners.length === 1 ? 'gives' : 'give'} a supply of ${fmt.num(g.supply, 1)} (${fmt.num(g.severity, 1)} customers per unit).`,
      ),
      h(
        'div',
        { class: 'group' },
        h('div', { class: 'group-title' }, 'To close the gap'),
        h(
          'ol',
          { class: 'plan' },
          g.plan.map((step) =>
            h(
              'li',
              { title: step.partnerId === undefined ? '' : [step.partnerId, step.via].filter(Boolean).join(' → '), dataset: { change: step.change } },
              h('span', { class: `badge badge-${step.action}` }, ACTION_TEXT[step.action]),
              step.partnerId === undefined
                ? h('span', null, sentence(step.text))
                : h('button', { class: 'link', type: 'button', on: { click: () => this.app.select(step.partnerId!, { reveal: true }) } }, sentence(step.text)),
            ),
          ),
        ),
      ),
      g.nearestSupplierReasons.length > 0 &&
        h(
          'div',
          { class: 'group' },
          h('div', { class: 'group-title' }, 'Nearest potential suppliers'),
          h('ul', { class: 'list' }, g.nearestSupplierReasons.slice(0, 5).map((r) => h('li', null, h('button', { type: 'button', on: { click: () => this.app.select(r.partnerId, { reveal: true }) } }, h('span', { class: 'swatch', style: 'width:8px;height:8px;border-radius:50%;background:#3ddc97' }), h('span', { class: 'name', title: r.partnerId }, r.partnerName), h('span', { class: 'meta', title: r.reason }, r.reason))))),
        ),
      g.customers.length > 0 &&
        h(
          'div',
          { class: 'group' },
          h('div', { class: 'group-title' }, 'Customers affected', h('span', { class: 'muted' }, String(g.customers.length))),
          h('div', { class: 'chips' }, g.customers.slice(0, 12).map(name), g.customers.length > 12 && h('span', { class: 'muted small' }, `+${g.customers.length - 12} more`)),
        ),
    );
  }

  private topGaps(data: GapsResponse): HTMLElement {
    const { catalog, store } = this.app;
    return h(
      'section',
      { class: 'panel-section', id: 'top-gaps' },
      h('h3', { class: 'section-title' }, 'Most severe gaps', csvButton(() => ({ path: '/api/gaps', query: { segment: store.state.gapSegment, limit: 1000 } }), 'gaps-csv')),
      data.gaps.length === 0
        ? ui.empty('No gaps: every need is covered.')
        : h(
            'ul',
            { class: 'list' },
            data.gaps.slice(0, 8).map((g) =>
              h(
                'li',
                null,
                h(
                  'button',
                  { type: 'button', on: { click: () => store.set({ gapCapability: g.capability, gapRegion: g.region, gapSegment: store.state.gapSegment === undefined ? undefined : g.segment }) } },
                  h('span', { class: `badge badge-${g.action}` }, ACTION_TEXT[g.action]),
                  h('span', { class: 'name' }, `${catalog.capability(g.capability)} · ${catalog.region(g.region)} · ${catalog.segment(g.segment)}`),
                  h('span', { class: 'meta' }, demandSupply(g)),
                ),
              ),
            ),
          ),
    );
  }

  private structural(data: GapsResponse): HTMLElement {
    const { catalog } = this.app;
    const s = data.structural;
    const partner = (id: string, meta: string) =>
      h('li', null, h('button', { type: 'button', on: { click: () => this.app.select(id, { reveal: true }) } }, h('span', { class: 'name' }, catalog.name(id)), h('span', { class: 'meta' }, meta)));
    return h(
      'section',
      { class: 'panel-section', id: 'structural' },
      h('h3', { class: 'section-title' }, 'Structural risks', h('span', { class: 'muted' }, 'ringed on the map')),
      h(
        'div',
        { class: 'kv', style: 'margin-bottom:12px' },
        h('div', null, h('span', { class: 'k' }, 'Single points of failure'), h('span', { class: 'v' }, String(s.singlePointsOfFailure.length))),
        h('div', null, h('span', { class: 'k' }, 'Articulation points'), h('span', { class: 'v' }, String(s.articulationPoints.length))),
        h('div', null, h('span', { class: 'k' }, 'Brokers'), h('span', { class: 'v' }, String(s.brokers.length))),
        h('div', null, h('span', { class: 'k' }, 'Isolated partners'), h('span', { class: 'v' }, String(s.isolated.length))),
      ),
      s.singlePointsOfFailure.length > 0 &&
        h(
          'div',
          { class: 'group' },
          h('div', { class: 'group-title' }, 'Single points of failure'),
          h('ul', { class: 'list' }, s.singlePointsOfFailure.slice(0, 6).map((x) => partner(x.partnerId, `only ${x.kind === 'capability' ? catalog.capability(x.id) : `${catalog.capability(x.capability ?? '')} in ${catalog.region(x.id)}`} · ${fmt.plural(x.customersAtRisk.length, 'customer')} at risk`))),
        ),
      s.brokers.length > 0 &&
        h(
          'div',
          { class: 'group' },
          h('div', { class: 'group-title' }, 'Brokers the ecosystem depends on'),
          h('ul', { class: 'list' }, s.brokerScores.slice(0, 6).map((b) => partner(b.partnerId, `betweenness ${fmt.metric(b.betweenness)}`))),
        ),
    );
  }
}
