import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvBundle } from '../../server/import/csv.js';
import { Bundle, BUNDLE_SECTIONS, type BundleSection } from '../../server/schemas/bundle.js';
import { generateBundle, writeBundle } from '../generate.js';

const small = { partners: 400, customers: 800, relationships: 5000, seed: 42 };
const bundle = generateBundle(small);
const scratch = mkdtempSync(join(tmpdir(), 'ecograph-generate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('generateBundle', () => {
  it('is deterministic for a seed and changes with it', () => {
    expect(generateBundle(small)).toEqual(bundle);
    expect(generateBundle({ ...small, seed: 43 })).not.toEqual(bundle);
  });

  it('honours the requested counts', () => {
    expect(bundle.partners).toHaveLength(small.partners);
    expect(bundle.customers).toHaveLength(small.customers);
    expect(bundle.relationships).toHaveLength(small.relationships);
    const serves = bundle.relationships.filter((r) => r.type === 'SERVES').length;
    expect(serves / small.relationships).toBeCloseTo(0.75, 2);
    const other = generateBundle({ partners: 50, customers: 70, relationships: 300, seed: 1, deals: 9, solutions: 4 });
    expect([other.partners.length, other.customers.length, other.relationships.length, other.deals.length, other.solutions.length]).toEqual([50, 70, 300, 9, 4]);
  });

  it('validates: every row against its schema, every endpoint present, no self-loop or repeated link', () => {
    expect(() => Bundle.parse(bundle)).not.toThrow();
    for (const section of Object.keys(BUNDLE_SECTIONS) as BundleSection[]) {
      for (const row of bundle[section] ?? []) expect(BUNDLE_SECTIONS[section].safeParse(row).success).toBe(true);
    }
    const partners = new Set(bundle.partners.map((p) => p.id));
    const customers = new Set(bundle.customers.map((c) => c.id));
    const seen = new Set<string>();
    for (const r of bundle.relationships) {
      expect(partners.has(r.from)).toBe(true);
      expect(r.type === 'SERVES' ? customers.has(r.to) : partners.has(r.to)).toBe(true);
      expect(r.from).not.toBe(r.to);
      const key = `${r.type}|${[r.from, r.to].sort().join('|')}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
    for (const d of bundle.deals) {
      expect(customers.has(d.customer)).toBe(true);
      for (const p of d.partners) expect(partners.has(p.partner)).toBe(true);
    }
    for (const s of bundle.solutions) for (const p of s.partners) expect(partners.has(p)).toBe(true);
    const domains = bundle.partners.map((p) => p.domain);
    expect(new Set(domains).size).toBe(domains.length);
  });

  it('has a realistic mix: all six partner types, some multi-role, customers in every region', () => {
    expect(new Set(bundle.partners.flatMap((p) => p.types)).size).toBe(6);
    const multiRole = bundle.partners.filter((p) => p.types.length > 1).length / bundle.partners.length;
    expect(multiRole).toBeGreaterThan(0.08);
    expect(multiRole).toBeLessThan(0.25);
    expect(new Set(bundle.customers.map((c) => c.region)).size).toBe(6);
  });

  it('closes won and lost deals on a date, after every partner registered', () => {
    const closed = bundle.deals.filter((d) => d.stage === 'won' || d.stage === 'lost');
    expect(closed.length).toBeGreaterThan(bundle.deals.length / 5);
    expect(closed.filter((d) => d.stage === 'lost').length).toBeGreaterThan(0);
    for (const d of bundle.deals) {
      expect(d.closedAt === undefined).toBe(!closed.includes(d));
      for (const p of d.partners) expect(Date.parse(p.registeredAt!)).toBeLessThan(Date.parse(d.closedAt ?? '2026-01-01T00:00:00Z'));
    }
  });

  it('gives partners heavy-tailed degrees', () => {
    const degree = new Map<string, number>();
    for (const r of bundle.relationships) for (const id of [r.from, r.to]) degree.set(id, (degree.get(id) ?? 0) + 1);
    const degrees = bundle.partners.map((p) => degree.get(p.id) ?? 0).sort((a, b) => a - b);
    const median = degrees[degrees.length >> 1]!;
    expect(degrees[degrees.length - 1]!).toBeGreaterThan(10 * Math.max(1, median));
  });

  it('refuses more relationships than the partners and customers can hold', () => {
    expect(() => generateBundle({ partners: 5, customers: 5, relationships: 1000, seed: 1 })).toThrow(/too many/);
  });
});

describe('writeBundle', () => {
  it('streams the same bundle as JSON', () => {
    const path = join(scratch, 'eco.json');
    const result = writeBundle(small, path);
    expect(result).toMatchObject({ partners: 400, customers: 800, relationships: 5000 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(bundle);
  });

  it('streams the same bundle as CSV files', () => {
    const directory = join(scratch, 'csv');
    writeBundle(small, directory, 'csv');
    const files = Object.fromEntries(readdirSync(directory).map((f) => [f, readFileSync(join(directory, f), 'utf8')]));
    expect(Object.keys(files)).toHaveLength(10);
    expect(Bundle.parse(parseCsvBundle(files))).toEqual(Bundle.parse(bundle));
  });

  it('writes empty sections too', () => {
    const path = join(scratch, 'empty.json');
    writeBundle({ partners: 0, customers: 0, relationships: 0, seed: 1 }, path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, partners: [], customers: [], relationships: [], deals: [], solutions: [] });
  });
});
