/** The controller's per-identity work queue: collapsing, per-key backoff with full jitter, isolation. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../controller/run/work-queue.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('WorkQueue', () => {
  it('collapses a key added twice while waiting, and holds one added while active until it is done', () => {
    const q = new WorkQueue();
    q.add('VirtualMachine/account:a/web-1');
    q.add('VirtualMachine/account:a/web-1');
    q.add('Zone//z1');
    expect(q.takeAll().sort()).toEqual(['VirtualMachine/account:a/web-1', 'Zone//z1']);
    expect(q.takeAll()).toEqual([]);
    q.add('Zone//z1'); // changed again while being worked on
    expect(q.takeAll()).toEqual([]); // never twice at once
    q.done('Zone//z1', 'ok');
    expect(q.takeAll()).toEqual(['Zone//z1']);
  });

  it('brings a failed key back after a full-jitter backoff that doubles per failure; others are not held up', () => {
    vi.useFakeTimers();
    const draws = [0.5, 0.5, 0.999];
    const q = new WorkQueue({ backoff: { baseDelayMs: 100, maxDelayMs: 250 }, random: () => draws.shift()!, now: () => Date.now() });
    q.add('bad');
    q.add('good');
    q.takeAll();
    q.done('bad', 'failed');
    q.done('good', 'ok');
    expect(q.has('bad')).toBe(true);
    expect(q.failuresOf('bad')).toBe(1);
    q.add('other');
    expect(q.takeAll()).toEqual(['other']); // a failing key does not block the rest
    q.done('other', 'ok');
    vi.advanceTimersByTime(49);
    expect(q.takeAll()).toEqual([]); // 0.5 × 100 ms
    vi.advanceTimersByTime(1);
    expect(q.takeAll()).toEqual(['bad']);
    q.done('bad', 'failed'); // second failure: 0.5 × 200 ms
    vi.advanceTimersByTime(99);
    expect(q.takeAll()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(q.takeAll()).toEqual(['bad']);
    q.done('bad', 'failed'); // third: ceiling 400 capped at 250 → 0.999 × 250
    expect(q.retryAt('bad')! - Date.now()).toBeCloseTo(249.75, 1);
    vi.advanceTimersByTime(250);
    expect(q.takeAll()).toEqual(['bad']);
    q.done('bad', 'ok');
    expect(q.failuresOf('bad')).toBe(0);
    expect(q.has('bad')).toBe(false);
  });

  it('a key asked for again (a new commit) skips its pending backoff; shutdown drops retries and refuses adds', () => {
    vi.useFakeTimers();
    const ready = vi.fn();
    const q = new WorkQueue({ backoff: { baseDelayMs: 10_000, maxDelayMs: 10_000 }, random: () => 0.9, onReady: ready });
    q.add('k');
    q.takeAll();
    q.done('k', 'failed');
    expect(q.takeAll()).toEqual([]);
    q.add('k');
    expect(q.takeAll()).toEqual(['k']);
    q.done('k', 'failed');
    q.shutdown();
    vi.advanceTimersByTime(20_000);
    q.add('new');
    expect(q.takeAll()).toEqual([]);
    expect(ready).toHaveBeenCalledTimes(2);
  });
});
