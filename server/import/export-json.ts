/**
 * The store's bundle as JSON text, a batch at a time: what GET /api/export
 * streams, so that neither the store's rows nor the response text is held
 * whole. Parsed, it equals GraphStore.exportBundle().
 */
import { BUNDLE_SECTIONS, BUNDLE_VERSION, type BundleSection, type ExportSection } from '../schemas/bundle.js';
import type { GraphStore } from '../store/graph-store.js';
import { OPTIONAL_SECTIONS } from './csv.js';

export async function* bundleJson(store: GraphStore): AsyncGenerator<string> {
  const written = new Set<ExportSection>();
  let current: ExportSection | undefined;
  yield `{"version":${BUNDLE_VERSION}`;
  // A section's batches arrive together: open it at its first batch, close it at the next section's.
  for await (const { section, rows } of store.exportBatches()) {
    if (rows.length === 0) continue;
    const text = rows.map((row) => JSON.stringify(row)).join(',');
    if (section === current) yield `,${text}`;
    else {
      yield `${current === undefined ? '' : ']'},${JSON.stringify(section)}:[${text}`;
      current = section;
      written.add(section);
    }
  }
  if (current !== undefined) yield ']';
  // Every section but the optional programmes is written, empty or not (as GraphStore.exportBundle gives them).
  for (const section of Object.keys(BUNDLE_SECTIONS) as BundleSection[]) if (!written.has(section) && !OPTIONAL_SECTIONS.has(section)) yield `,${JSON.stringify(section)}:[]`;
  yield '}';
}
