import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRecords, saveRecords } from '../records-file.js';

/** What the codecs keep: lists of objects of a few shapes, optional fields, nested lists, maps, tuples. */
const records = {
  programs: [{ id: 'resell', tiers: [{ name: 'gold', requirements: { customers: 3 } }], stallLimits: { onboard: 90 } }],
  standings: Array.from({ length: 4500 }, (_, i) => ({ partner: `p-${i}`, tier: i % 3 ? 'silver' : 'gold', track: 'resell', stage: 'grow', ...(i % 2 ? { since: '2026-08-12T00:00:00.000Z' } : {}) })),
  activities: Array.from({ length: 2100 }, (_, i): [string, unknown] => [`p-${i}`, { certified: i % 4 ? [] : ['cap-a'], annualValue: i * 1234.5 - 7, wonDeals: [{ deal: `d-${i}`, amount: 2 ** 52 + i }] }]),
  evaluations: [{ partnerId: 'p-0', qualifiedTier: null, requirements: [{ requirement: 'customers', required: 3, actual: 2.5, met: false }] }],
  names: { capabilities: new Map([['cap-a', 'Analytics — ünïcode ✓']]), regions: new Map<string, string>() },
  nothing: [undefined, null, 0.5, Number.MAX_SAFE_INTEGER, -1e-300, ''],
};
type Records = typeof records;

const write = (file: string, version = 7) =>
  saveRecords(file, 'test', { storeId: 's1', version }, async (out) => {
    await out.value(records.programs);
    await out.list(records.standings);
    await out.list(records.activities);
    await out.list(records.evaluations);
    await out.value(records.names);
    await out.value(records.nothing);
    await out.list(records.activities);
  }, () => true);
const saved = (file: string, version = 7, kind = 'test') =>
  loadRecords<Records & { activitiesMap: Map<string, unknown> }>(file, kind, { storeId: 's1', version }, async (input) => ({
    programs: await input.value(),
    standings: await input.list(),
    activities: await input.list(),
    evaluations: await input.list(),
    names: await input.value(),
    nothing: await input.value(),
    activitiesMap: await input.map<string, unknown>(),
  }));
const read = async (file: string, version = 7, kind = 'test') => (await saved(file, version, kind))?.records;

describe('records files', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ecograph-records-'));
    file = path.join(dir, 'test.records');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('read back what was written, shapes, maps, optional and nested fields and numbers exactly', async () => {
    expect(await write(file)).toBe(true);
    const back = await read(file);
    const { activitiesMap, ...rest } = back!;
    expect(rest).toEqual(records);
    // A list of entries read back as a Map, frame by frame (more entries than one frame holds).
    expect(activitiesMap).toEqual(new Map(records.activities));
    // toEqual does not tell a missing field from an undefined one, nor key order: the answers' JSON does.
    expect(JSON.stringify(back!.standings)).toBe(JSON.stringify(records.standings));
  });

  it('give a file of an earlier version with its version, ignore one of a later version or another kind, and throw on an altered or truncated one', async () => {
    await write(file);
    expect((await saved(file, 8))?.version).toBe(7);
    expect(await read(file, 6)).toBeUndefined();
    expect(await read(file, 7, 'other')).toBeUndefined();
    const bytes = await readFile(file);
    const altered = Buffer.from(bytes);
    altered[Math.floor(bytes.length / 2)]! ^= 0x55;
    await writeFile(file, altered);
    await expect(read(file)).rejects.toThrow();
    await writeFile(file, bytes.subarray(0, bytes.length - 10));
    await expect(read(file)).rejects.toThrow();
  });

  it('read a file of the earlier format (v8 frames) as missing, not as records', async () => {
    const { serialize } = await import('node:v8');
    const body = serialize({ format: 1, kind: 'test', storeId: 's1', version: 7 });
    const length = Buffer.alloc(4);
    length.writeUInt32LE(body.length);
    await writeFile(file, Buffer.concat([length, body]));
    expect(await read(file)).toBeUndefined();
  });
});
