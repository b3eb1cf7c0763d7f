import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/** A controller setting that cannot be used as given: a duration, a drift policy, a listen address. */
export class ControllerConfigError extends CairnError {
  constructor(message: string) {
    super('CONTROLLER_CONFIG', message);
  }
}
