/**
 * A store with no partners and no customers: a welcome that says how to bring
 * data in, over the map and in the panel, instead of analytics that have
 * nothing to work on.
 */
import { h, replace } from '../dom.js';

function welcome(id: string): HTMLElement {
  return h(
    'div',
    { class: 'state state-empty empty-ecosystem', id },
    h('strong', null, 'No partners yet'),
    h(
      'p',
      null,
      'Import a bundle to map your ecosystem: ',
      h('code', null, 'npm run import -- bundle.json'),
      ' (or a folder of CSV files), or POST it to ',
      h('code', null, '/api/import'),
      '. The README shows the format; ',
      h('code', null, 'seeds/demo/bundle.json'),
      ' is an example.',
    ),
    h('button', { class: 'btn btn-small', type: 'button', on: { click: () => location.reload() } }, 'Check again'),
  );
}

export function mountEmptyEcosystem(parts: { overlay: HTMLElement; panel: HTMLElement; status: HTMLElement; chip: HTMLElement }): void {
  parts.overlay.hidden = false;
  replace(parts.overlay, welcome('map-empty'));
  replace(parts.panel, h('header', { class: 'panel-head' }, h('h2', null, 'Welcome to Ecograph'), h('div', { class: 'sub' }, 'Partners, customers and their relationships will appear here.')), h('section', { class: 'panel-section' }, welcome('panel-empty')));
  replace(parts.status, 'No partners or customers yet');
  replace(parts.chip, 'Health ', h('strong', null, '—'));
  parts.chip.title = 'No ecosystem to score yet';
}
