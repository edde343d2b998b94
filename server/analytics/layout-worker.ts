/**
 * Worker thread running layouts, one per message (see runLayoutInWorker): receives the
 * input, answers with the positions, transferring their buffer.
 */
import { parentPort } from 'node:worker_threads';
import { computeLayout, type LayoutInput, type LayoutOptions } from './layout.js';

if (parentPort === null) throw new Error('analytics/layout-worker: must run as a worker thread');
const port = parentPort;

port.on('message', ({ input, options }: { input: LayoutInput; options: Partial<LayoutOptions> }) => {
  const positions = computeLayout(input, options);
  port.postMessage(positions, [positions.buffer]);
});
