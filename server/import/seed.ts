/** First start on an empty store loads the demo ecosystem (SEED=demo, the default). */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { GraphStore } from '../store/graph-store.js';
import { importBundle } from './import-bundle.js';

export const DEMO_BUNDLE = fileURLToPath(new URL('../../seeds/demo/bundle.json', import.meta.url));

export async function seedIfEmpty(store: GraphStore, seed: 'demo' | 'none', log: FastifyBaseLogger): Promise<void> {
  if (seed === 'none' || (await store.version()) > 0) return;
  const report = await importBundle(store, JSON.parse(await readFile(DEMO_BUNDLE, 'utf8')));
  if (!report.committed) throw new Error(`seed: the demo bundle has bad rows: ${JSON.stringify(report.errors.slice(0, 5))}`);
  log.info({ written: report.written, merges: report.merges.length }, 'loaded the demo ecosystem into the empty store');
}
