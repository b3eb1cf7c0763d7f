import { TransientError } from '../errors/transient-error.js';

/** The error an aborted call rejects with: the caller gave up, the world may or may not have changed. */
export function abortedError(signal: AbortSignal, what: string): TransientError {
  return new TransientError(`${what}: aborted${signal.reason instanceof Error ? ` (${signal.reason.message})` : ''}`, { cause: signal.reason });
}

/** Waits `ms` (no timer at all for 0: zero latency must cost nothing), rejecting as soon as `signal` aborts. */
export function waitLatency(ms: number, signal: AbortSignal, what: string): Promise<void> {
  if (signal.aborted) return Promise.reject(abortedError(signal, what));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal, what));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
