/** Projects a bundle (the store's export) into the lean analytics graph and its catalogue. */
import type { Bundle } from '../schemas/bundle.js';
import { addCustomer, addPartner, addRelationship, createEcoGraph } from './build.js';
import type { EcoCatalogue, EcoGraph } from './types.js';

export function projectBundle(bundle: Bundle): { graph: EcoGraph; catalogue: EcoCatalogue } {
  const graph = createEcoGraph();
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
  for (const r of bundle.relationships) {
    addRelationship(graph, { from: r.from, to: r.to, type: r.type, ...(r.type === 'SERVES' ? { role: r.role, ...(r.annualValue === undefined ? {} : { annualValue: r.annualValue }) } : {}) });
  }
  const catalogue: EcoCatalogue = {
    capabilities: new Map(bundle.capabilities.map((c) => [c.id, { name: c.name, ...(c.category === undefined ? {} : { category: c.category }) }])),
    regions: bundle.regions.map((r) => r.id),
    segments: bundle.segments.map((s) => s.id),
    deals: bundle.deals.map((d) => ({ ...d, partners: d.partners.map((p) => ({ ...p })) })),
    solutions: bundle.solutions,
  };
  return { graph, catalogue };
}
