/**
 * The embedded executor: Grafeo, an in-process graph database speaking the
 * Neo4j dialect of Cypher, file-backed under DATA_DIR.
 *
 * Grafeo's traps, handled here: one process owns the file (a second open
 * fails at once → StoreInUseError); a transaction stays usable after a failed
 * statement (we roll back on any error, as Neo4j does); concurrent writes can
 * conflict (writes are serialised in-process and retried); checkpoints are
 * off by default (we set triggers so the WAL stays bounded); integers may
 * arrive as BigInt (normalised).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import grafeo from '@grafeo-db/js';
import type { GrafeoDB as Database } from '@grafeo-db/js';
import type { Executor, Params, ReadOptions, Row, WriteTransaction } from './executor.js';
import { prioritisedWrite, StoreInUseError } from './executor.js';
import { Gate } from '../gate.js';
import { plainInPlace } from './normalise.js';
import { loadSchema, type Queries, type QueryName } from './queries.js';

const { GrafeoDB } = grafeo;

const WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024;
const CHECKPOINT_INTERVAL_MS = 60_000;
const WRITE_ATTEMPTS = 5;
/**
 * Ordinary reads running in the engine at once; the rest wait their turn
 * here. Grafeo runs statements on a small pool of native threads: unbounded,
 * a burst of reads fills it and every step of a write waits behind them all.
 * Reads that serve a write, and writes, skip this queue. One at a time: a
 * write's statements and its commit wait on the engine for the reads running
 * beside them, far more for two than for one (`bench:engine-contention` at
 * 100,000 partners, a single-row write's p99: 17 ms alone, 41 ms beside one
 * read of a hub's neighbourhood, 106 ms beside two; 46 ms beside two with one
 * slot, the reads 26% fewer).
 */
const READ_SLOTS = 1;

export const STORE_FILE = 'ecograph.grafeo';

export async function openGrafeo(dataDir: string, queries: Queries): Promise<Executor> {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, STORE_FILE);
  let db: Database;
  try {
    db = existsSync(file) ? GrafeoDB.open(file) : GrafeoDB.create(file);
  } catch (error) {
    if (/lock/i.test((error as Error).message)) throw new StoreInUseError(file);
    throw error;
  }
  db.setCheckpointTriggers({ walBytes: WAL_CHECKPOINT_BYTES, intervalMs: CHECKPOINT_INTERVAL_MS });
  for (const statement of loadSchema('grafeo')) await db.executeCypher(statement);
  return new GrafeoExecutor(db, queries);
}

/**
 * A result's rows as objects, built here from the engine's arrays: it hands over a row as an array faster than
 * as an object with named keys (for a window of 20,000 relationships, 48 ms and 11 ms to name the columns,
 * against 94 ms), and that conversion runs on the event loop.
 */
function rows(result: { readonly columns: string[]; rows(): unknown[][] }): Row[] {
  const columns = result.columns;
  return result.rows().map((values) => {
    const row: Row = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = plainInPlace(values[i]);
    return row;
  });
}

function isWriteConflict(error: unknown): boolean {
  return /conflict/i.test((error as Error).message ?? '');
}

class GrafeoExecutor implements Executor {
  readonly kind = 'grafeo' as const;
  /** Writes run one at a time: Grafeo would otherwise fail concurrent ones with a conflict. */
  private writeQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly queries: Queries,
  ) {}

  private readsRunning = 0;
  private readonly waitingReads: Array<() => void> = [];

  /** Shut while ordinary reads are held (see holdReads). */
  private readonly readGate = new Gate();

  holdReads(): () => void {
    return this.readGate.hold();
  }

  async read(query: QueryName, params: Params = {}, options: ReadOptions = {}): Promise<Row[]> {
    if (options.forWrite === true || prioritisedWrite.getStore() === true) return rows(await this.db.executeCypher(this.queries[query], params));
    const held = this.readGate.opened();
    if (held !== undefined) await held;
    if (this.readsRunning < READ_SLOTS) this.readsRunning++;
    else await new Promise<void>((resolve) => this.waitingReads.push(resolve));
    let result: Awaited<ReturnType<Database['executeCypher']>>;
    try {
      result = await this.db.executeCypher(this.queries[query], params);
    } finally {
      // The slot passes straight to the next waiting read, if any.
      const next = this.waitingReads.shift();
      if (next === undefined) this.readsRunning--;
      else next();
    }
    // Converted once the slot is passed on: the next read runs in the engine meanwhile (the export reads windows ahead).
    return rows(result);
  }

  write<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    const next = this.writeQueue.then(() => this.writeWithRetry(work));
    this.writeQueue = next.catch(() => undefined);
    return next;
  }

  private async writeWithRetry<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeOnce(work);
      } catch (error) {
        if (attempt >= WRITE_ATTEMPTS || !isWriteConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
      }
    }
  }

  private async writeOnce<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    const tx = this.db.beginTransaction();
    try {
      // Reads made inside a transaction skip any hold of ordinary reads: a write queued behind this one may hold them.
      const result = await prioritisedWrite.run(true, () =>
        work({
          run: async (query, params = {}) => rows(await tx.executeCypher(this.queries[query], params)),
        }),
      );
      tx.commit();
      return result;
    } catch (error) {
      if (tx.isActive) tx.rollback();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.writeQueue;
    this.db.close();
  }
}
