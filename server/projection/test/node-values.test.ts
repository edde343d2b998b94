import { describe, expect, it } from 'vitest';
import { NodeIndex, NodePositions, NodeValues } from '../node-values.js';
import { drain } from '../slices.js';

describe('node values', () => {
  it('reads a record back by id, NaN and unknown ids as no value', () => {
    const nodes = new NodeIndex(['b', 'a', 'c']);
    const values = NodeValues.of({ a: 1, b: 0, d: 4 }, nodes);
    expect([...values.values]).toEqual([0, 1, NaN]);
    expect([values.get('a'), values.get('b'), values.get('c'), values.get('d')]).toEqual([1, 0, undefined, undefined]);
    expect([...values.entries()]).toEqual([
      ['b', 0],
      ['a', 1],
    ]);
    expect(() => new NodeValues(nodes, new Float64Array(2))).toThrow(/one value per node/);
  });

  it('keeps a record of positions in its own key order', () => {
    const positions = NodePositions.of({ z: { x: 1, y: 2 }, a: { x: -3, y: 0.5 } });
    expect(positions.nodes.ids).toEqual(['z', 'a']);
    expect(positions.get('a')).toEqual({ x: -3, y: 0.5 });
    expect(positions.get('q')).toBeUndefined();
    expect(Object.fromEntries(positions.entries())).toEqual({ z: { x: 1, y: 2 }, a: { x: -3, y: 0.5 } });
    expect(() => new NodePositions(positions.nodes, new Float64Array(3))).toThrow(/x, y per node/);
  });

  it('builds the same index in steps as at once', () => {
    const ids = Array.from({ length: 40_000 }, (_, i) => `n${i}`);
    const stepped = new NodeIndex(ids);
    drain(stepped.indexSteps());
    const atOnce = new NodeIndex(ids);
    for (const id of ['n0', 'n16383', 'n16384', 'n39999', 'n40000']) expect(stepped.indexOf(id)).toBe(atOnce.indexOf(id));
    expect(stepped.indexOf('n39999')).toBe(39_999);
  });
});

describe('node positions over another list', () => {
  it('gives x, y per id of the list, NaN for ids without a position', () => {
    const positions = NodePositions.of({ a: { x: 1, y: 2 }, b: { x: 3, y: 4 } });
    expect([...drain(positions.over(['b', 'z', 'a']))]).toEqual([3, 4, NaN, NaN, 1, 2]);
  });
});
