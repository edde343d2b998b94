/**
 * Answers that depend on the stored data only: not on import order, not on
 * a restart; an empty or tiny ecosystem answers, and a rebuild never sees
 * half a write.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_BUNDLE } from '../../import/seed.js';
import { shuffled } from '../../test/fixtures.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore, tempDir } from '../../test/stores.js';

const get = async (server: TestServer, path: string) => {
  const response = await fetch(server.url + path);
  const body = await response.json();
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
};
const send = (server: TestServer, method: string, path: string, body?: unknown) =>
  fetch(server.url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });

/** Communities as a partition: the sorted member lists, independent of community numbers. */
function partition(nodes: Array<{ id: string; community: number }>): string[][] {
  const groups = new Map<number, string[]>();
  for (const n of nodes) groups.set(n.community, [...(groups.get(n.community) ?? []), n.id]);
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** What must not change when only the order of the data or the process does. */
async function answers(server: TestServer) {
  await server.app.projection.current();
  await server.app.projection.settled();
  const map = await get(server, '/api/map?budget=100000');
  const gaps = await get(server, '/api/gaps');
  const introductions = await get(server, '/api/introductions');
  return {
    partition: partition(map.nodes),
    positions: Object.fromEntries(map.nodes.map((n: { id: string; x: number; y: number }) => [n.id, [n.x, n.y]])),
    brokers: gaps.structural.brokers,
    introductions: introductions,
  };
}

describeStore('the same data gives the same answers', () => {
  const dirs = [tempDir(), tempDir()];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('whatever the import order, and after a restart', async () => {
    const bundle = JSON.parse(readFileSync(DEMO_BUNDLE, 'utf8'));
    const results = [];
    for (const [k, dataDir] of dirs.entries()) {
      const server = await startServer({ dataDir, seed: 'none' });
      try {
        const order = { ...bundle, partners: shuffled(bundle.partners, k), customers: shuffled(bundle.customers, 10 + k), relationships: shuffled(bundle.relationships, 20 + k) };
        expect((await send(server, 'POST', '/api/import', order)).status).toBe(200);
        results.push(await answers(server));
      } finally {
        await server.close();
      }
    }
    const [first, second] = results;
    expect(second!.partition).toEqual(first!.partition);
    expect(second!.brokers).toEqual(first!.brokers);
    expect(second!.introductions).toEqual(first!.introductions);
    expect(second!.positions).toEqual(first!.positions);

    // A restart rebuilds the projection from the store, in the store's order.
    rmSync(`${dirs[0]}/layout.v8`);
    const restarted = await startServer({ dataDir: dirs[0], seed: 'none', wipe: false });
    try {
      const again = await answers(restarted);
      expect(again.partition).toEqual(first!.partition);
      expect(again.brokers).toEqual(first!.brokers);
      expect(again.introductions).toEqual(first!.introductions);
      expect(again.positions).toEqual(first!.positions);
    } finally {
      await restarted.close();
    }
  });
});

describeStore('an empty or tiny ecosystem', () => {
  const partner = (id: string) => ({ id, name: id, types: ['service'], regions: ['emea'], segments: ['smb'] });
  const customer = (id: string) => ({ id, name: id, segment: 'smb', region: 'emea', needs: [] });
  // Regions and segments are referenced only once defined.
  const catalogue = { version: 1, regions: ['emea'], segments: ['smb'] };
  const cases: Array<[string, object, number]> = [
    ['empty', { version: 1 }, 0],
    ['one partner', { ...catalogue, partners: [partner('p-a')] }, 1],
    ['two partners, no relationship', { ...catalogue, partners: [partner('p-a'), partner('p-b')] }, 2],
    ['two related partners', { ...catalogue, partners: [partner('p-a'), partner('p-b')], relationships: [{ from: 'p-a', to: 'p-b', type: 'RESELLS' }] }, 2],
    ['customers only', { ...catalogue, customers: [customer('c-a'), customer('c-b'), customer('c-c')] }, 3],
  ];
  it.each(cases)('%s: map, gaps and health answer', async (_name, bundle, size) => {
    const server = await startServer({ seed: 'none' });
    try {
      if (size > 0) expect((await send(server, 'POST', '/api/import', bundle)).status).toBe(200);
      const map = await get(server, '/api/map');
      expect(map.nodes).toHaveLength(size);
      for (const n of map.nodes) expect(Number.isFinite(n.x) && Number.isFinite(n.y)).toBe(true);
      const gaps = await get(server, '/api/gaps');
      expect(gaps.structural.brokers).toEqual([]);
      const health = await get(server, '/api/ecosystem/health');
      expect(Number.isFinite(health.score)).toBe(true);
      for (const n of map.nodes) {
        const metrics = await get(server, `/api/nodes/${n.id}/metrics`);
        expect(metrics.betweenness).toBe(0);
      }
    } finally {
      await server.close();
    }
  });
});

describeStore('a rebuild with a writer at work', () => {
  it('never sees half a write', async () => {
    const server = await startServer();
    try {
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          const id = `p-flicker-${i}`;
          const write = { version: 1, partners: [{ id, name: id, types: ['msp'] }], relationships: [{ from: id, to: 'p-helix-ai', type: 'RESELLS' }] };
          // Large enough to rebuild rather than apply in place: every read then races the writer.
          expect((await send(server, 'POST', '/api/import', write)).status).toBe(200);
          expect((await send(server, 'DELETE', `/api/partners/${id}`)).status).toBe(204);
        }
      })();
      const statuses: number[] = [];
      for (let k = 0; k < 40; k++) statuses.push((await send(server, 'GET', '/api/map?budget=10')).status);
      writing = false;
      await writer;
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
