/**
 * Indexes that analytics build once per graph and keep until the graph
 * changes: the projection is edited in place through graphology's API, whose
 * events say when an index must be dropped.
 */
import type { EcoGraph } from './types.js';

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
