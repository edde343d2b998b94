/**
 * Writing store records into a projection graph. The projection builder and
 * the analytics tests both use these, so hand-built test graphs have exactly
 * the shape of real ones.
 */
import { UndirectedGraph } from 'graphology';
import type { CapabilityLevel, LifecycleStage, PartnerType, RelationshipType } from '../schemas/model.js';
import type { CustomerNode, EcoEdge, EcoGraph, PartnerNode } from './types.js';

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

/** Merges a relationship into the single undirected edge of its node pair. Both ends must exist. */
export function addRelationship(graph: EcoGraph, r: RelationshipSpec): void {
  if (r.from === r.to) return;
  const key = graph.edge(r.from, r.to);
  // A partner may serve one customer in several roles: each is its own relationship.
  const fact = `${r.type}>${r.from}${r.role === undefined ? '' : `:${r.role}`}`;
  if (key === undefined) {
    graph.addEdge(r.from, r.to, {
      types: [r.type],
      roles: r.role === undefined ? [] : [r.role],
      value: r.annualValue ?? 0,
      directed: [fact],
    });
    return;
  }
  const edge = graph.getEdgeAttributes(key);
  if (edge.directed.includes(fact)) return;
  // Through graphology's API, so that indexes kept per graph hear of the change.
  graph.replaceEdgeAttributes(key, {
    types: edge.types.includes(r.type) ? edge.types : [...edge.types, r.type],
    roles: r.role === undefined || edge.roles.includes(r.role) ? edge.roles : [...edge.roles, r.role],
    value: edge.value + (r.annualValue ?? 0),
    directed: [...edge.directed, fact],
  });
}
