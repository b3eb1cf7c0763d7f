import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/** `--remote`: the remote could not be fetched, or it has no such branch. */
export class RemoteFetchError extends CairnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('REMOTE_FETCH', message, options);
  }
}
