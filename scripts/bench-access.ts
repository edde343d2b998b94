/**
 * What access control costs a request: GET /api/health over HTTP on a real
 * server (demo ecosystem, embedded store), sequential requests from one
 * client, on an open loopback server without a key and on one with
 * AUTH=required with a key (Host check, key lookup by SHA-256, file identity
 * check, role, rate limit). Prints p50 / p99 and requests per second.
 *
 *   npm run bench:access [-- --requests 3000]
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KeyRing } from '../server/access/keys.js';
import { startServer } from '../server/test/server.js';
import { tempDir } from '../server/test/stores.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '3000' } } });
const requests = Number(values.requests);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measure(label: string, env: Record<string, string>, withKey: boolean) {
  const dataDir = tempDir('ecograph-bench-access-');
  const key = withKey ? new KeyRing(dataDir).create({ name: 'bench', role: 'viewer' }, 'bench').key : undefined;
  // One client on purpose: no rate limit in the way of the figure.
  const server = await startServer({ dataDir, store: 'grafeo', env: { ...env, RATE_LIMIT: String(Number.MAX_SAFE_INTEGER) } });
  const headers: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` };
  for (let i = 0; i < 200; i++) await (await fetch(`${server.url}/api/health`, { headers })).arrayBuffer();
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const t = performance.now();
    const response = await fetch(`${server.url}/api/health`, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`bench-access: ${label} answered ${response.status}`);
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { [label]: { 'p50 ms': quantile(latencies, 0.5).toFixed(2), 'p99 ms': quantile(latencies, 0.99).toFixed(2), 'requests/s': (requests / seconds).toFixed(0) } };
}

console.table({
  ...(await measure('open loopback, no key', {}, false)),
  ...(await measure('AUTH=required, viewer key', { AUTH: 'required' }, true)),
});
