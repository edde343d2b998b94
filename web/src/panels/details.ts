/**
 * The details panel for the selected partner or customer: who it is (types,
 * tier, regions, capabilities, lifecycle), where it sits (metrics, broker and
 * articulation status), whom it is linked to (grouped by relationship type,
 * each clickable), an ego-network switch, and for partners the ranked
 * introductions. The map highlights the node and its neighbourhood.
 */
import { LIFECYCLE_STAGES } from '../../../server/schemas/model.js';
import type { Customer, Partner } from '../../../server/schemas/model.js';
import type { NodeMetrics } from '../../../server/schemas/analytics.js';
import type { Neighbour } from '../../../server/schemas/api.js';
import { ApiError, api, errorMessage, isAbort } from '../api/client.js';
import { csvButton } from '../api/download.js';
import type { App } from '../app.js';
import { fmt, h, replace, ui } from '../dom.js';
import { nodeColor, TYPE_COLORS, isPartnerType } from '../map/colors.js';
import { selectionHighlight, type Highlight } from '../map/highlight.js';
import { introductionList } from './introductions.js';
import { customerSolutionsSection } from './solutions.js';
import { customerDealsSection } from './deal-details.js';
import { sharingSection, whoAmI } from './sharing.js';

type Entity = { kind: 'partner'; partner: Partner } | { kind: 'customer'; customer: Customer };

const RELATIONSHIP_LABELS: Record<string, { out: string; in: string }> = {
  INTEGRATES_WITH: { out: 'Integrates with', in: 'Integrated by' },
  IMPLEMENTS: { out: 'Implements', in: 'Implemented by' },
  RESELLS: { out: 'Resells', in: 'Resold by' },
  REFERS_TO: { out: 'Refers to', in: 'Referred by' },
  CO_SELLS_WITH: { out: 'Co-sells with', in: 'Co-sells with' },
  SERVES: { out: 'Customers served', in: 'Served by partners' },
};

async function loadEntity(id: string, kindHint: string | undefined, signal: AbortSignal): Promise<Entity> {
  if (kindHint === 'customer') return { kind: 'customer', customer: await api.customer(id, signal) };
  if (kindHint === 'partner') return { kind: 'partner', partner: await api.partner(id, signal) };
  try {
    return { kind: 'partner', partner: await api.partner(id, signal) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { kind: 'customer', customer: await api.customer(id, signal) };
    throw error;
  }
}

function typeChips(types: readonly string[]): HTMLElement[] {
  return types.map((t) => h('span', { class: 'chip chip-strong' }, h('span', { class: 'swatch', style: `background:${isPartnerType(t) ? TYPE_COLORS[t] : '#999'}` }), t));
}

function tierBadge(tier: string): HTMLElement {
  return h('span', { class: `badge badge-${tier.toLowerCase()}`, title: 'Partner tier' }, tier);
}

export class DetailsPanel {
  private inflight: AbortController | null = null;
  private introsFor: string | null = null;
  private pinned: Highlight | null = null;
  /** The selected node's relationships from the API (some may be off the map). */
  private neighbours: readonly Neighbour[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly app: App,
    private readonly overview: (root: HTMLElement) => void,
  ) {
    app.store.subscribe((next, prev) => {
      // The panel area is shared: a late answer must not paint over another view.
      if (next.view !== 'explore') this.inflight?.abort();
      if (next.selected !== prev.selected || (next.view === 'explore' && prev.view !== 'explore')) this.render();
      else if (next.view === 'explore' && (next.focus !== prev.focus || next.depth !== prev.depth)) this.render();
    });
    // When the map changes under a selection (new filters), neighbours on the map change too.
    app.map.onChange(() => this.refreshHighlight(), { dataOnly: true });
  }

  render(): void {
    const { store } = this.app;
    if (store.state.view !== 'explore') return;
    this.inflight?.abort();
    this.pinned = null;
    this.neighbours = [];
    const id = store.state.selected;
    if (id === undefined) {
      this.app.setHighlight('explore', null);
      this.overview(this.root);
      return;
    }
    this.refreshHighlight();
    const controller = new AbortController();
    this.inflight = controller;
    replace(this.root, this.header(id, undefined), h('div', { class: 'panel-section' }, ui.loading('details')));
    void this.load(id, controller);
  }

  private refreshHighlight(): void {
    const id = this.app.store.state.selected;
    if (id === undefined || this.pinned !== null) return;
    const neighbours = this.neighbours;
    const onMap = this.app.map.view.hasNode(id) ? this.app.map.view.graph.neighbors(id) : [];
    const around = [...onMap, ...neighbours.filter((n) => n.kind === 'partner' || n.kind === 'customer').map((n) => n.id)];
    this.app.setHighlight('explore', selectionHighlight(id, `${this.app.catalog.name(id)} and its network`, around));
  }

  private async load(id: string, controller: AbortController): Promise<void> {
    const { catalog } = this.app;
    const signal = controller.signal;
    try {
      const metricsRequest = api.metrics(id, signal);
      const neighbourhoodRequest = api.neighbourhood(id, signal);
      neighbourhoodRequest.catch(() => undefined); // settled below; no unhandled-rejection noise meanwhile
      // A cold link does not say whether the id is a partner or a customer; the metrics do.
      const kind = catalog.node(id)?.kind ?? (await metricsRequest.then((m) => m.kind, () => undefined));
      const [entity, metrics, neighbourhood] = await Promise.allSettled([loadEntity(id, kind, signal), metricsRequest, neighbourhoodRequest]);
      if (signal.aborted) return;
      if (entity.status === 'rejected') throw entity.reason;
      const e = entity.value;
      const name = e.kind === 'partner' ? e.partner.name : e.customer.name;
      catalog.learn(id, { label: name, kind: e.kind, types: e.kind === 'partner' ? e.partner.types : [] });
      const neighbours = neighbourhood.status === 'fulfilled' ? neighbourhood.value.neighbours : [];
      for (const n of neighbours) if (n.kind === 'partner' || n.kind === 'customer') catalog.learn(n.id, { label: n.name, kind: n.kind, types: catalog.node(n.id)?.types ?? [] });
      this.neighbours = neighbours;
      this.refreshHighlight();
      const sections: Array<HTMLElement | false> = [
        this.header(id, e),
        this.mapPresence(id),
        this.egoSection(id),
        e.kind === 'partner' ? this.partnerFacts(e.partner) : this.customerFacts(e.customer),
        metrics.status === 'fulfilled' ? this.metricsSection(metrics.value) : this.failed('metrics', metrics.reason),
        neighbourhood.status === 'fulfilled' ? this.neighboursSection(neighbours) : this.failed('relationships', neighbourhood.reason),
      ];
      const introsBox = h('section', { class: 'panel-section', id: 'intro-section' });
      if (e.kind === 'partner') {
        const role = await whoAmI().then((m) => m.role, () => 'viewer');
        if (signal.aborted) return;
        sections.push(introsBox, sharingSection(id, role === 'admin' || role === 'editor'));
      }
      else sections.push(customerSolutionsSection(id), customerDealsSection(this.app, id, signal));
      replace(this.root, sections);
      if (e.kind === 'partner') void this.loadIntroductions(id, introsBox, signal);
    } catch (error) {
      if (isAbort(error)) return;
      replace(this.root, this.header(id, undefined), ui.error(errorMessage(error), () => this.render()));
    }
  }

  private failed(what: string, reason: unknown): HTMLElement | false {
    if (isAbort(reason)) return false;
    return h('section', { class: 'panel-section' }, h('h3', { class: 'section-title' }, what), ui.error(errorMessage(reason)));
  }

  private header(id: string, e: Entity | undefined): HTMLElement {
    const { catalog, store } = this.app;
    const info = catalog.node(id);
    const name = e === undefined ? catalog.name(id) : e.kind === 'partner' ? e.partner.name : e.customer.name;
    const domain = e === undefined ? undefined : e.kind === 'partner' ? e.partner.domain : e.customer.domain;
    const kind = e?.kind ?? info?.kind ?? 'node';
    return h(
      'header',
      { class: 'panel-head' },
      h(
        'div',
        { class: 'form-actions', style: 'justify-content:space-between' },
        h('span', { class: 'muted small' }, kind === 'customer' ? 'Customer' : kind === 'partner' ? 'Partner' : ''),
        h('button', { class: 'link', type: 'button', id: 'details-close', on: { click: () => store.set({ selected: undefined }) } }, 'Close ✕'),
      ),
      h('h2', { id: 'details-name' }, name),
      h('div', { class: 'sub' }, [id, domain].filter(Boolean).join(' · ')),
      e?.kind === 'partner' && h('div', { class: 'row', id: 'details-types' }, typeChips(e.partner.types), tierBadge(e.partner.tier)),
      e?.kind === 'customer' &&
        h(
          'div',
          { class: 'row' },
          h('span', { class: 'chip' }, h('span', { class: 'swatch', style: `background:${nodeColor({ kind: 'customer', types: [] })}` }), catalog.segment(e.customer.segment)),
          h('span', { class: 'chip' }, catalog.region(e.customer.region)),
          e.customer.industry !== undefined && h('span', { class: 'chip' }, e.customer.industry),
        ),
    );
  }

  /** A selected node may be outside the current map (filtered out, inside a closed community). */
  private mapPresence(id: string): HTMLElement | false {
    const { map, store } = this.app;
    if (map.loading || map.view.hasNode(id)) return false;
    const filtered = store.state.type ?? store.state.tier ?? store.state.region ?? store.state.segment ?? store.state.capability ?? store.state.stage;
    return h(
      'div',
      { class: 'panel-section' },
      h(
        'div',
        { class: 'notice' },
        'Not on the current map. ',
        map.snapshot?.response.aggregated
          ? h('button', { class: 'link', type: 'button', on: { click: () => void this.app.reveal(id) } }, 'Open its community')
          : filtered !== undefined
            ? h('button', { class: 'link', type: 'button', on: { click: () => store.set({ type: undefined, tier: undefined, region: undefined, segment: undefined, capability: undefined, stage: undefined, community: undefined }) } }, 'Clear filters')
            : h('button', { class: 'link', type: 'button', on: { click: () => store.set({ focus: id }) } }, 'Show its network'),
      ),
    );
  }

  private egoSection(id: string): HTMLElement {
    const { store } = this.app;
    const s = store.state;
    const on = s.focus === id;
    const option = (label: string, depth: number | null) =>
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': String(depth === null ? !on : on && s.depth === depth),
          dataset: { depth: String(depth ?? 0) },
          on: { click: () => store.set(depth === null ? { focus: undefined } : { focus: id, depth }) },
        },
        label,
      );
    return h(
      'section',
      { class: 'panel-section' },
      h('h3', { class: 'section-title' }, 'Ego network'),
      h('div', { class: 'segmented', id: 'ego-depth', role: 'group', 'aria-label': 'Ego network depth' }, option('Whole map', null), option('1 hop', 1), option('2 hops', 2), option('3 hops', 3)),
    );
  }

  private partnerFacts(p: Partner): HTMLElement {
    const { catalog, store } = this.app;
    const stages = Object.entries(p.lifecycle);
    return h(
      'section',
      { class: 'panel-section' },
      h('h3', { class: 'section-title' }, 'Profile'),
      h(
        'div',
        { class: 'group' },
        h('div', { class: 'group-title' }, 'Regions', h('span', { class: 'muted' }, String(p.regions.length))),
        h('div', { class: 'chips' }, p.regions.length === 0 ? h('span', { class: 'muted small' }, 'None recorded') : p.regions.map((r) => h('button', { class: 'chip', type: 'button', title: 'Filter the map to this region', on: { click: () => store.set({ region: r }) } }, catalog.region(r)))),
      ),
      p.segments.length > 0 &&
        h('div', { class: 'group' }, h('div', { class: 'group-title' }, 'Segments'), h('div', { class: 'chips' }, p.segments.map((sgm) => h('button', { class: 'chip', type: 'button', on: { click: () => store.set({ segment: sgm }) } }, catalog.segment(sgm))))),
      h(
        'div',
        { class: 'group', id: 'details-capabilities' },
        h('div', { class: 'group-title' }, 'Capabilities', h('span', { class: 'muted' }, String(p.capabilities.length))),
        h(
          'div',
          { class: 'chips' },
          p.capabilities.length === 0
            ? h('span', { class: 'muted small' }, 'None recorded')
            : p.capabilities.map((c) =>
                h(
                  'button',
                  { class: 'chip', type: 'button', title: `${c.level}${c.certified ? ', certified' : ''} — filter the map to this capability`, on: { click: () => store.set({ capability: c.id }) } },
                  catalog.capability(c.id),
                  h('span', { class: 'muted' }, c.certified ? '✓' : c.level === 'advanced' ? '◆' : ''),
                ),
              ),
        ),
      ),
      h(
        'div',
        { class: 'group' },
        h('div', { class: 'group-title' }, 'Lifecycle'),
        stages.length === 0
          ? h('span', { class: 'muted small' }, 'No program tracks')
          : h(
              'div',
              { class: 'lifecycle' },
              stages.map(([track, stage]) => {
                const at = LIFECYCLE_STAGES.indexOf(stage);
                return [
                  h('span', null, track, ' · ', h('b', null, stage)),
                  h(
                    'div',
                    { class: 'stages', title: LIFECYCLE_STAGES.join(' → ') },
                    LIFECYCLE_STAGES.filter((x) => x !== 'churned').map((x, i) => h('span', { class: stage === 'churned' ? 'churned' : i < at ? 'done' : i === at ? 'now' : '' }, '')),
                  ),
                ];
              }),
            ),
      ),
      (p.country !== undefined || p.revenue !== undefined || p.sources.length > 0) &&
        h('div', { class: 'group muted small' }, [p.country, p.size, p.revenue !== undefined ? `revenue ${fmt.int(p.revenue)}` : undefined, p.sources.length > 0 ? `sources: ${p.sources.join(', ')}` : undefined].filter(Boolean).join(' · ')),
    );
  }

  private customerFacts(c: Customer): HTMLElement {
    const { catalog, store } = this.app;
    return h(
      'section',
      { class: 'panel-section' },
      h('h3', { class: 'section-title' }, 'Needs'),
      h('div', { class: 'chips' }, c.needs.length === 0 ? h('span', { class: 'muted small' }, 'No recorded needs') : c.needs.map((n) => h('button', { class: 'chip', type: 'button', on: { click: () => store.set({ capability: n }) } }, catalog.capability(n)))),
    );
  }

  private metricsSection(m: NodeMetrics): HTMLElement {
    const { store, catalog } = this.app;
    const badges = [
      m.isBroker && h('span', { class: 'badge badge-warn', title: 'High betweenness: many paths run through this partner' }, 'Broker'),
      m.isArticulationPoint && h('span', { class: 'badge badge-danger', title: 'Removing it disconnects part of the ecosystem' }, 'Articulation point'),
      m.bridges.length > 0 && h('span', { class: 'badge badge-danger', title: 'Links whose removal disconnects the graph' }, fmt.plural(m.bridges.length, 'bridge')),
    ].filter(Boolean);
    return h(
      'section',
      { class: 'panel-section', id: 'details-metrics' },
      h('h3', { class: 'section-title' }, 'Position in the ecosystem'),
      badges.length > 0 && h('div', { class: 'chips', style: 'margin-bottom:8px' }, badges),
      h(
        'div',
        { class: 'kv' },
        h('div', null, h('span', { class: 'k' }, 'PageRank'), h('span', { class: 'v' }, fmt.metric(m.pagerank))),
        h(
          'div',
          { title: m.betweennessMethod.exact ? 'Exact betweenness' : `Estimated from ${m.betweennessMethod.sources} sampled sources` },
          h('span', { class: 'k' }, 'Betweenness', m.betweennessMethod.exact ? '' : ' (sampled)'),
          h('span', { class: 'v' }, fmt.metric(m.betweenness)),
        ),
        h('div', null, h('span', { class: 'k' }, 'Connections'), h('span', { class: 'v' }, fmt.int(m.degree))),
        h(
          'div',
          null,
          h('span', { class: 'k' }, 'Community'),
          h('button', { class: 'link v', type: 'button', title: 'Show only this community', on: { click: () => store.set({ community: m.community }) } }, `#${m.community}`),
        ),
      ),
      Object.keys(m.degreeByType).length > 0 &&
        h('div', { class: 'chips', style: 'margin-top:8px' }, Object.entries(m.degreeByType).sort((a, b) => b[1] - a[1]).map(([t, n]) => h('span', { class: 'chip' }, `${t.toLowerCase().replace(/_/g, ' ')} `, h('b', null, String(n))))),
      m.sharedCustomers.length > 0 &&
        h(
          'div',
          { class: 'group', style: 'margin-top:12px' },
          h('div', { class: 'group-title' }, 'Shares customers with'),
          h(
            'ul',
            { class: 'list' },
            m.sharedCustomers.slice(0, 5).map((s) => h('li', null, h('button', { type: 'button', on: { click: () => this.app.select(s.partnerId, { reveal: true }) } }, h('span', { class: 'name' }, catalog.name(s.partnerId)), h('span', { class: 'meta' }, fmt.plural(s.count, 'customer'))))),
          ),
        ),
    );
  }

  private neighboursSection(neighbours: readonly Neighbour[]): HTMLElement {
    const linked = neighbours.filter((n) => n.kind === 'partner' || n.kind === 'customer');
    const groups = new Map<string, Neighbour[]>();
    for (const n of linked) {
      const labels = RELATIONSHIP_LABELS[n.type];
      const key = labels === undefined ? n.type : labels[n.direction];
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    const PREVIEW = 8;
    return h(
      'section',
      { class: 'panel-section', id: 'details-neighbours' },
      h('h3', { class: 'section-title' }, 'Relationships', h('span', { class: 'muted' }, String(linked.length))),
      linked.length === 0 && h('span', { class: 'muted small' }, 'No partner or customer relationships'),
      [...groups].sort((a, b) => b[1].length - a[1].length).map(([label, items]) => {
        const list = h('ul', { class: 'list' });
        const fill = (all: boolean) =>
          replace(
            list,
            (all ? items : items.slice(0, PREVIEW)).map((n) =>
              h(
                'li',
                null,
                h(
                  'button',
                  { type: 'button', dataset: { id: n.id }, on: { click: () => this.app.select(n.id, { reveal: true }) } },
                  h('span', { class: 'swatch', style: `width:8px;height:8px;border-radius:50%;background:${nodeColor({ kind: n.kind, types: this.app.catalog.node(n.id)?.types ?? [] })}` }),
                  h('span', { class: 'name' }, n.name),
                  h('span', { class: 'meta' }, describeProperties(n.properties)),
                ),
              ),
            ),
            !all && items.length > PREVIEW && h('li', null, h('button', { type: 'button', class: 'link', on: { click: () => fill(true) } }, `Show all ${items.length}`)),
          );
        fill(false);
        return h('div', { class: 'group' }, h('div', { class: 'group-title' }, label, h('span', { class: 'muted' }, String(items.length))), list);
      }),
    );
  }

  private async loadIntroductions(id: string, box: HTMLElement, signal: AbortSignal): Promise<void> {
    this.introsFor = id;
    const title = h('h3', { class: 'section-title' }, 'Suggested introductions');
    replace(box, title, ui.loading('introductions'));
    try {
      const { introductions } = await api.introductionsFor(id, 10, signal);
      await this.app.catalog.ensure(introductions.map((i) => (i.partnerId === id ? i.otherPartnerId : i.partnerId)));
      if (signal.aborted || this.introsFor !== id) return;
      replace(
        box,
        title,
        introductions.length === 0
          ? ui.empty('No introductions to suggest: this partner already knows its likely partners.')
          : [
              h('p', { class: 'hint', style: 'margin-bottom:8px' }, 'Hover to preview on the map; click to pin. ', csvButton(() => ({ path: `/api/partners/${encodeURIComponent(id)}/introductions`, query: { k: 10 } }), 'introductions-csv')),
              introductionList(this.app, introductions, {
                selfId: id,
                onPin: (highlight) => {
                  this.pinned = highlight;
                  if (highlight === null) this.refreshHighlight();
                  else this.app.setHighlight('explore', highlight);
                },
              }),
            ],
      );
    } catch (error) {
      if (isAbort(error)) return;
      replace(box, title, ui.error(errorMessage(error), () => void this.loadIntroductions(id, box, signal)));
    }
  }
}

function describeProperties(props: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof props['role'] === 'string') parts.push(props['role']);
  if (typeof props['annualValue'] === 'number') parts.push(fmt.int(props['annualValue']));
  if (typeof props['since'] === 'string') parts.push(`since ${props['since']}`);
  return parts.join(' · ');
}
