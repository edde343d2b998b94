import { describe, expect, it } from 'vitest';
import { computeLayout, fromLayoutOutput, runLayoutInWorker, toLayoutInput, type LayoutInput } from '../layout.js';
import { detectCommunities } from '../communities.js';
import { addPartner, addRelationship, createEcoGraph } from '../../projection/build.js';

describe('runLayoutInWorker', () => {
  it('returns finite coordinates for every node', async () => {
    const input: LayoutInput = { ids: ['a', 'b', 'c', 'd'], communities: Int32Array.from([0, 0, 1, 1]), edges: Uint32Array.from([0, 1, 1, 2, 2, 3]) };
    const positions = await runLayoutInWorker(input);
    expect(positions).toHaveLength(8);
    expect([...positions].every(Number.isFinite)).toBe(true);
  });
});
