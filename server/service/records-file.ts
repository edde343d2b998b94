/**
 * Records kept beside the store for one store version, so that a restarted
 * server answers its first programme request from them instead of reading
 * the store in bulk (seconds at 100,000 partners). Frames of a 4-byte length and
 * one MessagePack chunk each (msgpackr with its record extension: a list of
 * objects of one shape holds the shape once and reads back about three
 * times faster than v8's serialisation, which took 0.8 s for the programme's
 * 60 MB at 100,000 partners), a header (format, what the file holds, store
 * id and version), the records as lists cut into chunks, and a trailer with
 * the SHA-1 of every frame before it. Written aside and renamed; read a frame
 * at a time with a turn of the event loop every few milliseconds, so that a
 * server reading them keeps answering. A file of another format, kind, store
 * or version is not used; one that does not check out throws.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Packr } from 'msgpackr';
import { slicer } from '../projection/slices.js';

/** Bumped whenever what is written changes shape: an older file is then read again from the store, never misread. */
const RECORDS_FORMAT = 3;
/** Items per frame: small enough that one frame's (de)serialisation is a few milliseconds. */
const CHUNK = 2000;

export interface RecordsKey {
  storeId: string;
  version: number;
}

interface Header extends RecordsKey {
  format: number;
  kind: string;
}

/** A packer per frame, so that each frame holds its own record shapes and reads without the ones before it. */
const pack = (value: unknown): Buffer => new Packr({ useRecords: true }).pack(value);
const unpack = (bytes: Buffer): unknown => new Packr({ useRecords: true }).unpack(bytes);

function framed(value: unknown): [Buffer, Buffer] {
  const body = pack(value);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length);
  return [length, body];
}

/** Where a codec writes one version's records, frame by frame. */
export class RecordsWriter {
  readonly parts: Buffer[] = [];
  readonly hash: Hash = createHash('sha1');
  private readonly pause = slicer();

  constructor(private readonly stillCurrent: () => boolean) {}

  /** One value as one frame: keep it small. */
  async value(value: unknown): Promise<void> {
    if (!this.stillCurrent()) throw new Superseded();
    const [length, body] = framed(value);
    this.hash.update(length).update(body);
    this.parts.push(length, body);
    await this.pause();
  }

  /** A list of any length, a chunk a frame. */
  async list(items: readonly unknown[]): Promise<void> {
    await this.value(items.length);
    for (let i = 0; i < items.length; i += CHUNK) await this.value(items.slice(i, i + CHUNK));
  }
}

/** Thrown inside a save when the records changed meanwhile: the file is left as it was. */
class Superseded extends Error {}

/** Where a codec reads one version's records back, frame by frame. */
export class RecordsReader {
  private offset = 0;
  private readonly pause = slicer();
  readonly hash = createHash('sha1');

  constructor(private readonly bytes: Buffer) {}

  /** The next frame's value; the trailer is read with `hashed` false. */
  async value<T>(hashed = true): Promise<T> {
    const { bytes, offset } = this;
    if (offset + 4 > bytes.length) throw new Error('service/records-file: truncated');
    const length = bytes.readUInt32LE(offset);
    if (offset + 4 + length > bytes.length) throw new Error('service/records-file: truncated');
    if (hashed) this.hash.update(bytes.subarray(offset, offset + 4 + length));
    this.offset = offset + 4 + length;
    const value = unpack(bytes.subarray(offset + 4, offset + 4 + length)) as T;
    await this.pause();
    return value;
  }

  async list<T>(): Promise<T[]> {
    const length = await this.value<number>();
    const out: T[] = [];
    while (out.length < length) for (const item of await this.value<T[]>()) out.push(item);
    return out;
  }

  /** A list of [key, value] entries as a Map, filled a frame at a time (made at once, 100,000 entries held the event loop for tens of ms). */
  async map<K, V>(): Promise<Map<K, V>> {
    const length = await this.value<number>();
    const out = new Map<K, V>();
    for (let read = 0; read < length; ) {
      const entries = await this.value<Array<[K, V]>>();
      for (const [key, value] of entries) out.set(key, value);
      read += entries.length;
    }
    return out;
  }

  get done(): boolean {
    return this.offset === this.bytes.length;
  }
}

/**
 * Writes `kind`'s records for `key` aside and renames them into place.
 * Resolves false, leaving the file as it was, when `stillCurrent` turns
 * false meanwhile (the records are brought forward in place by writes).
 */
export async function saveRecords(file: string, kind: string, key: RecordsKey, write: (out: RecordsWriter) => Promise<void>, stillCurrent: () => boolean): Promise<boolean> {
  const out = new RecordsWriter(stillCurrent);
  try {
    await out.value({ format: RECORDS_FORMAT, kind, ...key } satisfies Header);
    await write(out);
  } catch (error) {
    if (error instanceof Superseded) return false;
    throw error;
  }
  if (!stillCurrent()) return false;
  out.parts.push(...framed({ sha1: out.hash.digest('hex') }));
  // On Neo4j nothing else creates DATA_DIR.
  await mkdir(path.dirname(file), { recursive: true });
  const aside = `${file}.tmp`;
  try {
    await writeFile(aside, out.parts);
    await rename(aside, file);
  } finally {
    await rm(aside, { force: true });
  }
  return true;
}

/**
 * `kind`'s records saved for `key`'s store at `key.version` or before, with
 * the version they are of; undefined when the file is missing or of another
 * format, kind or store, or of a later version; throws when it does not
 * check out (truncated, altered).
 */
export async function loadRecords<T>(file: string, kind: string, key: RecordsKey, read: (input: RecordsReader) => Promise<T>): Promise<{ version: number; records: T } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  const input = new RecordsReader(bytes);
  const header = await input.value<Header>().catch(() => undefined);
  if (header?.format !== RECORDS_FORMAT || header.kind !== kind || header.storeId !== key.storeId || !(header.version <= key.version)) return undefined;
  const records = await read(input);
  const expected = input.hash.digest('hex');
  const trailer = await input.value<{ sha1?: string }>(false);
  if (trailer.sha1 !== expected || !input.done) throw new Error('service/records-file: checksum mismatch');
  return { version: header.version, records };
}
