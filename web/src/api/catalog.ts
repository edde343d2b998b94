/**
 * Names for ids. Analytics answer with ids (partners, customers, capabilities,
 * regions); panels show names. Names are learnt from every response that
 * carries them (map, search, neighbourhoods), and the few still unknown are
 * fetched on demand (a partner outside the current map, say).
 */
import type { Capability } from '../../../server/schemas/model.js';
import { ApiError, api } from './client.js';

export interface NodeInfo {
  label: string;
  kind: 'partner' | 'customer' | 'community' | 'capability' | 'region' | 'segment';
  types: readonly string[];
}

const MAX_PARALLEL_LOOKUPS = 6;

export class Catalog {
  readonly capabilities = new Map<string, Capability>();
  readonly regions = new Map<string, string>();
  readonly segments = new Map<string, string>();
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly listeners = new Set<() => void>();

  async loadReference(): Promise<void> {
    const [capabilities, regions, segments] = await Promise.all([api.capabilities(), api.regions(), api.segments()]);
    for (const c of capabilities) this.capabilities.set(c.id, c);
    for (const r of regions) this.regions.set(r.id, r.name ?? r.id);
    for (const s of segments) this.segments.set(s.id, s.name ?? s.id);
    for (const listener of this.listeners) listener();
  }

  learn(id: string, info: NodeInfo): void {
    this.nodes.set(id, info);
  }

  node(id: string): NodeInfo | undefined {
    return this.nodes.get(id);
  }

  name(id: string): string {
    return this.nodes.get(id)?.label ?? id;
  }

  capability(id: string): string {
    return this.capabilities.get(id)?.name ?? id;
  }

  region(id: string): string {
    return this.regions.get(id) ?? id;
  }

  segment(id: string): string {
    return this.segments.get(id) ?? id;
  }

  /** Called when names arrive, so panels showing raw ids can re-render. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fetches names of partners or customers not seen yet; failures leave the id showing. */
  async ensure(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.nodes.has(id) && !this.pending.has(id));
    if (missing.length === 0) return;
    const queue = [...missing];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const job = this.lookup(id);
        this.pending.set(id, job);
        await job;
        this.pending.delete(id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL_LOOKUPS, missing.length) }, worker));
    for (const listener of this.listeners) listener();
  }

  private async lookup(id: string): Promise<void> {
    try {
      const p = await api.partner(id);
      this.learn(id, { label: p.name, kind: 'partner', types: p.types });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) return;
      try {
        const c = await api.customer(id);
        this.learn(id, { label: c.name, kind: 'customer', types: [] });
      } catch {
        // Unknown to both: the panel keeps showing the id.
      }
    }
  }
}
