/**
 * Neo4j faults, on a real Neo4j of the test's own (the launcher on a free
 * port): unreachable or refusing the credentials at start, a clear message
 * and a non-zero exit; lost while serving, 503s in the documented shape,
 * nothing half-written, and recovery by itself once Neo4j is back.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { tinyBundle } from '../../test/fixtures.js';
import { freePort, HAS_JAVA, localNeo4j, type LocalNeo4j } from '../../test/local-neo4j.js';
import { startServer, type TestServer } from '../../test/server.js';
import { NEO4J_URI, tempDir, TEST_STORE } from '../../test/stores.js';

/** Starts the real server process; resolves with its exit code and what it printed. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
      env: { ...process.env, PORT: '0', SEED: 'none', LOG_LEVEL: 'warn', DATA_DIR: tempDir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const STACK_FRAME = /^\s+at /m;

// In the vitest project "neo4j" only; needs Java and Maven for its own Neo4j.
describe.skipIf(TEST_STORE !== 'neo4j' || !NEO4J_URI || !HAS_JAVA)('Neo4j faults', () => {
  const dataDir = tempDir('ecograph-neo4j-faults-');
  let db: LocalNeo4j;
  let server: TestServer | undefined;
  beforeAll(async () => {
    db = await localNeo4j(dataDir);
    await db.start();
  });
  afterAll(async () => {
    await server?.close();
    await db?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits with a message naming NEO4J_URI, and no stack trace, when Neo4j is unreachable at start', async () => {
    const uri = `bolt://127.0.0.1:${await freePort()}`;
    const { code, output } = await runServer({ NEO4J_URI: uri });
    expect(code).toBe(1);
    expect(output).toContain(`NEO4J_URI=${uri} is unavailable`);
    expect(output).not.toMatch(STACK_FRAME);
  });

  it('exits with a message about the credentials, and no stack trace, when Neo4j refuses them', async () => {
    const { code, output } = await runServer({ NEO4J_URI: db.uri, NEO4J_USER: 'neo4j', NEO4J_PASSWORD: 'not-the-password' });
    expect(code).toBe(1);
    expect(output).toContain('refused the credentials of NEO4J_USER=neo4j: check NEO4J_USER and NEO4J_PASSWORD');
    expect(output).not.toMatch(STACK_FRAME);
  });

  it('answers 503 while Neo4j is lost, keeps nothing of the write it lost, and recovers by itself', async () => {
    server = await startServer({ store: 'neo4j', neo4j: db, seed: 'none' });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(server!.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect((await call('POST', '/api/import', tinyBundle())).status).toBe(200);
    const before = (await call('GET', '/api/export')).body;

    // A large import in one transaction, and Neo4j killed while that transaction is open.
    const big = generateBundle({ partners: 1500, customers: 3000, relationships: 8000, seed: 11 });
    const importing = call('POST', '/api/import', big);
    await untilWriteTransactionOpen(db);
    await db.kill();

    const unavailable = { error: 'Service Unavailable', message: expect.stringContaining('unavailable'), details: [] };
    // Each waits out the driver's retries (seconds): sent together.
    const [imported, listed, posted, health] = await Promise.all([
      importing,
      call('GET', '/api/partners'),
      call('POST', '/api/partners', { id: 'p-lost', name: 'Lost', types: ['msp'] }),
      call('GET', '/api/health'),
    ]);
    expect(imported).toEqual({ status: 503, body: unavailable });
    expect(listed).toEqual({ status: 503, body: unavailable });
    expect(posted).toEqual({ status: 503, body: unavailable });
    expect(health.status).toBe(503);

    await db.start();
    const deadline = Date.now() + 60_000;
    while ((await call('GET', '/api/health')).status !== 200) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await call('GET', '/api/export')).body).toEqual(before);
    expect((await call('POST', '/api/partners', { id: 'p-back', name: 'Back', types: ['msp'] })).status).toBe(201);
    expect((await call('GET', '/api/partners/p-back')).status).toBe(200);
    expect((await call('GET', '/api/gaps')).status).toBe(200);
  }, 240_000);
});

/** Waits until Neo4j runs a write transaction other than this check's own (the import's). */
async function untilWriteTransactionOpen(db: LocalNeo4j): Promise<void> {
  const driver = neo4j.driver(db.uri, neo4j.auth.basic(db.user, db.password));
  try {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const { records } = await driver.executeQuery("SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS 'UNWIND $rows' RETURN count(*) AS open");
      if (records[0]!.get('open').toNumber() > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the import never opened a write transaction');
  } finally {
    await driver.close();
  }
}
