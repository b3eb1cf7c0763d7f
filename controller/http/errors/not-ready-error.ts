import { HttpError } from './http-error.js';

export class NotReadyError extends HttpError {
  constructor() {
    super(503, 'NOT_READY', 'the controller has not yet loaded a revision and observed the world');
  }
}
