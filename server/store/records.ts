/**
 * How each entity of the model is laid out as node and relationship
 * properties, and back. Neither engine stores maps or nulls as properties, so
 * a partner's lifecycle becomes two parallel lists and a deal's partners JSON.
 */
import type { Capability, Customer, Deal, Partner, PartnerCapability, Region, Relationship, Segment, Solution } from '../schemas/model.js';
import type { Row } from './executor.js';
import { withoutNulls } from './normalise.js';

type Props = Record<string, unknown>;

const LEGAL_SUFFIXES = /\b(inc|incorporated|ltd|limited|llc|llp|gmbh|corp|corporation|co|company|sa|sas|ag|bv|nv|plc|pty|srl|oy|ab)\b/g;

/**
 * "Acme Integrators, Inc." and "ACME integrators" are the same name. Stored as
 * `nameKey` on partners and customers, so that identity resolution finds a
 * name by index instead of normalising every stored name.
 */
export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(LEGAL_SUFFIXES, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function partnerProps(p: Partner): Props {
  const tracks = Object.keys(p.lifecycle).sort();
  return withoutNulls({
    id: p.id,
    name: p.name,
    nameKey: normaliseName(p.name),
    domain: p.domain,
    types: p.types,
    tier: p.tier,
    country: p.country,
    size: p.size,
    revenue: p.revenue,
    sources: p.sources,
    aliases: p.aliases,
    lifecycleTracks: tracks,
    lifecycleStages: tracks.map((t) => p.lifecycle[t]),
  });
}

export function partnerFromRow(row: Row): Partner {
  const r = row.record as Props;
  const tracks = (r.lifecycleTracks as string[] | null) ?? [];
  const stages = (r.lifecycleStages as string[] | null) ?? [];
  const capabilities = ((row.capabilities as Props[] | null) ?? [])
    .map((c) => ({ id: String(c.id), level: c.level ?? 'basic', certified: c.certified === true }) as PartnerCapability)
    .sort((a, b) => a.id.localeCompare(b.id));
  return withoutNulls({
    id: r.id,
    name: r.name,
    domain: r.domain,
    types: r.types,
    tier: r.tier,
    regions: [...((row.regions as string[] | null) ?? [])].sort(),
    segments: [...((row.segments as string[] | null) ?? [])].sort(),
    capabilities,
    lifecycle: Object.fromEntries(tracks.map((t, i) => [t, stages[i]])),
    country: r.country,
    size: r.size,
    revenue: r.revenue,
    sources: r.sources ?? [],
    aliases: r.aliases ?? [],
  }) as Partner;
}

export function customerProps(c: Customer): Props {
  return withoutNulls({ ...c, nameKey: normaliseName(c.name) });
}

export function customerFromRow(row: Row): Customer {
  const { nameKey: _nameKey, ...r } = row.record as Props;
  return withoutNulls({ ...r, needs: r.needs ?? [], sources: r.sources ?? [], aliases: r.aliases ?? [] }) as Customer;
}

export function plainProps(record: Capability | Region | Segment | Solution): Props {
  return withoutNulls({ ...record });
}

export function plainFromRow<T>(row: Row): T {
  return withoutNulls(row.record as Props) as T;
}

export function dealProps(d: Deal): Props {
  return withoutNulls({ ...d, partners: undefined, partnersJson: JSON.stringify(d.partners) });
}

export function dealFromRow(row: Row): Deal {
  const { partnersJson, ...rest } = row.record as Props;
  return withoutNulls({ ...rest, partners: JSON.parse(String(partnersJson ?? '[]')) }) as Deal;
}

/** The properties a relationship stores (its endpoints and type are the edge itself). */
export function relationshipProps(r: Relationship, now: string): Props {
  const { from: _from, to: _to, type: _type, ...rest } = r;
  return withoutNulls({ ...rest, updatedAt: r.updatedAt ?? now });
}

export function relationshipFromRow(row: Row): Relationship {
  const props = (row.properties as Props | null) ?? {};
  return withoutNulls({ from: row.from, to: row.to, type: row.type, ...props }) as Relationship;
}
