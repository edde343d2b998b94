/**
 * The typed registry of Cypher statements. Every statement lives in its own
 * file under cypher/, named for what it does; both executors run these same
 * files. They are read once at start-up and a missing file fails it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const CYPHER_DIR = fileURLToPath(new URL('../../cypher/', import.meta.url));

export const QUERY_NAMES = [
  'audit/list',
  'audit/record',
  'capabilities/delete',
  'capabilities/existing-ids',
  'capabilities/get',
  'capabilities/list',
  'capabilities/upsert',
  'conflicts/claims-of',
  'conflicts/deals',
  'conflicts/import-resolutions',
  'conflicts/lock-deals',
  'conflicts/managers',
  'conflicts/protection',
  'conflicts/record-resolution',
  'conflicts/resolution-exists',
  'conflicts/resolutions',
  'conflicts/set-shares',
  'customers/delete',
  'customers/delete-reach',
  'customers/existing-ids',
  'customers/get',
  'customers/get-by-alias',
  'customers/get-many',
  'customers/ids-from',
  'customers/identities',
  'customers/list',
  'customers/neighbourhood',
  'customers/solution-context',
  'customers/upsert',
  'customers/upsert-aliases',
  'customers/set-name-keys',
  'customers/without-identity-keys',
  'identity/customer-name-candidates',
  'identity/decide-review',
  'identity/get-review',
  'identity/list-reviews',
  'identity/partner-name-candidates',
  'identity/queue-reviews',
  'identity/reviews-of',
  'deals/add-customer-region',
  'deals/add-needs',
  'deals/add-participants',
  'deals/clear-links',
  'deals/delete',
  'deals/delete-for-customer',
  'deals/for-attribution',
  'deals/for-attribution-of',
  'deals/get',
  'deals/list',
  'deals/list-of-customer',
  'deals/upsert',
  'meta/bump-version',
  'meta/catalogue',
  'meta/count-nodes',
  'meta/count-all-relationships',
  'meta/count-relationships',
  'meta/identity',
  'meta/import-progress',
  'meta/record-import-progress',
  'meta/version',
  'partners/clear-memberships',
  'partners/delete',
  'partners/delete-reach',
  'partners/existing-ids',
  'partners/get',
  'partners/get-by-alias',
  'partners/get-many',
  'partners/ids-from',
  'partners/identities',
  'partners/integration-adoption',
  'partners/list-at-stage',
  'partners/list-by-fields',
  'partners/list-in-region',
  'partners/list-in-segment',
  'partners/list-with-capability',
  'partners/memberships-of',
  'partners/neighbourhood',
  'partners/records-of',
  'partners/upsert',
  'partners/upsert-aliases',
  'partners/set-name-keys',
  'partners/without-identity-keys',
  'programs/add-tiers',
  'programs/clear-tiers',
  'programs/list',
  'programs/partner-standing-of',
  'programs/stages-of',
  'programs/undefine',
  'programs/upsert-tracks',
  'programs/won-deals',
  'programs/won-deals-of',
  'regions/list',
  'regions/upsert',
  'relationships/delete',
  'relationships/for-projection',
  'relationships/add-has-capability',
  'relationships/add-operates-in',
  'relationships/add-serves-segment',
  'relationships/export-from-partners',
  'relationships/from-partners',
  'relationships/touching',
  'relationships/merge-co-sells-with',
  'relationships/merge-implements',
  'relationships/merge-integrates-with',
  'relationships/merge-refers-to',
  'relationships/merge-resells',
  'relationships/merge-serves',
  'segments/list',
  'sharing/clear',
  'sharing/export',
  'sharing/of',
  'sharing/set-defaults',
  'sharing/set-levels',
  'sharing/toward',
  'segments/upsert',
  'solutions/add-capabilities',
  'solutions/add-contributors',
  'solutions/clear-links',
  'solutions/delete',
  'solutions/for-validation',
  'solutions/for-validation-of',
  'solutions/get',
  'solutions/list',
  'solutions/member-facts-of',
  'solutions/upsert',
  'tracks/add-transitions',
  'tracks/clear-other-stages',
  'tracks/delete-history',
  'tracks/history-of',
  'tracks/lifecycle-of',
  'tracks/list',
  'tracks/set-stages',
] as const;

export type QueryName = (typeof QUERY_NAMES)[number];
export type Queries = Record<QueryName, string>;
export type StoreKind = 'grafeo' | 'neo4j';

export function loadQueries(dir = CYPHER_DIR): Queries {
  const entries = QUERY_NAMES.map((name) => {
    const file = path.join(dir, `${name}.cypher`);
    try {
      return [name, readFileSync(file, 'utf8')] as const;
    } catch {
      throw new Error(`store/queries: missing Cypher file ${file} for query "${name}"`);
    }
  });
  return Object.fromEntries(entries) as Queries;
}

/** The schema statements of one engine: its file split on ";", comments dropped. */
export function loadSchema(kind: StoreKind, dir = CYPHER_DIR): string[] {
  const text = readFileSync(path.join(dir, 'schema', `${kind}.cypher`), 'utf8');
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('//'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
