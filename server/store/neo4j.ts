/**
 * The production executor: Neo4j 5 through neo4j-driver. One driver per
 * process, every statement in a managed transaction (retried by the driver on
 * transient errors), sessions closed in `finally`.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import type { Executor, Params, Row, WriteTransaction } from './executor.js';
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

export async function openNeo4j(config: Neo4jConfig, queries: Queries): Promise<Executor> {
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password));
  try {
    await driver.verifyConnectivity();
    const executor = new Neo4jExecutor(driver, queries, config.database);
    await executor.applySchema(loadSchema('neo4j'));
    return executor;
  } catch (error) {
    await driver.close();
    throw error;
  }
}

class Neo4jExecutor implements Executor {
  readonly kind = 'neo4j' as const;

  constructor(
    private readonly driver: Driver,
    private readonly queries: Queries,
    private readonly database?: string,
  ) {}

  private session() {
    return this.driver.session(this.database === undefined ? {} : { database: this.database });
  }

  async applySchema(statements: string[]): Promise<void> {
    const session = this.session();
    try {
      for (const statement of statements) await session.run(statement);
    } finally {
      await session.close();
    }
  }

  async read(query: QueryName, params: Params = {}): Promise<Row[]> {
    const session = this.session();
    try {
      const result = await session.executeRead((tx) => tx.run(this.queries[query], toNeo4jParams(params) as Params));
      return result.records.map((record) => toPlain(record.toObject()) as Row);
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
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
