/**
 * Values per node kept as columns over one list of node ids, rather than as
 * records keyed by id: at 300,000 nodes the derived metrics held 80 MB of
 * heap as records (a dictionary entry, and a boxed number or an object, per
 * node and metric), and their snapshot and the deriving worker's answer had
 * to be turned from and into records on the event loop. The metrics of one
 * derivation share one list and its index.
 */
import type { Steps } from './slices.js';

/** Nodes between two yields of the index's build. */
const STEP = 0x3fff;

/** A list of node ids and each one's place in it, found through an index built once per list. */
export class NodeIndex {
  private index: Map<string, number> | undefined;

  constructor(readonly ids: readonly string[]) {}

  get size(): number {
    return this.ids.length;
  }

  indexOf(id: string): number | undefined {
    this.index ??= new Map(this.ids.map((node, i) => [node, i]));
    return this.index.get(id);
  }

  /** Builds the index in steps (see slices.ts), so that the first lookup does not hold the event loop (60–90 ms at 300,000 nodes). */
  *indexSteps(): Steps<void> {
    if (this.index !== undefined) return;
    const index = new Map<string, number>();
    for (let i = 0; i < this.ids.length; i++) {
      index.set(this.ids[i]!, i);
      if ((i & STEP) === STEP) yield;
    }
    this.index = index;
  }
}

/** One number per node of a NodeIndex; NaN where a node has none. */
export class NodeValues {
  constructor(
    readonly nodes: NodeIndex,
    readonly values: Float64Array,
  ) {
    if (values.length !== nodes.size) throw new Error('projection/node-values: one value per node expected');
  }

  /** The record's values over `nodes` (NaN for a node it leaves out), or over its own keys. */
  static of(record: Readonly<Record<string, number>>, nodes = new NodeIndex(Object.keys(record))): NodeValues {
    return new NodeValues(nodes, Float64Array.from(nodes.ids, (id) => record[id] ?? NaN));
  }

  get(id: string): number | undefined {
    const i = this.nodes.indexOf(id);
    const value = i === undefined ? NaN : this.values[i]!;
    return Number.isNaN(value) ? undefined : value;
  }

  /** [id, value] of every node with a value, in the list's order. */
  *entries(): IterableIterator<[string, number]> {
    for (let i = 0; i < this.values.length; i++) if (!Number.isNaN(this.values[i])) yield [this.nodes.ids[i]!, this.values[i]!];
  }
}

/** x, y per node of a NodeIndex, in one array (x of node i at 2i, y at 2i + 1); NaN where a node has no position. */
export class NodePositions {
  constructor(
    readonly nodes: NodeIndex,
    readonly xy: Float64Array,
  ) {
    if (xy.length !== 2 * nodes.size) throw new Error('projection/node-values: x, y per node expected');
  }

  static of(record: Readonly<Record<string, { x: number; y: number }>>, nodes = new NodeIndex(Object.keys(record))): NodePositions {
    const xy = new Float64Array(2 * nodes.size).fill(NaN);
    nodes.ids.forEach((id, i) => {
      const position = record[id];
      if (position !== undefined) (xy[2 * i] = position.x), (xy[2 * i + 1] = position.y);
    });
    return new NodePositions(nodes, xy);
  }

  get(id: string): { x: number; y: number } | undefined {
    const i = this.nodes.indexOf(id);
    return i === undefined || Number.isNaN(this.xy[2 * i]) ? undefined : { x: this.xy[2 * i]!, y: this.xy[2 * i + 1]! };
  }

  /** x, y per node of `ids`, in another order (NaN where none), in steps (see slices.ts). */
  *over(ids: readonly string[]): Steps<Float64Array> {
    yield* this.nodes.indexSteps();
    const xy = new Float64Array(2 * ids.length).fill(NaN);
    for (let i = 0; i < ids.length; i++) {
      const at = this.nodes.indexOf(ids[i]!);
      if (at !== undefined) (xy[2 * i] = this.xy[2 * at]!), (xy[2 * i + 1] = this.xy[2 * at + 1]!);
      if ((i & STEP) === 0) yield;
    }
    return xy;
  }

  /** [id, position] of every placed node, in the list's order. */
  *entries(): IterableIterator<[string, { x: number; y: number }]> {
    for (let i = 0; i < this.nodes.size; i++) if (!Number.isNaN(this.xy[2 * i])) yield [this.nodes.ids[i]!, { x: this.xy[2 * i]!, y: this.xy[2 * i + 1]! }];
  }
}
