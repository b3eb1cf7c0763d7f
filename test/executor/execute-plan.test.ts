import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY, InvalidPlanError, backoffCeiling, executePlan,
} from '../../controller/executor/execute-plan.js';
import type { ExecutionEvents } from '../../controller/executor/execute-plan.js';
import { ConflictError } from '../../providers/errors/conflict-error.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { TransientError } from '../../providers/errors/transient-error.js';
import { FakeProvider, sleepMs } from './fake-provider.js';
import { act, deferred, until } from './plan-fixtures.js';

const noSleep = { sleep: () => Promise.resolve() };

describe('executePlan: order and parallelism', () => {
  it('starts an action only after all its dependencies succeeded, and runs independent ones together', async () => {
    const plan = [act('zone'), act('net-a', ['zone']), act('net-b', ['zone']), act('vm', ['net-a', 'net-b']), act('other')];
    const provider = new FakeProvider({ plan, latency: () => sleepMs(10) });
    const report = await executePlan(plan, provider);

    expect(provider.violations).toEqual([]);
    expect(report.succeeded).toEqual(plan.map((a) => a.id));
    const call = (id: string) => provider.calls.find((c) => c.id === id)!;
    expect(call('net-a').start).toBeGreaterThanOrEqual(call('zone').end!);
    expect(call('vm').start).toBeGreaterThanOrEqual(Math.max(call('net-a').end!, call('net-b').end!));
    expect(provider.maxRunning).toBeGreaterThan(1); // zone and other; net-a and net-b
    expect(report.results.get('vm')).toEqual({ externalId: 'ext-vm', status: { host: undefined } });
    expect(report.failed).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.notStarted).toEqual([]);
  });

  it('respects the global concurrency limit', async () => {
    const plan = Array.from({ length: 30 }, (_, i) => act(`a${i}`));
    const provider = new FakeProvider({ plan, limits: { concurrency: 5 }, latency: () => sleepMs(2) });
    const report = await executePlan(plan, provider, { concurrency: 5 });
    expect(provider.violations).toEqual([]);
    expect(provider.maxRunning).toBe(5);
    expect(report.succeeded).toHaveLength(30);
  });

  it('respects the per-host limit, from placement or from hostOf', async () => {
    const plan = [
      ...Array.from({ length: 12 }, (_, i) => act(`h1-${i}`, [], { placement: { host: 'h1' } })),
      ...Array.from({ length: 12 }, (_, i) => act(`h2-${i}`, [], { op: 'start' })), // existing VMs: host known only to the caller
      ...Array.from({ length: 6 }, (_, i) => act(`free-${i}`, [], { kind: 'Network' })),
    ];
    const hostOf = (a: { id: string }) => (a.id.startsWith('h2-') ? 'h2' : undefined);
    const provider = new FakeProvider({ plan, hostOf, limits: { perHost: 2, concurrency: 8 }, latency: () => sleepMs(3) });
    const report = await executePlan(plan, provider, { concurrency: 8, perHostConcurrency: 2, hostOf });
    expect(provider.violations).toEqual([]);
    expect(provider.maxByHost.get('h1')).toBe(2);
    expect(provider.maxByHost.get('h2')).toBe(2);
    // A busy host does not hold the others back: host-less actions fill the remaining slots.
    expect(provider.maxRunning).toBeGreaterThan(4);
    expect(report.succeeded).toHaveLength(30);
  });

  it('limits calls per provider when several providers serve a plan', async () => {
    const plan = Array.from({ length: 20 }, (_, i) => act(`a${i}`, [], { kind: i % 2 ? 'Network' : 'VirtualMachine' }));
    const vms = new FakeProvider({ name: 'vms', latency: () => sleepMs(2) });
    const nets = new FakeProvider({ name: 'nets', latency: () => sleepMs(2) });
    const report = await executePlan(plan, (a) => (a.kind === 'Network' ? nets : vms), { perProviderConcurrency: 3 });
    expect(report.succeeded).toHaveLength(20);
    expect(vms.maxRunning).toBe(3);
    expect(nets.maxRunning).toBe(3);
    expect(vms.calls.every((c) => !c.id.match(/[13579]$/))).toBe(true);
  });

  it('honours a rate limit (intervalCap per interval)', async () => {
    const plan = Array.from({ length: 6 }, (_, i) => act(`a${i}`));
    const provider = new FakeProvider({ plan });
    const t0 = performance.now();
    const report = await executePlan(plan, provider, { rateLimit: { intervalCap: 2, intervalMs: 30 } });
    expect(report.succeeded).toHaveLength(6);
    // 6 calls at 2 per 30 ms need at least two full windows after the first.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('refuses a malformed plan before calling anything', async () => {
    const provider = new FakeProvider();
    await expect(executePlan([act('a'), act('a')], provider)).rejects.toThrow(InvalidPlanError);
    await expect(executePlan([act('a', ['ghost'])], provider)).rejects.toThrow(/depends on "ghost", which is not in the plan/);
    await expect(executePlan([act('a', ['c']), act('b', ['a']), act('c', ['b']), act('d')], provider))
      .rejects.toThrow(/dependency cycle: (a -> c -> b -> a|b -> a -> c -> b|c -> b -> a -> c)/);
    expect(provider.calls).toEqual([]);
  });

  it('returns an empty report for an empty plan', async () => {
    const report = await executePlan([], new FakeProvider());
    expect(report).toMatchObject({ succeeded: [], failed: [], skipped: [], notStarted: [], cancelled: false });
  });
});

describe('executePlan: retries', () => {
  it('retries transient failures with full-jitter backoff, then succeeds', async () => {
    const plan = [act('vm'), act('vol', ['vm'])];
    const provider = new FakeProvider({
      plan,
      fault: (a, call) => (a.id === 'vm' && call.n <= 4 ? new TransientError('host busy') : undefined),
    });
    const delays: number[] = [];
    const retries: [number, number, string][] = [];
    const randoms = [0.999, 0.5, 0, 0.25];
    const report = await executePlan(plan, provider, {
      random: () => randoms.shift()!,
      sleep: (ms) => { delays.push(ms); return Promise.resolve(); },
      events: { onRetry: (_a, attempt, delay, error) => retries.push([attempt, delay, error.code]) },
    });
    expect(provider.violations).toEqual([]);
    expect(report.succeeded).toEqual(['vm', 'vol']);
    expect(provider.calls.filter((c) => c.id === 'vm')).toHaveLength(5);
    // After the n-th failure: uniform in [0, min(cap, 5 ms · 2^(n-1))).
    expect(delays).toEqual([0.999 * 5, 0.5 * 10, 0, 0.25 * 40]);
    expect(retries.map((r) => r[0])).toEqual([1, 2, 3, 4]);
    expect(retries.every((r) => r[2] === 'PROVIDER_TRANSIENT')).toBe(true);
  });

  it('caps the backoff and gives up after maxAttempts, failing only that action and its dependents', async () => {
    const plan = [act('vm'), act('vol', ['vm']), act('snap', ['vol']), act('net')];
    const provider = new FakeProvider({ plan, fault: (a) => (a.id === 'vm' ? new TransientError('timeout') : undefined) });
    const delays: number[] = [];
    const report = await executePlan(plan, provider, {
      retry: { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1000 },
      random: () => 0.999999,
      sleep: (ms) => { delays.push(ms); return Promise.resolve(); },
    });
    expect(delays).toHaveLength(7);
    delays.forEach((d, i) => {
      expect(d).toBeLessThan(Math.min(1000, 100 * 2 ** i));
      expect(d).toBeGreaterThan(0.99 * Math.min(1000, 100 * 2 ** i));
    });
    expect(report.failed).toEqual([{ id: 'vm', error: 'gave up after 8 attempts: timeout', code: 'PROVIDER_TRANSIENT', kind: 'transient', attempts: 8 }]);
    expect(report.skipped).toEqual([
      { id: 'vol', reason: 'dependency failed: vm' },
      { id: 'snap', reason: 'dependency failed: vm' },
    ]);
    expect(report.succeeded).toEqual(['net']);
  });

  it('stops retrying when the per-action deadline would pass', async () => {
    let clock = 0;
    const plan = [act('vm')];
    const provider = new FakeProvider({ plan, fault: () => new TransientError('slow') });
    const report = await executePlan(plan, provider, {
      now: () => clock,
      random: () => 0.999,
      retry: { baseDelayMs: 100, deadlineMs: 500 },
      sleep: (ms) => { clock += ms; return Promise.resolve(); },
    });
    // Waits ~100, ~200; the next (~400) would end past 500 ms.
    expect(report.failed[0]).toMatchObject({ id: 'vm', attempts: 3, error: 'gave up after 3 attempts (500 ms retry budget): slow' });
  });

  it('retries a conflict a bounded number of times and reports it', async () => {
    const plan = [act('ok'), act('flaky'), act('stuck')];
    const provider = new FakeProvider({
      plan,
      fault: (a, call) =>
        (a.id === 'flaky' && call.n === 1) || a.id === 'stuck' ? new ConflictError('observed generation changed') : undefined,
    });
    const report = await executePlan(plan, provider, { ...noSleep, retry: { maxConflicts: 2 } });
    expect(report.succeeded).toEqual(['ok', 'flaky']);
    expect(report.failed).toEqual([{
      id: 'stuck', kind: 'conflict', code: 'PROVIDER_CONFLICT', attempts: 3,
      error: 'the world kept changing under this action (3 conflicts; re-plan): observed generation changed',
    }]);
    expect(report.conflicts).toEqual([{ id: 'flaky', count: 1 }, { id: 'stuck', count: 3 }]);
  });

  it('does not retry a permanent error; the rest of the plan goes on', async () => {
    const plan = [act('a'), act('b', ['a']), act('c', ['b']), act('d', ['a']), act('e'), act('f', ['e', 'c'])];
    const provider = new FakeProvider({ plan, fault: (a) => (a.id === 'b' ? new PermanentError('template missing') : undefined) });
    const report = await executePlan(plan, provider, noSleep);
    expect(provider.calls.filter((c) => c.id === 'b')).toHaveLength(1);
    expect(report.succeeded).toEqual(['a', 'd', 'e']);
    expect(report.failed).toEqual([{ id: 'b', error: 'template missing', code: 'PROVIDER_PERMANENT', kind: 'permanent', attempts: 1 }]);
    expect(report.skipped).toEqual([{ id: 'c', reason: 'dependency failed: b' }, { id: 'f', reason: 'dependency failed: b' }]);
  });

  it('treats anything else a provider throws as a permanent provider bug', async () => {
    const plan = [act('a'), act('b', ['a'])];
    const provider = new FakeProvider({ plan, fault: () => new TypeError("cannot read properties of undefined (reading 'id')") });
    const report = await executePlan(plan, provider, noSleep);
    expect(report.failed).toEqual([{
      id: 'a', kind: 'permanent', code: 'PROVIDER_BUG', attempts: 1,
      error: "provider bug (TypeError): cannot read properties of undefined (reading 'id')",
    }]);
    expect(report.skipped).toEqual([{ id: 'b', reason: 'dependency failed: a' }]);
  });
});

describe('executePlan: replace', () => {
  it('deletes then creates, and dependents wait for both', async () => {
    const plan = [act('vm', [], { op: 'replace' }), act('vol', ['vm'])];
    const provider = new FakeProvider({ plan, latency: () => sleepMs(2) });
    const started: string[] = [];
    const report = await executePlan(plan, provider, { events: { onStart: (a, attempt, op) => started.push(`${a.id}:${op}:${attempt}`) } });
    expect(provider.violations).toEqual([]);
    expect(provider.calls.map((c) => `${c.id}:${c.op}`)).toEqual(['vm:delete', 'vm:create', 'vol:create']);
    expect(started).toEqual(['vm:delete:1', 'vm:create:1', 'vol:create:1']);
    expect(report.succeeded).toEqual(['vm', 'vol']);
  });

  it('never attempts the create when the delete failed', async () => {
    const plan = [act('vm', [], { op: 'replace' })];
    const provider = new FakeProvider({ plan, fault: (_a, call) => (call.op === 'delete' ? new PermanentError('volume busy') : undefined) });
    const report = await executePlan(plan, provider, noSleep);
    expect(provider.calls.map((c) => c.op)).toEqual(['delete']);
    expect(report.failed[0]).toMatchObject({ id: 'vm', error: 'volume busy' });
  });

  it('retries only the half that failed', async () => {
    const plan = [act('vm', [], { op: 'replace' })];
    const provider = new FakeProvider({ plan, fault: (_a, call) => (call.op === 'create' && call.n < 3 ? new TransientError('busy') : undefined) });
    const report = await executePlan(plan, provider, noSleep);
    expect(provider.calls.map((c) => `${c.op}${c.n}`)).toEqual(['delete1', 'create1', 'create2', 'create3']);
    expect(report.succeeded).toEqual(['vm']);
  });
});

describe('executePlan: cancellation', () => {
  it('lets running actions finish and reports the rest as not started', async () => {
    const plan = [act('a'), act('b'), act('c'), act('d', ['a'])];
    const gate = deferred();
    const provider = new FakeProvider({ plan, latency: (a) => (a.id === 'a' ? gate.promise : undefined) });
    const abort = new AbortController();
    const notStarted: string[] = [];
    const run = executePlan(plan, provider, { concurrency: 1, signal: abort.signal, events: { onNotStarted: (a) => notStarted.push(a.id) } });
    await until(() => provider.calls.length === 1);
    abort.abort();
    await sleepMs(5);
    gate.resolve();
    const report = await run;
    expect(provider.calls.map((c) => c.id)).toEqual(['a']);
    expect(report.cancelled).toBe(true);
    expect(report.succeeded).toEqual(['a']);
    expect(report.notStarted).toEqual(['b', 'c', 'd']);
    expect(notStarted.sort()).toEqual(['b', 'c', 'd']);
  });

  it('stops waiting at the drain deadline and aborts the provider signal', async () => {
    const plan = [act('hangs'), act('next', ['hangs'])];
    let providerSignal: AbortSignal | undefined;
    const provider = new FakeProvider({
      plan,
      latency: (_a, _c, signal) => { providerSignal = signal; return new Promise(() => {}); }, // ignores its signal
    });
    const abort = new AbortController();
    const run = executePlan(plan, provider, { signal: abort.signal, drainTimeoutMs: 20 });
    await until(() => provider.calls.length === 1);
    abort.abort();
    const report = await run;
    expect(providerSignal?.aborted).toBe(true);
    expect(report.failed).toEqual([{
      id: 'hangs', kind: 'interrupted', code: 'EXECUTOR_INTERRUPTED', attempts: 1,
      error: 'still running 20 ms after cancellation; its outcome is unknown (re-plan to find out)',
    }]);
    expect(report.notStarted).toEqual(['next']);
  });

  it('fails an action waiting for a retry without another call', async () => {
    const plan = [act('a'), act('b', ['a'])];
    const provider = new FakeProvider({ plan, fault: () => new TransientError('busy') });
    const abort = new AbortController();
    // Real sleep with a long backoff: cancellation must wake it.
    const run = executePlan(plan, provider, { signal: abort.signal, retry: { baseDelayMs: 60_000 }, random: () => 0.9 });
    await until(() => provider.calls.length === 1 && provider.running === 0);
    abort.abort();
    const report = await run;
    expect(provider.calls).toHaveLength(1);
    expect(report.failed).toEqual([{ id: 'a', kind: 'cancelled', code: 'EXECUTOR_CANCELLED', attempts: 1, error: 'cancelled while waiting to retry: busy' }]);
    expect(report.notStarted).toEqual(['b']);
  });

  it('waits for running calls without limit when drainTimeoutMs is Infinity', async () => {
    const plan = [act('slow')];
    const provider = new FakeProvider({ plan, latency: () => sleepMs(30) });
    const abort = new AbortController();
    const run = executePlan(plan, provider, { signal: abort.signal, drainTimeoutMs: Infinity });
    await until(() => provider.calls.length === 1);
    abort.abort();
    expect((await run).succeeded).toEqual(['slow']);
  });

  it('starts nothing when the signal is already aborted', async () => {
    const plan = [act('a'), act('b')];
    const provider = new FakeProvider({ plan });
    const report = await executePlan(plan, provider, { signal: AbortSignal.abort() });
    expect(provider.calls).toEqual([]);
    expect(report).toMatchObject({ cancelled: true, notStarted: ['a', 'b'], succeeded: [] });
  });
});

describe('executePlan: journal failures', () => {
  it('does not call the provider when the intent cannot be recorded', async () => {
    const plan = [act('a'), act('b', ['a']), act('c')];
    const provider = new FakeProvider({ plan });
    const journal = {
      intent: (r: { actionId: string }) => (r.actionId === 'a' ? Promise.reject(new Error('MDB_MAP_FULL')) : Promise.resolve()),
      outcome: () => Promise.resolve(),
    };
    const report = await executePlan(plan, provider, { journal, runId: 'run-1' });
    expect(provider.calls.map((c) => c.id)).toEqual(['c']);
    expect(report.failed).toEqual([{
      id: 'a', kind: 'journal', code: 'EXECUTOR_JOURNAL', attempts: 0, error: 'journal: could not record the intent: MDB_MAP_FULL',
    }]);
    expect(report.skipped).toEqual([{ id: 'b', reason: 'dependency failed: a' }]);
  });

  it('keeps the outcome of a call whose outcome could not be journaled, with a warning', async () => {
    const plan = [act('a')];
    const journal = { intent: () => Promise.resolve(), outcome: () => Promise.reject(new Error('disk full')) };
    const report = await executePlan(plan, new FakeProvider({ plan }), { journal, runId: 'run-1' });
    expect(report.succeeded).toEqual(['a']);
    expect(report.warnings).toEqual(['journal: could not record the outcome of a (create, attempt 1): disk full']);
  });

  it('needs a run id for a journal that cannot begin runs', async () => {
    const journal = { intent: () => Promise.resolve(), outcome: () => Promise.resolve() };
    await expect(executePlan([act('a')], new FakeProvider(), { journal })).rejects.toThrow(/needs options.runId/);
  });
});

describe('executePlan: events', () => {
  it('emits start, retry, success, failure and skip, and survives a throwing listener', async () => {
    const plan = [act('a'), act('b'), act('c', ['b'])];
    const provider = new FakeProvider({
      plan,
      fault: (a, call) => (a.id === 'a' && call.n === 1 ? new TransientError('t') : a.id === 'b' ? new PermanentError('p') : undefined),
    });
    const log: string[] = [];
    const events: ExecutionEvents = {
      onStart: (a, attempt) => { log.push(`start ${a.id} ${attempt}`); throw new Error('display bug'); },
      onRetry: (a, attempt) => log.push(`retry ${a.id} ${attempt}`),
      onSuccess: (a, _r, info) => log.push(`ok ${a.id} ${info.attempts}`),
      onFailure: (a, f) => log.push(`fail ${a.id} ${f.code}`),
      onSkip: (a, reason) => log.push(`skip ${a.id} ${reason}`),
    };
    const report = await executePlan(plan, provider, { ...noSleep, events });
    expect(report.succeeded).toEqual(['a']);
    expect(log.sort()).toEqual([
      'fail b PROVIDER_PERMANENT', 'ok a 2', 'retry a 1', 'skip c dependency failed: b', 'start a 1', 'start a 2', 'start b 1',
    ]);
  });

  it('keeps the default for a retry option given as undefined, and rejects a zero limit', async () => {
    const plan = [act('a')];
    const provider = new FakeProvider({ plan, fault: (_a, call) => (call.n <= 5 ? new TransientError('busy') : undefined) });
    const report = await executePlan(plan, provider, { ...noSleep, retry: { maxAttempts: undefined } });
    expect(report.succeeded).toEqual(['a']);
    await expect(executePlan(plan, provider, { concurrency: 0 })).rejects.toThrow(/concurrency must be at least 1/);
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ baseDelayMs: 5, maxDelayMs: 30_000, maxAttempts: 12, maxConflicts: 3 });
    expect(backoffCeiling(DEFAULT_RETRY_POLICY, 1)).toBe(5);
    expect(backoffCeiling(DEFAULT_RETRY_POLICY, 12)).toBe(10_240);
    expect(backoffCeiling(DEFAULT_RETRY_POLICY, 2000)).toBe(30_000);
  });
});
