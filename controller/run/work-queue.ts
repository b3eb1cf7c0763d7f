import { backoffDelay, type RetryPolicy } from '../executor/retry-policy.js';

export interface WorkQueueOptions {
  /** Backoff of a key that keeps failing: full jitter, `baseDelayMs` doubling up to `maxDelayMs`. */
  backoff?: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  random?: () => number;
  now?: () => number;
  /** Called whenever a key may have become ready (added, or its backoff ended). */
  onReady?: () => void;
}

export const DEFAULT_KEY_BACKOFF = Object.freeze({ baseDelayMs: 500, maxDelayMs: 5 * 60_000 });

/**
 * controller-runtime's work queue, per resource identity (`Kind/owner/name`):
 * - a key added while it is already waiting collapses into the waiting one;
 * - a key added while it is being worked on waits until that work is done (never twice at once);
 * - a key whose work failed comes back after its own backoff (full jitter, doubling per failure),
 *   while every other key goes on: one failing resource never holds up the rest;
 * - `forget` (work succeeded) resets the key's failure count.
 */
export class WorkQueue {
  private readonly waiting = new Set<string>();
  private readonly active = new Set<string>();
  /** Added again while active: queued once the active work is done. */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly backoff: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  private readonly random: () => number;
  private readonly now: () => number;
  private shutDown = false;

  constructor(private readonly options: WorkQueueOptions = {}) {
    this.backoff = options.backoff ?? DEFAULT_KEY_BACKOFF;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  add(key: string): void {
    if (this.shutDown) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    // Work asked for now beats a pending retry.
    const d = this.delayed.get(key);
    if (d) {
      clearTimeout(d.timer);
      this.delayed.delete(key);
    }
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.options.onReady?.();
  }

  /** Every waiting key, now active: the caller works on them and calls `done` for each. */
  takeAll(limit = Infinity): string[] {
    const out: string[] = [];
    for (const key of this.waiting) {
      if (out.length >= limit) break;
      out.push(key);
    }
    for (const key of out) {
      this.waiting.delete(key);
      this.active.add(key);
    }
    return out;
  }

  /** The work on `key` is over: `ok` forgets its failures, otherwise it comes back after its backoff. */
  done(key: string, outcome: 'ok' | 'failed' | 'again'): void {
    this.active.delete(key);
    if (outcome === 'ok') this.failures.delete(key);
    if (outcome === 'failed') {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.dirty.delete(key);
      this.addAfter(key, backoffDelay({ ...this.backoff, maxAttempts: Infinity, maxConflicts: 0 }, n, this.random));
      return;
    }
    if (outcome === 'again' || this.dirty.delete(key)) this.add(key);
  }

  /** Consecutive failures of a key (0 once it succeeded). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Waiting, being worked on, or waiting out a backoff. */
  has(key: string): boolean {
    return this.waiting.has(key) || this.active.has(key) || this.delayed.has(key) || this.dirty.has(key);
  }

  /** When a key in backoff comes back (epoch ms), if it is in backoff. */
  retryAt(key: string): number | undefined {
    return this.delayed.get(key)?.at;
  }

  get depth(): number {
    return this.waiting.size + this.delayed.size + this.active.size;
  }

  get readyCount(): number {
    return this.waiting.size;
  }

  /** Keys still owed work: waiting, active or in backoff. */
  pendingKeys(): string[] {
    return [...new Set([...this.waiting, ...this.active, ...this.delayed.keys(), ...this.dirty])];
  }

  /** No more adds; pending retries are dropped (they are planned again after a restart). */
  shutdown(): void {
    this.shutDown = true;
    for (const d of this.delayed.values()) clearTimeout(d.timer);
    this.delayed.clear();
  }

  private addAfter(key: string, ms: number): void {
    if (this.shutDown) return;
    const prev = this.delayed.get(key);
    if (prev) clearTimeout(prev.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.delayed.set(key, { at: this.now() + ms, timer });
  }
}
