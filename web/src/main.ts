/** Composition root: builds the store, the map and the panels, and wires them together. */
import { Catalog } from './api/catalog.js';
import { api, errorMessage } from './api/client.js';
import { App } from './app.js';
import { byId, h, replace } from './dom.js';
import { MapController } from './map/controller.js';
import { RiskLayer } from './map/risks.js';
import { DealsPanel } from './panels/deals.js';
import { DetailsPanel } from './panels/details.js';
import { mountFilters } from './panels/filters.js';
import { GapsPanel } from './panels/gaps.js';
import { HealthPanel } from './panels/health.js';
import { ProgramsPanel } from './panels/programs.js';
import { ConflictsPanel } from './panels/conflicts.js';
import { mountLegend } from './panels/legend.js';
import { mountEmptyEcosystem } from './panels/empty.js';
import { mountBreadcrumb, mountMapControls, mountStatusBar } from './panels/map-chrome.js';
import { renderOverview } from './panels/overview.js';
import { ReportsPanel } from './panels/reports.js';
import { SolutionsPanel } from './panels/solutions.js';
import { ImportPanel } from './panels/import.js';
import { createSearchBox } from './panels/search.js';
import { mountPartnerApp, whoAmI } from './panels/sharing.js';
import { Store, VIEWS, mapQuery, type View } from './state.js';

const VIEW_LABELS: Record<View, string> = { explore: 'Explore', gaps: 'Gaps', deals: 'Deal builder', health: 'Health', programs: 'Programs', solutions: 'Solutions', conflicts: 'Conflicts', reports: 'Reports', import: 'Import' };

async function main(): Promise<void> {
  const shell = byId('app');
  const panel = byId('panel');
  replace(panel, h('div', { class: 'state state-loading' }, h('span', { class: 'spinner' }), 'Loading…'));
  // The map is the page's heaviest request: asked first, so the server computes it while the page checks
  // the store and sets up WebGL, and before the panels' requests queue up at the server.
  const store = new Store();
  const firstMap = api.map(mapQuery(store.state, store.state.budget));
  // Unused on an empty store or for a partner key; a failure is reported by the map's load, which awaits it.
  firstMap.catch(() => undefined);
  // An empty store has nothing to map or analyse: say how to fill it instead. If the check fails, the views report their own errors.
  // A partner key sees its account mapping, not the vendor's map.
  const checks = Promise.all([api.health().then((health) => health.counts, () => null), whoAmI().catch(() => null)]);
  const catalog = new Catalog();

  // Set up meanwhile: sigma's WebGL contexts and programs take a good half second on software WebGL.
  // eslint-disable-next-line prefer-const -- the map's click handler needs the app, which needs the map
  let app: App;
  const map = new MapController(byId('map'), byId('map-overlay'), store, catalog, {
    nodeClick: (id, kind, community) => {
      // "Other communities" (community -1) groups the smallest ones: there is no single community to open.
      if (kind === 'community') {
        if (community >= 0) store.set({ community, selected: undefined, focus: undefined });
      }
      else app.select(id);
    },
    stageClick: () => {
      if (store.state.view === 'explore' && store.state.selected !== undefined) store.set({ selected: undefined });
    },
  });
  const [counts, me] = await checks;
  if (counts !== null && counts.partners === 0 && counts.customers === 0) {
    map.view.kill();
    mountEmptyEcosystem({ overlay: byId('map-overlay'), panel, status: byId('statusbar'), chip: byId('health-chip') });
    // The first import happens here too; once it has written, the app starts over on the data.
    const importer = h('div', { id: 'import-view' });
    panel.append(importer);
    new ImportPanel(importer, () => location.reload()).render();
    return;
  }
  if (me?.role === 'partner' && me.partner !== undefined) {
    map.view.kill();
    await mountPartnerApp({ overlay: byId('map-overlay'), panel, tabs: byId('tabs'), status: byId('statusbar') }, me.partner);
    return;
  }
  app = new App(store, catalog, map);
  const risks = new RiskLayer(app);

  // Sigma only watches the window; the map also changes size when the side panel widens.
  new ResizeObserver(() => map.view.renderer.refresh()).observe(byId('map'));

  const details = new DetailsPanel(panel, app, (root) => renderOverview(root, app));
  const gaps = new GapsPanel(panel, app, risks);
  const deals = new DealsPanel(panel, app);
  const health = new HealthPanel(panel, byId('health-chip'), app);
  const programs = new ProgramsPanel(panel, app);
  const reports = new ReportsPanel(panel, app);
  // After an import, the map is read again and shown.
  const importer = new ImportPanel(panel, () => {
    store.set({ view: 'explore' });
    void map.load();
  });
  const solutions = new SolutionsPanel(panel, app);
  const panels: Record<View, { render(): void }> = { explore: details, gaps, deals, health, programs, solutions, conflicts: new ConflictsPanel(panel, app), reports, import: importer };

  const tabs = byId('tabs');
  const renderTabs = () =>
    replace(
      tabs,
      VIEWS.map((v) =>
        h('button', { type: 'button', role: 'tab', id: `tab-${v}`, 'aria-selected': String(store.state.view === v), on: { click: () => store.set({ view: v }) } }, VIEW_LABELS[v]),
      ),
    );
  store.subscribe((next, prev) => {
    if (next.view !== prev.view) {
      shell.dataset['view'] = next.view;
      renderTabs();
      // Each view starts at its top, not at the scroll position the last one was left at.
      panel.scrollTop = 0;
    }
  });
  shell.dataset['view'] = store.state.view;
  renderTabs();

  const searchInput = createSearchBox({
    placeholder: 'Search partners, customers, capabilities…  ( / )',
    catalog,
    id: 'search-input',
    onPick: (r) => app.select(r.id, { reveal: true }),
    // A capability filters the map to the partners holding it and the customers needing it.
    onCapability: (id) => store.set({ capability: id, view: 'explore', selected: undefined }),
  });
  byId('search').append(searchInput);
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
    if (e.key === '/') {
      e.preventDefault();
      byId<HTMLInputElement>('search-input').focus();
    } else if (e.key === 'Escape' && store.state.selected !== undefined) {
      store.set({ selected: undefined });
    }
  });

  mountFilters(byId('filters'), app);
  mountLegend(byId('legend'), app);
  mountBreadcrumb(byId('breadcrumb'), app);
  mountMapControls(byId('map-controls'), app);
  mountStatusBar(byId('statusbar'), app);

  // Reference lists name capabilities, regions and segments everywhere; the map loads alongside.
  void catalog.loadReference().catch((error: unknown) => console.warn(`web/main: reference lists failed: ${errorMessage(error)}`)).finally(() => panels[store.state.view].render());
  void map.load({ response: firstMap }).then(() => {
    const selected = store.state.selected;
    if (selected !== undefined && store.state.cam === undefined) void app.reveal(selected);
  });
  void risks.sync();
  // A handle for the browser console and end-to-end tests (e.g. reading sigma's display data).
  (window as unknown as { ecograph: unknown }).ecograph = { app, renderer: map.view.renderer, labels: () => map.view.drawnLabels() };
}

void main();
