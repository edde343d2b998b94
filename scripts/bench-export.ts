/**
 * Export benchmark on a store that already holds an ecosystem (no import):
 * times GET /api/export's JSON stream and the CSV zip as the routes produce
 * them, read to the end, and prints seconds, size and Node's peak RSS.
 * The embedded store in --data-dir (e.g. one `npm run import` filled), or the
 * Neo4j at NEO4J_URI with --store neo4j.
 *
 *   npm run bench:export -- --data-dir <dir> [--store grafeo|neo4j] [--formats json,zip]
 */
import { parseArgs } from 'node:util';
import { GraphStore } from '../server/store/graph-store.js';
import { openGrafeo } from '../server/store/grafeo.js';
import { openNeo4j } from '../server/store/neo4j.js';
import { loadQueries } from '../server/store/queries.js';
import { bundleJson } from '../server/import/export-json.js';
import { bundleCsvZip } from '../server/import/zip.js';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, store: { type: 'string', default: 'grafeo' }, formats: { type: 'string', default: 'json,zip' } } });
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`;

const store =
  values.store === 'neo4j'
    ? new GraphStore(await openNeo4j({ uri: process.env.NEO4J_URI!, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? 'ecograph-local' }, loadQueries()))
    : new GraphStore(await openGrafeo(values['data-dir'] ?? './data', loadQueries()));

try {
  const counts = await store.counts();
  console.log(`${values.store} store: ${counts.partners.toLocaleString('en')} partners, ${counts.customers.toLocaleString('en')} customers, ${counts.relationships.toLocaleString('en')} relationships`);
  const results: Record<string, Record<string, string>> = {};
  for (const format of values.formats.split(',')) {
    const started = performance.now();
    let firstByte = 0;
    let bytes = 0;
    const chunks: AsyncIterable<string | Buffer> = format === 'zip' ? bundleCsvZip(store) : bundleJson(store);
    for await (const chunk of chunks) {
      if (bytes === 0) firstByte = performance.now() - started;
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    }
    results[format] = { seconds: ((performance.now() - started) / 1000).toFixed(1), 'first chunk, ms': firstByte.toFixed(0), size: mb(bytes), 'Node peak RSS so far': mb(process.resourceUsage().maxRSS * 1024) };
  }
  console.table(results);
} finally {
  await store.close();
}
