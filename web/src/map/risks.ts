/**
 * Risk markers on the map: brokers the ecosystem depends on, single points of
 * failure and articulation points, from the structural part of /api/gaps.
 * Shown in the gaps view, or anywhere when the user turns them on.
 */
import type { StructuralGaps } from '../../../server/schemas/analytics.js';
import { api, errorMessage } from '../api/client.js';
import type { App } from '../app.js';
import type { RiskMarker } from './renderer.js';

/** Rings are for the few nodes that matter most; a map full of rings says nothing. */
const MAX_BROKERS = 15;
const MAX_ARTICULATION = 30;

export function riskMarkers(s: StructuralGaps): Map<string, RiskMarker> {
  const markers = new Map<string, RiskMarker>();
  for (const id of s.articulationPoints.slice(0, MAX_ARTICULATION)) markers.set(id, 'articulation');
  for (const spof of s.singlePointsOfFailure) markers.set(spof.partnerId, 'spof');
  for (const id of s.brokers.slice(0, MAX_BROKERS)) markers.set(id, 'broker');
  return markers;
}

export class RiskLayer {
  private structural: StructuralGaps | null = null;
  private version = -1;
  private loading: Promise<void> | null = null;

  constructor(private readonly app: App) {
    app.store.subscribe((next, prev) => {
      if (next.risks !== prev.risks || next.view !== prev.view) void this.sync();
    });
    app.map.onChange(() => void this.sync(), { dataOnly: true });
  }

  private get wanted(): boolean {
    return this.app.store.state.risks || this.app.store.state.view === 'gaps';
  }

  /** The gaps panel hands over what it already fetched, saving a request. */
  provide(structural: StructuralGaps): void {
    this.structural = structural;
    this.version = this.app.map.snapshot?.response.version ?? -1;
    void this.sync();
  }

  async sync(): Promise<void> {
    if (!this.wanted) {
      this.app.map.setMarkers(new Map());
      return;
    }
    const version = this.app.map.snapshot?.response.version ?? -1;
    if (this.structural === null || this.version !== version) {
      this.loading ??= api
        .gaps({ limit: 1 })
        .then((g) => {
          this.structural = g.structural;
          this.version = version;
        })
        .catch((error: unknown) => console.warn(`web/map/risks: ${errorMessage(error)}`))
        .finally(() => {
          this.loading = null;
        });
      await this.loading;
    }
    if (this.structural !== null && this.wanted) this.app.map.setMarkers(riskMarkers(this.structural));
  }
}
