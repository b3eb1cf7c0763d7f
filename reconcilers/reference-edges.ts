import type { Kind } from '../desired-state/model.js';
import { keyOf } from './identity.js';
import { TENANT_KINDS } from './kind-order.js';

/**
 * What a reference means when its target is replaced (deleted and created again under the same name):
 * - `hard`: the referrer cannot outlive the target (a VM's NIC on a network, a rule on a public IP,
 *   a host in a cluster): the referrer is replaced with it, deleted before it and created after it.
 * - `soft`: the referrer survives but loses the link in the world (a VM's security groups, a load
 *   balancer's members, a volume's attachment): it is updated after the target is back, re-asserting
 *   its spec.
 * - `none`: the link is by name and survives (a VM's offering or template: CloudStack keeps running
 *   VMs of a removed offering), nothing to do.
 */
export type RefStrength = 'hard' | 'soft' | 'none';

export interface ReferenceEdge {
  /** Top-level spec field. */
  field: string;
  /** For lists of objects (`networks[].network`), the key inside each item. */
  item?: string;
  /** True when the field is a list (of names, or of objects with `item`). */
  list: boolean;
  target: Kind;
  strength: RefStrength;
}

const edge = (field: string, target: Kind, strength: RefStrength, list = false, item?: string): ReferenceEdge => ({ field, target, strength, list, item });

/**
 * Every `x-cairn-ref` field of the schemas (test/reconcilers checks this table against them), with
 * what a replaced target means for the referrer. A table rather than the schema walk of
 * `referencesOf`: planning 280,000 resources reads it millions of times and allocates nothing.
 */
export const REFERENCE_EDGES: Readonly<Record<Kind, readonly ReferenceEdge[]>> = {
  Zone: [],
  Pod: [edge('zone', 'Zone', 'hard')],
  Cluster: [edge('pod', 'Pod', 'hard')],
  Host: [edge('cluster', 'Cluster', 'hard')],
  PrimaryStorage: [edge('cluster', 'Cluster', 'hard'), edge('zone', 'Zone', 'hard')],
  SecondaryStorage: [edge('zone', 'Zone', 'hard')],
  ServiceOffering: [],
  DiskOffering: [],
  Template: [edge('zones', 'Zone', 'soft', true)],
  Domain: [edge('parent', 'Domain', 'hard')],
  Account: [edge('domain', 'Domain', 'hard')],
  Project: [edge('domain', 'Domain', 'hard')],
  Network: [edge('zone', 'Zone', 'hard'), edge('vpc', 'Vpc', 'hard'), edge('acl', 'NetworkAcl', 'soft')],
  Vpc: [edge('zone', 'Zone', 'hard')],
  NetworkAcl: [edge('vpc', 'Vpc', 'hard')],
  SecurityGroup: [],
  FirewallRule: [edge('publicIp', 'PublicIp', 'hard')],
  EgressRule: [edge('network', 'Network', 'hard')],
  PortForward: [edge('publicIp', 'PublicIp', 'hard'), edge('vm', 'VirtualMachine', 'hard')],
  PublicIp: [edge('zone', 'Zone', 'hard'), edge('network', 'Network', 'hard')],
  LoadBalancer: [edge('publicIp', 'PublicIp', 'hard'), edge('vms', 'VirtualMachine', 'soft', true)],
  VirtualMachine: [
    edge('zone', 'Zone', 'hard'),
    edge('serviceOffering', 'ServiceOffering', 'none'),
    edge('template', 'Template', 'none'),
    edge('networks', 'Network', 'hard', true, 'network'),
    edge('securityGroups', 'SecurityGroup', 'soft', true),
    edge('affinityGroups', 'AffinityGroup', 'soft', true),
  ],
  Volume: [edge('zone', 'Zone', 'hard'), edge('diskOffering', 'DiskOffering', 'none'), edge('attachTo', 'VirtualMachine', 'soft')],
  Snapshot: [edge('volume', 'Volume', 'none')],
  AffinityGroup: [],
};

/** The ROOT domain exists implicitly and is never planned. */
const isBuiltin = (target: Kind, name: string): boolean => target === 'Domain' && name === 'ROOT';

/** Calls `visit` for each name a spec references (any value that is not a string is skipped). */
export function forEachReference(kind: Kind, spec: Record<string, unknown> | undefined, visit: (target: Kind, name: string, edge: ReferenceEdge) => void): void {
  if (!spec) return;
  const edges = REFERENCE_EDGES[kind];
  if (!edges) return;
  for (const e of edges) {
    const v = spec[e.field];
    if (v === undefined) continue;
    if (!e.list) {
      if (typeof v === 'string' && !isBuiltin(e.target, v)) visit(e.target, v, e);
      continue;
    }
    if (!Array.isArray(v)) continue;
    for (const item of v) {
      const name = e.item ? (item as Record<string, unknown> | null)?.[e.item] : item;
      if (typeof name === 'string' && !isBuiltin(e.target, name)) visit(e.target, name, e);
    }
  }
}

/**
 * Resolves a reference the way the loader does: a tenant kind in the referrer's own tenant, else a
 * global kind by name, else a Shared network of any tenant (`sharedNetwork` finds it by name).
 */
export function resolveReference(
  fromOwner: string | undefined,
  target: Kind,
  name: string,
  exists: (key: string) => boolean,
  sharedNetwork?: (name: string) => string | undefined,
): string {
  if (!TENANT_KINDS.has(target)) return keyOf(target, undefined, name);
  const own = keyOf(target, fromOwner, name);
  if (exists(own) || target !== 'Network' || !sharedNetwork) return own;
  return sharedNetwork(name) ?? own;
}

/**
 * `forEachReference` without a callback, for the loops that run once per resource of a data center:
 * `fill` collects the references of one spec into reused arrays and returns how many there are.
 */
export class ReferenceBuffer {
  readonly targets: Kind[] = [];
  readonly names: string[] = [];
  readonly edges: ReferenceEdge[] = [];

  fill(kind: Kind, spec: Record<string, unknown> | undefined): number {
    let n = 0;
    const edges = spec ? REFERENCE_EDGES[kind] : undefined;
    if (!edges) return 0;
    for (const e of edges) {
      const v = spec![e.field];
      if (v === undefined) continue;
      if (!e.list) {
        if (typeof v === 'string' && !isBuiltin(e.target, v)) n = this.put(n, e, v);
        continue;
      }
      if (!Array.isArray(v)) continue;
      for (const item of v) {
        const name = e.item ? (item as Record<string, unknown> | null)?.[e.item] : item;
        if (typeof name === 'string' && !isBuiltin(e.target, name)) n = this.put(n, e, name);
      }
    }
    return n;
  }

  private put(n: number, e: ReferenceEdge, name: string): number {
    this.targets[n] = e.target;
    this.names[n] = name;
    this.edges[n] = e;
    return n + 1;
  }
}
