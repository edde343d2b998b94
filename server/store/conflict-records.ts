/**
 * Conflict detection's records and stored resolutions, between store rows and
 * plain records. A resolution is a ConflictResolution node whose conflict
 * snapshot and before/after claims are JSON strings: Neo4j stores no maps
 * (nor lists of them) as properties.
 */
import type { Claim, ConflictDeal, StoredResolution } from '../schemas/conflicts.js';
import type { Params, Row } from './executor.js';
import { withoutNulls } from './normalise.js';

type Props = Record<string, unknown>;
const optional = <T>(value: unknown, type: string) => (typeof value === type ? (value as T) : undefined);

export function conflictDealFromRow(r: Row): ConflictDeal {
  return {
    id: String(r.id),
    stage: String(r.stage ?? 'open'),
    ...(typeof r.amount === 'number' ? { amount: r.amount } : {}),
    customer: String(r.customer),
    customerName: String(r.customerName ?? r.customer),
    needs: ((r.needs as Props[] | null) ?? []).map((n) => ({ id: String(n.id), name: String(n.name ?? n.id) })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    partners: ((r.partners as Props[] | null) ?? [])
      .map((p) =>
        withoutNulls({
          partner: String(p.partner),
          name: String(p.name ?? p.partner),
          role: String(p.role),
          claimedShare: optional<number>(p.claimedShare, 'number'),
          registeredAt: optional<string>(p.registeredAt, 'string'),
          types: (p.types as string[] | null) ?? [],
        }) as ConflictDeal['partners'][number],
      )
      .sort((a, b) => (a.partner + '\u0000' + a.role < b.partner + '\u0000' + b.role ? -1 : 1)),
  };
}

export function claimFromRow(r: Row): Claim {
  return {
    deal: String(r.deal),
    partner: String(r.partner),
    role: String(r.role),
    claimedShare: optional<number>(r.claimedShare, 'number') ?? null,
    registeredAt: optional<string>(r.registeredAt, 'string') ?? null,
  };
}

export function resolutionProps(resolution: StoredResolution): Params {
  const { audit } = resolution;
  return withoutNulls({
    id: resolution.id,
    base: resolution.base,
    kind: resolution.conflict.kind,
    conflict: JSON.stringify(resolution.conflict),
    policy: audit.policy,
    note: audit.note,
    actor: audit.actor,
    at: audit.at,
    before: JSON.stringify(audit.before),
    after: JSON.stringify(audit.after),
  });
}

export function resolutionFromRow(r: Row): StoredResolution {
  return {
    id: String(r.id),
    base: String(r.base),
    conflict: JSON.parse(String(r.conflict)) as StoredResolution['conflict'],
    audit: {
      policy: r.policy as StoredResolution['audit']['policy'],
      ...(typeof r.note === 'string' ? { note: r.note } : {}),
      actor: String(r.actor),
      at: String(r.at),
      before: JSON.parse(String(r.before)) as Claim[],
      after: JSON.parse(String(r.after)) as Claim[],
    },
  };
}
