/**
 * The provider contract: the only code with effects sits behind this interface (shape after
 * crossplane-runtime's ExternalClient).
 *
 * Idempotency, which every provider must honour and test/providers/contract.ts checks:
 * - `apply(create)` first looks for an object that already carries the same identity and adopts it:
 *   calling it again never fails with "already exists" and never makes a second object.
 * - `apply(delete)` of an object that is already gone succeeds.
 * - `apply(update | start | stop)` on an object already in the wanted state succeeds and changes nothing.
 * Ownership: every object a provider creates carries cairn's identity (kind, tenant, name), so
 * `observe` can tell managed objects from foreign ones, which are reported and never modified.
 * Errors: only TransientError, PermanentError and ConflictError (providers/errors/) escape.
 */
import type { Kind } from '../desired-state/model.js';
import type { Action, ActionResult } from '../reconcilers/action.js';

export interface ObserveScope {
  /** Kinds to observe; all the provider serves when omitted. */
  kinds?: readonly Kind[];
}

/** What a provider sees of one object. */
export interface ObservedResource {
  kind: Kind;
  name: string;
  /** `account:NAME` / `project:NAME` owner key of tenant kinds (see desired-state ownerKey); undefined for global kinds. */
  owner?: string;
  /** The provider's own id of the object. */
  externalId: string;
  /** True when the object carries cairn's identity; false for foreign objects (never modified). */
  managed: boolean;
  /** Observed values of the fields cairn manages, in the shape of the kind's `spec`. */
  spec: Record<string, unknown>;
  /**
   * What the provider decided or measured and cairn never enforces (never drift): placement host,
   * primary storage, MAC, allocated IPs, VLAN, VM power state (`state`: Running, Stopped, Starting,
   * Stopping, Error, Destroyed), capacity in use.
   */
  status: Record<string, unknown>;
}

export interface Provider {
  readonly name: string;
  kinds(): readonly Kind[];
  observe(scope: ObserveScope, signal: AbortSignal): Promise<ObservedResource[]>;
  /** create | update | delete | orphan | replace-as-delete+create | start | stop. */
  apply(action: Action, signal: AbortSignal): Promise<ActionResult>;
  /**
   * Optional, and cheap: a token that changes whenever what `observe` would return may have
   * changed, by cairn or anyone else (as Kubernetes' resourceVersion). Equal tokens promise an
   * equal observation, so a plan made from the first may be reused (controller/state/unchanged-plan.ts).
   * Undefined when the provider cannot promise it right now; a provider without the method is
   * always observed.
   */
  changeToken?(signal: AbortSignal): Promise<string | undefined>;
}
