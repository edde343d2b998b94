/**
 * Communities: Louvain modularity clustering (graphology-communities-louvain),
 * made deterministic with a seeded random walk, and renumbered so that
 * community 0 is the largest: ids then mean the same thing from one version
 * to the next as long as the ecosystem's shape does not change much.
 */
import louvainModule from 'graphology-communities-louvain';
import type { EcoGraph } from '../projection/types.js';

// A CommonJS package typed as an ES module: Node hands us module.exports, which TypeScript calls `default`.
const louvain = louvainModule as unknown as typeof louvainModule.default;

export interface CommunityOptions {
  /** Seed of the random walk order; the same seed gives the same communities. */
  seed: number;
  /** Louvain resolution: above 1 gives more, smaller communities. */
  resolution: number;
}

const DEFAULTS: CommunityOptions = { seed: 42, resolution: 1 };

/** node id → community, numbered 0..k-1 by descending size. */
export function detectCommunities(graph: EcoGraph, options: Partial<CommunityOptions> = {}): Record<string, number> {
  const { seed, resolution } = { ...DEFAULTS, ...options };
  if (!Number.isInteger(seed)) throw new Error('analytics/communities: seed must be an integer');
  if (!(resolution > 0)) throw new Error('analytics/communities: resolution must be positive');

  const raw = louvain(graph, { getEdgeWeight: null, resolution, rng: seededRandom(seed) });

  const sizes = new Map<number, number>();
  for (const id in raw) sizes.set(raw[id]!, (sizes.get(raw[id]!) ?? 0) + 1);
  // Ties keep Louvain's own order, which the seed already fixes.
  const order = [...sizes.keys()].sort((a, b) => sizes.get(b)! - sizes.get(a)! || a - b);
  const renumber = new Map(order.map((community, rank) => [community, rank]));

  const communities: Record<string, number> = {};
  for (const id in raw) communities[id] = renumber.get(raw[id]!)!;
  return communities;
}

/**
 * mulberry32: a tiny seeded generator in [0, 1). Hand-written because the
 * graphology libraries take an `rng` but ship no seeded one; betweenness
 * sampling reuses it.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
