/**
 * Every .cypher file parsed by Neo4j's own Cypher parser, so that the Neo4j
 * path is checked on machines where no Neo4j server runs. Each statement is
 * linted with exactly the parameters its header declares, so an undeclared
 * parameter fails too.
 */
import { lintCypherQuery, type DbSchema } from '@neo4j-cypher/language-support';
import { describe, expect, it } from 'vitest';
import { declaredParams } from '../../test/cypher-headers.js';
import { loadQueries, loadSchema, QUERY_NAMES } from '../queries.js';

const ERROR = 1;
const queries = loadQueries();

function errorsIn(statement: string, parameters: Record<string, unknown>) {
  const schema: DbSchema = { parameters };
  return lintCypherQuery(statement, schema)
    .diagnostics.filter((d) => d.severity === ERROR)
    .map((d) => d.message);
}

describe("Neo4j's Cypher parser", () => {
  it.each(QUERY_NAMES)('accepts %s', (name) => {
    const text = queries[name];
    const params = Object.fromEntries(declaredParams(text).map((p) => [p, null]));
    expect(errorsIn(text, params)).toEqual([]);
  });

  it.each(['neo4j', 'grafeo'] as const)('accepts the %s schema statements', (kind) => {
    for (const statement of loadSchema(kind)) expect(errorsIn(statement, {})).toEqual([]);
  });

  it('rejects a broken statement (the check can fail)', () => {
    expect(errorsIn('MATCH (p:Partner {id: $id} RETRN p', { id: null }).length).toBeGreaterThan(0);
    expect(errorsIn('MATCH (p:Partner {id: $id}) RETURN p', {})).toEqual(['Parameter $id is not defined.']);
  });
});
