import { readFileSync, readdirSync } from 'node:fs';
import { parseCsvBundle } from '../server/import/csv.js';
const files = Object.fromEntries(readdirSync('/tmp/eco-100k-csv').map((f) => [f, readFileSync(`/tmp/eco-100k-csv/${f}`, 'utf8')]));
const t = performance.now();
const b = parseCsvBundle(files) as any;
console.log('parse', ((performance.now() - t) / 1000).toFixed(2), 's', b.relationships.length, b.partners.length);
