import type { Kind, Resource } from '../desired-state/model.js';
import type { ObservedResource } from '../providers/provider.js';
import type { Action } from './action.js';

/** Read-only view of both worlds that a reconciler may consult (never I/O). */
export interface ReconcileContext {
  /** Desired resource by identity (kind, owner key, name). */
  desired(kind: Kind, owner: string | undefined, name: string): Resource | undefined;
  /** Observed managed resource by identity. */
  observed(kind: Kind, owner: string | undefined, name: string): ObservedResource | undefined;
}

/**
 * One per kind, pure: (desired, observed) → actions. It knows which spec fields cannot change in
 * place (a change means replace, flagged destructive), which can, and which are observed only
 * (decided by the provider: placement host, MAC, allocated IP or VLAN) and never count as drift.
 */
export interface Reconciler {
  readonly kind: Kind;
  readonly immutable: readonly string[];
  readonly observedOnly: readonly string[];
  reconcile(desired: Resource | undefined, observed: ObservedResource | undefined, ctx: ReconcileContext): Action[];
}
