/** The benchmarks' generated ecosystem: written once to the temp folder by seeds/generate.ts, reused after. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface BundleSize {
  partners: string;
  customers: string;
  relationships: string;
  seed: string;
}

/** The ecosystem's size from the command line (100,000 partners by default), plus a script's own options. */
export function generatedBundleArgs(extra: NonNullable<ParseArgsConfig['options']> = {}): BundleSize & Record<string, string | undefined> {
  return parseArgs({
    options: {
      partners: { type: 'string', default: '100000' },
      customers: { type: 'string', default: '200000' },
      relationships: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      ...extra,
    },
  }).values as BundleSize & Record<string, string | undefined>;
}

export function generatedBundleFile(size: BundleSize): string {
  const file = path.join(tmpdir(), `ecograph-bench-${size.partners}-${size.customers}-${size.relationships}-${size.seed}.json`);
  if (!existsSync(file)) {
    console.log(`generating ${file} …`);
    const args = ['--partners', size.partners, '--customers', size.customers, '--relationships', size.relationships, '--seed', size.seed, '--out', file];
    execFileSync(process.execPath, ['--import', 'tsx', 'seeds/generate.ts', ...args], { stdio: 'inherit' });
  }
  return file;
}
