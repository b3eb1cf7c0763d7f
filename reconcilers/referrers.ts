import { keyOf, parseOwner } from './identity.js';
import { ReferenceBuffer, type RefStrength } from './reference-edges.js';
import type { World } from './world.js';

/** An object of the world that points at another one. */
export interface Referrer {
  from: string;
  strength: RefStrength;
  /**
   * The target's removal must wait for this referrer to let go: every hard or soft reference, a VM
   * on a host or pool, an object of an account. Not a `none` reference: CloudStack removes an
   * offering or a template in use, and a VM leaving git must not hold its offering's replace back.
   */
  blocks: boolean;
}

const kindOfKey = (key: string): string => key.slice(0, key.indexOf('/'));
const RANK: Readonly<Record<RefStrength, number>> = { none: 0, soft: 1, hard: 2 };

/**
 * Who in the world points at each of `targets` (identity keys): by reference fields (observed
 * spec), by placement (a VM on a host or a pool: ordering only) and by ownership (everything of an
 * account: hard). One pass over the managed objects, resolving only references to kinds among the
 * targets; run only when a plan removes something.
 */
export function scanReferrers(world: World, targets: ReadonlySet<string>): Map<string, Referrer[]> {
  const out = new Map<string, Referrer[]>();
  if (targets.size === 0) return out;
  const kinds = new Set<string>();
  for (const t of targets) kinds.add(kindOfKey(t));
  const hosts = kinds.has('Host');
  const pools = kinds.has('PrimaryStorage');
  const tenants = kinds.has('Account') || kinds.has('Project');
  const buf = new ReferenceBuffer();
  // Strongest reference from this object to each target (a VM may name a network twice), and
  // whether it holds the target's removal back.
  const found = new Map<string, RefStrength>();
  const blocking = new Set<string>();
  for (const o of world.managed.values()) {
    found.clear();
    blocking.clear();
    const n = buf.fill(o.kind, o.spec);
    for (let i = 0; i < n; i++) {
      if (!kinds.has(buf.targets[i]!)) continue;
      const t = world.observedTarget(o.owner, buf.targets[i]!, buf.names[i]!);
      if (!targets.has(t)) continue;
      const s = buf.edges[i]!.strength;
      const had = found.get(t);
      if (had === undefined || RANK[s] > RANK[had]) found.set(t, s);
      if (s !== 'none') blocking.add(t);
    }
    if (hosts && o.kind === 'VirtualMachine' && typeof o.status?.host === 'string') {
      const t = keyOf('Host', undefined, o.status.host);
      if (targets.has(t) && !found.has(t)) found.set(t, 'none');
      if (targets.has(t)) blocking.add(t);
    }
    const storage = o.status?.storage ?? (o.status?.rootVolume as Record<string, unknown> | undefined)?.storage;
    if (pools && (o.kind === 'VirtualMachine' || o.kind === 'Volume') && typeof storage === 'string') {
      const t = keyOf('PrimaryStorage', undefined, storage);
      if (targets.has(t) && !found.has(t)) found.set(t, 'none');
      if (targets.has(t)) blocking.add(t);
    }
    if (tenants && o.owner) {
      const p = parseOwner(o.owner);
      const t = p && keyOf(p.type === 'account' ? 'Account' : 'Project', undefined, p.name);
      if (t && targets.has(t)) {
        found.set(t, 'hard');
        blocking.add(t);
      }
    }
    if (found.size === 0) continue;
    const from = keyOf(o.kind, o.owner, o.name);
    for (const [t, strength] of found) {
      if (t === from) continue;
      const list = out.get(t);
      const ref: Referrer = { from, strength, blocks: blocking.has(t) };
      if (list) list.push(ref);
      else out.set(t, [ref]);
    }
  }
  // In identity order, not in the order the provider listed the world: plans must not depend on it.
  for (const list of out.values()) list.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  return out;
}
