import type { Kind, Resource } from '../desired-state/model.js';
import { ownerKey } from '../desired-state/model.js';
import type { ActionOp } from './action.js';

/**
 * Identity of an object on either side: `Kind/owner/name`, owner being an owner key
 * (`account:acme`, `project:p`) or empty for global kinds. The same string on the desired and the
 * observed side, so one map lookup pairs them.
 */
export function keyOf(kind: Kind | string, owner: string | undefined, name: string): string {
  return `${kind}/${owner ?? ''}/${name}`;
}

/** `${op}:${kind}/${owner}/${name}`: the id every action carries, stable within a plan. */
export function actionId(op: ActionOp, kind: Kind | string, owner: string | undefined, name: string): string {
  return `${op}:${kind}/${owner ?? ''}/${name}`;
}

/** The owner key of a desired resource, undefined for global kinds (as `Action.owner` wants it). */
export function ownerOf(r: Pick<Resource, 'tenant' | 'tenantType'>): string | undefined {
  const o = ownerKey(r);
  return o === '' ? undefined : o;
}

/** `account:acme` → { type: 'account', name: 'acme' }. */
export function parseOwner(owner: string | undefined): { type: 'account' | 'project'; name: string } | undefined {
  if (!owner) return undefined;
  const at = owner.indexOf(':');
  const type = owner.slice(0, at);
  return type === 'account' || type === 'project' ? { type, name: owner.slice(at + 1) } : undefined;
}

/** How a person reads an identity: `VirtualMachine acme/web-1`, `Zone zone1`, `Network project:p/net`. */
export function displayName(kind: string, owner: string | undefined, name: string): string {
  const o = parseOwner(owner);
  if (!o) return `${kind} ${name}`;
  return `${kind} ${o.type === 'account' ? o.name : `project:${o.name}`}/${name}`;
}
