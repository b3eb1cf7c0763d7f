import type { DesiredReferences } from './desired-references.js';
import { makeAction } from './field-reconciler.js';
import { splitKey } from './identity-map.js';
import { displayName } from './identity.js';
import { keyOfNode, type NodeSet } from './plan-nodes.js';
import { scanReferrers, type Referrer } from './referrers.js';
import type { World } from './world.js';

const describe = (key: string): string => {
  const [kind, owner, name] = splitKey(key);
  return displayName(kind, owner, name);
};

/**
 * What replacing an object does to the objects that point at it, until nothing more changes:
 * - a hard referrer that stays in git (a VM on a replaced network, a rule on a replaced public IP,
 *   every object of a replaced account) is replaced with it, in two steps around it;
 * - a soft referrer (a load balancer's members, a VM's security groups, a volume's VM) gets an update
 *   that re-asserts its spec once the target is back;
 * - a replace that must itself happen around a replaced target is split in two.
 * Returns who points at every object the plan removes, for the delete ordering.
 */
export function cascade(world: World, set: NodeSet, refs: DesiredReferences): Map<string, Referrer[]> {
  const referrers = new Map<string, Referrer[]>();
  let toScan = new Set<string>();
  for (const n of set.removes.values()) toScan.add(keyOfNode(n));
  const scanned = new Set<string>();
  while (toScan.size > 0) {
    for (const t of toScan) scanned.add(t);
    const found = scanReferrers(world, toScan);
    for (const [t, list] of found) referrers.set(t, list);
    const next = new Set<string>();
    for (const t of toScan) {
      if (!set.makes.hasKey(t)) continue; // deleted for good: its referrers leave git with it
      for (const ref of found.get(t) ?? []) {
        const r = world.desired.getKey(ref.from);
        const o = world.managed.getKey(ref.from);
        if (!r || !o || !refs.of(ref.from, r).has(t)) continue;
        if (ref.strength === 'hard') {
          if (set.removes.hasKey(ref.from)) continue; // replaced anyway; split below if need be
          set.split(r, o, `${describe(t)} is replaced and it cannot outlive it`);
          if (!scanned.has(ref.from)) next.add(ref.from);
        } else if (ref.strength === 'soft') {
          if (set.removes.hasKey(ref.from) || set.updates.hasKey(ref.from)) continue;
          const a = makeAction('update', r.kind, o.owner, r.name, `re-links to ${describe(t)}, which is replaced`, [], false, {
            spec: r.doc.spec,
            externalId: o.externalId,
          });
          set.add(a, r, o);
        }
      }
    }
    toScan = next;
  }
  // A replace whose hard target is replaced too must happen around it: delete, target, create.
  for (const n of set.live()) {
    if (n.a.op !== 'replace' || !n.desired || !n.observed) continue;
    const self = keyOfNode(n);
    for (const [t, strength] of refs.of(self, n.desired)) {
      if (strength === 'hard' && t !== self && set.makes.hasKey(t) && set.removes.hasKey(t)) {
        set.split(n.desired, n.observed, `${describe(t)} is replaced too`);
        break;
      }
    }
  }
  return referrers;
}
