import type { Action, ActionResult } from '../../reconcilers/action.js';
import type { ClassifiedError } from './classify-error.js';
import type { FailedAction } from './execution-report.js';

/**
 * What the executor tells the edge (progress display, logs, the controller's events) as a plan
 * runs. Listeners run synchronously on the executor's path: keep them cheap; what they throw is
 * ignored so a display bug cannot fail an apply.
 */
export interface ExecutionEvents {
  /** A provider call is about to be made (after its intent is journaled). `op` is the provider op. */
  onStart?(action: Action, attempt: number, op: Action['op']): void;
  /** An attempt failed and will be retried after `delayMs`. */
  onRetry?(action: Action, attempt: number, delayMs: number, error: ClassifiedError): void;
  onSuccess?(action: Action, result: ActionResult, info: { durationMs: number; attempts: number }): void;
  onFailure?(action: Action, failure: FailedAction, info: { durationMs: number }): void;
  /** Not run because an action it depends on (directly or not) failed. */
  onSkip?(action: Action, reason: string): void;
  /** Not run because the run was cancelled first. */
  onNotStarted?(action: Action): void;
}
