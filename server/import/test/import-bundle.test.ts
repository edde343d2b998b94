import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleRejected, importBundle } from '../import-bundle.js';
import { normaliseName } from '../identity.js';
import { tinyBundle } from '../../test/fixtures.js';
import { describeStore, openTestStore, type TestStore } from '../../test/stores.js';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(async () => {
  await t.dispose();
});

describeStore('identity resolution', () => {
  it('merges the same partner arriving from two systems by normalised domain', async () => {
    const bundle = tinyBundle();
    bundle.partners.push({
      id: 'prm-778', name: 'ACME Integrators GmbH', domain: 'https://www.Acme.example/partners', types: ['msp'], tier: 'silver',
      regions: ['apac'], segments: [], capabilities: [{ id: 'cap-siem', level: 'basic' }, { id: 'cap-lake', level: 'advanced' }],
      lifecycle: { services: 'optimise' }, sources: ['prm'],
    } as never);
    bundle.relationships.push({ from: 'prm-778', to: 'c-initech', type: 'SERVES', role: 'manage', source: 'prm' } as never);
    const report = await importBundle(t.store, bundle);
    expect(report.errors).toEqual([]);
    expect(report.merges).toEqual([{ kind: 'partner', id: 'p-acme', merged: ['prm-778'], key: 'domain:acme.example', evidence: 'same domain "acme.example"' }]);
    const acme = await t.store.getPartner('p-acme');
    expect(acme).toMatchObject({
      name: 'Acme Integrators',
      tier: 'gold',
      types: ['service', 'reseller', 'msp'],
      regions: ['apac', 'emea'],
      sources: ['crm', 'prm'],
      aliases: ['prm-778'],
      lifecycle: { services: 'optimise', resell: 'activate' },
      capabilities: [
        { id: 'cap-lake', level: 'advanced', certified: false },
        { id: 'cap-siem', level: 'certified', certified: true },
      ],
    });
    expect(await t.store.getPartner('prm-778')).toEqual(acme);
    expect((await t.store.counts()).partners).toBe(3);
    // The relationship given against the alias lands on the kept partner, in the same bundle or a later one.
    expect((await t.store.neighbourhood('c-initech'))?.map((n) => n.id).sort()).toEqual(['p-acme', 'p-nimbus']);
    const later = await importBundle(t.store, { version: 1, relationships: [{ from: 'prm-778', to: 'p-helix', type: 'RESELLS' }] });
    expect(later.errors).toEqual([]);
    expect((await t.store.neighbourhood('p-helix'))?.find((n) => n.type === 'RESELLS')).toMatchObject({ id: 'p-acme', direction: 'in' });
  });

  it('queues a name match without a domain for review instead of merging it, and asks once', async () => {
    await importBundle(t.store, tinyBundle());
    const bundle = { version: 1, partners: [{ id: 'erp-9', name: 'NIMBUS cloud, Inc.', types: ['reseller'], sources: ['erp'] }] };
    const report = await importBundle(t.store, structuredClone(bundle));
    expect(report.merges).toEqual([]);
    expect(report.review).toEqual([
      { id: 'partner:erp-9:p-nimbus', kind: 'partner', incoming: 'erp-9', incomingName: 'NIMBUS cloud, Inc.', candidate: 'p-nimbus', candidateName: 'Nimbus Cloud', score: 1, evidence: 'same normalised name "nimbus cloud", neither has a domain', status: 'open' },
    ]);
    // Kept apart until a person decides; the queue is in the store.
    expect(await t.store.getPartner('erp-9')).toMatchObject({ name: 'NIMBUS cloud, Inc.' });
    expect(await t.store.getPartner('p-nimbus')).toMatchObject({ aliases: [] });
    expect((await t.store.listReviews({ limit: 10 })).items).toEqual([expect.objectContaining({ id: 'partner:erp-9:p-nimbus', status: 'open' })]);
    const again = await importBundle(t.store, structuredClone(bundle));
    expect(again.review).toEqual([]);
    expect(normaliseName('Acme & Sons, Ltd.')).toBe('acme and sons');
  });

  describe('fuzzy name matches', () => {
    const partner = (id: string, name: string, domain?: string) => ({ id, name, types: ['reseller'], sources: ['crm'], ...(domain === undefined ? {} : { domain }) });
    const stored = () => ({
      version: 1,
      partners: [partner('p-northwind', 'Northwind Traders'), partner('p-acme-corp', 'Acme Corp'), partner('p-northwind-analytics', 'Northwind Analytics'), partner('p-contoso', 'Contoso', 'contoso.example')],
    });

    it('queues typos and abbreviations for review with their score and both names, leaves unrelated names alone, and a dry run lists the same without writing', async () => {
      expect((await importBundle(t.store, stored())).review).toEqual([]);
      const incoming = {
        version: 1,
        partners: [partner('erp-1', 'Northwind Trader'), partner('erp-2', 'ACME Corporation'), partner('erp-3', 'Northwind Logistics'), partner('erp-4', 'Fabrikam'), partner('erp-5', 'Contoso Ltd')],
      };
      const expected = [
        {
          id: 'partner:erp-1:p-northwind', kind: 'partner', incoming: 'erp-1', incomingName: 'Northwind Trader', candidate: 'p-northwind', candidateName: 'Northwind Traders', score: 0.941,
          evidence: 'similar names "northwind trader" and "northwind traders" (similarity 0.941, at least 0.85), neither has a domain', status: 'open',
        },
        {
          id: 'partner:erp-2:p-acme-corp', kind: 'partner', incoming: 'erp-2', incomingName: 'ACME Corporation', candidate: 'p-acme-corp', candidateName: 'Acme Corp', score: 1,
          evidence: 'same normalised name "acme", neither has a domain', status: 'open',
        },
      ];
      const version = await t.store.version();
      const dry = await importBundle(t.store, structuredClone(incoming), { dryRun: true });
      expect(dry.review).toEqual(expected);
      expect([await t.store.version(), (await t.store.listReviews({ limit: 10 })).items]).toEqual([version, []]);

      const report = await importBundle(t.store, structuredClone(incoming));
      expect(report.merges).toEqual([]);
      expect(report.review).toEqual(expected);
      expect((await t.store.listReviews({ limit: 10 })).items).toEqual(expected);
      // Never merged silently: every incoming record is its own until a person accepts.
      expect((await t.store.counts()).partners).toBe(9);
      expect(await t.store.getPartner('p-northwind')).toMatchObject({ name: 'Northwind Traders', aliases: [] });
    });

    it('still merges on the same domain, and does not queue similar names when a domain tells them apart', async () => {
      await importBundle(t.store, { version: 1, partners: [partner('p-northwind', 'Northwind Traders', 'northwind.example'), partner('p-globex', 'Globex Trading', 'globex.example')] });
      const report = await importBundle(t.store, { version: 1, partners: [partner('erp-1', 'Northwind Trader', 'www.northwind.example'), partner('erp-2', 'Globex Tradin')] });
      expect(report.merges).toEqual([{ kind: 'partner', id: 'p-northwind', merged: ['erp-1'], key: 'domain:northwind.example', evidence: 'same domain "northwind.example"' }]);
      expect(report.review).toEqual([]);
    });

    it('compares the records of one bundle with each other, and customers as partners', async () => {
      const report = await importBundle(t.store, {
        version: 1,
        regions: ['emea'],
        segments: ['smb'],
        partners: [partner('a-1', 'Adventure Works Cycles'), partner('a-2', 'Adventure Works Cycle')],
        customers: [
          { id: 'c-1', name: 'Tailspin Toys Europe', region: 'emea', segment: 'smb' },
          { id: 'c-2', name: 'Tailspin Toys Eruope', region: 'emea', segment: 'smb' },
        ],
      });
      expect(report.review.map((r) => [r.id, r.score])).toEqual([
        ['partner:a-2:a-1', 0.954],
        ['customer:c-2:c-1', 0.9],
      ]);
    });
  });

  it('treats the same id again as an update that keeps its history', async () => {
    await importBundle(t.store, tinyBundle());
    await importBundle(t.store, { version: 1, partners: [{ id: 'p-helix', name: 'Helix AI', types: ['technology'], tier: 'gold', sources: ['crm'] }] });
    expect(await t.store.getPartner('p-helix')).toMatchObject({ tier: 'gold', sources: ['prm', 'crm'], regions: [] });
  });
});

describeStore('validation', () => {
  it('rejects bad rows with index, field and reason, and leaves the store unchanged', async () => {
    await importBundle(t.store, tinyBundle());
    const before = await t.store.exportBundle();
    const version = await t.store.version();
    const report = await importBundle(t.store, {
      version: 1,
      partners: [
        { id: 'p-ok', name: 'Fine Partner', types: ['service'] },
        { id: 'p-bad', name: '', types: ['wizard'] },
      ],
      customers: [{ id: 'c-bad', name: 'No Segment', region: 'emea' }],
      relationships: [{ from: 'p-ok', to: 'c-globex', type: 'SERVES', role: 'sell-harder' }],
    });
    expect(report.committed).toBe(false);
    expect(report.errors).toEqual([
      { section: 'customers', index: 0, id: 'c-bad', field: 'segment', message: expect.stringMatching(/string/i) },
      { section: 'partners', index: 1, id: 'p-bad', field: 'name', message: 'must not be empty', value: '' },
      { section: 'partners', index: 1, id: 'p-bad', field: 'types.0', message: expect.stringContaining('reseller'), value: 'wizard' },
      { section: 'relationships', index: 0, field: 'role', message: expect.stringContaining('implement'), value: 'sell-harder' },
    ]);
    expect(await t.store.exportBundle()).toEqual(before);
    expect(await t.store.version()).toBe(version);
  });

  it('reports a dangling relationship, never drops it silently', async () => {
    const bundle = tinyBundle();
    bundle.relationships.push({ from: 'p-acme', to: 'p-ghost', type: 'INTEGRATES_WITH', source: 'crm' } as never);
    bundle.relationships.push({ from: 'p-acme', to: 'c-ghost', type: 'SERVES', role: 'resell', source: 'crm' } as never);
    const report = await importBundle(t.store, bundle);
    expect(report.committed).toBe(false);
    expect(report.errors).toEqual([
      { section: 'relationships', index: 11, field: 'to', message: 'unknown partner "p-ghost"', value: 'p-ghost' },
      { section: 'relationships', index: 12, field: 'to', message: 'unknown customer "c-ghost"', value: 'c-ghost' },
    ]);
    expect((await t.store.counts()).partners).toBe(0);
  });

  it('in partial mode writes the good rows and reports the bad, including rows that depend on bad rows', async () => {
    const bundle = tinyBundle();
    bundle.partners[2] = { ...bundle.partners[2]!, capabilities: [{ id: 'cap-unknown' }] } as never;
    const report = await importBundle(t.store, bundle, { mode: 'partial' });
    expect(report.committed).toBe(true);
    expect(report.errors.map((e) => `${e.section}[${e.index}].${e.field}: ${e.message}`)).toEqual([
      'partners[2].capabilities: unknown capability "cap-unknown"',
      'relationships[1].to: partner "p-nimbus" is itself a bad row',
      'relationships[2].to: partner "p-nimbus" is itself a bad row',
      'relationships[3].from: partner "p-nimbus" is itself a bad row',
      'relationships[8].from: partner "p-nimbus" is itself a bad row',
    ]);
    expect(report.written).toMatchObject({ partners: 2, customers: 2, relationships: 5 });
    expect(await t.store.getPartner('p-nimbus')).toBeNull();
  });

  it('rejects a bundle that is not version 1', async () => {
    await expect(importBundle(t.store, { version: 2 })).rejects.toThrow(BundleRejected);
    await expect(importBundle(t.store, { version: 1, partners: 'nope' })).rejects.toThrow(/partners/);
  });
});
