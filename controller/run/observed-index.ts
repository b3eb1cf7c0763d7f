import type { ObservedResource } from '../../providers/provider.js';
import { IdentityMap } from '../../reconcilers/identity-map.js';
import { keyOf } from '../../reconcilers/identity.js';
import { TRANSITIONAL } from './resource-view.js';

/**
 * Managed objects by identity, as nested maps (building a `Kind/owner/name` string per object cost
 * a third of a resync at 275,000 objects); foreign objects apart, sorted. Of two managed objects
 * with one identity the one with the smaller provider id is kept, as the planner keeps it (the
 * duplicate is the planner's to report): whichever order the provider listed them in.
 */
export function indexObserved(observed: readonly ObservedResource[]): { managed: IdentityMap<ObservedResource>; unmanaged: ObservedResource[]; transitional: Set<string> } {
  const managed = new IdentityMap<ObservedResource>();
  const unmanaged: ObservedResource[] = [];
  /** Keys of managed objects caught in a transition (a VM Starting): not ready, whatever git says. */
  const transitional = new Set<string>();
  let duplicates = false;
  for (const o of observed) {
    if (!o.managed) {
      unmanaged.push(o);
      continue;
    }
    // One write per object; a map that did not grow met an identity twice (rare: settled below).
    const size = managed.size;
    managed.set(o.kind, o.owner, o.name, o);
    if (managed.size === size) duplicates = true;
    const state = o.status.state;
    if (typeof state === 'string' && TRANSITIONAL.has(state)) transitional.add(keyOf(o.kind, o.owner, o.name));
  }
  if (duplicates) {
    for (const o of observed) {
      if (!o.managed) continue;
      const kept = managed.get(o.kind, o.owner, o.name)!;
      if (o.externalId < kept.externalId) managed.set(o.kind, o.owner, o.name, o);
    }
  }
  unmanaged.sort((a, b) => (keyOf(a.kind, a.owner, a.name) < keyOf(b.kind, b.owner, b.name) ? -1 : 1));
  return { managed, unmanaged, transitional };
}
