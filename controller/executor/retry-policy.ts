/**
 * Per-resource retry with exponential backoff and full jitter, after controller-runtime's
 * ItemExponentialFailureRateLimiter (base 5 ms) with the jitter AWS recommends ("Exponential Backoff
 * And Jitter"): after the n-th failure the wait is uniform in [0, min(cap, base·2^(n-1))), so a
 * burst of failures against one busy provider does not come back as a synchronized burst.
 *
 * controller-runtime caps at 1000 s because a controller retries forever; an apply is a person
 * waiting at a terminal, so the cap is 30 s and attempts are bounded. With the defaults (12 attempts)
 * the waits add up to at most ~10 s (about 5 s expected) before an action is given up.
 */
export interface RetryPolicy {
  /** First backoff ceiling, ms. */
  baseDelayMs: number;
  /** Ceiling of any one backoff, ms. */
  maxDelayMs: number;
  /** Provider calls per action step (the first included) before a transient error becomes a failure. */
  maxAttempts: number;
  /** ConflictErrors tolerated per action (retried like transient ones) before it fails asking for a re-plan. */
  maxConflicts: number;
  /** Optional budget per action from its first call, ms: no retry is scheduled that would end past it. */
  deadlineMs?: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  baseDelayMs: 5,
  maxDelayMs: 30_000,
  maxAttempts: 12,
  maxConflicts: 3,
});

/** Upper bound of the backoff after `failures` consecutive failures (1-based). */
export function backoffCeiling(policy: RetryPolicy, failures: number): number {
  // 2^1000 is Infinity, which min() caps: no overflow to worry about for any failure count.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
}

/** Full jitter: uniform in [0, ceiling). `random` returns [0, 1) like Math.random. */
export function backoffDelay(policy: RetryPolicy, failures: number, random: () => number): number {
  return random() * backoffCeiling(policy, failures);
}
