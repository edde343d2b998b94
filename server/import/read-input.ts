/**
 * Reads an import's input: a bundle JSON file, or CSV files — the bundle's own
 * (partners.csv, …, known by name) and other systems' exports, mapped by a
 * profile (given, or detected from each file's header); or a zip of CSV files.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isBundleCsv, parseCsvFiles } from './csv.js';
import { readJsonBundle } from './json-stream.js';
import { BUILT_IN_PROFILES, mapFiles, type MappedFile, type MappingProfile, type Origin } from './mapping.js';
import { csvFilesFromZip } from './zip.js';

export interface ImportInput {
  bundle: unknown;
  /** Each row's file and line, per section (CSV inputs). */
  origins?: Record<string, Origin[]>;
  warnings: string[];
  /** What each mapped file was recognised as, and which header feeds which field. */
  mapped: MappedFile[];
  /** Rows a bundle JSON held past ERROR_STOP rows that could never be valid: counted, not kept (see readJsonBundle). */
  unchecked?: number;
}

type InputFile = { name: string; content: Readable | string | Buffer };

async function text(content: Readable | string | Buffer): Promise<string> {
  if (typeof content === 'string') return content;
  if (Buffer.isBuffer(content)) return content.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads CSV files as they arrive: the bundle's own files by name, every other
 * file through `profiles` (all the built-in ones when none is chosen), mapped
 * as it streams. The sections of both join, own rows first.
 */
export async function readCsvInput(files: AsyncIterable<InputFile> | Iterable<InputFile>, profiles: MappingProfile[] = [...BUILT_IN_PROFILES.values()]): Promise<ImportInput> {
  const own: Record<string, string> = {};
  async function* foreign(): AsyncGenerator<InputFile> {
    for await (const file of files) {
      if (isBundleCsv(file.name)) own[file.name] = await text(file.content);
      else yield file;
    }
  }
  const mapped = await mapFiles(foreign(), profiles);
  const read = parseCsvFiles(own);
  const bundle: Record<string, unknown> = { ...read.bundle };
  const origins: Record<string, Origin[]> = { ...read.origins };
  for (const [section, rows] of Object.entries(mapped.bundle)) {
    if (!Array.isArray(rows) || rows.length === 0) continue;
    bundle[section] = [...((bundle[section] as unknown[] | undefined) ?? []), ...rows];
    origins[section] = [...(origins[section] ?? []), ...(mapped.origins[section] ?? [])];
  }
  return { bundle, origins, warnings: [...read.warnings, ...mapped.warnings], mapped: mapped.files };
}

/** A bundle JSON file, or a folder of CSV files (see readCsvInput). */
export async function readImportInput(location: string, profiles?: MappingProfile[]): Promise<ImportInput> {
  if ((await stat(location)).isDirectory()) {
    const names = (await readdir(location)).filter((n) => n.toLowerCase().endsWith('.csv')).sort();
    if (names.length === 0) throw new Error(`${location} holds no .csv files`);
    return readCsvInput(
      names.map((name) => ({ name, content: createReadStream(path.join(location, name)) })),
      profiles,
    );
  }
  // The CLI reads from its own disk: the limits only keep a malformed archive from expanding without bound.
  if (location.toLowerCase().endsWith('.zip')) {
    const files = await csvFilesFromZip(await readFile(location), { maxFiles: 16, maxBytes: 2 ** 32 });
    return readCsvInput(Object.entries(files).map(([name, content]) => ({ name, content })), profiles);
  }
  if (location.toLowerCase().endsWith('.csv')) return readCsvInput([{ name: path.basename(location), content: createReadStream(location) }], profiles);
  // Streamed as the API reads a body (a file of gigabytes cannot be one string); rows that can never be valid are counted past ERROR_STOP.
  const { bundle, unchecked } = await readJsonBundle(createReadStream(location), Number.POSITIVE_INFINITY);
  return { bundle, unchecked, warnings: [], mapped: [] };
}

/** The bundle alone, as the benchmarks read it. */
export async function readBundleInput(location: string): Promise<unknown> {
  return (await readImportInput(location)).bundle;
}
