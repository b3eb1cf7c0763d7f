import { KINDS, type Kind, type Resource } from '../../desired-state/model.js';
import type { DriftPolicy } from './controller-view.js';
import { ControllerConfigError } from './errors/controller-config-error.js';

/** The annotation that sets one resource's drift policy; it beats the kind's. */
export const DRIFT_POLICY_ANNOTATION = 'cairn.dev/drift-policy';

const POLICIES: readonly DriftPolicy[] = ['correct', 'report'];

/** Which policy applies to a resource: its annotation, else its kind's (`--drift-policy`), else `correct`. */
export class DriftPolicies {
  constructor(private readonly byKind: ReadonlyMap<Kind, DriftPolicy> = new Map()) {}

  /** `["VirtualMachine=report", ...]` as given on the command line. */
  static parse(flags: readonly string[]): DriftPolicies {
    const byKind = new Map<Kind, DriftPolicy>();
    for (const flag of flags) {
      const [kind, policy, extra] = flag.split('=');
      if (extra !== undefined || !kind || !policy) throw new ControllerConfigError(`--drift-policy takes KIND=POLICY, e.g. VirtualMachine=report (got ${JSON.stringify(flag)})`);
      if (!(KINDS as readonly string[]).includes(kind)) throw new ControllerConfigError(`--drift-policy: unknown kind ${JSON.stringify(kind)}; kinds: ${KINDS.join(', ')}`);
      if (!(POLICIES as readonly string[]).includes(policy)) throw new ControllerConfigError(`--drift-policy ${kind}: the policy is correct or report (got ${JSON.stringify(policy)})`);
      byKind.set(kind as Kind, policy as DriftPolicy);
    }
    return new DriftPolicies(byKind);
  }

  of(kind: Kind, desired: Resource | undefined): DriftPolicy {
    const annotated = desired?.doc.metadata?.annotations?.[DRIFT_POLICY_ANNOTATION];
    // An unknown value is not a reason to touch the world: anything but `correct` only reports.
    if (annotated !== undefined) return annotated === 'correct' ? 'correct' : 'report';
    return this.byKind.get(kind) ?? 'correct';
  }
}
