/**
 * Projects a bundle into the lean analytics graph and its catalogue: the
 * store's whole export when the projection is built, or one committed write
 * (or delete) when it is kept current in place.
 */
import type { Bundle } from '../schemas/bundle.js';
import type { RelationshipType } from '../schemas/model.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph, removeRelationship, type RelationshipSpec } from './build.js';
import type { EcoCatalogue, EcoGraph } from './types.js';

/** A bundle, or the store's lean read for the projection (relationships without their provenance). */
export type ProjectionSource = Omit<Bundle, 'relationships'> & { relationships: RelationshipSpec[] };

export function projectBundle(bundle: ProjectionSource): { graph: EcoGraph; catalogue: EcoCatalogue } {
  const projected = { graph: createEcoGraph(), catalogue: { capabilities: new Map(), regions: [], segments: [], deals: [], solutions: [] } };
  applyBundle(projected.graph, projected.catalogue, bundle);
  return projected;
}

/** Upserts a bundle's records into a projection: new records are added, known ones replaced, relationships merged. */
export function applyBundle(graph: EcoGraph, catalogue: EcoCatalogue, bundle: ProjectionSource): void {
  for (const p of bundle.partners) {
    addPartner(graph, {
      id: p.id,
      label: p.name,
      types: p.types,
      tier: p.tier,
      regions: p.regions,
      segments: p.segments,
      capabilities: Object.fromEntries(p.capabilities.map((c) => [c.id, { level: c.level, certified: c.certified }])),
      lifecycle: p.lifecycle,
    });
  }
  for (const c of bundle.customers) {
    addCustomer(graph, { id: c.id, label: c.name, segment: c.segment, region: c.region, needs: c.needs, ...(c.industry === undefined ? {} : { industry: c.industry }) });
  }
  // Both ends are in the graph but for a write applied to a read of the store that a later write's delete reached
  // first: that later write drops the relationship anyway.
  for (const r of bundle.relationships) if (graph.hasNode(r.from) && graph.hasNode(r.to)) addRelationship(graph, r);
  for (const c of bundle.capabilities) catalogue.capabilities.set(c.id, { name: c.name, ...(c.category === undefined ? {} : { category: c.category }) });
  const addNew = (list: string[], ids: string[]) => {
    if (ids.length === 0) return;
    const known = new Set(list);
    for (const id of ids) {
      if (known.has(id)) continue;
      known.add(id);
      list.push(id);
    }
  };
  addNew(catalogue.regions, [...bundle.regions.map((r) => r.id), ...new Set(bundle.partners.flatMap((p) => p.regions))]);
  addNew(catalogue.segments, [...bundle.segments.map((s) => s.id), ...new Set(bundle.partners.flatMap((p) => p.segments))]);
  const replaceById = <T extends { id: string }>(list: T[], items: T[]) => {
    // A write without any leaves the list alone: at 100,000 partners it is long, and a write is a row or two.
    if (items.length === 0) return;
    const incoming = new Set(items.map((i) => i.id));
    refill(list, [...list.filter((i) => !incoming.has(i.id)), ...items]);
  };
  replaceById(catalogue.deals, bundle.deals);
  replaceById(catalogue.solutions, bundle.solutions);
}

/**
 * What a committed delete removed from the store. A capability's delete is
 * not among them: any number of partners and customers hold or need one, so
 * the projection is read again instead.
 */
export type ProjectionDeletion =
  | { section: 'partners' | 'customers' | 'deals' | 'solutions'; id: string }
  | { section: 'relationships'; from: string; to: string; type: RelationshipType; role?: string };

/**
 * Removes from a projection what a delete removed from the store: a partner
 * with its relationships and its part in deals and solutions, a customer
 * with its relationships and its deals (the store deletes them with it), a
 * deal, a solution, or one or more relationships of a pair.
 */
export function applyDeletion(graph: EcoGraph, catalogue: EcoCatalogue, deletion: ProjectionDeletion): void {
  if (deletion.section === 'relationships') return removeRelationship(graph, deletion);
  const { id } = deletion;
  const { deals, solutions } = catalogue;
  if ((deletion.section === 'partners' || deletion.section === 'customers') && graph.hasNode(id)) graph.dropNode(id);
  if (deletion.section === 'partners') {
    refill(deals, deals.map((deal) => (deal.partners.some((p) => p.partner === id) ? { ...deal, partners: deal.partners.filter((p) => p.partner !== id) } : deal)));
    refill(solutions, solutions.map((solution) => (solution.partners.includes(id) ? { ...solution, partners: solution.partners.filter((p) => p !== id) } : solution)));
  }
  if (deletion.section === 'customers') refill(deals, deals.filter((deal) => deal.customer !== id));
  if (deletion.section === 'deals') refill(deals, deals.filter((deal) => deal.id !== id));
  if (deletion.section === 'solutions') refill(solutions, solutions.filter((solution) => solution.id !== id));
}

/** Gives `list` these items, in place: the catalogue's lists are shared with whoever holds the projection. */
function refill<T>(list: T[], items: T[]): void {
  list.length = 0;
  for (const item of items) list.push(item);
}
