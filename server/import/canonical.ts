/**
 * Before rows are validated, values typed by people or exported by other
 * systems are brought to the ids they mean: `Reseller` → `reseller`, `EMEA
 * North` → the region named so, `Zero-trust architecture` → its capability
 * id. A value that names nothing is left as it is, so that validation or the
 * reference check reports it with the value.
 */
import { CAPABILITY_LEVELS, LIFECYCLE_STAGES, PARTNER_TYPES, RELATIONSHIP_TYPES, SERVE_ROLES, STANDARD_TIERS } from '../schemas/model.js';
import type { GraphStore } from '../store/graph-store.js';
import { Vocabulary } from './values.js';

export interface Catalogue {
  regions: Vocabulary;
  segments: Vocabulary;
  capabilities: Vocabulary;
}

const ENUMS = {
  types: new Vocabulary(PARTNER_TYPES),
  tiers: new Vocabulary(STANDARD_TIERS),
  levels: new Vocabulary(CAPABILITY_LEVELS),
  stages: new Vocabulary([...LIFECYCLE_STAGES, { id: 'optimise', name: 'optimize' }]),
  relationshipTypes: new Vocabulary(RELATIONSHIP_TYPES),
  roles: new Vocabulary(SERVE_ROLES),
};

type Row = Record<string, unknown>;
const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);
const named = (v: unknown): { id: string; name?: string } | undefined =>
  typeof v === 'string' ? { id: v } : isRow(v) && typeof v.id === 'string' ? { id: v.id, ...(typeof v.name === 'string' ? { name: v.name } : {}) } : undefined;

/** The regions, segments and capabilities a bundle may refer to: those it defines, then those the store holds. */
export async function readCatalogue(store: GraphStore, bundle: { regions: unknown[]; segments: unknown[]; capabilities: unknown[] }): Promise<Catalogue> {
  // For a write: not queued behind ordinary reads.
  const stored = await store.catalogue({ forWrite: true });
  const vocabulary = (kind: keyof Catalogue, rows: unknown[]) => new Vocabulary([...rows.flatMap((r) => named(r) ?? []), ...stored[kind]]);
  return { regions: vocabulary('regions', bundle.regions), segments: vocabulary('segments', bundle.segments), capabilities: vocabulary('capabilities', bundle.capabilities) };
}

const one = (vocabulary: Vocabulary, v: unknown) => (typeof v === 'string' ? (vocabulary.find(v) ?? v) : v);
const many = (vocabulary: Vocabulary, v: unknown) => (Array.isArray(v) ? [...new Set(v.map((x) => one(vocabulary, x)))] : v);

function canonicalPartner(p: Row, c: Catalogue): void {
  if ('types' in p) p.types = many(ENUMS.types, p.types);
  if (typeof p.tier === 'string' && ENUMS.tiers.find(p.tier) !== undefined) p.tier = ENUMS.tiers.find(p.tier);
  if ('regions' in p) p.regions = many(c.regions, p.regions);
  if ('segments' in p) p.segments = many(c.segments, p.segments);
  if (Array.isArray(p.capabilities)) {
    for (const cap of p.capabilities) {
      if (!isRow(cap)) continue;
      cap.id = one(c.capabilities, cap.id);
      if ('level' in cap) cap.level = one(ENUMS.levels, cap.level);
    }
  }
  if (isRow(p.lifecycle)) for (const track of Object.keys(p.lifecycle)) p.lifecycle[track] = one(ENUMS.stages, p.lifecycle[track]);
}

/** Rewrites, in place, every enum and reference value of a raw bundle's rows that names a known value by another spelling. */
export function canonicalise(bundle: Partial<Record<string, unknown>> & Record<'partners' | 'customers' | 'relationships' | 'deals' | 'solutions', unknown[]>, c: Catalogue): void {
  for (const p of bundle.partners) if (isRow(p)) canonicalPartner(p, c);
  for (const row of bundle.customers) {
    if (!isRow(row)) continue;
    row.segment = one(c.segments, row.segment);
    row.region = one(c.regions, row.region);
    if ('needs' in row) row.needs = many(c.capabilities, row.needs);
  }
  for (const row of bundle.relationships) {
    if (!isRow(row)) continue;
    row.type = one(ENUMS.relationshipTypes, row.type);
    if ('role' in row) row.role = one(ENUMS.roles, row.role);
    if (row.type === 'HAS_CAPABILITY') row.to = one(c.capabilities, row.to);
    if (row.type === 'OPERATES_IN') row.to = one(c.regions, row.to);
    if (row.type === 'SERVES_SEGMENT') row.to = one(c.segments, row.to);
    if ('level' in row) row.level = one(ENUMS.levels, row.level);
  }
  for (const row of bundle.deals) {
    if (!isRow(row)) continue;
    row.region = one(c.regions, row.region);
    if ('needs' in row) row.needs = many(c.capabilities, row.needs);
  }
  for (const row of bundle.solutions) if (isRow(row) && 'capabilities' in row) row.capabilities = many(c.capabilities, row.capabilities);
}
