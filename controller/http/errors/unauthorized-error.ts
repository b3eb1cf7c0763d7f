import { HttpError } from './http-error.js';

/** The message never says whether a token was missing or wrong beyond what the client sent itself. */
export class UnauthorizedError extends HttpError {
  constructor(message: string, challenge: string) {
    super(401, 'UNAUTHORIZED', message, challenge ? { 'WWW-Authenticate': challenge } : {});
  }
}
