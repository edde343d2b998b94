/**
 * The store's bundle as JSON text, a batch at a time: what GET /api/export
 * streams, so that neither the store's rows nor the response text is held
 * whole. Parsed, it equals GraphStore.exportBundle().
 */
import { BUNDLE_SECTIONS, BUNDLE_VERSION, type BundleSection, type ExportSection } from '../schemas/bundle.js';
import type { ExportWindows, GraphStore, WindowedSection } from '../store/graph-store.js';
import { OPTIONAL_SECTIONS } from './csv.js';

/** A piece of the JSON text (a kept window's as the bytes read); a window's rows are a piece of their own, marked, so that a kept copy can find them again. */
export interface JsonPiece {
  text: string | Buffer;
  window?: { section: WindowedSection; first: string; last: string };
}

export async function* bundleJson(store: GraphStore): AsyncGenerator<string> {
  // Read from the store alone, every piece is a string.
  for await (const piece of bundleJsonPieces(store)) yield piece.text.toString();
}

/** The JSON text in pieces; with `windows`, windows no write touched come from a kept export (see export-reuse.ts). */
export async function* bundleJsonPieces(store: GraphStore, windows?: ExportWindows): AsyncGenerator<JsonPiece> {
  if (windows?.form === 'csv') throw new Error('server/import/export-json: kept CSV lines cannot give JSON');
  const written = new Set<ExportSection>();
  let current: ExportSection | undefined;
  yield { text: `{"version":${BUNDLE_VERSION}` };
  // A section's batches arrive together: open it at its first batch, close it at the next section's.
  for await (const { section, rows, window, text: kept } of store.exportBatches(windows)) {
    const text = kept ?? rows.map((row) => JSON.stringify(row)).join(',');
    if (text.length === 0) continue;
    if (section === current) yield { text: ',' };
    else {
      yield { text: `${current === undefined ? '' : ']'},${JSON.stringify(section)}:[` };
      current = section;
      written.add(section);
    }
    yield window === undefined ? { text } : { text, window: { section: section as WindowedSection, first: window[0], last: window[1] } };
  }
  if (current !== undefined) yield { text: ']' };
  // Every section but the optional programmes is written, empty or not (as GraphStore.exportBundle gives them).
  for (const section of Object.keys(BUNDLE_SECTIONS) as BundleSection[]) if (!written.has(section) && !OPTIONAL_SECTIONS.has(section)) yield { text: `,${JSON.stringify(section)}:[]` };
  yield { text: '}' };
}
