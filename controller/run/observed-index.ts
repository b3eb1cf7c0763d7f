import type { ObservedResource } from '../../providers/provider.js';
import { keyOf } from '../../reconcilers/identity.js';

/** Managed objects by identity (the first of any duplicates: two with one identity are the planner's to report), foreign ones apart. */
export function indexObserved(observed: readonly ObservedResource[]): { managed: Map<string, ObservedResource>; unmanaged: ObservedResource[] } {
  const managed = new Map<string, ObservedResource>();
  const unmanaged: ObservedResource[] = [];
  for (const o of observed) {
    if (!o.managed) {
      unmanaged.push(o);
      continue;
    }
    const key = keyOf(o.kind, o.owner, o.name);
    if (!managed.has(key)) managed.set(key, o);
  }
  unmanaged.sort((a, b) => (keyOf(a.kind, a.owner, a.name) < keyOf(b.kind, b.owner, b.name) ? -1 : 1));
  return { managed, unmanaged };
}
