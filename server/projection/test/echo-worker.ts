/** A worker module for run-worker.test.ts: answers each message with its thread's id, or fails on `{ fail: true }`. */
import { parentPort, threadId } from 'node:worker_threads';

parentPort!.on('message', (message: { fail?: boolean; value?: unknown }) => {
  if (message.fail) throw new Error('asked to fail');
  parentPort!.postMessage({ threadId, value: message.value });
});
