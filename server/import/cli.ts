/**
 * npm run import -- <bundle.json | folder of CSV files> [--mode partial] [--batch N] [--window N] [--key K]
 *                   [--profile salesforce|hubspot|prm|marketplace | --mapping file.json] [--dry-run]
 *
 * A bundle JSON larger than WINDOW_THRESHOLD_BYTES (or any, with --window)
 * is imported window by window (windowed.ts): memory bounded by the window,
 * whatever the file's size; windows are committed as they go. `-` reads a
 * bundle JSON from standard input, window by window (e.g. piped from the generator).
 *
 * Opens the configured store and imports into it with a progress bar. The
 * embedded store belongs to one process: when a server holds it, the bundle
 * is sent to that server's /api/import instead, but only when that server
 * reports the id of the store in DATA_DIR (another store could answer at
 * HOST:PORT). Failures end with one line and a non-zero exit, not a stack.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import path from 'node:path';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openStore, StoreAuthError, StoreInUseError, StoreUnavailableError } from '../store/index.js';
import { writeContext } from '../store/audit.js';
import { ensureStoreId, readStoreId } from '../store/store-id.js';
import { BundleRejected, importBundle, type ImportMode, type ImportReport } from './import-bundle.js';
import { readImportInput } from './read-input.js';
import { DEFAULT_WINDOW_ROWS, importWindowed } from './windowed.js';
import { builtInProfile, mappingFromJson } from './mapping.js';

/** Above this many rows the import commits in batches (resumable), below it in one transaction. */
const BATCH_THRESHOLD = 20_000;
const DEFAULT_BATCH_ROWS = 5_000;
/** A bundle JSON file past this size is imported window by window: parsed whole, 270 MB (100,000 partners) took 7.2 GB. */
const WINDOW_THRESHOLD_BYTES = 64 * 2 ** 20;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: 'string', default: 'all-or-nothing' },
    batch: { type: 'string' },
    window: { type: 'string' },
    key: { type: 'string' },
    profile: { type: 'string' },
    mapping: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const location = positionals[0];
/** The location that stands for standard input. */
const STDIN = '-';
const positive = (text: string | undefined) => text === undefined || /^[1-9]\d*$/.test(text);
if (
  location === undefined ||
  !['all-or-nothing', 'partial'].includes(values.mode) ||
  (values.profile !== undefined && values.mapping !== undefined) ||
  !positive(values.batch) ||
  !positive(values.window)
) {
  console.error(
    'usage: npm run import -- <bundle.json | - (a bundle JSON on standard input) | folder of CSV files> [--mode all-or-nothing|partial] [--batch rows] [--window rows] [--key API key] [--profile salesforce|hubspot|prm|marketplace | --mapping file.json] [--dry-run]',
  );
  process.exit(2);
}
const dryRun = values['dry-run'];
const mode = values.mode as ImportMode;
const config = loadConfig();
const key = values.key ?? config.clientKey;

/** A failure the user can act on: printed as one line. */
class ImportFailed extends Error {}

function progressBar(): (done: number, total: number) => void {
  const started = performance.now();
  let lastPrint = 0;
  // A terminal gets a live bar; a log gets a line a second.
  const interval = process.stderr.isTTY ? 250 : 1000;
  return (done, total) => {
    const now = performance.now();
    if (done < total && now - lastPrint < interval) return;
    lastPrint = now;
    const share = total === 0 ? 1 : done / total;
    const width = 30;
    const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
    const rate = Math.round(done / Math.max((now - started) / 1000, 0.001));
    const line = `[${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')} rows  ${rate.toLocaleString('en')} rows/s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}${done === total ? '\n' : ''}` : `${line}\n`);
  };
}

function printReport(report: ImportReport): void {
  const counts = (by: Partial<Record<string, number>>) => Object.entries(by).filter(([, n]) => (n ?? 0) > 0).map(([k, n]) => `${n!.toLocaleString('en')} ${k}`).join(', ') || 'nothing';
  const written = Object.entries(report.written).filter(([, n]) => n > 0).map(([k, n]) => `${n.toLocaleString('en')} ${k}`);
  for (const w of report.warnings.slice(0, 20)) console.log(`warning: ${w}`);
  if (report.dryRun) console.log(`dry run, nothing written: would create ${counts(report.plan.created)}; would update ${counts(report.plan.updated)}`);
  else console.log(report.committed ? `imported: ${written.join(', ') || 'nothing'} (store version ${report.version})` : 'nothing imported: the bundle has bad rows');
  for (const m of report.merges.slice(0, 20)) console.log(`merged ${m.kind} ${m.merged.join(', ')} into ${m.id} (${m.evidence})`);
  if (report.merges.length > 20) console.log(`… and ${report.merges.length - 20} more merges`);
  for (const r of report.review.slice(0, 20)) console.log(`to review: ${r.kind} ${r.incoming} may be ${r.candidate} (${r.evidence})`);
  for (const e of report.errors.slice(0, 50)) {
    const where = e.file === undefined ? `${e.section}[${e.index}]` : `${e.file} line ${e.line}`;
    console.log(`bad row ${where}${e.id ? ` (${e.id})` : ''} ${e.field}: ${e.message}${e.value === undefined ? '' : ` (value: ${JSON.stringify(e.value)})`}`);
  }
  if (report.errorCount > 50) {
    console.log(`… ${report.errorCount.toLocaleString('en')} errors in all:`);
    for (const c of report.errorCounts.slice(0, 20)) console.log(`  ${c.count.toLocaleString('en')} × ${c.section} ${c.field}: ${c.reason}`);
  }
}

/** Sends the bundle (or, for a windowed file, the file itself as it streams) to the server that holds the store. */
async function sendToServer(input: unknown): Promise<ImportReport> {
  const base = `http://${config.host}:${config.port}`;
  const headers: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` };
  const answer = async (url: string, init: RequestInit = {}) => {
    try {
      return await fetch(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
    } catch {
      throw new ImportFailed(`the store in ${path.resolve(config.dataDir)} is in use by another process, and no Ecograph server answers at ${base}: stop that process, or start the server and retry`);
    }
  };
  const unauthorised = () =>
    new ImportFailed(`the server at ${base} requires an API key${key === undefined ? '' : ' and refused this one'}: pass --key <key> or set ECOGRAPH_KEY (create one with npm run keys -- create --role editor --name <you>)`);

  // Another store could answer at HOST:PORT: hand the bundle only to the server that holds ours.
  const health = await answer(`${base}/api/health`);
  if (health.status === 401 || health.status === 403) throw unauthorised();
  const theirs = health.ok ? ((await health.json()) as { storeId?: string }).storeId : undefined;
  const ours = readStoreId(config.dataDir);
  if (theirs === undefined || ours === undefined || theirs !== ours) {
    throw new ImportFailed(
      `the store in ${path.resolve(config.dataDir)} (id ${ours ?? 'unknown'}) is in use by another process, and the server at ${base} holds ${theirs === undefined ? 'a store that does not say its id' : `another store (id ${theirs})`}: nothing sent. Stop the process that holds the store, or set HOST and PORT to the server that holds it`,
    );
  }
  const payload = input instanceof Readable ? { body: Readable.toWeb(input) as ReadableStream, duplex: 'half' } : { body: JSON.stringify(input) };
  const response = await answer(`${base}/api/import?mode=${mode}${dryRun ? '&dryRun=true' : ''}`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...payload } as RequestInit);
  if (response.status === 401 || response.status === 403) throw unauthorised();
  const body = (await response.json()) as ImportReport & { message?: string; details?: unknown[] };
  if (response.status === 400 && Array.isArray(body.details)) {
    console.log(body.message);
    for (const d of body.details.slice(0, 50)) console.log(`bad row ${JSON.stringify(d)}`);
    process.exit(1);
  }
  if (!response.ok) throw new ImportFailed(`the server answered ${response.status}: ${body.message ?? ''}`);
  return body;
}

type ImportInput = Awaited<ReturnType<typeof readImportInput>>;

async function readInput(): Promise<ImportInput> {
  const profiles = values.profile !== undefined ? [builtInProfile(values.profile)] : values.mapping !== undefined ? [mappingFromJson(await readFile(values.mapping, 'utf8'), values.mapping)] : undefined;
  return readImportInput(location!, profiles);
}

async function importHere({ bundle: input, origins, warnings, unchecked }: ImportInput): Promise<ImportReport> {
  const store = await openStore(config);
  try {
    if (config.neo4j === undefined) ensureStoreId(config.dataDir);
    const rows = Object.values(input as Record<string, unknown>).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
    const batchRows = values.batch !== undefined ? Number(values.batch) : rows > BATCH_THRESHOLD ? DEFAULT_BATCH_ROWS : undefined;
    // The audit trail records this run as the command line's, signed by the operating-system user.
    const context = { actor: 'cli', actorName: `cli:${userInfo().username}`, method: 'CLI', route: 'npm run import', idsBefore: [] };
    return await writeContext.run(context, () =>
      importBundle(store, input, { mode, dryRun, warnings, unchecked, ...(origins === undefined ? {} : { origins }), onProgress: progressBar(), ...(batchRows === undefined ? {} : { batchRows }) }),
    );
  } finally {
    await store.close();
  }
}

/** Whether the input is a bundle JSON file to import window by window. */
async function windowed(): Promise<boolean> {
  if (dryRun || values.profile !== undefined || values.mapping !== undefined) return false;
  if (location === STDIN) return true;
  if (!location!.toLowerCase().endsWith('.json')) return false;
  const file = await stat(location!).catch(() => undefined);
  return file !== undefined && file.isFile() && (values.window !== undefined || file.size > WINDOW_THRESHOLD_BYTES);
}

/**
 * A full collection between windows, where `npm run import` exposes it (node --expose-gc). A window's rows and
 * their resolution are garbage once it is committed, but V8 sees only its own heap, not the engine's memory
 * beside it, and let the heap grow to 0.5-0.7 GB of them: at 100,000 partners the import's peak RSS was
 * 2.05 GiB without these collections, 1.71 GiB with one after each window (0.3 s each).
 */
const collectGarbage: () => void = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** The file, read window by window into the store: one line per window, with the file read so far and the process's memory. */
async function importWindows(): Promise<ImportReport> {
  const store = await openStore(config);
  try {
    if (config.neo4j === undefined) ensureStoreId(config.dataDir);
    const size = location === STDIN ? undefined : (await stat(location!)).size;
    let read = 0;
    async function* file() {
      for await (const chunk of location === STDIN ? process.stdin : createReadStream(location!, { highWaterMark: 1 << 20 })) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    const started = performance.now();
    const windowRows = values.window !== undefined ? Number(values.window) : DEFAULT_WINDOW_ROWS;
    const batchRows = values.batch !== undefined ? Number(values.batch) : DEFAULT_BATCH_ROWS;
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    const of = size === undefined ? '' : ` of ${mb(size)}`;
    console.error(`import: ${location === STDIN ? 'standard input' : `${location} (${mb(size!)})`} window by window, ${windowRows.toLocaleString('en')} rows each, committed as they go`);
    const context = { actor: 'cli', actorName: `cli:${userInfo().username}`, method: 'CLI', route: 'npm run import', idsBefore: [] };
    return await writeContext.run(context, () =>
      importWindowed(store, file(), {
        mode,
        windowRows,
        batchRows,
        onWindow: ({ section, rows, done }) => {
          collectGarbage();
          const seconds = (performance.now() - started) / 1000;
          console.error(
            `${seconds.toFixed(0).padStart(6)} s  ${section} +${rows.toLocaleString('en')}  ${done.toLocaleString('en')} rows  ${mb(read)}${of} read  ${Math.round(done / seconds).toLocaleString('en')} rows/s  RSS ${mb(process.memoryUsage.rss())} (JS heap ${mb(process.memoryUsage().heapUsed)})`,
          );
        },
      }),
    );
  } finally {
    await store.close();
  }
}

async function main(): Promise<ImportReport> {
  console.error(
    config.neo4j === undefined
      ? `import: into the embedded store in ${path.resolve(config.dataDir)} (DATA_DIR chooses another)`
      : `import: into Neo4j at ${config.neo4j.uri}${config.neo4j.database ? ` (database ${config.neo4j.database})` : ''}`,
  );
  if (await windowed()) {
    try {
      return await importWindows();
    } catch (error) {
      if (error instanceof StoreUnavailableError || error instanceof StoreAuthError) throw new ImportFailed(error.message);
      if (error instanceof BundleRejected) throw new ImportFailed(error.message);
      if (!(error instanceof StoreInUseError)) throw error;
      console.error(`import: ${error.message}: sending the file to the server that holds it`);
      return sendToServer(location === STDIN ? process.stdin : createReadStream(location!));
    }
  }
  // An unknown profile, a bad mapping file, a file no profile recognises: one line, not a stack.
  const input = await readInput().catch((error: Error) => {
    throw new ImportFailed(error.message);
  });
  try {
    return await importHere(input);
  } catch (error) {
    if (error instanceof StoreUnavailableError || error instanceof StoreAuthError) throw new ImportFailed(error.message);
    if (!(error instanceof StoreInUseError)) throw error;
    console.error(`import: ${error.message}: sending the bundle to the server that holds it`);
    return sendToServer(input.bundle);
  }
}

try {
  const report = await main();
  printReport(report);
  process.exit(report.committed || (report.dryRun && report.errorCount === 0) ? 0 : 1);
} catch (error) {
  const known = error instanceof ImportFailed || (error as NodeJS.ErrnoException).code !== undefined;
  console.error(`import: ${(error as Error).message}`);
  if (!known) console.error('import: (an unexpected failure: set LOG_LEVEL=debug to see where)');
  if (!known && config.logLevel === 'debug') console.error(error);
  process.exit(1);
}
