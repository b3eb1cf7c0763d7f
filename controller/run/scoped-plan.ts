import type { Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Action } from '../../reconcilers/action.js';
import { keyOf } from '../../reconcilers/identity.js';
import { summarise, type Plan, type PlanOptions } from '../../reconcilers/plan.js';
import { plan } from '../../reconcilers/planner.js';
import { splitKey, type DesiredRevision } from './desired-revision.js';
import type { ObservedState } from './observed-state.js';

export interface ScopedPlan {
  plan: Plan;
  /**
   * `full`: the whole data center; `tenants`: the keys' tenants and the global catalog;
   * `tenants+capacity`: also the infrastructure and every VM and volume's capacity (placement).
   */
  scope: 'full' | 'tenants' | 'tenants+capacity';
  /** Resources in the plan's world (what the plan cost is proportional to). */
  planned: number;
}

/** Kinds whose creation needs the capacity of every host: placement counts every VM and volume. */
const PLACED = new Set(['VirtualMachine', 'Volume']);

/**
 * Kinds that only placement reads (it picks a host and a primary storage with room): a plan that
 * places nothing leaves them out, and they are a data center's bulk (25,000 hosts at CloudStack size).
 */
const INFRASTRUCTURE = new Set(['Host', 'Cluster', 'Pod', 'PrimaryStorage', 'SecondaryStorage']);

/**
 * The plan for a set of identities (`Kind/owner/name`), against the cached observation.
 *
 * A commit that touches one tenant is planned over that tenant and the global catalog (zones,
 * offerings, templates, domains, accounts...) plus every Shared network, which any tenant may use:
 * the planner's cost follows the size of what it is given, so a one-VM change in a data center of
 * 275,000 resources plans about a thousand. When such a plan creates or replaces a VM or volume,
 * placement must see every host and storage pool and the capacity every other tenant's VMs and
 * volumes take: the plan is made again with the infrastructure and those added as foreign objects
 * (foreign objects take capacity and are never acted on). A key of a global kind plans everything.
 *
 * The plan keeps only the keys' actions and what they depend on, so nothing outside the keys is
 * touched because it happened to differ (drift of a `report` resource, say).
 */
export function planKeys(desired: DesiredRevision, observed: ObservedState, keys: ReadonlySet<string>, options: PlanOptions): ScopedPlan {
  const owners = new Set<string>();
  for (const key of keys) owners.add(splitKey(key).owner);
  if (owners.has('')) {
    const p = plan(desired.model, observed.all, options);
    return { plan: restrict(p, keys), scope: 'full', planned: desired.size + observed.size };
  }
  // Owner keys (`account:acme`) of desired resources without building a string per resource.
  const tenants = { account: new Set<string>(), project: new Set<string>() };
  for (const owner of owners) {
    const at = owner.indexOf(':');
    tenants[owner.slice(0, at) === 'project' ? 'project' : 'account'].add(owner.slice(at + 1));
  }
  const global = (r: Resource | ObservedResource, infrastructure: boolean) => infrastructure || !INFRASTRUCTURE.has(r.kind);
  const shared = (r: Resource | ObservedResource) => r.kind === 'Network' && sharedNetwork(r);
  const subset = (infrastructure: boolean) => {
    const resources = desired.model.resources.filter((r) =>
      r.tenant === undefined ? global(r, infrastructure) : tenants[r.tenantType ?? 'account'].has(r.tenant) || shared(r));
    const world = observed.all.filter((o) => (o.owner === undefined ? global(o, infrastructure) : owners.has(o.owner) || shared(o)));
    return { model: { revision: desired.revision, resources }, world };
  };
  const light = subset(false);
  const p = plan(light.model, light.world, options);
  const places = p.actions.some((a) => PLACED.has(a.kind) && (a.op === 'create' || a.op === 'replace') && keys.has(keyOf(a.kind, a.owner, a.name)));
  if (!places) return { plan: restrict(p, keys), scope: 'tenants', planned: light.model.resources.length + light.world.length };
  const full = subset(true);
  const capacity = observed.all.filter((o) => PLACED.has(o.kind) && o.owner !== undefined && !owners.has(o.owner) && !shared(o)).map((o) => ({ ...o, managed: false }));
  const placed = plan(full.model, [...full.world, ...capacity], options);
  return { plan: restrict(placed, keys), scope: 'tenants+capacity', planned: full.model.resources.length + full.world.length + capacity.length };
}

function sharedNetwork(r: Resource | ObservedResource): boolean {
  const spec = 'doc' in r ? r.doc.spec : r.spec;
  return spec?.type === 'Shared';
}

/** The keys' actions and, transitively, what they depend on; errors about them or about the whole plan. */
export function restrict(p: Plan, keys: ReadonlySet<string>): Plan {
  const byId = new Map(p.actions.map((a) => [a.id, a] as const));
  const keep = new Set<string>();
  const stack: Action[] = p.actions.filter((a) => keys.has(keyOf(a.kind, a.owner, a.name)));
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (keep.has(a.id)) continue;
    keep.add(a.id);
    for (const d of a.dependsOn) {
      const dep = byId.get(d);
      if (dep) stack.push(dep);
    }
  }
  const actions = p.actions.filter((a) => keep.has(a.id));
  const errors = p.errors.filter((e) => e.kind === undefined || keys.has(keyOf(e.kind, e.owner, e.name ?? '')) || (e.actions ?? []).some((id) => keep.has(id)));
  return { ...p, actions, errors, summary: summarise(actions, p.unmanaged.length) };
}
