/**
 * What panels share: the state store, names, the map, and the rules for
 * selecting a node and for which view's highlight the map shows.
 */
import { api, errorMessage } from './api/client.js';
import type { Catalog } from './api/catalog.js';
import type { MapController } from './map/controller.js';
import type { Highlight } from './map/highlight.js';
import type { Store, View } from './state.js';

export class App {
  /** Each view keeps its own highlight; the map shows the current view's. */
  private readonly highlights = new Map<View, Highlight | null>();
  private readonly transient = new Map<View, Highlight | null>();
  /** A node to fly to once it is on the map (after a drill-down reload). */
  private pendingReveal: string | null = null;

  constructor(
    readonly store: Store,
    readonly catalog: Catalog,
    readonly map: MapController,
  ) {
    store.subscribe((next, prev) => {
      if (next.view !== prev.view) this.applyHighlight();
    });
    map.onChange(() => {
      if (this.pendingReveal !== null && !map.loading && map.view.hasNode(this.pendingReveal)) {
        const id = this.pendingReveal;
        this.pendingReveal = null;
        void map.view.flyTo(id);
      }
    });
  }

  /** A view's standing highlight (its selection, a gap cell, a team). */
  setHighlight(view: View, highlight: Highlight | null): void {
    this.highlights.set(view, highlight);
    if (view === this.store.state.view) this.applyHighlight();
  }

  /** A preview over the standing highlight while the pointer rests on something (an introduction). */
  preview(view: View, highlight: Highlight | null): void {
    this.transient.set(view, highlight);
    if (view === this.store.state.view) this.applyHighlight();
  }

  private applyHighlight(): void {
    const view = this.store.state.view;
    this.map.setHighlight(this.transient.get(view) ?? this.highlights.get(view) ?? null);
  }

  /** Opens a node's details. `reveal` also brings it into view, drilling into its community when the map is aggregated. */
  select(id: string, options: { reveal?: boolean } = {}): void {
    this.store.set({ selected: id, view: 'explore' });
    if (options.reveal) void this.reveal(id);
  }

  async reveal(id: string): Promise<'shown' | 'drilled' | 'absent'> {
    if (this.map.view.hasNode(id)) {
      await this.map.view.flyTo(id);
      return 'shown';
    }
    const snapshot = this.map.snapshot;
    if (snapshot?.response.aggregated) {
      try {
        const metrics = await api.metrics(id);
        this.pendingReveal = id;
        this.store.set({ community: metrics.community });
        return 'drilled';
      } catch (error) {
        console.warn(`web/app: cannot locate ${id}: ${errorMessage(error)}`);
      }
    }
    return 'absent';
  }
}
