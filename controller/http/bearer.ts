import type { IncomingMessage } from 'node:http';
import { constantTimeEqual } from './constant-time-equal.js';
import { NotConfiguredError } from './errors/not-configured-error.js';
import { UnauthorizedError } from './errors/unauthorized-error.js';

const CHALLENGE = 'Bearer realm="cairn"';

/**
 * Checks `Authorization: Bearer <token>` against the configured API token; throws the HttpError to
 * answer otherwise. The presented token is never put into an error message or a log line.
 */
export function requireBearer(req: IncomingMessage, token: string | undefined): void {
  if (!token) {
    throw new NotConfiguredError('TOKEN_NOT_CONFIGURED', 'no API token is configured on this controller: mutating endpoints are disabled');
  }
  const header = req.headers.authorization;
  if (header === undefined) throw new UnauthorizedError('missing Authorization: Bearer token', CHALLENGE);
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) throw new UnauthorizedError('Authorization header is not a Bearer token', CHALLENGE);
  if (!constantTimeEqual(match[1]!, token)) {
    throw new UnauthorizedError('invalid bearer token', `${CHALLENGE}, error="invalid_token"`);
  }
}
