/**
 * Connectors: a mapping profile turns the files another system exports (a
 * CRM's accounts and opportunities, a PRM's partner list, a marketplace's
 * listings) into an ecosystem bundle. A profile is a JSON file (the format is
 * `MappingProfile` below; the built-in ones are in `profiles/`): for each
 * kind of file it knows, the headers that recognise it, the section its rows
 * feed, and which column feeds which field, with value maps (`VAR` →
 * `reseller`) and a country → region table.
 *
 * Files stream through csv-parse (a well-kept streaming CSV reader): rows are
 * mapped as they are read, so only the mapped rows are held. Columns no field
 * uses are ignored and listed in a warning, never a reason to reject a file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { z } from 'zod';
import { BUNDLE_VERSION } from '../schemas/bundle.js';
import { valueKey } from './values.js';

const MODULE = 'server/import/mapping';

/** Where a row came from: the file and its 1-based line (the header is line 1). */
export interface Origin {
  file: string;
  line: number;
}

const Columns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** How one field is filled: a column, the first non-empty of several, or a rule. */
const FieldSource = z.union([
  Columns,
  z.strictObject({
    /** The column(s) read; the first non-empty one wins. */
    column: Columns.optional(),
    /** The value when the column is absent or empty. */
    default: z.string().optional(),
    /** Split the cell into list items on any of these characters (e.g. ";,"); list fields split on ";" by default. */
    split: z.string().min(1).optional(),
    /** Translate each item through these value maps of the profile (`values`; `countries` is the country table), the first that knows it. */
    map: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
    /** Put before the value, e.g. "sf-" to keep another system's ids apart. */
    prefix: z.string().optional(),
    /** Numeric bands: [[0, "smb"], [200, "midmarket"], [2000, "enterprise"]]: the last band whose floor the number reaches. */
    bands: z.array(z.tuple([z.number(), z.string().min(1)])).min(1).optional(),
  }),
]);
export type FieldSource = z.infer<typeof FieldSource>;

export const MAPPED_SECTIONS = ['capabilities', 'regions', 'segments', 'partners', 'customers', 'relationships', 'deals', 'dealPartners', 'solutions'] as const;
const MappedSection = z.enum(MAPPED_SECTIONS);
type MappedSection = z.infer<typeof MappedSection>;

const Fields = z.record(z.string().min(1), FieldSource);

export const MappingFile = z.strictObject({
  /** Names the kind of file in messages, e.g. "accounts". */
  name: z.string().min(1),
  /** Headers that recognise the file: all present (any case, accents, spacing). */
  detect: z.array(z.string().min(1)).min(1),
  /** Which section each row feeds, per section its fields. One section, or several routed by `sectionBy`. */
  sections: z.partialRecord(MappedSection, Fields),
  /** Route each row by a column's value (through a value map); rows routed nowhere are skipped and counted. */
  sectionBy: z.strictObject({ column: z.string().min(1), values: z.record(z.string(), z.union([MappedSection, z.literal('skip')])) }).optional(),
});

export const MappingProfile = z.strictObject({
  name: z.string().min(1),
  label: z.string().min(1),
  description: z.string().optional(),
  /** The system the rows come from: recorded in every record's `sources`. */
  source: z.string().min(1).max(100),
  files: z.array(MappingFile).min(1),
  /** Value maps: map name → spelling → value; spellings match case- and accent-insensitively. */
  values: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Country (name or ISO code, any spelling) → region id, used by `"map": "countries"`. */
  countries: z.record(z.string(), z.string()).default({}),
});
export type MappingProfile = z.infer<typeof MappingProfile>;
type MappingFile = z.infer<typeof MappingFile>;

const PROFILE_DIR = new URL('./profiles/', import.meta.url);

function parseProfile(text: string, where: string): MappingProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${MODULE}: ${where} is not JSON: ${(error as Error).message}`);
  }
  const parsed = MappingProfile.safeParse(json);
  if (!parsed.success) throw new Error(`${MODULE}: ${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(profile)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The built-in profiles, by name. */
export const BUILT_IN_PROFILES: ReadonlyMap<string, MappingProfile> = new Map(
  readdirSync(PROFILE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const profile = parseProfile(readFileSync(new URL(f, PROFILE_DIR), 'utf8'), `profiles/${f}`);
      return [profile.name, profile] as const;
    }),
);

/** A mapping file's text (`--mapping file.json`, or the `mapping` part of a multipart import) as a profile. */
export function mappingFromJson(text: string, where = 'the mapping file'): MappingProfile {
  return parseProfile(text, where);
}

export function builtInProfile(name: string): MappingProfile {
  const profile = BUILT_IN_PROFILES.get(name);
  if (profile === undefined) throw new Error(`${MODULE}: unknown profile "${name}"; the profiles are ${[...BUILT_IN_PROFILES.keys()].join(', ')}`);
  return profile;
}

/** Every column a file kind reads, as header keys. */
function columnsRead(file: MappingFile): Set<string> {
  const keys = new Set<string>();
  const add = (c: string | string[] | undefined) => {
    for (const name of c === undefined ? [] : Array.isArray(c) ? c : [c]) keys.add(valueKey(name));
  };
  for (const fields of Object.values(file.sections)) {
    for (const source of Object.values(fields ?? {})) add(typeof source === 'string' || Array.isArray(source) ? source : source.column);
  }
  if (file.sectionBy !== undefined) add(file.sectionBy.column);
  return keys;
}

/** The file kind of the given profiles whose detect headers all appear in `header`; the most specific wins. */
export function detectFile(header: string[], profiles: Iterable<MappingProfile>): { profile: MappingProfile; file: MappingFile } | undefined {
  const present = new Set(header.map(valueKey));
  let best: { profile: MappingProfile; file: MappingFile } | undefined;
  for (const profile of profiles) {
    for (const file of profile.files) {
      if (file.detect.every((h) => present.has(valueKey(h))) && file.detect.length > (best?.file.detect.length ?? 0)) best = { profile, file };
    }
  }
  return best;
}

/** What a profile read from one file, for the report and the import page. */
export interface MappedFile {
  file: string;
  profile: string;
  kind: string;
  /** Field → the header that feeds it, per section. */
  columns: Record<string, Record<string, string>>;
  /** Headers no field reads: ignored. */
  ignored: string[];
  rows: number;
  skipped: number;
}

export interface MappedInput {
  bundle: Record<string, unknown>;
  /** Per bundle section, each row's origin (same order as the rows). */
  origins: Record<string, Origin[]>;
  files: MappedFile[];
  warnings: string[];
}

const NUMBER_FIELDS = new Set(['revenue', 'amount', 'annualValue', 'claimedShare']);
const DATE_FIELDS = new Set(['closedAt', 'registeredAt', 'updatedAt']);
const LIST_FIELDS = new Set(['types', 'regions', 'segments', 'needs', 'sources', 'aliases', 'capabilities', 'partners']);

/** "$12,500.00" → 12500; anything else is left as text for the validator to name. */
function toNumber(raw: string): number | string {
  const cleaned = raw.replace(/[\s$€£¥,]/g, '').replace(/^(?:USD|EUR|GBP)/i, '');
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(cleaned) ? Number(cleaned) : raw;
}

/** The dates exports write ("2026-03-14", "3/14/2026", "2026-03-14 10:00:00") as ISO 8601 in UTC; anything else unchanged. */
function toIsoDate(raw: string): string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(raw);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}T${iso[4] ?? '00'}:${iso[5] ?? '00'}:${iso[6] ?? '00'}Z`;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
  if (us) return `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}T00:00:00Z`;
  return raw;
}

class FileMapper {
  private readonly index = new Map<string, number>();
  readonly used = new Map<string, Record<string, string>>();

  constructor(
    private readonly profile: MappingProfile,
    private readonly kind: MappingFile,
    readonly header: string[],
  ) {
    header.forEach((h, i) => {
      if (!this.index.has(valueKey(h))) this.index.set(valueKey(h), i);
    });
    for (const [section, fields] of Object.entries(kind.sections)) {
      const used: Record<string, string> = {};
      for (const [field, source] of Object.entries(fields ?? {})) {
        const columns = typeof source === 'string' || Array.isArray(source) ? source : source.column;
        const found = (columns === undefined ? [] : Array.isArray(columns) ? columns : [columns]).filter((c) => this.index.has(valueKey(c)));
        if (found.length > 0) used[field] = found.map((c) => header[this.index.get(valueKey(c))!]!).join(' | ');
      }
      this.used.set(section, used);
    }
  }

  private cell(cells: string[], column: string): string {
    const i = this.index.get(valueKey(column));
    return i === undefined ? '' : (cells[i] ?? '').trim();
  }

  private translate(maps: string[], value: string): string {
    const key = valueKey(value);
    for (const map of maps) {
      const table = map === 'countries' ? this.profile.countries : this.profile.values[map];
      for (const [spelling, target] of Object.entries(table ?? {})) if (valueKey(spelling) === key) return target;
    }
    return value;
  }

  private value(cells: string[], field: string, source: FieldSource): unknown {
    const rule = typeof source === 'string' || Array.isArray(source) ? { column: source } : source;
    const columns = rule.column === undefined ? [] : Array.isArray(rule.column) ? rule.column : [rule.column];
    const raw = columns.map((c) => this.cell(cells, c)).find((v) => v !== '') ?? rule.default ?? '';
    if (raw === '') return undefined;
    if (rule.bands !== undefined) {
      const n = toNumber(raw);
      if (typeof n !== 'number') return raw;
      return rule.bands.filter(([floor]) => n >= floor).at(-1)?.[1] ?? rule.bands[0]![1];
    }
    const separators = rule.split ?? (LIST_FIELDS.has(field) ? ';' : undefined);
    const items = separators === undefined ? [raw] : raw.split(new RegExp(`[${separators.replace(/[\\\]^-]/g, '\\$&')}]`)).map((s) => s.trim()).filter((s) => s !== '');
    // A field's own value map (values.types for types) applies unless the rule names others.
    const maps = rule.map === undefined ? [field] : Array.isArray(rule.map) ? rule.map : [rule.map];
    const mapped = items.map((item) => `${rule.prefix ?? ''}${this.translate(maps, item)}`);
    if (NUMBER_FIELDS.has(field)) return toNumber(mapped[0]!);
    if (DATE_FIELDS.has(field)) return toIsoDate(mapped[0]!);
    return LIST_FIELDS.has(field) ? [...new Set(mapped)] : mapped[0];
  }

  /** The section a row feeds and its record, or undefined when the row is routed nowhere. */
  map(cells: string[]): { section: MappedSection; record: Record<string, unknown> } | undefined {
    let section: MappedSection | 'skip' | undefined;
    if (this.kind.sectionBy === undefined) section = Object.keys(this.kind.sections)[0] as MappedSection;
    else {
      const key = valueKey(this.cell(cells, this.kind.sectionBy.column));
      section = Object.entries(this.kind.sectionBy.values).find(([spelling]) => valueKey(spelling) === key)?.[1];
    }
    if (section === undefined || section === 'skip') return undefined;
    const record: Record<string, unknown> = {};
    for (const [field, source] of Object.entries(this.kind.sections[section] ?? {})) {
      const value = this.value(cells, field, source);
      if (value !== undefined) record[field] = value;
    }
    if (section === 'partners' && Array.isArray(record.capabilities)) record.capabilities = (record.capabilities as string[]).map((id) => ({ id }));
    if (section === 'deals' && Array.isArray(record.partners)) {
      // One partner column on the deal row (HubSpot): its role from `partnerRole`.
      const { partnerRole, ...deal } = record;
      deal.partners = (record.partners as string[]).map((partner) => ({ partner, role: partnerRole ?? 'partner' }));
      return { section, record: deal };
    }
    if (section === 'partners' || section === 'customers') record.sources = [...new Set([...((record.sources as string[] | undefined) ?? []), this.profile.source])];
    if (section === 'relationships' && record.source === undefined) record.source = this.profile.source;
    return { section, record };
  }
}

/** The rows of a CSV stream with their 1-based line numbers (a record's first line). */
export async function* csvRecords(input: Readable | string | Buffer): AsyncGenerator<{ cells: string[]; line: number }> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, relax_quotes: true });
  if (typeof input === 'string' || Buffer.isBuffer(input)) parser.end(input);
  else input.pipe(parser);
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // info.lines is the line the record ended on; count back its own line breaks to where it began.
    const breaks = record.reduce((n, cell) => n + (cell.match(/\r\n|\n|\r/g)?.length ?? 0), 0);
    yield { cells: record, line: info.lines - breaks };
  }
}

/**
 * Maps other systems' export files into one unvalidated bundle. `profiles`
 * are the candidates (one when the user chose it, every built-in one for
 * detection); each file is matched to a file kind by its header.
 */
export async function mapFiles(files: AsyncIterable<{ name: string; content: Readable | string | Buffer }> | Iterable<{ name: string; content: Readable | string | Buffer }>, profiles: MappingProfile[]): Promise<MappedInput> {
  const bundle: Record<string, unknown[]> = { capabilities: [], regions: [], segments: [], partners: [], customers: [], relationships: [], deals: [], solutions: [] };
  const origins: Record<string, Origin[]> = Object.fromEntries(Object.keys(bundle).map((k) => [k, []]));
  const dealPartners: Array<{ record: Record<string, unknown>; origin: Origin }> = [];
  const mapped: MappedFile[] = [];
  const warnings: string[] = [];

  for await (const { name, content } of files) {
    let mapper: FileMapper | undefined;
    let report: MappedFile | undefined;
    for await (const { cells, line } of csvRecords(content)) {
      if (mapper === undefined) {
        const match = detectFile(cells, profiles);
        if (match === undefined) {
          const expected = profiles.flatMap((p) => p.files.map((f) => `${p.name} ${f.name} (${f.detect.join(', ')})`)).join('; ');
          throw new Error(`${MODULE}: ${name}: its header matches no known export; expected the columns of one of: ${expected}`);
        }
        mapper = new FileMapper(match.profile, match.file, cells);
        const read = columnsRead(match.file);
        const ignored = cells.filter((h) => h.trim() !== '' && !read.has(valueKey(h)));
        report = { file: name, profile: match.profile.name, kind: match.file.name, columns: Object.fromEntries(mapper.used), ignored, rows: 0, skipped: 0 };
        if (ignored.length > 0) warnings.push(`${name}: ignored columns (no field reads them): ${ignored.join(', ')}`);
        continue;
      }
      const row = cells.every((c) => c.trim() === '') ? undefined : mapper.map(cells);
      if (row === undefined) {
        report!.skipped += 1;
        continue;
      }
      report!.rows += 1;
      if (row.section === 'dealPartners') dealPartners.push({ record: row.record, origin: { file: name, line } });
      else {
        bundle[row.section]!.push(row.record);
        origins[row.section]!.push({ file: name, line });
      }
    }
    if (report === undefined) throw new Error(`${MODULE}: ${name} is empty: it has no header line`);
    if (report.skipped > 0) warnings.push(`${name}: ${report.skipped} row(s) skipped (blank, or routed to no section)`);
    mapped.push(report);
  }
  attachDealPartners(bundle, dealPartners, warnings);
  fillDealRegions(bundle);
  return { bundle: { version: BUNDLE_VERSION, ...bundle }, origins, files: mapped, warnings };
}

/** Partner rows of opportunities (a file of their own in Salesforce) join their deal's partner list. */
function attachDealPartners(bundle: Record<string, unknown[]>, rows: Array<{ record: Record<string, unknown>; origin: Origin }>, warnings: string[]): void {
  const deals = new Map((bundle.deals as Array<Record<string, unknown>>).map((d) => [d.id, d]));
  const orphans: string[] = [];
  for (const { record, origin } of rows) {
    const { deal: dealId, ...partner } = record;
    const deal = deals.get(dealId);
    if (deal === undefined) orphans.push(`${origin.file} line ${origin.line} (deal "${String(dealId)}")`);
    else deal.partners = [...((deal.partners as unknown[] | undefined) ?? []), { role: 'partner', ...partner }];
  }
  if (orphans.length > 0) warnings.push(`${orphans.length} deal partner row(s) name a deal not in the files, and were left out: ${orphans.slice(0, 10).join(', ')}${orphans.length > 10 ? ', …' : ''}`);
}

/** A deal without a region takes its customer's, when the customer is in the files: CRMs keep the region on the account. */
function fillDealRegions(bundle: Record<string, unknown[]>): void {
  const customers = new Map((bundle.customers as Array<Record<string, unknown>>).map((c) => [c.id, c]));
  for (const deal of bundle.deals as Array<Record<string, unknown>>) {
    if (deal.region === undefined) {
      const region = customers.get(deal.customer)?.region;
      if (region !== undefined) deal.region = region;
    }
  }
}
