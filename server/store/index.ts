/** Opens the configured store: Neo4j when NEO4J_URI is set, the embedded Grafeo file otherwise. */
import type { Config } from '../config.js';
import { GraphStore } from './graph-store.js';
import { openGrafeo } from './grafeo.js';
import { openNeo4j } from './neo4j.js';
import { loadQueries } from './queries.js';

export async function openStore(config: Pick<Config, 'dataDir' | 'neo4j'>): Promise<GraphStore> {
  const queries = loadQueries();
  const executor = config.neo4j === undefined ? await openGrafeo(config.dataDir, queries) : await openNeo4j(config.neo4j, queries);
  const store = new GraphStore(executor);
  await store.addIdentityKeys();
  return store;
}

export { GraphStore, StoreWriter } from './graph-store.js';
export { StoreAuthError, StoreInUseError, StoreUnavailableError } from './executor.js';
