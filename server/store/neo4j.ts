/**
 * The production executor: Neo4j 5 through neo4j-driver. One driver per
 * process, every statement in a managed transaction (retried by the driver on
 * transient errors), sessions closed in `finally`, all sessions sharing one
 * bookmark manager so that a read sees the writes before it, also on a cluster.
 * A lost server becomes StoreUnavailableError (503); the driver reconnects by
 * itself once the server is back.
 */
import neo4j, { type BookmarkManager, type Driver, Neo4jError } from 'neo4j-driver';
import { StoreAuthError, StoreUnavailableError, type Executor, type Params, type Row, type WriteTransaction } from './executor.js';
import { toPlain } from './normalise.js';
import { loadSchema, type Queries, type QueryName } from './queries.js';

export interface Neo4jConfig {
  uri: string;
  user: string;
  password: string;
  database?: string;
}

/** A parameter Neo4j could not store exactly. The schemas refuse such input first; this guards the boundary. */
export class UnsafeNumberError extends RangeError {}

/**
 * JavaScript numbers reach Neo4j as floats, but LIMIT/SKIP and counters need
 * integers: send every integral number as a Neo4j Integer. An integral number
 * past ±2^53 is not exact in JavaScript, and neo4j.int would clamp it to
 * ±2^63: refuse it instead.
 */
export function toNeo4jParams(value: unknown, path = '$'): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (!Number.isSafeInteger(value)) throw new UnsafeNumberError(`store/neo4j: parameter ${path} = ${value} is outside ±(2^53 − 1)`);
    return neo4j.int(value);
  }
  if (Array.isArray(value)) return value.map((v, i) => toNeo4jParams(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNeo4jParams(v, `${path}.${k}`)]));
  }
  return value;
}

/**
 * How long the driver retries a transaction that failed transiently (a lost
 * connection among them) before the request fails: short enough that a
 * client gets its 503 while it still waits, long enough for a leader switch.
 */
const TRANSACTION_RETRY_MS = 5_000;

const UNAVAILABLE = new Set<string>([neo4j.error.SERVICE_UNAVAILABLE, neo4j.error.SESSION_EXPIRED]);

/** The driver's errors that mean "Neo4j is not there" or "not with these credentials", as store errors; others unchanged. */
function storeError(error: unknown, config: Neo4jConfig): unknown {
  if (!(error instanceof Neo4jError)) return error;
  if (UNAVAILABLE.has(error.code)) return new StoreUnavailableError(`Neo4j at NEO4J_URI=${config.uri} is unavailable: ${error.message}`);
  if (error.code === 'Neo.ClientError.Security.Unauthorized' || error.code === 'Neo.ClientError.Security.AuthenticationRateLimit') {
    return new StoreAuthError(`Neo4j at NEO4J_URI=${config.uri} refused the credentials of NEO4J_USER=${config.user}: check NEO4J_USER and NEO4J_PASSWORD (${error.message})`);
  }
  return error;
}

export async function openNeo4j(config: Neo4jConfig, queries: Queries): Promise<Executor> {
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), { maxTransactionRetryTime: TRANSACTION_RETRY_MS });
  try {
    await driver.verifyConnectivity();
    const executor = new Neo4jExecutor(driver, queries, config);
    await executor.applySchema(loadSchema('neo4j'));
    return executor;
  } catch (error) {
    await driver.close();
    throw storeError(error, config);
  }
}

class Neo4jExecutor implements Executor {
  readonly kind = 'neo4j' as const;

  private readonly bookmarks: BookmarkManager = neo4j.bookmarkManager();

  constructor(
    private readonly driver: Driver,
    private readonly queries: Queries,
    private readonly config: Neo4jConfig,
  ) {}

  private session() {
    return this.driver.session({ bookmarkManager: this.bookmarks, ...(this.config.database === undefined ? {} : { database: this.config.database }) });
  }

  async applySchema(statements: string[]): Promise<void> {
    const session = this.session();
    try {
      for (const statement of statements) await session.run(statement);
    } catch (error) {
      throw storeError(error, this.config);
    } finally {
      await session.close();
    }
  }

  async read(query: QueryName, params: Params = {}): Promise<Row[]> {
    const session = this.session();
    try {
      const result = await session.executeRead((tx) => tx.run(this.queries[query], toNeo4jParams(params) as Params));
      return result.records.map((record) => toPlain(record.toObject()) as Row);
    } catch (error) {
      throw storeError(error, this.config);
    } finally {
      await session.close();
    }
  }

  async write<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    const session = this.session();
    try {
      return await session.executeWrite((tx) =>
        work({
          run: async (query, params = {}) => {
            const result = await tx.run(this.queries[query], toNeo4jParams(params) as Params);
            return result.records.map((record) => toPlain(record.toObject()) as Row);
          },
        }),
      );
    } catch (error) {
      throw storeError(error, this.config);
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
