/**
 * The real server for tests: the app on 127.0.0.1 on a free port, over the
 * store under test (a fresh embedded store in a temporary directory, or the
 * Neo4j at NEO4J_URI), loaded with the demo ecosystem unless told otherwise.
 */
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import type { StoreKind } from '../store/queries.js';
import { neo4jTestConfig, tempDir, TEST_STORE, wipeNeo4j } from './stores.js';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface TestServerOptions {
  dataDir?: string;
  seed?: 'demo' | 'none';
  /** The engine; the one under test unless told. */
  store?: StoreKind;
  /** On Neo4j: empty the database first (default), or keep what an earlier server left. */
  wipe?: boolean;
  /** On Neo4j: another server than NEO4J_URI's (tests that start their own). */
  neo4j?: { uri: string; user: string; password: string };
  /** More environment for the server's config (AUTH, RATE_LIMIT, ALLOWED_HOSTS…). */
  env?: Record<string, string>;
}

export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const store = options.store ?? TEST_STORE;
  const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED: options.seed ?? 'demo', LOG_LEVEL: 'warn', ...options.env };
  if (store === 'neo4j') {
    const neo4j = options.neo4j ?? neo4jTestConfig();
    if (options.neo4j === undefined && options.wipe !== false) await wipeNeo4j();
    Object.assign(env, { NEO4J_URI: neo4j.uri, NEO4J_USER: neo4j.user, NEO4J_PASSWORD: neo4j.password });
  }
  const app = await buildApp(loadConfig(env));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    close: async () => {
      await app.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A JSON request to a test server: its status and parsed body (null when empty). */
export async function callJson(server: { url: string }, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

/** callJson, with the projection read back to back meanwhile (as other clients' requests would) until it is answered. */
export async function callUnderReads(server: TestServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  let answered = false;
  const reading = (async () => {
    while (!answered) await server.app.projection.current();
  })();
  try {
    return await callJson(server, method, path, body);
  } finally {
    answered = true;
    await reading;
  }
}
