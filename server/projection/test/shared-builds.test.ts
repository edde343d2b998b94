import { describe, expect, it } from 'vitest';
import { addPartner, addRelationship, createEcoGraph } from '../build.js';
import { maintainedPerGraphSteps, perGraphSteps, TOPOLOGY_EVENTS } from '../per-graph.js';
import { drain, shared, sortSteps, type Steps } from '../slices.js';
import { seededRandom } from '../../analytics/communities.js';
import type { EcoGraph } from '../types.js';

/** Runs the steps one step each in turn, as the server runs computations' slices; their results in order. */
function interleaved<T>(runs: Array<Steps<T>>): T[] {
  const results: Array<{ value: T }> = [];
  while (results.filter(Boolean).length < runs.length) {
    runs.forEach((steps, i) => {
      if (results[i] !== undefined) return;
      const step = steps.next();
      if (step.done) results[i] = { value: step.value };
    });
  }
  return results.map(({ value }) => value);
}

function graphOf(partners: number): EcoGraph {
  const graph = createEcoGraph();
  for (let i = 0; i < partners; i++) addPartner(graph, { id: `p${i}`, types: ['reseller'] });
  for (let i = 1; i < partners; i++) addRelationship(graph, { from: `p${i - 1}`, to: `p${i}`, type: 'CO_SELLS_WITH' });
  return graph;
}

/** A build that yields once per node and counts how often it ran and how many steps it took. */
function countingBuild() {
  const counts = { builds: 0, steps: 0 };
  function* build(graph: EcoGraph): Steps<string[]> {
    counts.builds++;
    const ids: string[] = [];
    for (const id of graph.nodes()) {
      counts.steps++;
      ids.push(id);
      yield;
    }
    return ids;
  }
  return { counts, build };
}

describe('projection/slices shared', () => {
  it('runs the steps once for every driver, each getting the result', () => {
    const { counts, build } = countingBuild();
    const run = shared(build(graphOf(5)));
    const results = interleaved([run(), run(), run()]);
    expect(results).toEqual([0, 1, 2].map(() => ['p0', 'p1', 'p2', 'p3', 'p4']));
    expect(counts).toEqual({ builds: 1, steps: 5 });
    // A driver that comes after the end gets the result at once.
    expect(drain(run())).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('gives every driver the error of a run that failed', () => {
    const run = shared(
      (function* (): Steps<number> {
        yield;
        throw new Error('broken build');
      })(),
    );
    const first = run();
    const second = run();
    first.next();
    expect(() => drain(second)).toThrow('broken build');
    expect(() => drain(first)).toThrow('broken build');
  });
});

describe('projection/per-graph builds asked for at the same time', () => {
  it('perGraphSteps: computations asking while the index is built share one build, then read it kept', () => {
    const { counts, build } = countingBuild();
    const index = perGraphSteps(TOPOLOGY_EVENTS, build);
    const graph = graphOf(4);
    expect(interleaved([index(graph), index(graph), index(graph)])).toEqual([0, 1, 2].map(() => ['p0', 'p1', 'p2', 'p3']));
    expect(counts).toEqual({ builds: 1, steps: 4 });
    expect(drain(index(graph))).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(counts.builds).toBe(1);
    // A change of topology drops it; the next ones build it again, once.
    addPartner(graph, { id: 'p4', types: ['reseller'] });
    expect(interleaved([index(graph), index(graph)])).toEqual([0, 1].map(() => ['p0', 'p1', 'p2', 'p3', 'p4']));
    expect(counts.builds).toBe(2);
  });

  it('perGraphSteps: a build the graph changed under is not handed to those asking after the change', () => {
    const { counts, build } = countingBuild();
    const index = perGraphSteps(TOPOLOGY_EVENTS, build);
    const graph = graphOf(3);
    const early = index(graph);
    early.next();
    addPartner(graph, { id: 'p3', types: ['reseller'] });
    expect(drain(index(graph))).toEqual(['p0', 'p1', 'p2', 'p3']);
    drain(early);
    expect(counts.builds).toBe(2);
    expect(drain(index(graph))).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(counts.builds).toBe(2);
  });

  it('maintainedPerGraphSteps: one build for computations asking at the same time, then kept current node by node', () => {
    const { counts, build } = countingBuild();
    const index = maintainedPerGraphSteps(build, (ids, key, node) => {
      if (node !== undefined && !ids.includes(key)) ids.push(key);
    });
    const graph = graphOf(3);
    expect(interleaved([index(graph), index(graph)])).toEqual([0, 1].map(() => ['p0', 'p1', 'p2']));
    expect(counts).toEqual({ builds: 1, steps: 3 });
    addPartner(graph, { id: 'p3', types: ['reseller'] });
    expect(drain(index(graph))).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(counts.builds).toBe(1);
  });
});

describe('projection/slices sortSteps', () => {
  it('sorts as Array.prototype.sort does, stably, whatever the length, yielding between runs', () => {
    const random = seededRandom(3);
    for (const length of [0, 1, 5, 64, 65, 1000, 4097]) {
      const items = Array.from({ length }, (_, i) => ({ key: Math.floor(random() * 50), i }));
      const compare = (a: { key: number }, b: { key: number }) => a.key - b.key;
      const steps = sortSteps(items, compare, 64);
      let yields = 0;
      let step = steps.next();
      for (; !step.done; step = steps.next()) yields++;
      expect(step.value).toEqual([...items].sort(compare));
      expect(items.map(({ i }) => i)).toEqual(Array.from({ length }, (_, i) => i));
      if (length > 64) expect(yields).toBeGreaterThan(length / 64);
    }
  });
});
