import { CairnError } from './cairn-error.js';

/** The directory given as the repository is not a git repository or cannot be read. */
export class RepositoryError extends CairnError {
  constructor(readonly dir: string, detail: string, cause?: unknown) {
    super('REPOSITORY_UNREADABLE', `${dir}: ${detail}`, { cause });
  }
}
