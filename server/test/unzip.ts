/** A zip archive's files as text, by name, read with yauzl: the tests' own reader, apart from the importer's. */
import { text } from 'node:stream/consumers';
import yauzl from 'yauzl';

export async function unzip(archive: Buffer): Promise<Record<string, string>> {
  const zip = await yauzl.fromBufferPromise(archive, { lazyEntries: true });
  const files: Record<string, string> = {};
  for await (const entry of zip.eachEntry()) files[entry.fileName] = await text(await zip.openReadStreamPromise(entry));
  zip.close();
  return files;
}
