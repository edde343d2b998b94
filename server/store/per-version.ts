/**
 * A value read from the store and kept for the store's current version: the
 * requests after a write share one fresh read, the others none. Reads that
 * cost seconds at 100,000 partners (deals for attribution, partner facts for
 * tier evaluation) are then paid once per change, not once per request. A
 * failed read is not kept: the next request tries again.
 */
import type { GraphStore } from './graph-store.js';
import type { StoreChanges } from './changes.js';

export function perVersion<T>(store: GraphStore, load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  let cachedVersion = -1;
  return async () => {
    const version = await store.version();
    if (cached === undefined || cachedVersion !== version) {
      const loading = load();
      cached = loading;
      cachedVersion = version;
      loading.catch(() => {
        if (cached === loading) cached = undefined;
      });
    }
    return cached;
  };
}

/**
 * A value read from the store and brought forward to each new version by
 * `patch`, from what the writes since changed (`GraphStore.changesBetween`),
 * instead of read whole again: `load` runs at the first request (given the
 * version it reads for), and again
 * only when the changes are not known record by record or too many to be
 * worth re-reading one by one. `patch` must leave `previous` as it was (a
 * request may still be reading it) and give what `load` would give now.
 */
export function patchedPerVersion<T>(
  store: GraphStore,
  load: (version: number) => Promise<T>,
  patch: (previous: T, changes: StoreChanges) => Promise<T>,
  maxChanged = PATCH_LIMIT,
): VersionedValue<T> {
  let cached: Versioned<T> | undefined;
  const get = async () => {
    const version = await store.version();
    const base = cached;
    // A request that read the version before another request moved the cache on is served the newer value.
    if (base === undefined || base.version < version) {
      const value = (async () => {
        const changes = base === undefined ? undefined : await store.changesBetween(base.version, version);
        if (base === undefined || changes === undefined || changes.size > maxChanged) return load(version);
        return patch(await base.value, changes);
      })();
      const entry = { version, value };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached!.value;
  };
  return Object.assign(get, { latest: () => cached });
}

export interface Versioned<T> {
  version: number;
  value: Promise<T>;
}

/** The value for the store's current version; `latest` is the one last asked for, without asking the store. */
export interface VersionedValue<T> {
  (): Promise<T>;
  latest(): Versioned<T> | undefined;
}

/** Ids past which re-reading them one by one costs about as much as reading everything. */
export const PATCH_LIMIT = 10_000;
