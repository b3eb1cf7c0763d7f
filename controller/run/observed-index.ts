import type { ObservedResource } from '../../providers/provider.js';
import { IdentityMap } from '../../reconcilers/identity-map.js';
import { keyOf } from '../../reconcilers/identity.js';

/**
 * Managed objects by identity, as nested maps (building a `Kind/owner/name` string per object cost
 * a third of a resync at 275,000 objects); foreign objects apart, sorted. Of two managed objects
 * with one identity the first is kept: the duplicate is the planner's to report.
 */
export function indexObserved(observed: readonly ObservedResource[]): { managed: IdentityMap<ObservedResource>; unmanaged: ObservedResource[] } {
  const managed = new IdentityMap<ObservedResource>();
  const unmanaged: ObservedResource[] = [];
  for (const o of observed) {
    if (!o.managed) unmanaged.push(o);
    else if (!managed.has(o.kind, o.owner, o.name)) managed.set(o.kind, o.owner, o.name, o);
  }
  unmanaged.sort((a, b) => (keyOf(a.kind, a.owner, a.name) < keyOf(b.kind, b.owner, b.name) ? -1 : 1));
  return { managed, unmanaged };
}
