import type { SimObject } from './sim-object.js';
import { SEP } from './world-reader.js';
import type { WorldTx } from './world-transaction.js';

/** Index entries of objects in a transition, so that overdue ones are found without a scan. */
export const TRANSITIONS_PREFIX = `settle${SEP}`;

export const transitionKey = (externalId: string): string => `${TRANSITIONS_PREFIX}${externalId}`;

/** Forgets a pending transition: the object moved on (by its own call's end, a start, a drift). */
export function dropTransition(tx: WorldTx, obj: SimObject): void {
  if (!obj.settle) return;
  delete obj.settle;
  tx.indexRemove(transitionKey(obj.externalId));
}
