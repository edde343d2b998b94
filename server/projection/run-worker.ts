/**
 * Runs a TypeScript module in a worker thread for one job: posts `message`,
 * resolves with the worker's one answer. The heavy analytics run this way so
 * that the event loop keeps answering requests meanwhile.
 */
import { Worker } from 'node:worker_threads';

/**
 * The worker's first step: it gives its own thread the lowest CPU priority
 * (on Linux a thread's nice value is its own, set through its thread id;
 * elsewhere, or when not allowed, nothing changes). A derivation or layout
 * takes seconds of CPU per store version: at the same priority it took
 * turns with the event loop and the store's threads on a 2-core machine,
 * and every write waited for it.
 */
const LOWER_PRIORITY = `Promise.all([import('node:fs'), import('node:os')]).then(([fs, os]) => {
  try { os.setPriority(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()), os.constants.priority.PRIORITY_LOW); } catch {}
})`;

export function runWorker<T>(entry: URL, message: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
  // A one-line bootstrap registers tsx in the worker thread, then imports the module.
  // (`execArgv: ['--import', 'tsx']` is not enough: Node 20 loads the entry before the hooks are ready.)
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `${LOWER_PRIORITY}.then(() => import(${JSON.stringify(tsx)})).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  const worker = new Worker(bootstrap, { eval: true });
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (answer: T) => {
      resolve(answer);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${entry.pathname}: worker exited with code ${code} before answering`)));
    worker.postMessage(message, transfer);
  });
}
