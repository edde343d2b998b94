/** Opens the configured store: Neo4j when NEO4J_URI is set, the embedded Grafeo file otherwise. */
import path from 'node:path';
import type { Config } from '../config.js';
import { GraphStore } from './graph-store.js';
import { loadQueries } from './queries.js';

/** The change log beside the store (see changes-file.ts). */
export const CHANGES_FILE = 'changes.log';

export async function openStore(config: Pick<Config, 'dataDir' | 'neo4j'>): Promise<GraphStore> {
  const queries = loadQueries();
  // Only the configured engine's client is loaded: the Neo4j driver (with rxjs) took about 0.3 s of an embedded server's start.
  const executor =
    config.neo4j === undefined ? await (await import('./grafeo.js')).openGrafeo(config.dataDir, queries) : await (await import('./neo4j.js')).openNeo4j(config.neo4j, queries);
  const store = new GraphStore(executor);
  await store.addIdentityKeys();
  await store.keepChangesIn(path.join(config.dataDir, CHANGES_FILE));
  return store;
}

export { GraphStore, StoreWriter } from './graph-store.js';
export { StoreAuthError, StoreInUseError, StoreUnavailableError } from './executor.js';
