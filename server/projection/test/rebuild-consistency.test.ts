/**
 * A rebuild reads the store in several statements; a write that commits
 * between them must neither break the rebuild nor be kept in half. The
 * write is real and committed; the wrapper only chooses its moment: just
 * before the projection reads relationships.
 */
import { rmSync } from 'node:fs';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importBundle } from '../../import/import-bundle.js';
import type { Executor } from '../../store/executor.js';
import { GraphStore } from '../../store/graph-store.js';
import { openGrafeo } from '../../store/grafeo.js';
import { loadQueries } from '../../store/queries.js';
import { tinyBundle } from '../../test/fixtures.js';
import { tempDir } from '../../test/stores.js';
import { ProjectionService } from '../service.js';

const dataDir = tempDir();
let store: GraphStore;
let meanwhile: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const executor = await openGrafeo(dataDir, loadQueries());
  const interleaving: Executor = {
    kind: executor.kind,
    read: async (query, params) => {
      if (query === 'relationships/for-projection' && meanwhile !== undefined) {
        const write = meanwhile;
        meanwhile = undefined;
        await write();
      }
      return executor.read(query, params);
    },
    write: (work) => executor.write(work),
    close: () => executor.close(),
  };
  store = new GraphStore(interleaving);
  expect((await importBundle(store, tinyBundle())).committed).toBe(true);
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('rebuilds without the half of a write it could not see, then with all of it', async () => {
  const service = new ProjectionService(store, Fastify({ logger: false }).log);
  meanwhile = async () => {
    const report = await importBundle(store, {
      version: 1,
      partners: [{ id: 'p-late', name: 'Late Partner', types: ['reseller'] }],
      customers: [{ id: 'c-late', name: 'Late Customer', segment: 'smb', region: 'emea' }],
      relationships: [
        { from: 'p-acme', to: 'p-late', type: 'RESELLS' },
        { from: 'p-helix', to: 'c-late', type: 'SERVES', role: 'integrate', annualValue: 1000 },
      ],
    });
    expect(report.committed).toBe(true);
  };
  const first = await service.current();
  expect(meanwhile).toBeUndefined();
  expect(first.projection.graph.hasNode('p-late')).toBe(false);
  expect(first.projection.version).toBeLessThan(await store.version());

  const next = await service.current();
  expect(next.projection.version).toBe(await store.version());
  expect(next.projection.graph.hasEdge('p-acme', 'p-late')).toBe(true);
  expect(next.projection.graph.getEdgeAttributes('p-helix', 'c-late')).toMatchObject({ roles: ['integrate'], value: 1000 });
  await service.settled();
  await service.close();
});
