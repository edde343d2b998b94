/**
 * Data for the map: loads /api/map whenever the map part of the view state
 * changes, swaps it into the renderer, keeps the camera in the URL, and tells
 * the rest of the page what is on the map now.
 */
import type { MapResponse } from '../../../server/schemas/analytics.js';
import { api, errorMessage, isAbort } from '../api/client.js';
import type { Catalog } from '../api/catalog.js';
import { h, replace, ui } from '../dom.js';
import { NO_FILTERS, activeFilters, mapQuery, mapQueryChanged, type Store } from '../state.js';
import { toGraphData, visibleCounts, type VisibleCounts } from './graph.js';
import { countOnMap, type Highlight } from './highlight.js';
import { MapView, type RiskMarker } from './renderer.js';

/** While the server refines its layout, the map re-fetches positions after 1.5 s, 3 s, 6 s… up to every 30 s. */
const REFINE_FIRST_MS = 1500;
const REFINE_MAX_MS = 30_000;

export interface MapSnapshot {
  response: MapResponse;
  counts: VisibleCounts;
  /** Milliseconds from the request to the frame with the new data, links included. */
  loadMs: number;
}

export class MapController {
  readonly view: MapView;
  snapshot: MapSnapshot | null = null;
  loading = false;
  error: string | null = null;
  private highlight: Highlight | null = null;
  private inflight: AbortController | null = null;
  private firstLoad = true;
  private refineTimer: ReturnType<typeof setTimeout> | undefined;
  private refineDelay = REFINE_FIRST_MS;
  private readonly listeners = new Set<{ listener: () => void; dataOnly: boolean }>();

  constructor(
    container: HTMLElement,
    private readonly overlay: HTMLElement,
    private readonly store: Store,
    private readonly catalog: Catalog,
    events: { nodeClick(id: string, kind: string, community: number): void; stageClick(): void },
  ) {
    this.view = new MapView(container, {
      nodeClick: (id, attrs) => events.nodeClick(id, attrs.kind, Number(attrs['community'] ?? 0)),
      stageClick: () => events.stageClick(),
      cameraChange: (cam) => {
        if (this.loading) return;
        this.store.set({ cam: `${cam.x.toFixed(4)},${cam.y.toFixed(4)},${cam.ratio.toFixed(4)}` }, 'replace');
      },
    });
    store.subscribe((next, prev) => {
      if (mapQueryChanged(prev, next) || prev.budget !== next.budget) void this.load();
    });
  }

  /**
   * Called when a load starts or ends, and (unless `dataOnly`) when the
   * highlight changes: the status bar and panels re-read the snapshot.
   */
  onChange(listener: () => void, options: { dataOnly?: boolean } = {}): () => void {
    const entry = { listener, dataOnly: options.dataOnly ?? false };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  private emit(kind: 'data' | 'highlight' = 'data'): void {
    for (const { listener, dataOnly } of this.listeners) if (kind === 'data' || !dataOnly) listener();
  }

  /**
   * Loads the map for the current state. `refine` is the quiet re-fetch while
   * the server is still refining its layout: no spinner, and the camera stays
   * where the user put it. `response` is the answer to a request already
   * made for the current state (the page asks for the first map early).
   */
  async load(options: { refine?: boolean; response?: Promise<MapResponse> } = {}): Promise<void> {
    this.inflight?.abort();
    clearTimeout(this.refineTimer);
    const controller = new AbortController();
    this.inflight = controller;
    this.loading = true;
    this.error = null;
    if (options.refine !== true) {
      this.refineDelay = REFINE_FIRST_MS;
      this.showOverlay(ui.loading('the ecosystem map'));
    }
    this.emit();
    const started = performance.now();
    try {
      const state = this.store.state;
      const response = await (options.response ?? api.map(mapQuery(state, state.budget), controller.signal));
      // A request made before this load cannot be aborted with it: a newer load supersedes it here.
      controller.signal.throwIfAborted();
      // Marks of each step of a load, for the benchmark (`npm run bench:map` prints the first map's).
      performance.mark('map:response');
      const data = toGraphData(response);
      for (const n of data.nodes) {
        const a = n.attributes;
        if (a.kind !== 'community') this.catalog.learn(n.key, { label: String(a['name'] ?? a.label), kind: a.kind, types: (a['types'] as string[]) ?? [] });
      }
      performance.mark('map:data');
      const linked = this.view.setData(data, { keepFrame: options.refine === true });
      performance.mark('map:drawn');
      if (options.refine !== true) this.restoreCamera();
      this.snapshot = { response, counts: visibleCounts(data), loadMs: 0 };
      await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
      // With the links drawn by then: none on a big new map, whose links come a frame later.
      performance.mark('map:frame', { detail: { links: this.view.graph.size } });
      if (response.nodes.length === 0) this.showOverlay(this.nothingShown());
      else this.hideOverlay();
      const dataset = this.view.renderer.getContainer().dataset;
      // Milliseconds from navigation start to the first frame of a map (the benchmark reads it).
      dataset['firstRenderMs'] ??= String(Math.round(performance.now()));
      // A big map's links come a frame after its nodes: the map is ready once they are drawn.
      await linked;
      controller.signal.throwIfAborted();
      performance.mark('map:linked', { detail: { links: this.view.graph.size } });
      this.snapshot.loadMs = performance.now() - started;
      this.loading = false;
      dataset['ready'] = String(response.version);
      if (response.layoutPending) {
        this.refineTimer = setTimeout(() => void this.load({ refine: true }), this.refineDelay);
        this.refineDelay = Math.min(REFINE_MAX_MS, this.refineDelay * 2);
      }
    } catch (error) {
      if (isAbort(error)) return;
      this.loading = false;
      this.error = errorMessage(error);
      this.showOverlay(ui.error(`The map could not be loaded: ${this.error}`, () => void this.load()));
    } finally {
      if (this.inflight === controller) this.inflight = null;
    }
    this.emit();
  }

  /** A shared link restores the sender's camera once; later loads (new filters) frame the new view. */
  private restoreCamera(): void {
    const cam = this.store.state.cam;
    if (this.firstLoad && cam !== undefined) {
      const [x, y, ratio] = cam.split(',').map(Number) as [number, number, number];
      this.view.setCamera({ x, y, ratio });
    } else if (!this.firstLoad) {
      this.view.resetCamera(false);
    }
    this.firstLoad = false;
  }

  setHighlight(highlight: Highlight | null): void {
    this.highlight = highlight;
    this.view.setHighlight(highlight);
    this.emit('highlight');
  }

  get currentHighlight(): Highlight | null {
    return this.highlight;
  }

  highlightedOnMap(): number {
    return this.highlight === null ? 0 : countOnMap(this.highlight, (id) => this.view.hasNode(id));
  }

  setMarkers(markers: ReadonlyMap<string, RiskMarker>): void {
    this.view.setMarkers(markers);
  }

  /** An empty map says why, instead of a blank canvas. */
  private nothingShown(): HTMLElement {
    const filtered = activeFilters(this.store.state) > 0 || this.store.state.focus !== undefined;
    return h(
      'div',
      { class: 'state state-empty', id: 'map-empty' },
      filtered ? 'Nothing matches these filters.' : 'Nothing to show on the map.',
      filtered && h('button', { class: 'btn btn-small', type: 'button', id: 'map-empty-clear', on: { click: () => this.store.set({ ...NO_FILTERS, focus: undefined }) } }, 'Clear filters'),
    );
  }

  private showOverlay(content: HTMLElement): void {
    this.overlay.hidden = false;
    replace(this.overlay, h('div', null, content));
  }

  private hideOverlay(): void {
    this.overlay.hidden = true;
    this.overlay.replaceChildren();
  }
}
