import { fieldReconciler } from '../field-reconciler.js';
import { canonical } from '../compare-values.js';
import { immutable, updatable } from './rules.js';

/** Rules are evaluated by number, not by their place in the list; CIDRs are a set. */
const byNumber = (v: unknown): unknown => {
  if (!Array.isArray(v)) return v;
  return v
    .map((r) => (typeof r === 'object' && r !== null && Array.isArray((r as Record<string, unknown>).cidrs) ? { ...r, cidrs: [...((r as Record<string, unknown>).cidrs as string[])].sort() } : r))
    .sort((a, b) => {
      const na = Number((a as Record<string, unknown>)?.number);
      const nb = Number((b as Record<string, unknown>)?.number);
      return na !== nb ? na - nb : canonical(a) < canonical(b) ? -1 : 1;
    });
};

export const networkAclReconciler = fieldReconciler({
  kind: 'NetworkAcl',
  fields: {
    vpc: immutable('an ACL list belongs to one VPC'),
    rules: updatable('ACL items are created, updated and deleted in place (ordered by number)', { default: [], normalise: byNumber }),
  },
});
