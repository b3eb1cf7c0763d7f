import { HttpError } from './http-error.js';

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `request body over ${limitBytes} bytes`, { Connection: 'close' });
  }
}
