import type { DesiredModel, Kind, Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Action } from '../../reconcilers/action.js';
import { keyOf } from '../../reconcilers/identity.js';
import { RECONCILERS } from '../../reconcilers/kinds/index.js';
import { World } from '../../reconcilers/world.js';
import type { DriftField } from './controller-view.js';
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
  unmanaged: ObservedResource[];
}

/**
 * Git against the world, identity by identity, through each kind's reconciler (the planner's first
 * step, without placement, ordering or guards: a resync only needs to know what differs). Observed-only
 * fields never count, because the reconcilers never diff them.
 */
export function scanDrift(desired: DesiredModel, observed: readonly ObservedResource[]): DriftScan {
  const world = new World(desired, observed);
  const ctx = world.context();
  const differences: Difference[] = [];
  for (const r of world.resources) {
    const owner = world.ownerOf(r);
    if (world.desired.get(r.kind, owner, r.name) !== r) continue;
    const reconciler = RECONCILERS[r.kind];
    if (!reconciler) continue;
    const o = world.managed.get(r.kind, owner, r.name);
    const actions = reconciler.reconcile(r, o, ctx);
    if (actions.length > 0) differences.push(difference(r.kind, owner, r.name, r, o, actions));
  }
  for (const o of world.managed.values()) {
    if (world.desired.has(o.kind, o.owner, o.name)) continue;
    const actions = RECONCILERS[o.kind]?.reconcile(undefined, o, ctx) ?? [];
    if (actions.length > 0) differences.push(difference(o.kind, o.owner, o.name, undefined, o, actions));
  }
  return { differences, unmanaged: world.unmanaged };
}

function difference(kind: Kind, owner: string | undefined, name: string, desired: Resource | undefined, observed: ObservedResource | undefined, actions: Action[]): Difference {
  const fields: DriftField[] = [];
  if (!observed) fields.push({ path: '(object)', desired: 'present', observed: 'absent' });
  else if (!desired) fields.push({ path: '(object)', desired: 'absent', observed: 'present' });
  else for (const a of actions) for (const f of a.fields) fields.push(driftField(kind, f));
  return { key: keyOf(kind, owner, name), kind, name, owner, desired, observed, actions, fields };
}
