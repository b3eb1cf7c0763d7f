import { ProviderError } from './provider-error.js';

/** Worth retrying with backoff: a timeout, a busy host, a refused connection. */
export class TransientError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROVIDER_TRANSIENT', message, options);
  }
}
