import { CairnError } from './cairn-error.js';

/** A ref, commit id or `REV~n` expression that does not resolve in the repository. */
export class RevisionNotFoundError extends CairnError {
  constructor(readonly rev: string, cause?: unknown) {
    super('REVISION_NOT_FOUND', `revision "${rev}" not found in the repository`, { cause });
  }
}
