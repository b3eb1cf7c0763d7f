import type { Resource } from '../desired-state/model.js';
import type { ObservedResource } from '../providers/provider.js';
import type { Action, FieldDiff } from './action.js';
import { makeAction } from './field-reconciler.js';
import { IdentityMap } from './identity-map.js';
import { keyOf } from './identity.js';

/** An action while the plan is being built: with both sides and its dependencies. */
export interface Node {
  a: Action;
  desired?: Resource;
  observed?: ObservedResource;
  /** Order of creation: the tie-breaker that keeps plans deterministic. */
  seq: number;
  deps: Node[];
  dropped?: boolean;
  /** One half of a replace done in two steps (delete, later create), see `NodeSet.split`. */
  half?: 'delete' | 'create';
  /** Identity key, computed on the paths that need one (`keyOfNode`). */
  key?: string;
  /** Scratch for de-duplicating `deps` and for ordering. */
  mark?: number;
  index?: number;
}

export const keyOfNode = (n: Node): string => (n.key ??= keyOf(n.a.kind, n.a.owner, n.a.name));

/**
 * The actions of a plan by identity: what makes an object exist (create, replace, the create half
 * of a split replace), what removes the world's object (delete, replace, the delete half), updates,
 * power changes and orphans.
 */
export class NodeSet {
  readonly nodes: Node[] = [];
  readonly makes = new IdentityMap<Node>();
  readonly removes = new IdentityMap<Node>();
  readonly updates = new IdentityMap<Node>();
  readonly starts = new IdentityMap<Node>();
  readonly stops = new IdentityMap<Node>();
  readonly orphans = new IdentityMap<Node>();

  add(a: Action, desired: Resource | undefined, observed: ObservedResource | undefined, half?: 'delete' | 'create'): Node {
    // Every field set up front: one hidden class for all nodes keeps the hot loops monomorphic.
    const n: Node = { a, desired, observed, seq: this.nodes.length, deps: [], dropped: false, half, key: undefined, mark: 0, index: 0 };
    this.nodes.push(n);
    const { kind, owner, name } = a;
    switch (a.op) {
      case 'create':
        this.makes.set(kind, owner, name, n);
        break;
      case 'replace':
        this.makes.set(kind, owner, name, n);
        this.removes.set(kind, owner, name, n);
        break;
      case 'delete':
        this.removes.set(kind, owner, name, n);
        break;
      case 'update':
        this.updates.set(kind, owner, name, n);
        break;
      case 'start':
        this.starts.set(kind, owner, name, n);
        break;
      case 'stop':
        this.stops.set(kind, owner, name, n);
        break;
      case 'orphan':
        this.orphans.set(kind, owner, name, n);
        break;
      default:
    }
    return n;
  }

  private drop(n: Node | undefined): void {
    if (!n) return;
    n.dropped = true;
    for (const m of [this.makes, this.removes, this.updates, this.starts, this.stops, this.orphans]) {
      if (m.get(n.a.kind, n.a.owner, n.a.name) === n) m.delete(n.a.kind, n.a.owner, n.a.name);
    }
  }

  /**
   * Replaces whatever the plan does to an object with a replace in two actions, `delete:` then
   * `create:`, so that other actions can run in between: a VM on a network that is replaced must be
   * deleted before the network and created after it, which one `replace` action cannot express.
   * The create half carries the placement and the field diffs; the VM's start/stop are dropped (a
   * new VM is created in its desired power state).
   */
  split(desired: Resource, observed: ObservedResource, why: string): void {
    const { kind, name } = desired;
    const owner = observed.owner;
    const before = this.removes.get(kind, owner, name) ?? this.updates.get(kind, owner, name);
    const fields: FieldDiff[] = before ? before.a.fields : [];
    const reason = before && before.a.op === 'replace' ? `${before.a.reason}; ${why}` : why;
    for (const m of [this.removes, this.makes, this.updates, this.starts, this.stops]) this.drop(m.get(kind, owner, name));
    const del = makeAction('delete', kind, owner, name, `replaced in two steps: ${reason}`, [], true, { externalId: observed.externalId });
    const cre = makeAction('create', kind, owner, name, `replaced in two steps: ${reason}`, fields, false, { spec: desired.doc.spec });
    const d = this.add(del, desired, observed, 'delete');
    const c = this.add(cre, desired, observed, 'create');
    c.deps.push(d);
  }

  live(): Node[] {
    return this.nodes.filter((n) => !n.dropped);
  }
}
