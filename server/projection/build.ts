/**
 * Writing store records into a projection graph. The projection builder and
 * the analytics tests both use these, so hand-built test graphs have exactly
 * the shape of real ones.
 */
import { UndirectedGraph } from 'graphology';
import { RELATIONSHIP_TYPES, type CapabilityLevel, type LifecycleStage, type PartnerType, type RelationshipType } from '../schemas/model.js';
import type { CustomerNode, EcoEdge, EcoGraph, EcoNode, PartnerNode, RelationshipFact } from './types.js';
import { compareIds } from '../order.js';

export function createEcoGraph(): EcoGraph {
  return new UndirectedGraph<PartnerNode | CustomerNode, EcoEdge>({ multi: false, allowSelfLoops: false });
}

/**
 * One frozen copy of each distinct small value a graph's records repeat
 * (a role list, a partner's regions, a capability's level): at 300,000 nodes
 * and a million edges, a copy per record was most of the projection's memory.
 * Frozen, so that a reader that mutates one by mistake throws instead of
 * changing every record that shares it.
 */
export class Interner {
  private readonly lists = new Map<string, readonly string[]>();
  private readonly strings = new Map<string, string>();
  private readonly capabilities = new Map<string, PartnerNode['capabilities'][string]>();

  string<T extends string>(value: T): T {
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  list<T extends string>(values: readonly T[]): T[] {
    const key = values.join('\u0000');
    let list = this.lists.get(key);
    if (list === undefined) this.lists.set(key, (list = Object.freeze(values.map((v) => this.string(v)))));
    return list as T[];
  }

  capability(level: CapabilityLevel, certified: boolean): PartnerNode['capabilities'][string] {
    const key = `${level}:${certified}`;
    let entry = this.capabilities.get(key);
    if (entry === undefined) this.capabilities.set(key, (entry = Object.freeze({ level, certified })));
    return entry;
  }
}

const interners = new WeakMap<EcoGraph, Interner>();
/** The graph's shared values: a snapshot restored into the graph shares them with the records written later. */
export function internerOf(graph: EcoGraph): Interner {
  let interner = interners.get(graph);
  if (interner === undefined) interners.set(graph, (interner = new Interner()));
  return interner;
}

const edgeCounts = new WeakMap<EcoGraph, number>();
/**
 * A key for the graph's next edge: base 36 of a count kept per graph. The
 * keys graphology generates ('geid_<graph>_<n>') are built from three strings
 * and flattened into a fourth when first hashed: about 60 bytes more an edge.
 */
export function nextEdgeKey(graph: EcoGraph): string {
  let count = edgeCounts.get(graph) ?? 0;
  let key: string;
  // A graph copied from another holds its keys without its count.
  do key = (count++).toString(36);
  while (graph.hasEdge(key));
  edgeCounts.set(graph, count);
  return key;
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
  const shared = internerOf(graph);
  const capabilities: PartnerNode['capabilities'] = {};
  for (const [id, c] of Object.entries(p.capabilities ?? {})) {
    capabilities[shared.string(id)] = typeof c === 'string' ? shared.capability(c, c === 'certified') : shared.capability(c.level, c.certified);
  }
  const lifecycle: PartnerNode['lifecycle'] = {};
  for (const [track, stage] of Object.entries(p.lifecycle ?? {})) lifecycle[shared.string(track)] = shared.string(stage);
  mergeChanged(graph, p.id, {
    kind: 'partner',
    label: p.label ?? p.id,
    types: shared.list(p.types),
    tier: shared.string(p.tier ?? 'registered'),
    regions: shared.list(p.regions ?? []),
    segments: shared.list(p.segments ?? []),
    capabilities,
    lifecycle,
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
  const shared = internerOf(graph);
  mergeChanged(graph, c.id, {
    kind: 'customer',
    label: c.label ?? c.id,
    segment: shared.string(c.segment),
    region: shared.string(c.region),
    ...(c.industry === undefined ? {} : { industry: shared.string(c.industry) }),
    needs: shared.list(c.needs ?? []),
  });
}

/**
 * Adds the node, or gives it `attributes` over its own, as a new record, when that changes any of
 * them: a write of fields the projection does not hold (a domain, revenue,
 * sources) then leaves the graph untouched, and the answers computed on it
 * hold for the write's version (see ProjectionService.applyPending). Lists
 * and capability levels are interned (one copy per graph), so the same
 * value is the same object.
 */
function mergeChanged(graph: EcoGraph, id: string, attributes: EcoNode): void {
  if (graph.hasNode(id)) {
    const current = graph.getNodeAttributes(id) as unknown as Record<string, unknown>;
    const same = (a: unknown, b: unknown) =>
      a === b ||
      (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && !Array.isArray(a) && sameEntries(a as Record<string, unknown>, b as Record<string, unknown>));
    if (Object.entries(attributes).every(([key, value]) => same(current[key], value))) return;
    // A new record rather than the old one changed in place: an index that counted the old one's values (the map's
    // facets) can take them off.
    graph.replaceNodeAttributes(id, { ...current, ...attributes } as unknown as EcoNode);
    return;
  }
  graph.addNode(id, attributes);
}

/** Whether two records hold the same keys with the same values (by identity). */
function sameEntries(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
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
  const shared = internerOf(graph);
  const fact = (from: string): RelationshipFact => ({ type: r.type, from, ...(r.role === undefined ? {} : { role: shared.string(r.role) }), value: r.annualValue ?? 0 });
  const key = graph.edge(r.from, r.to);
  if (key === undefined) {
    const attributes = summarise(shared, [fact(r.from)]);
    const added = graph.addEdgeWithKey(nextEdgeKey(graph), r.from, r.to, attributes);
    // The node's own key rather than the record's copy of it: one string per node, not one per relationship.
    attributes.from = graph.source(added);
    return;
  }
  const from = graph.source(key) === r.from ? graph.source(key) : graph.target(key);
  const same = (f: RelationshipFact) => f.type === r.type && f.from === from && f.role === r.role;
  const relationships = relationshipsOf(graph.getEdgeAttributes(key));
  // The same relationship again (a write of its provenance or dates alone): nothing the projection holds changes.
  if (relationships.some((f) => same(f) && f.value === (r.annualValue ?? 0))) return;
  const kept = relationships.filter((f) => !same(f));
  // Through graphology's API, so that indexes kept per graph hear of the change.
  graph.replaceEdgeAttributes(key, summarise(shared, [...kept, fact(from)]));
}

/**
 * Removes the pair's relationships of this type that start at `from` (of
 * this role only, when one is given), as the store's relationship delete
 * does, and the edge with the last of them.
 */
export function removeRelationship(graph: EcoGraph, r: { from: string; to: string; type: RelationshipType; role?: string }): void {
  if (!graph.hasNode(r.from) || !graph.hasNode(r.to)) return;
  const key = graph.edge(r.from, r.to);
  if (key === undefined) return;
  const kept = relationshipsOf(graph.getEdgeAttributes(key)).filter((f) => !(f.type === r.type && f.from === r.from && (r.role === undefined || f.role === r.role)));
  if (kept.length === 0) graph.dropEdge(key);
  else graph.replaceEdgeAttributes(key, summarise(internerOf(graph), kept));
}

/** An edge's attributes from its relationships (at least one), in an order that does not depend on the order they arrived in. */
function summarise(shared: Interner, facts: RelationshipFact[]): EcoEdge {
  if (facts.length === 1) {
    const [{ type, from, role, value }] = facts as [RelationshipFact];
    return { types: shared.list([type]), roles: shared.list(role === undefined ? [] : [role]), value, from };
  }
  const relationships = facts.sort(
    (a, b) => RELATIONSHIP_TYPES.indexOf(a.type) - RELATIONSHIP_TYPES.indexOf(b.type) || compareIds(a.from, b.from) || compareIds(a.role ?? '', b.role ?? ''),
  );
  return {
    types: shared.list([...new Set(relationships.map((f) => f.type))]),
    roles: shared.list([...new Set(relationships.flatMap((f) => (f.role === undefined ? [] : [f.role])))].sort(compareIds)),
    value: relationships.reduce((sum, f) => sum + f.value, 0),
    relationships,
  };
}

/** The relationships an edge stands for (see EcoEdge): its list, or the one its own fields hold. */
export function relationshipsOf(edge: EcoEdge): RelationshipFact[] {
  if (edge.relationships !== undefined) return edge.relationships;
  const type = edge.types[0]!;
  const role = edge.roles[0];
  return [role === undefined ? { type, from: edge.from, value: edge.value } : { type, from: edge.from, role, value: edge.value }];
}
