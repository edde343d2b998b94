/**
 * Worker threads kept between jobs (server/projection/run-worker.ts): a
 * module's next job runs in the worker the last one left idle, instead of
 * paying half a second of CPU to start another; a worker that failed is
 * not kept, and the next job runs in a new one.
 */
import { describe, expect, it } from 'vitest';
import { runWorker } from '../run-worker.js';

const echo = new URL('./echo-worker.ts', import.meta.url);
type Answer = { threadId: number; value: unknown };

describe('runWorker', () => {
  it('runs the next job in the worker the last one left idle', async () => {
    const first = await runWorker<Answer>(echo, { value: 1 });
    const second = await runWorker<Answer>(echo, { value: 2 });
    expect(first.value).toBe(1);
    expect(second).toEqual({ threadId: first.threadId, value: 2 });
  });

  it('runs jobs at the same time in workers of their own', async () => {
    const answers = await Promise.all([1, 2, 3].map((value) => runWorker<Answer>(echo, { value })));
    expect(answers.map((a) => a.value)).toEqual([1, 2, 3]);
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(3);
  });

  it('rejects a job whose worker fails, and runs the next in a new worker', async () => {
    const before = await runWorker<Answer>(echo, { value: 'before' });
    await expect(runWorker<Answer>(echo, { fail: true })).rejects.toThrow('asked to fail');
    const after = await runWorker<Answer>(echo, { value: 'after' });
    expect(after.value).toBe('after');
    expect(after.threadId).not.toBe(before.threadId);
  });
});
