/**
 * One Provider in front of two: what runs on KVM clusters goes to libvirt, everything else to the
 * simulator, which also keeps the kinds libvirt has no object for (zones, pods, clusters, offerings,
 * accounts...). The CLI and the controller build this (createProvider) where they built the
 * simulator: a data center without KVM hosts behaves exactly as before, change token included.
 *
 * Which provider an action goes to:
 * 1. its externalId when it has one (`libvirt:` ids are libvirt's, any other the simulator's):
 *    updates, deletes, orphans, starts and stops carry the id observe reported;
 * 2. otherwise (creates) its spec: a Host by its cluster's hypervisor; a PrimaryStorage by its cluster (zone-wide: its
 *    zone); a Template by `hypervisor`; a VirtualMachine by its placement host, else its zone; a
 *    Network, Volume or PublicIp by its zone; a SecurityGroup (no zone) to libvirt when every
 *    cluster is KVM; a FirewallRule, PortForward or LoadBalancer where its public IP is, an
 *    EgressRule where its network is (else as a SecurityGroup).
 *    A zone is KVM when its clusters are all KVM.
 * Clusters and pods are learnt from the simulator's observation and from the creates passing through.
 */
import type { Kind } from '../desired-state/model.js';
import type { Action, ActionResult } from '../reconcilers/action.js';
import type { Catalog } from './libvirt/catalog.js';
import { LIBVIRT_KINDS, LibvirtProvider } from './libvirt/libvirt-provider.js';
import type { ObserveScope, ObservedResource, Provider } from './provider.js';
import { createSimulatorProvider } from './simulator/simulator-provider.js';

type Target = 'libvirt' | 'simulator';

const LIBVIRT = new Set<Kind>(LIBVIRT_KINDS);
const identity = (kind: string, owner: string | undefined, name: string) => `${kind}/${owner ?? ''}/${name}`;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export class ProviderRouter implements Provider {
  readonly name = 'router';
  private readonly clusters = new Map<string, { hypervisor?: string; pod?: string }>();
  private readonly pods = new Map<string, string | undefined>();
  /** Where observe saw each PublicIp and Network: the parents that rules are routed by. */
  private readonly reported = new Map<string, Target>();
  private topologyRead = false;
  /** libvirt's hosts, read once: every Host create or delete of this process passes through here. */
  private libvirtHosts?: Set<string>;

  constructor(
    readonly simulator: Provider,
    readonly libvirt: LibvirtProvider,
  ) {}

  kinds(): readonly Kind[] {
    return this.simulator.kinds();
  }

  async observe(scope: ObserveScope, signal: AbortSignal): Promise<ObservedResource[]> {
    const sim = await this.simulator.observe(scope, signal);
    this.learn(sim);
    const wantsLibvirt = !scope.kinds || scope.kinds.some((k) => LIBVIRT.has(k));
    const real = wantsLibvirt && this.libvirt.hostNames().length > 0 ? await this.libvirt.observe(scope, signal) : [];
    // Only the parents rules are routed by: a map of every observed identity would cost a data
    // center of 250,000 VMs hundreds of milliseconds per observe for nothing.
    for (const o of sim) if (o.kind === 'PublicIp' || o.kind === 'Network') this.reported.set(identity(o.kind, o.owner, o.name), 'simulator');
    for (const o of real) if (o.kind === 'PublicIp' || o.kind === 'Network') this.reported.set(identity(o.kind, o.owner, o.name), 'libvirt');
    return real.length === 0 ? sim : [...sim, ...real];
  }

  async apply(action: Action, signal: AbortSignal): Promise<ActionResult> {
    if (action.op === 'create' || action.op === 'update') this.learnAction(action);
    const target = await this.route(action, signal);
    const result = await (target === 'libvirt' ? this.libvirt : this.simulator).apply(action, signal);
    if (target === 'libvirt' && action.kind === 'Host') {
      if (action.op === 'create') this.hosts().add(action.name);
      else if (action.op === 'delete') this.hosts().delete(action.name);
    }
    return result;
  }

  /** The simulator's token while no libvirt host exists; none after (libvirt gives no such token). */
  async changeToken(signal: AbortSignal): Promise<string | undefined> {
    if (this.libvirt.hostNames().length > 0) return undefined;
    return this.simulator.changeToken?.(signal);
  }

  /** The catalog libvirt reads offerings from: the simulator holds them. */
  catalog(): Catalog {
    return {
      spec: async (kind, name, owner, signal) => (await this.simulator.observe({ kinds: [kind] }, signal)).find((o) => o.managed && o.name === name && (owner === undefined || o.owner === owner))?.spec,
    };
  }

  async route(action: Action, signal: AbortSignal): Promise<Target> {
    if (!LIBVIRT.has(action.kind)) return 'simulator';
    if (action.externalId !== undefined) return action.externalId.startsWith('libvirt:') ? 'libvirt' : 'simulator';
    await this.readTopology(signal);
    const spec = action.spec ?? {};
    const kvmCluster = (c: string | undefined) => c !== undefined && this.clusters.get(c)?.hypervisor === 'KVM';
    switch (action.kind) {
      case 'Host':
        return kvmCluster(str(spec.cluster)) || this.hosts().has(action.name) ? 'libvirt' : 'simulator';
      case 'PrimaryStorage':
        return (spec.scope === 'Zone' ? this.kvmZone(str(spec.zone)) : kvmCluster(str(spec.cluster))) ? 'libvirt' : 'simulator';
      case 'Template':
        return spec.hypervisor === 'KVM' ? 'libvirt' : 'simulator';
      case 'FirewallRule':
      case 'PortForward':
      case 'LoadBalancer':
      case 'EgressRule': {
        // Where their public IP (network) is; one made in this same apply: as security groups.
        const parent = action.kind === 'EgressRule' ? identity('Network', action.owner, String(spec.network)) : identity('PublicIp', action.owner, String(spec.publicIp));
        const where = this.reported.get(parent);
        if (where) return where;
        return this.allKvm() ? 'libvirt' : 'simulator';
      }
      case 'SecurityGroup':
        // A group names no zone: it goes to libvirt when every cluster is KVM.
        return this.allKvm() ? 'libvirt' : 'simulator';
      case 'VirtualMachine': {
        const host = str(action.placement?.host);
        if (host) return this.hosts().has(host) ? 'libvirt' : 'simulator';
        return this.kvmZone(str(spec.zone)) ? 'libvirt' : 'simulator';
      }
      default:
        return this.kvmZone(str(spec.zone)) ? 'libvirt' : 'simulator';
    }
  }

  private hosts(): Set<string> {
    return (this.libvirtHosts ??= new Set(this.libvirt.hostNames()));
  }

  /** Per zone, cleared whenever a cluster or pod is learnt: a large apply asks once per VM and volume. */
  private readonly zoneIsKvm = new Map<string, boolean>();

  private allKvm(): boolean {
    let kvm = this.zoneIsKvm.get('\0every cluster');
    if (kvm === undefined) {
      kvm = this.clusters.size > 0 && [...this.clusters.values()].every((c) => c.hypervisor === 'KVM');
      this.zoneIsKvm.set('\0every cluster', kvm);
    }
    return kvm;
  }

  private kvmZone(zone: string | undefined): boolean {
    if (zone === undefined) return false;
    let kvm = this.zoneIsKvm.get(zone);
    if (kvm === undefined) {
      const hypervisors = [...this.clusters.values()].filter((c) => c.pod !== undefined && this.pods.get(c.pod) === zone).map((c) => c.hypervisor);
      kvm = hypervisors.length > 0 && hypervisors.every((h) => h === 'KVM');
      this.zoneIsKvm.set(zone, kvm);
    }
    return kvm;
  }

  private async readTopology(signal: AbortSignal): Promise<void> {
    if (this.topologyRead) return;
    this.learn(await this.simulator.observe({ kinds: ['Pod', 'Cluster'] }, signal));
    this.topologyRead = true;
  }

  private learn(observed: readonly ObservedResource[]): void {
    this.zoneIsKvm.clear();
    for (const o of observed) {
      if (!o.managed) continue;
      if (o.kind === 'Cluster') this.clusters.set(o.name, { hypervisor: str(o.spec.hypervisor), pod: str(o.spec.pod) });
      else if (o.kind === 'Pod') this.pods.set(o.name, str(o.spec.zone));
    }
  }

  private learnAction(a: Action): void {
    if (a.kind === 'Cluster' || a.kind === 'Pod') this.zoneIsKvm.clear();
    if (a.kind === 'Cluster') this.clusters.set(a.name, { hypervisor: str(a.spec?.hypervisor), pod: str(a.spec?.pod) });
    else if (a.kind === 'Pod') this.pods.set(a.name, str(a.spec?.zone));
  }
}

export interface CreateProviderOptions {
  stateDir: string;
  /** How long a VM stop waits for the guest before destroying it (CAIRN_LIBVIRT_SHUTDOWN_TIMEOUT_MS, default 60 s). */
  shutdownTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The provider cairn's commands use: the simulator, and libvirt for KVM clusters. */
export function createProvider(opts: CreateProviderOptions): Provider {
  const env = opts.env ?? process.env;
  const simulator = createSimulatorProvider({ stateDir: opts.stateDir, ...(opts.env ? { env: opts.env } : {}) });
  let router: ProviderRouter | undefined;
  const timeout = Number(env.CAIRN_LIBVIRT_SHUTDOWN_TIMEOUT_MS);
  const libvirt = new LibvirtProvider({
    stateDir: opts.stateDir,
    catalog: { spec: (kind, name, owner, signal) => router!.catalog().spec(kind, name, owner, signal) },
    shutdownTimeoutMs: opts.shutdownTimeoutMs ?? (Number.isFinite(timeout) && timeout >= 0 && env.CAIRN_LIBVIRT_SHUTDOWN_TIMEOUT_MS ? timeout : 60_000),
  });
  router = new ProviderRouter(simulator, libvirt);
  return router;
}
