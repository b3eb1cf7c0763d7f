import type { Kind } from '../../desired-state/model.js';
import type { ObservedResource, Provider } from '../../providers/provider.js';
import type { Action, ActionOp, ActionResult } from '../../reconcilers/action.js';
import { placementHost } from '../../controller/executor/execute-plan.js';

export interface FakeCall {
  id: string;
  op: ActionOp;
  /** 1-based count of calls for this (id, op). */
  n: number;
  host: string | undefined;
  start: number;
  end?: number;
  outcome?: 'ok' | 'error';
}

export interface FakeProviderOptions {
  /** The plan, so each call can check its preconditions (every dependency applied). */
  plan?: readonly Action[];
  /** Limits the fake checks on every call. */
  limits?: { concurrency?: number; perHost?: number };
  hostOf?: (action: Action) => string | undefined;
  /** Awaited before the call completes (latency, or a gate the test opens). Undefined: no wait at all. */
  latency?: (action: Action, call: FakeCall, signal: AbortSignal) => Promise<void> | undefined;
  /** An error to throw for this call, decided after the latency. */
  fault?: (action: Action, call: FakeCall) => unknown;
  /** Runs at the start of every call (e.g. to check the journal already holds the intent). */
  before?: (action: Action, call: FakeCall) => void;
  name?: string;
}

/**
 * An in-memory provider for the executor's tests (not the simulator): it applies nothing real, but
 * records every call, the concurrency it saw overall and per host, and every broken precondition.
 */
export class FakeProvider implements Provider {
  readonly name: string;
  readonly calls: FakeCall[] = [];
  /** Broken preconditions seen during calls; a correct executor leaves it empty. */
  readonly violations: string[] = [];
  /** Provider ops applied successfully per action id, in order. */
  readonly applied = new Map<string, ActionOp[]>();
  maxRunning = 0;
  readonly maxByHost = new Map<string, number>();
  running = 0;
  private readonly runningByHost = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private readonly plan: Map<string, Action>;
  private readonly clock0 = performance.now();

  constructor(private readonly options: FakeProviderOptions = {}) {
    this.name = options.name ?? 'fake';
    this.plan = new Map((options.plan ?? []).map((a) => [a.id, a]));
  }

  kinds(): readonly Kind[] {
    return ['VirtualMachine', 'Volume', 'Network'];
  }

  async observe(): Promise<ObservedResource[]> {
    return [];
  }

  /** True once the action's whole op (both halves of a replace) was applied. */
  done(id: string): boolean {
    const planned = this.plan.get(id);
    const ops = this.applied.get(id) ?? [];
    if (planned?.op === 'replace') return ops.includes('create');
    return ops.length > 0;
  }

  apply(action: Action, signal: AbortSignal): Promise<ActionResult> {
    const key = `${action.id}\0${action.op}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    const host = placementHost(action) ?? this.options.hostOf?.(action);
    const call: FakeCall = { id: action.id, op: action.op, n, host, start: performance.now() - this.clock0 };
    this.calls.push(call);
    this.enter(action, call);
    try {
      this.options.before?.(action, call);
    } catch (error) {
      this.violations.push(`${action.id}: ${(error as Error).message}`);
    }
    const wait = this.options.latency?.(action, call, signal);
    // Zero latency stays zero: no extra promise hop when there is nothing to wait for.
    return wait ? wait.then(() => this.finish(action, call), (e) => this.exitWith(call, e)) : this.finish(action, call);
  }

  private enter(action: Action, call: FakeCall): void {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const limit = this.options.limits;
    if (limit?.concurrency !== undefined && this.running > limit.concurrency) {
      this.violations.push(`${action.id}: ${this.running} calls at once, limit ${limit.concurrency}`);
    }
    if (call.host !== undefined) {
      const h = (this.runningByHost.get(call.host) ?? 0) + 1;
      this.runningByHost.set(call.host, h);
      this.maxByHost.set(call.host, Math.max(this.maxByHost.get(call.host) ?? 0, h));
      if (limit?.perHost !== undefined && h > limit.perHost) this.violations.push(`${action.id}: ${h} calls on ${call.host}, limit ${limit.perHost}`);
    }
    const planned = this.plan.get(action.id);
    if (planned) {
      for (const dep of planned.dependsOn) {
        if (!this.done(dep)) this.violations.push(`${action.id} (${action.op}) called before its dependency ${dep} was applied`);
      }
      if (this.done(action.id)) this.violations.push(`${action.id} called again after it was applied`);
      if (planned.op === 'replace') {
        const ops = this.applied.get(action.id) ?? [];
        if (action.op === 'create' && !ops.includes('delete')) this.violations.push(`${action.id}: replace's create before its delete`);
        if (action.op !== 'create' && action.op !== 'delete') this.violations.push(`${action.id}: replace reached the provider as ${action.op}`);
      } else if (action.op !== planned.op) {
        this.violations.push(`${action.id}: planned ${planned.op}, called with ${action.op}`);
      }
    }
  }

  private leave(call: FakeCall): void {
    this.running--;
    call.end = performance.now() - this.clock0;
    if (call.host !== undefined) this.runningByHost.set(call.host, this.runningByHost.get(call.host)! - 1);
  }

  private finish(action: Action, call: FakeCall): Promise<ActionResult> {
    const error = this.options.fault?.(action, call);
    if (error !== undefined) return this.exitWith(call, error);
    this.leave(call);
    call.outcome = 'ok';
    const ops = this.applied.get(action.id);
    if (ops) ops.push(action.op);
    else this.applied.set(action.id, [action.op]);
    return Promise.resolve({ externalId: `ext-${action.id}`, status: { host: call.host } });
  }

  private exitWith(call: FakeCall, error: unknown): Promise<never> {
    this.leave(call);
    call.outcome = 'error';
    return Promise.reject(error);
  }
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
