/**
 * The records solution validation and customer fit read, from store rows:
 * every solution with its declared and current members, the facts of every
 * member, and one customer's needs and the partners serving it.
 */
import { LOST_STAGES, WON_STAGES } from '../schemas/model.js';
import type { Row } from './executor.js';

type Props = Record<string, unknown>;

export interface SolutionRecord {
  id: string;
  name: string;
  /** Member ids as the solution was written; a deleted partner stays here. */
  declared: string[];
  /** Member ids with a CONTRIBUTES_TO edge now. */
  partners: string[];
  capabilities: string[];
  regions?: string[];
}

export interface MemberFacts {
  id: string;
  name: string;
  types: string[];
  stages: Array<{ track: string; stage: string }>;
  regions: string[];
  capabilities: string[];
  /** Other solution members it integrates with or implements, or that integrate with or implement it. */
  related: string[];
}

/** Display names of capabilities and regions, for details written in words. */
export interface CatalogueNames {
  capabilities: Map<string, string>;
  regions: Map<string, string>;
}

export interface CustomerContext {
  id: string;
  name: string;
  region: string;
  /** Needs the customer stated, then those of its open deals not stated. */
  needs: string[];
  servedBy: string[];
}

const strings = (value: unknown) => [...new Set((value as string[] | null) ?? [])].sort();
const CLOSED = new Set<string>([...WON_STAGES, ...LOST_STAGES]);

export function solutionFromValidationRow(row: Row): SolutionRecord {
  const r = row.record as Props;
  const partners = strings(row.partners);
  const regions = r.regions === undefined || r.regions === null ? undefined : strings(r.regions);
  return {
    id: String(r.id),
    name: String(r.name),
    // A solution written before members were declared: its current members are all it names.
    declared: r.declaredPartners === undefined || r.declaredPartners === null ? partners : strings(r.declaredPartners),
    partners,
    capabilities: strings(row.capabilities),
    ...(regions === undefined ? {} : { regions }),
  };
}

export function memberFromRow(row: Row): MemberFacts {
  return {
    id: String(row.id),
    name: String(row.name),
    types: (row.types as string[] | null) ?? [],
    stages: (row.stages as Array<{ track: string; stage: string }>).map((s) => ({ track: String(s.track), stage: String(s.stage) })).sort((a, b) => (a.track < b.track ? -1 : 1)),
    regions: strings(row.regions),
    capabilities: strings(row.capabilities),
    related: strings(row.related),
  };
}

export function customerContextFromRow(row: Row): CustomerContext {
  const r = row.record as Props;
  const stated = (r.needs as string[] | null) ?? [];
  const open = (row.dealNeeds as Array<{ stage: string | null; need: string }>).filter((d) => !CLOSED.has(String(d.stage ?? 'open'))).map((d) => String(d.need));
  return { id: String(r.id), name: String(r.name), region: String(r.region), needs: [...new Set([...stated, ...open.sort()])], servedBy: strings(row.servedBy) };
}
