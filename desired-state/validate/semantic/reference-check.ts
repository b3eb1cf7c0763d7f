import { closestName } from '../closest-name.js';
import { forEachReference, referencesOf } from '../references.js';
import { schemaRegistry } from '../schema-registry.js';
import { isShared, type PendingIssue, type ResourceIndex } from './context.js';

/**
 * Every reference resolves to a resource of the right kind, and a tenant references only its own
 * resources, global ones and shared networks. Tenants themselves must be declared.
 */
export function checkReferences(index: ResourceIndex): PendingIssue[] {
  const out: PendingIssue[] = [];
  for (const r of index.focused()) {
    if (r.kind === 'Domain' && r.name === 'ROOT') {
      out.push({ resource: r, path: ['metadata', 'name'], rule: 'ref.builtin', message: 'the ROOT domain always exists and cannot be declared; make your domains children of it (parent: ROOT)' });
    }
    if (r.tenant && r.tenantType) {
      const tenantKind = r.tenantType === 'account' ? 'Account' : 'Project';
      if (!index.get(tenantKind, undefined, r.tenant)) {
        const guess = closestName(r.tenant, index.kind(tenantKind).map((t) => t.name));
        out.push({
          resource: r,
          path: ['metadata', r.tenantType],
          rule: 'tenant.unknown',
          message: `${r.tenantType} "${r.tenant}" is not declared (no ${tenantKind} named so)${guess ? `; did you mean ${guess}?` : ''}`,
        });
      }
    }
    // Resolve without allocating; only the references that fail are looked at again, with paths.
    let failed = false;
    forEachReference(r, (kind, name) => {
      failed ||= !(kind === 'Domain' && name === 'ROOT') && !index.resolve(r, kind, name);
    });
    if (!failed) continue;
    for (const ref of referencesOf(r)) {
      if (ref.kind === 'Domain' && ref.name === 'ROOT') continue;
      if (index.resolve(r, ref.kind, ref.name)) continue;
      const sameName = index.named(ref.kind, ref.name);
      const elsewhere = sameName.filter((o) => o.tenant !== undefined && index.ownerOf(o) !== index.ownerOf(r) && !isShared(o));
      const sharedMany = sameName.filter(isShared).length > 1;
      if (sharedMany) {
        out.push({ resource: r, path: ref.path, rule: 'ref.ambiguous', message: `${ref.kind} "${ref.name}" is ambiguous: several shared networks have that name` });
      } else if (elsewhere.length > 0 && r.tenant) {
        out.push({
          resource: r,
          path: ref.path,
          rule: 'ref.cross-tenant',
          message: `${ref.kind} "${ref.name}" belongs to ${elsewhere[0]!.tenantType ?? 'tenant'} ${elsewhere[0]!.tenant}, not to ${r.tenantType} ${r.tenant}; a tenant may reference only its own resources, global ones and shared networks`,
        });
      } else {
        const names = index.kind(ref.kind).filter((o) => !o.tenant || index.ownerOf(o) === index.ownerOf(r) || isShared(o)).map((o) => o.name);
        const guess = closestName(ref.name, names);
        out.push({
          resource: r,
          path: ref.path,
          rule: 'ref.unresolved',
          // "visible to account acme" only where tenancy narrows the search: every tenant sees all global kinds.
          message: `no ${ref.kind} named "${ref.name}"${r.tenant && isTenantKind(ref.kind) ? ` visible to ${r.tenantType} ${r.tenant}` : ''}${guess ? `; did you mean ${guess}?` : ''}`,
        });
      }
    }
  }
  return out;
}

const isTenantKind = (kind: string): boolean => schemaRegistry().kinds.get(kind)?.scope === 'tenant';
