/**
 * Worker thread deriving one version's metrics (see deriveInWorker): receives
 * the graph's topology, answers with the derived metrics.
 */
import { parentPort } from 'node:worker_threads';
import { deriveMetrics, fromTopology, type Topology } from './derive.js';
import type { DerivedMetrics } from './types.js';

if (parentPort === null) throw new Error('projection/derive-worker: must run as a worker thread');
const port = parentPort;

port.once('message', ({ topology, version, previous }: { topology: Topology; version: number; previous?: Pick<DerivedMetrics, 'positions' | 'layoutPending'> }) => {
  port.postMessage(deriveMetrics(fromTopology(topology), version, previous));
});
