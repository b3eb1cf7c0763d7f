import type { Kind } from '../../desired-state/model.js';
import type { ObservedResource } from '../provider.js';

/** cairn's tag on an object it manages: the simulator's stand-in for libvirt metadata or an nft comment. */
export interface SimIdentity {
  kind: Kind;
  /** Owner key (`account:acme`, `project:p`), '' for global kinds. */
  owner: string;
  name: string;
}

/** One object of the simulated world, as stored in lmdb. */
export interface SimObject {
  /** `sim-<Kind>-<n>`: the kind is in the id so that one key range lists one kind. */
  externalId: string;
  kind: Kind;
  name: string;
  /** Owner key, '' for global kinds (kept on foreign and orphaned objects too, for display). */
  owner: string;
  /** Present while cairn manages the object; foreign and orphaned objects have none. */
  identity?: SimIdentity;
  /** What the last create/update gave (the Volume's `attachTo` follows the real attachment). */
  spec: Record<string, unknown>;
  /** What the simulator decided or measured. */
  status: Record<string, unknown>;
  /** Claims on shared pools (guest VLAN, public address) this object holds, released when it goes. */
  claims?: string[];
  /** A host taken down by `cairn sim fault --host H --down`. */
  down?: boolean;
  /** A transition under way (Starting → Running, Destroyed → removed) and when it is due (epoch ms): transitions.ts. */
  settle?: { from: string; to: string; at: number };
}

export const ID_PREFIX = 'sim-';

export function externalIdPrefix(kind: Kind): string {
  return `${ID_PREFIX}${kind}-`;
}

/** `VirtualMachine account:acme/web-1`, `Host h1`: how messages name an object. */
export function describeRef(kind: string, owner: string | undefined, name: string): string {
  return owner ? `${kind} ${owner}/${name}` : `${kind} ${name}`;
}

export function label(o: Pick<SimObject, 'kind' | 'owner' | 'name'>): string {
  return describeRef(o.kind, o.owner, o.name);
}

export function toObserved(o: SimObject, status: Record<string, unknown> = o.status): ObservedResource {
  // Built in one shape per branch, without spreads: observing a large world makes 280,000 of these.
  if (o.owner) return { kind: o.kind, name: o.name, owner: o.owner, externalId: o.externalId, managed: o.identity !== undefined, spec: o.spec, status };
  return { kind: o.kind, name: o.name, externalId: o.externalId, managed: o.identity !== undefined, spec: o.spec, status };
}
