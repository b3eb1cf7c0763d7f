import type { DesiredModel, Kind, Resource } from '../desired-state/model.js';
import type { ObservedResource } from '../providers/provider.js';
import { IdentityMap } from './identity-map.js';
import { keyOf } from './identity.js';
import { TENANT_KINDS } from './kind-order.js';
import type { ReconcileContext } from './reconciler.js';

/**
 * Both worlds indexed by identity, built once per plan: every later question (is it observed? what
 * does this reference point to? how big is that offering?) is a lookup that builds no string.
 */
export class World {
  readonly revision: string | null;
  readonly resources: readonly Resource[];
  readonly desired = new IdentityMap<Resource>();
  readonly desiredByKind = new Map<Kind, Resource[]>();
  /** Observed objects carrying cairn's identity. */
  readonly managed = new IdentityMap<ObservedResource>();
  /** Every observed object by kind, foreign ones included (they take capacity too). */
  readonly observedByKind = new Map<Kind, ObservedResource[]>();
  /** Foreign objects, sorted by identity. */
  readonly unmanaged: ObservedResource[] = [];
  /** Managed objects sharing an identity with another one (the first by provider id wins). */
  readonly duplicates: { first: ObservedResource; second: ObservedResource }[] = [];
  private readonly accountKeys = new Map<string, string>();
  private readonly projectKeys = new Map<string, string>();
  private sharedDesired?: Map<string, string | null>;
  private sharedObserved?: Map<string, string | null>;

  constructor(model: DesiredModel, observed: readonly ObservedResource[]) {
    this.revision = model.revision;
    this.resources = model.resources;
    for (const r of model.resources) {
      const owner = this.ownerOf(r);
      if (!this.desired.has(r.kind, owner, r.name)) this.desired.set(r.kind, owner, r.name, r);
      let list = this.desiredByKind.get(r.kind);
      if (!list) this.desiredByKind.set(r.kind, (list = []));
      list.push(r);
    }
    for (const o of observed) {
      let list = this.observedByKind.get(o.kind);
      if (!list) this.observedByKind.set(o.kind, (list = []));
      list.push(o);
      if (!o.managed) {
        this.unmanaged.push(o);
        continue;
      }
      const first = this.managed.get(o.kind, o.owner, o.name);
      if (first) {
        // Which one "is" the object must not depend on the order the provider listed them in.
        const [keep, extra] = first.externalId <= o.externalId ? [first, o] : [o, first];
        this.managed.set(o.kind, o.owner, o.name, keep);
        this.duplicates.push({ first: keep, second: extra });
      } else {
        this.managed.set(o.kind, o.owner, o.name, o);
      }
    }
    const ukey = (o: ObservedResource) => keyOf(o.kind, o.owner, o.name) + '\0' + o.externalId;
    this.duplicates.sort((a, b) => (ukey(a.second) < ukey(b.second) ? -1 : 1));
    if (this.unmanaged.length > 1) {
      const keyed = this.unmanaged.map((o) => [ukey(o), o] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.unmanaged.splice(0, this.unmanaged.length, ...keyed.map((k) => k[1]));
    }
  }

  /** The owner key of a desired resource (`account:acme`), one string per tenant, not per resource. */
  ownerOf(r: Pick<Resource, 'tenant' | 'tenantType'>): string | undefined {
    if (r.tenant === undefined) return undefined;
    const cache = r.tenantType === 'project' ? this.projectKeys : this.accountKeys;
    let key = cache.get(r.tenant);
    if (key === undefined) cache.set(r.tenant, (key = `${r.tenantType ?? 'account'}:${r.tenant}`));
    return key;
  }

  byKind(kind: Kind): readonly Resource[] {
    return this.desiredByKind.get(kind) ?? [];
  }

  observedOfKind(kind: Kind): readonly ObservedResource[] {
    return this.observedByKind.get(kind) ?? [];
  }

  /**
   * The owner of what a reference in a desired resource points to, resolved as the loader does: a
   * tenant kind in the referrer's own tenant, a global kind by name, else a Shared network of any tenant.
   */
  desiredOwner(fromOwner: string | undefined, target: Kind, name: string): string | undefined {
    if (!TENANT_KINDS.has(target)) return undefined;
    if (target !== 'Network' || this.desired.has(target, fromOwner, name)) return fromOwner;
    return this.sharedNetwork(name, 'desired') ?? fromOwner;
  }

  /** The same for a reference in an observed object (in the world, then in git). */
  observedOwner(fromOwner: string | undefined, target: Kind, name: string): string | undefined {
    if (!TENANT_KINDS.has(target)) return undefined;
    if (target !== 'Network' || this.managed.has(target, fromOwner, name) || this.desired.has(target, fromOwner, name)) return fromOwner;
    return this.sharedNetwork(name, 'observed') ?? this.sharedNetwork(name, 'desired') ?? fromOwner;
  }

  /** What a reference in a desired resource points to, as an identity key. */
  desiredTarget(fromOwner: string | undefined, target: Kind, name: string): string {
    return keyOf(target, this.desiredOwner(fromOwner, target, name), name);
  }

  /** What a reference in an observed object points to, as an identity key. */
  observedTarget(fromOwner: string | undefined, target: Kind, name: string): string {
    return keyOf(target, this.observedOwner(fromOwner, target, name), name);
  }

  /** The spec of a global catalog or infrastructure object: git's, else the world's. */
  globalSpec(kind: Kind, name: unknown): Record<string, unknown> | undefined {
    if (typeof name !== 'string') return undefined;
    return this.desired.get(kind, undefined, name)?.doc.spec ?? this.managed.get(kind, undefined, name)?.spec;
  }

  /** The owner of the Shared network of any tenant with this name, when exactly one exists. */
  private sharedNetwork(name: string, side: 'desired' | 'observed'): string | undefined {
    let index = side === 'desired' ? this.sharedDesired : this.sharedObserved;
    if (!index) {
      const found = new Map<string, string | null>();
      const add = (owner: string | undefined, n: string) => {
        if (owner !== undefined) found.set(n, found.has(n) ? null : owner);
      };
      if (side === 'desired') {
        for (const r of this.byKind('Network')) if (r.doc.spec?.type === 'Shared') add(this.ownerOf(r), r.name);
        this.sharedDesired = found;
      } else {
        for (const o of this.observedOfKind('Network')) if (o.managed && o.spec?.type === 'Shared') add(o.owner, o.name);
        this.sharedObserved = found;
      }
      index = found;
    }
    return index.get(name) ?? undefined;
  }

  context(): ReconcileContext {
    return {
      desired: (kind, owner, name) => this.desired.get(kind, owner || undefined, name),
      observed: (kind, owner, name) => this.managed.get(kind, owner || undefined, name),
    };
  }
}

/** A finite number, or undefined. */
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const NONE: readonly string[] = Object.freeze([]);
/** The strings of a list, or none. */
export const strings = (v: unknown): readonly string[] => (Array.isArray(v) && v.length > 0 ? v.filter((x): x is string => typeof x === 'string') : NONE);
