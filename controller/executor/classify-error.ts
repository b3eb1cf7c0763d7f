import { ConflictError } from '../../providers/errors/conflict-error.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { TransientError } from '../../providers/errors/transient-error.js';

/**
 * How an action's attempt went wrong, as the executor acts on it:
 * - transient: a TransientError, retried with backoff;
 * - conflict: a ConflictError, retried a few times (the caller may re-plan) and reported;
 * - permanent: a PermanentError, or anything else a provider throws (a provider bug: the contract
 *   lets only the three classes escape), never retried;
 * - cancelled / interrupted: the run was cancelled before a retry, or stopped while the call ran;
 * - journal: the intent could not be recorded, so the call was not made.
 */
export type FailureKind = 'transient' | 'conflict' | 'permanent' | 'cancelled' | 'interrupted' | 'journal';

export interface ClassifiedError {
  kind: FailureKind;
  /** Stable code: the provider error's `code`, PROVIDER_BUG, EXECUTOR_CANCELLED, ... */
  code: string;
  /** Class name of what was thrown (TransientError, TypeError, ...), for the journal. */
  errorClass: string;
  message: string;
}

export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof TransientError) return { kind: 'transient', code: error.code, errorClass: error.name, message: error.message };
  if (error instanceof ConflictError) return { kind: 'conflict', code: error.code, errorClass: error.name, message: error.message };
  if (error instanceof PermanentError) return { kind: 'permanent', code: error.code, errorClass: error.name, message: error.message };
  if (error instanceof Error) {
    return { kind: 'permanent', code: 'PROVIDER_BUG', errorClass: error.name, message: `provider bug (${error.name}): ${error.message}` };
  }
  return { kind: 'permanent', code: 'PROVIDER_BUG', errorClass: typeof error, message: `provider bug: threw ${String(error)}` };
}
