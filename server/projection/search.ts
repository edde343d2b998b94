/**
 * Name and id search over the projection, for the map's search box.
 * Matches are case-insensitive: prefixes of a label or id first (in
 * alphabetical order, found by binary search in a sorted index), then
 * labels containing the query. The index is built once per graph, in steps
 * (a second at 300,000 nodes), and then kept current node by node: rebuilt
 * after every write, it held the event loop for that second at the first
 * search after each.
 */
import type { EcoGraph, EcoNode } from './types.js';
import { maintainedPerGraphSteps } from './per-graph.js';
import { drain, sortSteps, type Steps } from './slices.js';

export interface SearchHit {
  id: string;
  label: string;
  kind: 'partner' | 'customer';
  types: string[];
}

/** Nodes between two yields of a scan. */
const STEP = 0x3fff;
/** Nodes between two yields of the index's build, which does more per node (a few ms). */
const BUILD_STEP = 0x7ff;

export function searchNodes(graph: EcoGraph, q: string, limit = 10): SearchHit[] {
  return drain(searchSteps(graph, q, limit));
}

export function* searchSteps(graph: EcoGraph, q: string, limit = 10): Steps<SearchHit[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error('projection/search: limit must be a positive integer');
  const needle = q.trim().toLowerCase();
  if (needle === '') return [];
  const index = yield* searchIndexSteps(graph);

  const found = new Set<string>();
  // Prefix matches: the sorted keys starting with the needle form one run from its lower bound.
  for (let k = lowerBound(index, needle, ''); k < index.keys.length && found.size < limit && index.keys[k]!.startsWith(needle); k++) found.add(index.owners[k]!);
  let seen = 0;
  for (const [id, label] of index.labels) {
    if (found.size >= limit) break;
    if (label.includes(needle)) found.add(id);
    if ((++seen & STEP) === 0) yield;
  }

  return [...found].map((id) => {
    const attributes = graph.getNodeAttributes(id);
    return { id, label: attributes.label, kind: attributes.kind, types: attributes.kind === 'partner' ? [...attributes.types] : [] };
  });
}

interface SearchIndex {
  /** lower-case label of each node, in the graph's node order (a node renamed keeps its place, one added comes last, as in graphology) */
  labels: Map<string, string>;
  /** lower-case labels and ids, sorted by key, then by the node they belong to: owners[k] is the node of keys[k] */
  keys: string[];
  owners: string[];
}

/** A node's entries: its lower-case label, and its lower-case id when that differs. */
function entriesOf(id: string, label: string): Array<{ key: string; owner: string }> {
  const lowerId = id.toLowerCase();
  return label === lowerId ? [{ key: label, owner: id }] : [{ key: label, owner: id }, { key: lowerId, owner: id }];
}

const byKeyThenOwner = (a: { key: string; owner: string }, b: { key: string; owner: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0);

/** The first place whose (key, owner) is not before (key, owner). */
function lowerBound(index: SearchIndex, key: string, owner: string): number {
  let lo = 0;
  let hi = index.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const k = index.keys[mid]!;
    if (k < key || (k === key && index.owners[mid]! < owner)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function* buildSearchIndex(graph: EcoGraph): Steps<SearchIndex> {
  const labels = new Map<string, string>();
  const entries: Array<{ key: string; owner: string }> = [];
  let seen = 0;
  for (const { node, attributes } of graph.nodeEntries()) {
    const label = attributes.label.toLowerCase();
    labels.set(node, label);
    for (const entry of entriesOf(node, label)) entries.push(entry);
    if ((++seen & BUILD_STEP) === 0) yield;
  }
  const sorted = yield* sortSteps(entries, byKeyThenOwner);
  const keys = new Array<string>(sorted.length);
  const owners = new Array<string>(sorted.length);
  for (let k = 0; k < sorted.length; k++) {
    keys[k] = sorted[k]!.key;
    owners[k] = sorted[k]!.owner;
    if ((k & STEP) === 0) yield;
  }
  return { labels, keys, owners };
}

/** A node added, changed or dropped (node undefined): its entries moved, a few array moves (a millisecond at 300,000 nodes). */
function updateSearchIndex(index: SearchIndex, id: string, node: EcoNode | undefined): void {
  const before = index.labels.get(id);
  const label = node?.label.toLowerCase();
  if (before === label) return;
  if (before !== undefined) {
    for (const { key, owner } of entriesOf(id, before)) {
      const k = lowerBound(index, key, owner);
      index.keys.splice(k, 1);
      index.owners.splice(k, 1);
    }
  }
  if (label === undefined) {
    index.labels.delete(id);
    return;
  }
  index.labels.set(id, label);
  for (const { key, owner } of entriesOf(id, label)) {
    const k = lowerBound(index, key, owner);
    index.keys.splice(k, 0, key);
    index.owners.splice(k, 0, owner);
  }
}

const searchIndexSteps = maintainedPerGraphSteps(buildSearchIndex, updateSearchIndex);
