/** Reads an import's input from disk: a bundle JSON file, a folder of the bundle's CSV files, or a zip of them. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseCsvBundle } from './csv.js';
import { csvFilesFromZip } from './zip.js';

export async function readBundleInput(location: string): Promise<unknown> {
  if ((await stat(location)).isDirectory()) {
    const names = (await readdir(location)).filter((n) => n.endsWith('.csv'));
    if (names.length === 0) throw new Error(`${location} holds no .csv files`);
    const files = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(path.join(location, n), 'utf8')] as const)));
    return parseCsvBundle(files);
  }
  // The CLI reads from its own disk: the limits only keep a malformed archive from expanding without bound.
  if (location.toLowerCase().endsWith('.zip')) return parseCsvBundle(await csvFilesFromZip(await readFile(location), { maxFiles: 16, maxBytes: 2 ** 32 }));
  return JSON.parse(await readFile(location, 'utf8'));
}
