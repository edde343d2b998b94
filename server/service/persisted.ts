/**
 * A cache of records per store version (see server/store/per-version.ts)
 * that is also kept on disk beside the store: at a restart on the same store
 * and version the records come from the file (well under a second at
 * 100,000 partners) instead of the store's bulk reads (seconds). Each
 * version is saved once it has stayed current a moment, so that a stream of
 * writes does not save every version. A file of an older version (a server
 * stopped right after a write, another process's import) is brought forward
 * through the change log kept beside the store (`changes.log`), as a new
 * version is while the server runs; when that log cannot say what every
 * version since changed, the store is read again.
 */
import type { FastifyBaseLogger } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import type { StoreChanges } from '../store/changes.js';
import type { GraphStore } from '../store/graph-store.js';
import { PATCH_LIMIT, patchedPerVersion } from '../store/per-version.js';
import { loadRecords, saveRecords, type RecordsReader, type RecordsWriter } from './records-file.js';

/** A version is saved once it has been current this long, in ms. */
const SAVE_QUIET_MS = 1000;

/** How a cache's records go to a file and back. */
export interface RecordsCodec<T> {
  /** Names what the file holds: a file of another kind is never read as this one. */
  kind: string;
  write(value: T, out: RecordsWriter): Promise<void>;
  read(input: RecordsReader): Promise<T>;
}

export interface PersistedOptions<T> {
  codec: RecordsCodec<T>;
  /** Where the records are kept; undefined: not kept. */
  file: string | undefined;
  load: () => Promise<T>;
  /** Brings the records forward from what writes changed; without it, a new version loads again. */
  patch?: (previous: T, changes: StoreChanges) => Promise<T>;
  log: FastifyBaseLogger;
}

/** Where records were last read whole from, at which version. */
export interface LoadedFrom {
  from: 'file' | 'store';
  version: number;
}

export interface PersistedRecords<T> {
  /** The records at the store's current version. */
  (): Promise<T>;
  /** Where they were last read whole from (not brought forward by a write): for tests and benchmarks. */
  lastLoad(): LoadedFrom | undefined;
  /** Resolves when no save is pending: for tests, benchmarks and shutdown. */
  settled(): Promise<void>;
  /** Stops saving, once a pending save has been made (at once, without waiting for the version to settle). */
  close(): Promise<void>;
}

export function persistedPerVersion<T>(store: GraphStore, options: PersistedOptions<T>): PersistedRecords<T> {
  const { codec, file, load, patch, log } = options;
  /** The version on disk, as far as this process knows. */
  let savedVersion: number | undefined;
  let saving: Promise<void> | undefined;
  let closed = false;
  /** Aborted at close: a pending save then goes ahead at once, so that a restart finds the latest version. */
  const quiet = new AbortController();

  const restore = async (version: number): Promise<T | undefined> => {
    if (file === undefined) return undefined;
    try {
      const { storeId, version: now } = await store.identity();
      if (storeId === null || now !== version) return undefined;
      const started = performance.now();
      const saved = await loadRecords(file, codec.kind, { storeId, version }, codec.read);
      if (saved === undefined) return undefined;
      let { records } = saved;
      if (saved.version < version) {
        const changes = patch === undefined ? undefined : await store.changesBetween(saved.version, version);
        if (patch === undefined || changes === undefined || changes.size > PATCH_LIMIT) return undefined;
        records = await patch(records, changes);
      }
      savedVersion = saved.version;
      log.info({ kind: codec.kind, version, savedAt: saved.version, ms: Math.round(performance.now() - started) }, 'records read from their file');
      return records;
    } catch (error) {
      log.warn({ err: error, file }, 'ignoring an unreadable records file');
      return undefined;
    }
  };

  let lastLoad: LoadedFrom | undefined;
  const cache = patchedPerVersion(
    store,
    async (version) => {
      const restored = await restore(version);
      const records = restored ?? (await load());
      lastLoad = { from: restored === undefined ? 'store' : 'file', version };
      return records;
    },
    patch ?? (() => load()),
  );

  const save = async () => {
    await delay(SAVE_QUIET_MS, undefined, { signal: quiet.signal }).catch(() => undefined);
    const latest = cache.latest();
    if (file === undefined || latest === undefined || latest.version === savedVersion) return;
    const value = await latest.value;
    const { storeId, version } = await store.identity();
    // A newer version is saved after its own first request.
    if (storeId === null || version !== latest.version || cache.latest() !== latest) return;
    const started = performance.now();
    const stillCurrent = () => cache.latest() === latest;
    if (await saveRecords(file, codec.kind, { storeId, version }, (out) => codec.write(value, out), stillCurrent)) {
      savedVersion = version;
      log.info({ kind: codec.kind, version, ms: Math.round(performance.now() - started) }, 'records saved');
    }
  };

  /** Whether records were asked for while a save was under way: maybe of a newer version, to save after it. */
  let askedMeanwhile = false;
  const scheduleSave = () => {
    if (closed || file === undefined) return;
    if (saving !== undefined) {
      askedMeanwhile = true;
      return;
    }
    askedMeanwhile = false;
    saving = save()
      .catch((error: unknown) => log.error(error, `saving the ${codec.kind} records failed`))
      .finally(() => {
        saving = undefined;
        if (askedMeanwhile) scheduleSave();
      });
  };

  const get = async () => {
    const value = await cache();
    scheduleSave();
    return value;
  };
  const settled = async () => {
    while (saving !== undefined) await saving;
  };
  return Object.assign(get, {
    lastLoad: () => lastLoad,
    settled,
    close: async () => {
      quiet.abort();
      await settled();
      closed = true;
    },
  });
}
