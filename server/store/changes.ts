/**
 * What each committed write changed, by store version. Caches of bulk reads
 * (programme records, the solution catalogue) use it to re-read only the
 * records a write touched: at 100,000 partners a full re-read costs seconds,
 * a re-read of a few ids milliseconds. A version the log cannot account for
 * (written by another process, forgotten, or a change no cache follows
 * record by record) makes the caches read everything again, so a cache is
 * never older than the store.
 */

/** The kinds of record whose ids a write's changes list. */
export const CHANGED_ID_KINDS = ['partners', 'customers', 'deals', 'solutions'] as const;

/** The ids one write (or a run of writes) touched, as the caches key their records. */
export class StoreChanges {
  /** Partners whose properties, memberships, stages, moves or relationships (either end) changed. */
  readonly partners = new Set<string>();
  /** Customers whose properties or SERVES relationships changed. */
  readonly customers = new Set<string>();
  readonly deals = new Set<string>();
  readonly solutions = new Set<string>();
  /** The programme's tracks and tiers. */
  programs = false;
  /** Capability or region records (their names). */
  names = false;
  /** Conflict resolutions. */
  resolutions = false;
  /** A change no cache follows record by record (a delete that cascades to other records): every cache reads everything again. */
  broad = false;

  get size(): number {
    return this.partners.size + this.customers.size + this.deals.size + this.solutions.size;
  }

  merge(other: StoreChanges): void {
    for (const kind of CHANGED_ID_KINDS) for (const id of other[kind]) this[kind].add(id);
    this.programs ||= other.programs;
    this.names ||= other.names;
    this.resolutions ||= other.resolutions;
    this.broad ||= other.broad;
  }
}

/** Versions the log remembers; a cache further behind reads everything again. */
export const KEPT_VERSIONS = 1000;

interface Entry {
  changes: StoreChanges;
  /** Whether the transaction that took this version committed. */
  committed: Promise<boolean>;
}

export class ChangeLog {
  private readonly entries = new Map<number, Entry>();
  /** Given each version once its transaction has committed, with the store's id (the file beside the store). */
  onCommitted: ((storeId: string, version: number, changes: StoreChanges) => void) | undefined;

  /**
   * Starts following one write transaction: `note` is called inside it, once
   * its version is known and before it commits, so that no reader can see the
   * version before the log has it; `settle` once the transaction is over.
   */
  begin(): { note(version: number, changes: StoreChanges, storeId: string): void; settle(committed: boolean): void } {
    let settle!: (committed: boolean) => void;
    const committed = new Promise<boolean>((resolve) => (settle = resolve));
    let noted: { version: number; changes: StoreChanges; storeId: string } | undefined;
    return {
      note: (version, changes, storeId) => {
        // A retried transaction (Neo4j) may take another version: only the last one is its.
        if (noted !== undefined && this.entries.get(noted.version)?.committed === committed) this.entries.delete(noted.version);
        noted = { version, changes, storeId };
        // A version rolled back and taken again by the next write: both writes' ids, a harmless superset.
        const previous = this.entries.get(version);
        if (previous !== undefined) changes.merge(previous.changes);
        this.entries.set(version, { changes, committed });
        for (const old of this.entries.keys()) if (old <= version - KEPT_VERSIONS) this.entries.delete(old);
      },
      settle: (ok) => {
        settle(ok);
        if (ok && noted !== undefined) this.onCommitted?.(noted.storeId, noted.version, noted.changes);
      },
    };
  }

  /** A version committed before this process started, as the file kept beside the store has it. */
  restore(version: number, changes: StoreChanges): void {
    this.entries.set(version, { changes, committed: Promise.resolve(true) });
  }

  /**
   * Everything the versions after `from` up to `to` changed, or undefined
   * when the log cannot account for one of them (or it was broad): then the
   * caller reads everything again.
   */
  async between(from: number, to: number): Promise<StoreChanges | undefined> {
    if (to < from || to - from > KEPT_VERSIONS) return undefined;
    const out = new StoreChanges();
    for (let version = from + 1; version <= to; version++) {
      const entry = this.entries.get(version);
      if (entry === undefined || !(await entry.committed) || this.entries.get(version) !== entry) return undefined;
      out.merge(entry.changes);
      if (out.broad) return undefined;
    }
    return out;
  }
}
