/**
 * What both store engines offer the GraphStore: run a named Cypher statement
 * for reading, or several inside one write transaction. Results come back as
 * plain rows (numbers, strings, lists, maps) whatever the engine.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { QueryName, StoreKind } from './queries.js';

export type Row = Record<string, unknown>;
export type Params = Record<string, unknown>;

export interface WriteTransaction {
  run(query: QueryName, params?: Params): Promise<Row[]>;
}

/** `forWrite`: the read serves a write in progress (identity lookups, reference checks), which should not queue behind other reads. */
export interface ReadOptions {
  forWrite?: boolean;
}

/** Set while a prioritised write runs (GraphStore.prioritised): every read it makes serves it, as with `forWrite`. */
export const prioritisedWrite = new AsyncLocalStorage<true>();

export interface Executor {
  readonly kind: StoreKind;
  read(query: QueryName, params?: Params, options?: ReadOptions): Promise<Row[]>;
  /** Keeps ordinary reads from starting until the returned function is called (engines that queue reads; see GraphStore.prioritised). */
  holdReads?(): () => void;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  write<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The store is held by another process (the embedded engine allows one). */
export class StoreInUseError extends Error {
  constructor(readonly location: string) {
    super(`the store at ${location} is in use by another process (a running Ecograph server?)`);
  }
}

/** The store's server cannot be reached (Neo4j down or unreachable): at start a clear exit, while serving a 503. */
export class StoreUnavailableError extends Error {}

/** The store's server refused the configured credentials. */
export class StoreAuthError extends Error {}
