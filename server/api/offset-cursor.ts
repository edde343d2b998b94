/**
 * Cursors of answers computed whole and paged in memory (tier evaluation,
 * conflicts): the offset of the next page, opaque to clients.
 */
import { InvalidCursorError } from '../store/graph-store.js';

export function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidCursorError('cursor is not one this API returned');
  return offset;
}

/** The cursor of the page after [offset, offset + limit), or null when that was the last. */
export function nextCursor(offset: number, limit: number, total: number): string | null {
  return offset + limit < total ? Buffer.from(String(offset + limit)).toString('base64url') : null;
}
