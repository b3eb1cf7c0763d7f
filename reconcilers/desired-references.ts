import type { Resource } from '../desired-state/model.js';
import { keyOf } from './identity.js';
import { forEachReference, type RefStrength } from './reference-edges.js';
import type { World } from './world.js';

/**
 * What a desired resource points to, as identity keys with the reference's strength, its tenant
 * (Account or Project, a hard reference) included. Memoised; used on the paths where something is
 * removed or replaced (cascade, delete ordering), never per resource of a whole data center.
 */
export class DesiredReferences {
  private readonly memo = new Map<string, Map<string, RefStrength>>();

  constructor(private readonly world: World) {}

  of(key: string, r: Resource): Map<string, RefStrength> {
    let refs = this.memo.get(key);
    if (refs) return refs;
    const found = new Map<string, RefStrength>();
    const owner = this.world.ownerOf(r);
    forEachReference(r.kind, r.doc.spec, (target, name, edge) => {
      const t = this.world.desiredTarget(owner, target, name);
      const had = found.get(t);
      if (had === undefined || had === 'none' || (had === 'soft' && edge.strength === 'hard')) found.set(t, edge.strength);
    });
    if (r.tenant !== undefined) found.set(keyOf(r.tenantType === 'project' ? 'Project' : 'Account', undefined, r.tenant), 'hard');
    this.memo.set(key, (refs = found));
    return refs;
  }
}
