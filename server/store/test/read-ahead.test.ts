/**
 * readAhead: windows in order, a few read ahead; a window that fails while an
 * earlier one is in use fails for the consumer when it gets there, and never
 * as an unhandled rejection (which ends a server's process; vitest fails the
 * run on one).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readAhead } from '../graph-store.js';

describe('readAhead', () => {
  it('gives every window in order, at most three read at once', async () => {
    let reading = 0;
    let most = 0;
    const read = async (window: number) => {
      most = Math.max(most, ++reading);
      await sleep(5 - (window % 5));
      reading--;
      return window * 10;
    };
    const got: number[] = [];
    for await (const value of readAhead([1, 2, 3, 4, 5, 6, 7], read)) got.push(value);
    expect(got).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it('fails at the window that failed, after the windows before it, with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Window 2 fails at once, while window 1 is still being read and then used.
      const read = async (window: number) => {
        if (window === 2) throw new Error('window 2 failed');
        await sleep(30);
        return window;
      };
      const got: number[] = [];
      const consume = async () => {
        for await (const value of readAhead([1, 2, 3], read)) {
          got.push(value);
          await sleep(30);
        }
      };
      await expect(consume()).rejects.toThrow('window 2 failed');
      expect(got).toEqual([1]);

      // A consumer that stops after the first window leaves a failing window behind, unawaited.
      for await (const value of readAhead([1, 2, 3], read)) {
        expect(value).toBe(1);
        break;
      }
      await sleep(100);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
