/**
 * The projection and its derived metrics, kept beside the store for one
 * store version, so that a restart answers from them at once instead of
 * reading the store again and deriving (minutes at 100,000 partners).
 *
 * The file is a run of frames, each a 4-byte length and one v8-serialised
 * chunk: a header (format, store id and version, counts, catalogue, the
 * SHA-1 of the next frame), the early answers (the map's overview as it was
 * answered at that version), nodes and edges a few thousand at a time, the
 * metrics as columns, and a trailer with the SHA-1 of every frame before it.
 * The early answers come first and check out on their own, so that a
 * restarted server answers the first map from them at once, while the
 * graph, which takes seconds to rebuild at 100,000 partners, is still read. Reading and writing go a frame at
 * a time and give the event loop a turn every few milliseconds, so that a
 * server loading or saving a snapshot keeps answering. A snapshot of another
 * format, store or version, or one that does not check out, is not used.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { createEcoGraph } from './build.js';
import { slicer } from './slices.js';
import type { MapResponse } from '../schemas/analytics.js';
import type { DerivedMetrics, EcoCatalogue, EcoEdge, EcoNode, Projection } from './types.js';

/** Bumped whenever what is written changes shape: an older file is then rebuilt, never misread. */
export const SNAPSHOT_FORMAT = 2;
const CHUNK = 5000;

export interface SnapshotKey {
  storeId: string;
  version: number;
}

interface Header {
  format: number;
  storeId: string;
  version: number;
  nodes: number;
  edges: number;
  catalogue: Omit<EcoCatalogue, 'deals' | 'solutions'>;
  deals: number;
  solutions: number;
  /** of the early answers' frame, length prefix included */
  earlySha1: string;
}

/** Answers kept with the snapshot, as they were given at its version: the map's, by query key. */
export interface EarlyAnswers {
  map: Array<[string, MapResponse]>;
}

/** A metric keyed by node id as columns: node indices in the record's own key order, and the values. */
interface Column {
  keys: Uint32Array;
  values: Float64Array;
}

/** Derived metrics as columns over node indices: what the snapshot keeps, and what the deriving worker sends back. */
export interface DerivedFrame {
  version: number;
  layoutPending: boolean;
  betweenness: { exact: boolean; sources: number; scores: Column };
  communities: Column;
  pagerank: Column;
  positions: { keys: Uint32Array; x: Float64Array; y: Float64Array };
  articulationPoints: Uint32Array;
  bridges: Uint32Array;
}

/**
 * Writes the snapshot aside and renames it into place. Resolves false, and
 * leaves the file as it was, when `stillCurrent` says the projection changed
 * meanwhile (it is edited in place after small writes).
 */
export async function saveSnapshot(
  file: string,
  key: SnapshotKey,
  projection: Projection,
  derived: DerivedMetrics,
  stillCurrent: () => boolean,
  early: EarlyAnswers = { map: [] },
): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true });
  const aside = `${file}.tmp`;
  const handle = await open(aside, 'w');
  const hash = createHash('sha1');
  const pause = slicer();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const frame = async (value: unknown) => {
    const [length, body] = framed(serialize(value));
    hash.update(length).update(body);
    pending.push(length, body);
    pendingBytes += 4 + body.length;
    if (pendingBytes > 8 << 20) {
      await handle.writev(pending);
      pending = [];
      pendingBytes = 0;
    }
    await pause();
  };
  try {
    const { graph, catalogue } = projection;
    const { deals, solutions, ...rest } = catalogue;
    const earlyFrame = framed(serialize(early));
    const earlySha1 = createHash('sha1').update(earlyFrame[0]).update(earlyFrame[1]).digest('hex');
    const header: Header = { format: SNAPSHOT_FORMAT, ...key, nodes: graph.order, edges: graph.size, catalogue: rest, deals: deals.length, solutions: solutions.length, earlySha1 };
    await frame(header);
    await frame(early);
    for (let i = 0; i < deals.length; i += CHUNK) await frame(deals.slice(i, i + CHUNK));
    for (let i = 0; i < solutions.length; i += CHUNK) await frame(solutions.slice(i, i + CHUNK));
    const index = new Map<string, number>();
    let chunk: Array<[string, EcoNode]> = [];
    for (const { node, attributes } of graph.nodeEntries()) {
      index.set(node, index.size);
      chunk.push([node, attributes]);
      if (chunk.length === CHUNK) await frame(chunk.splice(0));
      if (!stillCurrent()) return false;
    }
    if (chunk.length > 0) await frame(chunk);
    let ends: number[] = [];
    let attributes: EcoEdge[] = [];
    for (const edge of graph.edgeEntries()) {
      ends.push(index.get(edge.source)!, index.get(edge.target)!);
      attributes.push(edge.attributes);
      if (attributes.length === CHUNK) {
        await frame([Uint32Array.from(ends), attributes]);
        [ends, attributes] = [[], []];
        if (!stillCurrent()) return false;
      }
    }
    if (attributes.length > 0) await frame([Uint32Array.from(ends), attributes]);
    await frame(await derivedFrame(derived, index, pause));
    if (!stillCurrent()) return false;
    pending.push(serializedTrailer(hash.digest('hex')));
    await handle.writev(pending);
    await handle.close();
    await rename(aside, file);
    return true;
  } finally {
    await handle.close().catch(() => undefined);
    await rm(aside, { force: true });
  }
}

function framed(body: Buffer): [Buffer, Buffer] {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length);
  return [length, body];
}

function serializedTrailer(digest: string): Buffer {
  return Buffer.concat(framed(serialize({ sha1: digest })));
}

/** The typed arrays' buffers of a frame, to transfer it to another thread rather than copy it. */
export function frameBuffers(frame: DerivedFrame): ArrayBuffer[] {
  const { betweenness, communities, pagerank, positions } = frame;
  const arrays = [betweenness.scores.keys, betweenness.scores.values, communities.keys, communities.values, pagerank.keys, pagerank.values, positions.keys, positions.x, positions.y, frame.articulationPoints, frame.bridges];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

export async function derivedFrame(derived: DerivedMetrics, index: Map<string, number>, pause: () => Promise<void> | undefined): Promise<DerivedFrame> {
  // One metric at a time, with a turn of the event loop between them.
  const column = async (record: Record<string, number>): Promise<Column> => {
    const keys = Object.keys(record);
    const column = { keys: Uint32Array.from(keys, (id) => index.get(id)!), values: Float64Array.from(keys, (id) => record[id]!) };
    await pause();
    return column;
  };
  const scores = await column(derived.betweenness.scores);
  const communities = await column(derived.communities);
  const pagerank = await column(derived.pagerank);
  const placed = Object.keys(derived.positions);
  const positions = {
    keys: Uint32Array.from(placed, (id) => index.get(id)!),
    x: Float64Array.from(placed, (id) => derived.positions[id]!.x),
    y: Float64Array.from(placed, (id) => derived.positions[id]!.y),
  };
  return {
    version: derived.version,
    layoutPending: derived.layoutPending,
    betweenness: { exact: derived.betweenness.exact, sources: derived.betweenness.sources, scores },
    communities,
    pagerank,
    positions,
    articulationPoints: Uint32Array.from(derived.articulationPoints, (id) => index.get(id)!),
    bridges: Uint32Array.from(derived.bridges.flat(), (id) => index.get(id)!),
  };
}

/**
 * The projection and metrics saved for `key`, or undefined when the file is
 * missing or of another format, store or version; throws when it does not
 * check out (truncated, altered). `onEarly` is given the early answers as
 * soon as they are read and checked, long before the graph is rebuilt.
 */
export async function loadSnapshot(
  file: string,
  key: SnapshotKey,
  onEarly?: (early: EarlyAnswers) => void,
): Promise<{ projection: Projection; derived: DerivedMetrics } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  const hash = createHash('sha1');
  const pause = slicer();
  let offset = 0;
  let expected: string | undefined;
  const next = async <T>(): Promise<T> => {
    if (offset + 4 > bytes.length) throw new Error('projection/snapshot: truncated');
    const length = bytes.readUInt32LE(offset);
    if (offset + 4 + length > bytes.length) throw new Error('projection/snapshot: truncated');
    const body = bytes.subarray(offset + 4, offset + 4 + length);
    // Every frame but the trailer is hashed.
    if (expected === undefined) hash.update(bytes.subarray(offset, offset + 4 + length));
    offset += 4 + length;
    await pause();
    return deserialize(body) as T;
  };
  const header = await next<Header>().catch(() => undefined);
  if (header?.format !== SNAPSHOT_FORMAT || header.storeId !== key.storeId || header.version !== key.version) return undefined;
  const earlyStart = offset;
  const early = await next<EarlyAnswers>();
  if (createHash('sha1').update(bytes.subarray(earlyStart, offset)).digest('hex') !== header.earlySha1) throw new Error('projection/snapshot: checksum mismatch in the early answers');
  onEarly?.(early);
  const catalogue: EcoCatalogue = { ...header.catalogue, deals: [], solutions: [] };
  while (catalogue.deals.length < header.deals) catalogue.deals.push(...(await next<EcoCatalogue['deals']>()));
  while (catalogue.solutions.length < header.solutions) catalogue.solutions.push(...(await next<EcoCatalogue['solutions']>()));
  const graph = createEcoGraph();
  const ids: string[] = [];
  while (ids.length < header.nodes) {
    for (const [id, attributes] of await next<Array<[string, EcoNode]>>()) {
      graph.addNode(id, attributes);
      ids.push(id);
    }
  }
  while (graph.size < header.edges) {
    const [ends, attributes] = await next<[Uint32Array, EcoEdge[]]>();
    attributes.forEach((edge, e) => graph.addEdge(ids[ends[2 * e]!]!, ids[ends[2 * e + 1]!]!, edge));
    await pause();
  }
  const derived = await fromDerivedFrame(await next<DerivedFrame>(), ids, pause);
  expected = hash.digest('hex');
  const trailer = await next<{ sha1?: string }>();
  if (trailer.sha1 !== expected || offset !== bytes.length) throw new Error('projection/snapshot: checksum mismatch');
  return { projection: { graph, catalogue, version: header.version }, derived };
}

export async function fromDerivedFrame(frame: DerivedFrame, ids: string[], pause: () => Promise<void> | undefined): Promise<DerivedMetrics> {
  const record = async <T>(keys: Uint32Array, value: (k: number) => T): Promise<Record<string, T>> => {
    const out: Record<string, T> = {};
    for (let k = 0; k < keys.length; k++) {
      out[ids[keys[k]!]!] = value(k);
      if ((k & 4095) === 0) await pause();
    }
    return out;
  };
  const column = (c: Column) => record(c.keys, (k) => c.values[k]!);
  const bridges: Array<[string, string]> = [];
  for (let k = 0; k < frame.bridges.length; k += 2) bridges.push([ids[frame.bridges[k]!]!, ids[frame.bridges[k + 1]!]!]);
  return {
    version: frame.version,
    communities: await column(frame.communities),
    pagerank: await column(frame.pagerank),
    betweenness: { scores: await column(frame.betweenness.scores), exact: frame.betweenness.exact, sources: frame.betweenness.sources },
    articulationPoints: new Set(Array.from(frame.articulationPoints, (i) => ids[i]!)),
    bridges,
    positions: await record(frame.positions.keys, (k) => ({ x: frame.positions.x[k]!, y: frame.positions.y[k]! })),
    layoutPending: frame.layoutPending,
  };
}
