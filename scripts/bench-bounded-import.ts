/**
 * npm run bench:bounded-import [-- --bundle <bundle.json>] — what one bad
 * request costs the server: bodies of empty rows, and malformed JSON, POSTed to
 * /api/import on a real server (embedded store, in this process), with the
 * time to the answer and the process's peak RSS; with --bundle, also a good
 * bundle as a dry run (read, checked, resolved and planned; nothing written):
 * what streaming the JSON costs a real import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startServer } from '../server/test/server.js';

const { values } = parseArgs({ options: { bundle: { type: 'string' } } });
const server = await startServer({ seed: 'none', store: 'grafeo' });
const json = (body: string): RequestInit => ({ headers: { 'content-type': 'application/json' }, body });
try {
  const cases: Array<[string, () => RequestInit, string?]> = [
    ['4.5 MB JSON, 1,500,000 rows {}', () => ({ headers: { 'content-type': 'application/json' }, body: `{"version":1,"partners":[${Array(1_500_000).fill('{}').join(',')}]}` })],
    ['50 MB JSON, 5,000,000 rows {"id":""}', () => ({ headers: { 'content-type': 'application/json' }, body: `{"version":1,"partners":[${Array(5_000_000).fill('{"id":""}').join(',')}]}` })],
    ['50 MB malformed JSON, 5,000,000 rows {"id":""} then a stray "]"', () => json(`{"version":1,"partners":[${Array(5_000_000).fill('{"id":""}').join(',')}]]}`)],
    ['50 MB JSON cut off in the middle of a row', () => json(`{"version":1,"partners":[${Array(5_000_000).fill('{"id":""}').join(',')}, {"id": "p-`)],
    ['200 MB JSON, one name of 200,000,000 characters', () => json(`{"version":1,"partners":[{"id":"p-1","name":"${'x'.repeat(200_000_000)}","types":["reseller"]}]}`)],
    [
      '50 MB CSV, 5,000,000 rows of empty cells',
      () => {
        const form = new FormData();
        form.append('files', new Blob([`id,name,types,regions,segments,capabilities,lifecycle,country,size,revenue\n${',,,,,,,,,\n'.repeat(5_000_000)}`]), 'partners.csv');
        return { body: form };
      },
    ],
  ];
  if (values.bundle !== undefined && existsSync(values.bundle)) {
    cases.push([`${values.bundle} (${(readFileSync(values.bundle).length / 1e6).toFixed(0)} MB), dry run`, () => json(readFileSync(values.bundle!, 'utf8')), '?dryRun=true']);
  }
  for (const [label, request, query] of cases) {
    const init = request();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const response = await fetch(`${server.url}/api/import${query ?? ''}`, { method: 'POST', ...init });
    const body = (await response.json()) as { message?: string; details?: unknown[] };
    clearInterval(sampler);
    console.log(`${label}: ${response.status} in ${((performance.now() - started) / 1000).toFixed(1)} s, ${body.details?.length ?? 0} details, RSS ${(before / 1e6).toFixed(0)} → peak ${(peak / 1e6).toFixed(0)} MB; ${body.message?.slice(0, 120)}`);
  }
  console.log(`health after: ${(await fetch(`${server.url}/api/health`)).status}`);
} finally {
  await server.close();
}
