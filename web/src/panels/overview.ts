/**
 * The explore view with nothing selected: the ecosystem in numbers, how to
 * get around, and the best introductions across the whole ecosystem.
 */
import { api, errorMessage } from '../api/client.js';
import type { App } from '../app.js';
import { fmt, h, replace, ui } from '../dom.js';
import { introductionList } from './introductions.js';

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

  void api
    .health()
    .then((health) =>
      replace(
        stats,
        [
          ['partners', health.counts.partners],
          ['customers', health.counts.customers],
          ['relationships', health.counts.relationships],
          ['capabilities', health.counts.capabilities],
          ['regions', health.counts.regions],
          ['deals', health.counts.deals],
        ].map(([label, n]) => h('div', null, h('strong', null, fmt.int(Number(n))), h('span', null, String(label)))),
      ),
    )
    .catch((error: unknown) => replace(stats, ui.error(errorMessage(error))));

  void api
    .introductions(5)
    .then(async ({ introductions }) => {
      await app.catalog.ensure(introductions.flatMap((i) => [i.partnerId, i.otherPartnerId]));
      replace(
        intros,
        introductions.length === 0
          ? ui.empty('No introductions to suggest.')
          : introductionList(app, introductions, { onPin: (highlight) => app.setHighlight('explore', highlight) }),
      );
    })
    .catch((error: unknown) => replace(intros, ui.error(errorMessage(error))));
}
