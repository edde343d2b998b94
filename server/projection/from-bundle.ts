/**
 * Projects a bundle into the lean analytics graph and its catalogue: the
 * store's whole export when the projection is built, or one committed write
 * when it is kept current in place.
 */
import type { Bundle } from '../schemas/bundle.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph, type RelationshipSpec } from './build.js';
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
  for (const r of bundle.relationships) addRelationship(graph, r);
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
    const kept = list.filter((i) => !incoming.has(i.id));
    list.length = 0;
    for (const item of [...kept, ...items]) list.push(item);
  };
  replaceById(catalogue.deals, bundle.deals);
  replaceById(catalogue.solutions, bundle.solutions);
}
