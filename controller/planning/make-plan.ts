import path from 'node:path';
import { defaultStateDir, loadDesiredState } from '../../desired-state/load.js';
import type { LoadResult } from '../../desired-state/model.js';
import type { ObservedResource, Provider } from '../../providers/provider.js';
import { createSimulatorProvider } from '../../providers/simulator/simulator-provider.js';
import type { Plan, PlanOptions } from '../../reconcilers/plan.js';
import { plan } from '../../reconcilers/planner.js';

export interface MakePlanOptions extends PlanOptions {
  repo: string;
  rev?: string;
  worktree?: boolean;
  /** Default `<repo>/.cairn` (or $CAIRN_STATE_DIR). */
  stateDir?: string;
  signal?: AbortSignal;
}

export type Planned =
  | { ok: false; load: LoadResult }
  | { ok: true; load: LoadResult; plan: Plan; observed: ObservedResource[]; provider: Provider; stateDir: string; observeMs: number; planMs: number };

/**
 * The first steps of plan, apply and status: load and validate the revision (an invalid one goes
 * no further: nothing of it is ever applied), observe the world, plan. The simulator is the only
 * provider until real ones land; it serves every kind.
 */
export async function makePlan(opts: MakePlanOptions): Promise<Planned> {
  const stateDir = path.resolve(opts.stateDir ?? defaultStateDir(opts.repo));
  const load = await loadDesiredState({ repo: opts.repo, rev: opts.rev, worktree: opts.worktree, stateDir });
  if (!load.valid) return { ok: false, load };
  const provider = createSimulatorProvider({ stateDir });
  const signal = opts.signal ?? new AbortController().signal;
  const t0 = performance.now();
  const observed = await provider.observe({}, signal);
  const t1 = performance.now();
  const p = plan(load.model, observed, { maxDeleteFraction: opts.maxDeleteFraction, allowMassDelete: opts.allowMassDelete });
  return { ok: true, load, plan: p, observed, provider, stateDir, observeMs: t1 - t0, planMs: performance.now() - t1 };
}
