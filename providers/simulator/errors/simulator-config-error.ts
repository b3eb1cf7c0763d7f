import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/** `<stateDir>/simulator.json` or `CAIRN_SIM_LATENCY_MS` cannot be used as written. */
export class SimulatorConfigError extends CairnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SIM_CONFIG', message, options);
  }
}
