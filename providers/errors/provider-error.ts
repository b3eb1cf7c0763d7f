import { CairnError } from '../../desired-state/errors/cairn-error.js';

/** Base of the only errors a provider may throw. */
export abstract class ProviderError extends CairnError {}
