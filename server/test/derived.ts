/** Derived metrics as plain records, in their columns' order: what tests compare and read by id. */
import type { DerivedMetrics } from '../projection/types.js';

export function derivedRecords(derived: DerivedMetrics) {
  return {
    ...derived,
    communities: Object.fromEntries(derived.communities.entries()),
    pagerank: Object.fromEntries(derived.pagerank.entries()),
    betweenness: { ...derived.betweenness, scores: Object.fromEntries(derived.betweenness.scores.entries()) },
    positions: Object.fromEntries(derived.positions.entries()),
  };
}
