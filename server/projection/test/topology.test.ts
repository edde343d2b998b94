import { describe, expect, it } from 'vitest';
import { currentTopologySteps, fromPosted, postableSteps, toTopology, type Topology } from '../topology.js';
import { createEcoGraph } from '../build.js';
import { drain } from '../slices.js';
import type { EcoGraph, EcoNode } from '../types.js';
import { seededRandom } from '../../analytics/communities.js';

const plain = (topology: Topology) => ({ ids: topology.ids, partner: Array.from(topology.partner), edges: Array.from(topology.edges) });

/** A random graph of partners and customers, and random changes to it: nodes and edges added and dropped, nodes dropped and added again as the other kind. */
function randomWorld(seed: number) {
  const random = seededRandom(seed);
  const graph = createEcoGraph();
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const addNode = (id: string) => graph.addNode(id, { kind: random() < 0.4 ? 'partner' : 'customer' } as EcoNode);
  const addEdge = () => {
    const nodes = graph.nodes();
    if (nodes.length < 2) return;
    const [a, b] = [pick(nodes), pick(nodes)];
    if (a !== b && !graph.hasEdge(a, b)) graph.addEdge(a, b, { types: [], roles: [], value: 0 } as never);
  };
  let made = 0;
  for (let i = 0; i < 60; i++) addNode(`n${String(made++).padStart(3, '0')}`);
  for (let i = 0; i < 150; i++) addEdge();
  /** One random change; `clearing` allows clearing every edge, which makes the next call walk the graph again. */
  const change = (clearing = true) => {
    const r = random();
    const nodes = graph.nodes();
    if (r < 0.2) addNode(`n${String(made++).padStart(3, '0')}`);
    else if (r < 0.5) addEdge();
    else if (r < 0.65 && graph.size > 0) graph.dropEdge(pick(graph.edges()));
    else if (r < 0.75 && nodes.length > 2) graph.dropNode(pick(nodes));
    else if (r < 0.85 && nodes.length > 2) {
      // The same id back as a node of its own, with edges of its own.
      const id = pick(nodes);
      graph.dropNode(id);
      addNode(id);
      for (let k = 0; k < 3; k++) {
        const other = pick(graph.nodes());
        if (other !== id && !graph.hasEdge(id, other)) graph.addEdge(id, other, { types: [], roles: [], value: 0 } as never);
      }
    } else if (r < 0.9 && clearing) graph.clearEdges();
    else addEdge();
  };
  return { graph, change, random };
}

describe('the topology kept current from the graph\'s changes', () => {
  it('equals a fresh walk of the graph after any changes, over many random graphs', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { graph, change, random } = randomWorld(seed);
      for (let round = 0; round < 25; round++) {
        const changes = Math.floor(random() * 6);
        for (let c = 0; c < changes; c++) change();
        const kept = drain(currentTopologySteps(graph));
        expect(plain(kept), `seed ${seed}, round ${round}`).toEqual(plain(toTopology(graph)));
      }
    }
  });

  it('is the same object while nothing changed, and a new one after a change', () => {
    const { graph, change } = randomWorld(3);
    const first = drain(currentTopologySteps(graph));
    expect(drain(currentTopologySteps(graph))).toBe(first);
    graph.mergeNodeAttributes(graph.nodes()[0]!, { label: 'renamed' } as Partial<EcoNode>);
    expect(drain(currentTopologySteps(graph))).toBe(first);
    change();
    change();
    expect(plain(drain(currentTopologySteps(graph)))).toEqual(plain(toTopology(graph)));
  });

  it('patches in steps: answers the graph as it was when the patch began, and takes in the changes made meanwhile next time', () => {
    for (let seed = 200; seed < 240; seed++) {
      const { graph, change, random } = randomWorld(seed);
      drain(currentTopologySteps(graph));
      for (let c = 0; c < 1 + Math.floor(random() * 5); c++) change(false);
      const atStart = plain(toTopology(graph));
      const patch = currentTopologySteps(graph);
      expect(patch.next().done).toBe(false);
      for (let c = 0; c < 4; c++) change();
      // A second caller meanwhile drives the same patch.
      expect(plain(drain(currentTopologySteps(graph))), `seed ${seed}`).toEqual(atStart);
      expect(plain(drain(patch))).toEqual(atStart);
      expect(plain(drain(currentTopologySteps(graph))), `seed ${seed}`).toEqual(plain(toTopology(graph)));
    }
  });

  it('takes in changes made while its walk of the graph was under way', () => {
    for (let seed = 100; seed < 130; seed++) {
      const { graph, change, random } = randomWorld(seed);
      // The walk yields after sorting the ids and again at the first node: the graph changes at either pause.
      const walk = currentTopologySteps(graph);
      const pauses = 1 + Math.floor(random() * 2);
      for (let p = 0; p < pauses; p++) expect(walk.next().done).toBe(false);
      for (let c = 0; c < 5; c++) change();
      drain(walk);
      for (let c = 0; c < Math.floor(random() * 4); c++) change();
      expect(plain(drain(currentTopologySteps(graph))), `seed ${seed}`).toEqual(plain(toTopology(graph)));
    }
  });
});

describe('the topology as a worker receives it', () => {
  it('comes back whole: every id as it was (any script, a long one, many of them) in its order, kinds and edges', () => {
    const graph = createEcoGraph();
    const ids = ['c-日本-1', 'p-émile', 'p-😀', `p-${'x'.repeat(200)}`, ...Array.from({ length: 20_000 }, (_, i) => `n-${i}`)];
    ids.forEach((id, i) => graph.addNode(id, { kind: i % 3 === 0 ? 'customer' : 'partner' } as EcoNode));
    for (let i = 1; i < ids.length; i += 7) graph.addEdge(ids[i - 1]!, ids[i]!, { types: [], roles: [], value: 0 } as never);
    const topology = toTopology(graph);
    const posted = drain(postableSteps(topology));
    // What the worker gets is a copy made by structuredClone, as postMessage makes it.
    const received = fromPosted(structuredClone(posted));
    expect(plain(received)).toEqual(plain(topology));
    expect(received.ids).toContain('p-😀');
  });

  it('refuses a buffer whose ids do not match its nodes', () => {
    const posted = drain(postableSteps({ ids: ['a', 'b'], partner: Uint8Array.from([1, 0]), edges: new Uint32Array() }));
    expect(() => fromPosted({ ...posted, partner: Uint8Array.from([1, 0, 1]) })).toThrow(/2 ids received for 3 nodes/);
  });
});
