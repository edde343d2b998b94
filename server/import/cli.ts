/**
 * npm run import -- <bundle.json | folder of CSV files> [--mode partial] [--batch N]
 *                   [--profile salesforce|hubspot|prm|marketplace | --mapping file.json] [--dry-run]
 *
 * Opens the configured store and imports into it with a progress bar. The
 * embedded store belongs to one process: when a server holds it, the bundle
 * is sent to that server's /api/import instead.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openStore, StoreAuthError, StoreInUseError, StoreUnavailableError } from '../store/index.js';
import { importBundle, type ImportMode, type ImportReport } from './import-bundle.js';
import { readImportInput } from './read-input.js';
import { builtInProfile, mappingFromJson } from './mapping.js';
import { readFile } from 'node:fs/promises';

/** Above this many rows the import commits in batches (resumable), below it in one transaction. */
const BATCH_THRESHOLD = 20_000;
const DEFAULT_BATCH_ROWS = 5_000;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: 'string', default: 'all-or-nothing' },
    batch: { type: 'string' },
    profile: { type: 'string' },
    mapping: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const location = positionals[0];
if (location === undefined || !['all-or-nothing', 'partial'].includes(values.mode) || (values.profile !== undefined && values.mapping !== undefined)) {
  console.error(
    'usage: npm run import -- <bundle.json | folder of CSV files> [--mode all-or-nothing|partial] [--batch rows] [--profile salesforce|hubspot|prm|marketplace | --mapping file.json] [--dry-run]',
  );
  process.exit(2);
}
const dryRun = values['dry-run'];
const mode = values.mode as ImportMode;
const config = loadConfig();

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

async function sendToServer(input: unknown): Promise<ImportReport> {
  const url = `http://${config.host}:${config.port}/api/import?mode=${mode}${dryRun ? '&dryRun=true' : ''}`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
  } catch {
    throw new Error(`the store in ${config.dataDir} is in use by another process, and no Ecograph server answers at ${url}: stop that process, or start the server and retry`);
  }
  const body = (await response.json()) as ImportReport & { message?: string; details?: unknown[] };
  if (response.status === 400 && Array.isArray(body.details)) {
    console.log(body.message);
    for (const d of body.details.slice(0, 50)) console.log(`bad row ${JSON.stringify(d)}`);
    process.exit(1);
  }
  if (!response.ok) throw new Error(`the server answered ${response.status}: ${body.message ?? ''}`);
  return body;
}

async function readInput() {
  try {
    const profiles = values.profile !== undefined ? [builtInProfile(values.profile)] : values.mapping !== undefined ? [mappingFromJson(await readFile(values.mapping, 'utf8'), values.mapping)] : undefined;
    return await readImportInput(location!, profiles);
  } catch (error) {
    // An unknown profile, a bad mapping file, a file no profile recognises: one line, not a stack.
    console.error(`import: ${(error as Error).message}`);
    process.exit(2);
  }
}
const { bundle: input, origins, warnings } = await readInput();
let report: ImportReport;
try {
  const store = await openStore(config);
  try {
    const rows = Object.values(input as Record<string, unknown>).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
    const batchRows = values.batch !== undefined ? Number(values.batch) : rows > BATCH_THRESHOLD ? DEFAULT_BATCH_ROWS : undefined;
    report = await importBundle(store, input, { mode, dryRun, warnings, ...(origins === undefined ? {} : { origins }), onProgress: progressBar(), ...(batchRows === undefined ? {} : { batchRows }) });
  } finally {
    await store.close();
  }
} catch (error) {
  if (error instanceof StoreUnavailableError || error instanceof StoreAuthError) {
    console.error(`import: ${error.message}`);
    process.exit(1);
  }
  if (!(error instanceof StoreInUseError)) throw error;
  console.error(`${error.message}: sending the bundle to the running server instead`);
  report = await sendToServer(input);
}
printReport(report);
process.exit(report.committed || (report.dryRun && report.errorCount === 0) ? 0 : 1);
