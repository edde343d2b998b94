/**
 * A store written before store ids existed (its Meta node holds a version and
 * no id) gets its id when a server starts on it (GraphStore.ensureIdentity),
 * once, with its data untouched; without one no snapshot could be kept for it.
 * Made on the embedded engine, whose file a test can write before opening it.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import grafeo from '@grafeo-db/js';
import { afterAll, expect, it } from 'vitest';
import { GraphStore } from '../graph-store.js';
import { openGrafeo, STORE_FILE } from '../grafeo.js';
import { loadQueries } from '../queries.js';
import { tempDir } from '../../test/stores.js';

const dataDir = tempDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('gives a store written before store ids existed its id, once, moving its version once and keeping its data', async () => {
  const old = grafeo.GrafeoDB.create(path.join(dataDir, STORE_FILE));
  await old.executeCypher("CREATE (:Meta {key: 'store', version: 7}), (:Capability {id: 'cap-old', name: 'Old', category: 'test'})");
  old.close();

  const store = new GraphStore(await openGrafeo(dataDir, loadQueries()));
  try {
    expect(await store.identity()).toEqual({ version: 7, storeId: null });
    await store.ensureIdentity();
    const { version, storeId } = await store.identity();
    expect(version).toBe(8);
    expect(storeId).toMatch(/^[0-9a-f-]{36}$/);
    await store.ensureIdentity();
    expect(await store.identity()).toEqual({ version: 8, storeId });
    expect(await store.getCapability('cap-old')).toMatchObject({ id: 'cap-old', name: 'Old' });
  } finally {
    await store.close();
  }
});

it('leaves an empty store without an id: its first write gives it one', async () => {
  const emptyDir = tempDir();
  const store = new GraphStore(await openGrafeo(emptyDir, loadQueries()));
  try {
    await store.ensureIdentity();
    expect(await store.identity()).toEqual({ version: 0, storeId: null });
  } finally {
    await store.close();
    rmSync(emptyDir, { recursive: true, force: true });
  }
});
