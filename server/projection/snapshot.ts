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
 * Nodes and edges are columns too (typed arrays of node indices, numbers and
 * indices into a table of the strings and lists the records share, which
 * each frame extends with those it introduces): a restore makes no object
 * but the ones the graph keeps, and shares the small values again as a fresh
 * build does.
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
import { createEcoGraph, internerOf, nextEdgeKey } from './build.js';
import { runSliced, slicer, type Steps } from './slices.js';
import { NodeIndex, NodePositions, NodeValues } from './node-values.js';
import type { MapResponse } from '../schemas/analytics.js';
import { weakPointsAmong, type WeakPoints } from '../analytics/structure.js';
import type { CustomerNode, DerivedMetrics, EcoCatalogue, EcoEdge, EcoGraph, PartnerNode, Projection, RelationshipFact } from './types.js';

/** Bumped whenever what is written changes shape: an older file is then rebuilt, never misread. */
export const SNAPSHOT_FORMAT = 5;
const CHUNK = 5000;
/** In a column of string indices: no value (a customer's industry, a relationship's role). */
const NONE = 0xffffffff;
/** Nodes or edges restored between two looks at the clock. */
const SLICE = 128;

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

/** Values over a derivation's nodes, given as indices into the node list the frame goes with; NaN where a node has none. */
interface Column {
  keys: Uint32Array;
  values: Float64Array;
}

/**
 * Derived metrics over node indices: what the snapshot keeps, and what the
 * deriving worker sends back. Columns over the same nodes share one `keys`
 * array, which the serialiser and the worker's message keep as one.
 */
export interface DerivedFrame {
  version: number;
  layoutPending: boolean;
  betweenness: { exact: boolean; sources: number; scores: Column };
  communities: Column;
  pagerank: Column;
  /** x, y per node of `keys` */
  positions: { keys: Uint32Array; xy: Float64Array };
  articulationPoints: Uint32Array;
  bridges: Uint32Array;
  /** A few thousand ids at most: kept as they are. */
  weakPoints: WeakPoints;
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
    const shared = new SharedWriter();
    let nodes = new NodeColumns();
    for (const { node, attributes } of graph.nodeEntries()) {
      index.set(node, index.size);
      nodes.add(shared, node, attributes);
      if (nodes.ids.length === CHUNK) {
        await frame(nodes.frame(shared));
        nodes = new NodeColumns();
        if (!stillCurrent()) return false;
      }
    }
    if (nodes.ids.length > 0) await frame(nodes.frame(shared));
    let edges = new EdgeColumns();
    for (const edge of graph.edgeEntries()) {
      edges.add(shared, index.get(edge.source)!, index.get(edge.target)!, edge.source, edge.attributes);
      if (edges.count === CHUNK) {
        await frame(edges.frame(shared));
        edges = new EdgeColumns();
        if (!stillCurrent()) return false;
      }
    }
    if (edges.count > 0) await frame(edges.frame(shared));
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
  const arrays = [betweenness.scores.keys, betweenness.scores.values, communities.keys, communities.values, pagerank.keys, pagerank.values, positions.keys, positions.xy, frame.articulationPoints, frame.bridges];
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}

/**
 * `derived` over the node indices `index` gives, a look at the clock every
 * few thousand nodes. Metrics older than the graph (saved as a server stops,
 * before its latest version is derived) may name nodes deleted since: those
 * are left out, and a restart derives the metrics again.
 */
export async function derivedFrame(derived: DerivedMetrics, index: Map<string, number>, pause: () => Promise<void> | undefined): Promise<DerivedFrame> {
  /** A node list's graph indices, and the places in it of the nodes still in the graph when some are not. */
  const keysOf = new Map<NodeIndex, { keys: Uint32Array; kept?: Uint32Array }>();
  const keys = async (nodes: NodeIndex) => {
    let known = keysOf.get(nodes);
    if (known === undefined) {
      const keys: number[] = [];
      const kept: number[] = [];
      for (let k = 0; k < nodes.size; k++) {
        const key = index.get(nodes.ids[k]!);
        if (key !== undefined) {
          keys.push(key);
          kept.push(k);
        }
        if ((k & 4095) === 4095) await pause();
      }
      known = keys.length === nodes.size ? { keys: Uint32Array.from(keys) } : { keys: Uint32Array.from(keys), kept: Uint32Array.from(kept) };
      keysOf.set(nodes, known);
    }
    return known;
  };
  const column = async ({ nodes, values }: NodeValues): Promise<Column> => {
    const { keys: columnKeys, kept } = await keys(nodes);
    return { keys: columnKeys, values: kept === undefined ? values : Float64Array.from(kept, (k) => values[k]!) };
  };
  const positions = await keys(derived.positions.nodes);
  const xy = derived.positions.xy;
  const present = (id: string) => index.has(id);
  return {
    version: derived.version,
    layoutPending: derived.layoutPending,
    betweenness: { exact: derived.betweenness.exact, sources: derived.betweenness.sources, scores: await column(derived.betweenness.scores) },
    communities: await column(derived.communities),
    pagerank: await column(derived.pagerank),
    positions: { keys: positions.keys, xy: positions.kept === undefined ? xy : Float64Array.from({ length: positions.kept.length * 2 }, (_, i) => xy[positions.kept![i >> 1]! * 2 + (i & 1)]!) },
    articulationPoints: Uint32Array.from([...derived.articulationPoints].filter(present), (id) => index.get(id)!),
    bridges: Uint32Array.from(derived.bridges.filter(([a, b]) => present(a) && present(b)).flat(), (id) => index.get(id)!),
    weakPoints: weakPointsAmong(derived.weakPoints, { partner: present, customer: present, isolated: present }),
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
  const shared = new SharedReader(graph);
  const ids: string[] = [];
  while (ids.length < header.nodes) {
    const frame = await next<NodeFrame>();
    shared.extend(frame.shared);
    await runSliced(restoreNodes(graph, shared, frame), pause);
    ids.push(...frame.ids);
  }
  let restored = 0;
  while (restored < header.edges) {
    const frame = await next<EdgeFrame>();
    shared.extend(frame.shared);
    await runSliced(restoreEdges(graph, shared, ids, frame), pause);
    restored += frame.values.length;
  }
  const derived = await fromDerivedFrame(await next<DerivedFrame>(), ids, pause);
  expected = hash.digest('hex');
  const trailer = await next<{ sha1?: string }>();
  if (trailer.sha1 !== expected || offset !== bytes.length) throw new Error('projection/snapshot: checksum mismatch');
  return { projection: { graph, catalogue, version: header.version }, derived };
}

export async function fromDerivedFrame(frame: DerivedFrame, ids: string[], pause: () => Promise<void> | undefined): Promise<DerivedMetrics> {
  // One node list per keys array: the metrics' columns share theirs, and the positions theirs when the layout is as fresh.
  const nodesOf = new Map<Uint32Array, NodeIndex>();
  const nodes = async (keys: Uint32Array): Promise<NodeIndex> => {
    let known = nodesOf.get(keys);
    if (known === undefined) {
      const list = new Array<string>(keys.length);
      for (let k = 0; k < keys.length; k++) list[k] = ids[keys[k]!]!;
      known = new NodeIndex(list);
      await runSliced(known.indexSteps(), pause);
      nodesOf.set(keys, known);
    }
    return known;
  };
  // Copies: v8's deserialiser gives aligned typed arrays as views of the buffer it read, and a view kept would keep
  // the whole snapshot file (80 MB at 100,000 partners) for as long as the metrics live.
  const column = async (c: Column) => new NodeValues(await nodes(c.keys), c.values.slice());
  const bridges: Array<[string, string]> = [];
  for (let k = 0; k < frame.bridges.length; k += 2) bridges.push([ids[frame.bridges[k]!]!, ids[frame.bridges[k + 1]!]!]);
  return {
    version: frame.version,
    communities: await column(frame.communities),
    pagerank: await column(frame.pagerank),
    betweenness: { scores: await column(frame.betweenness.scores), exact: frame.betweenness.exact, sources: frame.betweenness.sources },
    articulationPoints: new Set(Array.from(frame.articulationPoints, (i) => ids[i]!)),
    bridges,
    weakPoints: frame.weakPoints,
    positions: new NodePositions(await nodes(frame.positions.keys), frame.positions.xy.slice()),
    layoutPending: frame.layoutPending,
  };
}

/** Strings and lists (of string indices) a frame adds to the tables, in the order they are numbered. */
interface SharedDelta {
  strings: string[];
  lists: number[][];
}

/**
 * Numbers the small values records repeat (types, tiers, regions, roles, their
 * lists) as the writer meets them; each frame takes the new ones along.
 */
class SharedWriter {
  private readonly strings = new Map<string, number>();
  private readonly lists = new Map<string, number>();
  private readonly numbered = new Map<readonly string[], number>();
  private delta: SharedDelta = { strings: [], lists: [] };

  string(value: string): number {
    let at = this.strings.get(value);
    if (at === undefined) {
      this.strings.set(value, (at = this.strings.size));
      this.delta.strings.push(value);
    }
    return at;
  }

  list(values: readonly string[]): number {
    // The graph shares its lists (see Interner): met again, a list is numbered by identity, without a key made per edge.
    const known = this.numbered.get(values);
    if (known !== undefined) return known;
    const items = values.map((v) => this.string(v));
    const key = items.join(',');
    let at = this.lists.get(key);
    if (at === undefined) {
      this.lists.set(key, (at = this.lists.size));
      this.delta.lists.push(items);
    }
    this.numbered.set(values, at);
    return at;
  }

  /** The values numbered since the last frame. */
  take(): SharedDelta {
    const delta = this.delta;
    this.delta = { strings: [], lists: [] };
    return delta;
  }
}

/** The reader's tables, each value the graph's own shared copy (see `Interner`), so later writes share them too. */
class SharedReader {
  readonly strings: string[] = [];
  readonly lists: string[][] = [];
  constructor(private readonly graph: EcoGraph) {}

  extend(delta: SharedDelta): void {
    const interner = internerOf(this.graph);
    for (const value of delta.strings) this.strings.push(interner.string(value));
    for (const items of delta.lists) this.lists.push(interner.list(items.map((i) => this.strings[i]!)));
  }
}

/**
 * A frame of nodes. `fields` holds four string or list indices a node: a
 * partner's types, tier, regions, segments; a customer's segment, region,
 * industry (NONE when absent), needs. `maps` holds each partner's
 * capabilities (a count, then id, level, certified) and lifecycle (a count,
 * then track, stage).
 */
interface NodeFrame {
  shared: SharedDelta;
  ids: string[];
  labels: string[];
  customer: Uint8Array;
  fields: Uint32Array;
  maps: Uint32Array;
}

class NodeColumns {
  readonly ids: string[] = [];
  private readonly labels: string[] = [];
  private readonly customer: number[] = [];
  private readonly fields: number[] = [];
  private readonly maps: number[] = [];

  add(shared: SharedWriter, id: string, node: PartnerNode | CustomerNode): void {
    this.ids.push(id);
    this.labels.push(node.label);
    if (node.kind === 'customer') {
      this.customer.push(1);
      this.fields.push(shared.string(node.segment), shared.string(node.region), node.industry === undefined ? NONE : shared.string(node.industry), shared.list(node.needs));
      return;
    }
    this.customer.push(0);
    this.fields.push(shared.list(node.types), shared.string(node.tier), shared.list(node.regions), shared.list(node.segments));
    const capabilities = Object.entries(node.capabilities);
    this.maps.push(capabilities.length);
    for (const [id, { level, certified }] of capabilities) this.maps.push(shared.string(id), shared.string(level), certified ? 1 : 0);
    const lifecycle = Object.entries(node.lifecycle);
    this.maps.push(lifecycle.length);
    for (const [track, stage] of lifecycle) this.maps.push(shared.string(track), shared.string(stage));
  }

  frame(shared: SharedWriter): NodeFrame {
    return { shared: shared.take(), ids: this.ids, labels: this.labels, customer: Uint8Array.from(this.customer), fields: Uint32Array.from(this.fields), maps: Uint32Array.from(this.maps) };
  }
}

/**
 * The count at `at` of a run of entries `width` wide that follows it. A damaged
 * file is refused by its checksum once read whole; a count that overruns its
 * column is refused at once, rather than looped over four billion times.
 */
function counted(column: Uint32Array, at: number, width: number): number {
  const count = column[at]!;
  if (at + 1 + count * width > column.length) throw new Error('projection/snapshot: a frame does not check out');
  return count;
}

/** Adds a frame's nodes, yielding every SLICE of them. */
function* restoreNodes(graph: EcoGraph, shared: SharedReader, frame: NodeFrame): Steps<void> {
  const { strings, lists } = shared;
  const interner = internerOf(graph);
  const { ids, fields, maps } = frame;
  let at = 0;
  for (let n = 0; n < ids.length; n++) {
    if (n % SLICE === SLICE - 1) yield;
    const id = ids[n]!;
    const f = 4 * n;
    if (frame.customer[n] === 1) {
      const industry = fields[f + 2]!;
      const customer: CustomerNode = {
        kind: 'customer',
        label: frame.labels[n]!,
        segment: strings[fields[f]!]!,
        region: strings[fields[f + 1]!]!,
        ...(industry === NONE ? {} : { industry: strings[industry]! }),
        needs: lists[fields[f + 3]!]!,
      };
      graph.addNode(id, customer);
      continue;
    }
    const capabilities: PartnerNode['capabilities'] = {};
    for (let c = counted(maps, at++, 3); c > 0; c--, at += 3) capabilities[strings[maps[at]!]!] = interner.capability(strings[maps[at + 1]!] as PartnerNode['capabilities'][string]['level'], maps[at + 2] === 1);
    const lifecycle: PartnerNode['lifecycle'] = {};
    for (let c = counted(maps, at++, 2); c > 0; c--, at += 2) lifecycle[strings[maps[at]!]!] = strings[maps[at + 1]!] as PartnerNode['lifecycle'][string];
    const partner: PartnerNode = {
      kind: 'partner',
      label: frame.labels[n]!,
      types: lists[fields[f]!] as PartnerNode['types'],
      tier: strings[fields[f + 1]!]!,
      regions: lists[fields[f + 2]!]!,
      segments: lists[fields[f + 3]!]!,
      capabilities,
      lifecycle,
    };
    graph.addNode(id, partner);
  }
}

/**
 * A frame of edges: `ends` two node indices an edge; `lists` its types' and
 * roles' list indices; `value` its value; `facts` per edge a count, then
 * per relationship its type, role (NONE when none) and whether it starts at
 * the edge's target (1) or source (0); `factValues` one per relationship.
 */
interface EdgeFrame {
  shared: SharedDelta;
  ends: Uint32Array;
  lists: Uint32Array;
  values: Float64Array;
  facts: Uint32Array;
  factValues: Float64Array;
}

class EdgeColumns {
  count = 0;
  private readonly ends: number[] = [];
  private readonly lists: number[] = [];
  private readonly values: number[] = [];
  private readonly facts: number[] = [];
  private readonly factValues: number[] = [];

  add(shared: SharedWriter, source: number, target: number, sourceId: string, edge: EcoEdge): void {
    this.count++;
    this.ends.push(source, target);
    this.lists.push(shared.list(edge.types), shared.list(edge.roles));
    this.values.push(edge.value);
    if (edge.relationships === undefined) {
      // A lone relationship, read from the edge's own fields: relationshipsOf would make a list and a fact per edge.
      this.facts.push(1);
      this.addFact(shared, sourceId, { type: edge.types[0]!, from: edge.from, role: edge.roles[0], value: edge.value });
      return;
    }
    this.facts.push(edge.relationships.length);
    for (const fact of edge.relationships) this.addFact(shared, sourceId, fact);
  }

  private addFact(shared: SharedWriter, sourceId: string, fact: RelationshipFact): void {
    this.facts.push(shared.string(fact.type), fact.role === undefined ? NONE : shared.string(fact.role), fact.from === sourceId ? 0 : 1);
    this.factValues.push(fact.value);
  }

  frame(shared: SharedWriter): EdgeFrame {
    return {
      shared: shared.take(),
      ends: Uint32Array.from(this.ends),
      lists: Uint32Array.from(this.lists),
      values: Float64Array.from(this.values),
      facts: Uint32Array.from(this.facts),
      factValues: Float64Array.from(this.factValues),
    };
  }
}

/** Adds a frame's edges, yielding every SLICE of them. */
function* restoreEdges(graph: EcoGraph, shared: SharedReader, ids: string[], frame: EdgeFrame): Steps<void> {
  const { strings, lists } = shared;
  const { ends, facts, factValues } = frame;
  const count = frame.values.length;
  let at = 0;
  let fact = 0;
  for (let e = 0; e < count; e++) {
    if (e % SLICE === SLICE - 1) yield;
    const source = ids[ends[2 * e]!]!;
    const target = ids[ends[2 * e + 1]!]!;
    const types = lists[frame.lists[2 * e]!] as EcoEdge['types'];
    const roles = lists[frame.lists[2 * e + 1]!]!;
    const value = frame.values[e]!;
    const count = counted(facts, at++, 3);
    let attributes: EcoEdge;
    // One relationship is held in the edge's own fields, as a fresh build holds it (see EcoEdge). Literals, not
    // spreads: edges spread from a summary object held 213 MB more at 100,000 partners (bench:restore).
    if (count === 1) {
      attributes = { types, roles, value, from: facts[at + 2] === 1 ? target : source };
      at += 3;
      fact++;
    } else {
      // Of its exact length, as a fresh build makes it: grown by push, a list would hold room for sixteen.
      const relationships = new Array<RelationshipFact>(count);
      for (let r = 0; r < relationships.length; r++, at += 3) {
        const role = facts[at + 1]!;
        const type = strings[facts[at]!] as RelationshipFact['type'];
        const from = facts[at + 2] === 1 ? target : source;
        relationships[r] = role === NONE ? { type, from, value: factValues[fact++]! } : { type, from, role: strings[role]!, value: factValues[fact++]! };
      }
      attributes = { types, roles, value, relationships };
    }
    graph.addEdgeWithKey(nextEdgeKey(graph), source, target, attributes);
  }
}
