import { HttpError } from './http-error.js';

export class NotFoundError extends HttpError {
  constructor(path: string) {
    super(404, 'NOT_FOUND', `no route ${path}`);
  }
}
