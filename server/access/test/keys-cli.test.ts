/**
 * The real keys CLI (npm run keys), run as a child process beside a running
 * server that holds the store: a key it creates works at once, its file holds
 * only the hash, a revoke is refused at once, and mistakes end in one line.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/server.js';
import { tempDir, TEST_STORE } from '../../test/stores.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = path.join(ROOT, 'server/access/keys-cli.ts');

async function keys(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', TSX, CLI, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.skipIf(TEST_STORE === 'neo4j')('npm run keys beside a running server', () => {
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir();
    server = await startServer({ seed: 'none', dataDir, store: 'grafeo', env: { AUTH: 'required' } });
  });
  afterAll(() => server.close());

  const health = (key: string) => fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

  it('creates a key the server accepts at once, stores only its hash, lists without it, and revokes it at once', async () => {
    const created = await keys(dataDir, 'create', '--role', 'viewer', '--name', 'ann');
    expect(created.code).toBe(0);
    const key = created.stdout.match(/^(eco_[\w-]{43})$/m)?.[1];
    expect(key).toBeDefined();
    expect(await health(key!)).toBe(200);

    const file = readFileSync(path.join(dataDir, 'keys.json'), 'utf8');
    expect(file).not.toContain(key!);
    expect(file).toMatch(/"hash": "[0-9a-f]{64}"/);

    const listed = await keys(dataDir, 'list');
    expect(listed.stdout).toMatch(/key_\w+\s+viewer\s+ann .* active/);
    expect(listed.stdout).not.toContain(key!);

    expect((await keys(dataDir, 'revoke', 'ann')).code).toBe(0);
    expect(await health(key!)).toBe(401);
    expect((await keys(dataDir, 'list')).stdout).toMatch(/ann .* revoked/);

    // The server put both changes in the audit trail when it saw the file change.
    const admin = (await keys(dataDir, 'create', '--role', 'admin', '--name', 'auditor')).stdout.match(/^(eco_[\w-]{43})$/m)![1]!;
    const annId = JSON.parse(readFileSync(path.join(dataDir, 'keys.json'), 'utf8')).keys.find((k: { name: string }) => k.name === 'ann').id;
    await expect
      .poll(async () => {
        const trail = await (await fetch(`${server.url}/api/audit?entity=keys&id=${annId}`, { headers: { authorization: `Bearer ${admin}` } })).json();
        return trail.items.map((e: { method: string; route: string; actor: string; actorName: string }) => `${e.method} ${e.route} ${e.actor} ${e.actorName.startsWith('cli:')}`);
      })
      .toEqual(['REVOKE npm run keys cli true', 'CREATE npm run keys cli true']);
  });

  it('ends mistakes with one line and a non-zero exit', async () => {
    const partnerless = await keys(dataDir, 'create', '--role', 'partner', '--name', 'acme');
    expect(partnerless.code).toBe(2);
    expect(partnerless.stderr).toContain('--partner: a partner key needs the partner it is scoped to');
    const unknown = await keys(dataDir, 'revoke', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no key in force with id or name "nobody"');
    expect(`${partnerless.stderr}${unknown.stderr}`).not.toMatch(/^\s+at /m);
  });
});
