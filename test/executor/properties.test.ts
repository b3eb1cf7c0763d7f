import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, backoffCeiling, backoffDelay, executePlan } from '../../controller/executor/execute-plan.js';
import type { Action, ActionOp } from '../../reconcilers/action.js';
import { ConflictError } from '../../providers/errors/conflict-error.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { TransientError } from '../../providers/errors/transient-error.js';
import { FakeProvider } from './fake-provider.js';
import { act, ancestors, descendants } from './plan-fixtures.js';

/** A random DAG: action i may depend only on actions before it, so there is never a cycle. */
const dagArb = (maxActions: number) =>
  fc.integer({ min: 1, max: maxActions }).chain((n) =>
    fc.tuple(
      fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
      fc.array(fc.constantFrom<ActionOp>('create', 'create', 'update', 'replace', 'delete', 'start'), { minLength: n, maxLength: n }),
      fc.array(fc.option(fc.constantFrom('h1', 'h2', 'h3'), { nil: undefined }), { minLength: n, maxLength: n }),
    ).map(([deps, ops, hosts]) =>
      Array.from({ length: n }, (_, i): Action =>
        act(`a${i}`, i === 0 ? [] : [...new Set(deps[i]!.map((d) => d % i))].map((d) => `a${d}`), {
          op: ops[i]!,
          ...(hosts[i] ? { placement: { host: hosts[i] } } : {}),
        })),
    ));

/** Yields to the event loop a few times, so calls interleave differently from run to run. */
function ticks(k: number): Promise<void> | undefined {
  if (k === 0) return undefined;
  return new Promise((resolve) => {
    let left = k;
    const step = () => (--left === 0 ? resolve() : setImmediate(step));
    setImmediate(step);
  });
}

describe('executor properties', () => {
  it('with bounded transient faults and conflicts, every action succeeds and every call finds its preconditions met', async () => {
    await fc.assert(
      fc.asyncProperty(
        dagArb(25),
        fc.array(fc.nat({ max: 3 }), { minLength: 25, maxLength: 25 }), // transient failures before success, per action
        fc.array(fc.nat({ max: 2 }), { minLength: 25, maxLength: 25 }), // conflicts among them
        fc.array(fc.nat({ max: 2 }), { minLength: 8, maxLength: 8 }), // latency pattern, in event-loop turns
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        async (plan, transient, conflicts, latencies, concurrency, perHost) => {
          let calls = 0;
          const provider = new FakeProvider({
            plan,
            limits: { concurrency, perHost },
            latency: () => ticks(latencies[calls++ % latencies.length]!),
            fault: (a, call) => {
              const i = Number(a.id.slice(1));
              // A replace fails on its delete half; everything else on its only op.
              if (a.op === 'create' && plan[i]!.op === 'replace') return undefined;
              if (call.n > transient[i]!) return undefined;
              return call.n <= conflicts[i]! ? new ConflictError('moved') : new TransientError('busy');
            },
          });
          const delays: number[] = [];
          const report = await executePlan(plan, provider, {
            concurrency, perHostConcurrency: perHost,
            sleep: (ms) => { delays.push(ms); return ticks(1) ?? Promise.resolve(); },
          });
          expect(provider.violations).toEqual([]);
          expect(report.succeeded).toEqual(plan.map((a) => a.id));
          expect(report.failed).toEqual([]);
          for (const a of plan) {
            const i = Number(a.id.slice(1));
            const expected = a.op === 'replace' ? ['delete', 'create'] : [a.op];
            expect(provider.applied.get(a.id)).toEqual(expected); // each op applied exactly once, in order
            expect(provider.calls.filter((c) => c.id === a.id)).toHaveLength(transient[i]! + expected.length);
          }
          for (const d of delays) expect(d).toBeLessThan(DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** 3);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('with random permanent failures, exactly the failed actions\' descendants are skipped', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb(30), fc.array(fc.nat({ max: 29 }), { maxLength: 6 }), async (plan, failing) => {
        const bad = new Set(failing.filter((i) => i < plan.length).map((i) => `a${i}`));
        const provider = new FakeProvider({ plan, fault: (a) => (bad.has(a.id) ? new PermanentError('no') : undefined) });
        const report = await executePlan(plan, provider, { concurrency: 4 });

        const skipped = descendants(plan, bad);
        const failed = [...bad].filter((id) => !skipped.has(id));
        expect(provider.violations).toEqual([]);
        expect(new Set(report.skipped.map((s) => s.id))).toEqual(skipped);
        expect(new Set(report.failed.map((f) => f.id))).toEqual(new Set(failed));
        expect(new Set(report.succeeded)).toEqual(new Set(plan.map((a) => a.id).filter((id) => !skipped.has(id) && !bad.has(id))));
        expect(report.notStarted).toEqual([]);
        // Every skip names a failed action it (transitively) depends on.
        for (const s of report.skipped) {
          const cause = s.reason.replace('dependency failed: ', '');
          expect(failed).toContain(cause);
          expect(ancestors(plan, s.id).has(cause)).toBe(true);
        }
        // A skipped action was never called.
        expect(provider.calls.filter((c) => skipped.has(c.id))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('full jitter: every delay lies in [0, min(cap, base·2^(n-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (base, cap, failures, r) => {
          const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: base, maxDelayMs: cap };
          const ceiling = backoffCeiling(policy, failures);
          expect(ceiling).toBe(Math.min(cap, base * 2 ** (failures - 1)));
          const delay = backoffDelay(policy, failures, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(ceiling);
          if (ceiling > 0) expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });
});
