/**
 * Deal registration conflicts for the store's current version: detected on
 * four bulk reads (every deal with its claims, the customers' managers, the
 * protecting tracks of deal partners, the stored resolutions) and the
 * programme, once per version, and kept in a file between runs.
 */
import type { Conflict } from '../schemas/conflicts.js';
import { detectConflicts, protectionWindows, resolvedConflicts } from '../operations/conflicts.js';
import type { GraphStore } from '../store/graph-store.js';
import { persistedPerVersion, type PersistedOptions, type PersistedRecords } from './persisted.js';

export interface Conflicts {
  open: Conflict[];
  /** Latest first. */
  resolved: Conflict[];
}

async function detect(store: GraphStore): Promise<Conflicts> {
  const [deals, managers, memberships, programs, resolutions] = await Promise.all([
    store.conflictDeals(),
    store.customerManagers(),
    store.protectingTracks(),
    store.programs(),
    store.conflictResolutions(),
  ]);
  const open = detectConflicts({ deals, managers, protection: protectionWindows(programs, memberships, deals), resolutions });
  return { open, resolved: resolvedConflicts(resolutions) };
}

/** Detected again at each new version (any write may touch a claim); kept in `file` between runs. */
export function conflictRecords(store: GraphStore, options: Pick<PersistedOptions<Conflicts>, 'file' | 'log'>): PersistedRecords<Conflicts> {
  return persistedPerVersion(store, {
    ...options,
    codec: {
      kind: 'conflicts',
      async write({ open, resolved }, out) {
        await out.list(open);
        await out.list(resolved);
      },
      read: async (input) => ({ open: await input.list<Conflict>(), resolved: await input.list<Conflict>() }),
    },
    load: () => detect(store),
  });
}
