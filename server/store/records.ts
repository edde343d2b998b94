/**
 * How each entity of the model is laid out as node and relationship
 * properties, and back. What refers to another node is a relationship, read
 * back by the Cypher statement as a list column: a partner's lifecycle is its
 * IN_TRACK edges, a deal's customer, region, needs and partners its FOR,
 * IN_REGION, NEEDS and PARTICIPATES_IN edges, a solution's partners and
 * capabilities its CONTRIBUTES_TO and PROVIDES edges. A lifecycle move is a
 * LifecycleTransition node between the partner and the track. Lists of
 * references come back sorted (edges have no order).
 */
import type { PartnerLifecycle } from '../schemas/lifecycle.js';
import type { Capability, Customer, Deal, LifecycleTransition, Partner, PartnerCapability, Region, Relationship, Segment, Solution } from '../schemas/model.js';
import type { Row } from './executor.js';
import { withoutNulls } from './normalise.js';
import { compareIds } from '../order.js';

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

/**
 * The first word of a normalised name ("the" skipped): the block that fuzzy
 * name matching looks candidates up by, stored as `nameBlock` and indexed, so
 * that an import compares a name with the stored names sharing its first word
 * instead of with every stored name (see server/import/fuzzy.ts).
 */
export function nameBlock(nameKey: string): string {
  const words = nameKey.split(' ');
  return (words[0] === 'the' && words.length > 1 ? words[1] : words[0]) ?? '';
}

/** A partner as cypher/partners/upsert.cypher takes it: a list in the statement's order, lighter to send than a map (null: not stored). */
export function partnerRow(p: Partner): unknown[] {
  const nameKey = normaliseName(p.name);
  return [p.id, p.name, nameKey, nameBlock(nameKey), p.domain ?? null, p.types, p.tier ?? null, p.country ?? null, p.size ?? null, p.revenue ?? null, p.sources, p.aliases];
}

export function partnerFromRow(row: Row): Partner {
  const r = row.record as Props;
  const lifecycle = ((row.lifecycle as Array<{ track: string; stage: string }> | null) ?? []).sort((a, b) => compareIds(a.track, b.track));
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
    lifecycle: Object.fromEntries(lifecycle.map((l) => [l.track, l.stage])),
    country: r.country,
    size: r.size,
    revenue: r.revenue,
    sources: r.sources ?? [],
    aliases: r.aliases ?? [],
  }) as Partner;
}

/** A customer as cypher/customers/upsert.cypher takes it (see partnerRow). */
export function customerRow(c: Customer): unknown[] {
  const nameKey = normaliseName(c.name);
  return [c.id, c.name, nameKey, nameBlock(nameKey), c.domain ?? null, c.segment, c.industry ?? null, c.region, c.needs, c.sources, c.aliases];
}

/** A customer from cypher/customers/get-many.cypher's flat columns. */
export function customerFromColumns(row: Row): Customer {
  return customerFromRow({ record: row });
}

export function customerFromRow(row: Row): Customer {
  const { nameKey: _nameKey, nameBlock: _nameBlock, ...r } = row.record as Props;
  return withoutNulls({ ...r, needs: r.needs ?? [], sources: r.sources ?? [], aliases: r.aliases ?? [] }) as Customer;
}

export function plainProps(record: Capability | Region | Segment): Props {
  return withoutNulls({ ...record });
}

export function plainFromRow<T>(row: Row): T {
  return withoutNulls(row.record as Props) as T;
}

/** A deal's own properties; its references are edges. */
export function dealProps(d: Deal): Props {
  return withoutNulls({ ...d, customer: undefined, region: undefined, needs: undefined, partners: undefined });
}

/** The properties of a partner's PARTICIPATES_IN edge. */
export function participationProps(p: Deal['partners'][number]): Props {
  return withoutNulls({ role: p.role, claimedShare: p.claimedShare, registeredAt: p.registeredAt });
}

export function dealFromRow(row: Row): Deal {
  const partners = ((row.partners as Props[] | null) ?? []).map((p) => withoutNulls(p) as Deal['partners'][number]);
  return withoutNulls({
    ...(row.record as Props),
    customer: (row.customer as string[])[0],
    region: (row.region as string[])[0],
    needs: sorted(row.needs),
    partners: partners.sort((a, b) => compareIds(a.partner, b.partner) || compareIds(a.role, b.role)),
  }) as Deal;
}

/**
 * A solution's own properties; its partners and capabilities are edges.
 * `declaredPartners` keeps the member ids as written: deleting a partner
 * removes its edge, and validation tells a deleted member by its absence.
 */
export function solutionProps(s: Solution): Props {
  return withoutNulls({ ...s, partners: undefined, capabilities: undefined, declaredPartners: sorted(s.partners) });
}

export function solutionFromRow(row: Row): Solution {
  const { declaredPartners: _declared, ...record } = row.record as Props;
  return withoutNulls({ ...record, partners: sorted(row.partners), capabilities: sorted(row.capabilities) }) as Solution;
}

/** A move's node properties; its partner and track are edges. */
export function transitionProps(x: LifecycleTransition): Props {
  return withoutNulls({ ...x, track: undefined });
}

function transitionFromProps(track: string, props: Props): LifecycleTransition {
  return withoutNulls({ track, at: props.at, from: props.from, to: props.to, reason: props.reason, author: props.author }) as LifecycleTransition;
}

/** Oldest first (as instants: times may carry different offsets); moves at the same instant in track order. */
const byTime = (a: LifecycleTransition, b: LifecycleTransition) => Date.parse(a.at) - Date.parse(b.at) || compareIds(a.track, b.track);

/** The latest move of a history in one track, if any. */
export function latestMove(history: LifecycleTransition[] | undefined, track: string): LifecycleTransition | undefined {
  return history?.filter((x) => x.track === track).sort(byTime).at(-1);
}

/** Each partner's history from `tracks/history-of` rows, oldest move first. */
export function historiesFromRows(rows: Row[]): Map<string, LifecycleTransition[]> {
  const histories = new Map<string, LifecycleTransition[]>();
  for (const row of rows) {
    const list = histories.get(String(row.partner)) ?? [];
    list.push(transitionFromProps(String(row.track), row));
    histories.set(String(row.partner), list);
  }
  for (const list of histories.values()) list.sort(byTime);
  return histories;
}

export function lifecycleFromRow(id: string, row: Row): PartnerLifecycle {
  const stages = (row.stages as Array<{ track: string; stage: string; since: string | null }>).sort((a, b) => compareIds(a.track, b.track));
  return {
    id,
    stages: Object.fromEntries(stages.map((s) => [s.track, withoutNulls({ stage: s.stage, since: s.since })])) as PartnerLifecycle['stages'],
    history: (row.history as Props[]).map((x) => transitionFromProps(String(x.track), x)).sort(byTime),
  };
}

/** Code-point order, the order Cypher's ORDER BY gives ids, whatever the locale. */
const sorted = (ids: unknown) => [...((ids as string[] | null) ?? [])].sort(compareIds);

/** The properties a relationship stores (its endpoints and type are the edge itself). */
/** A relationship as its merge statement takes it (cypher/relationships/merge-*.cypher): a list, lighter to send than a map. */
export function relationshipRow(r: Relationship, now: string): unknown[] {
  const updatedAt = r.updatedAt ?? now;
  return r.type === 'SERVES' ? [r.from, r.to, r.role, r.since ?? null, r.annualValue ?? null, r.source ?? null, updatedAt] : [r.from, r.to, r.source ?? null, updatedAt];
}

/** A relationship from its statement's flat columns (cheaper for the engine to give than its property map), in one key order on both engines. */
export function relationshipFromRow(row: Row): Relationship {
  return withoutNulls({ from: row.from, to: row.to, type: row.type, role: row.role, since: row.since, annualValue: row.annualValue, source: row.source, updatedAt: row.updatedAt }) as Relationship;
}
