/**
 * The executor: the only part of the pipeline with effects. It runs a plan's actions against
 * providers in dependency order, as parallel as the limits allow, retries what is worth retrying,
 * journals every call, and reports what happened to every action.
 *
 * Scheduling. An action becomes ready when every action it depends on has succeeded. A ready
 * action passes through up to three p-queues, outermost first: its host's (placement host, at most
 * `perHostConcurrency` calls at once), its provider's (`perProviderConcurrency`), and the global one
 * (`concurrency`, plus the optional rate limit that protects providers). Holding an outer slot while
 * waiting for an inner one is safe (inner slots never wait on anything) and keeps one busy host from
 * filling the global queue. Ready actions with the longest chain of dependents go first.
 *
 * Retries (retry-policy.ts) happen outside the queues: a failed attempt gives its slots back, waits
 * its backoff, and queues again, as a controller-runtime work queue requeues an item.
 *
 * Failure. A PermanentError, an exhausted retry budget, or anything a provider should never throw
 * fails that action; everything depending on it, transitively, is skipped; the rest goes on.
 *
 * Cancellation (`signal`). No new call is started; calls in flight finish, up to `drainTimeoutMs`,
 * after which the signal given to providers is aborted and the executor returns without them
 * (reported failed, code EXECUTOR_INTERRUPTED; their intents stay without outcome in the journal).
 * Actions waiting for a retry fail (EXECUTOR_CANCELLED); the rest are reported not started.
 */
import { setMaxListeners } from 'node:events';
import PQueue from 'p-queue';
import type { Action, ActionOp, ActionResult } from '../../reconcilers/action.js';
import type { Provider } from '../../providers/provider.js';
import type { ExecutionJournal, RunSummary } from '../state/journal-records.js';
import { abortableSleep } from './abortable-sleep.js';
import { classifyError, type ClassifiedError } from './classify-error.js';
import { buildDependencyGraph, type GraphNode } from './dependency-graph.js';
import type { ExecutionEvents } from './execution-events.js';
import type { ExecutionReport, FailedAction } from './execution-report.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, type RetryPolicy } from './retry-policy.js';

export type { ExecutionEvents } from './execution-events.js';
export type { ExecutionReport, FailedAction, SkippedAction } from './execution-report.js';
export type { ClassifiedError, FailureKind } from './classify-error.js';
export { DEFAULT_RETRY_POLICY, backoffCeiling, backoffDelay, type RetryPolicy } from './retry-policy.js';
export { InvalidPlanError } from './errors/invalid-plan-error.js';

/** One provider for every action, or a choice per action (by kind, by cluster hypervisor, ...). */
export type ProviderChoice = Provider | ((action: Action) => Provider);

/** A journal the executor can start and end its own run in (the lmdb Journal is one). */
export interface RunJournal extends ExecutionJournal {
  beginRun(meta: { revision: string | null; actions: number }): Promise<string>;
  endRun(runId: string, summary: RunSummary): Promise<void>;
}

export const DEFAULT_EXECUTION_LIMITS = Object.freeze({
  /** Provider calls in flight at once (terraform's default parallelism is 10). */
  concurrency: 16,
  /** Calls in flight on one hypervisor host at once. */
  perHostConcurrency: 4,
  /** Calls in flight per provider; unlimited beyond `concurrency` unless set. */
  perProviderConcurrency: Infinity,
  /** How long running calls may take to finish after cancellation, ms. */
  drainTimeoutMs: 30_000,
});

export interface ExecuteOptions {
  concurrency?: number;
  perHostConcurrency?: number;
  perProviderConcurrency?: number;
  /**
   * Host of an action that has no `placement.host` (an update, start, stop or delete of an existing
   * VM: the observed host). Actions with no host are limited only globally.
   */
  hostOf?: (action: Action) => string | undefined;
  /** At most `intervalCap` calls started per `intervalMs` across the run (p-queue's rate limit). Default: none. */
  rateLimit?: { intervalCap: number; intervalMs: number };
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  drainTimeoutMs?: number;
  /**
   * Intent before each call (awaited: durable before the call), outcome after. Give `runId` when
   * the caller began the run; otherwise a RunJournal's run is begun and ended here.
   */
  journal?: ExecutionJournal | RunJournal;
  runId?: string;
  /** Revision recorded when the executor begins the journal run itself. */
  revision?: string | null;
  events?: ExecutionEvents;
  /** Epoch ms (fractional allowed). Default: performance-based wall clock. */
  now?: () => number;
  /** [0, 1). Default Math.random. */
  random?: () => number;
  /** Waits ms or until the signal aborts. Default: setTimeout. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Runs a plan; never throws for what providers do (see ExecutionReport). Throws InvalidPlanError for a malformed plan. */
export async function executePlan(
  actions: readonly Action[],
  provider: ProviderChoice,
  options: ExecuteOptions = {},
): Promise<ExecutionReport> {
  return new PlanExecution(actions, provider, options).run();
}

/** The placement host an action was planned onto, if any. */
export function placementHost(action: Action): string | undefined {
  const host = action.placement?.['host'];
  return typeof host === 'string' && host !== '' ? host : undefined;
}

/** Where each action is; kept in a byte array (plans reach tens of thousands of actions). */
const State = { Waiting: 0, Queued: 1, Running: 2, Backoff: 3, Succeeded: 4, Failed: 5, Skipped: 6, NotStarted: 7 } as const;

const defaultNow = () => performance.timeOrigin + performance.now();

class PlanExecution {
  private readonly nodes: GraphNode[];
  private readonly n: number;
  private readonly state: Uint8Array;
  /** Dependencies not yet succeeded. */
  private readonly pending: Int32Array;
  /** Provider calls made, all steps together. */
  private readonly attempts: Int32Array;
  /** Calls made for the current step (a replace has two steps: delete, create). */
  private readonly stepAttempts: Int32Array;
  private readonly step: Uint8Array;
  private readonly conflictCount: Int32Array;
  private readonly firstStart: Float64Array;
  private readonly lastError: (ClassifiedError | undefined)[];
  private readonly providers: Provider[];
  private readonly hosts: (string | undefined)[];

  private readonly policy: RetryPolicy;
  private readonly global: PQueue;
  private readonly hostQueues = new Map<string, PQueue>();
  private readonly providerQueues = new Map<string, PQueue>();
  private readonly perHost: number;
  private readonly perProvider: number;
  private readonly drainTimeoutMs: number;
  private readonly events: ExecutionEvents;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly journal: ExecutionJournal | undefined;
  private runId: string | undefined;

  /** Aborted on cancellation: wakes actions waiting for a retry. */
  private readonly wake = new AbortController();
  /** Aborted at the drain deadline: the signal providers see. */
  private readonly providerAbort = new AbortController();

  private readonly results = new Map<string, ActionResult>();
  private readonly failures = new Map<number, FailedAction>();
  private readonly skipReasons = new Map<number, string>();
  private readonly running = new Set<number>();
  private readonly backingOff = new Set<number>();
  private readonly pendingOutcomes = new Set<Promise<void>>();
  private readonly warnings: string[] = [];
  private terminal = 0;
  private finishedCalls = 0;
  private cancelled = false;
  private finished = false;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  private resolveDone!: () => void;
  private readonly done = new Promise<void>((resolve) => { this.resolveDone = resolve; });

  constructor(
    actions: readonly Action[],
    provider: ProviderChoice,
    private readonly options: ExecuteOptions,
  ) {
    // Every call in flight listens on this one signal (a provider's abortable wait): hundreds of
    // listeners are expected, not a leak.
    setMaxListeners(0, this.providerAbort.signal, this.wake.signal);
    this.nodes = buildDependencyGraph(actions);
    const n = (this.n = actions.length);
    this.state = new Uint8Array(n);
    this.pending = Int32Array.from(this.nodes, (node) => node.dependsOn.length);
    this.attempts = new Int32Array(n);
    this.stepAttempts = new Int32Array(n);
    this.step = new Uint8Array(n);
    this.conflictCount = new Int32Array(n);
    this.firstStart = new Float64Array(n);
    this.lastError = new Array(n);
    this.providers = actions.map((a) => (typeof provider === 'function' ? provider(a) : provider));
    this.hosts = actions.map((a) => placementHost(a) ?? options.hostOf?.(a));

    // Options straight from flags may carry undefined: those keep the default.
    this.policy = { ...DEFAULT_RETRY_POLICY };
    for (const [key, value] of Object.entries(options.retry ?? {})) {
      if (value !== undefined) (this.policy as unknown as Record<string, number>)[key] = value;
    }
    this.perHost = positiveLimit(options.perHostConcurrency, DEFAULT_EXECUTION_LIMITS.perHostConcurrency, 'perHostConcurrency');
    this.perProvider = positiveLimit(options.perProviderConcurrency, DEFAULT_EXECUTION_LIMITS.perProviderConcurrency, 'perProviderConcurrency');
    const concurrency = positiveLimit(options.concurrency, DEFAULT_EXECUTION_LIMITS.concurrency, 'concurrency');
    this.global = new PQueue(options.rateLimit
      ? { concurrency, intervalCap: options.rateLimit.intervalCap, interval: options.rateLimit.intervalMs }
      : { concurrency });
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_EXECUTION_LIMITS.drainTimeoutMs;
    this.events = options.events ?? {};
    this.now = options.now ?? defaultNow;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? abortableSleep;
    this.journal = options.journal;
    this.runId = options.runId;
    if (this.journal && this.runId === undefined && !isRunJournal(this.journal)) {
      throw new TypeError('executePlan: a journal without beginRun needs options.runId');
    }
  }

  async run(): Promise<ExecutionReport> {
    const started = this.now();
    const ownRun = this.journal !== undefined && this.runId === undefined;
    if (ownRun) {
      this.runId = await (this.journal as RunJournal).beginRun({ revision: this.options.revision ?? null, actions: this.n });
    }
    const signal = this.options.signal;
    const onAbort = () => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) this.cancel();
      else {
        for (let i = 0; i < this.n; i++) if (this.pending[i] === 0) this.enqueue(i);
        this.settle();
      }
      await this.done;
      // Outcomes are written without holding up the next call; the run is over when they are in.
      await Promise.all([...this.pendingOutcomes]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    const report = this.report(this.now() - started);
    if (ownRun) {
      await (this.journal as RunJournal).endRun(this.runId!, {
        succeeded: report.succeeded.length, failed: report.failed.length, skipped: report.skipped.length,
        notStarted: report.notStarted.length, cancelled: report.cancelled, durationMs: report.durationMs,
      });
    }
    return report;
  }

  private enqueue(i: number): void {
    this.state[i] = State.Queued;
    const priority = this.nodes[i]!.criticalPath;
    let task: () => Promise<void> = () => this.global.add(() => this.attempt(i), { priority });
    if (this.perProvider !== Infinity) {
      const queue = queueFor(this.providerQueues, this.providers[i]!.name, this.perProvider);
      const inner = task;
      task = () => queue.add(inner, { priority });
    }
    const host = this.hosts[i];
    if (host !== undefined && this.perHost !== Infinity) {
      const queue = queueFor(this.hostQueues, host, this.perHost);
      const inner = task;
      task = () => queue.add(inner, { priority });
    }
    task().catch((error: unknown) => this.internalError(i, error));
  }

  /** One pass through the queues: provider calls for the action's remaining steps, until done or a retry is due. */
  private async attempt(i: number): Promise<void> {
    if (this.cancelled || this.finished) return; // left Queued: reported not started
    const action = this.nodes[i]!.action;
    this.state[i] = State.Running;
    this.running.add(i);
    if (this.attempts[i] === 0) this.firstStart[i] = this.now();
    const provider = this.providers[i]!;
    for (;;) {
      const op: ActionOp = action.op === 'replace' ? (this.step[i] === 0 ? 'delete' : 'create') : action.op;
      const attempt = ++this.stepAttempts[i]!;
      this.attempts[i]!++;
      if (this.journal) {
        try {
          await this.journal.intent({
            runId: this.runId!, actionId: action.id, op, ...(op !== action.op ? { planOp: action.op } : {}),
            kind: action.kind, ...(action.owner !== undefined ? { owner: action.owner } : {}), name: action.name,
            attempt, startedAt: this.now(),
          });
        } catch (error) {
          // Without a durable intent the call must not be made: a crash would leave no trace of it.
          this.attempts[i]!--;
          if (!this.finished) {
            this.fail(i, { kind: 'journal', code: 'EXECUTOR_JOURNAL', errorClass: errorName(error), message: `journal: could not record the intent: ${errorMessage(error)}` }, true);
          }
          return;
        }
        if (this.finished) return;
      }
      this.emit('onStart', action, attempt, op);
      let result: ActionResult | undefined;
      let thrown: unknown;
      let ok = true;
      try {
        result = await provider.apply(op === action.op ? action : { ...action, op }, this.providerAbort.signal);
      } catch (error) {
        ok = false;
        thrown = error;
      }
      const classified = ok ? undefined : classifyError(thrown);
      if (this.journal) this.recordOutcome(action.id, op, attempt, classified, result);
      if (this.finished) return; // stopped at the drain deadline; already reported
      if (!classified) {
        if (action.op === 'replace' && this.step[i] === 0) {
          // The delete half of a replace is done: its create follows in the same slot.
          this.step[i] = 1;
          this.stepAttempts[i] = 0;
          continue;
        }
        this.succeed(i, result ?? {});
        return;
      }
      this.afterError(i, classified);
      return;
    }
  }

  private afterError(i: number, error: ClassifiedError): void {
    this.lastError[i] = error;
    const retryable = error.kind === 'transient' || error.kind === 'conflict';
    if (error.kind === 'conflict') this.conflictCount[i]!++;
    if (!retryable) return this.fail(i, error, true);
    if (this.cancelled) {
      return this.fail(i, { ...error, kind: 'cancelled', code: 'EXECUTOR_CANCELLED', message: `cancelled before a retry: ${error.message}` }, false);
    }
    const attempts = this.attempts[i]!;
    if (error.kind === 'conflict' && this.conflictCount[i]! > this.policy.maxConflicts) {
      return this.fail(i, { ...error, message: `the world kept changing under this action (${this.conflictCount[i]} conflicts; re-plan): ${error.message}` }, true);
    }
    if (this.stepAttempts[i]! >= this.policy.maxAttempts) {
      return this.fail(i, { ...error, message: `gave up after ${attempts} attempts: ${error.message}` }, true);
    }
    const delay = backoffDelay(this.policy, this.stepAttempts[i]!, this.random);
    const deadline = this.policy.deadlineMs;
    if (deadline !== undefined && this.now() + delay - this.firstStart[i]! > deadline) {
      return this.fail(i, { ...error, message: `gave up after ${attempts} attempts (${deadline} ms retry budget): ${error.message}` }, true);
    }
    this.running.delete(i);
    this.state[i] = State.Backoff;
    this.backingOff.add(i);
    this.emit('onRetry', this.nodes[i]!.action, this.stepAttempts[i]!, delay, error);
    this.sleep(delay, this.wake.signal).then(
      () => this.afterBackoff(i),
      (e: unknown) => this.internalError(i, e),
    );
    this.settle();
  }

  private afterBackoff(i: number): void {
    // Cancellation may have failed it meanwhile.
    if (this.state[i] !== State.Backoff || this.finished) return;
    this.backingOff.delete(i);
    this.enqueue(i);
  }

  private succeed(i: number, result: ActionResult): void {
    const node = this.nodes[i]!;
    this.running.delete(i);
    this.state[i] = State.Succeeded;
    this.results.set(node.action.id, result);
    this.terminal++;
    this.finishedCalls++;
    this.emit('onSuccess', node.action, result, { durationMs: this.now() - this.firstStart[i]!, attempts: this.attempts[i]! });
    if (!this.cancelled) {
      for (const d of node.dependents) {
        if (--this.pending[d]! === 0 && this.state[d] === State.Waiting) this.enqueue(d);
      }
    }
    this.settle();
  }

  /** Fails an action; unless the failure is the run's own doing (cancellation), its dependents are skipped. */
  private fail(i: number, error: ClassifiedError, skipDependents: boolean): void {
    const node = this.nodes[i]!;
    this.running.delete(i);
    this.backingOff.delete(i);
    this.state[i] = State.Failed;
    const failure: FailedAction = { id: node.action.id, error: error.message, code: error.code, kind: error.kind, attempts: this.attempts[i]! };
    this.failures.set(i, failure);
    this.terminal++;
    this.finishedCalls++;
    this.emit('onFailure', node.action, failure, { durationMs: this.attempts[i]! > 0 ? this.now() - this.firstStart[i]! : 0 });
    if (skipDependents) this.skipDependents(i);
    this.settle();
  }

  private skipDependents(failed: number): void {
    const reason = `dependency failed: ${this.nodes[failed]!.action.id}`;
    const stack = [...this.nodes[failed]!.dependents];
    while (stack.length > 0) {
      const d = stack.pop()!;
      // Only a Waiting action can depend on a failed one: nothing else leaves Waiting before all its dependencies succeeded.
      if (this.state[d] !== State.Waiting) continue;
      this.state[d] = State.Skipped;
      this.skipReasons.set(d, reason);
      this.terminal++;
      this.emit('onSkip', this.nodes[d]!.action, reason);
      stack.push(...this.nodes[d]!.dependents);
    }
  }

  private cancel(): void {
    if (this.cancelled || this.finished) return;
    this.cancelled = true;
    for (const i of [...this.backingOff]) {
      const last = this.lastError[i];
      this.fail(i, {
        kind: 'cancelled', code: 'EXECUTOR_CANCELLED', errorClass: last?.errorClass ?? 'Error',
        message: `cancelled while waiting to retry${last ? `: ${last.message}` : ''}`,
      }, false);
    }
    this.wake.abort();
    // An infinite drain waits for every running call (setTimeout would read Infinity as 1 ms).
    if (this.running.size > 0 && !this.finished && Number.isFinite(this.drainTimeoutMs)) {
      this.drainTimer = setTimeout(() => this.hardStop(), Math.min(this.drainTimeoutMs, 2 ** 31 - 1));
    }
    this.settle();
  }

  /** The drain deadline passed with calls still running: abort them and stop waiting. */
  private hardStop(): void {
    if (this.finished) return;
    this.providerAbort.abort(new Error('cairn: apply cancelled and the drain deadline passed'));
    for (const i of [...this.running]) {
      this.fail(i, {
        kind: 'interrupted', code: 'EXECUTOR_INTERRUPTED', errorClass: 'Error',
        message: `still running ${this.drainTimeoutMs} ms after cancellation; its outcome is unknown (re-plan to find out)`,
      }, false);
    }
    this.finalize();
  }

  private settle(): void {
    if (this.finished) return;
    if (this.terminal === this.n || (this.cancelled && this.running.size === 0 && this.backingOff.size === 0)) this.finalize();
  }

  private finalize(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    for (let i = 0; i < this.n; i++) {
      const s = this.state[i];
      if (s === State.Waiting || s === State.Queued) {
        this.state[i] = State.NotStarted;
        this.terminal++;
        this.emit('onNotStarted', this.nodes[i]!.action);
      }
    }
    // Whatever is still queued would only find the run finished.
    this.global.clear();
    for (const q of this.hostQueues.values()) q.clear();
    for (const q of this.providerQueues.values()) q.clear();
    this.wake.abort();
    this.resolveDone();
  }

  private recordOutcome(actionId: string, op: ActionOp, attempt: number, error: ClassifiedError | undefined, result: ActionResult | undefined): void {
    const write = this.journal!.outcome({
      runId: this.runId!, actionId, op, attempt, ok: !error,
      ...(error ? { errorClass: error.errorClass, errorCode: error.code, message: error.message } : {}),
      finishedAt: this.now(),
      ...(result ? { result } : {}),
    }).catch((e: unknown) => {
      // The call happened either way; a missing outcome only makes the journal more cautious
      // (it will list this call as possibly in flight).
      this.warnings.push(`journal: could not record the outcome of ${actionId} (${op}, attempt ${attempt}): ${errorMessage(e)}`);
    });
    this.pendingOutcomes.add(write);
    void write.then(() => this.pendingOutcomes.delete(write));
  }

  /** A bug in the executor itself (a queue rejected, a sleep threw): fail the action rather than hang the run. */
  private internalError(i: number, error: unknown): void {
    if (this.finished) return;
    const s = this.state[i];
    if (s === State.Succeeded || s === State.Failed || s === State.Skipped) return;
    this.fail(i, { kind: 'permanent', code: 'EXECUTOR_BUG', errorClass: errorName(error), message: `executor bug: ${errorMessage(error)}` }, true);
  }

  private emit<K extends keyof ExecutionEvents>(name: K, ...args: Parameters<NonNullable<ExecutionEvents[K]>>): void {
    const listener = this.events[name] as ((...a: unknown[]) => void) | undefined;
    if (!listener) return;
    try {
      listener.apply(this.events, args);
    } catch {
      // A display must never decide an apply's outcome.
    }
  }

  private report(durationMs: number): ExecutionReport {
    const report: ExecutionReport = {
      succeeded: [], failed: [], skipped: [], notStarted: [], conflicts: [], results: this.results,
      cancelled: this.cancelled, warnings: this.warnings, durationMs,
      actionsPerSecond: durationMs > 0 ? (this.finishedCalls * 1000) / durationMs : 0,
    };
    for (let i = 0; i < this.n; i++) {
      const id = this.nodes[i]!.action.id;
      switch (this.state[i]) {
        case State.Succeeded: report.succeeded.push(id); break;
        case State.Failed: report.failed.push(this.failures.get(i)!); break;
        case State.Skipped: report.skipped.push({ id, reason: this.skipReasons.get(i)! }); break;
        default: report.notStarted.push(id);
      }
      if (this.conflictCount[i]! > 0) report.conflicts.push({ id, count: this.conflictCount[i]! });
    }
    return report;
  }
}

function queueFor(map: Map<string, PQueue>, key: string, concurrency: number): PQueue {
  let queue = map.get(key);
  if (!queue) map.set(key, (queue = new PQueue({ concurrency })));
  return queue;
}

function positiveLimit(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!(v >= 1)) throw new RangeError(`executePlan: ${name} must be at least 1 (got ${v})`);
  return v;
}

function isRunJournal(journal: ExecutionJournal): journal is RunJournal {
  return typeof (journal as Partial<RunJournal>).beginRun === 'function' && typeof (journal as Partial<RunJournal>).endRun === 'function';
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
