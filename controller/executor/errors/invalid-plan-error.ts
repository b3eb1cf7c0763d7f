import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/**
 * The plan handed to the executor cannot be run as given: a duplicate action id, a dependency on an
 * action that is not in the plan, or a dependency cycle. The planner should never produce one; the
 * executor refuses it before any provider is called rather than deadlock or guess.
 */
export class InvalidPlanError extends CairnError {
  constructor(message: string) {
    super('EXECUTOR_INVALID_PLAN', message);
  }
}
