import type { Kind, ResourceDocument } from '../../desired-state/model.js';
import { referencesOf } from '../../desired-state/validate/references.js';
import { schemaRegistry } from '../../desired-state/validate/schema-registry.js';
import { ConflictError } from '../errors/conflict-error.js';
import { describeRef, type SimObject } from './sim-object.js';
import type { WorldReader } from './world-reader.js';

export function isTenantKind(kind: Kind): boolean {
  return schemaRegistry().kinds.get(kind)?.scope === 'tenant';
}

/**
 * The object a reference names: global kinds by name, tenant kinds within the referrer's owner,
 * and a Shared network of any tenant (the loader allows those across tenants).
 */
export function resolveRef(r: WorldReader, kind: Kind, name: string, owner: string): SimObject | undefined {
  if (!isTenantKind(kind)) return r.byIdentity(kind, '', name);
  return r.byIdentity(kind, owner, name) ?? (kind === 'Network' ? r.managedNamed('Network', name).find((n) => n.spec.type === 'Shared') : undefined);
}

/**
 * Every `x-cairn-ref` of the spec must name an object the world holds. A missing one means the plan
 * ran out of order or the world changed under it: a ConflictError (re-observe, re-plan), not a
 * permanent failure. The implicit ROOT domain always exists.
 */
export function checkReferences(r: WorldReader, kind: Kind, owner: string, name: string, spec: Record<string, unknown>): void {
  const doc = { kind, spec } as unknown as ResourceDocument;
  for (const ref of referencesOf({ kind, doc })) {
    if (ref.kind === 'Domain' && ref.name === 'ROOT') continue;
    if (resolveRef(r, ref.kind, ref.name, owner)) continue;
    const field = ref.path.slice(1).map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1);
    throw new ConflictError(
      `${describeRef(kind, owner, name)}: ${field} names ${describeRef(ref.kind, isTenantKind(ref.kind) ? owner : undefined, ref.name)}, which the simulator does not hold (it must be created first)`,
    );
  }
}

/** The object a checked reference names (checkReferences ran first). */
export function referenced(r: WorldReader, kind: Kind, name: unknown, owner: string): SimObject {
  const found = typeof name === 'string' ? resolveRef(r, kind, name, owner) : undefined;
  if (!found) throw new ConflictError(`${describeRef(kind, isTenantKind(kind) ? owner : undefined, String(name))} is not in the simulator`);
  return found;
}
