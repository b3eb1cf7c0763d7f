import type { Kind, Resource } from '../desired-state/model.js';
import type { DesiredReferences } from './desired-references.js';
import { keyOfNode, type Node, type NodeSet } from './plan-nodes.js';
import { ReferenceBuffer } from './reference-edges.js';
import type { Referrer } from './referrers.js';
import { num, strings, type World } from './world.js';

/**
 * The dependency edges of a plan:
 * - what makes an object (create, replace, the create half) waits for what makes everything it
 *   references, its tenant, and the implicit parents CloudStack needs (a template waits for its
 *   zones' image stores, a pool for the hosts that mount it); placement adds the chosen host and pool;
 * - it also waits for the removal of an object that holds something it claims (a fixed IP, a public
 *   address, a VLAN, a public port);
 * - an update waits for what makes what it references; on one VM: stop → update → start;
 * - what removes an object (delete, replace, the delete half) waits for whatever in the world still
 *   points at it (by a hard or soft reference) to let go: the referrer's delete, update or orphan,
 *   or for a replaced target the delete half of each hard referrer that comes back with it.
 *   Deleting a host waits for the deletes of the VMs on it, deleting an account for the deletes of
 *   everything it owns. A `none` reference holds nothing back (an offering in use can go).
 */
export function link(world: World, set: NodeSet, refs: DesiredReferences, referrers: Map<string, Referrer[]>): void {
  const implicit = new ImplicitParents(world, set);
  const claims = set.removes.size > 0 && set.makes.size > 0 ? new Claims(world, set) : undefined;
  const buf = new ReferenceBuffer();
  for (const n of set.nodes) {
    if (n.dropped) continue;
    const op = n.a.op;
    const makes = op === 'create' || op === 'replace';
    const r = n.desired;
    if ((makes || op === 'update') && r) {
      const owner = n.a.owner;
      const count = buf.fill(r.kind, r.doc.spec);
      for (let i = 0; i < count; i++) {
        const target = buf.targets[i]!;
        const name = buf.names[i]!;
        dep(n, set.makes.get(target, world.desiredOwner(owner, target, name), name));
      }
      if (r.tenant !== undefined) dep(n, set.makes.get(r.tenantType === 'project' ? 'Project' : 'Account', undefined, r.tenant));
    }
    if (makes && r) {
      implicit.add(n, r);
      claims?.add(n, r);
    }
    if (op === 'update') dep(n, set.stops.get(n.a.kind, n.a.owner, n.a.name));
    if (op === 'start') dep(n, set.updates.get(n.a.kind, n.a.owner, n.a.name));
    if (op === 'delete' || op === 'replace') {
      const self = keyOfNode(n);
      const recreated = set.makes.has(n.a.kind, n.a.owner, n.a.name);
      for (const ref of referrers.get(self) ?? []) {
        if (!ref.blocks) continue;
        const referrer = world.desired.getKey(ref.from);
        const keeps = referrer !== undefined && refs.of(ref.from, referrer).has(self);
        // A referrer leaving git lets go by its delete, or by its orphan (a retained volume is
        // detached from the VM being deleted before it leaves cairn's hands).
        if (!keeps) dep(n, set.removes.getKey(ref.from) ?? set.updates.getKey(ref.from) ?? set.orphans.getKey(ref.from));
        else if (recreated && ref.strength === 'hard') dep(n, set.removes.getKey(ref.from));
      }
    }
  }
}

export function dep(n: Node, on: Node | undefined): void {
  if (on && on !== n && !on.dropped) n.deps.push(on);
}

/** Parents CloudStack needs that no reference names. */
class ImplicitParents {
  private storesByZone?: Map<string, Node[]>;
  private hostsByCluster?: Map<string, Node[]>;
  private hostsByZone?: Map<string, Node[]>;

  constructor(
    private readonly world: World,
    private readonly set: NodeSet,
  ) {}

  add(n: Node, r: Resource): void {
    if (r.kind !== 'Template' && r.kind !== 'PrimaryStorage') return;
    this.index();
    const spec = r.doc.spec ?? {};
    let parents: readonly Node[];
    if (r.kind === 'Template') {
      // A template is registered on the image stores of its zones (every zone when omitted).
      parents = spec.zones === undefined ? [...this.storesByZone!.values()].flat() : strings(spec.zones).flatMap((z) => this.storesByZone!.get(z) ?? []);
    } else {
      // CloudStack adds primary storage through a host that mounts it.
      parents = spec.scope === 'Zone' ? (this.hostsByZone!.get(String(spec.zone)) ?? []) : (this.hostsByCluster!.get(String(spec.cluster)) ?? []);
    }
    for (const p of parents) dep(n, p);
  }

  private index(): void {
    if (this.storesByZone) return;
    this.storesByZone = new Map();
    this.hostsByCluster = new Map();
    this.hostsByZone = new Map();
    for (const n of this.set.makes.ofKind('SecondaryStorage')) if (n.desired) push(this.storesByZone, String(n.desired.doc.spec?.zone), n);
    for (const n of this.set.makes.ofKind('Host')) {
      if (!n.desired) continue;
      const cluster = String(n.desired.doc.spec?.cluster);
      push(this.hostsByCluster, cluster, n);
      push(this.hostsByZone, String(this.world.globalSpec('Pod', this.world.globalSpec('Cluster', cluster)?.pod)?.zone), n);
    }
  }
}

function push<V>(map: Map<string, V[]>, key: string, v: V): void {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}

/** Which claim namespace a kind's objects hold things in. */
const CLAIMING: Partial<Record<Kind, string>> = { VirtualMachine: 'ip', PublicIp: 'address', Network: 'vlan', PortForward: 'port', LoadBalancer: 'port' };

/**
 * Unique things an object holds in the world, as keys: fixed NIC addresses, public addresses,
 * VLANs, public ports. A create that claims what a removed object held waits for the removal.
 * Only computed for the namespaces the plan's removals hold something in.
 */
class Claims {
  private readonly held = new Map<string, Node>();
  private readonly namespaces = new Set<string>();

  constructor(
    private readonly world: World,
    set: NodeSet,
  ) {
    for (const n of set.removes.values()) {
      const o = n.observed;
      if (!o) continue;
      for (const c of this.of(o.kind, o.owner, o.spec ?? {}, o.status, 'observed')) {
        this.held.set(c, n);
        this.namespaces.add(CLAIMING[o.kind]!);
      }
    }
  }

  add(n: Node, r: Resource): void {
    const ns = CLAIMING[r.kind];
    if (!ns || !this.namespaces.has(ns)) return;
    for (const c of this.of(r.kind, n.a.owner, r.doc.spec ?? {}, undefined, 'desired')) dep(n, this.held.get(c));
  }

  private of(kind: Kind, owner: string | undefined, spec: Record<string, unknown>, status: Record<string, unknown> | undefined, side: 'desired' | 'observed'): string[] {
    const target = (k: Kind, name: string) => (side === 'desired' ? this.world.desiredTarget(owner, k, name) : this.world.observedTarget(owner, k, name));
    const out: string[] = [];
    switch (kind) {
      case 'VirtualMachine': {
        const nics = Array.isArray(spec.networks) ? (spec.networks as Record<string, unknown>[]) : [];
        const allocated = Array.isArray(status?.nics) ? (status!.nics as Record<string, unknown>[]) : [];
        nics.forEach((nic, i) => {
          const ip = nic?.ip ?? allocated[i]?.ip;
          if (typeof nic?.network === 'string' && typeof ip === 'string') out.push(`ip|${target('Network', nic.network)}|${ip}`);
        });
        break;
      }
      case 'PublicIp': {
        const address = spec.address !== undefined && spec.address !== 'auto' ? spec.address : status?.address;
        if (typeof address === 'string' && address !== 'auto') out.push(`address|${String(spec.zone)}|${address}`);
        break;
      }
      case 'Network': {
        const vlan = num(spec.vlan) ?? num(status?.vlan);
        if (vlan !== undefined) out.push(`vlan|${String(spec.zone)}|${vlan}`);
        break;
      }
      case 'PortForward':
      case 'LoadBalancer':
        if (typeof spec.publicIp === 'string') out.push(`port|${target('PublicIp', spec.publicIp)}|${String(spec.protocol ?? 'tcp')}|${String(spec.publicPort)}`);
        break;
      default:
    }
    return out;
  }
}
