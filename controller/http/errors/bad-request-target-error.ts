import { HttpError } from './http-error.js';

/** The request line's target is not a URL path (node's parser lets `http://[` through). */
export class BadRequestTargetError extends HttpError {
  constructor() {
    super(400, 'BAD_REQUEST', 'the request target is not a valid URL');
  }
}
