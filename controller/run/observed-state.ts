import type { ObservedResource } from '../../providers/provider.js';
import type { Action, ActionResult } from '../../reconcilers/action.js';
import { IdentityMap } from '../../reconcilers/identity-map.js';
import { keyOf } from '../../reconcilers/identity.js';
import { indexObserved } from './observed-index.js';

/**
 * The world as last observed, kept between resyncs so that a commit is planned without observing
 * 275,000 objects again. After each action the entry is patched with what the provider answered
 * (a create's id and status, a VM's new power state, a delete's absence); a patch is an
 * approximation until the next resync replaces everything with a fresh observation. An imprecise
 * patch can only cost an idempotent call (a start of a running VM), never a wrong one.
 */
export class ObservedState {
  private managed = new IdentityMap<ObservedResource>();
  private foreign: ObservedResource[] = [];
  /** Keys of objects observed in a transition (Starting, Stopping): not ready yet. */
  transitional = new Set<string>();
  observedAt: number | null = null;
  /** True once an action's result was patched in: no longer exactly what the provider returned. */
  patched = false;

  replace(all: readonly ObservedResource[], at: number): void {
    const { managed, unmanaged: foreign, transitional } = indexObserved(all);
    this.transitional = transitional;
    this.all = all;
    this.managed = managed;
    this.foreign = foreign;
    this.observedAt = at;
    this.patched = false;
  }

  /** Every observed object (managed and foreign), as the planner takes them. */
  all: readonly ObservedResource[] = [];

  get(key: string): ObservedResource | undefined {
    return this.managed.getKey(key);
  }

  /** Managed objects by identity. */
  get byIdentity(): IdentityMap<ObservedResource> {
    return this.managed;
  }

  get unmanaged(): readonly ObservedResource[] {
    return this.foreign;
  }

  get size(): number {
    return this.all.length;
  }

  /** What the actions that succeeded changed, as far as their results tell. */
  patch(done: readonly { action: Action; result: ActionResult }[]): void {
    if (done.length === 0) return;
    const removed = new Set<ObservedResource>();
    const added: ObservedResource[] = [];
    for (const { action, result } of done) {
      const before = this.managed.get(action.kind, action.owner, action.name);
      const after = this.patchOne(action, result);
      if (before && before !== after) removed.add(before);
      if (after && after !== before) added.push(after);
    }
    // One pass over the flat list for the lot (a few milliseconds at 275,000 objects).
    const list = removed.size > 0 ? this.all.filter((o) => !removed.has(o)) : [...this.all];
    for (const o of added) if (this.managed.get(o.kind, o.owner, o.name) === o) list.push(o);
    this.all = list;
    this.patched = true;
  }

  private patchOne(action: Action, result: ActionResult): ObservedResource | undefined {
    const before = this.managed.get(action.kind, action.owner, action.name);
    let after: ObservedResource | undefined;
    switch (action.op) {
      case 'delete':
      case 'orphan':
        after = undefined;
        break;
      case 'start':
      case 'stop':
        if (!before) return undefined;
        after = { ...before, status: { ...before.status, state: action.op === 'start' ? 'Running' : 'Stopped' } };
        break;
      default: {
        const spec = action.spec ?? before?.spec ?? {};
        const status: Record<string, unknown> = { ...(action.op === 'update' ? before?.status : {}), ...result.status };
        if (action.kind === 'VirtualMachine' && action.op !== 'update') status.state = (spec.state as string | undefined) ?? 'Running';
        after = {
          kind: action.kind, name: action.name, ...(action.owner !== undefined ? { owner: action.owner } : {}),
          externalId: result.externalId ?? before?.externalId ?? '', managed: true, spec, status,
        };
      }
    }
    // What an action leaves is settled (a start answered is Running): no longer in transition.
    this.transitional.delete(keyOf(action.kind, action.owner, action.name));
    if (after) this.managed.set(action.kind, action.owner, action.name, after);
    else this.managed.delete(action.kind, action.owner, action.name);
    return after;
  }
}
