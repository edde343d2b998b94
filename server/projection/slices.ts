/**
 * Long synchronous work split into slices, so that the event loop keeps
 * answering requests while it runs: the work is written once as a generator
 * that yields where pausing is safe; `drain` runs it at once, `runSliced`
 * gives the event loop a turn whenever a slice has lasted a few milliseconds.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { Gate } from '../gate.js';

export type Steps<T> = Generator<undefined, T, undefined>;

/** Longest run of work between two turns of the event loop, in ms. */
const SLICE_MS = 8;

/** Shut while API writes are in flight (see holdSlices). */
const writes = new Gate();

/**
 * Holds every slicer's next slice until the returned function is called:
 * an API write waits on the store a dozen times, and each time the event
 * loop came back to it only after whatever slice of background work
 * (metrics, the map's index, a snapshot) had started meanwhile.
 */
export function holdSlices(): () => void {
  return writes.hold();
}

/** Resolves at once while the current slice lasts (undefined), else after the event loop's next turn and any write in flight. */
export function slicer(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < SLICE_MS) return undefined;
    return turn()
      .then(() => writes.opened())
      .then(() => void (since = performance.now()));
  };
}

/**
 * One run of `steps` that several computations drive in turn: each call of
 * the function returned gives steps that advance that same run and end with
 * its result (or throw its error). Computations that need the same index at
 * the same time build it once between them: under a read load each built
 * its own (seconds and tens of MB at 100,000 partners), all but one thrown
 * away.
 */
export function shared<T>(steps: Steps<T>): () => Steps<T> {
  let outcome: { value: T } | { error: unknown } | undefined;
  return function* () {
    while (outcome === undefined) {
      let step: IteratorResult<undefined, T>;
      try {
        step = steps.next();
      } catch (error) {
        outcome = { error };
        break;
      }
      if (step.done) outcome = { value: step.value };
      else yield;
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  };
}

/**
 * `items` sorted by `compare` (stably), in steps: runs of a few thousand
 * sorted one per step, then merged pairwise a few thousand items per step:
 * Array.prototype.sort holds the event loop for the whole sort.
 */
export function* sortSteps<T>(items: readonly T[], compare: (a: T, b: T) => number, run = 4096): Steps<T[]> {
  let from = items.slice();
  for (let start = 0; start < from.length; start += run) {
    const sorted = from.slice(start, start + run).sort(compare);
    for (let k = 0; k < sorted.length; k++) from[start + k] = sorted[k]!;
    yield;
  }
  let to = new Array<T>(from.length);
  for (let width = run; width < from.length; width *= 2) {
    for (let start = 0; start < from.length; start += 2 * width) {
      const middle = Math.min(start + width, from.length);
      const end = Math.min(start + 2 * width, from.length);
      let [a, b] = [start, middle];
      for (let k = start; k < end; k++) {
        // Ties from the left run first: stable.
        to[k] = b >= end || (a < middle && compare(from[b]!, from[a]!) >= 0) ? from[a++]! : from[b++]!;
        if ((k - start) % run === run - 1) yield;
      }
    }
    [from, to] = [to, from];
  }
  return from;
}

export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs `steps` with a turn of the event loop whenever a slice has lasted long enough; `pause` may be shared by several runs in a row. */
export async function runSliced<T>(steps: Steps<T>, pause = slicer()): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    const paused = pause();
    if (paused !== undefined) await paused;
  }
}
