/**
 * Issue 3's third property, on the real pieces: an apply interrupted at a random point and then
 * resumed (re-observe, re-plan, execute) ends in the same world as an uninterrupted apply of the
 * same plan on a fresh state folder, and loses no volume.
 *
 * Two state folders are brought to the same starting world (the same earlier model applied, the
 * same drift; the simulator is deterministic, so even the provider ids agree, which is checked).
 * One plan is made from that world. Folder B applies it uninterrupted. Folder A applies it through a
 * provider wrapper that interrupts after the k-th provider call, in one of two ways:
 * - abort: the executor's signal is aborted once call k returns (Ctrl-C: calls in flight finish,
 *   nothing new starts);
 * - die: call k takes effect but its reply never arrives, and no later call reaches the simulator
 *   (the process was killed right after the k-th call took effect; what the executor does after
 *   that is the dead process's business and is ignored).
 * Then A is resumed as the next `cairn apply` would: observe, plan, execute.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { executePlan } from '../../controller/executor/execute-plan.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import type { DesiredModel } from '../../desired-state/model.js';
import type { ObservedResource, Provider } from '../../providers/provider.js';
import type { Action } from '../../reconcilers/action.js';
import { arbDataCenter } from './datacenter-arbitrary.js';
import {
  applyDrift,
  arbDrift,
  disposeSimulators,
  executorOptions,
  expectAllSucceeded,
  expectConverged,
  newSimulator,
  observeAll,
  planAndApply,
  planOk,
  propertyParameters,
  type DriftStep,
  type SimRun,
  validModel,
} from './simulated-world.js';

afterAll(disposeSimulators);

type Interruption = 'abort' | 'die';

/** Counts the provider calls of an apply (a replace is two: its delete, then its create). */
function counting(inner: Provider): Provider & { calls: number } {
  const p = {
    name: inner.name,
    kinds: () => inner.kinds(),
    observe: inner.observe.bind(inner),
    calls: 0,
    apply(action: Action, signal: AbortSignal) {
      p.calls++;
      return inner.apply(action, signal);
    },
  };
  return p;
}

/** `inner`, interrupted after its k-th call (see the file's comment). k = 0 interrupts before anything. */
function interruptedAfter(inner: Provider, k: number, how: Interruption, abort: AbortController): Provider & { forwarded: number } {
  let calls = 0;
  const p = {
    name: inner.name,
    kinds: () => inner.kinds(),
    observe: inner.observe.bind(inner),
    forwarded: 0,
    async apply(action: Action, signal: AbortSignal) {
      const n = ++calls;
      if (how === 'die' && n > k) throw new PermanentError(`test: the process died before call ${n} (${action.id})`);
      p.forwarded++;
      const result = await inner.apply(action, signal);
      if (n === k) {
        if (how === 'abort') abort.abort(new Error('test: interrupted'));
        else throw new PermanentError(`test: the process died after call ${n} (${action.id}) took effect`);
      }
      return result;
    },
  };
  if (k === 0 && how === 'abort') abort.abort(new Error('test: interrupted before the first call'));
  return p;
}

/**
 * What must be the same after an interrupted-and-resumed apply and an uninterrupted one, per object:
 * - kind, owner, name, managed or not, and the spec the provider holds: all decided by git and the plan;
 * - status.state (power state of VMs, Ready volumes, Up hosts...) and placement: status.host and
 *   status.storage, by name (the planner decides them and the provider honours them);
 * - for volumes, the VM they are attached to, by name.
 * Left out, because they depend on the order in which parallel calls happened to run or are provider
 * ids: externalId and every *Id field, MACs, NIC addresses and VLANs or public addresses allocated
 * automatically (git's fixed ones are in the spec, compared above), capacity counters of hosts and
 * pools (they follow from the objects compared), transition bookkeeping.
 * The result is sorted, so the order in which observe lists objects does not matter either.
 */
function normalise(observed: readonly ObservedResource[]): string[] {
  return observed
    .map((o) =>
      JSON.stringify({
        kind: o.kind,
        owner: o.owner ?? null,
        name: o.name,
        managed: o.managed,
        spec: o.spec,
        state: o.status.state ?? null,
        host: o.status.host ?? null,
        storage: o.status.storage ?? null,
        attachedTo: o.kind === 'Volume' ? (o.status.attachedTo ?? null) : undefined,
      }),
    )
    .sort();
}

const volumeIds = (observed: readonly ObservedResource[]) => observed.filter((o) => o.kind === 'Volume').map((o) => o.externalId);

/** Brings every run to the same world: `before` applied, then `drift`; returns that world. */
async function sameStart(runs: readonly SimRun[], before: DesiredModel, drift: readonly DriftStep[], seed: number): Promise<ObservedResource[]> {
  const worlds: ObservedResource[][] = [];
  for (const run of runs) {
    await planAndApply(before, run, seed);
    await applyDrift(run, drift);
    worlds.push(await observeAll(run.provider));
  }
  // The plan made from the first world is applied to the second: it must be the same world, ids included.
  for (const w of worlds.slice(1)) expect(w).toEqual(worlds[0]);
  return worlds[0]!;
}

describe('an interrupted apply, resumed', () => {
  it('ends in the same world as an uninterrupted apply of the same plan, and loses no volume', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataCenter,
        arbDataCenter,
        arbDrift,
        fc.nat(),
        fc.constantFrom<Interruption>('abort', 'die'),
        // 1: calls one at a time, so an abort can fall between any two; 16: the default.
        fc.constantFrom(1, 4, 16),
        fc.integer(),
        async (beforeChoice, afterChoice, drift, at, how, concurrency, seed) => {
          const before = await validModel(beforeChoice);
          const after = await validModel(afterChoice);
          const a = newSimulator(seed);
          const b = newSimulator(seed);
          try {
            const start = await sameStart([a, b], before, drift, seed);
            const p = planOk(after, start, { allowMassDelete: true });

            // B: the plan, uninterrupted.
            const counted = counting(b.provider);
            expectAllSucceeded(await executePlan(structuredClone(p.actions), counted, executorOptions(seed)), p);
            const endB = await expectConverged(after, b.provider);

            // A: the same plan, interrupted after k of the calls B made.
            const k = at % (counted.calls + 1);
            const abort = new AbortController();
            const wrapper = interruptedAfter(a.provider, k, how, abort);
            const first = await executePlan(structuredClone(p.actions), wrapper, executorOptions(seed, { signal: abort.signal, concurrency }));
            if (how === 'abort') expect(first.cancelled || first.succeeded.length === p.actions.length).toBe(true);
            else expect(wrapper.forwarded).toBe(k);
            const interrupted = await observeAll(a.provider);

            // A resumed: observe, plan, apply.
            const resumed = planOk(after, interrupted, { allowMassDelete: true });
            expectAllSucceeded(await executePlan(resumed.actions, a.provider, executorOptions(seed)), resumed);
            const endA = await expectConverged(after, a.provider);

            expect(normalise(endA)).toEqual(normalise(endB));

            // No volume lost: every volume there before the plan or made before the interruption is
            // still there (same provider id), unless the plan itself deletes or replaces it.
            const destroyed = new Set(p.actions.filter((x) => x.kind === 'Volume' && (x.op === 'delete' || x.op === 'replace')).map((x) => x.externalId));
            const kept = new Set(volumeIds(endA));
            const lost = [...new Set([...volumeIds(start), ...volumeIds(interrupted)])].filter((id) => !destroyed.has(id) && !kept.has(id));
            expect(lost, `volumes lost (interrupted by ${how} after ${k} of ${counted.calls} calls, concurrency ${concurrency})`).toEqual([]);
          } finally {
            await disposeSimulators();
          }
        },
      ),
      propertyParameters(80),
    );
  });
});
