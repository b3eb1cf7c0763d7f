import { ProviderError } from './provider-error.js';

/** Retrying will not help (invalid request, missing image, no capacity): report, do not hammer. */
export class PermanentError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROVIDER_PERMANENT', message, options);
  }
}
