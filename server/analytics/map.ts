/**
 * The map: the filtered view of the ecosystem the web client draws, with
 * facet counts for the filter panel. Above the node budget the view is
 * aggregated into one super-node per community (level of detail); asking
 * for one community drills down into its members.
 *
 * Requests must stay well under a second at 300k nodes, so the adjacency,
 * relationship types and communities are indexed once per graph and
 * projection version; each request then walks typed arrays only.
 */
import { RELATIONSHIP_TYPES, SERVE_ROLES } from '../schemas/model.js';
import type { MapEdge, MapNode, MapQuery, MapResponse } from '../schemas/analytics.js';
import { compareIds } from '../order.js';
import { drain, runSliced, shared, type Steps } from '../projection/slices.js';
import type { NodePositions } from '../projection/node-values.js';
import type { DerivedMetrics, EcoEdge, EcoGraph, EcoNode } from '../projection/types.js';

/** Super-nodes in an aggregated view at most: past a few hundred bubbles an overview stops being one. */
const MAX_COMMUNITIES = 200;
/** Links kept per super-node: its strongest ones. */
const LINKS_PER_COMMUNITY = 3;
/** Links kept in an aggregated view at most, strongest first. */
const MAX_LINKS = 2000;
const MIN_SIZE = 2;
const MAX_SIZE = 20;

export function buildMap(graph: EcoGraph, derived: DerivedMetrics, query: MapQuery): MapResponse {
  return drain(mapSteps(graph, derived, query));
}

/**
 * The map as steps that yield every few thousand nodes, so that a server
 * can run it in slices between writes (ProjectionService.compute); the graph
 * must not change until it is done.
 */
export function* mapSteps(graph: EcoGraph, derived: DerivedMetrics, query: MapQuery): Steps<MapResponse> {
  if (!Number.isInteger(query.budget) || query.budget < 1) throw new Error('analytics/map: budget must be a positive integer');
  const index = yield* mapIndexSteps(graph, derived);
  if (query.focus !== undefined && !index.position.has(query.focus)) throw new Error(`analytics/map: unknown focus node "${query.focus}"`);

  let kept: number[];
  let facets: MapResponse['facets'];
  if (isWhole(query)) {
    // The whole ecosystem (the overview every visit starts from): its facets are kept current per graph, not counted per version.
    const { whole } = index;
    kept = query.includeCustomers ? [...whole.partners, ...whole.customers] : [...whole.partners];
    facets = facetRecords(yield* wholeFacets(index, query.includeCustomers), yield* communityCounts(index, kept));
  } else {
    const candidates =
      query.focus !== undefined
        ? egoNetwork(index, index.position.get(query.focus)!, query.depth)
        : query.community !== undefined
          ? index.members[query.community] ?? []
          : index.attributes.keys();
    kept = yield* applyFilters(index, candidates, query);
    facets = yield* countFacets(index, kept);
  }
  const base = { version: derived.version, totalNodes: kept.length, facets, layoutPending: derived.layoutPending };

  if (kept.length > query.budget && query.focus === undefined && query.community === undefined) {
    return { ...base, aggregated: true, ...(yield* aggregate(index, derived, kept, Math.min(query.budget, MAX_COMMUNITIES))) };
  }
  let shown = kept;
  if (kept.length > query.budget) {
    const score = centrality(index, derived, query.sizeBy);
    // The focus stays whatever its score: it is what the view is about.
    const focus = query.focus === undefined ? -1 : index.position.get(query.focus)!;
    const values = Float64Array.from(kept, (node) => (node === focus ? Infinity : score(node)));
    yield;
    const order = [...kept.keys()].sort((a, b) => values[b]! - values[a]! || kept[a]! - kept[b]!);
    yield;
    shown = order.slice(0, query.budget).map((k) => kept[k]!);
  }
  return { ...base, aggregated: shown.length < kept.length, ...(yield* detailed(index, derived, shown, query.sizeBy)) };
}

/** What the map reads of the graph, as typed arrays; rebuilt whenever the graph changes. */
interface Adjacency {
  ids: string[];
  attributes: EcoNode[];
  position: Map<string, number>;
  starts: Uint32Array;
  neighbours: Uint32Array;
  /** per adjacency entry: the pair's relationship types and SERVES roles as bits (see bitsOf) */
  relationBits: Uint16Array;
  /** per edge number (new edges appended): how many relationships it stands for and their value */
  edges: EdgeColumns;
  /** per adjacency entry: its edge's number */
  edgeOf: Uint32Array;
  /** what a whole-ecosystem view reads: shared by a lineage and kept current by its patches */
  whole: Whole;
  /** per derived metrics: communities and positions by node index */
  indices: WeakMap<DerivedMetrics, MapIndex>;
  /** the index last built or carried over, which a patched adjacency carries over */
  latest?: { derived: DerivedMetrics; index: MapIndex };
  lineage: number;
  /** the typed arrays above are views of these, which may be longer (room for edges to come) */
  room: Room;
}

/** Typed arrays with room to spare, of which an adjacency's are views. */
interface Room {
  starts: Uint32Array;
  neighbours: Uint32Array;
  relationBits: Uint16Array;
  edgeOf: Uint32Array;
}

/** What a whole-ecosystem view takes: every partner and every customer, and their facet counts. */
interface Whole {
  /** node indices, in index order: what applyFilters keeps with no filter, partners first */
  partners: number[];
  customers: number[];
  /** counted once a whole-ecosystem view asked for them */
  facets?: { partner: FacetCounts; customer: FacetCounts };
  /** patches made: counts a patch did not see are not kept */
  patches: number;
}

/**
 * What the views read of each edge, by edge number, as columns: read from
 * the edges' records, a million of them scattered over the heap took more
 * than half of a whole-ecosystem overview's time. Shared by the adjacencies
 * of a lineage and grown in place, as its lists are.
 */
interface EdgeColumns {
  count: number;
  /** relationships the edge stands for (a pair has a few dozen at most) */
  weight: Uint16Array;
  /** their summed annual value */
  value: Float64Array;
}

interface Placement {
  xy: Float64Array;
  unplaced: number[];
}

interface MapIndex extends Adjacency {
  version: number;
  community: Int32Array;
  /** node indices of each community, highest PageRank first */
  members: number[][];
  /** x, y by node index, and the nodes placed for want of a position, per positions object: a refined layout swaps in a new one */
  placements: WeakMap<DerivedMetrics['positions'], Placement>;
}

/**
 * The projection is edited in place after small writes, and rebuilding the
 * adjacency costs seconds at 300k nodes: added nodes and edges and changed
 * attributes are noted as they happen and patched in on the next request
 * (tens of milliseconds); a dropped node or edge rebuilds it.
 */
interface Pending {
  nodes: Set<string>;
  edges: Set<string>;
  rebuild: boolean;
}

interface Kept {
  adjacency: Adjacency | undefined;
  /**
   * The typed arrays of the adjacency before the last patch, which the next
   * patch lays its arrays out in: allocating tens of MB per write made V8
   * collect the whole heap (seconds at 100,000 partners) every few writes.
   */
  spare?: Room;
  /** the update of the adjacency under way, which computations drive in turn (see adjacencySteps) */
  updating?: () => Steps<void>;
  pending: Pending;
  /** graph events heard: a build in slices that saw one is not used */
  changes: number;
}

const adjacencies = new WeakMap<EcoGraph, Kept>();

function kept(graph: EcoGraph): Kept {
  let entry = adjacencies.get(graph);
  if (entry !== undefined) return entry;
  const pending: Pending = { nodes: new Set(), edges: new Set(), rebuild: false };
  const fresh: Kept = { adjacency: undefined, pending, changes: 0 };
  entry = fresh;
  adjacencies.set(graph, entry);
  graph.on('nodeAdded', ({ key }) => (fresh.changes++, pending.nodes.add(key)));
  graph.on('nodeAttributesUpdated', ({ key }) => (fresh.changes++, pending.nodes.add(key)));
  graph.on('edgeAdded', ({ key }) => (fresh.changes++, pending.edges.add(key)));
  graph.on('edgeAttributesUpdated', ({ key }) => (fresh.changes++, pending.edges.add(key)));
  for (const event of ['nodeDropped', 'edgeDropped', 'cleared', 'edgesCleared', 'eachNodeAttributesUpdated', 'eachEdgeAttributesUpdated'] as const) {
    graph.on(event, () => (fresh.changes++, (pending.rebuild = true)));
  }
  return entry;
}

function adjacencyOf(graph: EcoGraph): Adjacency {
  return drain(adjacencySteps(graph));
}

/**
 * The adjacency with every change noted so far. One update (a patch or a
 * build) is under way at a time, and every computation that needs it drives
 * that same one: under a read load each write made every computation
 * starting after it lay out arrays of its own (tens of MB at 100,000
 * partners) only to throw them away, and V8 collected the whole heap for it.
 */
function* adjacencySteps(graph: EcoGraph): Steps<Adjacency> {
  const entry = kept(graph);
  for (;;) {
    const { pending } = entry;
    if (entry.adjacency !== undefined && !pending.rebuild && pending.nodes.size === 0 && pending.edges.size === 0) return entry.adjacency;
    yield* (entry.updating ??= shared(updateAdjacency(graph, entry)))();
  }
}

function* updateAdjacency(graph: EcoGraph, entry: Kept): Steps<void> {
  try {
    const { pending } = entry;
    const old = entry.adjacency;
    const adjacency = old === undefined || pending.rebuild ? yield* buildAdjacency(graph, ++lineages) : yield* patchAdjacency(graph, old, [...pending.nodes], [...pending.edges]);
    // The map's preparation in the background may have built one meanwhile, from the same graph: it stands.
    if (entry.adjacency !== old) return;
    entry.adjacency = adjacency;
    pending.nodes.clear();
    pending.edges.clear();
    pending.rebuild = false;
  } finally {
    entry.updating = undefined;
  }
}

/** Builds the adjacency in slices when the graph has none; false when the graph changed meanwhile, which spoils the build. */
async function prepareAdjacency(graph: EcoGraph): Promise<boolean> {
  const entry = kept(graph);
  if (entry.adjacency !== undefined && !entry.pending.rebuild) return true;
  const before = entry.changes;
  const adjacency = await runSliced(buildAdjacency(graph, ++lineages));
  if (entry.changes !== before) return false;
  entry.adjacency = adjacency;
  entry.pending.rebuild = false;
  entry.pending.nodes.clear();
  entry.pending.edges.clear();
  return true;
}

/** Adjacencies patched from one another share a lineage: node indices of the older are those of the newer. */
let lineages = 0;
const STEP = 0xfff;
/** The same for loops that do more per node. */
const FINE = 0x3ff;

function* buildAdjacency(graph: EcoGraph, lineage: number): Steps<Adjacency> {
  const ids = graph.nodes();
  const position = new Map<string, number>();
  const starts = new Uint32Array(ids.length + 1);
  for (let i = 0; i < ids.length; i++) {
    position.set(ids[i]!, i);
    starts[i + 1] = starts[i]! + graph.degree(ids[i]!);
    if ((i & STEP) === 0) yield;
  }
  const fill = starts.slice(0, ids.length);
  const neighbours = new Uint32Array(2 * graph.size);
  const relationBits = new Uint16Array(2 * graph.size);
  const edgeOf = new Uint32Array(2 * graph.size);
  const edges = edgeColumns(graph.size);
  let k = 0;
  for (const { attributes, source, target } of graph.edgeEntries()) {
    const s = position.get(source)!;
    const t = position.get(target)!;
    const forward = fill[s]!++;
    const backward = fill[t]!++;
    neighbours[forward] = t;
    neighbours[backward] = s;
    relationBits[forward] = relationBits[backward] = bitsOf(attributes);
    edgeOf[forward] = edgeOf[backward] = k;
    setEdge(edges, k, attributes);
    if ((++k & STEP) === 0) yield;
  }
  const attributes: EcoNode[] = new Array(ids.length);
  const whole: Whole = { partners: [], customers: [], patches: 0 };
  for (let i = 0; i < ids.length; i++) {
    attributes[i] = graph.getNodeAttributes(ids[i]!);
    (attributes[i]!.kind === 'partner' ? whole.partners : whole.customers).push(i);
    if ((i & STEP) === 0) yield;
  }
  return { ids, attributes, position, starts, neighbours, relationBits, edges, edgeOf, whole, indices: new WeakMap(), lineage, room: { starts, neighbours, relationBits, edgeOf } };
}

/** Bit i set for RELATIONSHIP_TYPES[i], then bit ROLE_BIT + i for SERVE_ROLES[i]: both enums fit one 16-bit column. */
const ROLE_BIT = RELATIONSHIP_TYPES.length;
if (ROLE_BIT + SERVE_ROLES.length > 16) throw new Error('analytics/map: relationship types and SERVES roles no longer fit 16 bits');

function bitsOf(edge: EcoEdge): number {
  let bits = 0;
  for (const type of edge.types) bits |= 1 << RELATIONSHIP_TYPES.indexOf(type);
  for (const role of edge.roles) {
    const i = SERVE_ROLES.indexOf(role as (typeof SERVE_ROLES)[number]);
    if (i < 0) throw new Error(`analytics/map: unknown SERVES role "${role}"`);
    bits |= 1 << (ROLE_BIT + i);
  }
  return bits;
}

function typeNames(bits: number): string[] {
  return RELATIONSHIP_TYPES.filter((_, i) => (bits & (1 << i)) !== 0);
}

/** In code-point order, as an edge's own role list is kept. */
function roleNames(bits: number): string[] {
  return SERVE_ROLES.filter((_, i) => (bits & (1 << (ROLE_BIT + i))) !== 0).sort();
}

function edgeColumns(size: number): EdgeColumns {
  return { count: 0, weight: new Uint16Array(size), value: new Float64Array(size) };
}

/** Sets edge `e`'s columns, growing them (with room to spare) when `e` is past their end. */
function setEdge(columns: EdgeColumns, e: number, edge: EcoEdge): void {
  if (e >= columns.weight.length) {
    const length = e + (e >> 4) + 1024;
    const [weight, value] = [new Uint16Array(length), new Float64Array(length)];
    weight.set(columns.weight);
    value.set(columns.value);
    Object.assign(columns, { weight, value });
  }
  columns.weight[e] = Math.max(1, edge.relationships?.length ?? 1);
  columns.value[e] = edge.value;
  columns.count = Math.max(columns.count, e + 1);
}

/**
 * The adjacency with the pending additions and attribute changes: new nodes
 * are appended, so every known node keeps its index, and the map's index of
 * the latest metrics carries over (newcomers without a community, placed
 * next to their neighbours) instead of being rebuilt.
 *
 * At 100,000 partners copying every list (node ids, their attributes, an
 * object per adjacency entry) took seconds of garbage collection per write.
 * So the lists of nodes and edges grow in place, and only the typed arrays
 * are laid out again, in blocks between the nodes that gain edges (a few
 * copies of memory). Those are built first, in steps; the lists change in
 * one step at the end, and only when no other computation has patched the
 * adjacency meanwhile (then its patch stands and this one is dropped). No
 * computation reads the older adjacency once the graph has changed (see
 * ProjectionService.compute).
 */
function* patchAdjacency(graph: EcoGraph, old: Adjacency, pendingNodes: string[], pendingEdges: string[]): Steps<Adjacency> {
  const known = old.starts.length - 1;
  // Newcomers' indices: after every known node, in the order they came.
  const newcomers = new Map<string, number>();
  for (const id of pendingNodes) if (!old.position.has(id) && !newcomers.has(id)) newcomers.set(id, known + newcomers.size);
  const order = known + newcomers.size;
  const indexOf = (id: string) => old.position.get(id) ?? newcomers.get(id)!;
  // Edges new to the adjacency go at the end of both ends' runs; known ones only change attributes.
  const added: Array<[number, number, EcoEdge]> = [];
  const changed: Array<[number, number, EcoEdge]> = [];
  const extra = new Map<number, number>();
  for (const key of pendingEdges) {
    const [source, target] = graph.extremities(key);
    const s = indexOf(source);
    const t = indexOf(target);
    const edge = graph.getEdgeAttributes(key);
    if (s < known && t < known && slotOf(old, s, t) >= 0) changed.push([s, t, edge]);
    else {
      added.push([s, t, edge]);
      extra.set(s, (extra.get(s) ?? 0) + 1);
      extra.set(t, (extra.get(t) ?? 0) + 1);
    }
  }
  let { starts, neighbours, relationBits, edgeOf, room } = old;
  const fill = new Map<number, number>();
  if (order > known || added.length > 0) {
    const size = old.starts[known]! + 2 * added.length;
    room = takeRoom(graph, order + 1, size);
    starts = room.starts.subarray(0, order + 1);
    let shift = 0;
    for (let i = 0; i < order; i++) {
      starts[i] = (i < known ? old.starts[i]! : old.starts[known]!) + shift;
      shift += extra.get(i) ?? 0;
      if ((i & STEP) === 0) yield;
    }
    starts[order] = old.starts[known]! + shift;
    neighbours = room.neighbours.subarray(0, size);
    relationBits = room.relationBits.subarray(0, size);
    edgeOf = room.edgeOf.subarray(0, size);
    // Between two nodes that gain edges every run moves by the same amount: one block copy each.
    const breaks = [...extra.keys()].filter((i) => i < known).sort((x, y) => x - y);
    let from = 0;
    for (const node of [...breaks, known - 1]) {
      if (node < from) continue;
      const [a, b] = [old.starts[from]!, old.starts[node + 1]!];
      const at = starts[from]!;
      neighbours.set(old.neighbours.subarray(a, b), at);
      relationBits.set(old.relationBits.subarray(a, b), at);
      edgeOf.set(old.edgeOf.subarray(a, b), at);
      from = node + 1;
      yield;
    }
    for (const node of extra.keys()) fill.set(node, starts[node + 1]! - extra.get(node)!);
  }

  // The one step that changes what the older adjacency shares with this one.
  const entry = kept(graph);
  if (entry.adjacency !== old) return entry.adjacency!;
  // The older adjacency is read no more: its arrays are the next patch's room.
  if (room !== old.room) entry.spare = old.room;
  const { ids, attributes, position, edges, whole } = old;
  for (const [id, i] of newcomers) {
    ids[i] = id;
    position.set(id, i);
    (graph.getNodeAttributes(id).kind === 'partner' ? whole.partners : whole.customers).push(i);
  }
  whole.patches++;
  for (const id of pendingNodes) {
    const i = indexOf(id);
    const [before, after] = [attributes[i], graph.getNodeAttributes(id)];
    // A record changed in place leaves nothing to take off the counts: they are counted again when next asked for.
    if (before === after) whole.facets = undefined;
    else if (whole.facets !== undefined) {
      if (before !== undefined) whole.facets[before.kind].count(before, -1);
      whole.facets[after.kind].count(after, 1);
    }
    attributes[i] = after;
  }
  for (const [s, t, edge] of added) {
    const forward = fill.get(s)!;
    const backward = fill.get(t)!;
    fill.set(s, forward + 1).set(t, backward + 1);
    neighbours[forward] = t;
    neighbours[backward] = s;
    relationBits[forward] = relationBits[backward] = bitsOf(edge);
    edgeOf[forward] = edgeOf[backward] = edges.count;
    setEdge(edges, edges.count, edge);
  }
  const adjacency: Adjacency = { ids, attributes, position, starts, neighbours, relationBits, edges, edgeOf, whole, indices: new WeakMap(), lineage: old.lineage, room };
  for (const [s, t, edge] of changed) {
    const j = slotOf(adjacency, s, t);
    relationBits[j] = relationBits[slotOf(adjacency, t, s)] = bitsOf(edge);
    setEdge(edges, edgeOf[j]!, edge);
  }
  if (old.latest !== undefined) carryOver(adjacency, old.latest);
  return adjacency;
}

/** Typed arrays for `nodes` + 1 starts and `entries` adjacency entries: the spare ones when they are long enough, else new ones with room to grow. */
function takeRoom(graph: EcoGraph, starts: number, entries: number): Room {
  const entry = kept(graph);
  const spare = entry.spare;
  // Taken, so that another patch under way at the same time lays out its own.
  entry.spare = undefined;
  if (spare !== undefined && spare.starts.length >= starts && spare.neighbours.length >= entries) return spare;
  const more = (n: number) => n + (n >> 4) + 1024;
  return { starts: new Uint32Array(more(starts)), neighbours: new Uint32Array(more(entries)), relationBits: new Uint16Array(more(entries)), edgeOf: new Uint32Array(more(entries)) };
}

/** Where `b` sits in `a`'s run of neighbours, or -1. */
function slotOf(adjacency: Pick<Adjacency, 'starts' | 'neighbours'>, a: number, b: number): number {
  for (let j = adjacency.starts[a]!; j < adjacency.starts[a + 1]!; j++) if (adjacency.neighbours[j] === b) return j;
  return -1;
}

/** The map's index of the same metrics over a patched adjacency, from the old one: nodes added since have no community and are placed anew. */
function carryOver(adjacency: Adjacency, { derived, index }: { derived: DerivedMetrics; index: MapIndex }): void {
  const community = lengthened(index.community, adjacency.ids.length, -1);
  const carried: MapIndex = { ...adjacency, version: index.version, community, members: index.members, placements: new WeakMap() };
  const placed = index.placements.get(derived.positions);
  if (placed !== undefined) {
    // Newcomers are placed again, with their new neighbours, exactly as a fresh placement would.
    const xy = lengthened(placed.xy, 2 * adjacency.ids.length, NaN);
    const unplaced = [...placed.unplaced];
    for (let i = index.community.length; i < adjacency.ids.length; i++) unplaced.push(i);
    for (const node of unplaced) xy[2 * node] = xy[2 * node + 1] = NaN;
    if (unplaced.length > 0) placeNewcomers(carried, xy, unplaced, derived.positions);
    carried.placements.set(derived.positions, { xy, unplaced });
  }
  adjacency.indices.set(derived, carried);
  adjacency.latest = { derived, index: carried };
}

/**
 * `array` with `length` entries, those past its own set to `fill`: a view of
 * the same memory when it has room (the older index, like the older
 * adjacency, is read no more), else a copy with room to grow. A copy per
 * write (7 MB at 100,000 partners) kept V8 collecting under a write load.
 */
function lengthened<T extends Int32Array | Float64Array>(array: T, length: number, fill: number): T {
  const Type = array.constructor as { new (buffer: ArrayBufferLike, offset: number, length: number): T; new (length: number): T };
  let longer: T;
  if (array.byteOffset + length * array.BYTES_PER_ELEMENT <= array.buffer.byteLength) longer = new Type(array.buffer, array.byteOffset, length);
  else {
    longer = new Type(length + (length >> 4) + 1024).subarray(0, length) as T;
    longer.set(array);
  }
  longer.fill(fill, array.length);
  return longer;
}

/**
 * Builds the map's index for this graph and these metrics ahead of the first
 * request (seconds at 300k nodes), in slices of the event loop. Writes
 * applied meanwhile patch the adjacency: the index built carries over to it.
 */
export async function prepareMap(graph: EcoGraph, derived: DerivedMetrics): Promise<void> {
  // A few tries while writes keep landing; after that the first request builds it at once.
  for (let attempt = 0; attempt < 3 && !(await prepareAdjacency(graph)); attempt++);
  const adjacency = adjacencyOf(graph);
  const index = adjacency.indices.get(derived) ?? (await runSliced(indexSteps(adjacency, derived)));
  if (!index.placements.has(derived.positions)) index.placements.set(derived.positions, await runSliced(placementSteps(index, derived)));
  const now = adjacencyOf(graph);
  if (now === adjacency) register(adjacency, derived, index);
  else if (now.lineage === adjacency.lineage && !now.indices.has(derived)) carryOver(now, { derived, index });
}

function register(adjacency: Adjacency, derived: DerivedMetrics, index: MapIndex): void {
  adjacency.indices.set(derived, index);
  adjacency.latest = { derived, index };
}

/**
 * The graph's adjacency with the communities of `derived`. The metrics may
 * be older than the graph (they are derived in the background): nodes added
 * since have no community (-1) until the next derivation.
 */
function* mapIndexSteps(graph: EcoGraph, derived: DerivedMetrics): Steps<MapIndex> {
  const adjacency = yield* adjacencySteps(graph);
  const cached = adjacency.indices.get(derived);
  if (cached !== undefined) return cached;
  const index = yield* indexSteps(adjacency, derived);
  register(adjacency, derived, index);
  return index;
}

function* indexSteps(adjacency: Adjacency, derived: DerivedMetrics): Steps<MapIndex> {
  const { ids } = adjacency;
  // The lists may grow meanwhile (a patch in place): this adjacency's nodes are those its typed arrays cover.
  const order = adjacency.starts.length - 1;
  const community = new Int32Array(order);
  const rank = new Float64Array(order);
  const members: number[][] = [];
  yield* derived.communities.nodes.indexSteps();
  yield* derived.pagerank.nodes.indexSteps();
  for (let node = 0; node < order; node++) {
    const c = derived.communities.get(ids[node]!) ?? -1;
    community[node] = c;
    rank[node] = derived.pagerank.get(ids[node]!) ?? 0;
    if (c >= 0) (members[c] ??= []).push(node);
    if ((node & STEP) === 0) yield;
  }
  for (const list of members) {
    list?.sort((a, b) => rank[b]! - rank[a]! || a - b);
    yield;
  }
  return { ...adjacency, version: derived.version, community, members, placements: new WeakMap() };
}

/** The focus and every node within `depth` hops of it. */
function egoNetwork(index: MapIndex, focus: number, depth: number): number[] {
  const seen = new Uint8Array(index.ids.length);
  seen[focus] = 1;
  let frontier = [focus];
  const reached = [focus];
  for (let hop = 0; hop < depth; hop++) {
    const next: number[] = [];
    for (const v of frontier) {
      for (let j = index.starts[v]!; j < index.starts[v + 1]!; j++) {
        const w = index.neighbours[j]!;
        if (seen[w] === 1) continue;
        seen[w] = 1;
        next.push(w);
      }
    }
    for (const node of next) reached.push(node);
    frontier = next;
  }
  return reached;
}

/**
 * Nodes passing every filter. A customer passes region, segment and
 * capability by its own region, segment and needs; the partner-only filters
 * (type, tier, stage) keep the customers of the partners that pass them.
 * The focus of an ego network always stays.
 */
function* applyFilters(index: MapIndex, candidates: Iterable<number>, query: MapQuery): Steps<number[]> {
  const { attributes, community, starts, neighbours } = index;
  const partnerOnly = query.type !== undefined || query.tier !== undefined || query.stage !== undefined;
  const focus = query.focus === undefined ? -1 : index.position.get(query.focus)!;
  const partnerPassed = new Uint8Array(attributes.length);
  const ownFilters = (node: number): boolean => {
    const a = attributes[node]!;
    if (query.community !== undefined && community[node] !== query.community) return false;
    if (query.minDegree !== undefined && starts[node + 1]! - starts[node]! < query.minDegree) return false;
    if (a.kind === 'customer') {
      return (
        query.includeCustomers &&
        (query.region === undefined || a.region === query.region) &&
        (query.segment === undefined || a.segment === query.segment) &&
        (query.capability === undefined || a.needs.includes(query.capability))
      );
    }
    return (
      (query.type === undefined || a.types.includes(query.type)) &&
      (query.tier === undefined || a.tier === query.tier) &&
      (query.region === undefined || a.regions.includes(query.region)) &&
      (query.segment === undefined || a.segments.includes(query.segment)) &&
      (query.capability === undefined || query.capability in a.capabilities) &&
      (query.stage === undefined || Object.values(a.lifecycle).some((stage) => stage === query.stage))
    );
  };
  const servedByPassingPartner = (node: number): boolean => {
    for (let j = starts[node]!; j < starts[node + 1]!; j++) if (partnerPassed[neighbours[j]!] === 1) return true;
    return false;
  };

  const kept: number[] = [];
  const customers: number[] = [];
  let seen = 0;
  for (const node of candidates) {
    if ((++seen & FINE) === 0) yield;
    if (node !== focus && !ownFilters(node)) continue;
    if (attributes[node]!.kind === 'partner') {
      partnerPassed[node] = 1;
      kept.push(node);
    } else customers.push(node);
  }
  for (let k = 0; k < customers.length; k++) {
    const node = customers[k]!;
    if (node === focus || !partnerOnly || servedByPassingPartner(node)) kept.push(node);
    if ((k & FINE) === 0) yield;
  }
  return kept;
}

/** Whether the view is the whole ecosystem: no filter, no focus, no community. */
function isWhole(query: MapQuery): boolean {
  const { type, tier, region, segment, capability, stage, community, minDegree, focus } = query;
  return [type, tier, region, segment, capability, stage, community, minDegree, focus].every((value) => value === undefined);
}

/** The adjacency's facet counts of every node, counted on first use. */
function* wholeFacets(index: MapIndex, includeCustomers: boolean): Steps<FacetCounts[]> {
  const { whole } = index;
  let counts = whole.facets;
  if (counts === undefined) {
    const { patches } = whole;
    counts = { partner: new FacetCounts(), customer: new FacetCounts() };
    for (let node = 0; node < index.attributes.length; node++) {
      const a = index.attributes[node]!;
      counts[a.kind].count(a, 1);
      if ((node & FINE) === 0) yield;
    }
    // Counts a patch did not see would go wrong from there on.
    if (whole.patches === patches) whole.facets = counts;
  }
  return includeCustomers ? [counts.partner, counts.customer] : [counts.partner];
}

function* communityCounts(index: MapIndex, nodes: number[]): Steps<Map<number, number>> {
  const perCommunity = new Map<number, number>();
  for (let k = 0; k < nodes.length; k++) {
    if ((k & STEP) === 0) yield;
    const c = index.community[nodes[k]!]!;
    perCommunity.set(c, (perCommunity.get(c) ?? 0) + 1);
  }
  return perCommunity;
}

function* countFacets(index: MapIndex, nodes: number[]): Steps<MapResponse['facets']> {
  const counts = new FacetCounts();
  for (let k = 0; k < nodes.length; k++) {
    if ((k & FINE) === 0) yield;
    counts.count(index.attributes[nodes[k]!]!, 1);
  }
  return facetRecords([counts], yield* communityCounts(index, nodes));
}

/**
 * Facet counts of a set of nodes (communities apart), which count either
 * way, so that a whole graph's counts follow its patches. Lists (a
 * partner's types, regions and segments, a customer's needs) are shared
 * copies (see Interner): counted per list and spread over their values at
 * the end, and single values counted in a Map, where counting each value
 * into the answer's records took most of a whole-ecosystem map's time after
 * its links.
 */
class FacetCounts {
  readonly lists = { type: new Map<readonly string[], number>(), region: new Map<readonly string[], number>(), segment: new Map<readonly string[], number>(), capability: new Map<readonly string[], number>() };
  readonly values = { tier: new Map<string, number>(), region: new Map<string, number>(), segment: new Map<string, number>(), capability: new Map<string, number>(), stage: new Map<string, number>() };

  count(a: EcoNode, delta: number): void {
    const { lists, values } = this;
    if (a.kind === 'customer') {
      add(values.region, a.region, delta);
      add(values.segment, a.segment, delta);
      // The capability filter keeps customers that need it, so they count where they need.
      add(lists.capability, a.needs, delta);
      return;
    }
    for (const capability in a.capabilities) add(values.capability, capability, delta);
    add(lists.type, a.types, delta);
    add(values.tier, a.tier, delta);
    add(lists.region, a.regions, delta);
    add(lists.segment, a.segments, delta);
    // A partner at one stage in several tracks counts once there.
    const stages = Object.values(a.lifecycle);
    for (let i = 0; i < stages.length; i++) if (stages.indexOf(stages[i]!) === i) add(values.stage, stages[i]!, delta);
  }
}

/** Adds `delta` to `key`'s count; a count back at 0 leaves, as a value no node has. */
function add<K>(counts: Map<K, number>, key: K, delta: number): void {
  const n = (counts.get(key) ?? 0) + delta;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}

/** The answer's facets from the counts of its nodes, values in code-unit order (the same whatever order the nodes came in). */
function facetRecords(counts: FacetCounts[], perCommunity: Map<number, number>): MapResponse['facets'] {
  const record = (pick: (counts: FacetCounts) => Array<Map<string, number> | Map<readonly string[], number>>) => {
    const totals = new Map<string, number>();
    for (const source of counts.flatMap(pick)) {
      for (const [key, n] of source) {
        for (const value of typeof key === 'string' ? [key] : key) totals.set(value, (totals.get(value) ?? 0) + n);
      }
    }
    const out: Record<string, number> = {};
    for (const value of [...totals.keys()].sort(compareIds)) out[value] = totals.get(value)!;
    return out;
  };
  const community: Record<string, number> = {};
  for (const [c, n] of perCommunity) community[c] = n;
  return {
    type: record((c) => [c.lists.type]),
    tier: record((c) => [c.values.tier]),
    region: record((c) => [c.values.region, c.lists.region]),
    segment: record((c) => [c.values.segment, c.lists.segment]),
    capability: record((c) => [c.values.capability, c.lists.capability]),
    stage: record((c) => [c.values.stage]),
    community,
  };
}

function centrality(index: MapIndex, derived: DerivedMetrics, sizeBy: MapQuery['sizeBy']): (node: number) => number {
  if (sizeBy === 'degree') return (node) => index.starts[node + 1]! - index.starts[node]!;
  const scores = sizeBy === 'pagerank' ? derived.pagerank : derived.betweenness.scores;
  return (node) => scores.get(index.ids[node]!) ?? 0;
}

/** 2..20 by the square root of the share of the largest value, so areas follow the values. */
function sizer(values: number[]): (value: number) => number {
  const largest = values.reduce((max, value) => Math.max(max, value), 0);
  return (value) => (largest > 0 ? MIN_SIZE + (MAX_SIZE - MIN_SIZE) * Math.sqrt(Math.max(0, value) / largest) : MIN_SIZE);
}

/** Edge ids: the two ends in order, joined by "/" which no id may contain. */
function edgeId(a: string, b: string): string {
  return a < b ? `${a}/${b}` : `${b}/${a}`;
}


/**
 * x, y of every node by index. Nodes the layout has not reached yet (added
 * since it ran) are placed at once next to their best-connected placed neighbour, or, with
 * none, on a ring round the picture; the next derivation places them for good.
 */
function* placement(index: MapIndex, derived: DerivedMetrics): Steps<Float64Array> {
  const cached = index.placements.get(derived.positions);
  if (cached !== undefined) return cached.xy;
  const placed = yield* placementSteps(index, derived);
  index.placements.set(derived.positions, placed);
  return placed.xy;
}

function* placementSteps(index: MapIndex, derived: DerivedMetrics): Steps<Placement> {
  const { ids } = index;
  const xy = yield* derived.positions.over(ids);
  const unplaced: number[] = [];
  for (let i = 0; i < ids.length; i++) if (Number.isNaN(xy[2 * i])) unplaced.push(i);
  if (unplaced.length > 0) placeNewcomers(index, xy, unplaced, derived.positions);
  return { xy, unplaced };
}

function placeNewcomers(index: MapIndex, xy: Float64Array, unplaced: number[], positions: NodePositions): void {
  const { starts, neighbours } = index;
  const placed = (node: number) => !Number.isNaN(xy[2 * node]!);
  const spacing = typicalEdgeLength(index, xy);
  const satellites = new Map<number, number>();
  // Rounds, so that a newcomer linked only to other newcomers follows them.
  let waiting = unplaced;
  while (waiting.length > 0) {
    const next: number[] = [];
    for (const node of waiting) {
      let anchor = -1;
      for (let j = starts[node]!; j < starts[node + 1]!; j++) {
        const other = neighbours[j]!;
        if (placed(other) && (anchor < 0 || starts[other + 1]! - starts[other]! > starts[anchor + 1]! - starts[anchor]!)) anchor = other;
      }
      if (anchor < 0) {
        next.push(node);
        continue;
      }
      const slot = (satellites.get(anchor) ?? 0) + 1;
      satellites.set(anchor, slot);
      const { x, y } = sunflower(slot, spacing);
      xy[2 * node] = xy[2 * anchor]! + x;
      xy[2 * node + 1] = xy[2 * anchor + 1]! + y;
    }
    if (next.length === waiting.length) break;
    waiting = next;
  }
  if (waiting.length === 0) return;
  // Islands: on a ring just outside the layout.
  const { cx, cy, reach } = ringOf(positions);
  waiting.forEach((node, k) => {
    const angle = (2 * Math.PI * k) / waiting.length;
    xy[2 * node] = cx + (reach + 2 * spacing) * Math.cos(angle);
    xy[2 * node + 1] = cy + (reach + 2 * spacing) * Math.sin(angle);
  });
}

const rings = new WeakMap<NodePositions, { cx: number; cy: number; reach: number }>();

/**
 * The layout's centre and the distance of its farthest node, once per
 * layout: islands are placed on every patch (a partner added with no
 * relationship yet is one), and walking 300,000 positions for it each time
 * was most of a patch.
 */
function ringOf(positions: NodePositions): { cx: number; cy: number; reach: number } {
  let ring = rings.get(positions);
  if (ring !== undefined) return ring;
  const { xy } = positions;
  let [cx, cy, count, reach] = [0, 0, 0, 0];
  for (let i = 0; i < xy.length; i += 2) if (!Number.isNaN(xy[i]!)) (cx += xy[i]!), (cy += xy[i + 1]!), count++;
  cx /= Math.max(count, 1);
  cy /= Math.max(count, 1);
  for (let i = 0; i < xy.length; i += 2) if (!Number.isNaN(xy[i]!)) reach = Math.max(reach, Math.hypot(xy[i]! - cx, xy[i + 1]! - cy));
  rings.set(positions, (ring = { cx, cy, reach }));
  return ring;
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

function sunflower(rank: number, scale: number): { x: number; y: number } {
  const r = scale * Math.sqrt(rank);
  return { x: r * Math.cos(rank * GOLDEN_ANGLE), y: r * Math.sin(rank * GOLDEN_ANGLE) };
}

/** Median length of up to 2,000 edges between placed nodes (1 without any): newcomers sit that far from their neighbour. */
function typicalEdgeLength(index: MapIndex, xy: Float64Array): number {
  const { starts, neighbours } = index;
  const lengths: number[] = [];
  for (let node = 0; node < starts.length - 1 && lengths.length < 2000; node++) {
    for (let j = starts[node]!; j < starts[node + 1]!; j++) {
      const other = neighbours[j]!;
      const length = Math.hypot(xy[2 * node]! - xy[2 * other]!, xy[2 * node + 1]! - xy[2 * other + 1]!);
      if (node < other && length > 0) lengths.push(length);
    }
  }
  lengths.sort((a, b) => a - b);
  return lengths[lengths.length >> 1] ?? 1;
}

function* detailed(index: MapIndex, derived: DerivedMetrics, shown: number[], sizeBy: MapQuery['sizeBy']): Steps<Pick<MapResponse, 'nodes' | 'edges'>> {
  const { ids, attributes, starts, neighbours } = index;
  const score = centrality(index, derived, sizeBy);
  const size = sizer(shown.map(score));
  const xy = yield* placement(index, derived);
  const nodes: MapNode[] = shown.map((node) => {
    const a = attributes[node]!;
    return {
      id: ids[node]!,
      label: a.label,
      kind: a.kind,
      x: xy[2 * node]!,
      y: xy[2 * node + 1]!,
      size: size(score(node)),
      community: index.community[node]!,
      types: a.kind === 'partner' ? [...a.types] : [],
      ...(a.kind === 'partner' ? { tier: a.tier } : {}),
      degree: starts[node + 1]! - starts[node]!,
    };
  });
  const visible = new Uint8Array(ids.length);
  for (const node of shown) visible[node] = 1;
  const edges: MapEdge[] = [];
  for (const u of shown) {
    yield;
    for (let j = starts[u]!; j < starts[u + 1]!; j++) {
      const v = neighbours[j]!;
      if (v < u || visible[v] === 0) continue;
      const [source, target] = [ids[u]!, ids[v]!];
      const e = index.edgeOf[j]!;
      const bits = index.relationBits[j]!;
      edges.push({ id: edgeId(source, target), source, target, types: typeNames(bits), roles: roleNames(bits), value: index.edges.value[e]!, weight: index.edges.weight[e]! });
    }
  }
  return { nodes, edges };
}

/**
 * One super-node per community, at its members' centroid, and the strongest
 * links between them. Past `limit` communities, the smallest share one
 * super-node (`community:other`), so counts still add up to the total.
 */
function* aggregate(index: MapIndex, derived: DerivedMetrics, kept: number[], limit: number): Steps<Pick<MapResponse, 'nodes' | 'edges'>> {
  const { ids, attributes, community, starts, neighbours, relationBits, edgeOf, edges: columns } = index;
  // Counts and slots by community + 1 (nodes added since the metrics have community -1), in arrays: a Map lookup per node
  // and per link was a good part of a whole-ecosystem overview.
  let communities = 0;
  for (const node of kept) communities = Math.max(communities, community[node]! + 2);
  const members = new Uint32Array(communities);
  for (const node of kept) members[community[node]! + 1]!++;
  const ranked: number[] = [];
  for (let c = -1; c < communities - 1; c++) if (members[c + 1]! > 0) ranked.push(c);
  ranked.sort((a, b) => members[b + 1]! - members[a + 1]! || a - b);
  const own = ranked.length > limit ? ranked.slice(0, limit - 1) : ranked;
  // Super-node of each community: its rank among the communities shown, or the shared one after them.
  const slotOfCommunity = new Int32Array(communities);
  ranked.forEach((c, rank) => (slotOfCommunity[c + 1] = Math.min(rank, own.length)));
  const slots = own.length + (ranked.length > own.length ? 1 : 0);
  const superIds = Array.from({ length: slots }, (_, s) => (s < own.length ? `community:${own[s]}` : 'community:other'));

  const count = new Float64Array(slots);
  const sumX = new Float64Array(slots);
  const sumY = new Float64Array(slots);
  const strength = new Float64Array(slots);
  const xy = yield* placement(index, derived);
  const isKept = new Uint8Array(ids.length);
  const slotOf = new Int32Array(ids.length);
  for (let k = 0; k < kept.length; k++) {
    if ((k & STEP) === 0) yield;
    const node = kept[k]!;
    const s = slotOfCommunity[community[node]! + 1]!;
    count[s]!++;
    sumX[s]! += xy[2 * node]!;
    sumY[s]! += xy[2 * node + 1]!;
    isKept[node] = 1;
    slotOf[node] = s;
  }

  // Links between super-nodes accumulate in columns by pair (a × slots + b, a < b), from the edges' columns.
  const linkWeight = new Float64Array(slots * slots);
  const linkValue = new Float64Array(slots * slots);
  const linkBits = new Uint32Array(slots * slots);
  for (let k = 0; k < kept.length; k++) {
    if ((k & FINE) === 0) yield;
    const u = kept[k]!;
    const su = slotOf[u]!;
    for (let j = starts[u]!; j < starts[u + 1]!; j++) {
      const v = neighbours[j]!;
      if (v < u || isKept[v] === 0 || su === slotOf[v]) continue;
      const sv = slotOf[v]!;
      const pair = su < sv ? su * slots + sv : sv * slots + su;
      const e = edgeOf[j]!;
      const w = columns.weight[e]!;
      linkWeight[pair]! += w;
      linkBits[pair]! |= relationBits[j]!;
      linkValue[pair]! += columns.value[e]!;
      strength[su]! += w;
      strength[sv]! += w;
    }
  }
  const pairs: number[] = [];
  for (let pair = 0; pair < linkWeight.length; pair++) if (linkWeight[pair]! > 0) pairs.push(pair);
  // Strongest first; a link stays while it is among the strongest few of either end.
  const linksKept = new Uint32Array(slots);
  const edges: MapEdge[] = [];
  for (const pair of pairs.sort((p, q) => linkWeight[q]! - linkWeight[p]! || p - q)) {
    const a = Math.floor(pair / slots);
    const b = pair % slots;
    if (linksKept[a]! >= LINKS_PER_COMMUNITY && linksKept[b]! >= LINKS_PER_COMMUNITY) continue;
    linksKept[a]!++;
    linksKept[b]!++;
    const [source, target] = [superIds[a]!, superIds[b]!];
    edges.push({ id: edgeId(source, target), source, target, types: typeNames(linkBits[pair]!), roles: roleNames(linkBits[pair]!), value: linkValue[pair]!, weight: linkWeight[pair]! });
    if (edges.length === MAX_LINKS) break;
  }

  const size = sizer([...count]);
  const isKeptPartner = (node: number) => isKept[node] === 1 && attributes[node]!.kind === 'partner';
  const nodes: MapNode[] = superIds.map((id, s) => {
    const c = s < own.length ? own[s]! : -1;
    const total = count[s]!.toLocaleString('en-US');
    const top = c < 0 ? [] : topPartners(index.members[c] ?? [], isKeptPartner).map((node) => attributes[node]!.label);
    const label =
      c < 0 ? `Other communities · ${total} nodes` : `Community ${c} · ${total} nodes${top.length > 0 ? ` — top: ${top.join(', ')}` : ''}`;
    const members = count[s]!;
    return { id, label, kind: 'community', x: sumX[s]! / members, y: sumY[s]! / members, size: size(members), community: c, types: [], count: members, degree: strength[s]! };
  });
  return { nodes, edges };
}

/** The community's three highest-PageRank partners among those shown. */
function topPartners(members: number[], eligible: (node: number) => boolean): number[] {
  const top: number[] = [];
  for (const node of members) {
    if (!eligible(node)) continue;
    top.push(node);
    if (top.length === 3) break;
  }
  return top;
}
