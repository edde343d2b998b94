/**
 * Conflict detection, the pure function alone, on a generated bundle: the
 * records the store reads are computed from the bundle (seeds/demo/conflicts.ts),
 * then detection runs 5 times; prints the median and the conflicts per kind.
 * The store's reads and the HTTP answer are in bench:operations.
 *
 *   node --import tsx --max-old-space-size=8192 scripts/bench-conflicts.ts --bundle /tmp/eco-100k-final.json
 */
import { parseArgs } from 'node:util';
import { readBundleInput } from '../server/import/read-input.js';
import type { Bundle } from '../server/schemas/bundle.js';
import { detectConflicts } from '../server/operations/conflicts.js';
import { conflictInputsFromBundle } from '../seeds/demo/conflicts.js';

const { values } = parseArgs({ options: { bundle: { type: 'string', default: '/tmp/eco-100k-final.json' } } });
const bundle = (await readBundleInput(values.bundle!)) as unknown as Bundle;
const started = performance.now();
const inputs = conflictInputsFromBundle(bundle);
const inputsMs = performance.now() - started;
const times: number[] = [];
let found = detectConflicts(inputs);
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  found = detectConflicts(inputs);
  times.push(performance.now() - t);
}
const kinds = new Map<string, number>();
for (const c of found) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
console.log(`${bundle.partners.length.toLocaleString('en')} partners, ${bundle.deals.length.toLocaleString('en')} deals: records from the bundle ${Math.round(inputsMs)} ms; detection ${Math.round(times.sort((a, b) => a - b)[2]!)} ms (median of 5); ${found.length} conflicts: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
