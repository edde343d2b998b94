/**
 * SIGKILL during a large batched import, into the store under test: it must come back at exactly
 * its last committed batch (no partial batch, no committed batch lost), and
 * running the import again must complete it.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import type { Bundle, BundleSection } from '../../schemas/bundle.js';
import { openStore } from '../../store/index.js';
import { itStore, neo4jTestConfig, tempDir, TEST_STORE, wipeNeo4j } from '../../test/stores.js';

const BATCH = 500;
const SECTIONS: BundleSection[] = ['capabilities', 'regions', 'segments', 'partners', 'customers', 'relationships', 'deals', 'solutions'];

let dir: string;
let bundle: Bundle;
let bundleFile: string;
beforeAll(async () => {
  if (TEST_STORE === 'neo4j') await wipeNeo4j();
  dir = tempDir('ecograph-crash-');
  bundle = generateBundle({ partners: 2000, customers: 4000, relationships: 30_000, seed: 7 });
  bundleFile = path.join(dir, 'bundle.json');
  writeFileSync(bundleFile, JSON.stringify(bundle));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI import; resolves with its exit code, killing it once `killAtRows` rows are reported done. */
function runImport(dataDir: string, killAtRows?: number): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/import/cli.ts', bundleFile, '--batch', String(BATCH)], {
      env: { ...process.env, DATA_DIR: dataDir, ...storeEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      const [, done, total] = [...output.matchAll(/ ([\d,]+)\/([\d,]+) rows/g)].at(-1)?.map((m) => Number(m.replace(/,/g, ''))) ?? [];
      if (killAtRows !== undefined && done !== undefined && done >= killAtRows && done < total! && child.exitCode === null) child.kill('SIGKILL');
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

/** Node and link counts after the first `batches` batches, in the importer's order. */
function expectedAfter(batches: number) {
  const counts: Record<string, number> = {};
  let left = batches;
  for (const section of SECTIONS) {
    const rows = bundle[section]?.length ?? 0;
    const taken = Math.min(rows, Math.max(0, left) * BATCH);
    counts[section] = taken;
    left -= Math.ceil(rows / BATCH);
  }
  return counts;
}

/** The CLI's store: the embedded one under DATA_DIR, or the Neo4j under test. */
function storeEnv(): Record<string, string> {
  if (TEST_STORE !== 'neo4j') return { NEO4J_URI: '' };
  const { uri, user, password } = neo4jTestConfig();
  return { NEO4J_URI: uri, NEO4J_USER: user, NEO4J_PASSWORD: password };
}

async function storeState(dataDir: string) {
  const neo4j = TEST_STORE === 'neo4j' ? neo4jTestConfig() : undefined;
  const store = await openStore({ dataDir, neo4j });
  try {
    const counts = await store.counts();
    const links = (await store.listRelationships({ limit: 1_000_000 })).items.length;
    return { counts, links, progress: await store.importProgress() };
  } finally {
    await store.close();
  }
}

itStore('leaves the store at its last committed batch after SIGKILL, and a re-run completes the import', async () => {
  const dataDir = path.join(dir, 'data');
  const totalRows = SECTIONS.reduce((n, s) => n + (bundle[s]?.length ?? 0), 0);
  // Kill at the first progress report past a tenth of the rows, while the import is still running (the CLI
  // reports once a second: past a quarter, a fast run had sometimes no report left before its last).
  const killed = await runImport(dataDir, Math.round(totalRows * 0.1));
  expect(killed.signal, `the import ended before it could be killed:\n${killed.output}`).toBe('SIGKILL');

  const state = await storeState(dataDir);
  const batches = state.progress.batches;
  expect(batches).toBeGreaterThan(0);
  const expected = expectedAfter(batches);
  expect(expected.relationships).toBeLessThan(bundle.relationships.length);
  expect(state.counts).toMatchObject({ partners: expected.partners, customers: expected.customers, capabilities: expected.capabilities, deals: 0 });
  expect(state.links).toBe(expected.relationships);

  const rerun = await runImport(dataDir);
  expect(rerun.code, rerun.output).toBe(0);
  const final = await storeState(dataDir);
  expect(final.counts).toMatchObject({ partners: bundle.partners.length, customers: bundle.customers.length, deals: bundle.deals.length, solutions: bundle.solutions.length });
  expect(final.links).toBe(bundle.relationships.length);
}, 180_000);
