/**
 * What sits over the map: the breadcrumb (whole ecosystem › community › ego
 * network), zoom buttons, and the status bar with what is shown and
 * highlighted. The status bar's numbers are also data attributes, for tests
 * and for anyone scripting the page.
 */
import type { App } from '../app.js';
import { fmt, h, replace } from '../dom.js';
import { saveMapPng } from '../map/snapshot.js';

export function mountBreadcrumb(root: HTMLElement, app: App): void {
  const { store, catalog, map } = app;
  const render = () => {
    const s = store.state;
    const aggregated = map.snapshot?.response.aggregated ?? false;
    const crumbs: HTMLElement[] = [];
    const atRoot = s.community === undefined && s.focus === undefined;
    crumbs.push(
      atRoot
        ? h('span', { class: 'crumb crumb-current' }, aggregated ? 'Whole ecosystem · communities' : 'Whole ecosystem')
        : h('button', { class: 'crumb', type: 'button', id: 'crumb-root', on: { click: () => store.set({ community: undefined, focus: undefined }) } }, '← Whole ecosystem'),
    );
    if (s.community !== undefined) {
      crumbs.push(h('span', { class: 'crumb-sep' }, '›'));
      crumbs.push(
        h(
          'span',
          { class: `crumb ${s.focus === undefined ? 'crumb-current' : ''}`, id: 'crumb-community' },
          `Community ${s.community}`,
          h('button', { class: 'x', type: 'button', title: 'Close this community', on: { click: () => store.set({ community: undefined }) } }, '×'),
        ),
      );
    }
    if (s.focus !== undefined) {
      crumbs.push(h('span', { class: 'crumb-sep' }, '›'));
      crumbs.push(
        h(
          'span',
          { class: 'crumb crumb-current', id: 'crumb-focus' },
          `Ego network of ${catalog.name(s.focus)} · ${fmt.plural(s.depth, 'hop')}`,
          h('button', { class: 'x', type: 'button', title: 'Leave the ego view', on: { click: () => store.set({ focus: undefined }) } }, '×'),
        ),
      );
    }
    replace(root, crumbs);
  };
  store.subscribe((next, prev) => {
    if (next.community !== prev.community || next.focus !== prev.focus || next.depth !== prev.depth) render();
  });
  map.onChange(render, { dataOnly: true });
  render();
}

export function mountMapControls(root: HTMLElement, app: App): void {
  const camera = app.map.view.renderer.getCamera();
  replace(
    root,
    h('button', { type: 'button', title: 'Zoom in', 'aria-label': 'Zoom in', on: { click: () => void camera.animatedZoom({ duration: 250 }) } }, '+'),
    h('button', { type: 'button', title: 'Zoom out', 'aria-label': 'Zoom out', on: { click: () => void camera.animatedUnzoom({ duration: 250 }) } }, '−'),
    h('button', { type: 'button', title: 'Fit the map', 'aria-label': 'Fit the map', on: { click: () => app.map.view.resetCamera() } }, '⤢'),
    h('button', { type: 'button', id: 'map-png', title: 'Save the map view as a PNG image', 'aria-label': 'Save the map as PNG', on: { click: () => void saveMapPng(app.map.view.renderer).catch((error: unknown) => alert(`Saving the map failed: ${String(error)}`)) } }, '⤓'),
  );
}

export function mountStatusBar(root: HTMLElement, app: App): void {
  const { map } = app;
  const render = () => {
    const snap = map.snapshot;
    const counts = snap?.counts;
    const highlight = map.currentHighlight;
    const highlighted = map.highlightedOnMap();
    root.dataset['partners'] = String(counts?.partners ?? 0);
    root.dataset['customers'] = String(counts?.customers ?? 0);
    root.dataset['communities'] = String(counts?.communities ?? 0);
    root.dataset['highlighted'] = String(highlighted);
    root.dataset['loading'] = String(map.loading);
    const shown =
      counts === undefined
        ? 'No map yet'
        : counts.communities > 0
          ? `${fmt.plural(counts.communities, 'community', 'communities')} · ${fmt.int(snap?.response.totalNodes ?? 0)} nodes inside · click one to open it`
          : `${fmt.plural(counts.partners, 'partner')} · ${fmt.plural(counts.customers, 'customer')} shown`;
    replace(
      root,
      h(
        'span',
        { id: 'status-counts', title: snap === null ? '' : `${fmt.plural(counts?.edges ?? 0, 'link')} · store version ${snap.response.version} · loaded in ${Math.round(snap.loadMs)} ms` },
        map.loading ? 'Loading…' : shown,
      ),
      snap?.response.layoutPending && h('span', { class: 'pending', title: 'The server is still refining positions' }, 'Layout refining…'),
      highlight !== null && h('span', { class: 'hl', id: 'status-highlight' }, h('b', null, fmt.int(highlighted)), ` highlighted · ${highlight.label}`),
    );
  };
  map.onChange(render);
  render();
}
