/**
 * What the embedded engine (Grafeo) itself costs per stored node and
 * relationship, whichever way it is written: the store's own statements
 * (`cypher/partners/upsert`, `customers/upsert`, `relationships/merge-serves`:
 * UNWIND, MERGE on the indexed id, rows as lists), the engine's bulk upserts
 * (`upsertNodes` / `upsertEdges`) and its bulk creates without any lookup
 * (`batchCreateNodesWithProps` / `batchCreateEdges`, by internal node id).
 * Each way writes the same synthetic partners, customers and SERVES rows into
 * a fresh store on disk with the store's schema (its indexes), in batches of
 * 2,000 as the importer does, and prints µs per node and per relationship:
 * the floor under the importer's rows/s on this engine.
 *
 *   npm run bench:engine-writes [-- --partners 20000 --customers 100000 --serves 200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import grafeo from '@grafeo-db/js';
import { loadQueries, loadSchema } from '../server/store/queries.js';

const { values } = parseArgs({ options: { partners: { type: 'string', default: '20000' }, customers: { type: 'string', default: '100000' }, serves: { type: 'string', default: '200000' } } });
const [P, C, E] = [Number(values.partners), Number(values.customers), Number(values.serves)];
const BATCH = 2000;
const queries = loadQueries();

// Rows in the shapes the store's statements take (see each file's `// params:` line).
const partnerRows = Array.from({ length: P }, (_, i) => [`p-${i}`, `Partner ${i}`, `partner ${i}`, 'partner', `p${i}.example`, ['reseller'], 'gold', 'US', 'smb', 1000 + i, ['crm'], null]);
const customerRows = Array.from({ length: C }, (_, i) => [`c-${i}`, `Customer ${i}`, `customer ${i}`, 'customer', `c${i}.example`, 'enterprise', 'retail', 'na', ['cap-crm'], ['crm'], null]);
let seed = 42;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const servesRows = Array.from({ length: E }, () => [`p-${Math.floor(random() * P)}`, `c-${Math.floor(random() * C)}`, 'resell', '2024-01-01', 50000, 'crm', '2026-01-01']);
const partnerKeys = ['id', 'name', 'nameKey', 'nameBlock', 'domain', 'types', 'tier', 'country', 'size', 'revenue', 'sources'];
const customerKeys = ['id', 'name', 'nameKey', 'nameBlock', 'domain', 'segment', 'industry', 'region', 'needs', 'sources'];
const record = (keys: string[], row: unknown[]) => Object.fromEntries(keys.map((key, i) => [key, row[i]]));
const servesProperties = (row: unknown[]) => ({ role: row[2], since: row[3], annualValue: row[4], source: row[5], updatedAt: row[6] });

type Way = (db: InstanceType<typeof grafeo.GrafeoDB>) => { nodes: () => Promise<void>; serves: () => Promise<void> };
const inBatches = async <T>(rows: T[], write: (batch: T[]) => Promise<unknown>) => {
  for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH));
};

const ways: Record<string, Way> = {
  "the store's statements (UNWIND … MERGE)": (db) => ({
    nodes: async () => {
      await inBatches(partnerRows, (rows) => db.executeCypher(queries['partners/upsert'], { rows }));
      await inBatches(customerRows, (rows) => db.executeCypher(queries['customers/upsert'], { rows }));
    },
    serves: () => inBatches(servesRows, (rows) => db.executeCypher(queries['relationships/merge-serves'], { rows })),
  }),
  'bulk upserts (upsertNodes, upsertEdges)': (db) => ({
    nodes: async () => {
      await inBatches(partnerRows, (rows) => db.upsertNodes(['Partner'], rows.map((row) => record(partnerKeys, row)), { replace: true }));
      await inBatches(customerRows, (rows) => db.upsertNodes(['Customer'], rows.map((row) => record(customerKeys, row)), { replace: true }));
    },
    serves: () => inBatches(servesRows, (rows) => db.upsertEdges('SERVES', rows.map((row) => ({ src: row[0], dst: row[1], ...servesProperties(row) })), { key: 'role' })),
  }),
  'bulk creates, no lookup (batchCreateNodesWithProps, batchCreateEdges)': (db) => {
    const partnerIds: number[] = [];
    const customerIds: number[] = [];
    return {
      nodes: async () => {
        await inBatches(partnerRows, async (rows) => partnerIds.push(...(await db.batchCreateNodesWithProps(['Partner'], rows.map((row) => record(partnerKeys, row))))));
        await inBatches(customerRows, async (rows) => customerIds.push(...(await db.batchCreateNodesWithProps(['Customer'], rows.map((row) => record(customerKeys, row))))));
      },
      serves: () =>
        inBatches(servesRows, (rows) =>
          db.batchCreateEdges(rows.map((row) => ({ src: partnerIds[Number(String(row[0]).slice(2))]!, dst: customerIds[Number(String(row[1]).slice(2))]!, type: 'SERVES', properties: servesProperties(row) }))),
        ),
    };
  },
};

console.log(`${P.toLocaleString('en')} partners, ${C.toLocaleString('en')} customers, ${E.toLocaleString('en')} SERVES rows into a fresh embedded store each way, batches of ${BATCH.toLocaleString('en')}; load average ${loadavg()[0]!.toFixed(1)}`);
const table: Record<string, Record<string, string>> = {};
for (const [name, way] of Object.entries(ways)) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecograph-engine-writes-'));
  const db = grafeo.GrafeoDB.create(path.join(dir, 'store.grafeo'));
  try {
    for (const statement of loadSchema('grafeo')) await db.executeCypher(statement);
    const { nodes, serves } = way(db);
    let started = performance.now();
    await nodes();
    const nodeMs = performance.now() - started;
    started = performance.now();
    await serves();
    const servesMs = performance.now() - started;
    const stored = (await db.executeCypher('MATCH ()-[e:SERVES]->() RETURN count(e) AS n')).toArray()[0]!.n;
    table[name] = {
      'µs per node': ((1000 * nodeMs) / (P + C)).toFixed(1),
      'µs per SERVES': ((1000 * servesMs) / E).toFixed(1),
      'SERVES stored': Number(stored).toLocaleString('en'),
      'load average': loadavg()[0]!.toFixed(1),
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
console.table(table);
