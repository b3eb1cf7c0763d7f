import type { DesiredModel } from '../../desired-state/model.js';
import type { Provider } from '../../providers/provider.js';
import type { Plan } from '../../reconcilers/plan.js';
import { observeAndPlan } from './make-plan.js';

export interface Convergence {
  /** The plan from a fresh observation after the apply: empty when the world matches the revision. */
  plan: Plan;
  ms: number;
}

/**
 * After an apply in which every action succeeded: observe and plan again. An empty plan is what
 * an apply promises (plan(apply(plan)) is empty), and it is remembered under the world's change
 * token, so the next `cairn plan` of the same revision costs a warm load (controller/state/
 * unchanged-plan.ts). A non-empty one means the world changed during the apply, or a planner bug:
 * the caller says so rather than leaving it to the next plan. The observation is the provider's
 * own, not the apply's bookkeeping: an entry is only ever remembered for a world that was seen.
 */
export async function verifyConverged(desired: DesiredModel, provider: Provider, stateDir: string, signal: AbortSignal): Promise<Convergence> {
  const t0 = performance.now();
  const { plan } = await observeAndPlan(desired, provider, stateDir, { signal });
  return { plan, ms: performance.now() - t0 };
}
