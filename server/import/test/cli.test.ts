/**
 * The real import CLI, run as a child process against real servers and
 * stores: it hands a bundle to a running server only when that server holds
 * the store of its DATA_DIR, sends a key when given one, says where it
 * imports, and fails in one line. The embedded store only: its lock is what
 * sends the CLI to a server (Neo4j takes any number of clients).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../access/keys.js';
import { openGrafeo } from '../../store/grafeo.js';
import { loadQueries } from '../../store/queries.js';
import { ensureStoreId } from '../../store/store-id.js';
import type { Executor } from '../../store/executor.js';
import { startServer, type TestServer } from '../../test/server.js';
import { tempDir, TEST_STORE } from '../../test/stores.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = path.join(ROOT, 'server/import/cli.ts');
/** tsx by path: the CLI may run in a directory without node_modules. */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking this process, whose server it may call. */
async function runCli(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['DATA_DIR', 'NEO4J_URI', 'PORT', 'HOST', 'ECOGRAPH_KEY'].includes(name)));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: { ...base, LOG_LEVEL: 'warn', ...env } as NodeJS.ProcessEnv });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function bundleFile(id: string): string {
  const file = path.join(tempDir('ecograph-cli-'), 'bundle.json');
  writeFileSync(file, JSON.stringify({ version: 1, regions: ['emea'], partners: [{ id, name: `CLI ${id}`, types: ['reseller'], regions: ['emea'] }] }));
  return file;
}

const portOf = (server: TestServer) => new URL(server.url).port;
const hasPartner = async (server: TestServer, id: string) => (await fetch(`${server.url}/api/partners/${id}`)).status === 200;
const noStack = (run: Run) => expect(run.stderr).not.toMatch(/^\s+at /m);

describe.skipIf(TEST_STORE === 'neo4j')('the import CLI and a locked store', () => {
  let server: TestServer;
  let serverDir: string;
  let otherDir: string;
  let other: Executor;

  beforeAll(async () => {
    serverDir = tempDir();
    server = await startServer({ seed: 'none', dataDir: serverDir, store: 'grafeo' });
    // Another store, held by this process: locked, with its own id.
    otherDir = tempDir();
    other = await openGrafeo(otherDir, loadQueries());
    ensureStoreId(otherDir);
  });
  afterAll(async () => {
    await other.close();
    await server.close();
  });

  it('hands the bundle to the server that holds its store', async () => {
    const run = await runCli([bundleFile('p-via-server')], { DATA_DIR: serverDir, HOST: '127.0.0.1', PORT: portOf(server) });
    expect(run.stderr).toContain(`into the embedded store in ${path.resolve(serverDir)}`);
    expect(run.stderr).toContain('sending the bundle to the server that holds it');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('imported: 1 regions, 1 partners');
    expect(await hasPartner(server, 'p-via-server')).toBe(true);
  });

  it('refuses, in one line, to send the bundle to a server holding another store', async () => {
    const run = await runCli([bundleFile('p-wrong-store')], { DATA_DIR: otherDir, HOST: '127.0.0.1', PORT: portOf(server) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/holds another store \(id [0-9a-f-]+\): nothing sent/);
    noStack(run);
    expect(await hasPartner(server, 'p-wrong-store')).toBe(false);
  });

  it('ends with one clear line when the store is locked and no server answers', async () => {
    const closed = await startServer({ seed: 'none', store: 'grafeo' });
    const port = portOf(closed);
    await closed.close();
    const run = await runCli([bundleFile('p-nowhere')], { DATA_DIR: otherDir, HOST: '127.0.0.1', PORT: port });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no Ecograph server answers at http://127.0.0.1:${port}`);
    noStack(run);
  });

  it('says which directory it imports into when DATA_DIR is not set', async () => {
    const cwd = tempDir('ecograph-cli-cwd-');
    const run = await runCli([bundleFile('p-default-dir')], {}, cwd);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`into the embedded store in ${path.join(cwd, 'data')}`);
  });
});

describe.skipIf(TEST_STORE === 'neo4j')('the import CLI and a server that requires keys', () => {
  let server: TestServer;
  let dataDir: string;
  let editorKey: string;

  beforeAll(async () => {
    dataDir = tempDir();
    editorKey = new KeyRing(dataDir).create({ name: 'importer', role: 'editor' }, 'test').key;
    server = await startServer({ seed: 'none', dataDir, store: 'grafeo', env: { AUTH: 'required' } });
  });
  afterAll(() => server.close());

  it('asks for a key without one, and sends --key or ECOGRAPH_KEY', async () => {
    const env = { DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: portOf(server) };
    const without = await runCli([bundleFile('p-no-key')], env);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('requires an API key');
    noStack(without);

    expect((await runCli([bundleFile('p-flag-key'), '--key', editorKey], env)).code).toBe(0);
    expect((await runCli([bundleFile('p-env-key')], { ...env, ECOGRAPH_KEY: editorKey })).code).toBe(0);
    const headers = { authorization: `Bearer ${editorKey}` };
    for (const id of ['p-flag-key', 'p-env-key']) expect((await fetch(`${server.url}/api/partners/${id}`, { headers })).status).toBe(200);
    // The server recorded who imported.
    const audit = await (await fetch(`${server.url}/api/audit?actor=importer`, { headers: { authorization: `Bearer ${new KeyRing(dataDir).create({ name: 'auditor', role: 'admin' }, 'test').key}` } })).json();
    expect(audit.items.map((e: { route: string }) => e.route)).toEqual(['/api/import', '/api/import']);
  });
});
