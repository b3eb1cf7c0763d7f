import type { JournalRunRecord } from './journal.js';

/**
 * The line an apply prints when it began after interrupted runs, e.g.
 * "resumed after an interrupted run (run-7 at 2025-01-02T03:04:05.000Z): 3 actions were in flight".
 * Nothing is replayed: the plan was made from a fresh observation and idempotent calls absorb
 * whatever the interrupted run had half done (see journal.ts). Undefined when nothing was interrupted.
 */
export function describeRecovery(run: JournalRunRecord | undefined): string | undefined {
  const resumed = run?.resumedAfter;
  if (!resumed || resumed.length === 0) return undefined;
  const inFlight = new Set(resumed.flatMap((r) => r.inFlight.map((i) => `${r.runId}\0${i.actionId}`))).size;
  const runs = resumed.map((r) => `${r.runId} at ${new Date(r.startedAt).toISOString()}`).join(', ');
  const what = resumed.length === 1 ? `an interrupted run (${runs})` : `${resumed.length} interrupted runs (${runs})`;
  return `resumed after ${what}: ${inFlight} action${inFlight === 1 ? ' was' : 's were'} in flight`;
}
