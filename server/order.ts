/**
 * The orders and roundings answers share, defined once for every layer: ids
 * and keys sort in code-unit order (what `<` on strings gives), the same in
 * every engine and locale, so that the same data gives the same answer.
 */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Shares, scores and rates as answers show them: three decimals. */
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
