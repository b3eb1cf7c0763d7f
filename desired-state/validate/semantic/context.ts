import { identityKey, type Kind, type Resource } from '../../model.js';
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

/** Every resource of a revision, indexed for the cross-document checks. */
export class ResourceIndex {
  readonly byIdentity = new Map<string, Resource>();
  readonly byKind = new Map<Kind, Resource[]>();
  /** kind/name → every resource of that name, whatever its tenant (for cross-tenant diagnosis). */
  readonly byKindName = new Map<string, Resource[]>();

  constructor(readonly resources: readonly Resource[]) {
    for (const r of resources) {
      const id = identityKey(r.kind, r.tenant, r.name);
      if (!this.byIdentity.has(id)) this.byIdentity.set(id, r);
      let list = this.byKind.get(r.kind);
      if (!list) this.byKind.set(r.kind, (list = []));
      list.push(r);
      const kn = `${r.kind}/${r.name}`;
      let same = this.byKindName.get(kn);
      if (!same) this.byKindName.set(kn, (same = []));
      same.push(r);
    }
  }

  kind(kind: Kind): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /**
   * Resolves a reference made by `from`: global kinds by name; tenant kinds in `from`'s own tenant,
   * else a Shared network of any tenant. Anything else resolves to undefined (the reference check
   * reports why).
   */
  resolve(from: Resource, kind: Kind, name: unknown): Resource | undefined {
    if (typeof name !== 'string') return undefined;
    const own = this.byIdentity.get(identityKey(kind, from.tenant, name)) ?? this.byIdentity.get(identityKey(kind, undefined, name));
    if (own) return own;
    const shared = (this.byKindName.get(`${kind}/${name}`) ?? []).filter(isShared);
    return shared.length === 1 ? shared[0] : undefined;
  }
}

export function isShared(r: Resource): boolean {
  return r.kind === 'Network' && specOf(r).type === 'Shared';
}
