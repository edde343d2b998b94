/**
 * Real stores for tests: a fresh embedded store in a temporary directory,
 * and a Neo4j store when NEO4J_URI is set (the database it points at is wiped).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { GraphStore } from '../store/graph-store.js';
import type { Executor, Params } from '../store/executor.js';
import { openGrafeo } from '../store/grafeo.js';
import { openNeo4j } from '../store/neo4j.js';
import { loadQueries, type QueryName } from '../store/queries.js';

export interface TestStore {
  store: GraphStore;
  /** Every named statement the store ran, with the parameter names it was given. */
  used: Map<QueryName, Set<string>>;
  dataDir?: string;
  dispose(): Promise<void>;
}

export const NEO4J_URI = process.env.NEO4J_URI;

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
  const config = { uri: NEO4J_URI!, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' };
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password));
  try {
    await driver.executeQuery('MATCH (n) DETACH DELETE n');
  } finally {
    await driver.close();
  }
  const used = new Map<QueryName, Set<string>>();
  const store = new GraphStore(recording(await openNeo4j(config, loadQueries()), used));
  return { store, used, dispose: () => store.close() };
}
