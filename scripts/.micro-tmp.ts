import grafeo from '@grafeo-db/js';
const { GrafeoDB } = grafeo;
const db = GrafeoDB.create();
await db.executeCypher('CREATE INDEX partner_id IF NOT EXISTS FOR (n:Partner) ON (n.id)');
await db.executeCypher('CREATE INDEX customer_id IF NOT EXISTS FOR (n:Customer) ON (n.id)');
const P = 10000, C = 20000, R = Number(process.argv[2] ?? 40000);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
async function time(label: string, n: number, f: () => Promise<unknown>) {
  const c = cpu(), t = performance.now();
  await f();
  console.log(label.padEnd(50), `${((performance.now() - t) * 1000 / n).toFixed(1)} µs/row wall`, `${((cpu() - c) * 1000 / n).toFixed(1)} µs/row cpu`);
}
const ids = (pre: string, n: number) => Array.from({ length: n }, (_, i) => `${pre}-${String(i).padStart(6, '0')}`);
const pids = ids('p', P), cids = ids('c', C);
const chunks = <T>(a: T[], n: number) => Array.from({ length: Math.ceil(a.length / n) }, (_, i) => a.slice(i * n, i * n + n));
async function inTx(stmt: string, rows: unknown[], size = 2000, key = 'rows') {
  const tx = db.beginTransaction();
  for (const b of chunks(rows, size)) await tx.executeCypher(stmt, { [key]: b });
  tx.commit();
}
await time('partners upsert {id, props}', P, () => inTx('UNWIND $rows AS row MERGE (p:Partner {id: row.id}) SET p = row.props RETURN count(*) AS count', pids.map((id) => ({ id, props: { id, name: 'Name ' + id, nameKey: 'name ' + id, nameBlock: 'nam', domain: id + '.example', types: ['technology'], tier: 'silver', country: 'PT', sources: ['crm'], aliases: [] } }))));
await time('customers upsert', C, () => inTx('UNWIND $rows AS row MERGE (p:Customer {id: row.id}) SET p = row.props RETURN count(*) AS count', cids.map((id) => ({ id, props: { id, name: 'Name ' + id, nameKey: 'name ' + id, nameBlock: 'nam', domain: id + '.example', segment: 'smb', industry: 'energy', region: 'emea', needs: ['a', 'b'], sources: ['crm'], aliases: [] } }))));
let k = 0;
const rels = (n: number) => Array.from({ length: n }, () => { k++; return { from: pids[(k * 7919) % P]!, to: cids[(k * 104729) % C]!, role: 'implement' }; });
const props = { role: 'implement', since: '2024', annualValue: 800200, source: 'prm', updatedAt: '2024-07-22T22:17:00Z' };
const serves = 'UNWIND $rows AS row MATCH (c:Customer {id: row.to}) MATCH (a:Partner {id: row.from}) MERGE (c)<-[e:SERVES {role: row.role}]-(a) SET e = row.props RETURN count(*) AS count';
await time('serves merge, props map, 2000/stmt', R, () => inTx(serves, rels(R).map((r) => ({ ...r, props }))));
await time('serves merge, rows as lists, map literal', R, () => inTx('UNWIND $rows AS row MATCH (c:Customer {id: row[1]}) MATCH (a:Partner {id: row[0]}) MERGE (c)<-[e:SERVES {role: row[2]}]-(a) SET e = {role: row[2], since: row[3], annualValue: row[4], source: row[5], updatedAt: row[6]} RETURN count(*) AS count', rels(R).map((r) => [r.from, r.to, r.role, props.since, props.annualValue, props.source, props.updatedAt])));
await time('serves merge, rows as lists, props map', R, () => inTx('UNWIND $rows AS row MATCH (c:Customer {id: row[1]}) MATCH (a:Partner {id: row[0]}) MERGE (c)<-[e:SERVES {role: row[2]}]-(a) SET e = row[3] RETURN count(*) AS count', rels(R).map((r) => [r.from, r.to, r.role, props])));
await time('serves merge, columns', R, async () => { const rr = rels(R); const tx = db.beginTransaction(); for (const b of chunks(rr, 2000)) await tx.executeCypher('UNWIND range(0, size($from) - 1) AS i MATCH (c:Customer {id: $to[i]}) MATCH (a:Partner {id: $from[i]}) MERGE (c)<-[e:SERVES {role: $role[i]}]-(a) SET e = {role: $role[i], since: $since[i], annualValue: $annualValue[i], source: $source[i], updatedAt: $updatedAt[i]} RETURN count(*) AS count', { from: b.map((r) => r.from), to: b.map((r) => r.to), role: b.map((r) => r.role), since: b.map(() => props.since), annualValue: b.map(() => props.annualValue), source: b.map(() => props.source), updatedAt: b.map(() => props.updatedAt) }); tx.commit(); });
{
  await db.executeCypher("CREATE (:T {id: 'x'})");
  await db.executeCypher("MATCH (t:T {id: 'x'}) SET t = {a: 1, b: null, c: 'z'}");
  console.log('null in map literal:', JSON.stringify((await db.executeCypher("MATCH (t:T {id: 'x'}) RETURN properties(t) AS p, keys(t) AS k")).toArray()));
  await db.executeCypher("MATCH (t:T {id: 'x'}) SET t = $m", { m: { a: 2, b: null } });
  console.log('null in map param:', JSON.stringify((await db.executeCypher("MATCH (t:T {id: 'x'}) RETURN properties(t) AS p, keys(t) AS k")).toArray()));
}
await time('unwind only', R, () => inTx('UNWIND $rows AS row RETURN count(*) AS count', rels(R).map((r) => ({ ...r, props }))));
await time('unwind only, lists', R, async () => { const rr = rels(R); await inTx('UNWIND $rows AS row RETURN count(*) AS count', rr.map((r) => [r.from, r.to, r.role, props.since, props.annualValue, props.source, props.updatedAt])); });
