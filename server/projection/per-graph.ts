/**
 * Indexes that analytics build once per graph and keep until the graph
 * changes: the projection is edited in place through graphology's API, whose
 * events say when an index must be dropped.
 */
import { shared, type Steps } from './slices.js';
import type { EcoGraph, EcoNode } from './types.js';

export const TOPOLOGY_EVENTS = ['nodeAdded', 'nodeDropped', 'edgeAdded', 'edgeDropped', 'cleared', 'edgesCleared'] as const;
export const NODE_EVENTS = ['nodeAdded', 'nodeDropped', 'nodeAttributesUpdated', 'eachNodeAttributesUpdated', 'cleared'] as const;
export const ALL_EVENTS = [...new Set([...TOPOLOGY_EVENTS, ...NODE_EVENTS, 'edgeAttributesUpdated', 'eachEdgeAttributesUpdated'] as const)];

type GraphEvent = (typeof ALL_EVENTS)[number];

/** `build(graph)`, computed on first use for each graph and forgotten on any of `events`. */
export function perGraph<T>(events: readonly GraphEvent[], build: (graph: EcoGraph) => T): (graph: EcoGraph) => T {
  const cache = new WeakMap<EcoGraph, T>();
  return (graph) => {
    if (cache.has(graph)) return cache.get(graph)!;
    const value = build(graph);
    cache.set(graph, value);
    const forget = () => {
      cache.delete(graph);
      for (const event of events) graph.off(event, forget);
    };
    for (const event of events) graph.on(event, forget);
    return value;
  };
}

/**
 * `perGraph` for an index built in steps (see slices.ts), so that a server
 * can build it in slices: the value is kept once built, unless the graph
 * changed meanwhile (one of `events` heard), and dropped on any of `events`.
 * Computations asking while it is built drive the same build (`shared`).
 */
export function perGraphSteps<T>(events: readonly GraphEvent[], build: (graph: EcoGraph) => Steps<T>): (graph: EcoGraph) => Steps<T> {
  const cache = new WeakMap<EcoGraph, T>();
  /** the build under way, and the count of changes heard when it started */
  const building = new WeakMap<EcoGraph, { run: () => Steps<T>; before: number }>();
  const changes = new WeakMap<EcoGraph, number>();
  function* buildAndKeep(graph: EcoGraph, before: number): Steps<T> {
    try {
      const value = yield* build(graph);
      if (changes.get(graph) === before) cache.set(graph, value);
      return value;
    } finally {
      if (building.get(graph)?.before === before) building.delete(graph);
    }
  }
  return function* (graph) {
    if (cache.has(graph)) return cache.get(graph)!;
    if (!changes.has(graph)) {
      changes.set(graph, 0);
      const heard = () => {
        changes.set(graph, changes.get(graph)! + 1);
        cache.delete(graph);
        // A build under way when the graph changed is not shared with those asking after.
        building.delete(graph);
      };
      for (const event of events) graph.on(event, heard);
    }
    let under = building.get(graph);
    if (under === undefined) {
      const before = changes.get(graph)!;
      building.set(graph, (under = { run: shared(buildAndKeep(graph, before)), before }));
    }
    return yield* under.run();
  };
}

/** What graphology passes to a node event's listeners: the node's key and its attributes (after the change). */
export interface NodeEventPayload {
  key: string;
  attributes: EcoNode;
}

/**
 * `build(graph)`, built in steps (see slices.ts, so that a server can build
 * it in slices: seconds at 300,000 nodes) on first use for each graph and
 * then kept current from the graph's node events instead of being dropped:
 * a write touches a handful of nodes, and `update(value, key)` redoes only
 * what those nodes contributed (the node read from the graph, or undefined
 * once dropped). Edge events leave the value alone; an event that touches
 * every node (`cleared`, `eachNodeAttributesUpdated`) drops it, rebuilt on
 * next use. A build during which the graph changed is not kept.
 */
export function maintainedPerGraphSteps<T>(build: (graph: EcoGraph) => Steps<T>, update: (value: T, key: string, node: EcoNode | undefined) => void): (graph: EcoGraph) => Steps<T> {
  const cache = new WeakMap<EcoGraph, T>();
  const building = new WeakMap<EcoGraph, () => Steps<T>>();
  function* buildAndKeep(graph: EcoGraph): Steps<T> {
    let moved = false;
    const heard = () => void (moved = true);
    for (const event of NODE_EVENTS) graph.on(event, heard);
    let value: T;
    try {
      value = yield* build(graph);
    } finally {
      for (const event of NODE_EVENTS) graph.off(event, heard);
      building.delete(graph);
    }
    if (moved || cache.has(graph)) return value;
    cache.set(graph, value);
    const changed = ({ key }: NodeEventPayload) => update(value, key, graph.getNodeAttributes(key));
    const dropped = ({ key }: NodeEventPayload) => update(value, key, undefined);
    const forget = () => {
      cache.delete(graph);
      graph.off('nodeAdded', changed).off('nodeAttributesUpdated', changed).off('nodeDropped', dropped).off('cleared', forget).off('eachNodeAttributesUpdated', forget);
    };
    graph.on('nodeAdded', changed).on('nodeAttributesUpdated', changed).on('nodeDropped', dropped).on('cleared', forget).on('eachNodeAttributesUpdated', forget);
    return value;
  }
  return function* (graph) {
    if (cache.has(graph)) return cache.get(graph)!;
    // Computations asking while it is built drive the same build (`shared`).
    let run = building.get(graph);
    if (run === undefined) building.set(graph, (run = shared(buildAndKeep(graph))));
    return yield* run();
  };
}

const revisions = new WeakMap<EcoGraph, { changes: number }>();

/**
 * How many changes `graph` has heard of (any of ALL_EVENTS) since it was
 * first asked: the same count before and after a write means the write
 * changed nothing in it.
 */
export function revisionOf(graph: EcoGraph): number {
  let revision = revisions.get(graph);
  if (revision === undefined) {
    const counted = { changes: 0 };
    const count = () => void counted.changes++;
    for (const event of ALL_EVENTS) graph.on(event, count);
    revisions.set(graph, (revision = counted));
  }
  return revision.changes;
}
