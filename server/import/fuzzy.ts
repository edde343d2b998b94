/**
 * Fuzzy name matching: "Northwind Trader" and "Northwind Traders" are likely
 * the same company, "Northwind Traders" and "Northwind Analytics" are not.
 * Two normalised names (see normaliseName: case, accents, punctuation and
 * legal suffixes gone, so "Acme Corp" and "ACME Corporation" are already the
 * same name) are similar when their Levenshtein similarity,
 * 1 − distance / length of the longer, is at least FUZZY_THRESHOLD.
 *
 * Levenshtein (fastest-levenshtein, the most used implementation on npm)
 * rather than Jaro–Winkler: candidates are blocked on the first word, so every
 * pair compared shares a prefix, and Jaro–Winkler's prefix bonus would score
 * "Northwind Traders" and "Northwind Analytics" above 0.9.
 *
 * Candidates are the names sharing the first word (`nameBlock`, indexed on
 * both engines): a typo in the first word is not found. That is the price of
 * looking candidates up by index instead of comparing with every stored name.
 */
import { distance } from 'fastest-levenshtein';
import { nameBlock } from '../store/records.js';

/**
 * Similarity from which two names go to review: one typo in a 7-character
 * name (0.857), a plural in "northwind trader" (0.94); "acme" and "acne"
 * (0.75) or "northwind traders" and "northwind trading" (0.82) stay apart.
 */
export const FUZZY_THRESHOLD = 0.85;

/** 1 − Levenshtein distance / length of the longer name: 1 for equal names, 0 for nothing in common. */
export function nameSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - distance(a, b) / longer;
}

export interface NearName {
  id: string;
  name: string;
  score: number;
}

/** Names by their block; `nearest` compares a name with its block only. */
export class FuzzyNames {
  private readonly blocks = new Map<string, Array<{ id: string; name: string; key: string }>>();

  add(id: string, name: string, key: string): void {
    const block = nameBlock(key);
    const list = this.blocks.get(block) ?? [];
    list.push({ id, name, key });
    this.blocks.set(block, list);
  }

  /**
   * The most similar name at or above the threshold, other than an equal one
   * (an equal normalised name is an exact match, not a fuzzy one) and other
   * than `self`; ties go to the smaller id, so the answer does not depend on
   * the order candidates were read in.
   */
  nearest(key: string, self: string): NearName | undefined {
    let best: NearName | undefined;
    for (const candidate of this.blocks.get(nameBlock(key)) ?? []) {
      if (candidate.id === self || candidate.key === key) continue;
      // The distance is at least the difference in length: most of a block is ruled out without computing it.
      const longer = Math.max(key.length, candidate.key.length);
      if (Math.abs(key.length - candidate.key.length) > (1 - FUZZY_THRESHOLD) * longer) continue;
      const score = nameSimilarity(key, candidate.key);
      if (score < FUZZY_THRESHOLD) continue;
      if (best === undefined || score > best.score || (score === best.score && candidate.id < best.id)) best = { id: candidate.id, name: candidate.name, score };
    }
    return best;
  }
}
