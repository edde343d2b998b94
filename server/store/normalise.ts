/**
 * One plain shape for results from either engine: integers (Neo4j Integer,
 * BigInt) become numbers, temporal values ISO strings, nodes and
 * relationships their property maps.
 */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toPlain);
  const v = value as Record<string, unknown> & { toNumber?: () => number };
  // neo4j-driver Integer
  if (typeof v.toNumber === 'function' && 'low' in v && 'high' in v) return v.toNumber();
  // neo4j-driver Node / Relationship
  if ('properties' in v && ('labels' in v || 'type' in v) && 'elementId' in v) return toPlain(v.properties);
  // neo4j-driver temporal types print as ISO 8601
  if ('year' in v && typeof (v as { toString: () => string }).toString === 'function' && v.constructor !== Object) {
    return String(value);
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(v)) out[key] = toPlain(inner);
  return out;
}

/**
 * The embedded engine's rows made plain in place: its values are plain already, but for any BigInt, made a number
 * as toPlain makes it. Converting in place rather than copying every row (toPlain) spared a full export of the
 * 100,000-partner store seconds of copies and their collection.
 */
export function plainInPlace(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = plainInPlace(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) record[key] = plainInPlace(record[key]);
  return record;
}

/** Drops null and undefined fields: neither engine stores a null property. (A loop: Object.entries and fromEntries cost seconds in a full export.) */
export function withoutNulls<T extends Record<string, unknown>>(record: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key in record) {
    const value = record[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out as Partial<T>;
}
