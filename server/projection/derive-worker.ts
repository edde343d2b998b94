/**
 * Worker thread deriving a version's metrics, one per message (see deriveInBackground):
 * receives the graph's topology, answers with the derived metrics as columns
 * over the topology's node indices, whose buffers move to the main thread
 * without a copy.
 */
import { parentPort } from 'node:worker_threads';
import { deriveFromCanonical, type DeriveRequest } from './derive.js';
import { NodeIndex, NodePositions } from './node-values.js';
import { derivedFrame, frameBuffers } from './snapshot.js';
import { fromPosted, fromTopology } from './topology.js';

if (parentPort === null) throw new Error('projection/derive-worker: must run as a worker thread');
const port = parentPort;

port.on('message', async ({ topology: posted, version, previous }: DeriveRequest) => {
  const topology = fromPosted(posted);
  const positions = previous === undefined ? undefined : { positions: new NodePositions(new NodeIndex(topology.ids), previous.xy), layoutPending: previous.layoutPending };
  const derived = deriveFromCanonical(fromTopology(topology), version, positions);
  const frame = await derivedFrame(derived, new Map(topology.ids.map((id, i) => [id, i])), () => undefined);
  port.postMessage(frame, frameBuffers(frame));
});
