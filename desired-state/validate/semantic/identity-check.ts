import type { PendingIssue, ResourceIndex } from './context.js';
import { identityKey } from '../../model.js';

/** The same (kind, tenant, name) declared twice, in one file or across files. */
export function checkDuplicateIdentities(index: ResourceIndex): PendingIssue[] {
  const first = new Map<string, (typeof index.resources)[number]>();
  const out: PendingIssue[] = [];
  for (const r of index.resources) {
    const id = identityKey(r.kind, r.tenant, r.name);
    const prev = first.get(id);
    if (!prev) {
      first.set(id, r);
      continue;
    }
    const who = r.tenant ? `${r.tenant}/${r.name}` : r.name;
    out.push({
      resource: r,
      path: ['metadata', 'name'],
      rule: 'identity.duplicate',
      message: `${r.kind} ${who} is declared twice; the first is at {related}`,
      related: { resource: prev, path: ['metadata', 'name'] },
    });
  }
  return out;
}
