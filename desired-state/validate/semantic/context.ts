import type { Kind, Resource } from '../../model.js';
import type { PathSegment } from '../../parse/locate.js';
import type { DocIssue } from '../doc-issue.js';

/** A cross-document issue: it names the resource it is on; the loader turns that into file:line:col. */
export interface PendingIssue extends DocIssue {
  resource: Resource;
  /** Another place the message refers to; `{related}` in the message becomes its file:line:col. */
  related?: { resource: Resource; path: PathSegment[] };
}

export type SemanticCheck = (ctx: ResourceIndex) => PendingIssue[];

export const specOf = (r: Resource): Record<string, any> => (r.doc.spec ?? {}) as Record<string, any>;

/**
 * Every resource of a revision, indexed for the cross-document checks. Nested maps (kind → tenant →
 * name) rather than joined string keys: a quarter of a million lookups allocate nothing.
 */
export class ResourceIndex {
  private readonly tree = new Map<Kind, Map<string, Map<string, Resource>>>();
  readonly byKind = new Map<Kind, Resource[]>();
  /** Later declarations of an identity already taken, with the first one. */
  readonly duplicates: { resource: Resource; first: Resource }[] = [];

  constructor(readonly resources: readonly Resource[]) {
    for (const r of resources) {
      let tenants = this.tree.get(r.kind);
      if (!tenants) this.tree.set(r.kind, (tenants = new Map()));
      const t = r.tenant ?? '';
      let names = tenants.get(t);
      if (!names) tenants.set(t, (names = new Map()));
      const first = names.get(r.name);
      if (first) {
        this.duplicates.push({ resource: r, first });
        continue;
      }
      names.set(r.name, r);
      let list = this.byKind.get(r.kind);
      if (!list) this.byKind.set(r.kind, (list = []));
      list.push(r);
    }
  }

  kind(kind: Kind): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  get(kind: Kind, tenant: string | undefined, name: string): Resource | undefined {
    return this.tree.get(kind)?.get(tenant ?? '')?.get(name);
  }

  /** Every resource of that kind and name, whatever its tenant (for cross-tenant diagnosis). */
  named(kind: Kind, name: string): Resource[] {
    const out: Resource[] = [];
    for (const names of this.tree.get(kind)?.values() ?? []) {
      const r = names.get(name);
      if (r) out.push(r);
    }
    return out;
  }

  /**
   * Resolves a reference made by `from`: global kinds by name; tenant kinds in `from`'s own tenant,
   * else a Shared network of any tenant. Anything else resolves to undefined (the reference check
   * reports why).
   */
  resolve(from: Resource, kind: Kind, name: unknown): Resource | undefined {
    if (typeof name !== 'string') return undefined;
    const own = (from.tenant !== undefined ? this.get(kind, from.tenant, name) : undefined) ?? this.get(kind, undefined, name);
    if (own || kind !== 'Network') return own;
    const shared = this.named(kind, name).filter(isShared);
    return shared.length === 1 ? shared[0] : undefined;
  }
}

export function isShared(r: Resource): boolean {
  return r.kind === 'Network' && specOf(r).type === 'Shared';
}
