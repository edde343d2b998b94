/**
 * Worker thread deriving one version's metrics (see deriveInWorker): receives
 * the graph's topology, answers with the derived metrics.
 */
import { parentPort } from 'node:worker_threads';
import { deriveFromCanonical } from './derive.js';
import { fromTopology, type Topology } from './topology.js';
import type { DerivedMetrics } from './types.js';

if (parentPort === null) throw new Error('projection/derive-worker: must run as a worker thread');
const port = parentPort;

port.once('message', ({ topology, version, previous }: { topology: Topology; version: number; previous?: Pick<DerivedMetrics, 'positions' | 'layoutPending'> }) => {
  port.postMessage(deriveFromCanonical(fromTopology(topology), version, previous));
});
