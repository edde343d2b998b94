/** Figures as a person reads them in an explanation: "$4.6M", "3 shared customers". */

const compactMoney = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });

/** 4615200 → "$4.6M"; 950 → "$950". */
export function money(amount: number): string {
  return compactMoney.format(amount);
}

/** count(3, 'shared customer') → "3 shared customers"; irregular plurals are given. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? singular : plural}`;
}

/** ['a'] → "a"; ['a', 'b', 'c'] → "a, b and c". */
export function listing(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
