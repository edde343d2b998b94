/**
 * The windowed import against the one-go import of the same bundle, on the
 * store under test: the same export whatever the window, the file's section
 * order or a SIGKILL half-way followed by a re-run; and what all-or-nothing
 * means when windows are committed as they go.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import type { Bundle } from '../../schemas/bundle.js';
import { openStore } from '../../store/index.js';
import { describeStore, itStore, neo4jTestConfig, openTestStore, tempDir, TEST_STORE, wipeNeo4j } from '../../test/stores.js';
import { importBundle } from '../import-bundle.js';
import { importWindowed } from '../windowed.js';

let dir: string;
let bundle: Bundle;
let text: string;
/** The export after a one-go import of `bundle`: what every windowed import must leave. */
let reference: unknown;

async function* chunks(body: string, size = 4096) {
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

beforeAll(async () => {
  if (TEST_STORE === 'neo4j' && !neo4jTestConfig().uri) return;
  dir = tempDir('ecograph-windowed-');
  bundle = generateBundle({ partners: 300, customers: 600, relationships: 3000, seed: 11 });
  text = JSON.stringify(bundle);
  const t = await openTestStore();
  try {
    const report = await importBundle(t.store, JSON.parse(text));
    expect(report.errorCount).toBe(0);
    reference = await t.store.exportBundle();
  } finally {
    await t.dispose();
  }
}, 180_000);
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** A windowed import of `body` into a fresh store: its report and the store's export. */
async function windowed(body: string, windowRows = 50) {
  const t = await openTestStore();
  try {
    const report = await importWindowed(t.store, chunks(body), { windowRows, batchRows: 20 });
    return { report, exported: await t.store.exportBundle() };
  } finally {
    await t.dispose();
  }
}

describeStore('windowed import', () => {
  itStore('leaves the store as a one-go import of the same bundle does, window after window', async () => {
    const { report, exported } = await windowed(text);
    expect(report.committed).toBe(true);
    expect(report.errorCount).toBe(0);
    expect(report.written).toMatchObject({ partners: 300, customers: 600, deals: bundle.deals.length, programs: bundle.programs!.length });
    expect(exported).toEqual(reference);
  }, 180_000);

  itStore('imports sections the file holds out of order (version last, relationships before partners) after the file ends', async () => {
    const keys = Object.keys(bundle).reverse();
    expect([keys.at(-1), keys.indexOf('relationships') < keys.indexOf('partners')]).toEqual(['version', true]);
    const reversed = `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(bundle[key as keyof Bundle])}`).join(',')}}`;
    const { report, exported } = await windowed(reversed, 70);
    expect([report.committed, report.errorCount]).toEqual([true, 0]);
    expect(exported).toEqual(reference);
  }, 180_000);

  itStore('all-or-nothing per window: a bad row stops the import at its window, the windows before stay, a re-run completes it', async () => {
    const bad = structuredClone(bundle);
    bad.relationships[130] = { ...bad.relationships[130]!, from: 'p-nobody' };
    const t = await openTestStore();
    try {
      const first = await importWindowed(t.store, chunks(JSON.stringify(bad)), { windowRows: 50, batchRows: 20 });
      expect(first.committed).toBe(false);
      expect(first.errors).toEqual([expect.objectContaining({ section: 'relationships', index: 130, field: 'from', value: 'p-nobody' })]);
      // The catalogue, the partners, the customers and the first two windows of relationships are written; nothing from the third on.
      expect(first.written).toMatchObject({ partners: 300, customers: 600, relationships: 100, deals: 0 });
      expect(first.warnings.at(-1)).toMatch(/^relationships rows 100–149 have bad rows: that window was not written, nor anything after it/);
      expect((await t.store.counts()).partners).toBe(300);

      const rerun = await importWindowed(t.store, chunks(text), { windowRows: 50, batchRows: 20 });
      expect([rerun.committed, rerun.errorCount]).toEqual([true, 0]);
      expect(await t.store.exportBundle()).toEqual(reference);
    } finally {
      await t.dispose();
    }
  }, 180_000);

  itStore('after a SIGKILL of the command line half-way, the store holds whole batches and a re-run completes it', async () => {
    const file = path.join(dir, 'bundle.json');
    writeFileSync(file, text);
    if (TEST_STORE === 'neo4j') await wipeNeo4j();
    const dataDir = path.join(dir, 'data');
    const run = (killAfterWindows?: number) =>
      new Promise<{ code: number | null; signal: string | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'server/import/cli.ts', file, '--window', '200', '--batch', '50'], {
          env: { ...process.env, DATA_DIR: dataDir, ...(TEST_STORE === 'neo4j' ? { NEO4J_URI: neo4jTestConfig().uri } : { NEO4J_URI: '' }) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          // One line per window imported: kill once the relationships have begun.
          if (killAfterWindows !== undefined && (output.match(/ relationships \+/g) ?? []).length >= killAfterWindows && child.exitCode === null) child.kill('SIGKILL');
        });
        child.on('exit', (code, signal) => resolve({ code, signal, output }));
      });
    const killed = await run(2);
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const store = await openStore({ dataDir, neo4j: TEST_STORE === 'neo4j' ? neo4jTestConfig() : undefined });
    try {
      const counts = await store.counts();
      expect(counts.partners).toBe(300);
      // Whole batches only: the relationships written are a multiple of the batch.
      const links = (await store.listRelationships({ limit: 1_000_000 })).items.length;
      expect(links % 50).toBe(0);
      expect(links).toBeGreaterThanOrEqual(400);
      expect(links).toBeLessThan(bundle.relationships.length);
    } finally {
      await store.close();
    }
    const rerun = await run();
    expect(rerun.code, rerun.output).toBe(0);
    const again = await openStore({ dataDir, neo4j: TEST_STORE === 'neo4j' ? neo4jTestConfig() : undefined });
    try {
      expect(await again.exportBundle()).toEqual(reference);
    } finally {
      await again.close();
    }
  }, 300_000);
});
