import { HttpError } from './http-error.js';

export class InvalidQueryError extends HttpError {
  constructor(message: string) {
    super(400, 'INVALID_QUERY', message);
  }
}
