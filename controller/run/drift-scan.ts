import type { DesiredModel, Kind, Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Action } from '../../reconcilers/action.js';
import type { IdentityMap } from '../../reconcilers/identity-map.js';
import { keyOf, ownerOf } from '../../reconcilers/identity.js';
import { RECONCILERS } from '../../reconcilers/kinds/index.js';
import type { ReconcileContext } from '../../reconcilers/reconciler.js';
import type { DriftField } from './controller-view.js';
import { indexObserved } from './observed-index.js';
import { driftField } from './redaction.js';

/** One identity whose managed fields differ between git and the world. */
export interface Difference {
  key: string;
  kind: Kind;
  name: string;
  owner: string | undefined;
  desired: Resource | undefined;
  observed: ObservedResource | undefined;
  /** What the reconciler would do about it. */
  actions: Action[];
  /** Redacted, desired vs observed. */
  fields: DriftField[];
}

export interface DriftScan {
  differences: Difference[];
  /** Foreign objects: reported, never touched. */
  unmanaged: readonly ObservedResource[];
}

/** Both sides indexed by identity key (`Kind/owner/name`); the controller keeps them between resyncs. */
export interface IndexedWorlds {
  desired: ReadonlyMap<string, Resource>;
  /** Managed observed objects (the first of any duplicates). */
  managed: IdentityMap<ObservedResource>;
  unmanaged: readonly ObservedResource[];
}

/**
 * Git against the world, identity by identity, through each kind's reconciler: the planner's first
 * step without placement, ordering or guards, which a resync does not need to know what differs.
 * Observed-only fields never count, because the reconcilers never diff them. The indexes are the
 * ones the controller already holds, so a resync of 275,000 resources builds no map of its own.
 */
export function scanDrift(worlds: IndexedWorlds): DriftScan {
  const { desired, managed } = worlds;
  const ctx: ReconcileContext = {
    desired: (kind, owner, name) => desired.get(keyOf(kind, owner || undefined, name)),
    observed: (kind, owner, name) => managed.get(kind, owner || undefined, name),
  };
  // One owner string per tenant, not per resource.
  const owners = new Map<string, string>();
  const ownerOfResource = (r: Resource) => {
    if (r.tenant === undefined) return undefined;
    const k = `${r.tenantType ?? 'account'}:${r.tenant}`;
    let o = owners.get(k);
    if (o === undefined) owners.set(k, (o = k));
    return o;
  };
  const differences: Difference[] = [];
  let paired = 0;
  for (const [key, r] of desired) {
    const reconciler = RECONCILERS[r.kind];
    if (!reconciler) continue;
    const owner = ownerOfResource(r);
    const o = managed.get(r.kind, owner, r.name);
    if (o) paired++;
    const actions = reconciler.reconcile(r, o, ctx);
    if (actions.length > 0) differences.push(difference(key, r.kind, owner, r.name, r, o, actions));
  }
  // Objects git does not have: only looked for when the counts say there are some.
  if (paired < managed.size) {
    for (const o of managed.values()) {
      const key = keyOf(o.kind, o.owner, o.name);
      if (desired.has(key)) continue;
      const actions = RECONCILERS[o.kind]?.reconcile(undefined, o, ctx) ?? [];
      if (actions.length > 0) differences.push(difference(key, o.kind, o.owner, o.name, undefined, o, actions));
    }
  }
  return { differences, unmanaged: worlds.unmanaged };
}

/** The indexes for a one-shot scan (`cairn drift`) of a loaded model and an observation. */
export function indexWorlds(model: DesiredModel, observed: readonly ObservedResource[]): IndexedWorlds {
  const desired = new Map<string, Resource>();
  for (const r of model.resources) {
    const key = keyOf(r.kind, ownerOf(r), r.name);
    if (!desired.has(key)) desired.set(key, r);
  }
  const { managed, unmanaged } = indexObserved(observed);
  return { desired, managed, unmanaged };
}

function difference(key: string, kind: Kind, owner: string | undefined, name: string, desired: Resource | undefined, observed: ObservedResource | undefined, actions: Action[]): Difference {
  const fields: DriftField[] = [];
  if (!observed) fields.push({ path: '(object)', desired: 'present', observed: 'absent' });
  else if (!desired) fields.push({ path: '(object)', desired: 'absent', observed: 'present' });
  else for (const a of actions) for (const f of a.fields) fields.push(driftField(kind, f));
  return { key, kind, name, owner, desired, observed, actions, fields };
}
