/**
 * A value read from the store and kept for the store's current version: the
 * requests after a write share one fresh read, the others none. Reads that
 * cost seconds at 100,000 partners (deals for attribution, partner facts for
 * tier evaluation) are then paid once per change, not once per request. A
 * failed read is not kept: the next request tries again.
 */
import type { GraphStore } from './graph-store.js';

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
