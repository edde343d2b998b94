/**
 * The bundle's CSV files in one zip archive, both ways: GET /api/export?format=zip
 * streams it as the store is read (yazl), and import reads such an archive
 * back into file name → text (yauzl), for parseCsvBundle.
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { BUNDLE_SECTIONS, type BundleSection, type ExportSection } from '../schemas/bundle.js';
import type { ExportWindows, GraphStore, WindowedSection } from '../store/graph-store.js';
import { CSV_FILES, csvHeader, csvLine, OPTIONAL_SECTIONS } from './csv.js';

const MODULE = 'server/import/zip';

/**
 * zlib's level for the CSV files: on the 100,000-partner export's 128 MB of CSV, level 4 deflates in 1.0 s to
 * 24.3 MB where the default 6 took 2.6 s for 21.7 MB, and the deflate is what a zip brought forward waits on.
 */
const COMPRESSION_LEVEL = 4;

/** Where a window's CSV lines go besides the zip, so that a later zip can take them as they are (see export-cache.ts). */
export type KeepCsvWindow = (window: { section: WindowedSection; first: string; last: string }, lines: Buffer) => Promise<void>;

/**
 * The store as a zip of the bundle's CSV files, written as the store is read:
 * each section's file is a stream the zip deflates while the next batch is
 * read, and a full stream waits for the client (backpressure), so memory
 * holds a batch, not the store. The archive holds what bundleToCsv writes.
 * With `windows`, the windows no write touched come from a kept export
 * (see export-cache.ts) instead of the store: a JSON export's rows parsed
 * back, or a zip's CSV lines as they are. `keepWindow` receives every
 * window's lines as they are zipped.
 */
export function bundleCsvZip(store: GraphStore, windows?: ExportWindows, keepWindow?: KeepCsvWindow): Readable {
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as Readable;
  // A client that goes away ends the read: no further batch waits on a stream nobody drains.
  const gone = new AbortController();
  output.once('close', () => gone.abort());

  void (async () => {
    const written = new Set<ExportSection>();
    let file: PassThrough | undefined;
    let current: ExportSection | undefined;
    for await (const { section, rows, window, text: kept } of store.exportBatches(windows)) {
      if (section !== current) {
        file?.end();
        file = new PassThrough();
        zip.addReadStream(file, CSV_FILES[section].file, { compressionLevel: COMPRESSION_LEVEL });
        file.write(csvHeader(section));
        current = section;
        written.add(section);
      }
      // A window no write touched comes as the kept export's text (see export-reuse.ts): CSV lines as they are, a JSON export's rows parsed back.
      const lines = kept !== undefined && windows!.form === 'csv' ? kept : Buffer.from(csvLines(section, kept === undefined ? rows : (JSON.parse(`[${kept.toString()}]`) as unknown[])));
      if (window !== undefined && lines.length > 0) await keepWindow?.({ section: section as WindowedSection, first: window[0], last: window[1] }, lines);
      if (!file!.write(lines)) await once(file!, 'drain', { signal: gone.signal });
    }
    file?.end();
    // Every section but the optional programmes has its file, empty or not, as bundleToCsv writes them.
    for (const section of Object.keys(BUNDLE_SECTIONS) as BundleSection[]) {
      if (!written.has(section) && !OPTIONAL_SECTIONS.has(section)) zip.addBuffer(Buffer.from(csvHeader(section)), CSV_FILES[section].file);
    }
    zip.end();
  })().catch((error: unknown) => {
    if (!gone.signal.aborted) output.destroy(error as Error);
  });
  return output;
}

function csvLines(section: ExportSection, rows: unknown[]): string {
  let lines = '';
  for (const row of rows) lines += csvLine(section, row as object);
  return lines;
}

/** Limits on an archive to import: the files a bundle has, and what the import body may hold in all. */
export interface ZipLimits {
  maxFiles: number;
  maxBytes: number;
}

/** The .csv files of a zip archive (folders inside it ignored), name → text; throws on a bad archive or one over the limits. */
export async function csvFilesFromZip(archive: Buffer, limits: ZipLimits): Promise<Record<string, string>> {
  const zip = await yauzl.fromBufferPromise(archive, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  const files: Record<string, string> = {};
  let count = 0;
  let bytes = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/') || !entry.fileName.toLowerCase().endsWith('.csv')) continue;
      count += 1;
      bytes += entry.uncompressedSize;
      if (count > limits.maxFiles) throw new Error(`${MODULE}: the archive holds more than ${limits.maxFiles} .csv files`);
      // Checked before inflating: a small archive may expand a thousandfold. yauzl checks the sizes declared are the real ones.
      if (bytes > limits.maxBytes) throw new Error(`${MODULE}: the archive's files hold more than ${limits.maxBytes} bytes`);
      files[entry.fileName] = await text(await zip.openReadStreamPromise(entry));
    }
  } finally {
    zip.close();
  }
  if (count === 0) throw new Error(`${MODULE}: the archive holds no .csv files`);
  return files;
}
