/**
 * The change log kept beside the store (`DATA_DIR/changes.log`), so that a
 * restarted server still knows what each recent version changed: the export
 * kept beside the store is then brought forward after a restart instead of
 * read whole (13–16 s at 100,000 partners). One JSON line per committed
 * version, naming its store. A version missing from it (a crash between a
 * commit and its line, another process's write, a line that does not parse)
 * makes the caches read everything, as the log in memory does.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CHANGED_ID_KINDS, StoreChanges } from './changes.js';

interface Line {
  store: string;
  version: number;
  partners?: string[];
  customers?: string[];
  deals?: string[];
  solutions?: string[];
  programs?: true;
  names?: true;
  resolutions?: true;
  broad?: true;
}

/** Ids a line holds at most; more are kept as "broad" (the caches read everything past 10,000 changed ids anyway). */
const MAX_IDS = 10_000;

export class ChangesFile {
  /** The store the file's lines are of, once read or written, and its lines, newest last: what a rewrite keeps. */
  private store: string | undefined;
  private lines: string[] = [];
  private appending: Promise<void> = Promise.resolve();

  /** `keep`: the versions a rewrite keeps (the log's own horizon); the file is rewritten when it holds twice that. */
  constructor(
    private readonly file: string,
    private readonly keep: number,
  ) {}

  /** The versions the file holds for `store`, oldest first; none when it is missing or of another store. */
  async read(store: string | null): Promise<Array<[number, StoreChanges]>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const out: Array<[number, StoreChanges]> = [];
    for (const json of text.split('\n')) {
      let line: Line;
      try {
        line = JSON.parse(json) as Line;
      } catch {
        continue;
      }
      if (line.store !== store || !Number.isInteger(line.version)) continue;
      this.store = store;
      this.lines.push(json);
      out.push([line.version, changesOf(line)]);
    }
    this.lines = this.lines.slice(-this.keep);
    return out;
  }

  /** Adds a committed version's changes, after the lines before it. */
  append(store: string, version: number, changes: StoreChanges): void {
    const json = JSON.stringify(lineOf(store, version, changes));
    const ofAnotherStore = this.store !== undefined && this.store !== store;
    if (ofAnotherStore) this.lines = [];
    this.store = store;
    this.lines.push(json);
    const rewrite = ofAnotherStore || this.lines.length >= 2 * this.keep;
    if (rewrite) this.lines = this.lines.slice(-this.keep);
    const text = rewrite ? `${this.lines.join('\n')}\n` : `${json}\n`;
    this.appending = this.appending
      .then(async () => {
        await mkdir(path.dirname(this.file), { recursive: true });
        if (!rewrite) return appendFile(this.file, text);
        // Aside, then renamed: a crash never leaves half a file.
        await writeFile(`${this.file}.tmp`, text);
        await rename(`${this.file}.tmp`, this.file);
      })
      // A line not written is a version the caches cannot account for: they read everything, nothing worse.
      .catch(() => undefined);
  }

  /** Resolves once every line added so far is on disk: for tests. */
  flushed(): Promise<void> {
    return this.appending;
  }
}

function lineOf(store: string, version: number, changes: StoreChanges): Line {
  const line: Line = { store, version };
  if (changes.broad || changes.size > MAX_IDS) return { ...line, broad: true };
  for (const kind of CHANGED_ID_KINDS) if (changes[kind].size > 0) line[kind] = [...changes[kind]];
  if (changes.programs) line.programs = true;
  if (changes.names) line.names = true;
  if (changes.resolutions) line.resolutions = true;
  return line;
}

function changesOf(line: Line): StoreChanges {
  const changes = new StoreChanges();
  for (const kind of CHANGED_ID_KINDS) for (const id of line[kind] ?? []) changes[kind].add(String(id));
  changes.programs = line.programs === true;
  changes.names = line.names === true;
  changes.resolutions = line.resolutions === true;
  changes.broad = line.broad === true;
  return changes;
}
