import type { DesiredModel } from '../desired-state/model.js';
import type { ObservedResource } from '../providers/provider.js';
import type { Action } from './action.js';
import { cascade } from './cascade.js';
import { dep, link } from './dependencies.js';
import { DesiredReferences } from './desired-references.js';
import { displayName, keyOf } from './identity.js';
import { RECONCILERS } from './kinds/index.js';
import { describeNode, order } from './order.js';
import { summarise, type Plan, type PlanError, type PlanOptions } from './plan.js';
import { NodeSet, type Node } from './plan-nodes.js';
import { Placer, type Placement } from './placement.js';
import type { Referrer } from './referrers.js';
import { checkQuotas } from './quotas.js';
import { World } from './world.js';

export const DEFAULT_MAX_DELETE_FRACTION = 0.1;

/**
 * Desired state × observed world → an ordered plan, as plain data. Pure: no I/O, no clock, no
 * randomness; the same inputs give the same plan, whatever order the provider listed the world in.
 *
 * Steps: pair both sides by identity and ask each kind's reconciler; cascade replacements to what
 * points at the replaced objects; place new VMs and volumes; check quotas against what stays in the
 * world; link dependencies; order by waves; refuse mass deletion unless allowed.
 */
export function plan(desired: DesiredModel, observed: readonly ObservedResource[], options: PlanOptions = {}): Plan {
  const world = new World(desired, observed);
  const set = new NodeSet();
  const errors: PlanError[] = [];
  const ctx = world.context();

  // 1. Each kind's reconciler on each identity: git's resources, then the world's leftovers.
  for (const r of world.resources) {
    const owner = world.ownerOf(r);
    if (world.desired.get(r.kind, owner, r.name) !== r) continue; // a duplicate the loader already refused
    const reconciler = RECONCILERS[r.kind];
    if (!reconciler) continue;
    const o = world.managed.get(r.kind, owner, r.name);
    const actions = reconciler.reconcile(r, o, ctx);
    for (let i = 0; i < actions.length; i++) set.add(actions[i]!, r, o);
  }
  const leftovers: [string, ObservedResource][] = [];
  for (const o of world.managed.values()) if (!world.desired.has(o.kind, o.owner, o.name)) leftovers.push([keyOf(o.kind, o.owner, o.name), o]);
  leftovers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [, o] of leftovers) {
    const reconciler = RECONCILERS[o.kind];
    if (!reconciler) continue;
    for (const a of reconciler.reconcile(undefined, o, ctx)) set.add(a, undefined, o);
  }
  for (const { first, second } of world.duplicates) {
    errors.push({
      code: 'duplicate',
      kind: first.kind,
      name: first.name,
      owner: first.owner,
      message: `${displayName(first.kind, first.owner, first.name)} exists twice in the world (${first.externalId} and ${second.externalId}); cairn manages ${first.externalId} and leaves the other alone: remove one by hand`,
    });
  }

  // 2. Replacements reach what points at the replaced objects.
  const refs = new DesiredReferences(world);
  const referrers = set.removes.size > 0 ? cascade(world, set, refs) : new Map<string, Referrer[]>();

  // 3. Placement of new VMs (and of the volumes attached to them).
  place(world, set, errors);

  // 4. Quotas against what stays in the world.
  errors.push(...checkQuotas(world, (kind, owner, name) => set.removes.has(kind, owner, name) && !set.makes.has(kind, owner, name)));

  // 5. Dependencies and order.
  link(world, set, refs, referrers);
  const { nodes, cycles } = order(set.live());
  for (const cycle of cycles) {
    errors.push({
      code: 'cycle',
      kind: cycle[0]!.a.kind,
      name: cycle[0]!.a.name,
      owner: cycle[0]!.a.owner,
      actions: cycle.map((c) => c.a.id),
      message: `dependency cycle: ${cycle.map(describeNode).join(' → ')} (each waits for the next)`,
    });
  }
  const actions: Action[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const into = n.a.dependsOn;
    into.length = 0;
    for (const d of n.deps) into.push(d.a.id);
    actions[i] = n.a;
  }

  // 6. The mass-deletion guard.
  const guard = massDeletion(actions, world.managed.size, options);
  if (guard) errors.push(guard);

  return { revision: world.revision, actions, summary: summarise(actions, world.unmanaged.length), errors, unmanaged: world.unmanaged };
}

function place(world: World, set: NodeSet, errors: PlanError[]): void {
  // In creation order: placement is first fit, so the order decides and must be git's.
  const vms: Node[] = [];
  const volumes: Node[] = [];
  for (const n of set.nodes) {
    if (n.dropped || !n.desired || (n.a.op !== 'create' && n.a.op !== 'replace')) continue;
    if (n.a.kind === 'VirtualMachine') vms.push(n);
    else if (n.a.kind === 'Volume') volumes.push(n);
  }
  if (vms.length === 0 && volumes.length === 0) return;
  const placer = new Placer(world, { replaced: (owner, name) => set.removes.has('VirtualMachine', owner, name) });
  const waitFor = (n: Node, p: Placement) => {
    if (p.host !== undefined) dep(n, set.makes.get('Host', undefined, p.host));
    if (p.storage !== undefined) dep(n, set.makes.get('PrimaryStorage', undefined, p.storage));
  };
  for (const n of vms) {
    const p = placer.placeVm(n.desired!);
    if ('code' in p) {
      errors.push({ ...p, actions: [n.a.id] });
      continue;
    }
    n.a.placement = p.storage !== undefined ? { host: p.host, storage: p.storage } : { host: p.host };
    waitFor(n, p);
  }
  for (const n of volumes) {
    const spec = n.desired!.doc.spec ?? {};
    let vmHost: string | undefined;
    if (typeof spec.attachTo === 'string') {
      const made = set.makes.get('VirtualMachine', n.a.owner, spec.attachTo);
      const host = made ? made.a.placement?.host : world.managed.get('VirtualMachine', n.a.owner, spec.attachTo)?.status?.host;
      if (typeof host === 'string') vmHost = host;
    }
    const p = placer.placeVolume(n.desired!, vmHost);
    if ('code' in p) {
      errors.push({ ...p, actions: [n.a.id] });
      continue;
    }
    n.a.placement = { storage: p.storage };
    waitFor(n, p);
  }
}

/**
 * Deletes and replaces destroy the world's object; orphans keep it. More of them than the allowed
 * share of the managed objects is refused unless the operator said so: a deleted folder is a typo
 * until proven otherwise.
 */
function massDeletion(actions: readonly Action[], managed: number, options: PlanOptions): PlanError | undefined {
  if (options.allowMassDelete || managed === 0) return undefined;
  const fraction = options.maxDeleteFraction ?? DEFAULT_MAX_DELETE_FRACTION;
  let deletes = 0;
  let replaces = 0;
  for (const a of actions) {
    if (a.op === 'delete') deletes++;
    else if (a.op === 'replace') replaces++;
  }
  // The delete half of a replace in two steps counts once, as the delete it is.
  const destroyed = deletes + replaces;
  if (destroyed <= fraction * managed) return undefined;
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  return {
    code: 'mass-delete',
    message:
      `this plan would destroy ${destroyed} of the ${managed} managed objects in the world (${pct(destroyed / managed)}, over the ${pct(fraction)} allowed): ` +
      `${deletes} to delete, ${replaces} to replace. A deleted folder is a typo until proven otherwise; allow it explicitly (--allow-mass-delete) if you mean it`,
  };
}
