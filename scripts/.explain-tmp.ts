import neo4j from 'neo4j-driver';
import { loadQueries, loadSchema } from '../server/store/queries.js';
const q = loadQueries() as Record<string, string>;
const driver = neo4j.driver('bolt://127.0.0.1:17788', neo4j.auth.basic('neo4j', 'ecograph-local'));
const s = driver.session();
for (const st of loadSchema('neo4j')) await s.run(st);
await s.run('CALL db.awaitIndexes()');
function show(plan: any, depth = 0): string {
  return `${'  '.repeat(depth)}${plan.operatorType} ${plan.arguments?.Details ?? ''}\n` + (plan.children ?? []).map((c: any) => show(c, depth + 1)).join('');
}
for (const name of process.argv.slice(2)) {
  const r = await s.run('EXPLAIN ' + q[name], { rows: [], ids: [] });
  console.log('=== ' + name + '\n' + show(r.summary.plan));
}
await s.close(); await driver.close();
