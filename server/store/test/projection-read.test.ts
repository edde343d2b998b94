/**
 * The projection's paged read: every relationship exactly once, in canonical
 * order, whatever the page size, Unicode ids included, on the engine under
 * test (vitest projects "embedded" and "neo4j").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importBundle } from '../../import/import-bundle.js';
import { tinyBundle } from '../../test/fixtures.js';
import { describeStore, openTestStore, TEST_STORE, type TestStore } from '../../test/stores.js';
import type { RelationshipEnds } from '../graph-store.js';

// Ids past Latin-1 and past U+FFFF (whose UTF-16 order differs from their code-point order).
const unicode = ['p-\u{ff5e}', 'p-\u{1f600}', 'p-z', 'p-ä'];

describeStore(`relationships for the projection on ${TEST_STORE}`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
    const bundle = tinyBundle();
    bundle.partners.push(...unicode.map((id, i) => ({ id, name: `Unicode partner ${i}`, types: ['msp'] })) as never[]);
    bundle.relationships.push(...unicode.map((id) => ({ from: id, to: 'p-helix', type: 'RESELLS', source: 'crm' })) as never[]);
    expect((await importBundle(t.store, bundle)).errors).toEqual([]);
  });
  afterAll(() => t.dispose());

  const read = async (perPage?: number) => {
    const all: RelationshipEnds[] = [];
    const partners = (await t.store.entitiesForProjection()).partners.map((p) => p.id);
    for await (const page of t.store.relationshipsForProjection(partners, perPage)) all.push(...page);
    return all;
  };

  it('reads every relationship once, sorted by start, end, type and role, with any page size', async () => {
    const whole = await read();
    expect(whole).toHaveLength(9 + unicode.length);
    expect(whole.filter((r) => r.from === 'p-acme' && r.to === 'c-globex').map((r) => [r.role, r.annualValue])).toEqual([
      ['implement', 250_000],
      ['resell', 90_000],
    ]);
    for (const perPage of [1, 2, 3, 7]) {
      const paged = await read(perPage);
      const key = (r: RelationshipEnds) => JSON.stringify(r);
      expect(paged.map(key).sort()).toEqual(whole.map(key).sort());
    }
  });
});
