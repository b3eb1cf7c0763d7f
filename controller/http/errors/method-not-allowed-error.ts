import { HttpError } from './http-error.js';

/** RFC 9110 requires a 405 to say which methods the resource does support. */
export class MethodNotAllowedError extends HttpError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, {
      Allow: allowed.join(', '),
    });
  }
}
