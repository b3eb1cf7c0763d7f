import { HttpError } from './http-error.js';

/**
 * The item a `continue` token points after is gone from the list (deleted, or the list changed
 * order). 410 as Kubernetes answers an expired continue: the client starts the listing again.
 */
export class ContinueExpiredError extends HttpError {
  constructor() {
    super(410, 'CONTINUE_EXPIRED', 'the continue token no longer matches the list; start again without it');
  }
}
