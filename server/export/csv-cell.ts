/**
 * One CSV cell as every CSV the product writes spells it: RFC 4180 quoting,
 * and OWASP's defence against formula injection. A spreadsheet runs a cell
 * that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
 * formula (`=HYPERLINK(…)` in a partner's name becomes a link that leaks the
 * sheet); such a cell is written with a leading single quote, which the
 * spreadsheet shows as text, and quoted.
 *
 * Two exceptions keep the data exact: a cell that is a plain number (`-5`,
 * `+1.5e3`) stays as it is, since a spreadsheet reads it as that number and
 * nothing more; and a cell that already starts with quotes before such a
 * character (`'=x`) gets one more, so that the bundle reader, which drops
 * exactly one leading quote before those characters (unescapeFormulaCell),
 * gives back the value written, whatever it was.
 */

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const FORMULA_START = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;

/** The cell's text as written to a file: escaped when a spreadsheet would run it, quoted when needed. */
export function csvCell(value: string): string {
  if (FORMULA_START.test(value) && !PLAIN_NUMBER.test(value)) return `"'${value.replaceAll('"', '""')}"`;
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The value csvCell escaped, from a cell's unquoted text: one leading quote before a formula character dropped. */
export function unescapeFormulaCell(cell: string): string {
  return ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell;
}
