/**
 * Fuzzy name matching against a brute force: the nearest name found through
 * the blocks is the best of every name sharing the first word, compared with a
 * Levenshtein distance written out here (the textbook dynamic programme).
 */
import { describe, expect, it } from 'vitest';
import { FUZZY_THRESHOLD, FuzzyNames, nameSimilarity } from '../fuzzy.js';

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzzy name matching', () => {
  it('scores as 1 − Levenshtein distance / longer length', () => {
    expect(nameSimilarity('northwind trader', 'northwind traders')).toBeCloseTo(1 - 1 / 17, 12);
    expect(nameSimilarity('acme', 'acne')).toBe(0.75);
    expect(nameSimilarity('', '')).toBe(1);
    expect(nameSimilarity('northwind traders', 'northwind trading')).toBeLessThan(FUZZY_THRESHOLD);
  });

  it('finds the same nearest name as comparing with every name of the block, ties to the smaller id', () => {
    const rng = random(7);
    const words = ['north', 'northwind', 'acme', 'contoso', 'fabrikam', 'traders', 'trading', 'labs', 'cloud', 'systems', 'group'];
    const typo = (name: string) => {
      const at = Math.floor(rng() * name.length);
      const kind = rng();
      return kind < 0.33 ? name.slice(0, at) + name.slice(at + 1) : kind < 0.66 ? name.slice(0, at) + 'x' + name.slice(at) : name.slice(0, at) + 'z' + name.slice(at + 1);
    };
    const names: Array<{ id: string; key: string }> = [];
    for (let i = 0; i < 400; i++) {
      const base = [0, 1, 2].slice(0, 1 + Math.floor(rng() * 3)).map(() => words[Math.floor(rng() * words.length)]).join(' ');
      // Typos after the first word only, where blocking can see them.
      const [first, ...rest] = base.split(' ');
      const key = rest.length > 0 && rng() < 0.5 ? `${first} ${typo(rest.join(' '))}` : base;
      names.push({ id: `n-${String(i).padStart(3, '0')}`, key });
    }
    const index = new FuzzyNames();
    for (const n of names) index.add(n.id, n.key, n.key);
    let found = 0;
    for (const n of names) {
      const brute = names
        .filter((m) => m.id !== n.id && m.key !== n.key && m.key.split(' ')[0] === n.key.split(' ')[0])
        .map((m) => ({ id: m.id, score: 1 - levenshtein(n.key, m.key) / Math.max(n.key.length, m.key.length) }))
        .filter((m) => m.score >= FUZZY_THRESHOLD)
        .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))[0];
      const near = index.nearest(n.key, n.id);
      expect([n.key, near?.id, near?.score]).toEqual([n.key, brute?.id, brute?.score]);
      if (brute !== undefined) found += 1;
    }
    // The test means something only if many names have a near one.
    expect(found).toBeGreaterThan(50);
  });
});
