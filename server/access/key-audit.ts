/**
 * Key changes made with the keys CLI reach the audit trail through the
 * server: the CLI cannot write to a store its server holds, so the server,
 * at start and whenever the key file changes under it, records every
 * creation and revocation the file holds and the trail does not yet. Key
 * changes made over the API are recorded by their routes (POST and DELETE).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { GraphStore } from '../store/graph-store.js';
import type { KeyEvent, KeyRing } from './keys.js';

const eventKey = (key: string, kind: KeyEvent['kind']) => `${key}:${kind}`;

async function recordedKeyEvents(store: GraphStore): Promise<Set<string>> {
  const recorded = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await store.auditEntries({ limit: 500, entity: 'keys', ...(cursor === undefined ? {} : { cursor }) });
    for (const entry of page.items) for (const key of entry.idsAfter) recorded.add(eventKey(key, entry.method === 'DELETE' || entry.method === 'REVOKE' ? 'revoke' : 'create'));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return recorded;
}

export async function auditKeyFile(store: GraphStore, keys: KeyRing): Promise<void> {
  const recorded = await recordedKeyEvents(store);
  for (const event of keys.events()) {
    if (recorded.has(eventKey(event.key, event.kind))) continue;
    const context = { actor: 'cli', actorName: event.by, method: event.kind === 'create' ? 'CREATE' : 'REVOKE', route: 'npm run keys', idsBefore: [] };
    await store.recordAudit(context, 'keys', [event.key], event.at);
  }
}

/** Runs auditKeyFile one at a time: changes in quick succession queue behind each other. */
export function keyFileAuditor(store: GraphStore, keys: () => KeyRing, log: FastifyBaseLogger): () => Promise<void> {
  let queue = Promise.resolve();
  return () => {
    queue = queue.then(() => auditKeyFile(store, keys())).catch((error: unknown) => log.warn({ err: error }, 'recording key changes in the audit trail failed; retried on the next change'));
    return queue;
  };
}
