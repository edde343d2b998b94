/**
 * Export benchmark on a store that already holds an ecosystem (no import):
 * times GET /api/export's JSON stream and the CSV zip as the route produces
 * them, read to the end: first from the store (the first export after a
 * change), then again from the file that export left beside the store (see
 * server/import/export-cache.ts); then, for JSON, once more after each of
 * two writes (a partner renamed, a partner deleted with its relationships),
 * brought forward from that file (export-reuse.ts), the zip too (before the
 * JSON, so from the files of the version before the write: after the first
 * write the kept JSON, after the second the CSV lines the first zip kept);
 * and the store's read alone, rows not written, to tell the engine's share
 * from ours. Prints seconds, size and
 * Node's peak RSS. The embedded store in --data-dir (e.g. one `npm run
 * import` filled), or the Neo4j at NEO4J_URI with --store neo4j (the files
 * are then kept in --data-dir too).
 *
 *   npm run bench:export -- --data-dir <dir> [--store grafeo|neo4j] [--formats json,zip]
 */
import { createHash, type Hash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { GraphStore } from '../server/store/graph-store.js';
import { openGrafeo } from '../server/store/grafeo.js';
import { openNeo4j } from '../server/store/neo4j.js';
import { loadQueries } from '../server/store/queries.js';
import { ExportCache, type ExportFormat } from '../server/import/export-cache.js';
import { bundleJson } from '../server/import/export-json.js';
import { PartnerListQuery } from '../server/schemas/api.js';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, store: { type: 'string', default: 'grafeo' }, formats: { type: 'string', default: 'json,zip' } } });
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`;
const dataDir = values['data-dir'] ?? './data';

const store =
  values.store === 'neo4j'
    ? new GraphStore(await openNeo4j(loadConfig().neo4j!, loadQueries()))
    : new GraphStore(await openGrafeo(dataDir, loadQueries()));
const cache = new ExportCache(store, dataDir);
// The first export must read the store: files an earlier run kept go first.
for (const name of readdirSync(dataDir)) if (name.startsWith('export-')) rmSync(path.join(dataDir, name), { force: true });

try {
  const counts = await store.counts();
  console.log(`${values.store} store: ${counts.partners.toLocaleString('en')} partners, ${counts.customers.toLocaleString('en')} customers, ${counts.relationships.toLocaleString('en')} relationships`);
  const results: Record<string, Record<string, string>> = {};
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  const timed = async (name: string, chunks: AsyncIterable<string | Buffer | unknown>, size: (chunk: never) => number) => {
    const started = performance.now();
    let firstByte = -1;
    let bytes = 0;
    for await (const chunk of chunks) {
      if (firstByte < 0) firstByte = performance.now() - started;
      bytes += size(chunk as never);
    }
    results[name] = { seconds: ((performance.now() - started) / 1000).toFixed(1), 'first chunk, ms': firstByte.toFixed(0), size: mb(bytes), 'Node peak RSS so far': mb(process.resourceUsage().maxRSS * 1024), 'load average': load() };
  };
  const byteSize = (chunk: string | Buffer) => (typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
  await timed('store read alone (rows, not written)', store.exportBatches(), () => 0);
  const formats = values.formats.split(',') as ExportFormat[];
  for (const format of formats) {
    for (const pass of ['first', 'again'] as const) {
      const stream = await cache.stream(format);
      await timed(`${format}, ${pass}: from the ${cache.lastFrom[format]}`, stream, byteSize);
    }
    if (format !== 'json') continue;
    // One write at a time, as an API PUT or DELETE makes it: the next export brings the kept one forward.
    const [renamed, deleted] = (await store.listPartners(PartnerListQuery.parse({ limit: 2 }))).items;
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['a partner renamed', () => store.write((w) => w.upsertPartners([{ ...renamed!, name: `${renamed!.name} (benchmark)` }]))],
      ['a partner deleted', () => store.write((w) => w.delete('partners', deleted!.id))],
    ];
    for (const [what, write] of writes) {
      await write();
      if (formats.includes('zip')) {
        // The zip too, from the files kept at the version before the write: the JSON (its untouched windows parsed back), or the CSV lines a zip kept.
        const zip = await cache.stream('zip');
        await timed(`zip, after ${what}: from the ${cache.lastFrom.zip}${cache.lastFrom.zip === 'patched' ? ` ${cache.lastPatchedFrom.zip}` : ''}`, zip, byteSize);
      }
      const stream = await cache.stream(format);
      const patched = createHash('sha1');
      await timed(`${format}, after ${what}: from the ${cache.lastFrom[format]}`, tee(stream, patched), byteSize);
      // Checked at this scale too: the same bytes as a read of the whole store.
      const read = createHash('sha1');
      for await (const chunk of bundleJson(store)) read.update(chunk);
      console.log(`after ${what}, identical to a read of the whole store: ${patched.digest('hex') === read.digest('hex') ? 'yes' : 'NO'}`);
    }
  }
  console.table(results);
} finally {
  await store.close();
}

async function* tee(chunks: AsyncIterable<string | Buffer>, hash: Hash): AsyncGenerator<string | Buffer> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}
