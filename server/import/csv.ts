/**
 * The CSV form of the ecosystem bundle: one file per section, one row per
 * record, columns named after the record's fields.
 *
 *   capabilities.csv   id,name,category
 *   regions.csv        id,name
 *   segments.csv       id,name
 *   partners.csv       id,name,domain,types,tier,regions,segments,capabilities,lifecycle,country,size,revenue,sources,aliases,lifecycleHistory
 *   customers.csv      id,name,domain,segment,industry,region,needs,sources,aliases
 *   relationships.csv  from,to,type,source,updatedAt,role,since,annualValue[,level,certified]
 *   deals.csv          id,customer,region,needs,amount,stage,partners,closedAt
 *   solutions.csv      id,name,partners,capabilities,regions
 *   programs.csv       id,name,partnerTypes,benefits,protectionDays,stallLimits,tiers (optional)
 *   sharing.csv        partner,default,partners (optional)
 *   resolutions.csv    id,base,conflict,audit (optional)
 *
 * Cells: RFC 4180 quoting, CRLF or LF line ends, an optional UTF-8 BOM; cells
 * are trimmed and an empty cell is an absent field. Export escapes cells a
 * spreadsheet would run as formulas with a leading `'` (export/csv-cell.ts);
 * the reader drops it again. List cells hold items
 * separated by ";" (`reseller;service`). Structured items separate their
 * parts with ":": partner capabilities `cap-id:level[:certified]`, lifecycle
 * `track:stage`, lifecycle moves `track:at:from:to:reason:author` (empty
 * parts absent), deal partners `partnerId:role[:share[:registeredAt]]`. Inside a list item a
 * backslash makes the next character literal (`\;`, `\:`, `\\`), so any valid
 * id round-trips. `level,certified` in relationships.csv are only for
 * HAS_CAPABILITY rows of third-party files; export writes memberships inline.
 * In programs.csv, `stallLimits` (`{"onboard":90}`) and `tiers` (the JSON
 * tier list, lowest first) are JSON cells: tiers nest too deep for ";" and ":".
 * So are a conflict resolution's `conflict` and `audit` in resolutions.csv
 * (the conflict as it stood; the policy, actor, time and the claims before and after).
 *
 * Written by hand: no CSV library is among the project's dependencies, and
 * the format needs only a small RFC 4180 reader and writer.
 */
import type { Bundle, ExportSection } from '../schemas/bundle.js';
import { BUNDLE_VERSION } from '../schemas/bundle.js';
import type { Origin } from './mapping.js';
import { csvCell, unescapeFormulaCell } from '../export/csv-cell.js';

const MODULE = 'server/import/csv';

type ColumnKind = 'text' | 'number' | 'boolean' | 'list' | 'capabilities' | 'lifecycle' | 'lifecycleHistory' | 'dealPartners' | 'json';

interface Column {
  /** The column header, which is also the record's field name. */
  name: string;
  kind: ColumnKind;
  /** A file without this header is rejected: every row would lack the field. */
  required?: boolean;
  /** Read when present, never written by export. */
  importOnly?: boolean;
}

const text = (name: string, required = false): Column => ({ name, kind: 'text', required });
const num = (name: string): Column => ({ name, kind: 'number' });
const list = (name: string, required = false): Column => ({ name, kind: 'list', required });
const json = (name: string, required = false): Column => ({ name, kind: 'json', required });

/** Each section's file name and columns, in the order export writes them; the conflict resolutions have theirs too. */
export const CSV_FILES: Record<ExportSection, { file: string; columns: Column[] }> = {
  capabilities: { file: 'capabilities.csv', columns: [text('id', true), text('name', true), text('category')] },
  regions: { file: 'regions.csv', columns: [text('id', true), text('name')] },
  segments: { file: 'segments.csv', columns: [text('id', true), text('name')] },
  partners: {
    file: 'partners.csv',
    columns: [
      text('id', true),
      text('name', true),
      text('domain'),
      list('types', true),
      text('tier'),
      list('regions'),
      list('segments'),
      { name: 'capabilities', kind: 'capabilities' },
      { name: 'lifecycle', kind: 'lifecycle' },
      text('country'),
      text('size'),
      num('revenue'),
      list('sources'),
      list('aliases'),
      { name: 'lifecycleHistory', kind: 'lifecycleHistory' },
    ],
  },
  customers: {
    file: 'customers.csv',
    columns: [
      text('id', true),
      text('name', true),
      text('domain'),
      text('segment', true),
      text('industry'),
      text('region', true),
      list('needs'),
      list('sources'),
      list('aliases'),
    ],
  },
  relationships: {
    file: 'relationships.csv',
    columns: [
      text('from', true),
      text('to', true),
      text('type', true),
      text('source'),
      text('updatedAt'),
      text('role'),
      text('since'),
      num('annualValue'),
      { name: 'level', kind: 'text', importOnly: true },
      { name: 'certified', kind: 'boolean', importOnly: true },
    ],
  },
  deals: {
    file: 'deals.csv',
    columns: [
      text('id', true),
      text('customer', true),
      text('region', true),
      list('needs'),
      num('amount'),
      text('stage'),
      { name: 'partners', kind: 'dealPartners' },
      text('closedAt'),
    ],
  },
  solutions: {
    file: 'solutions.csv',
    columns: [text('id', true), text('name', true), list('partners'), list('capabilities'), list('regions')],
  },
  programs: {
    file: 'programs.csv',
    columns: [text('id', true), text('name'), list('partnerTypes'), list('benefits'), num('protectionDays'), { name: 'stallLimits', kind: 'json' }, { name: 'tiers', kind: 'json' }],
  },
  sharing: {
    file: 'sharing.csv',
    columns: [text('partner', true), text('default'), { name: 'partners', kind: 'json' }],
  },
  resolutions: {
    file: 'resolutions.csv',
    columns: [text('id', true), text('base', true), json('conflict', true), json('audit', true)],
  },
};

/** Sections a bundle may leave out (absent, not empty), as bundles from before them did: no file is written for them when empty. */
export const OPTIONAL_SECTIONS: ReadonlySet<ExportSection> = new Set(['programs', 'sharing', 'resolutions']);

const SECTIONS = Object.keys(CSV_FILES) as ExportSection[];
const EXPECTED_FILES = SECTIONS.map((s) => CSV_FILES[s].file).join(', ');

// ---------- writing ----------

/** Escapes the list separator, and the part separator when `parts` is set, with a backslash. */
function escapeItem(value: string, parts = false): string {
  return value.replace(parts ? /[\\;:]/g : /[\\;]/g, '\\$&');
}

function formatCell(kind: ColumnKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (kind) {
    case 'text':
    case 'number':
    case 'boolean':
      return String(value);
    case 'list':
      return (value as string[]).map((v) => escapeItem(v)).join(';');
    case 'capabilities':
      return (value as Array<{ id: string; level: string; certified: boolean }>)
        .map((c) => `${escapeItem(c.id, true)}:${escapeItem(c.level, true)}${c.certified ? ':certified' : ''}`)
        .join(';');
    case 'lifecycle':
      return Object.entries(value as Record<string, string>)
        .map(([track, stage]) => `${escapeItem(track, true)}:${escapeItem(stage, true)}`)
        .join(';');
    case 'lifecycleHistory':
      return (value as Array<Record<string, string | undefined>>)
        .map((x) => trimmedParts(['track', 'at', 'from', 'to', 'reason', 'author'].map((key) => escapeItem(x[key] ?? '', true))))
        .join(';');
    case 'dealPartners':
      return (value as Array<{ partner: string; role: string; claimedShare?: number; registeredAt?: string }>)
        .map((p) => {
          return trimmedParts([escapeItem(p.partner, true), escapeItem(p.role, true), p.claimedShare === undefined ? '' : String(p.claimedShare), escapeItem(p.registeredAt ?? '', true)]);
        })
        .join(';');
    case 'json':
      return JSON.stringify(value);
  }
}

/** An item from its parts, absent trailing parts left out: `p-1:lead`, not `p-1:lead::`. */
function trimmedParts(parts: string[]): string {
  while (parts.at(-1) === '') parts.pop();
  return parts.join(':');
}

function exportColumns(section: ExportSection): Column[] {
  return CSV_FILES[section].columns.filter((c) => !c.importOnly);
}

/** The header line of a section's file, with its line end. */
export function csvHeader(section: ExportSection): string {
  return `${exportColumns(section).map((c) => c.name).join(',')}\n`;
}

/** One record as a CSV line, with its line end; used by bundleToCsv and by streaming writers. */
export function csvLine(section: ExportSection, row: object): string {
  const record = row as Record<string, unknown>;
  return `${exportColumns(section).map((c) => csvCell(formatCell(c.kind, record[c.name]))).join(',')}\n`;
}

/** The CSV files of a bundle, file name → text (LF line ends, every file with its header). */
export function bundleToCsv(bundle: Bundle): Record<string, string> {
  const files: Record<string, string> = {};
  for (const section of SECTIONS) {
    const lines = [csvHeader(section)];
    const rows = bundle[section] ?? [];
    // A store without a programme exports no programs.csv, as before programmes existed.
    if (OPTIONAL_SECTIONS.has(section) && rows.length === 0) continue;
    for (const row of rows) lines.push(csvLine(section, row));
    files[CSV_FILES[section].file] = lines.join('');
  }
  return files;
}

// ---------- reading ----------

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;

function countLineBreaks(s: string): number {
  let count = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) count++;
  return count;
}

/** The end of an unquoted cell: the next comma or line break. */
function cellEnd(source: string, from: number): number {
  let j = from;
  for (let c = source.charCodeAt(j); j < source.length && c !== COMMA && c !== CR && c !== LF; c = source.charCodeAt(++j));
  return j;
}

/**
 * Splits RFC 4180 text into records of raw cells, handing each to `onRecord`
 * as it is read (hot path: plain loops, no closures per cell or record).
 */
function readRecords(source: string, file: string, onRecord: (cells: string[], line: number) => void): void {
  const n = source.length;
  let record: string[] = [];
  let line = 1;
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;

  let recordLine = 1;
  while (i < n) {
    if (record.length === 0) recordLine = line;
    // Spaces before an opening quote are tolerated (`a, "b, c"`).
    let start = i;
    while (start < n && (source.charCodeAt(start) === SPACE || source.charCodeAt(start) === TAB)) start++;
    if (source.charCodeAt(start) === QUOTE) {
      const openedOn = line;
      let value = '';
      let j = start + 1;
      for (;;) {
        const q = source.indexOf('"', j);
        if (q < 0) throw new Error(`${MODULE}: ${file} line ${openedOn}: a quoted cell is never closed`);
        value += source.slice(j, q);
        if (source.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      line += countLineBreaks(value);
      // Anything between the closing quote and the separator is kept, as most readers do.
      const end = cellEnd(source, j);
      record.push(end === j ? value : value + source.slice(j, end));
      i = end;
    } else {
      const end = cellEnd(source, i);
      record.push(source.slice(i, end));
      i = end;
    }

    const c = source.charCodeAt(i);
    if (c === COMMA) {
      i++;
      if (i === n) record.push('');
      continue;
    }
    // End of line (CRLF, LF or a lone CR) or of the text.
    onRecord(record, recordLine);
    record = [];
    line++;
    if (c === CR) i++;
    if (c === LF || (c === CR && source.charCodeAt(i) === LF)) i++;
  }
  if (record.length > 0) onRecord(record, recordLine); // the text ended right after a comma
}

/**
 * Splits a cell on `separator`, honouring backslash escapes; items are trimmed.
 * With `keepEscapes` the escapes stay in the items, for a second split on ":".
 */
function splitEscaped(value: string, separator: string, keepEscapes = false): string[] {
  if (!value.includes('\\')) return value.split(separator).map((item) => item.trim());
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      i++;
      current += keepEscapes ? `\\${value[i]}` : value[i];
    } else if (ch === separator) {
      items.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  items.push(current.trim());
  return items;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(['true', 'yes', '1', 'certified']);
const FALSE_WORDS = new Set(['false', 'no', '0']);

/** A number when the text is numeric; otherwise the text itself, which the validator then reports. */
function toNumber(value: string): number | string {
  return NUMERIC.test(value) ? Number(value) : value;
}

function toBoolean(value: string): boolean | string {
  const lower = value.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  return value;
}

/**
 * The parts of a structured item (`a:b:c`): the first `count - 1` parts, then
 * the rest joined, so a malformed item reaches the validator whole; an empty
 * part is undefined.
 */
function itemParts(item: string, count: number): Array<string | undefined> {
  const parts = splitEscaped(item, ':');
  const head = parts.slice(0, count - 1);
  while (head.length < count - 1) head.push('');
  return [...head, parts.slice(count - 1).join(':')].map((p) => (p === '' ? undefined : p));
}

/** Drops undefined fields so absent parts stay absent for the validator. */
function compact(obj: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(obj)) if (obj[key] === undefined) delete obj[key];
  return obj;
}

/** Items of a list cell; structured items keep their escapes for the split on ":". */
function listItems(raw: string, structured: boolean): string[] {
  const items = splitEscaped(raw, ';', structured);
  let kept = 0;
  for (const item of items) if (item !== '') items[kept++] = item;
  items.length = kept;
  return items;
}

function parseCell(kind: ColumnKind, raw: string): unknown {
  switch (kind) {
    case 'text':
      return raw;
    case 'number':
      return toNumber(raw);
    case 'boolean':
      return toBoolean(raw);
    case 'list':
      return raw.includes('\\') || raw.includes(';') ? listItems(raw, false) : [raw];
    case 'capabilities':
      return listItems(raw, true).map((item) => {
        const [id, level, certified] = itemParts(item, 3);
        return compact({ id, level, certified: certified === undefined ? undefined : toBoolean(certified) });
      });
    case 'lifecycle': {
      const stages: Record<string, string> = {};
      for (const item of listItems(raw, true)) {
        const [track, stage] = itemParts(item, 2);
        stages[track ?? ''] = stage ?? ''; // '' rather than undefined, so the validator names the track
      }
      return stages;
    }
    case 'lifecycleHistory':
      return listItems(raw, true).map((item) => {
        const [track, at, from, to, reason, author] = itemParts(item, 6);
        return compact({ track, at, from, to, reason, author });
      });
    case 'json':
      // Not JSON: kept as text, so that the row's validation names the field.
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    case 'dealPartners':
      return listItems(raw, true).map((item) => {
        const [partner, role, share, registeredAt] = itemParts(item, 4);
        return compact({ partner, role, claimedShare: share === undefined ? undefined : toNumber(share), registeredAt });
      });
  }
}

function sectionOf(name: string): ExportSection {
  const base = (name.split(/[\\/]/).pop() ?? name).toLowerCase();
  const section = SECTIONS.find((s) => CSV_FILES[s].file === base);
  if (section === undefined) throw new Error(`${MODULE}: unknown file "${name}"; expected one of ${EXPECTED_FILES}`);
  return section;
}

function parseFile(section: ExportSection, name: string, source: string, lines: number[], warnings: string[]): Array<Record<string, unknown>> {
  const { columns } = CSV_FILES[section];
  const expected = columns.map((c) => c.name).join(', ');
  let layout: Array<Column | undefined> | undefined;
  const rows: Array<Record<string, unknown>> = [];

  readRecords(source, name, (record, line) => {
    if (layout === undefined) {
      layout = readHeader(record, columns, name, expected, warnings);
      return;
    }
    // A short row simply lacks its last fields and extra cells are ignored: the validator reports what is missing.
    const row: Record<string, unknown> = {};
    let filled = false;
    for (let index = 0; index < layout.length && index < record.length; index++) {
      const raw = unescapeFormulaCell(record[index]!.trim());
      const column = layout[index];
      if (raw === '' || column === undefined) continue;
      row[column.name] = parseCell(column.kind, raw);
      filled = true;
    }
    if (!filled) return; // blank lines and spreadsheet filler rows are skipped
    rows.push(row);
    lines.push(line);
  });
  if (layout === undefined) throw new Error(`${MODULE}: ${name} has no header line; expected columns ${expected}`);
  return rows;
}

/** The column of each header cell (any case); an unknown header reads nothing and is listed in a warning. */
function readHeader(header: string[], columns: Column[], name: string, expected: string, warnings: string[]): Array<Column | undefined> {
  if (header.length === 1 && header[0]!.trim() === '') throw new Error(`${MODULE}: ${name} has no header line; expected columns ${expected}`);
  const unknown: string[] = [];
  const layout = header.map((cell) => {
    const title = cell.trim();
    const column = columns.find((c) => c.name.toLowerCase() === title.toLowerCase());
    if (column === undefined && title !== '') unknown.push(title);
    return column;
  });
  if (unknown.length > 0) warnings.push(`${name}: ignored columns ${unknown.map((u) => `"${u}"`).join(', ')} (the columns read are ${expected})`);
  for (const column of columns) {
    const seen = layout.filter((c) => c === column).length;
    if (seen > 1) throw new Error(`${MODULE}: ${name}: column "${column.name}" appears ${seen} times`);
    if (seen === 0 && column.required) throw new Error(`${MODULE}: ${name}: missing required column "${column.name}"`);
  }
  return layout;
}

/**
 * Reads a bundle's CSV files (file name → text; a path prefix is ignored) into
 * a plain, not yet validated bundle object. Sections without a file are empty
 * (the optional ones, programs, sharing and resolutions: absent).
 * Throws on an unknown file, a duplicate column, a missing required
 * column, or an unclosed quote; an unknown column is ignored (see parseCsvFiles).
 */
export function parseCsvBundle(files: Record<string, string>): unknown {
  return parseCsvFiles(files).bundle;
}

/** As parseCsvBundle, with each row's file and 1-based line (header = line 1) and the warnings (ignored columns). */
export function parseCsvFiles(files: Record<string, string>): { bundle: Record<string, unknown>; origins: Record<string, Origin[]>; warnings: string[] } {
  const origins: Record<string, Origin[]> = {};
  const warnings: string[] = [];
  const bundle: Record<string, unknown> = { version: BUNDLE_VERSION };
  // Programmes are optional in a bundle: without programs.csv the section stays absent, as in bundles from before them.
  for (const section of SECTIONS) if (!OPTIONAL_SECTIONS.has(section)) bundle[section] = [];
  const seen = new Map<ExportSection, string>();
  for (const [name, source] of Object.entries(files)) {
    const section = sectionOf(name);
    const previous = seen.get(section);
    if (previous !== undefined) throw new Error(`${MODULE}: "${previous}" and "${name}" are both ${CSV_FILES[section].file}`);
    seen.set(section, name);
    const lines: number[] = [];
    bundle[section] = parseFile(section, name, source, lines, warnings);
    origins[section] = lines.map((line) => ({ file: name, line }));
  }
  return { bundle, origins, warnings };
}

/** Whether a file name is one of the bundle's own CSV files (partners.csv, …), whatever its folder and case. */
export function isBundleCsv(name: string): boolean {
  const base = (name.split(/[\\/]/).pop() ?? name).toLowerCase();
  return SECTIONS.some((s) => CSV_FILES[s].file === base);
}
