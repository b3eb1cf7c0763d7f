import type pino from 'pino';
import type { Provider } from '../../providers/provider.js';
import type { Action, ActionResult } from '../../reconcilers/action.js';
import { keyOf } from '../../reconcilers/identity.js';
import type { PlanOptions } from '../../reconcilers/plan.js';
import type { ExecuteOptions } from '../executor/execute-plan.js';
import { runApply } from '../planning/apply-run.js';
import type { Journal } from '../state/journal.js';
import type { ControllerEvent, ControllerMetrics } from './controller-view.js';
import type { DesiredRevision } from './desired-revision.js';
import type { ObservedState } from './observed-state.js';
import { planKeys } from './scoped-plan.js';

export interface BatchInput {
  keys: readonly string[];
  desired: DesiredRevision;
  observed: ObservedState;
  provider: Provider;
  journal: Journal;
  plan: PlanOptions;
  logger: pino.Logger;
  signal: AbortSignal;
  /** Identities drifted under `report` that git did not change: never acted on. */
  reportedOnly: (key: string) => boolean;
  emit: (event: ControllerEvent) => void;
  metrics?: ControllerMetrics;
  execute: Pick<ExecuteOptions, 'rateLimit' | 'retry' | 'drainTimeoutMs'>;
  concurrency?: number;
}

export interface KeyOutcome {
  ok: boolean;
  /** Not attempted (shutdown): neither a success nor a failure. */
  notStarted?: boolean;
  error?: string;
}

/**
 * One pass of the work queue: plan the keys (scoped-plan.ts), apply the plan through the journal
 * (runApply, the same path as `cairn apply`), patch the cached observation with what succeeded,
 * and say per key how it went. A plan error fails only the keys it names; a whole-plan error
 * (mass deletion) fails every key of the batch.
 */
export async function reconcileBatch(input: BatchInput): Promise<Map<string, KeyOutcome>> {
  const { keys, logger } = input;
  const outcome = new Map<string, KeyOutcome>();
  const keySet = new Set(keys.filter((k) => !input.reportedOnly(k)));
  for (const k of keys) if (!keySet.has(k)) outcome.set(k, { ok: true });
  if (keySet.size === 0) return outcome;

  const t0 = performance.now();
  const scoped = planKeys(input.desired, input.observed, keySet, input.plan);
  const { plan } = scoped;
  const planMs = performance.now() - t0;
  logger.debug({ keys: keySet.size, scope: scoped.scope, planned: scoped.planned, actions: plan.actions.length, planMs: Math.round(planMs) }, 'batch planned');

  if (plan.errors.length > 0) {
    const blame = new Map<string, string[]>();
    const general: string[] = [];
    for (const e of plan.errors) {
      if (e.kind === undefined) general.push(e.message);
      else {
        const k = keyOf(e.kind, e.owner, e.name ?? '');
        blame.set(k, [...(blame.get(k) ?? []), e.message]);
      }
    }
    for (const e of plan.errors) logger.error({ code: e.code, kind: e.kind, name: e.name, owner: e.owner }, `plan error: ${e.message}`);
    const failedKeys = general.length > 0 ? [...keySet] : [...keySet].filter((k) => blame.has(k));
    for (const k of failedKeys) outcome.set(k, { ok: false, error: [...(blame.get(k) ?? []), ...general].join('; ') });
    // The rest is applied without the refused identities (and what depends on them).
    if (failedKeys.length === keySet.size) return outcome;
    for (const k of failedKeys) keySet.delete(k);
    return mergeOutcomes(outcome, await reconcileBatch({ ...input, keys: [...keySet] }));
  }

  const actionsOf = new Map<string, Action[]>();
  for (const a of plan.actions) {
    const k = keyOf(a.kind, a.owner, a.name);
    actionsOf.set(k, [...(actionsOf.get(k) ?? []), a]);
  }
  if (plan.actions.length === 0) {
    for (const k of keySet) outcome.set(k, { ok: true });
    return outcome;
  }

  const emitAction = (a: Action, result: 'started' | 'succeeded' | 'failed' | 'retrying', error?: string) =>
    input.emit({ type: 'action', at: new Date().toISOString(), op: a.op, kind: a.kind, name: a.name, account: a.owner ?? null, result, ...(error ? { error } : {}) });
  const { report } = await runApply(plan, input.observed.all, input.provider, {
    journal: input.journal,
    signal: input.signal,
    recordApplied: false,
    hostOf: (a) => {
      const host = a.kind === 'VirtualMachine' ? input.observed.byIdentity.get(a.kind, a.owner, a.name)?.status.host : undefined;
      return typeof host === 'string' ? host : undefined;
    },
    execute: input.execute,
    ...(input.concurrency ? { concurrency: input.concurrency } : {}),
    onRecovered: (message) => logger.warn(message),
    events: {
      onStart: (a, attempt, op) => {
        logger.info({ action: a.id, kind: a.kind, name: a.name, owner: a.owner, op, attempt }, 'action started');
        emitAction(a, 'started');
      },
      onRetry: (a, attempt, delayMs, error) => {
        logger.warn({ action: a.id, attempt, delayMs: Math.round(delayMs), code: error.code }, `action retried: ${error.message}`);
        input.metrics?.observeAction(a.kind, a.op, 'retried', 0);
        emitAction(a, 'retrying', error.message);
      },
      onSuccess: (a, _result, info) => {
        logger.info({ action: a.id, kind: a.kind, name: a.name, owner: a.owner, op: a.op, durationMs: Math.round(info.durationMs) }, 'action succeeded');
        input.metrics?.observeAction(a.kind, a.op, 'succeeded', info.durationMs / 1000);
        emitAction(a, 'succeeded');
      },
      onFailure: (a, failure, info) => {
        logger.error({ action: a.id, kind: a.kind, name: a.name, owner: a.owner, op: a.op, code: failure.code }, `action failed: ${failure.error}`);
        input.metrics?.observeAction(a.kind, a.op, 'failed', info.durationMs / 1000);
        emitAction(a, 'failed', failure.error);
      },
    },
  });

  const succeeded = new Set(report.succeeded);
  const failed = new Map(report.failed.map((f) => [f.id, f] as const));
  const skipped = new Map(report.skipped.map((s) => [s.id, s.reason] as const));
  const done: { action: Action; result: ActionResult }[] = [];
  for (const a of plan.actions) if (succeeded.has(a.id)) done.push({ action: a, result: report.results.get(a.id) ?? {} });
  input.observed.patch(done);

  for (const k of keySet) {
    const actions = actionsOf.get(k) ?? [];
    if (actions.every((a) => succeeded.has(a.id))) {
      outcome.set(k, { ok: true });
      continue;
    }
    const errors = actions.flatMap((a) => (failed.has(a.id) ? [failed.get(a.id)!] : []));
    const interrupted = errors.length > 0 && errors.every((f) => f.kind === 'cancelled' || f.kind === 'interrupted');
    if ((errors.length === 0 && actions.every((a) => succeeded.has(a.id) || report.notStarted.includes(a.id))) || interrupted) {
      outcome.set(k, { ok: false, notStarted: true });
      continue;
    }
    const message = errors.map((f) => f.error).concat(actions.flatMap((a) => (skipped.has(a.id) ? [skipped.get(a.id)!] : []))).join('; ');
    outcome.set(k, { ok: false, error: message || 'not applied' });
  }
  return outcome;
}

function mergeOutcomes(a: Map<string, KeyOutcome>, b: Map<string, KeyOutcome>): Map<string, KeyOutcome> {
  for (const [k, v] of b) a.set(k, v);
  return a;
}
