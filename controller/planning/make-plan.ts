import path from 'node:path';
import { cairnVersion } from '../../desired-state/cairn-version.js';
import { defaultStateDir, loadDesiredState } from '../../desired-state/load.js';
import type { DesiredModel, LoadResult } from '../../desired-state/model.js';
import { schemaRegistry } from '../../desired-state/validate/schema-registry.js';
import type { ObservedResource, Provider } from '../../providers/provider.js';
import { createProvider } from '../../providers/provider-router.js';
import type { Plan, PlanOptions } from '../../reconcilers/plan.js';
import { plan } from '../../reconcilers/planner.js';
import { readUnchangedPlan, writeUnchangedPlan, type UnchangedPlanKey } from '../state/unchanged-plan.js';

export interface MakePlanOptions extends PlanOptions {
  repo: string;
  rev?: string;
  worktree?: boolean;
  /** Default `<repo>/.cairn` (or $CAIRN_STATE_DIR). */
  stateDir?: string;
  signal?: AbortSignal;
  /**
   * Reuse the remembered empty plan when neither the revision nor the world changed since it was
   * made (the provider's change token; controller/state/unchanged-plan.ts): no observe, no
   * planning. The result then has `reused: true` and an empty `observed`. Off by default: callers
   * that need the observed world (status) must observe.
   */
  reuseUnchanged?: boolean;
}

export type Planned =
  | { ok: false; load: LoadResult }
  | {
      ok: true; load: LoadResult; plan: Plan; observed: ObservedResource[]; provider: Provider; stateDir: string; observeMs: number; planMs: number;
      /** The remembered empty plan was returned (reuseUnchanged): nothing was observed. */
      reused?: boolean;
    };

/**
 * The first steps of plan, apply and status: load and validate the revision (an invalid one goes
 * no further: nothing of it is ever applied), observe the world, plan. The simulator is the only
 * provider until real ones land; it serves every kind.
 */
export async function makePlan(opts: MakePlanOptions): Promise<Planned> {
  const stateDir = path.resolve(opts.stateDir ?? defaultStateDir(opts.repo));
  const load = await loadDesiredState({ repo: opts.repo, rev: opts.rev, worktree: opts.worktree, stateDir });
  if (!load.valid) return { ok: false, load };
  const provider = createProvider({ stateDir });
  const signal = opts.signal ?? new AbortController().signal;
  const planned = await observeAndPlan(load.model, provider, stateDir, { ...opts, signal });
  return { ok: true, load, provider, stateDir, ...planned };
}

export interface ObserveAndPlanOptions extends PlanOptions {
  signal: AbortSignal;
  reuseUnchanged?: boolean;
}

export interface ObservedPlan {
  plan: Plan;
  observed: ObservedResource[];
  observeMs: number;
  planMs: number;
  reused?: boolean;
}

/**
 * Observe and plan a valid desired model; an empty plan is remembered under the change token read
 * before observing (a change during the observation gives a new token, so never a stale entry).
 * Also how an apply checks that it converged (verifyConverged).
 */
export async function observeAndPlan(desired: DesiredModel, provider: Provider, stateDir: string, opts: ObserveAndPlanOptions): Promise<ObservedPlan> {
  const t0 = performance.now();
  const key = await unchangedPlanKey(desired, provider, opts.signal);
  if (key && opts.reuseUnchanged) {
    const remembered = readUnchangedPlan(stateDir, key);
    if (remembered) return { plan: remembered, observed: [], observeMs: performance.now() - t0, planMs: 0, reused: true };
  }
  const observed = await provider.observe({}, opts.signal);
  const t1 = performance.now();
  const p = plan(desired, observed, { maxDeleteFraction: opts.maxDeleteFraction, allowMassDelete: opts.allowMassDelete });
  if (key) writeUnchangedPlan(stateDir, key, p);
  return { plan: p, observed, observeMs: t1 - t0, planMs: performance.now() - t1 };
}

/** What an empty plan of `desired` against the provider's world is remembered under; undefined: not rememberable. */
async function unchangedPlanKey(desired: DesiredModel, provider: Provider, signal: AbortSignal): Promise<UnchangedPlanKey | undefined> {
  // A working tree has no revision to name it by.
  if (desired.revision === null || !provider.changeToken) return undefined;
  const token = await provider.changeToken(signal);
  if (token === undefined) return undefined;
  return { revision: desired.revision, salt: `${cairnVersion()}/${schemaRegistry().digest}`, provider: provider.name, token };
}
