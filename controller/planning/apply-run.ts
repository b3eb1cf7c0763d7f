import type { ObservedResource, Provider } from '../../providers/provider.js';
import type { Action } from '../../reconcilers/action.js';
import type { Plan } from '../../reconcilers/plan.js';
import { executePlan, type ExecuteOptions, type ExecutionEvents, type ExecutionReport } from '../executor/execute-plan.js';
import type { Journal } from '../state/journal.js';
import { describeRecovery } from '../state/recovery.js';

export interface ApplyRunOptions {
  journal: Journal;
  events?: ExecutionEvents;
  signal?: AbortSignal;
  concurrency?: number;
  perHostConcurrency?: number;
  /** Called once the run is begun, with what an interrupted earlier run had in flight, if any. */
  onRecovered?: (message: string) => void;
  /** Executor settings beyond the limits (the controller's rate limit, retries and shutdown deadline). */
  execute?: Pick<ExecuteOptions, 'rateLimit' | 'retry' | 'drainTimeoutMs'>;
  /**
   * Record the plan's revision as applied when everything succeeded (default true). The controller
   * applies a revision in several plans (one per batch of resources) and records it itself.
   */
  recordApplied?: boolean;
  /**
   * Host of an existing VM's action, when the caller already has the observed world indexed (the
   * controller); otherwise it is indexed from `observed` here, which costs a string per VM.
   */
  hostOf?: (action: Action) => string | undefined;
}

export interface ApplyRun {
  runId: string;
  report: ExecutionReport;
  /** Everything succeeded: the revision is recorded as applied. */
  ok: boolean;
}

/**
 * One journaled execution of a plan: begin the run (closing and describing any run a killed process
 * left open), execute with per-host limits for existing VMs, end the run, and record the revision
 * as applied when everything succeeded. Shared by `cairn apply` and the apply benchmark.
 */
export async function runApply(plan: Plan, observed: readonly ObservedResource[], provider: Provider, opts: ApplyRunOptions): Promise<ApplyRun> {
  const { journal } = opts;
  const runId = await journal.beginRun({ revision: plan.revision, actions: plan.actions.length });
  const recovered = describeRecovery(journal.run(runId));
  if (recovered) opts.onRecovered?.(recovered);
  let hostOf = opts.hostOf;
  if (!hostOf) {
    const hosts = observedHosts(observed);
    hostOf = (a: Action) => hosts.get(`${a.kind}/${a.owner ?? ''}/${a.name}`);
  }
  const execute: ExecuteOptions = {
    journal,
    runId,
    revision: plan.revision,
    hostOf,
    ...(opts.events ? { events: opts.events } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.perHostConcurrency ? { perHostConcurrency: opts.perHostConcurrency } : {}),
    ...opts.execute,
  };
  const report = await executePlan(plan.actions, provider, execute);
  const ok = await endApplyRun(journal, runId, plan.revision, report, opts.recordApplied !== false);
  return { runId, report, ok };
}

/**
 * Closes a journaled run with its counts and, when everything succeeded (and `recordApplied`), records
 * the revision as applied. True when everything succeeded. The apply benchmark times this step apart.
 */
export async function endApplyRun(journal: Journal, runId: string, revision: Plan['revision'], report: ExecutionReport, recordApplied = true): Promise<boolean> {
  const ok = report.failed.length === 0 && report.skipped.length === 0 && report.notStarted.length === 0;
  await journal.endRun(runId, {
    succeeded: report.succeeded.length,
    failed: report.failed.length,
    skipped: report.skipped.length,
    notStarted: report.notStarted.length,
    cancelled: report.cancelled,
    durationMs: report.durationMs,
  });
  if (ok && recordApplied) await journal.setAppliedRevision(revision);
  return ok;
}

/** Host of each observed VM: the per-host limit for actions on VMs that already exist. */
export function observedHosts(observed: readonly ObservedResource[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of observed) {
    if (o.kind === 'VirtualMachine' && typeof o.status.host === 'string') out.set(`${o.kind}/${o.owner ?? ''}/${o.name}`, o.status.host);
  }
  return out;
}
