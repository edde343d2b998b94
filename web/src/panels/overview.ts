/**
 * The explore view with nothing selected: the ecosystem in numbers (what the
 * map's filters keep, out of the whole), how to get around, and the best
 * introductions across the whole ecosystem.
 */
import type { z } from 'zod';
import type { HealthResponse } from '../../../server/schemas/api.js';
import { api, errorMessage } from '../api/client.js';
import { csvButton } from '../api/download.js';
import type { App } from '../app.js';
import { fmt, h, replace, ui } from '../dom.js';
import { activeFilters } from '../state.js';
import { introductionList } from './introductions.js';

type Counts = z.infer<typeof HealthResponse>['counts'];

/**
 * The figures the map shows now, from its facets (counted over every node the
 * filters keep, aggregated or not): each partner has exactly one tier, so the
 * tier facet counts partners. Relationships are the drawn links, known only
 * when the map is not aggregated; deals are not filtered by the map.
 */
function filteredFigures(app: App, whole: Counts): Array<[string, number, number | undefined]> {
  const response = app.map.snapshot?.response;
  if (response === undefined) return [];
  const facets = response.facets;
  const partners = Object.values(facets['tier'] ?? {}).reduce((sum, n) => sum + n, 0);
  const distinct = (facet: string) => Object.values(facets[facet] ?? {}).filter((n) => n > 0).length;
  return [
    ['partners', partners, whole.partners],
    ['customers', response.totalNodes - partners, whole.customers],
    ['relationships', response.aggregated ? Number.NaN : response.edges.length, whole.relationships],
    ['capabilities', distinct('capability'), whole.capabilities],
    ['regions', distinct('region'), whole.regions],
    ['deals', whole.deals, undefined],
  ];
}

export function renderOverview(root: HTMLElement, app: App): void {
  const stats = h('div', { class: 'stat-row' }, h('div', null, ui.loading('counts')));
  const intros = h('div', null, ui.loading('introductions'));
  replace(
    root,
    h(
      'header',
      { class: 'panel-head' },
      h('h2', null, 'Ecosystem overview'),
      h('div', { class: 'sub' }, 'Click a partner or customer on the map, or search above, to inspect it.'),
    ),
    h('section', { class: 'panel-section' }, stats),
    h(
      'section',
      { class: 'panel-section' },
      h('h3', { class: 'section-title' }, 'Getting around'),
      h(
        'p',
        { class: 'hint' },
        'Scroll to zoom, drag to pan; labels appear as you zoom in. Press ',
        h('kbd', null, '/'),
        ' to search. Large ecosystems arrive as communities: click one to open it.',
      ),
    ),
    h('section', { class: 'panel-section' }, h('h3', { class: 'section-title' }, 'Top introductions in the ecosystem'), intros),
  );

  const drawStats = (whole: Counts) => {
    const filtered = activeFilters(app.store.state) > 0 || app.store.state.focus !== undefined;
    const figures: Array<[string, number, number | undefined]> = filtered
      ? filteredFigures(app, whole)
      : (['partners', 'customers', 'relationships', 'capabilities', 'regions', 'deals'] as const).map((k) => [k, whole[k], undefined]);
    replace(
      stats,
      figures.map(([label, n, of]) =>
        h(
          'div',
          { dataset: { stat: label } },
          h('strong', null, Number.isNaN(n) ? '—' : fmt.int(n)),
          h('span', null, of === undefined ? (filtered ? `${label} (all)` : label) : `${label} of ${fmt.int(of)}`),
        ),
      ),
    );
  };
  void api
    .health()
    .then((health) => {
      drawStats(health.counts);
      // The figures follow the filters while this overview is on screen.
      const stop = app.map.onChange(
        () => {
          if (!stats.isConnected) stop();
          else if (!app.map.loading) drawStats(health.counts);
        },
        { dataOnly: true },
      );
    })
    .catch((error: unknown) => replace(stats, ui.error(errorMessage(error))));

  void api
    .introductions(5)
    .then(async ({ introductions }) => {
      await app.catalog.ensure(introductions.flatMap((i) => [i.partnerId, i.otherPartnerId]));
      replace(
        intros,
        introductions.length === 0
          ? ui.empty('No introductions to suggest.')
          : [introductionList(app, introductions, { onPin: (highlight) => app.setHighlight('explore', highlight) }), csvButton(() => ({ path: '/api/introductions', query: { k: 100 } }), 'top-introductions-csv')],
      );
    })
    .catch((error: unknown) => replace(intros, ui.error(errorMessage(error))));
}
