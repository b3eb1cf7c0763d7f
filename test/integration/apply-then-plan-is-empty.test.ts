/**
 * Issue 3's first property, on the real pieces: for random valid models (variations of the example
 * data center, read by the loader) and random observed worlds (an earlier random model applied,
 * then disturbed from outside with drift.ts, foreign VMs included), plan → executePlan on the
 * simulator → plan again has no actions and no errors, and foreign objects are untouched.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { executePlan } from '../../controller/executor/execute-plan.js';
import { arbDataCenter } from './datacenter-arbitrary.js';
import {
  applyDrift,
  arbDrift,
  disposeSimulators,
  executorOptions,
  expectAllSucceeded,
  expectConverged,
  managedDuplicates,
  newSimulator,
  observeAll,
  planAndApply,
  planOk,
  propertyParameters,
  unmanagedById,
  validModel,
} from './simulated-world.js';

afterAll(disposeSimulators);

describe('plan, apply on the simulator, plan again', () => {
  it('from an empty world the second plan is empty', async () => {
    await fc.assert(
      fc.asyncProperty(arbDataCenter, fc.integer(), async (choice, seed) => {
        const model = await validModel(choice);
        const run = newSimulator(seed);
        try {
          const p = await planAndApply(model, run, seed);
          expect(p.summary.create).toBe(model.resources.length);
          const world = await expectConverged(model, run.provider);
          expect(managedDuplicates(world)).toEqual([]);
          expect(world.filter((o) => o.managed)).toHaveLength(model.resources.length);
        } finally {
          await disposeSimulators();
        }
      }),
      propertyParameters(20),
    );
  });

  it('from a world made by an earlier model and disturbed from outside, one apply converges and foreign objects are untouched', async () => {
    await fc.assert(
      fc.asyncProperty(arbDataCenter, arbDataCenter, arbDrift, fc.integer(), async (beforeChoice, afterChoice, drift, seed) => {
        const before = await validModel(beforeChoice);
        const after = await validModel(afterChoice);
        const run = newSimulator(seed);
        try {
          await planAndApply(before, run, seed);
          await applyDrift(run, drift);

          const start = await observeAll(run.provider);
          const foreign = unmanagedById(start);
          const p = planOk(after, start, { allowMassDelete: true });
          // Foreign objects are reported, never acted on.
          expect(p.unmanaged.map((o) => o.externalId).sort()).toEqual([...foreign.keys()].sort());
          expect(p.actions.filter((a) => a.externalId !== undefined && foreign.has(a.externalId)).map((a) => a.id)).toEqual([]);

          const report = await executePlan(p.actions, run.provider, executorOptions(seed));
          expectAllSucceeded(report, p);

          const end = await expectConverged(after, run.provider);
          expect(managedDuplicates(end)).toEqual([]);
          // Untouched: still there, same spec and status; the only new unmanaged objects are what the plan orphaned.
          const endUnmanaged = unmanagedById(end);
          for (const [id, o] of foreign) expect(endUnmanaged.get(id), `foreign ${o.kind} ${o.name} (${id})`).toEqual(o);
          const orphaned = new Set(p.actions.filter((a) => a.op === 'orphan').map((a) => a.externalId));
          expect([...endUnmanaged.keys()].filter((id) => !foreign.has(id) && !orphaned.has(id))).toEqual([]);
          // And what the plan orphaned is still there, its data kept, no longer managed.
          expect([...orphaned].filter((id) => !endUnmanaged.has(id!))).toEqual([]);
        } finally {
          await disposeSimulators();
        }
      }),
      propertyParameters(50),
    );
  });
});
