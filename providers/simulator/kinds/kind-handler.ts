import type { Action } from '../../../reconcilers/action.js';
import type { SimObject } from '../sim-object.js';
import type { WorldReader } from '../world-reader.js';
import type { WorldTx } from '../world-transaction.js';

/**
 * A state an object is in for the length of a call and then leaves on its own: a VM is Starting,
 * then Running; Destroyed, then removed. See transitions.ts.
 */
export interface Transition {
  externalId: string;
  from: string;
  /** The state it ends in, or 'removed'. */
  to: string;
}

/**
 * What one kind does on each operation. The generic part (identity, adoption, references, finding
 * the object) is in operations.ts; a handler only decides the kind's status and its effects on
 * other objects (capacity, addresses, attachments). It may throw at any point: the transaction
 * discards everything it wrote.
 */
export interface KindHandler {
  /** Fills `obj.status` of a new object (`obj.spec` is set). */
  create(tx: WorldTx, obj: SimObject, action: Action): Transition | void;
  /** Moves `obj` to `spec` (the new spec), in place. */
  update(tx: WorldTx, obj: SimObject, spec: Record<string, unknown>, action: Action): Transition | void;
  /** Gives back what `obj` holds. Returning a transition keeps it (a Destroyed VM) until that ends; else it is removed now. */
  delete(tx: WorldTx, obj: SimObject): Transition | void;
  start?(tx: WorldTx, obj: SimObject, action: Action): Transition | void;
  stop?(tx: WorldTx, obj: SimObject, action: Action): Transition | void;
  /** The status observe reports, when it needs more than what is stored (a host's capacity). */
  observedStatus?(r: WorldReader, obj: SimObject): Record<string, unknown>;
}
