/**
 * The store's id: a random id made with the store and kept beside it in
 * DATA_DIR, where another process can read it while the server holds the
 * (locked) store. The import CLI hands a bundle to a running server only when
 * that server reports the same id.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const STORE_ID_FILE = 'store-id';

export function readStoreId(dataDir: string): string | undefined {
  try {
    return readFileSync(path.join(dataDir, STORE_ID_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The store's id, made now if it has none; call while holding the store. */
export function ensureStoreId(dataDir: string): string {
  const existing = readStoreId(dataDir);
  if (existing !== undefined) return existing;
  const id = randomUUID();
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, STORE_ID_FILE);
  writeFileSync(`${file}.tmp`, `${id}\n`);
  renameSync(`${file}.tmp`, file);
  return id;
}
