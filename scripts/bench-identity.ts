/**
 * What fuzzy name matching costs an import: a generated ecosystem's partners
 * and customers, without their domains (so every one is a fuzzy candidate),
 * are imported into a fresh embedded store; then batches of new records with
 * the same names, half of them with a typo after the first word, are resolved
 * against it. Prints, per batch: the indexed read of the candidates (rows
 * read), identity resolution with and without them (the comparisons), the
 * matches queued for review, and a whole dry run of the import.
 *
 *   npm run bench:identity [-- --bundle /tmp/ecograph-bench-20000-40000-200000-42.json]
 */
import { readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GraphStore } from '../server/store/graph-store.js';
import { openGrafeo } from '../server/store/grafeo.js';
import { loadQueries } from '../server/store/queries.js';
import { importBundle } from '../server/import/import-bundle.js';
import { identityLookup, mergePartners, nameBlocksOf, resolveIdentities } from '../server/import/identity.js';
import { tempDir } from '../server/test/stores.js';
import type { Customer, Partner } from '../server/schemas/model.js';

const { values } = parseArgs({ options: { bundle: { type: 'string', default: '/tmp/ecograph-bench-20000-40000-200000-42.json' } } });
const bundle = JSON.parse(readFileSync(values.bundle!, 'utf8'));
const withoutDomain = <T extends { domain?: string }>(r: T): T => ({ ...r, domain: undefined });
const partners: Partner[] = bundle.partners.map(withoutDomain);
const customers: Customer[] = bundle.customers.map(withoutDomain);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
};

/** A typo after the first word: a letter doubled in the middle of the rest. */
function withTypo(name: string): string {
  const space = name.indexOf(' ');
  if (space < 0) return name;
  const at = space + 1 + Math.floor((name.length - space - 1) / 2);
  return name.slice(0, at) + name[at] + name.slice(at);
}

const dataDir = tempDir('ecograph-bench-identity-');
const store = new GraphStore(await openGrafeo(dataDir, loadQueries()));
try {
  const [, loadMs] = await timed(() =>
    importBundle(store, { version: 1, regions: bundle.regions, segments: bundle.segments, capabilities: bundle.capabilities, partners, customers }, { batchRows: 5000 }),
  );
  console.log(`stored ${partners.length.toLocaleString('en')} partners and ${customers.length.toLocaleString('en')} customers without domains in ${seconds(loadMs)}`);

  for (const size of [2000, partners.length]) {
    const incoming: Partner[] = partners.slice(0, size).map((p, i) => ({ ...p, id: `new-${p.id}`, name: i % 2 === 0 ? withTypo(p.name) : p.name }));
    const [stored, identitiesMs] = await timed(() => store.identities('partners', identityLookup(incoming, [])));
    const [candidates, candidatesMs] = await timed(() => store.nameCandidates('partners', nameBlocksOf(incoming)));
    const resolve = (nameCandidates: typeof candidates) => resolveIdentities('partner', incoming, stored, async () => [], mergePartners, async () => [], nameCandidates);
    const [exact, exactMs] = await timed(() => resolve([]));
    const [fuzzy, fuzzyMs] = await timed(() => resolve(candidates));
    const [report, dryRunMs] = await timed(() => importBundle(store, { version: 1, partners: incoming }, { dryRun: true }));
    console.log(
      `${size.toLocaleString('en')} incoming partners: candidates read ${seconds(candidatesMs)} (${candidates.length.toLocaleString('en')} rows, ${nameBlocksOf(incoming).length.toLocaleString('en')} blocks; ` +
        `the exact lookups ${seconds(identitiesMs)}); resolution ${seconds(exactMs)} without fuzzy (${exact.review.length.toLocaleString('en')} to review), ` +
        `${seconds(fuzzyMs)} with (${fuzzy.review.length.toLocaleString('en')} to review, ${fuzzy.review.filter((r) => r.score !== 1).length.toLocaleString('en')} of them fuzzy); ` +
        `whole dry run ${seconds(dryRunMs)} (${report.review.length.toLocaleString('en')} to review)`,
    );
  }
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
