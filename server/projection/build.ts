/**
 * Writing store records into a projection graph. The projection builder and
 * the analytics tests both use these, so hand-built test graphs have exactly
 * the shape of real ones.
 */
import { UndirectedGraph } from 'graphology';
import { RELATIONSHIP_TYPES, type CapabilityLevel, type LifecycleStage, type PartnerType, type RelationshipType } from '../schemas/model.js';
import type { CustomerNode, EcoEdge, EcoGraph, PartnerNode, RelationshipFact } from './types.js';

export function createEcoGraph(): EcoGraph {
  return new UndirectedGraph<PartnerNode | CustomerNode, EcoEdge>({ multi: false, allowSelfLoops: false });
}

export interface PartnerSpec {
  id: string;
  label?: string;
  types: PartnerType[];
  tier?: string;
  regions?: string[];
  segments?: string[];
  capabilities?: Record<string, CapabilityLevel | { level: CapabilityLevel; certified: boolean }>;
  lifecycle?: Record<string, LifecycleStage>;
}

export function addPartner(graph: EcoGraph, p: PartnerSpec): void {
  const capabilities: PartnerNode['capabilities'] = {};
  for (const [id, c] of Object.entries(p.capabilities ?? {})) {
    capabilities[id] = typeof c === 'string' ? { level: c, certified: c === 'certified' } : c;
  }
  graph.mergeNode(p.id, {
    kind: 'partner',
    label: p.label ?? p.id,
    types: p.types,
    tier: p.tier ?? 'registered',
    regions: p.regions ?? [],
    segments: p.segments ?? [],
    capabilities,
    lifecycle: p.lifecycle ?? {},
  });
}

export interface CustomerSpec {
  id: string;
  label?: string;
  segment: string;
  region: string;
  industry?: string;
  needs?: string[];
}

export function addCustomer(graph: EcoGraph, c: CustomerSpec): void {
  graph.mergeNode(c.id, {
    kind: 'customer',
    label: c.label ?? c.id,
    segment: c.segment,
    region: c.region,
    ...(c.industry === undefined ? {} : { industry: c.industry }),
    needs: c.needs ?? [],
  });
}

export interface RelationshipSpec {
  from: string;
  to: string;
  type: RelationshipType;
  role?: string;
  annualValue?: number;
}

/**
 * Merges a relationship into the single undirected edge of its node pair,
 * replacing the pair's relationship of the same type, start and role (an
 * update), keeping every other. Both ends must exist.
 */
export function addRelationship(graph: EcoGraph, r: RelationshipSpec): void {
  if (r.from === r.to) return;
  const fact: RelationshipFact = { type: r.type, from: r.from, ...(r.role === undefined ? {} : { role: r.role }), value: r.annualValue ?? 0 };
  const key = graph.edge(r.from, r.to);
  if (key === undefined) {
    graph.addEdge(r.from, r.to, summarise([fact]));
    return;
  }
  const same = (f: RelationshipFact) => f.type === fact.type && f.from === fact.from && f.role === fact.role;
  const kept = graph.getEdgeAttribute(key, 'relationships').filter((f) => !same(f));
  // Through graphology's API, so that indexes kept per graph hear of the change.
  graph.replaceEdgeAttributes(key, summarise([...kept, fact]));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An edge's attributes from its relationships, in an order that does not depend on the order they arrived in. */
function summarise(facts: RelationshipFact[]): EcoEdge {
  const relationships = facts.sort(
    (a, b) => RELATIONSHIP_TYPES.indexOf(a.type) - RELATIONSHIP_TYPES.indexOf(b.type) || compare(a.from, b.from) || compare(a.role ?? '', b.role ?? ''),
  );
  return {
    types: [...new Set(relationships.map((f) => f.type))],
    roles: [...new Set(relationships.flatMap((f) => (f.role === undefined ? [] : [f.role])))].sort(compare),
    value: relationships.reduce((sum, f) => sum + f.value, 0),
    directed: [...new Set(relationships.map((f) => `${f.type}>${f.from}`))],
    relationships,
  };
}
