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
import type { ExportWindows, GraphStore } from '../store/graph-store.js';
import { CSV_FILES, csvHeader, csvLine, OPTIONAL_SECTIONS } from './csv.js';

const MODULE = 'server/import/zip';

/**
 * The store as a zip of the bundle's CSV files, written as the store is read:
 * each section's file is a stream the zip deflates while the next batch is
 * read, and a full stream waits for the client (backpressure), so memory
 * holds a batch, not the store. The archive holds what bundleToCsv writes.
 * With `windows`, the windows no write touched come from a kept JSON export
 * (see export-cache.ts) instead of the store.
 */
export function bundleCsvZip(store: GraphStore, windows?: ExportWindows): Readable {
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as Readable;
  // A client that goes away ends the read: no further batch waits on a stream nobody drains.
  const gone = new AbortController();
  output.once('close', () => gone.abort());

  void (async () => {
    const written = new Set<ExportSection>();
    let file: PassThrough | undefined;
    let current: ExportSection | undefined;
    for await (const { section, rows: read, text: kept } of store.exportBatches(windows)) {
      // A window no write touched comes as the kept JSON export's text (see export-reuse.ts): its rows parsed back.
      const rows = kept === undefined ? read : (JSON.parse(`[${kept}]`) as unknown[]);
      if (section !== current) {
        file?.end();
        file = new PassThrough();
        zip.addReadStream(file, CSV_FILES[section].file);
        file.write(csvHeader(section));
        current = section;
        written.add(section);
      }
      let chunk = '';
      for (const row of rows) chunk += csvLine(section, row as object);
      if (!file!.write(chunk)) await once(file!, 'drain', { signal: gone.signal });
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
