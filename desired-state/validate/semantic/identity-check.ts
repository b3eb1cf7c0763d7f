import type { PendingIssue, ResourceIndex } from './context.js';

/** The same (kind, tenant, name) declared twice, in one file or across files. */
export function checkDuplicateIdentities(index: ResourceIndex): PendingIssue[] {
  return index.duplicates.map(({ resource: r, first }) => ({
    resource: r,
    path: ['metadata', 'name'],
    rule: 'identity.duplicate',
    message: `${r.kind} ${r.tenant ? `${r.tenant}/${r.name}` : r.name} is declared twice; the first is at {related}`,
    related: { resource: first, path: ['metadata', 'name'] },
  }));
}
