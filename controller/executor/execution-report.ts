import type { ActionResult } from '../../reconcilers/action.js';
import type { FailureKind } from './classify-error.js';

export interface FailedAction {
  id: string;
  /** Human message; for a provider error its message, prefixed when attempts ran out. */
  error: string;
  /** Stable code (PROVIDER_PERMANENT, PROVIDER_TRANSIENT after attempts ran out, PROVIDER_BUG, ...). */
  code: string;
  kind: FailureKind;
  /** Provider calls made for this action (every step of a replace counted). */
  attempts: number;
}

export interface SkippedAction {
  id: string;
  /** "dependency failed: <id of the action that failed>". */
  reason: string;
}

/** How a plan's execution went. Lists are in plan order. */
export interface ExecutionReport {
  succeeded: string[];
  failed: FailedAction[];
  skipped: SkippedAction[];
  /** Not started because the run was cancelled (or had to stop) first. */
  notStarted: string[];
  /** Actions that met a ConflictError (whether or not a retry then succeeded): the world moved, re-plan. */
  conflicts: { id: string; count: number }[];
  /** Result of every succeeded action (for a replace, its create's). */
  results: Map<string, ActionResult>;
  /** True when the run was cancelled through the signal. */
  cancelled: boolean;
  /** Problems that did not change any action's outcome (an outcome the journal could not record). */
  warnings: string[];
  durationMs: number;
  /** Finished actions (succeeded + failed) per second of the run. */
  actionsPerSecond: number;
}
