/**
 * Real stores for tests: a fresh embedded store in a temporary directory, or
 * the Neo4j at NEO4J_URI, wiped. Which one a test file gets is the vitest
 * project's choice (ECOGRAPH_TEST_STORE, see vite.config.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { describe, it } from 'vitest';
import { GraphStore } from '../store/graph-store.js';
import type { Executor, Params } from '../store/executor.js';
import { openGrafeo } from '../store/grafeo.js';
import { openNeo4j } from '../store/neo4j.js';
import { loadQueries, type QueryName, type StoreKind } from '../store/queries.js';

export interface TestStore {
  store: GraphStore;
  /** Every named statement the store ran, with the parameter names it was given. */
  used: Map<QueryName, Set<string>>;
  dataDir?: string;
  dispose(): Promise<void>;
}

export const NEO4J_URI = process.env.NEO4J_URI;

/** The engine under test: Neo4j in the vitest project "neo4j", the embedded store everywhere else. */
export const TEST_STORE: StoreKind = process.env.ECOGRAPH_TEST_STORE === 'neo4j' ? 'neo4j' : 'grafeo';

/** `describe` for tests that need a store: on Neo4j without NEO4J_URI they are reported as skipped. */
export const describeStore = describe.skipIf(TEST_STORE === 'neo4j' && !NEO4J_URI);
export const itStore = it.skipIf(TEST_STORE === 'neo4j' && !NEO4J_URI);

/** The credentials tests use for the Neo4j at NEO4J_URI (the launcher's local default password). */
export function neo4jTestConfig() {
  return { uri: NEO4J_URI!, user: process.env.NEO4J_USER || 'neo4j', password: process.env.NEO4J_PASSWORD || 'ecograph-local' };
}

/** Empties the Neo4j at NEO4J_URI: every test on Neo4j starts from an empty database. */
export async function wipeNeo4j(): Promise<void> {
  const config = neo4jTestConfig();
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password));
  try {
    await driver.executeQuery('MATCH (n) DETACH DELETE n');
  } finally {
    await driver.close();
  }
}

/** Wraps the real executor to record which statements ran with which parameters; behaviour is untouched. */
function recording(executor: Executor, used: Map<QueryName, Set<string>>): Executor {
  const note = (query: QueryName, params: Params = {}) => {
    const names = used.get(query) ?? new Set<string>();
    for (const name of Object.keys(params)) names.add(name);
    used.set(query, names);
  };
  return {
    kind: executor.kind,
    read: (query, params) => (note(query, params), executor.read(query, params)),
    write: (work) => executor.write((tx) => work({ run: (query, params) => (note(query, params), tx.run(query, params)) })),
    close: () => executor.close(),
  };
}

export function tempDir(prefix = 'ecograph-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function grafeoTestStore(): Promise<TestStore> {
  const dataDir = tempDir();
  const used = new Map<QueryName, Set<string>>();
  const store = new GraphStore(recording(await openGrafeo(dataDir, loadQueries()), used));
  return {
    store,
    used,
    dataDir,
    dispose: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function neo4jTestStore(): Promise<TestStore> {
  await wipeNeo4j();
  const used = new Map<QueryName, Set<string>>();
  const store = new GraphStore(recording(await openNeo4j(neo4jTestConfig(), loadQueries()), used));
  return { store, used, dispose: () => store.close() };
}

/** A fresh store of the engine under test. */
export function openTestStore(): Promise<TestStore> {
  return TEST_STORE === 'neo4j' ? neo4jTestStore() : grafeoTestStore();
}
