import { HttpError } from './http-error.js';

/**
 * A protected endpoint whose credential (API token, webhook secret) was not configured. 503, not
 * 401: no request can succeed until the operator configures it, and a 401 would send clients
 * looking for a credential that does not exist. The route stays visible so the reason is too.
 */
export class NotConfiguredError extends HttpError {
  constructor(code: 'TOKEN_NOT_CONFIGURED' | 'WEBHOOK_NOT_CONFIGURED', message: string) {
    super(503, code, message);
  }
}
