/**
 * Who is writing: the API sets it per request (and the import CLI for its
 * run) in an AsyncLocalStorage, and GraphStore.write records an audit entry
 * in the same transaction as every write that changes the store. One hook
 * for every route, none of them passing it along by hand.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Params, Row } from './executor.js';
import type { AuditEntry } from '../schemas/access.js';

export interface WriteContext {
  actor: string;
  actorName: string;
  method: string;
  route: string;
  /** The ids the request named (path, body), before identity resolution. */
  idsBefore: string[];
}

export const writeContext = new AsyncLocalStorage<WriteContext>();

/** Ids kept on one entry: an import of a million rows records its first thousand and its count. */
export const AUDIT_IDS = 1000;

/** What one write transaction touched, per entity type. */
export class TouchedIds {
  private readonly ids = new Set<string>();
  private readonly kinds = new Set<string>();
  count = 0;

  add(kind: string, ids: Iterable<string>): void {
    for (const id of ids) {
      this.kinds.add(kind);
      this.count++;
      if (this.ids.size < AUDIT_IDS) this.ids.add(id);
    }
  }

  /** The parameters of audit/record for this write. */
  entry(context: WriteContext, version: number, at = new Date().toISOString()): Params {
    return {
      at,
      actor: context.actor,
      actorName: context.actorName,
      method: context.method,
      route: context.route,
      entities: [...this.kinds].sort(),
      idsBefore: context.idsBefore.slice(0, AUDIT_IDS),
      idsAfter: [...this.ids],
      idCount: this.count,
      version,
    };
  }
}

export function auditEntryFromRow(row: Row): AuditEntry {
  const e = row.entry as Record<string, unknown>;
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return {
    seq: Number(e.seq),
    at: String(e.at),
    actor: String(e.actor),
    actorName: String(e.actorName),
    method: String(e.method),
    route: String(e.route),
    entities: strings(e.entities),
    idsBefore: strings(e.idsBefore),
    idsAfter: strings(e.idsAfter),
    idCount: Number(e.idCount),
    version: Number(e.version),
  };
}
