import type { ActionResult } from '../../reconcilers/action.js';
import type { Transition } from './kinds/kind-handler.js';
import { setPower } from './kinds/vm-power.js';
import { transitionKey, TRANSITIONS_PREFIX } from './transition-records.js';
import type { SimulatorWorld } from './world-store.js';
import type { WorldTx } from './world-transaction.js';

/*
 * A VM is Starting for the length of its call, then Running. The call that began the transition
 * normally ends it; if that call never gets there (aborted, its process killed), the transition
 * still ends once it is due, when the world is next observed, as CloudStack's own simulator agent
 * would finish it. Without that, an apply killed at the wrong moment would leave a VM Starting for
 * ever, and a planner that waits for transitional states to settle would wait for ever too.
 */

/** Records that `t` is under way and due at `dueAt` (epoch ms). */
export function beginTransition(tx: WorldTx, t: Transition, dueAt: number): void {
  const obj = tx.get(t.externalId);
  if (!obj) return;
  obj.settle = { from: t.from, to: t.to, at: dueAt };
  tx.put(obj);
  tx.indexPut(transitionKey(obj.externalId), obj.externalId);
}

/** Ends `t` unless something else moved the object meanwhile; returns what the caller reports. */
export function completeTransition(tx: WorldTx, t: Transition): ActionResult {
  tx.indexRemove(transitionKey(t.externalId));
  const obj = tx.get(t.externalId);
  if (!obj) return { externalId: t.externalId };
  if (obj.status.state !== t.from) return { externalId: t.externalId, status: obj.status };
  if (t.to === 'removed') {
    tx.remove(obj);
    return { externalId: t.externalId };
  }
  setPower(tx, obj, t.to);
  return { externalId: t.externalId, status: obj.status };
}

/** Ends every transition due by `now`. */
export function settleDue(tx: WorldTx, now: number): void {
  for (const id of tx.indexRange(TRANSITIONS_PREFIX)) {
    const obj = tx.get(id);
    if (!obj?.settle) {
      tx.indexRemove(transitionKey(id));
      continue;
    }
    if (obj.settle.at <= now) completeTransition(tx, { externalId: id, from: obj.settle.from, to: obj.settle.to });
  }
}

/** Before the world is looked at: ends overdue transitions (one read when there are none). */
export async function settleOverdue(world: SimulatorWorld): Promise<void> {
  world.refresh();
  const now = Date.now();
  const due = world.indexRange(TRANSITIONS_PREFIX).some((id) => {
    const at = world.get(id)?.settle?.at;
    return at === undefined || at <= now;
  });
  if (due) await world.mutate((tx) => settleDue(tx, now));
}
