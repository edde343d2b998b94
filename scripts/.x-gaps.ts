import { projectBundle } from '../server/projection/from-bundle.js';
import { deriveMetrics } from '../server/projection/derive.js';
import { capabilityGaps } from '../server/analytics/gaps.js';
import { GapsQuery } from '../server/schemas/analytics.js';
import { readFileSync } from 'node:fs';
const bundle = JSON.parse(readFileSync('/tmp/eco-100k-final.json', 'utf8'));
const { graph, catalogue } = projectBundle(bundle);
let t = performance.now();
const derived = deriveMetrics(graph, 1);
console.log('derive', (performance.now() - t).toFixed(0));
for (let i = 0; i < 3; i++) {
  t = performance.now();
  const g = capabilityGaps(graph, catalogue, derived, GapsQuery.parse({}));
  console.log('gaps', (performance.now() - t).toFixed(0), 'ms', g.gaps.length);
}
