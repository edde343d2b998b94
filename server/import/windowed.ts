/**
 * An import whose memory is bounded by a window of rows, not by the bundle:
 * the bundle JSON streams in (bundleEvents), and every `windowRows` rows of a
 * section are imported as a bundle of their own (importBundle, in its
 * committed batches), checked and identity-resolved against the store, where
 * the earlier windows already are. Sections go in the order import writes
 * them (catalogue, partners, customers, relationships, deals, …): a section
 * the file holds before one it depends on (or before `version`) is spooled to
 * a temporary file of one row per line and imported after the file has ended.
 *
 * What changes against a one-go import: windows are committed as they go, as
 * batches are, so all-or-nothing holds per window. A bad row rejects its
 * window and stops the import; the windows before it stay written (the report
 * says how many rows), and re-running the corrected bundle completes it, since
 * every write is a MERGE. A partner or customer repeated in a later window is
 * resolved against the stored record (an update from its source) instead of
 * merged with the first row.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BUNDLE_SECTIONS, type BundleSection, type ExportSection } from '../schemas/bundle.js';
import type { GraphStore } from '../store/graph-store.js';
import { BundleRejected, ERROR_LIST_CAP, ERROR_STOP, importBundle, type ErrorCount, type ImportMode, type ImportReport } from './import-bundle.js';
import { bundleEvents } from './json-stream.js';

export const DEFAULT_WINDOW_ROWS = 100_000;

/** The order import writes sections in: a window only ever refers to sections before its own. */
const ORDER: ExportSection[] = [...(Object.keys(BUNDLE_SECTIONS) as BundleSection[]), 'resolutions'];
const isSection = (key: unknown): key is ExportSection => typeof key === 'string' && (ORDER as string[]).includes(key);

export interface WindowedOptions {
  mode?: ImportMode;
  /** Rows per window (DEFAULT_WINDOW_ROWS). */
  windowRows?: number;
  /** Rows per committed batch inside a window. */
  batchRows: number;
  /** Called after each window with its section and the rows imported so far. */
  onWindow?: (window: { section: ExportSection; rows: number; done: number }) => void;
}

/** The reports of the windows, added up into one. */
class Totals {
  readonly report: ImportReport;
  private readonly counts = new Map<string, ErrorCount>();

  constructor(mode: ImportMode) {
    this.report = {
      mode,
      committed: true,
      written: Object.fromEntries(Object.keys(BUNDLE_SECTIONS).map((k) => [k, 0])) as Record<BundleSection, number>,
      merges: [],
      errors: [],
      errorCount: 0,
      unchecked: 0,
      errorCounts: [],
      review: [],
      warnings: [],
      dryRun: false,
      plan: { created: {}, updated: {} },
      version: 0,
    };
  }

  add(window: ImportReport, offset: number): void {
    const r = this.report;
    for (const [section, n] of Object.entries(window.written) as Array<[BundleSection, number]>) r.written[section] += n;
    for (const side of ['created', 'updated'] as const) {
      for (const [section, n] of Object.entries(window.plan[side]) as Array<[BundleSection, number]>) r.plan[side][section] = (r.plan[side][section] ?? 0) + n;
    }
    const room = (list: unknown[]) => Math.max(0, ERROR_LIST_CAP - list.length);
    r.merges.push(...window.merges.slice(0, room(r.merges)));
    r.review.push(...window.review.slice(0, room(r.review)));
    r.warnings.push(...window.warnings.slice(0, room(r.warnings)));
    // Row indices count from the start of the section, not of the window.
    r.errors.push(...window.errors.slice(0, room(r.errors)).map((e) => ({ ...e, index: e.index + offset })));
    r.errorCount += window.errorCount;
    r.unchecked += window.unchecked;
    for (const c of window.errorCounts) {
      const key = `${c.section}\u0000${c.field}\u0000${c.reason}`;
      const count = this.counts.get(key) ?? { ...c, count: 0 };
      count.count += c.count;
      this.counts.set(key, count);
    }
    r.errorCounts = [...this.counts.values()].sort((a, b) => b.count - a.count || a.section.localeCompare(b.section) || a.field.localeCompare(b.field));
    r.version = window.version;
  }
}

/** Imports a bundle JSON window by window; see the module's comment for what all-or-nothing means here. */
export async function importWindowed(store: GraphStore, body: AsyncIterable<Uint8Array | string>, options: WindowedOptions): Promise<ImportReport> {
  const mode = options.mode ?? 'all-or-nothing';
  const windowRows = options.windowRows ?? DEFAULT_WINDOW_ROWS;
  const totals = new Totals(mode);
  const report = totals.report;
  report.version = await store.version();
  let done = 0;
  let stopped = false;
  /** Rows of each section seen so far (their index in the section). */
  const seen = new Map<ExportSection, number>();
  const countRow = (section: ExportSection) => seen.set(section, (seen.get(section) ?? 0) + 1);

  const importWindow = async (section: ExportSection, rows: unknown[], offset: number) => {
    if (stopped) {
      report.unchecked += rows.length;
      return;
    }
    const window = await importBundle(store, { version: 1, [section]: rows }, { mode, batchRows: options.batchRows });
    totals.add(window, offset);
    done += rows.length;
    options.onWindow?.({ section, rows: rows.length, done });
    if (!window.committed) {
      stopped = true;
      report.committed = false;
      if (done > rows.length) {
        report.warnings.push(
          `${section} rows ${offset}–${offset + rows.length - 1} have bad rows: that window was not written, nor anything after it; the ${(done - rows.length).toLocaleString('en')} rows of the windows before it were (an import this large commits window by window). Correct the bundle and import it again: rows already written are updated in place`,
        );
      }
    } else if (report.errorCount >= ERROR_STOP) stopped = true;
  };

  const directory = await mkdtemp(path.join(tmpdir(), 'ecograph-import-'));
  const spools = new Map<ExportSection, WriteStream>();
  try {
    let version: unknown;
    const ended = new Set<ExportSection>();
    let open: { section: ExportSection; rows: unknown[]; offset: number } | undefined;
    const flush = async () => {
      if (open === undefined) return;
      const { section, rows, offset } = open;
      open = undefined;
      await importWindow(section, rows, offset);
    };
    // A section is imported as it arrives when the version is known and every section before it has ended, imported as it arrived.
    const direct = (section: ExportSection) => version !== undefined && ORDER.slice(0, ORDER.indexOf(section)).every((s) => ended.has(s));

    for await (const events of bundleEvents(body, Number.POSITIVE_INFINITY)) {
      for (const event of events) {
        if (!event.row) {
          if (event.key === 'version') {
            version = event.value;
            if (version !== 1) throw new BundleRejected([{ section: 'bundle', index: -1, field: 'version', message: 'must be 1' }]);
          } else if (typeof event.key !== 'string') {
            throw new BundleRejected([{ section: 'bundle', index: -1, field: '(row)', message: 'a bundle is a JSON object, not a list' }]);
          } else if (isSection(event.key)) {
            if (!Array.isArray(event.value)) throw new BundleRejected([{ section: 'bundle', index: -1, field: event.key, message: 'must be a list' }]);
            if (!spools.has(event.key)) ended.add(event.key);
          }
          continue;
        }
        const section = event.section;
        if (!isSection(section)) continue;
        const index = seen.get(section) ?? 0;
        countRow(section);
        const spool = spools.get(section) ?? (index === 0 && !direct(section) ? openSpool(directory, section, spools) : undefined);
        if (spool !== undefined) {
          if (!spool.write(`${JSON.stringify(event.value)}\n`)) await once(spool, 'drain');
          continue;
        }
        if (open !== undefined && open.section !== section) await flush();
        open ??= { section, rows: [], offset: index };
        open.rows.push(event.value);
        if (open.rows.length >= windowRows) await flush();
      }
    }
    await flush();
    if (version === undefined) throw new BundleRejected([{ section: 'bundle', index: -1, field: 'version', message: 'must be 1' }]);

    // The spooled sections, in the order import writes them.
    for (const section of ORDER) {
      const spool = spools.get(section);
      if (spool === undefined) continue;
      spool.end();
      await once(spool, 'finish');
      let rows: unknown[] = [];
      let offset = 0;
      for await (const line of createInterface({ input: createReadStream(spool.path as string), crlfDelay: Infinity })) {
        rows.push(JSON.parse(line));
        if (rows.length >= windowRows) {
          await importWindow(section, rows, offset);
          offset += rows.length;
          rows = [];
        }
      }
      if (rows.length > 0) await importWindow(section, rows, offset);
    }
    return report;
  } finally {
    for (const spool of spools.values()) spool.destroy();
    await rm(directory, { recursive: true, force: true });
  }
}

function openSpool(directory: string, section: ExportSection, spools: Map<ExportSection, WriteStream>): WriteStream {
  const spool = createWriteStream(path.join(directory, `${section}.jsonl`));
  spools.set(section, spool);
  return spool;
}
