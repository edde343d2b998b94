/**
 * A CSV download of results: a header of human-readable titles, then one line
 * per row, every cell through csvCell (quoting, formula escaping). Columns are
 * a list of title and getter, so their order is the list's and a new export
 * (conflicts, say) is one more list.
 *
 * A UTF-8 byte-order mark and CRLF line ends, because the reader is usually a
 * spreadsheet: without the mark Excel reads names with accents as Latin-1.
 */
import { csvCell } from './csv-cell.js';

export type CsvColumns<T> = ReadonlyArray<readonly [title: string, value: (row: T) => unknown]>;

/** A value as cell text: lists joined with "; ", absent values and non-finite numbers empty. */
function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(cellText).join('; ');
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return String(value);
}

export function csvTable<T>(columns: CsvColumns<T>, rows: Iterable<T>): string {
  const lines = [columns.map(([title]) => csvCell(title)).join(',')];
  for (const row of rows) lines.push(columns.map(([, value]) => csvCell(cellText(value(row)))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
