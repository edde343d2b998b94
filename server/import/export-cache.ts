/**
 * The last complete export of each format, kept beside the store for the
 * store version it was read at, and served from disk while that version is
 * current. Reading a 100,000-partner store takes the engine about 20 s
 * whatever we do with the rows; streaming the same bytes from a file takes
 * well under a second. The file is a by-product of an export streamed from
 * the store (no extra read of the store): the first export after a change
 * still reads the store, the next ones do not.
 *
 * An export is kept only when it ran to the end and the store's id and
 * version were the same before its first read and after its last one: the
 * version moves on every committed write, so no write landed in between and
 * the file holds exactly what a read at that version gives. It is written
 * aside and renamed into place; the files of older versions are removed.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { GraphStore } from '../store/graph-store.js';
import { bundleJson } from './export-json.js';
import { bundleCsvZip } from './zip.js';

export type ExportFormat = 'json' | 'zip';

const PREFIX = 'export-';

export class ExportCache {
  /** Set by the last export of each format: whether it came from the kept file. For tests and benchmarks. */
  lastFrom: Partial<Record<ExportFormat, 'file' | 'store'>> = {};

  /** @param dir where the files are kept (DATA_DIR); undefined keeps none */
  constructor(
    private readonly store: GraphStore,
    private readonly dir: string | undefined,
  ) {}

  /** The whole store as `format`, streamed: from the file kept for the current version, else read from the store (and kept). */
  async stream(format: ExportFormat): Promise<Readable> {
    const { storeId, version } = await this.store.identity();
    const read = () => (format === 'zip' ? bundleCsvZip(this.store) : Readable.from(bundleJson(this.store)));
    // A store without an id (empty, never written) has nothing worth keeping.
    if (this.dir === undefined || storeId === null) return ((this.lastFrom[format] = 'store'), read());
    const file = path.join(this.dir, `${PREFIX}${storeId}-${version}.${format}`);
    try {
      // Opened before answering: a newer export may replace the file meanwhile, this one streams what it opened.
      const stream = (await open(file, 'r')).createReadStream();
      this.lastFrom[format] = 'file';
      return stream;
    } catch {
      this.lastFrom[format] = 'store';
      return Readable.from(this.keep(read(), file, format, async () => {
        const now = await this.store.identity();
        return now.storeId === storeId && now.version === version;
      }));
    }
  }

  /** Passes `source` on while writing it aside; renames it into `file` when it ended and `unchanged` says no write landed. */
  private async *keep(source: AsyncIterable<string | Buffer>, file: string, format: ExportFormat, unchanged: () => Promise<boolean>): AsyncGenerator<string | Buffer> {
    await mkdir(path.dirname(file), { recursive: true });
    const aside = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const out = createWriteStream(aside);
    let complete = false;
    try {
      for await (const chunk of source) {
        if (!out.write(chunk)) await once(out, 'drain');
        yield chunk;
      }
      complete = true;
    } finally {
      out.end();
      await finished(out).catch(() => undefined);
      if (complete && (await unchanged())) {
        await rename(aside, file);
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
      const stale = name.endsWith(`.${format}`) ? name !== keep : name.endsWith('.tmp') && !isRunning(Number(name.split('.').at(-3)));
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
