import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { executePlan } from '../../controller/executor/execute-plan.js';
import { closeJournals, openJournal } from '../../controller/state/journal.js';
import { describeRecovery } from '../../controller/state/recovery.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { TransientError } from '../../providers/errors/transient-error.js';
import { FakeProvider } from './fake-provider.js';
import { act, until } from './plan-fixtures.js';

const dirs: string[] = [];
function stateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-journal-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await closeJournals();
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('journal', () => {
  it('keeps one handle per state folder per process', () => {
    const dir = stateDir();
    expect(openJournal(dir)).toBe(openJournal(path.join(dir, '.')));
    expect(fs.existsSync(path.join(dir, 'journal.lmdb'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('*\n');
  });

  it('holds the intent before the provider is called and the outcome after', async () => {
    const journal = openJournal(stateDir());
    const plan = [act('vm', [], { op: 'replace' }), act('vol', ['vm'], { kind: 'Volume' }), act('net', [], { kind: 'Network', owner: undefined })];
    const runId = await journal.beginRun({ revision: 'r1', actions: plan.length });
    const provider = new FakeProvider({
      plan,
      before: (a, call) => {
        const inFlight = journal.incompleteIntents(runId).filter((i) => i.actionId === a.id && i.op === a.op && i.attempt === call.n);
        if (inFlight.length !== 1) throw new Error(`no durable intent for ${a.id} ${a.op} #${call.n}`);
      },
      fault: (a, call) => (a.id === 'net' && call.n === 1 ? new TransientError('busy') : undefined),
    });
    const report = await executePlan(plan, provider, { journal, runId, sleep: () => Promise.resolve() });
    expect(provider.violations).toEqual([]);
    expect(report.succeeded).toEqual(['vm', 'vol', 'net']);
    expect(journal.incompleteIntents(runId)).toEqual([]);

    const entries = journal.entries(runId).map((e) => [e.intent.actionId, e.intent.op, e.intent.planOp, e.intent.attempt, e.outcome?.ok, e.outcome?.errorClass]);
    expect(entries).toEqual([
      ['net', 'create', undefined, 1, false, 'TransientError'],
      ['net', 'create', undefined, 2, true, undefined],
      ['vm', 'create', 'replace', 1, true, undefined],
      ['vm', 'delete', 'replace', 1, true, undefined],
      ['vol', 'create', undefined, 1, true, undefined],
    ]);
    const vm = journal.entries(runId).find((e) => e.intent.actionId === 'vm' && e.intent.op === 'create')!;
    expect(vm.intent).toMatchObject({ runId, kind: 'VirtualMachine', owner: 'account:acme', name: 'vm' });
    expect(vm.outcome!.result).toEqual({ externalId: 'ext-vm', status: {} });
    expect(vm.outcome!.finishedAt).toBeGreaterThanOrEqual(vm.intent.startedAt);
  });

  it('records runs, their summaries and the applied revision', async () => {
    const journal = openJournal(stateDir());
    expect(journal.lastRun()).toBeUndefined();
    expect(journal.appliedRevision()).toBeUndefined();
    const plan = [act('a'), act('b', ['a'])];
    const provider = new FakeProvider({ plan, fault: (x) => (x.id === 'a' ? new PermanentError('nope') : undefined) });
    // Without a runId the executor begins and ends its own run.
    await executePlan(plan, provider, { journal, revision: 'c0ffee' });
    const run = journal.lastRun()!;
    expect(run).toMatchObject({ runId: 'run-1', revision: 'c0ffee', actions: 2, pid: process.pid });
    expect(run.summary).toMatchObject({ succeeded: 0, failed: 1, skipped: 1, notStarted: 0, cancelled: false });
    expect(journal.entries(run.runId)[0]!.outcome).toMatchObject({ ok: false, errorClass: 'PermanentError', errorCode: 'PROVIDER_PERMANENT', message: 'nope' });

    const second = await journal.beginRun({ revision: 'd00d', actions: 0 });
    await journal.endRun(second, { succeeded: 0, failed: 0, skipped: 0, notStarted: 0, cancelled: false, durationMs: 1 });
    await journal.setAppliedRevision('d00d');
    expect(journal.runs().map((r) => r.runId)).toEqual(['run-2', 'run-1']);
    expect(journal.appliedRevision()).toBe('d00d');
    expect(journal.interruptedRuns()).toEqual([]);
  });

  it.each(['commit', 'flush', 'process'] as const)('prunes old runs and their entries (durability %s)', async (durability) => {
    const journal = openJournal(stateDir(), { keepRuns: 3, durability });
    for (let i = 0; i < 6; i++) {
      const plan = [act(`a${i}`)];
      await executePlan(plan, new FakeProvider({ plan }), { journal });
    }
    expect(journal.runs().map((r) => r.runId)).toEqual(['run-6', 'run-5', 'run-4']);
    expect(journal.entries('run-3')).toEqual([]);
    expect(journal.entries('run-4')).toHaveLength(1);
  });

  it('shows what a run stopped mid-way was doing, and the next run says so', async () => {
    const dir = stateDir();
    const journal = openJournal(dir);
    const plan = [act('a'), act('b'), act('c', ['a']), act('d', ['c'])];
    // b and c never return: the "crash" is the process going away while they are in flight.
    const provider = new FakeProvider({ plan, latency: (x) => (x.id === 'b' || x.id === 'c' ? new Promise(() => {}) : undefined) });
    const runId = await journal.beginRun({ revision: 'r1', actions: plan.length });
    void executePlan(plan, provider, { journal, runId });
    await until(() => provider.calls.length === 3);
    await until(() => journal.entries(runId).filter((e) => e.outcome).length === 1);
    expect(journal.incompleteIntents(runId).map((i) => i.actionId)).toEqual(['b', 'c']);
    expect(journal.incompleteIntents().map((i) => i.actionId)).toEqual(['b', 'c']); // default: the last run
    expect(journal.interruptedRuns()).toEqual([]); // still running in this process

    // A new process: a fresh handle, which finds the run interrupted.
    await closeJournals();
    const next = openJournal(dir);
    expect(next.interruptedRuns().map((r) => r.runId)).toEqual([runId]);
    const resumed = await next.beginRun({ revision: 'r1', actions: 2 });
    const record = next.run(resumed)!;
    expect(record.resumedAfter).toEqual([expect.objectContaining({ runId, revision: 'r1', inFlight: [expect.objectContaining({ actionId: 'b' }), expect.objectContaining({ actionId: 'c' })] })]);
    expect(describeRecovery(record)).toMatch(/^resumed after an interrupted run \(run-1 at .*\): 2 actions were in flight$/);
    expect(next.run(runId)!.interrupted).toEqual({ closedBy: resumed, at: expect.any(Number) });
    expect(next.interruptedRuns()).toEqual([]);
    expect(describeRecovery(next.run(runId))).toBeUndefined();
  });

  it.each(['commit', 'process'] as const)('survives SIGKILL (durability %s): every call in flight is an intent without outcome', (durability) => {
    const dir = stateDir();
    const script = path.join(import.meta.dirname, 'fixtures', 'killed-apply.ts');
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, dir, 'vol-2', durability], {
      cwd: path.join(import.meta.dirname, '..', '..'), encoding: 'utf8', timeout: 30_000,
    });
    expect(child.stderr).not.toContain('not killed');
    expect(child.signal).toBe('SIGKILL');

    const journal = openJournal(dir, { durability });
    const run = journal.lastRun()!;
    expect(run).toMatchObject({ runId: 'run-1', revision: 'abc123', actions: 40 });
    expect(run.endedAt).toBeUndefined();
    const inFlight = journal.incompleteIntents(run.runId).map((i) => i.actionId).sort();
    // vm-4 and vm-5 are slow and 6 calls run at once: when vol-2 killed the process, it, the slow
    // VMs and whatever else had started were in flight, and the journal knows each of them.
    expect(inFlight).toEqual(expect.arrayContaining(['vm-4', 'vm-5', 'vol-2']));
    expect(inFlight.length).toBeLessThanOrEqual(6);
    const done = journal.entries(run.runId).filter((e) => e.outcome?.ok).map((e) => e.intent.actionId);
    expect(done).toEqual(expect.arrayContaining(['vm-0', 'vm-1', 'vm-2']));
    expect(done).not.toContain('vol-2');
    expect(journal.interruptedRuns().map((r) => r.runId)).toEqual(['run-1']);
  });
});
