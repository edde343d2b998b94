/**
 * Runs a TypeScript module in a worker thread for one job: posts `message`,
 * resolves with the worker's answer. The heavy analytics run this way so
 * that the event loop keeps answering requests meanwhile. The module answers
 * each message it receives (`parentPort.on('message', …)`).
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

/**
 * How long a worker waits, idle, for its module's next job before it ends.
 * Starting one costs about half a second of CPU (tsx compiles and imports
 * the module's graph): under a stream of writes each store version's
 * derivation paid it, as much again as the derivation itself at 5,000
 * partners. An idle worker keeps the heap of its last job until the next,
 * so it does not wait for ever.
 */
const KEPT_IDLE_MS = 10_000;

/** The one idle worker kept per module, with the timer that ends it. */
const idle = new Map<string, { worker: Worker; ending: NodeJS.Timeout }>();

function startWorker(entry: URL): Worker {
  // A one-line bootstrap registers tsx in the worker thread, then imports the module.
  // (`execArgv: ['--import', 'tsx']` is not enough: Node 20 loads the entry before the hooks are ready.)
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `${LOWER_PRIORITY}.then(() => import(${JSON.stringify(tsx)})).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** Keeps `worker` for the module's next job (or ends it, when one is kept already). */
function keepIdle(entry: URL, worker: Worker): void {
  if (idle.has(entry.href)) return void worker.terminate();
  // Idle, it keeps no process alive; its timer neither.
  worker.unref();
  const ending = setTimeout(() => {
    idle.delete(entry.href);
    void worker.terminate();
  }, KEPT_IDLE_MS).unref();
  idle.set(entry.href, { worker, ending });
}

export function runWorker<T>(entry: URL, message: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
  const kept = idle.get(entry.href);
  idle.delete(entry.href);
  if (kept !== undefined) clearTimeout(kept.ending);
  const worker = kept?.worker ?? startWorker(entry);
  worker.ref();
  return new Promise<T>((resolve, reject) => {
    const answered = (answer: T) => {
      stopListening();
      keepIdle(entry, worker);
      resolve(answer);
    };
    // A worker that failed or exited is not kept: the next job starts another.
    const failed = (error: Error) => {
      stopListening();
      void worker.terminate();
      reject(error);
    };
    const exited = (code: number) => failed(new Error(`${entry.pathname}: worker exited with code ${code} before answering`));
    const stopListening = () => {
      worker.off('message', answered);
      worker.off('error', failed);
      worker.off('exit', exited);
    };
    worker.on('message', answered);
    worker.on('error', failed);
    worker.on('exit', exited);
    worker.postMessage(message, transfer);
  });
}
