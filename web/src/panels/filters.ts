/**
 * The filter side panel: one select per map filter with the counts the map
 * response reports per value (facets), minimum degree, size-by, customers on
 * or off, and risk markers. Every change goes through the URL state, and the
 * map reloads in place.
 */
import { LIFECYCLE_STAGES, PARTNER_TYPES, STANDARD_TIERS } from '../../../server/schemas/model.js';
import { CENTRALITIES } from '../../../server/schemas/analytics.js';
import type { App } from '../app.js';
import { debounce, h, replace } from '../dom.js';
import { MAP_FILTER_KEYS, NO_FILTERS, activeFilters, type MapFilterKey, type ViewState } from '../state.js';

const LABELS: Record<MapFilterKey | 'community', string> = {
  type: 'Type',
  tier: 'Tier',
  region: 'Region',
  segment: 'Segment',
  capability: 'Capability',
  stage: 'Lifecycle',
  community: 'Community',
};

const CENTRALITY_LABELS: Record<(typeof CENTRALITIES)[number], string> = {
  pagerank: 'PageRank',
  betweenness: 'Betweenness',
  degree: 'Degree',
};

function title(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

export function mountFilters(root: HTMLElement, app: App): void {
  const { store, catalog, map } = app;

  /** Values offered for a filter: the known ones, plus any the server reports, plus the current value. */
  const optionsFor = (key: MapFilterKey | 'community', state: ViewState): Array<{ value: string; label: string }> => {
    const facet = map.snapshot?.response.facets[key] ?? {};
    let known: Array<[string, string]> = [];
    if (key === 'type') known = PARTNER_TYPES.map((t) => [t, title(t)]);
    else if (key === 'tier') known = STANDARD_TIERS.map((t) => [t, title(t)]);
    else if (key === 'stage') known = LIFECYCLE_STAGES.map((t) => [t, title(t)]);
    else if (key === 'region') known = [...catalog.regions].map(([id, name]) => [id, name]);
    else if (key === 'segment') known = [...catalog.segments].map(([id, name]) => [id, name]);
    else if (key === 'capability') known = [...catalog.capabilities.values()].map((c) => [c.id, c.name]);
    const seen = new Map(known);
    for (const value of Object.keys(facet)) if (!seen.has(value)) seen.set(value, key === 'community' ? `Community ${value}` : title(value));
    const current = key === 'community' ? state.community?.toString() : state[key];
    if (current !== undefined && !seen.has(current)) seen.set(current, key === 'community' ? `Community ${current}` : current);
    const entries = [...seen].map(([value, label]) => {
      const count = facet[value];
      return { value, label: count === undefined ? label : `${label} (${count.toLocaleString('en-US')})`, count: count ?? -1 };
    });
    // Communities read best by size; the rest alphabetically as users know them.
    if (key === 'community') entries.sort((a, b) => b.count - a.count);
    else if (key === 'region' || key === 'segment' || key === 'capability') entries.sort((a, b) => a.label.localeCompare(b.label));
    return entries;
  };

  const select = (key: MapFilterKey | 'community', state: ViewState) => {
    const current = key === 'community' ? state.community?.toString() : state[key];
    const el = h(
      'select',
      {
        id: `filter-${key}`,
        class: current === undefined ? '' : 'active',
        on: {
          change: () => {
            const value = el.value === '' ? undefined : el.value;
            if (key === 'community') store.set({ community: value === undefined ? undefined : Number(value) });
            else store.set({ [key]: value });
          },
        },
      },
      h('option', { value: '' }, 'All'),
      optionsFor(key, state).map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)),
    );
    return h('label', { class: 'field inline' }, h('span', null, LABELS[key]), el);
  };

  const setMinDegree = debounce((value: number) => store.set({ minDegree: value > 0 ? value : undefined }), 250);

  const render = () => {
    const state = store.state;
    const active = activeFilters(state);
    const degreeOut = h('span', { class: 'muted' }, String(state.minDegree ?? 0));
    replace(
      root,
      h(
        'section',
        null,
        h(
          'h3',
          { class: 'section-title' },
          active > 0 ? `Filters · ${active}` : 'Filters',
          active > 0 &&
            h(
              'button',
              {
                class: 'link',
                type: 'button',
                id: 'filters-clear',
                on: { click: () => store.set(NO_FILTERS) },
              },
              'Clear all',
            ),
        ),
        MAP_FILTER_KEYS.map((key) => select(key, state)),
        select('community', state),
        h(
          'label',
          { class: 'field' },
          h('span', null, 'Minimum connections', degreeOut),
          h('input', {
            type: 'range',
            id: 'filter-minDegree',
            min: '0',
            max: '20',
            step: '1',
            value: String(state.minDegree ?? 0),
            on: {
              input: (e: Event) => {
                const v = Number((e.target as HTMLInputElement).value);
                degreeOut.textContent = String(v);
                setMinDegree(v);
              },
            },
          }),
        ),
      ),
      h(
        'section',
        null,
        h('h3', { class: 'section-title' }, 'Display'),
        h(
          'div',
          { class: 'field' },
          h('span', null, 'Size by'),
          h(
            'div',
            { class: 'segmented', role: 'group', 'aria-label': 'Size nodes by' },
            CENTRALITIES.map((c) =>
              h('button', { type: 'button', 'aria-pressed': String(state.sizeBy === c), on: { click: () => store.set({ sizeBy: c }) } }, CENTRALITY_LABELS[c]),
            ),
          ),
        ),
        h(
          'label',
          { class: 'toggle' },
          h('input', { type: 'checkbox', id: 'toggle-customers', checked: state.customers, on: { change: (e: Event) => store.set({ customers: (e.target as HTMLInputElement).checked }) } }),
          'Show customers',
        ),
        h(
          'label',
          { class: 'toggle' },
          h('input', {
            type: 'checkbox',
            id: 'toggle-risks',
            title: 'Ring brokers, single points of failure and articulation points on the map',
            checked: state.risks || state.view === 'gaps',
            disabled: state.view === 'gaps',
            on: { change: (e: Event) => store.set({ risks: (e.target as HTMLInputElement).checked }) },
          }),
          'Mark structural risks',
        ),
      ),
    );
  };

  store.subscribe((next, prev) => {
    if (JSON.stringify({ ...next, cam: 0, selected: 0 }) !== JSON.stringify({ ...prev, cam: 0, selected: 0 })) render();
  });
  map.onChange(render, { dataOnly: true });
  catalog.onChange(render);
  render();
}
