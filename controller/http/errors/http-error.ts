import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/**
 * An error the status server answers with: `status` is the HTTP status, `code` goes into the JSON
 * body `{error: {code, message}}` and is stable, so clients can branch on it instead of on text.
 */
export class HttpError extends CairnError {
  readonly status: number;
  /** Extra response headers the status requires (Allow for 405, WWW-Authenticate for 401). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(code, message);
    this.status = status;
    this.headers = headers;
  }
}
