import type { Kind } from '../../desired-state/model.js';
import type { SimObject } from './sim-object.js';

/**
 * Read access to the world, the same inside a write transaction (where it sees the transaction's
 * own writes) and outside one (observe, `sim show`): the per-kind logic reads through this only.
 */
export interface WorldReader {
  get(externalId: string): SimObject | undefined;
  /** The managed object with this identity. */
  byIdentity(kind: Kind, owner: string, name: string): SimObject | undefined;
  /** Managed objects of a kind with this name, any owner (a Shared network is used across tenants). */
  managedNamed(kind: Kind, name: string): SimObject[];
  /** Every object of a kind, managed or not, in id order. Linear: for rare paths only. */
  scan(kind: Kind): SimObject[];
  /** Values of the secondary index under a key prefix. */
  indexRange(prefix: string): string[];
  claimHolder(key: string): string | undefined;
  /** True when some claim key starts with the prefix (a network with addresses in use). */
  hasClaims(prefix: string): boolean;
  meta<T>(key: string): T | undefined;
}

/** Separator inside composite keys: names never contain it (see the schemas' name pattern). */
export const SEP = '\u0001';
/** Sorts after every character a key holds: the end of a prefix range. */
export const RANGE_END = '\uffff';

export function identityKey(kind: string, name: string, owner: string): string {
  return `id${SEP}${kind}${SEP}${name}${SEP}${owner}`;
}
