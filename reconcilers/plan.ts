import type { Kind } from '../desired-state/model.js';
import type { ObservedResource } from '../providers/provider.js';
import type { Action, ActionOp } from './action.js';

/**
 * Why a plan must not be applied as it stands. Errors are data, never exceptions: the plan still
 * lists every action, so the operator sees what would have happened.
 * - `placement`: no host (or no primary storage) can take a VM or volume; names it and says why.
 * - `cycle`: actions that wait on each other; names the cycle.
 * - `mass-delete`: the plan would destroy more than `maxDeleteFraction` of the managed resources.
 * - `quota`: an account's or project's limits would be exceeded once the plan is applied, counting
 *   what stays in the world outside git (orphans, unmanaged objects).
 * - `duplicate`: the world holds two managed objects with one identity (a provider broke adoption).
 */
export type PlanErrorCode = 'placement' | 'cycle' | 'mass-delete' | 'quota' | 'duplicate';

export interface PlanError {
  code: PlanErrorCode;
  message: string;
  kind?: Kind;
  name?: string;
  /** Owner key (`account:acme`), undefined for global kinds. */
  owner?: string;
  /** Ids of the actions involved (the cycle in order, the VM's create). */
  actions?: string[];
}

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  orphan: number;
  start: number;
  stop: number;
  /** Actions flagged destructive (deletes, replaces, shrinking updates). */
  destructive: number;
  /** Foreign objects seen in the world and left alone. */
  unmanaged: number;
}

export interface Plan {
  /** Commit the desired state was read from; null for a working tree. */
  revision: string | null;
  /** In dependency order: every id in an action's `dependsOn` belongs to an earlier action. */
  actions: Action[];
  summary: PlanSummary;
  errors: PlanError[];
  /** Foreign objects (managed: false): reported, never acted on. Sorted by kind, owner, name. */
  unmanaged: ObservedResource[];
}

export interface PlanOptions {
  /**
   * Largest share of the managed objects in the world that a plan may destroy (deletes and replaces;
   * orphans keep their data and do not count). Default 0.1.
   */
  maxDeleteFraction?: number;
  /** The operator confirmed a mass deletion (`--allow-mass-delete`). */
  allowMassDelete?: boolean;
}

export const OPS: readonly ActionOp[] = ['create', 'update', 'replace', 'delete', 'orphan', 'start', 'stop'];

export function summarise(actions: readonly Action[], unmanaged: number): PlanSummary {
  const s: PlanSummary = { create: 0, update: 0, replace: 0, delete: 0, orphan: 0, start: 0, stop: 0, destructive: 0, unmanaged };
  for (const a of actions) {
    s[a.op]++;
    if (a.destructive) s.destructive++;
  }
  return s;
}

/** True when applying the plan would change nothing. */
export function isEmptyPlan(plan: Plan): boolean {
  return plan.actions.length === 0;
}
