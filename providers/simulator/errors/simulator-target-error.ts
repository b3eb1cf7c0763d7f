import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/** A drift or fault command names an object the simulated world does not hold (or holds several of). */
export class SimulatorTargetError extends CairnError {
  constructor(message: string) {
    super('SIM_TARGET', message);
  }
}
