import { ProviderError } from './provider-error.js';

/** The world is not what the action assumed (changed under it): re-observe and re-plan. */
export class ConflictError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROVIDER_CONFLICT', message, options);
  }
}
