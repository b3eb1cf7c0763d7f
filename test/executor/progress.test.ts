import { describe, expect, it } from 'vitest';
import { executePlan, type ExecutionReport } from '../../controller/executor/execute-plan.js';
import { createProgress, renderReport, type ProgressStream } from '../../controller/progress/progress.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { TransientError } from '../../providers/errors/transient-error.js';
import { FakeProvider } from './fake-provider.js';
import { act } from './plan-fixtures.js';

function capture(isTTY = false, columns?: number): ProgressStream & { text: () => string; writes: string[] } {
  const writes: string[] = [];
  return { isTTY, columns, write: (s: string) => { writes.push(s); return true; }, writes, text: () => writes.join('') };
}

const plan = [
  act('web-1'),
  act('data-1', ['web-1'], { kind: 'Volume' }),
  act('db-1'),
  act('db-data', ['db-1'], { kind: 'Volume' }),
  act('zone1', [], { kind: 'Zone', owner: undefined }),
];
const faults = (a: { id: string }, call: { n: number }) =>
  a.id === 'db-1' ? new PermanentError('no capacity on any host') : a.id === 'web-1' && call.n === 1 ? new TransientError('busy') : undefined;

async function runWith(progress: ReturnType<typeof createProgress>): Promise<ExecutionReport> {
  const report = await executePlan(plan, new FakeProvider({ plan, fault: faults }), { events: progress, sleep: () => Promise.resolve(), concurrency: 1 });
  progress.stop();
  return report;
}

describe('progress', () => {
  it('prints one plain line per finished action when not on a terminal', async () => {
    const out = capture(false);
    const progress = createProgress({ total: plan.length, stream: out });
    expect(progress.mode).toBe('plain');
    await runWith(progress);
    const lines = out.text().trimEnd().split('\n').map((l) => l.replace(/\(\d+ ms\)/, '(N ms)'));
    expect(lines.sort()).toEqual([
      '↷ create Volume acme/db-data skipped: dependency failed: db-1',
      '✓ create Volume acme/data-1 (N ms)',
      '✓ create VirtualMachine acme/web-1 (N ms)',
      '✓ create Zone zone1 (N ms)',
      '✗ create VirtualMachine acme/db-1: no capacity on any host',
    ].sort());
    expect(progress.counts()).toEqual({ total: 5, succeeded: 3, failed: 1, skipped: 1, notStarted: 0, retries: 1 });
  });

  it('prints retries too when verbose', async () => {
    const out = capture(false);
    await runWith(createProgress({ total: plan.length, stream: out, verbose: true }));
    expect(out.text()).toMatch(/^↻ create VirtualMachine acme\/web-1: attempt 1 failed \(busy\); retrying in \d+ ms$/m);
  });

  it('draws a live line on a terminal, keeps failures above it, and redraws at most every 100 ms', async () => {
    let clock = 0;
    const out = capture(true, 200);
    const progress = createProgress({ total: 1000, stream: out, now: () => clock });
    expect(progress.mode).toBe('tty');
    const many = Array.from({ length: 1000 }, (_, i) => act(`vm-${i}`));
    for (const a of many.slice(0, 500)) {
      progress.onStart(a, 1, 'create');
      progress.onSuccess(a, {}, { durationMs: 1, attempts: 1 });
    }
    // No time passed: one draw, the rest deferred to a single pending redraw.
    expect(out.writes.filter((w) => w.startsWith('\r')).length).toBe(1);
    clock = 2000;
    progress.onFailure(many[500]!, { id: 'vm-500', error: 'boom', code: 'PROVIDER_PERMANENT', kind: 'permanent', attempts: 1 }, { durationMs: 3 });
    progress.onRetry(many[501]!, 1, 5, { kind: 'transient', code: 'PROVIDER_TRANSIENT', errorClass: 'TransientError', message: 'busy' });
    progress.stop();
    const text = out.text();
    expect(text).toContain('\r\x1b[2K✗ create VirtualMachine acme/vm-500: boom\n');
    const last = text.slice(text.lastIndexOf('\r\x1b[2K') + 5);
    // 501 finished in 2 s: ~250/s, 499 left: ETA ~2 s.
    expect(last).toBe(`applying ${'█'.repeat(10)}${'░'.repeat(10)} 501/1000  ✗ 1 failed  ↻ 1 retries  251 actions/s  ETA 2.0 s\n`);
  });

  it('cuts the live line to the terminal width', () => {
    const out = capture(true, 30);
    const progress = createProgress({ total: 10, stream: out, now: () => 0 });
    progress.onSkip(act('x'), 'dependency failed: y');
    progress.stop();
    for (const line of out.text().split(/\r\x1b\[2K/)) expect(line.replace('\n', '').length).toBeLessThanOrEqual(29);
  });

  it('logs one pino JSON object per event with --log-format json', async () => {
    const out = capture(false);
    await runWith(createProgress({ total: plan.length, stream: out, mode: 'json' }));
    const events = out.text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const web = events.find((e) => e['event'] === 'action.succeeded' && e['name'] === 'web-1')!;
    expect(web).toMatchObject({
      level: 30, action: 'web-1', op: 'create', kind: 'VirtualMachine', name: 'web-1', owner: 'account:acme',
      outcome: 'succeeded', attempts: 2, msg: 'create VirtualMachine acme/web-1 succeeded',
    });
    expect(typeof web['durationMs']).toBe('number');
    expect(typeof web['time']).toBe('string');
    expect(events.map((e) => e['outcome']).sort()).toEqual(['failed', 'retry', 'skipped', 'succeeded', 'succeeded', 'succeeded']);
    expect(events.find((e) => e['outcome'] === 'failed')).toMatchObject({ level: 50, errorCode: 'PROVIDER_PERMANENT', error: 'no capacity on any host' });
    expect(events.find((e) => e['outcome'] === 'retry')).toMatchObject({ level: 40, attempt: 1, errorCode: 'PROVIDER_TRANSIENT' });
  });
});

describe('renderReport', () => {
  it('says what failed and why, and what was skipped because of it', async () => {
    const out = capture(false);
    const report = await runWith(createProgress({ total: plan.length, stream: out }));
    const text = renderReport({ ...report, durationMs: 1234, actionsPerSecond: 3.2 }, { actions: plan });
    expect(text).toBe([
      'Apply finished with errors: 3 succeeded, 1 failed, 1 skipped in 1.2 s, 3.2 actions/s.',
      '',
      'Failed (1):',
      '  ✗ create VirtualMachine acme/db-1: no capacity on any host [PROVIDER_PERMANENT, 1 attempt]',
      '',
      'Skipped because an action they depend on failed (1):',
      '  ↷ create VirtualMachine acme/db-1 failed, so this was skipped:',
      '      create Volume acme/db-data',
      '',
    ].join('\n'));
  });

  it('reports a cancelled run, conflicts and warnings, and shortens long lists', () => {
    const report: ExecutionReport = {
      succeeded: ['a'], failed: [], skipped: [],
      notStarted: Array.from({ length: 25 }, (_, i) => `create:VirtualMachine/account:acme/vm-${i}`),
      conflicts: [{ id: 'a', count: 1 }], results: new Map(), cancelled: true,
      warnings: ['journal: could not record the outcome of a (create, attempt 1): disk full'],
      durationMs: 65_000, actionsPerSecond: 0.02,
    };
    const text = renderReport(report);
    expect(text).toContain('Apply cancelled: 1 succeeded, 25 not started in 1m05s, 0.02 actions/s.');
    expect(text).toContain('Not started (25): the apply was cancelled first:\n  · create:VirtualMachine/account:acme/vm-0\n');
    expect(text).toContain('  … and 5 more\n');
    expect(text).toContain('The world changed under 1 action (conflicts); run plan again to see where things stand:\n  ! a (1 conflict)');
    expect(text).toContain('Warnings:\n  journal: could not record the outcome of a (create, attempt 1): disk full');
  });

  it('is one line when everything succeeded', async () => {
    const ok = [act('a'), act('b', ['a'])];
    const report = await executePlan(ok, new FakeProvider({ plan: ok }));
    expect(renderReport(report)).toMatch(/^Apply complete: 2 succeeded in \d+ ms(, \d+ actions\/s)?\.\n$/);
  });
});
