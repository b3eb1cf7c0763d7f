import { ownerKey, type Kind, type Resource } from '../../model.js';

export { ownerKey };
import type { PathSegment } from '../../parse/locate.js';
import type { DocIssue } from '../doc-issue.js';
import { hostProfiles, type HostProfiles } from './host-profiles.js';

/** A cross-document issue: it names the resource it is on; the loader turns that into file:line:col. */
export interface PendingIssue extends DocIssue {
  resource: Resource;
  /** Another place the message refers to; `{related}` in the message becomes its file:line:col. */
  related?: { resource: Resource; path: PathSegment[] };
  /**
   * The tenant whose declarations the issue depends on, when not the resource's own: an account's
   * limit is exceeded by what the account's tenants declare. Used to re-check one tenant alone.
   */
  scope?: string;
}

/**
 * Something a resource takes from a pool every tenant draws on (a zone's VLANs, its public IPs).
 * Claims are plain data so that an incremental check can keep unchanged tenants' claims and look
 * for collisions without loading those tenants again. Two claims on one key: the later one is an
 * error (`rule`), its `message` naming the first through `{first}` and `{related}`.
 */
export interface Claim {
  key: string;
  rule: string;
  message: string;
  path: PathSegment[];
  file: string;
  docIndex: number;
  kind: string;
  name: string;
  tenant?: string;
  scope: string;
}

export type SemanticCheck = (ctx: ResourceIndex) => PendingIssue[];

export const specOf = (r: Resource): Record<string, any> => (r.doc.spec ?? {}) as Record<string, any>;

/*
 * The checks also run on documents the schema rejected (so that one mistake does not hide the
 * others), where any field may hold any YAML value: read lists and numbers through these, never
 * trust their shape. `tags: 42` is the schema's to report, not a TypeError that aborts the load.
 */

/** The list a field holds, or an empty one when it holds something else. */
export const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The strings of a list field (tags, names), ignoring anything else. */
export const stringsOf = (v: unknown): string[] => listOf(v).filter((x): x is string => typeof x === 'string');

/** A finite number, or undefined for anything else. */
export const numberOf = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

type TenantType = 'account' | 'project';
type ByName = Map<string, Resource>;

/**
 * Every resource of a revision, indexed for the cross-document checks. Nested maps keyed by the
 * strings the documents hold (kind → tenant type → tenant → name), never by a key joined for the
 * lookup: such a key is a new string that every Map lookup must flatten and hash again, and on
 * 282,000 resources with a million references between them that was most of the check's time.
 */
export class ResourceIndex {
  private readonly global = new Map<Kind, ByName>();
  private readonly tenants: Record<TenantType, Map<Kind, Map<string, ByName>>> = { account: new Map(), project: new Map() };
  /** Owner keys by tenant, built once per tenant (they name scopes; lookups do not need them). */
  private readonly ownerKeys: Record<TenantType, Map<string, string>> = { account: new Map(), project: new Map() };
  readonly byKind = new Map<Kind, Resource[]>();
  /** Later declarations of an identity already taken, with the first one. */
  readonly duplicates: { resource: Resource; first: Resource }[] = [];
  /** Claims on shared pools made by the checks; collisions are found across all tenants afterwards. */
  readonly claims: Claim[] = [];
  readonly inFocus: (scope: string) => boolean;
  private readonly everything: boolean;

  /**
   * `inFocus` names the scopes whose issues are wanted (all by default). An incremental check loads
   * the global resources to resolve references but re-checks only the tenants a commit touched;
   * checks skip the rest where that saves work. It is an optimisation only: the loader keeps the
   * issues of the scopes it re-checks and nothing else.
   */
  /**
   * `profiles`: the hosts' profiles when the hosts themselves are not among `resources` (an
   * incremental check takes them from the revision it starts from; see host-profiles.ts).
   */
  constructor(
    readonly resources: readonly Resource[],
    inFocus?: (scope: string) => boolean,
    private profiles?: HostProfiles,
  ) {
    this.inFocus = inFocus ?? (() => true);
    this.everything = inFocus === undefined;
    for (const r of resources) {
      const names = this.names(r.kind, r.tenant === undefined ? undefined : (r.tenantType ?? 'account'), r.tenant, true)!;
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

  private names(kind: Kind, type: TenantType | undefined, tenant: string | undefined, create: boolean): ByName | undefined {
    if (type === undefined || tenant === undefined) {
      let names = this.global.get(kind);
      if (!names && create) this.global.set(kind, (names = new Map()));
      return names;
    }
    let byTenant = this.tenants[type].get(kind);
    if (!byTenant) {
      if (!create) return undefined;
      this.tenants[type].set(kind, (byTenant = new Map()));
    }
    let names = byTenant.get(tenant);
    if (!names && create) byTenant.set(tenant, (names = new Map()));
    return names;
  }

  /** What each zone's hosts offer a VM, computed from the hosts once (or as given). */
  hostProfiles(): HostProfiles {
    this.profiles ??= hostProfiles(this);
    return this.profiles;
  }

  claim(key: string, r: Resource, path: PathSegment[], rule: string, message: string): void {
    this.claims.push({ key, rule, message, path, file: r.source.file, docIndex: r.source.docIndex, kind: r.kind, name: r.name, tenant: r.tenant, scope: this.ownerOf(r) });
  }

  kind(kind: Kind): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The resources whose own issues are wanted. */
  focused(kind?: Kind): readonly Resource[] {
    const all = kind ? this.kind(kind) : this.resources;
    return this.everything ? all : all.filter((r) => this.inFocus(this.ownerOf(r)));
  }

  /** The `ownerKey` of a resource ('' for global kinds), one string per tenant. */
  ownerOf(r: { tenant?: string; tenantType?: TenantType }): string {
    if (r.tenant === undefined) return '';
    const keys = this.ownerKeys[r.tenantType ?? 'account'];
    let key = keys.get(r.tenant);
    if (key === undefined) keys.set(r.tenant, (key = ownerKey(r)));
    return key;
  }

  /** `owner` is an `ownerKey` (`account:NAME`, `project:NAME`); undefined or '' for global kinds. */
  get(kind: Kind, owner: string | undefined, name: string): Resource | undefined {
    if (!owner) return this.global.get(kind)?.get(name);
    const colon = owner.indexOf(':');
    return this.names(kind, owner.slice(0, colon) as TenantType, owner.slice(colon + 1), false)?.get(name);
  }

  /** Every resource of that kind and name, whatever its tenant (for cross-tenant diagnosis). */
  named(kind: Kind, name: string): Resource[] {
    const out: Resource[] = [];
    const g = this.global.get(kind)?.get(name);
    if (g) out.push(g);
    for (const type of ['account', 'project'] as const) {
      for (const names of this.tenants[type].get(kind)?.values() ?? []) {
        const r = names.get(name);
        if (r) out.push(r);
      }
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
    const own =
      (from.tenant !== undefined ? this.names(kind, from.tenantType ?? 'account', from.tenant, false)?.get(name) : undefined) ??
      this.global.get(kind)?.get(name);
    if (own || kind !== 'Network') return own;
    const shared = this.named(kind, name).filter(isShared);
    return shared.length === 1 ? shared[0] : undefined;
  }
}

export function isShared(r: Resource): boolean {
  return r.kind === 'Network' && specOf(r).type === 'Shared';
}
