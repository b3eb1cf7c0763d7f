/**
 * Faults for the provider contract suite around a real provider: libvirt cannot be told to fail on
 * cue, so this wrapper fails calls at the rates asked, as the simulator does for itself: before the
 * call (transient or permanent: nothing done), or after it (a timeout: the effect happened, the
 * reply was lost), which is what makes the suite's retry-adopts checks meaningful against libvirt.
 */
import type { Kind } from '../../../desired-state/model.js';
import { PermanentError } from '../../../providers/errors/permanent-error.js';
import { TransientError } from '../../../providers/errors/transient-error.js';
import type { ObserveScope, ObservedResource, Provider } from '../../../providers/provider.js';
import type { Action, ActionResult } from '../../../reconcilers/action.js';

export interface FaultRates {
  errorRate?: number;
  timeoutRate?: number;
  permanentErrorRate?: number;
}

export class FaultInjectingProvider<P extends Provider> implements Provider {
  readonly name: string;
  private rates: Required<FaultRates> = { errorRate: 0, timeoutRate: 0, permanentErrorRate: 0 };
  constructor(
    readonly inner: P,
    private readonly random: () => number = Math.random,
  ) {
    this.name = inner.name;
  }

  setFaults(rates: FaultRates): void {
    this.rates = { errorRate: rates.errorRate ?? 0, timeoutRate: rates.timeoutRate ?? 0, permanentErrorRate: rates.permanentErrorRate ?? 0 };
  }

  kinds(): readonly Kind[] {
    return this.inner.kinds();
  }

  observe(scope: ObserveScope, signal: AbortSignal): Promise<ObservedResource[]> {
    return this.inner.observe(scope, signal);
  }

  async apply(action: Action, signal: AbortSignal): Promise<ActionResult> {
    const r = this.random();
    const { errorRate, timeoutRate, permanentErrorRate } = this.rates;
    if (r < errorRate) throw new TransientError(`injected: ${action.id} failed before reaching libvirt`);
    if (r < errorRate + permanentErrorRate) throw new PermanentError(`injected: ${action.id} refused`);
    const result = await this.inner.apply(action, signal);
    if (r < errorRate + permanentErrorRate + timeoutRate) throw new TransientError(`injected: ${action.id} timed out waiting for the reply (the operation took effect)`);
    return result;
  }
}
