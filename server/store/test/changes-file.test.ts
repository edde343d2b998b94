import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreChanges } from '../changes.js';
import { ChangesFile } from '../changes-file.js';
import { tempDir } from '../../test/stores.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const changes = (partners: string[], flags: Partial<Pick<StoreChanges, 'programs' | 'names' | 'resolutions' | 'broad'>> = {}) => {
  const out = new StoreChanges();
  for (const id of partners) out.partners.add(id);
  return Object.assign(out, flags);
};
const plain = (entries: Array<[number, StoreChanges]>) => entries.map(([version, c]) => ({ version, partners: [...c.partners], customers: [...c.customers], programs: c.programs, broad: c.broad }));

describe('the change log kept beside the store', () => {
  it("gives back the versions it was given for this store, not another store's, and skips a line that does not parse", async () => {
    const file = path.join(dir, 'kept.log');
    const written = new ChangesFile(file, 10);
    written.append('store-a', 4, changes(['p-1', 'p-2']));
    written.append('store-a', 5, changes([], { programs: true }));
    await written.flushed();
    appendFileSync(file, '{"store":"store-a","version":6,"partn\n');
    const other = new ChangesFile(file, 10);
    other.append('store-a', 7, changes(['p-3']));
    await other.flushed();
    expect(plain(await new ChangesFile(file, 10).read('store-a'))).toEqual([
      { version: 4, partners: ['p-1', 'p-2'], customers: [], programs: false, broad: false },
      { version: 5, partners: [], customers: [], programs: true, broad: false },
      { version: 7, partners: ['p-3'], customers: [], programs: false, broad: false },
    ]);
    expect(await new ChangesFile(file, 10).read('store-b')).toEqual([]);
    expect(await new ChangesFile(path.join(dir, 'missing.log'), 10).read('store-a')).toEqual([]);
  });

  it('keeps a write of more ids than the caches follow as broad, and rewrites itself with the last versions when it has grown to twice that', async () => {
    const file = path.join(dir, 'rewritten.log');
    const kept = new ChangesFile(file, 3);
    kept.append('s', 1, changes(Array.from({ length: 10_001 }, (_, i) => `p-${i}`)));
    for (let version = 2; version <= 6; version++) kept.append('s', version, changes([`p-${version}`]));
    await kept.flushed();
    // Six lines reached twice three: rewritten with versions 4 to 6.
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(plain(await new ChangesFile(file, 3).read('s')).map((e) => e.version)).toEqual([4, 5, 6]);
    const big = new ChangesFile(path.join(dir, 'big.log'), 3);
    big.append('s', 1, changes(Array.from({ length: 10_001 }, (_, i) => `p-${i}`)));
    await big.flushed();
    expect(plain(await new ChangesFile(path.join(dir, 'big.log'), 3).read('s'))).toEqual([{ version: 1, partners: [], customers: [], programs: false, broad: true }]);
    // A line of another store starts the file afresh.
    kept.append('t', 1, changes(['p-t']));
    await kept.flushed();
    expect(await new ChangesFile(file, 3).read('s')).toEqual([]);
    expect(plain(await new ChangesFile(file, 3).read('t')).map((e) => e.partners)).toEqual([['p-t']]);
  });
});
