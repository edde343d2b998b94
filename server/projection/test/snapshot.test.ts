import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { addCustomer, addPartner, addRelationship, createEcoGraph, relationshipsOf } from '../build.js';
import { projectBundle } from '../from-bundle.js';
import { Bundle } from '../../schemas/bundle.js';
import { deriveMetrics } from '../derive.js';
import { loadSnapshot, saveSnapshot, SNAPSHOT_FORMAT } from '../snapshot.js';
import { buildMap } from '../../analytics/map.js';
import { MapQuery, type MapResponse } from '../../schemas/analytics.js';
import type { Projection } from '../types.js';
import { tempDir } from '../../test/stores.js';
import { derivedRecords } from '../../test/derived.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `partners` partners in a ring with a customer each: node and edge counts that fill whole chunks when `partners` is 2,500. */
function projection(partners: number): Projection {
  const graph = createEcoGraph();
  for (let i = 0; i < partners; i++) addPartner(graph, { id: `p${i}`, label: `Partner ${i}`, types: ['service'], regions: ['emea'], capabilities: { crm: 'advanced' } });
  for (let i = 0; i < partners; i++) {
    addCustomer(graph, { id: `c${i}`, segment: 'smb', region: 'emea', needs: ['crm'] });
    addRelationship(graph, { from: `p${i}`, to: `c${i}`, type: 'SERVES', role: 'resell', annualValue: i });
    addRelationship(graph, { from: `p${i}`, to: `p${(i + 1) % partners}`, type: 'CO_SELLS_WITH' });
  }
  const catalogue = { capabilities: new Map([['crm', { name: 'CRM' }]]), regions: ['emea'], segments: ['smb'], deals: [], solutions: [{ id: 's1', name: 'S', partners: ['p1'], capabilities: ['crm'] }] };
  return { graph, catalogue, version: 7 };
}

describe('projection snapshot', () => {
  for (const partners of [2500, 40]) {
    it(`gives back the projection and metrics it saved (${partners} partners)`, async () => {
      const saved = projection(partners);
      const derived = deriveMetrics(saved.graph, 7);
      const file = path.join(dir, `round-trip-${partners}`);
      const early = { map: [['overview', buildMap(saved.graph, derived, MapQuery.parse({ budget: 10 }))] as [string, MapResponse]] };
      expect(await saveSnapshot(file, { storeId: 's', version: 7 }, saved, derived, () => true, early)).toBe(true);
      let earlyRead: unknown;
      const loaded = (await loadSnapshot(file, { storeId: 's', version: 7 }, (answers) => (earlyRead = answers)))!;
      expect(earlyRead).toEqual(early);
      // Edge keys are generated per process; everything else, order included, comes back.
      const content = (p: Projection) => ({ nodes: p.graph.export().nodes, edges: p.graph.mapEdges((_e, attributes, source, target) => ({ source, target, attributes })) });
      expect(content(loaded.projection)).toEqual(content(saved));
      expect(loaded.projection.catalogue).toEqual(saved.catalogue);
      expect(derivedRecords(loaded.derived)).toEqual(derivedRecords(derived));
      // Same node order too: answers listing a metric's entries come out alike.
      expect(loaded.derived.pagerank.nodes.ids).toEqual(derived.pagerank.nodes.ids);
      expect(loaded.derived.positions.nodes.ids).toEqual(derived.positions.nodes.ids);
      // One node list for the metrics, as derived: the columns share it and its index.
      expect(loaded.derived.pagerank.nodes).toBe(loaded.derived.communities.nodes);
      expect(loaded.derived.betweenness.scores.nodes).toBe(loaded.derived.communities.nodes);
      // Each column owns its memory: a view of the file's buffer would keep the whole file alive.
      for (const column of [loaded.derived.communities.values, loaded.derived.pagerank.values, loaded.derived.betweenness.scores.values, loaded.derived.positions.xy]) {
        expect(column.buffer.byteLength).toBe(column.byteLength);
      }
    });
  }

  it('gives back the demo ecosystem as a fresh build makes it: every record shape, shared values, the same metrics derived again', async () => {
    const demo = JSON.parse(readFileSync(new URL('../../../seeds/demo/bundle.json', import.meta.url), 'utf8'));
    // The demo's records, plus a customer without industry and partners with lifecycle stages.
    const { industry: _, ...plain } = demo.customers[0];
    demo.customers.push({ ...plain, id: 'c-plain' });
    demo.relationships.push({ from: demo.partners[0].id, to: 'c-plain', type: 'SERVES', role: 'resell' });
    demo.partners[1].lifecycle = { resell: 'onboard', referral: 'grow' };
    demo.partners[2].lifecycle = { resell: 'activate' };
    const saved = { ...projectBundle(Bundle.parse(demo)), version: 3 };
    const nodes = saved.graph.mapNodes((_id, node) => node);
    expect(nodes.some((n) => n.kind === 'customer' && n.industry === undefined)).toBe(true);
    expect(nodes.some((n) => n.kind === 'partner' && Object.keys(n.lifecycle).length > 0)).toBe(true);
    expect(saved.graph.someEdge((_e, edge) => relationshipsOf(edge).length > 1)).toBe(true);
    const derived = deriveMetrics(saved.graph, 3);
    const file = path.join(dir, 'demo');
    expect(await saveSnapshot(file, { storeId: 's', version: 3 }, saved, derived, () => true)).toBe(true);
    const loaded = (await loadSnapshot(file, { storeId: 's', version: 3 }))!;
    const content = (p: Projection) => ({ nodes: p.graph.export().nodes, edges: p.graph.mapEdges((_e, attributes, source, target) => ({ source, target, attributes })) });
    expect(content(loaded.projection)).toEqual(content(saved));
    expect(loaded.projection.catalogue).toEqual(saved.catalogue);
    expect(loaded.derived).toEqual(derived);
    // Attribute key order too (a record serialised to JSON comes out alike), and each fact's start is the node's own key.
    expect(JSON.stringify(content(loaded.projection))).toBe(JSON.stringify(content(saved)));
    loaded.projection.graph.forEachEdge((_e, edge, source, target) => relationshipsOf(edge).forEach((f) => expect(f.from === source || f.from === target).toBe(true)));
    // Small values shared and frozen as in a fresh build: one copy of each list, which throws when mutated.
    const lists = new Set(loaded.projection.graph.mapEdges((_e, edge) => edge.types));
    expect(lists.size).toBe(new Set(saved.graph.mapEdges((_e, edge) => edge.types)).size);
    expect(() => (loaded.projection.graph.getEdgeAttributes(loaded.projection.graph.edges()[0]!).types as string[]).push('x')).toThrow();
    // Derived again from the restored graph, the metrics (communities included) are those of the fresh build: same order of nodes and edges.
    expect(deriveMetrics(loaded.projection.graph, 3)).toEqual(derived);
  });

  it('is not used for another store or version, and fails when altered or cut short', async () => {
    const saved = projection(40);
    const file = path.join(dir, 'checked');
    await saveSnapshot(file, { storeId: 's', version: 7 }, saved, deriveMetrics(saved.graph, 7), () => true);
    expect(await loadSnapshot(file, { storeId: 's', version: 8 })).toBeUndefined();
    expect(await loadSnapshot(file, { storeId: 'other', version: 7 })).toBeUndefined();
    expect(await loadSnapshot(path.join(dir, 'missing'), { storeId: 's', version: 7 })).toBeUndefined();
    const bytes = readFileSync(file);
    // A file of an earlier format (its header says so): not read, so the projection is built from the store.
    const header = deserialize(bytes.subarray(4, 4 + bytes.readUInt32LE(0))) as { format: number };
    expect(header.format).toBe(SNAPSHOT_FORMAT);
    const older = serialize({ ...header, format: SNAPSHOT_FORMAT - 1 });
    const length = Buffer.alloc(4);
    length.writeUInt32LE(older.length);
    writeFileSync(file, Buffer.concat([length, older, bytes.subarray(4 + bytes.readUInt32LE(0))]));
    expect(await loadSnapshot(file, { storeId: 's', version: 7 })).toBeUndefined();
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    await expect(loadSnapshot(file, { storeId: 's', version: 7 })).rejects.toThrow();
    const altered = Buffer.from(bytes);
    // A byte of a node's label: still deserialises, only the checksum tells.
    const at = altered.indexOf('Partner 3');
    altered[at] = 'Q'.charCodeAt(0);
    writeFileSync(file, altered);
    await expect(loadSnapshot(file, { storeId: 's', version: 7 })).rejects.toThrow(/checksum/);
  });

  it('refuses a file with any one byte damaged, without hanging on it', async () => {
    const saved = projection(40);
    const file = path.join(dir, 'damaged');
    await saveSnapshot(file, { storeId: 's', version: 7 }, saved, deriveMetrics(saved.graph, 7), () => true);
    const bytes = readFileSync(file);
    // Past the header (whose damage may only make the file another store's or version's): bytes spread over every frame.
    const start = 4 + bytes.readUInt32LE(0);
    for (let at = start; at < bytes.length; at += Math.max(1, Math.floor((bytes.length - start) / 150))) {
      const damaged = Buffer.from(bytes);
      damaged[at] = damaged[at]! ^ 0xff;
      writeFileSync(file, damaged);
      await expect(loadSnapshot(file, { storeId: 's', version: 7 }), `byte ${at}`).rejects.toThrow();
    }
  });

  it('checks the early answers on their own before giving them', async () => {
    const saved = projection(40);
    const derived = deriveMetrics(saved.graph, 7);
    const file = path.join(dir, 'early');
    await saveSnapshot(file, { storeId: 's', version: 7 }, saved, derived, () => true, { map: [['overview', buildMap(saved.graph, derived, MapQuery.parse({ budget: 10 }))]] });
    const altered = readFileSync(file);
    // A byte of the overview's first super-node label (a two-byte string: it holds a dash), which comes before any node of the graph.
    const at = altered.indexOf(Buffer.from('Community', 'utf16le'));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(altered.indexOf('Partner 0'));
    altered[at] = 'X'.charCodeAt(0);
    writeFileSync(file, altered);
    let given = false;
    await expect(loadSnapshot(file, { storeId: 's', version: 7 }, () => (given = true))).rejects.toThrow(/early answers/);
    expect(given).toBe(false);
  });

  it('keeps metrics older than the graph for the nodes still in it (saved as a server stops, before they are derived again)', async () => {
    const saved = projection(40);
    const derived = deriveMetrics(saved.graph, 7);
    saved.graph.dropNode('p3');
    saved.graph.dropNode('c3');
    addPartner(saved.graph, { id: 'p-new', types: ['service'] });
    addRelationship(saved.graph, { from: 'p-new', to: 'p4', type: 'CO_SELLS_WITH' });
    saved.version = 8;
    const file = path.join(dir, 'older-metrics');
    expect(await saveSnapshot(file, { storeId: 's', version: 8 }, saved, derived, () => true)).toBe(true);
    const loaded = (await loadSnapshot(file, { storeId: 's', version: 8 }))!;
    const gone = new Set(['p3', 'c3']);
    const kept = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([id]) => !gone.has(id)));
    const still = (id: string) => !gone.has(id);
    const expected = derivedRecords(derived);
    expect(derivedRecords(loaded.derived)).toEqual({
      ...expected,
      communities: kept(expected.communities),
      pagerank: kept(expected.pagerank),
      betweenness: { ...expected.betweenness, scores: kept(expected.betweenness.scores) },
      positions: kept(expected.positions),
      articulationPoints: new Set([...derived.articulationPoints].filter((id) => !gone.has(id))),
      bridges: derived.bridges.filter(([a, b]) => !gone.has(a) && !gone.has(b)),
      weakPoints: {
        brokers: derived.weakPoints.brokers.filter(still),
        articulationPoints: derived.weakPoints.articulationPoints.filter(still),
        disconnects: Object.fromEntries(Object.entries(derived.weakPoints.disconnects).flatMap(([id, cut]) => (still(id) ? [[id, cut.filter(still)]] : []))),
        isolated: derived.weakPoints.isolated.filter(still),
      },
    });
    // Not vacuous: the deleted nodes had metrics, and the newcomer has none yet.
    expect(Object.keys(expected.pagerank)).toEqual(expect.arrayContaining(['p3', 'c3']));
    expect(derived.articulationPoints.has('p3')).toBe(true);
    expect(derived.weakPoints.disconnects['p3']).toContain('c3');
    expect(loaded.derived.pagerank.get('p-new')).toBeUndefined();
    expect(loaded.projection.graph.hasNode('p-new')).toBe(true);
  });

  it('is not written when the projection changes meanwhile', async () => {
    const saved = projection(40);
    const file = path.join(dir, 'moved');
    expect(await saveSnapshot(file, { storeId: 's', version: 7 }, saved, deriveMetrics(saved.graph, 7), () => false)).toBe(false);
    expect(await loadSnapshot(file, { storeId: 's', version: 7 })).toBeUndefined();
  });
});
