import { CairnError } from './cairn-error.js';

/** A ref, commit id or `REV~n` expression that does not resolve in the repository. */
export class RevisionNotFoundError extends CairnError {
  constructor(readonly rev: string, cause?: unknown, detail?: string) {
    super('REVISION_NOT_FOUND', detail ? `revision "${rev}": ${detail}` : `revision "${rev}" not found in the repository`, { cause });
  }
}
