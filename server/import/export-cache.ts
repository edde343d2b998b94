/**
 * The last complete export of each format, kept beside the store for the
 * store version it was read at, and served from disk while that version is
 * current. Reading a 100,000-partner store takes the engine about 20 s
 * whatever we do with the rows; streaming the same bytes from a file takes
 * well under a second. The file is a by-product of an export streamed from
 * the store (no extra read of the store). The first JSON export after a
 * change is brought forward from the kept file of the version before, when
 * the change log says what changed since (see export-reuse.ts): the windows
 * of rows no write touched are copied from it, the others read. The zip is
 * written from the kept JSON the same way (its rows parsed back), from an
 * earlier version's or this one's. Any export after a restart and a write, or
 * a change the log cannot account for, reads the store whole.
 *
 * An export is kept only when it ran to the end and the store's id and
 * version were the same before its first read and after its last one: the
 * version moves on every committed write, so no write landed in between and
 * the file holds exactly what a read at that version gives. It is written
 * aside and renamed into place; the files of older versions are removed.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ExportWindows, GraphStore } from '../store/graph-store.js';
import { bundleJsonPieces, type JsonPiece } from './export-json.js';
import { keptWindows, type KeptWindow } from './export-reuse.js';
import { bundleCsvZip } from './zip.js';

export type ExportFormat = 'json' | 'zip';

const PREFIX = 'export-';
/** Beside a kept JSON export: where its windows lie (see export-reuse.ts). */
const INDEX = '.index';

export class ExportCache {
  /** Set by the last export of each format: whether it came from the kept file, that file brought forward, or the store. For tests and benchmarks. */
  lastFrom: Partial<Record<ExportFormat, 'file' | 'patched' | 'store'>> = {};

  /** @param dir where the files are kept (DATA_DIR); undefined keeps none */
  constructor(
    private readonly store: GraphStore,
    private readonly dir: string | undefined,
  ) {}

  /** The whole store as `format`, streamed: from the file kept for the current version, else brought forward from an earlier one or read from the store (and kept). */
  async stream(format: ExportFormat): Promise<Readable> {
    const { storeId, version } = await this.store.identity();
    const read = (): AsyncIterable<JsonPiece | Buffer> => (format === 'zip' ? bundleCsvZip(this.store) : bundleJsonPieces(this.store));
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
      return Readable.from(this.keep(patched ?? read(), file, format, async () => {
        const now = await this.store.identity();
        return now.storeId === storeId && now.version === version;
      }));
    }
  }

  /**
   * The export at `version` brought forward from the kept JSON export of an earlier version, when the change log
   * accounts for every write since; the zip also from the kept JSON of this very version (nothing changed since),
   * its untouched windows' rows parsed back from that file instead of read from the store.
   */
  private async patched(storeId: string, version: number, format: ExportFormat): Promise<AsyncIterable<JsonPiece | Buffer> | undefined> {
    const keptJson = new RegExp(`^${PREFIX}${storeId}-(\\d+)\\.json$`);
    const earlier = (await readdir(this.dir!).catch(() => [] as string[]))
      .map((name) => keptJson.exec(name))
      .flatMap((match) => (match === null ? [] : [Number(match[1])]))
      .filter((kept) => kept < version || (format === 'zip' && kept === version))
      .sort((a, b) => b - a)[0];
    if (earlier === undefined) return undefined;
    const changes = await this.store.changesBetween(earlier, version);
    if (changes === undefined) return undefined;
    const file = path.join(this.dir!, `${PREFIX}${storeId}-${earlier}.json`);
    let index: KeptWindow[];
    try {
      index = JSON.parse(await readFile(`${file}${INDEX}`, 'utf8')) as KeptWindow[];
    } catch {
      return undefined;
    }
    const store = this.store;
    const write = (windows?: ExportWindows): AsyncIterable<JsonPiece | Buffer> => (format === 'zip' ? bundleCsvZip(store, windows) : bundleJsonPieces(store, windows));
    return (async function* () {
      // Opened at the first read, not before answering: a client gone before it would leave the handle open. A file
      // pruned in between (a newer export kept) leaves the store to read.
      const windows = await keptWindows(file, index, changes).catch(() => undefined);
      if (windows === undefined) return yield* write();
      try {
        yield* write(windows);
      } finally {
        await windows.close();
      }
    })();
  }

  /**
   * Passes `source` on while writing it aside; renames it into `file` when it ended and `unchanged` says no write
   * landed, with, for JSON, the index of its windows beside it (where export-reuse.ts finds them again).
   */
  private async *keep(source: AsyncIterable<JsonPiece | Buffer>, file: string, format: ExportFormat, unchanged: () => Promise<boolean>): AsyncGenerator<string | Buffer> {
    await mkdir(path.dirname(file), { recursive: true });
    const aside = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const out = createWriteStream(aside);
    const index: KeptWindow[] = [];
    let written = 0;
    let complete = false;
    try {
      for await (const piece of source) {
        const chunk = Buffer.isBuffer(piece) ? piece : piece.text;
        const length = Buffer.byteLength(chunk);
        if (!Buffer.isBuffer(piece) && piece.window !== undefined) index.push({ ...piece.window, start: written, end: written + length });
        written += length;
        if (!out.write(chunk)) await once(out, 'drain');
        yield chunk;
      }
      complete = true;
    } finally {
      out.end();
      await finished(out).catch(() => undefined);
      if (complete && (await unchanged())) {
        await rename(aside, file);
        if (format === 'json') await writeFile(`${file}${INDEX}`, JSON.stringify(index));
        await this.prune(file, format);
      } else await rm(aside, { force: true });
    }
  }

  /**
   * Removes the kept files of `format` other than `file` (only the current version's is ever served), and
   * files written aside by a process that is gone (a server killed mid-export), which nothing would remove.
   */
  private async prune(file: string, format: ExportFormat): Promise<void> {
    const keep = path.basename(file);
    for (const name of await readdir(path.dirname(file))) {
      if (!name.startsWith(PREFIX)) continue;
      const stale = name.endsWith(`.${format}`) || name.endsWith(`.${format}${INDEX}`) ? !name.startsWith(keep) : name.endsWith('.tmp') && !isRunning(Number(name.split('.').at(-3)));
      if (stale) await rm(path.join(path.dirname(file), name), { force: true });
    }
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
