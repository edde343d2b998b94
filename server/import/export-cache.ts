/**
 * The last complete export of each format, kept beside the store for the
 * store version it was read at, and served from disk while that version is
 * current. Reading a 100,000-partner store takes the engine about 20 s
 * whatever we do with the rows; streaming the same bytes from a file takes
 * well under a second. The file is a by-product of an export streamed from
 * the store (no extra read of the store). The first JSON export after a
 * change is brought forward from the kept file of the version before, when
 * the change log says what changed since (see export-reuse.ts): the windows
 * of rows no write touched are copied from it, the others read. A kept zip
 * has the CSV lines it was written from kept beside it, window by window,
 * and the next zip takes its untouched windows from them as they are (at
 * 100,000 partners, parsing the kept JSON back and writing its rows as CSV
 * took most of the 12 s a zip after a write took); without such lines, from
 * the kept JSON, its rows parsed back, an earlier version's or this one's.
 * Any export after a restart and a write, or a change the log cannot account
 * for, reads the store whole.
 *
 * An export is kept only when it ran to the end and the store's id and
 * version were the same before its first read and after its last one: the
 * version moves on every committed write, so no write landed in between and
 * the file holds exactly what a read at that version gives. It is written
 * aside and renamed into place; the files of older versions are removed.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ExportWindows, GraphStore } from '../store/graph-store.js';
import { bundleJsonPieces, type JsonPiece } from './export-json.js';
import { keptWindows, type KeptWindow } from './export-reuse.js';
import { bundleCsvZip, type KeepCsvWindow } from './zip.js';

export type ExportFormat = 'json' | 'zip';

const PREFIX = 'export-';
/** Beside a kept JSON export, and beside a kept zip's CSV lines: where its windows lie (see export-reuse.ts). */
const INDEX = '.index';
/** Beside a kept zip: the CSV lines it was written from, window by window. */
const CSV_LINES = '.lines';
/** A kept file's name: its store, version and format. */
const KEPT_NAME = /^export-(.+)-(\d+)\.(json|zip)(?:\.|$)/;

/** An export written with, for a zip, where to keep each window's CSV lines. */
type Produce = (keepWindow?: KeepCsvWindow) => AsyncIterable<JsonPiece | Buffer>;

export class ExportCache {
  /** Set by the last export of each format: whether it came from the kept file, that file brought forward, or the store. For tests and benchmarks. */
  lastFrom: Partial<Record<ExportFormat, 'file' | 'patched' | 'store'>> = {};
  /** What the last export brought forward came from: a kept JSON export, or a kept zip's CSV lines. For tests and benchmarks. */
  lastPatchedFrom: Partial<Record<ExportFormat, 'json' | 'csv'>> = {};

  /** @param dir where the files are kept (DATA_DIR); undefined keeps none */
  constructor(
    private readonly store: GraphStore,
    private readonly dir: string | undefined,
  ) {}

  /** The whole store as `format`, streamed: from the file kept for the current version, else brought forward from an earlier one or read from the store (and kept). */
  async stream(format: ExportFormat): Promise<Readable> {
    const { storeId, version } = await this.store.identity();
    const read: Produce = (keepWindow) => (format === 'zip' ? bundleCsvZip(this.store, undefined, keepWindow) : bundleJsonPieces(this.store));
    // A store without an id (empty, never written) has nothing worth keeping.
    if (this.dir === undefined || storeId === null) return ((this.lastFrom[format] = 'store'), Readable.from(texts(read())));
    const file = path.join(this.dir, `${PREFIX}${storeId}-${version}.${format}`);
    try {
      // Opened before answering: a newer export may replace the file meanwhile, this one streams what it opened.
      const stream = (await open(file, 'r')).createReadStream();
      this.lastFrom[format] = 'file';
      return stream;
    } catch {
      const patched = await this.patched(storeId, version, format);
      this.lastFrom[format] = patched === undefined ? 'store' : 'patched';
      return Readable.from(this.keep(patched ?? read, file, format, async () => {
        const now = await this.store.identity();
        return now.storeId === storeId && now.version === version;
      }));
    }
  }

  /**
   * The export at `version` brought forward from the freshest kept source the change log accounts for: the kept
   * JSON export of an earlier version or, for the zip, a kept zip's CSV lines (preferred at the same version) or
   * the kept JSON of this very version (nothing changed since).
   */
  private async patched(storeId: string, version: number, format: ExportFormat): Promise<Produce | undefined> {
    const sources: Array<{ name: string; at: number; form: ExportWindows['form'] }> = [];
    for (const name of await readdir(this.dir!).catch(() => [] as string[])) {
      const kept = KEPT_NAME.exec(name);
      if (kept === null || kept[1] !== storeId) continue;
      const at = Number(kept[2]);
      if (name === `${PREFIX}${storeId}-${at}.json` && (at < version || (format === 'zip' && at === version))) sources.push({ name, at, form: 'json' });
      if (name === `${PREFIX}${storeId}-${at}.zip${CSV_LINES}` && format === 'zip' && at <= version) sources.push({ name, at, form: 'csv' });
    }
    sources.sort((a, b) => b.at - a.at || Number(b.form === 'csv') - Number(a.form === 'csv'));
    const source = sources[0];
    if (source === undefined) return undefined;
    const changes = await this.store.changesBetween(source.at, version);
    if (changes === undefined) return undefined;
    const file = path.join(this.dir!, source.name);
    let index: KeptWindow[];
    try {
      index = JSON.parse(await readFile(`${file}${INDEX}`, 'utf8')) as KeptWindow[];
    } catch {
      return undefined;
    }
    this.lastPatchedFrom[format] = source.form;
    const store = this.store;
    const write = (windows: ExportWindows | undefined, keepWindow?: KeepCsvWindow): AsyncIterable<JsonPiece | Buffer> =>
      format === 'zip' ? bundleCsvZip(store, windows, keepWindow) : bundleJsonPieces(store, windows);
    return (keepWindow) =>
      (async function* () {
        // Opened at the first read, not before answering: a client gone before it would leave the handle open. A file
        // pruned in between (a newer export kept) leaves the store to read.
        const windows = await keptWindows(file, index, changes, source.form).catch(() => undefined);
        if (windows === undefined) return yield* write(undefined, keepWindow);
        try {
          yield* write(windows, keepWindow);
        } finally {
          await windows.close();
        }
      })();
  }

  /**
   * Passes what `produce` writes on while writing it aside (a zip's CSV lines too); renames it into `file` when
   * it ended and `unchanged` says no write landed, with the index of its windows beside it (where export-reuse.ts
   * finds them again): for JSON, of the file itself; for a zip, of its CSV lines.
   */
  private async *keep(produce: Produce, file: string, format: ExportFormat, unchanged: () => Promise<boolean>): AsyncGenerator<string | Buffer> {
    await mkdir(path.dirname(file), { recursive: true });
    const main = new Aside(file);
    const lines = format === 'zip' ? new Aside(`${file}${CSV_LINES}`) : undefined;
    let complete = false;
    try {
      for await (const piece of produce(lines && ((window, text) => lines.write(text, window)))) {
        const chunk = Buffer.isBuffer(piece) ? piece : piece.text;
        await main.write(chunk, Buffer.isBuffer(piece) ? undefined : piece.window);
        yield chunk;
      }
      complete = true;
    } finally {
      await Promise.all([main.end(), lines?.end()]);
      if (complete && (await unchanged())) {
        // The lines first: a zip kept without them would be brought forward from the JSON, slower but right.
        await lines?.keep(true);
        await main.keep(format === 'json');
        await this.prune(file, format);
      } else await Promise.all([main.discard(), lines?.discard()]);
    }
  }

  /**
   * Removes the kept files of `format` other than `file`'s (only the current version's is ever served, and
   * brought forward from), and files written aside by a process that is gone (a server killed mid-export), which
   * nothing would remove.
   */
  private async prune(file: string, format: ExportFormat): Promise<void> {
    const keep = path.basename(file);
    for (const name of await readdir(path.dirname(file))) {
      if (!name.startsWith(PREFIX)) continue;
      const stale = name.endsWith('.tmp') ? !isRunning(Number(name.split('.').at(-3))) : KEPT_NAME.exec(name)?.[3] === format && name !== keep && !name.startsWith(`${keep}.`);
      if (stale) await rm(path.join(path.dirname(file), name), { force: true });
    }
  }
}

/** A file written aside, with the windows it holds, renamed into place once whole. */
class Aside {
  private readonly aside: string;
  private readonly out: WriteStream;
  private readonly index: KeptWindow[] = [];
  private written = 0;

  constructor(private readonly file: string) {
    this.aside = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    this.out = createWriteStream(this.aside);
  }

  async write(chunk: string | Buffer, window?: Omit<KeptWindow, 'start' | 'end'>): Promise<void> {
    const length = Buffer.byteLength(chunk);
    if (window !== undefined) this.index.push({ ...window, start: this.written, end: this.written + length });
    this.written += length;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async end(): Promise<void> {
    this.out.end();
    await finished(this.out).catch(() => undefined);
  }

  async keep(indexed: boolean): Promise<void> {
    await rename(this.aside, this.file);
    if (indexed) await writeFile(`${this.file}${INDEX}`, JSON.stringify(this.index));
  }

  discard(): Promise<void> {
    return rm(this.aside, { force: true });
  }
}

/** Whether a process with this id runs (signal 0 only checks; EPERM means it runs as another user). */
function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function* texts(pieces: AsyncIterable<JsonPiece | Buffer>): AsyncGenerator<string | Buffer> {
  for await (const piece of pieces) yield Buffer.isBuffer(piece) ? piece : piece.text;
}
