/**
 * What a partner key may see, computed in one place: the partner's own
 * corner of the projection plus what the other partners share with it, as a
 * graph of its own (the "visible subgraph") that the scoped routes answer
 * from. Built once per store version and partner, from the projection and
 * the sharing settings.
 *
 * A partner P sees
 * - P, its relationships and the partners and customers at their other ends;
 * - each partner Q that shares more than `hidden` with it: Q's profile (name,
 *   types, tier, capabilities, regions, segments; never its lifecycle);
 * - at `overlaps`: Q's SERVES relationships with the customers P serves too,
 *   without their annual values;
 * - at `everything`: every relationship of Q, with the nodes at their ends;
 * - the deals P takes part in, with their customers and other partners.
 */
import { createEcoGraph } from '../projection/build.js';
import type { ProjectionService } from '../projection/service.js';
import type { EcoEdge, EcoGraph, Projection } from '../projection/types.js';
import type { GraphStore } from '../store/graph-store.js';
import { PRODUCT_DEFAULT_LEVEL, type AccountMappingEntry, type AccountMappingResponse, type SharingLevel, type SharingSettings } from '../schemas/sharing.js';

export interface PartnerView {
  partner: string;
  /** What each other partner shares with this one, for every one that shares more than nothing. */
  shared: Map<string, SharingLevel>;
  /** The visible subgraph: introductions and deal teams for a partner key are computed on it. */
  graph: EcoGraph;
  /** The deals the partner takes part in. */
  deals: Set<string>;
  /** The customers it may read: those in the visible subgraph and those of its deals. */
  customers: Set<string>;
}

/** The level a partner's settings give another partner: the level it named, else its default, else the product's. */
export function levelFor(settings: { default?: SharingLevel; partners?: Record<string, SharingLevel> } | null, other: string): SharingLevel {
  return settings?.partners?.[other] ?? settings?.default ?? PRODUCT_DEFAULT_LEVEL;
}

/** The ids of the customers a node serves (a partner) in the projection. */
export function customersOf(graph: EcoGraph, id: string): string[] {
  if (!graph.hasNode(id)) return [];
  return graph.filterNeighbors(id, (_n, attributes) => attributes.kind === 'customer');
}

/** Builds a partner's view from the projection and what the others share with it (pure). */
export function buildPartnerView(projection: Projection, partner: string, shared: Map<string, SharingLevel>): PartnerView {
  const whole = projection.graph;
  const graph = createEcoGraph();
  const addNode = (id: string) => {
    if (graph.hasNode(id)) return;
    const attributes = whole.getNodeAttributes(id);
    // Lifecycle stages are programme data the partner keeps to itself.
    graph.addNode(id, attributes.kind === 'partner' && id !== partner ? { ...attributes, lifecycle: {} } : attributes);
  };
  const addEdge = (edge: string, attributes: EcoEdge = whole.getEdgeAttributes(edge)) => {
    const [source, target] = whole.extremities(edge);
    addNode(source);
    addNode(target);
    if (!graph.hasEdge(source, target)) graph.addEdge(source, target, attributes);
  };
  const present = whole.hasNode(partner);
  if (present) {
    addNode(partner);
    whole.forEachEdge(partner, (edge) => addEdge(edge));
  }
  const mine = new Set(customersOf(whole, partner));
  const visibleShared = new Map<string, SharingLevel>();
  for (const [other, level] of shared) {
    if (level === 'hidden' || other === partner || !whole.hasNode(other) || whole.getNodeAttribute(other, 'kind') !== 'partner') continue;
    visibleShared.set(other, level);
    addNode(other);
    if (level === 'everything') whole.forEachEdge(other, (edge) => addEdge(edge));
    else if (level === 'overlaps') {
      whole.forEachEdge(other, (edge, attributes, source, target) => {
        if (!mine.has(source === other ? target : source)) return;
        // The customer, not what it is worth to the other partner.
        addEdge(edge, attributes.relationships === undefined ? { ...attributes, value: 0 } : { ...attributes, value: 0, relationships: attributes.relationships.map((r) => ({ ...r, value: 0 })) });
      });
    }
  }
  const deals = new Set<string>();
  const customers = new Set(graph.filterNodes((_id, attributes) => attributes.kind === 'customer'));
  for (const deal of projection.catalogue.deals) {
    if (!deal.partners.some((p) => p.partner === partner)) continue;
    deals.add(deal.id);
    customers.add(deal.customer);
  }
  return { partner, shared: visibleShared, graph, deals, customers };
}

/**
 * Account mapping as the partner of `view` sees it: per partner that shares
 * with it, the customers in common (counted, or named from `overlaps` up) and,
 * at `everything`, all its customers and partners; `own` gives what the
 * partner shares back. Read from the whole projection `graph` (pure).
 */
export function accountMapping(graph: EcoGraph, view: PartnerView, own: SharingSettings | null): AccountMappingResponse {
  const named = (ids: Iterable<string>) => [...ids].sort().map((id) => ({ id, name: graph.getNodeAttribute(id, 'label') }));
  const mine = new Set(customersOf(graph, view.partner));
  const partners: AccountMappingEntry[] = [];
  for (const [other, level] of view.shared) {
    const theirs = customersOf(graph, other);
    const overlaps = theirs.filter((c) => mine.has(c));
    partners.push({
      partnerId: other,
      name: graph.getNodeAttribute(other, 'label'),
      level,
      youShare: levelFor(own, other),
      overlapCount: overlaps.length,
      ...(level === 'overlaps' || level === 'everything' ? { overlaps: named(overlaps) } : {}),
      ...(level === 'everything' ? { customers: named(theirs), partners: named(graph.filterNeighbors(other, (_n, a) => a.kind === 'partner')) } : {}),
    });
  }
  partners.sort((a, b) => b.overlapCount - a.overlapCount || (a.partnerId < b.partnerId ? -1 : 1));
  return { partnerId: view.partner, partners };
}

/** Partner views, kept for the projection's version. */
export class VisibilityService {
  private version = -1;
  private views = new Map<string, Promise<PartnerView>>();

  constructor(
    private readonly store: GraphStore,
    private readonly projection: ProjectionService,
  ) {}

  async view(partner: string): Promise<PartnerView> {
    const { projection } = await this.projection.current();
    if (projection.version !== this.version) {
      this.views.clear();
      this.version = projection.version;
    }
    let view = this.views.get(partner);
    if (view === undefined) {
      view = this.build(projection, partner);
      this.views.set(partner, view);
      // A failed read is not kept: the next request tries again.
      view.catch(() => this.views.delete(partner));
    }
    return view;
  }

  private async build(projection: Projection, partner: string): Promise<PartnerView> {
    const { levels, defaults } = await this.store.sharingToward(partner);
    const shared = new Map<string, SharingLevel>();
    for (const [other, level] of defaults) shared.set(other, level);
    for (const [other, level] of levels) shared.set(other, level);
    return buildPartnerView(projection, partner, shared);
  }
}
