/**
 * An export brought forward from the kept export of an earlier version (see
 * export-cache.ts) instead of read whole again: a window of partners,
 * customers or relationships that no write since touched is copied from the
 * kept file as it is, the others are read from the store. Reading every
 * window of a 100,000-partner store takes the engine about 20 s; a write
 * touches a few windows.
 *
 * The kept file's index gives each window's first and last id and where its
 * rows' text lies. A window covers the ids from its first to the next
 * window's first (the first window everything before, the last everything
 * after), so a partner added or removed falls in one window, which it then
 * makes stale. What a write touched comes from the store's change log
 * (GraphStore.changesBetween): partners whose properties, memberships,
 * stages, moves or relationships at either end changed, and customers whose
 * properties changed; the window's ids that are in it make it stale, for the
 * relationships section those of its source partners.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { StoreChanges } from '../store/changes.js';
import { chunks, EXPORT_WINDOW, type ExportWindows, type WindowedSection } from '../store/graph-store.js';

/** Where a window's rows lie in a kept export: bytes [start, end). */
export interface KeptWindow {
  section: WindowedSection;
  first: string;
  last: string;
  start: number;
  end: number;
}

/** The kept window whose range holds `id`: the last whose first id is not after it, else the first. */
function windowOf(kept: KeptWindow[], id: string): number {
  let low = 0;
  let high = kept.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (kept[middle]!.first <= id) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The export's windows for the store now, given the kept `file` with its `index` and what changed since it was
 * read: a kept JSON export, or the CSV lines a kept zip was written from (`form`).
 */
export async function keptWindows(file: string, index: KeptWindow[], changes: StoreChanges, form: ExportWindows['form']): Promise<ExportWindows & { close(): Promise<void> }> {
  const handle: FileHandle = await open(file, 'r');
  const kept = new Map<WindowedSection, KeptWindow[]>();
  for (const window of index) kept.set(window.section, [...(kept.get(window.section) ?? []), window]);
  const stale = new Map<WindowedSection, Set<number>>();
  for (const [section, windows] of kept) {
    const touched = section === 'customers' ? changes.customers : changes.partners;
    stale.set(section, new Set([...touched].map((id) => windowOf(windows, id))));
  }

  return {
    form,
    split(section, ids) {
      const windows = kept.get(section);
      if (windows === undefined) return chunks(ids, EXPORT_WINDOW);
      const groups: string[][] = windows.map(() => []);
      for (const id of ids) groups[windowOf(windows, id)]!.push(id);
      // A window no write touched comes whole from the file; a touched one is read, EXPORT_WINDOW ids at a time.
      return groups.flatMap((group, i) => (group.length === 0 ? [] : stale.get(section)!.has(i) ? chunks(group, EXPORT_WINDOW) : [group]));
    },
    async kept(section, ids) {
      const windows = kept.get(section);
      if (windows === undefined || ids.length === 0) return undefined;
      const i = windowOf(windows, ids[0]!);
      const window = windows[i]!;
      // Untouched, the window holds the very ids it held when kept.
      if (stale.get(section)!.has(i) || window.first !== ids[0] || window.last !== ids.at(-1)) return undefined;
      const bytes = Buffer.alloc(window.end - window.start);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, window.start);
      return bytesRead === bytes.length ? bytes : undefined;
    },
    close: () => handle.close(),
  };
}
