import type { Resource } from '../desired-state/model.js';
import type { ObservedResource } from '../providers/provider.js';
import { displayName, keyOf } from './identity.js';
import type { PlanError } from './plan.js';
import { num, strings, type World } from './world.js';

/**
 * Placement, like CloudStack's FirstFitAllocator and its storage pool allocators:
 *
 * - Candidates are the hosts of the VM's zone (host → cluster → pod → zone), in name order, which
 *   is what makes the choice deterministic. Hosts in git count with their declared capacity (or the
 *   capacity the world reports for real hosts); hosts the plan deletes and foreign hosts do not.
 * - A host is skipped when its observed `status.state` is anything but Up (a host the plan creates
 *   counts as Up), or its allocation state (in git or in the world) is Disabled or Maintenance.
 * - It must carry every host tag of the offering, and have room: the cores × MHz and the memory of
 *   the VMs already on it (observed `status.host`, foreign VMs included, Stopped ones only when git
 *   wants them Running; plus the VMs this plan placed there before) and of this VM, within cores × MHz × cpu overcommit and memory × memory
 *   overcommit of its cluster. A single VM never gets more cores than the host has × overcommit.
 * - Its ROOT disk needs a primary storage reachable from the host (the host's cluster's pools, then
 *   the zone-wide pools of its zone, each in name order) carrying the offering's storage tags, with
 *   room for the disk (rootDiskGiB, else the template's sizeGiB). A pool of unknown capacity has room.
 * - host-anti-affinity: not a host another VM of the group uses (or was placed on in this plan);
 *   host-affinity: the host the group's VMs use, when they use one.
 * - A VM already in the world keeps its host: only creates and replaces are placed. A replaced VM
 *   may land where it was: its own old share is released for itself (and only for itself).
 *
 * The result is a decision recorded in the action (`placement.host`, `placement.storage`), which
 * the provider must honour, and dependencies on the host's and pool's own creation.
 */

interface Size {
  cores: number;
  mhz: number;
  memory: number;
}

interface PoolSlot {
  name: string;
  tags: Set<string>;
  capacity: number | undefined;
  used: number;
}

interface HostSlot {
  name: string;
  zone: string;
  cluster: string;
  cores: number | undefined;
  mhz: number | undefined;
  memory: number | undefined;
  cpuOvercommit: number;
  memoryOvercommit: number;
  tags: Set<string>;
  /** Why the host takes nothing at all (down, disabled), or undefined. */
  unusable: string | undefined;
  pools: PoolSlot[];
  usedMhz: number;
  usedMemory: number;
}

/** Names of the chosen host (VMs) and primary storage; the planner makes the action wait for their creation. */
export interface Placement {
  host?: string;
  storage?: string;
}

/** Why a host cannot take a VM; every reason but affinity holds for the rest of the plan once true. */
const enum Misfit {
  None,
  NotUp,
  Disabled,
  HostTags,
  TooSmall,
  Cpu,
  Memory,
  StorageTags,
  StorageFull,
  AntiAffinity,
  Affinity,
}

const BROKEN_VM = new Set(['Destroyed', 'Expunging', 'Error']);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const tagList = (tags: readonly string[]) => `[${tags.join(', ')}]`;

export interface PlacementOptions {
  /** VMs the plan replaces (by owner and name): their old placement does not bind the new one. */
  replaced: (owner: string | undefined, name: string) => boolean;
}

export class Placer {
  private readonly hostsByZone = new Map<string, HostSlot[]>();
  private readonly hosts = new Map<string, HostSlot>();
  private readonly pools = new Map<string, PoolSlot>();
  private readonly poolsByZone = new Map<string, PoolSlot[]>();
  /** First host of a zone that may still take a VM of a given shape: zone → offering → root disk → index. */
  private readonly cursors = new Map<string, Map<string, Map<number, number>>>();
  private readonly explained = new Map<string, string>();
  /** Hosts used by each affinity group (identity key → host → VMs). */
  private readonly groupHosts = new Map<string, Map<string, number>>();
  private readonly sizes = new Map<string, Size | null>();
  private readonly offeringTags = new Map<string, { host: readonly string[]; storage: readonly string[] }>();
  private readonly templateSizes = new Map<string, number | undefined>();
  private clusterPools = new Map<string, PoolSlot[]>();
  private zonePools = new Map<string, PoolSlot[]>();

  constructor(
    private readonly world: World,
    private readonly opts: PlacementOptions,
  ) {
    this.buildPools();
    this.buildHosts();
    this.countObservedUsage();
    this.recordGroups();
  }

  // ---- the world as capacity -----------------------------------------------------------------

  private zoneOfCluster(cluster: unknown): string | undefined {
    const c = this.world.globalSpec('Cluster', cluster);
    const pod = this.world.globalSpec('Pod', c?.pod);
    return typeof pod?.zone === 'string' ? pod.zone : undefined;
  }

  private buildPools(): void {
    const byCluster = new Map<string, PoolSlot[]>();
    const zoneWide = new Map<string, PoolSlot[]>();
    const usedFromStatus = new Set<string>();
    for (const ps of [...this.world.byKind('PrimaryStorage')].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const o = this.world.managed.get('PrimaryStorage', undefined, ps.name);
      const spec = ps.doc.spec ?? {};
      const used = num(o?.status?.usedGiB);
      if (used !== undefined) usedFromStatus.add(ps.name);
      const slot: PoolSlot = {
        name: ps.name,
        tags: new Set(strings(spec.tags)),
        capacity: num(spec.capacityGiB) ?? num(o?.spec?.capacityGiB) ?? num(o?.status?.capacityGiB),
        used: used ?? 0,
      };
      this.pools.set(ps.name, slot);
      const zone = spec.scope === 'Zone' ? (typeof spec.zone === 'string' ? spec.zone : undefined) : this.zoneOfCluster(spec.cluster);
      if (spec.scope === 'Zone') {
        if (zone) push(zoneWide, zone, slot);
      } else if (typeof spec.cluster === 'string') {
        push(byCluster, spec.cluster, slot);
      }
      if (zone) push(this.poolsByZone, zone, slot);
    }
    this.clusterPools = byCluster;
    this.zonePools = zoneWide;
    // Pools whose use the world does not report: add up the disks it says are on them.
    const onPool = (pool: unknown, gib: number | undefined) => {
      if (typeof pool !== 'string' || usedFromStatus.has(pool) || gib === undefined) return;
      const slot = this.pools.get(pool);
      if (slot) slot.used += gib;
    };
    for (const vm of this.world.observedOfKind('VirtualMachine')) {
      if (BROKEN_VM.has(String(vm.status?.state))) continue;
      onPool(rootStorageOf(vm.status), this.rootDiskOf(vm.spec ?? {}, vm.status));
    }
    for (const vol of this.world.observedOfKind('Volume')) onPool(vol.status?.storage, this.volumeSizeOf(vol.spec ?? {}, vol.status));
  }

  private buildHosts(): void {
    const clusterInfo = new Map<string, { zone: string; cpu: number; memory: number } | null>();
    const infoOf = (cluster: string) => {
      let info = clusterInfo.get(cluster);
      if (info === undefined) {
        const spec = this.world.globalSpec('Cluster', cluster);
        const zone = this.zoneOfCluster(cluster);
        const oc = (spec?.overcommit ?? {}) as Record<string, unknown>;
        // As the loader's capacity check: an overcommit below 1 counts as none.
        info = zone ? { zone, cpu: Math.max(1, num(oc.cpu) ?? 1), memory: Math.max(1, num(oc.memory) ?? 1) } : null;
        clusterInfo.set(cluster, info);
      }
      return info;
    };
    for (const h of this.world.byKind('Host')) {
      const spec = h.doc.spec ?? {};
      const cluster = spec.cluster;
      if (typeof cluster !== 'string') continue;
      const info = infoOf(cluster);
      if (!info) continue;
      const o = this.world.managed.get('Host', undefined, h.name);
      const allocation = String(spec.state ?? 'Enabled');
      const observedAllocation = o?.spec?.state;
      const status = o?.status?.state;
      const unusable =
        status !== undefined && status !== 'Up'
          ? `not Up (${String(status)})`
          : allocation !== 'Enabled'
            ? allocation
            : observedAllocation !== undefined && observedAllocation !== 'Enabled'
              ? `${String(observedAllocation)} in the world`
              : undefined;
      const slot: HostSlot = {
        name: h.name,
        zone: info.zone,
        cluster,
        cores: num(spec.cpuCores) ?? num(o?.spec?.cpuCores) ?? num(o?.status?.cpuCores),
        mhz: num(spec.cpuMhz) ?? num(o?.spec?.cpuMhz) ?? num(o?.status?.cpuMhz),
        memory: num(spec.memoryMiB) ?? num(o?.spec?.memoryMiB) ?? num(o?.status?.memoryMiB),
        cpuOvercommit: info.cpu,
        memoryOvercommit: info.memory,
        tags: new Set(strings(spec.tags)),
        unusable,
        pools: [...(this.clusterPools.get(cluster) ?? []), ...(this.zonePools.get(info.zone) ?? [])],
        usedMhz: 0,
        usedMemory: 0,
      };
      this.hosts.set(h.name, slot);
      push(this.hostsByZone, info.zone, slot);
    }
    for (const list of this.hostsByZone.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * What the VMs in the world take of their hosts. As in CloudStack (and the simulator), a Stopped VM
   * gives its CPU and memory back, unless git wants it Running: this plan starts it where it is.
   */
  private countObservedUsage(): void {
    for (const vm of this.world.observedOfKind('VirtualMachine')) {
      const host = vm.status?.host;
      const state = String(vm.status?.state);
      if (typeof host !== 'string' || BROKEN_VM.has(state)) continue;
      if (state === 'Stopped') {
        const desired = vm.managed ? this.world.desired.get('VirtualMachine', vm.owner, vm.name) : undefined;
        if (!desired || (desired.doc.spec?.state ?? 'Running') === 'Stopped') continue;
      }
      const slot = this.hosts.get(host);
      const size = slot && this.observedSize(vm);
      if (!slot || !size) continue;
      slot.usedMhz += size.cores * size.mhz;
      slot.usedMemory += size.memory;
    }
  }

  /** Hosts already used by each affinity group's VMs that stay where they are. */
  private recordGroups(): void {
    for (const vm of this.world.byKind('VirtualMachine')) {
      const groups = strings(vm.doc.spec?.affinityGroups);
      if (groups.length === 0) continue;
      const owner = this.world.ownerOf(vm);
      if (this.opts.replaced(owner, vm.name)) continue;
      const host = this.world.managed.get('VirtualMachine', owner, vm.name)?.status?.host;
      if (typeof host !== 'string') continue;
      for (const g of groups) this.join(keyOf('AffinityGroup', owner, g), host);
    }
  }

  private join(group: string, host: string): void {
    let hosts = this.groupHosts.get(group);
    if (!hosts) this.groupHosts.set(group, (hosts = new Map()));
    hosts.set(host, (hosts.get(host) ?? 0) + 1);
  }

  // ---- sizes -----------------------------------------------------------------------------------

  private offeringSize(name: unknown): Size | null {
    if (typeof name !== 'string') return null;
    let s = this.sizes.get(name);
    if (s === undefined) {
      const spec = this.world.globalSpec('ServiceOffering', name);
      const cores = num(spec?.cpuCores);
      const mhz = num(spec?.cpuMhz);
      const memory = num(spec?.memoryMiB);
      s = cores !== undefined && mhz !== undefined && memory !== undefined ? { cores, mhz, memory } : null;
      this.sizes.set(name, s);
    }
    return s;
  }

  private tagsOf(offering: string): { host: readonly string[]; storage: readonly string[] } {
    let tags = this.offeringTags.get(offering);
    if (!tags) {
      const spec = this.world.globalSpec('ServiceOffering', offering) ?? {};
      this.offeringTags.set(offering, (tags = { host: strings(spec.hostTags), storage: strings(spec.storageTags) }));
    }
    return tags;
  }

  private templateSize(template: unknown): number | undefined {
    if (typeof template !== 'string') return undefined;
    if (!this.templateSizes.has(template)) this.templateSizes.set(template, num(this.world.globalSpec('Template', template)?.sizeGiB));
    return this.templateSizes.get(template);
  }

  /** What an observed VM takes: what the world measured, else its offering. */
  private observedSize(vm: ObservedResource): Size | null {
    const st = vm.status ?? {};
    const offering = this.offeringSize(vm.spec?.serviceOffering);
    const cores = num(st.cpuCores) ?? offering?.cores;
    const mhz = num(st.cpuMhz) ?? offering?.mhz;
    const memory = num(st.memoryMiB) ?? offering?.memory;
    return cores !== undefined && mhz !== undefined && memory !== undefined ? { cores, mhz, memory } : null;
  }

  private rootDiskOf(spec: Record<string, unknown>, status?: Record<string, unknown>): number | undefined {
    const root = status?.rootVolume as Record<string, unknown> | undefined;
    return num(status?.rootDiskGiB) ?? num(root?.sizeGiB) ?? num(spec.rootDiskGiB) ?? this.templateSize(spec.template);
  }

  private volumeSizeOf(spec: Record<string, unknown>, status?: Record<string, unknown>): number | undefined {
    return num(spec.sizeGiB) ?? num(status?.sizeGiB) ?? num(this.world.globalSpec('DiskOffering', spec.diskOffering)?.sizeGiB);
  }

  // ---- fitting ---------------------------------------------------------------------------------

  private fits(h: HostSlot, size: Size, hostTags: readonly string[]): Misfit {
    if (h.unusable !== undefined) return h.unusable.startsWith('not Up') ? Misfit.NotUp : Misfit.Disabled;
    for (const t of hostTags) if (!h.tags.has(t)) return Misfit.HostTags;
    if (h.cores !== undefined && size.cores > h.cores * h.cpuOvercommit) return Misfit.TooSmall;
    if (h.mhz !== undefined && size.mhz > h.mhz * h.cpuOvercommit) return Misfit.TooSmall;
    if (h.cores !== undefined && h.mhz !== undefined && h.usedMhz + size.cores * size.mhz > h.cores * h.mhz * h.cpuOvercommit) return Misfit.Cpu;
    if (h.memory !== undefined && h.usedMemory + size.memory > h.memory * h.memoryOvercommit) return Misfit.Memory;
    return Misfit.None;
  }

  /** The first pool of `pools` with the tags and room for `gib`; a misfit when none. */
  private pool(pools: readonly PoolSlot[], tags: readonly string[], gib: number): PoolSlot | Misfit {
    let tagged = false;
    for (const p of pools) {
      if (!tags.every((t) => p.tags.has(t))) continue;
      tagged = true;
      if (p.capacity === undefined || p.used + gib <= p.capacity) return p;
    }
    return tagged ? Misfit.StorageFull : Misfit.StorageTags;
  }

  private failure(kind: 'VirtualMachine' | 'Volume', owner: string | undefined, name: string, message: string): PlanError {
    return { code: 'placement', kind, name, owner, message: `${displayName(kind, owner, name)}: ${message}` };
  }

  private cursor(zone: string, offering: string, disk: number): Map<number, number> {
    let byOffering = this.cursors.get(zone);
    if (!byOffering) this.cursors.set(zone, (byOffering = new Map()));
    let byDisk = byOffering.get(offering);
    if (!byDisk) byOffering.set(offering, (byDisk = new Map()));
    return byDisk;
  }

  /** Where a VM the plan creates (or replaces) goes; a PlanError naming it and why when nowhere. */
  placeVm(vm: Resource): Placement | PlanError {
    const spec = vm.doc.spec ?? {};
    const owner = this.world.ownerOf(vm);
    const zone = typeof spec.zone === 'string' ? spec.zone : '';
    const offeringName = String(spec.serviceOffering);
    const size = this.offeringSize(spec.serviceOffering);
    if (!size) return this.failure('VirtualMachine', owner, vm.name, `its service offering ${offeringName} is unknown or has no cpuCores/cpuMhz/memoryMiB`);
    const { host: hostTags, storage: storageTags } = this.tagsOf(offeringName);
    const disk = num(spec.rootDiskGiB) ?? this.templateSize(spec.template) ?? 0;
    const hosts = this.hostsByZone.get(zone) ?? [];
    if (hosts.length === 0) return this.failure('VirtualMachine', owner, vm.name, `zone ${zone} has no hosts`);

    // Affinity: hosts to avoid, and hosts to stay on.
    const groups = strings(spec.affinityGroups);
    let avoid: Map<string, string> | undefined;
    let stayOn: Set<string> | undefined;
    let stayGroup = '';
    for (const g of groups) {
      const used = this.groupHosts.get(keyOf('AffinityGroup', owner, g));
      if (!used || used.size === 0) continue;
      const type = this.world.desired.get('AffinityGroup', owner, g)?.doc.spec?.type ?? this.world.managed.get('AffinityGroup', owner, g)?.spec?.type;
      if (type === 'host-anti-affinity') {
        avoid ??= new Map();
        for (const h of used.keys()) avoid.set(h, g);
      } else if (type === 'host-affinity') {
        stayOn = stayOn ? new Set([...stayOn].filter((h) => used.has(h))) : new Set(used.keys());
        stayGroup = g;
      }
    }

    // A replaced VM's own old share is free for it alone.
    const replacing = this.opts.replaced(owner, vm.name);
    const old = replacing ? this.world.managed.get('VirtualMachine', owner, vm.name) : undefined;
    const oldHost = old && typeof old.status?.host === 'string' ? this.hosts.get(old.status.host) : undefined;
    const oldSize = old && oldHost ? this.observedSize(old) : null;
    const oldStorage = old ? rootStorageOf(old.status) : undefined;
    const oldPool = oldStorage !== undefined ? this.pools.get(oldStorage) : undefined;
    const oldDisk = old && oldPool ? (this.rootDiskOf(old.spec ?? {}, old.status) ?? 0) : 0;
    this.share(oldHost, oldSize, oldPool, oldDisk, -1);

    // The cursor skips hosts that already failed this shape for reasons that only get worse as the
    // plan fills hosts: first fit stays linear over a data center instead of hosts × VMs.
    const useCursor = !replacing && !stayOn;
    const cursors = useCursor ? this.cursor(zone, offeringName, disk) : undefined;
    let i = cursors?.get(disk) ?? 0;
    let advancing = useCursor;
    let chosen: HostSlot | undefined;
    let chosenPool: PoolSlot | undefined;
    for (; i < hosts.length; i++) {
      const h = hosts[i]!;
      if (stayOn && !stayOn.has(h.name)) continue;
      let misfit = this.fits(h, size, hostTags);
      let pool: PoolSlot | undefined;
      if (misfit === Misfit.None) {
        const p = this.pool(h.pools, storageTags, disk);
        if (typeof p === 'number') misfit = p;
        else pool = p;
      }
      if (misfit !== Misfit.None) {
        if (advancing) cursors!.set(disk, i + 1);
        continue;
      }
      advancing = false;
      if (avoid?.has(h.name)) continue;
      chosen = h;
      chosenPool = pool;
      break;
    }

    if (!chosen) {
      this.share(oldHost, oldSize, oldPool, oldDisk, 1);
      const cacheKey = useCursor && !avoid ? `${zone}\0${offeringName}\0${disk}` : undefined;
      const why = this.explain(hosts, size, hostTags, storageTags, disk, avoid ?? new Map(), stayOn, stayGroup, cacheKey);
      return this.failure(
        'VirtualMachine',
        owner,
        vm.name,
        `no host in zone ${zone} can take it (offering ${offeringName}: ${size.cores} × ${size.mhz} MHz, ${size.memory} MiB` +
          `${hostTags.length ? `, host tags ${tagList(hostTags)}` : ''}; root disk ${disk} GiB${storageTags.length ? ` on storage tagged ${tagList(storageTags)}` : ''}): ${why}`,
      );
    }
    // Moving away, its old share stays taken until its delete has run, which nothing else waits for.
    this.share(chosen === oldHost ? undefined : oldHost, oldSize, chosenPool === oldPool ? undefined : oldPool, oldDisk, 1);
    chosen.usedMhz += size.cores * size.mhz;
    chosen.usedMemory += size.memory;
    if (chosenPool) chosenPool.used += disk;
    for (const g of groups) this.join(keyOf('AffinityGroup', owner, g), chosen.name);
    return chosenPool ? { host: chosen.name, storage: chosenPool.name } : { host: chosen.name };
  }

  /** Adds (1) or releases (-1) an observed VM's share of its host and pool. */
  private share(host: HostSlot | undefined, size: Size | null, pool: PoolSlot | undefined, disk: number, sign: 1 | -1): void {
    if (host && size) {
      host.usedMhz += sign * size.cores * size.mhz;
      host.usedMemory += sign * size.memory;
    }
    if (pool) pool.used += sign * disk;
  }

  /**
   * Where a data volume the plan creates goes: a pool reachable from its VM's host when attached
   * (`vmHost`), else any pool of its zone; first fit with the disk offering's storage tags.
   */
  placeVolume(vol: Resource, vmHost: string | undefined): Placement | PlanError {
    const spec = vol.doc.spec ?? {};
    const owner = this.world.ownerOf(vol);
    const size = this.volumeSizeOf(spec) ?? 0;
    const tags = strings(this.world.globalSpec('DiskOffering', spec.diskOffering)?.storageTags);
    const zone = typeof spec.zone === 'string' ? spec.zone : '';
    const host = vmHost !== undefined ? this.hosts.get(vmHost) : undefined;
    const pools = host ? host.pools : (this.poolsByZone.get(zone) ?? []);
    const p = this.pool(pools, tags, size);
    if (typeof p === 'number') {
      const where = host ? `reachable from host ${host.name}` : `in zone ${zone}`;
      const why = p === Misfit.StorageTags ? `none carries the tags ${tagList(tags)}` : `none has ${size} GiB free`;
      return this.failure('Volume', owner, vol.name, `no primary storage ${where} can take it: ${pools.length === 0 ? 'there is none' : why}`);
    }
    p.used += size;
    return { storage: p.name };
  }

  /** Host names grouped by why each cannot take the VM. */
  private explain(
    hosts: readonly HostSlot[],
    size: Size,
    hostTags: readonly string[],
    storageTags: readonly string[],
    disk: number,
    avoid: ReadonlyMap<string, string>,
    stayOn: ReadonlySet<string> | undefined,
    stayGroup: string,
    cacheKey: string | undefined,
  ): string {
    const cached = cacheKey && this.explained.get(cacheKey);
    if (cached) return cached;
    const groups = new Map<string, string[]>();
    for (const h of hosts) {
      let why: string;
      if (stayOn && !stayOn.has(h.name)) why = `not the host of affinity group ${stayGroup} (${[...stayOn].join(', ') || 'none left'})`;
      else {
        let m = this.fits(h, size, hostTags);
        if (m === Misfit.None) {
          const p = this.pool(h.pools, storageTags, disk);
          m = typeof p === 'number' ? p : avoid.has(h.name) ? Misfit.AntiAffinity : Misfit.None;
        }
        why = this.reason(m, h, hostTags, storageTags, disk, avoid);
      }
      const list = groups.get(why);
      if (list) list.push(h.name);
      else groups.set(why, [h.name]);
    }
    const text = [...groups]
      .map(([why, names]) => `${names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${plural(names.length - 5, 'more')}` : names.join(', ')}: ${why}`)
      .join('; ');
    if (cacheKey) this.explained.set(cacheKey, text);
    return text;
  }

  private reason(m: Misfit, h: HostSlot, hostTags: readonly string[], storageTags: readonly string[], disk: number, avoid: ReadonlyMap<string, string>): string {
    switch (m) {
      case Misfit.NotUp:
        return h.unusable!;
      case Misfit.Disabled:
        return `allocation state ${h.unusable}`;
      case Misfit.HostTags:
        return `lacks host tags ${tagList(hostTags)}`;
      case Misfit.TooSmall:
        return 'too small for this offering';
      case Misfit.Cpu:
        return 'not enough free CPU';
      case Misfit.Memory:
        return 'not enough free memory';
      case Misfit.StorageTags:
        return storageTags.length ? `reaches no primary storage tagged ${tagList(storageTags)}` : 'reaches no primary storage';
      case Misfit.StorageFull:
        return `no reachable primary storage has ${disk} GiB free`;
      case Misfit.AntiAffinity:
        return `anti-affinity group ${avoid.get(h.name)} already has a VM there`;
      default:
        return 'would fit (a later placement took it)';
    }
  }
}

/** The primary storage of a VM's ROOT disk: `status.storage`, or `status.rootVolume.storage`. */
function rootStorageOf(status: Record<string, unknown> | undefined): string | undefined {
  const s = status?.storage ?? (status?.rootVolume as Record<string, unknown> | undefined)?.storage;
  return typeof s === 'string' ? s : undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
