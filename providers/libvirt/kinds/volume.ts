/**
 * Volume (DATA) ↔ a qcow2 volume `cairn-vol.<tenant>.<name>.qcow2` in a cairn pool, sized by its
 * `sizeGiB` or its DiskOffering, attached to its VM's domain as the next virtio disk. Volumes have no
 * metadata in libvirt: the ledger maps the name to the identity and keeps the declared spec; the
 * size and the attachment are observed. ROOT disks and template images are not Volumes (they belong
 * to their VM and Template); any other volume is reported as a foreign, unmanaged Volume.
 */
import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import type { ObservedResource } from '../../provider.js';
import type { Action } from '../../../reconcilers/action.js';
import { GiB, specOf, toGiB, type KindHandler, type LibvirtContext } from '../context.js';
import type { LedgerEntry } from '../ledger.js';
import { dataVolumeName, isRootVolume, isTemplateVolume, poolName, storageOfPool } from '../naming.js';
import type { DomainSeen, HostSnapshot, PoolSeen } from '../world-snapshot.js';
import { diskDeviceXml, freeDiskTarget } from '../xml/domain-xml.js';
import type { VolumeInfo } from '../xml/storage-xml.js';
import { volumeXml } from '../xml/storage-xml.js';

const externalId = (host: string, pool: string, vol: string) => `libvirt:volume:${host}/${pool}/${vol}`;

interface Located {
  host: HostSnapshot;
  pool: PoolSeen;
  volume: VolumeInfo;
}

function locate(world: readonly HostSnapshot[], entry: LedgerEntry): Located | undefined {
  const [host, pool, vol] = (entry.location ?? '').split('|');
  const h = world.find((w) => w.host === host);
  const p = h?.pools.find((x) => x.name === pool);
  const v = p?.volumes.find((x) => x.name === vol);
  return h && p && v ? { host: h, pool: p, volume: v } : undefined;
}

function attachedTo(host: HostSnapshot, path: string): DomainSeen | undefined {
  return host.domains.find((d) => d.disks.some((k) => k.path === path));
}

function vmDomain(world: readonly HostSnapshot[], owner: string | undefined, vm: string): { host: HostSnapshot; domain: DomainSeen } | undefined {
  for (const host of world) {
    const domain = host.domains.find((d) => d.identity?.kind === 'VirtualMachine' && d.identity.managed && d.identity.name === vm && d.identity.owner === owner);
    if (domain) return { host, domain };
  }
  return undefined;
}

async function sizeBytes(action: Action, spec: Record<string, unknown>, ctx: LibvirtContext, signal: AbortSignal): Promise<number> {
  if (typeof spec.sizeGiB === 'number') return spec.sizeGiB * GiB;
  if (typeof spec.diskOffering === 'string') {
    const offering = await ctx.catalog.spec('DiskOffering', spec.diskOffering, undefined, signal);
    if (typeof offering?.sizeGiB === 'number') return offering.sizeGiB * GiB;
    throw new PermanentError(`Volume ${action.name}: disk offering ${spec.diskOffering} is unknown or has no sizeGiB`);
  }
  throw new PermanentError(`Volume ${action.name}: neither sizeGiB nor a disk offering says how big it is`);
}

/** The pool for a new volume: the placed storage, else the pool of the VM it attaches to, else the first cairn pool. */
function choosePool(action: Action, spec: Record<string, unknown>, world: readonly HostSnapshot[], ctx: LibvirtContext): { host: HostSnapshot; pool: PoolSeen } {
  const storage = typeof action.placement?.storage === 'string' ? action.placement.storage : undefined;
  const vm = typeof spec.attachTo === 'string' ? vmDomain(world, action.owner, spec.attachTo) : undefined;
  const hosts = vm ? [vm.host] : world;
  const cairnPools = (h: HostSnapshot) => h.pools.filter((p) => p.active && storageOfPool(p.name) && ctx.ledger.get('PrimaryStorage', undefined, storageOfPool(p.name)!));
  for (const h of hosts) {
    if (storage) {
      const p = h.pools.find((x) => x.name === poolName(storage) && x.active);
      if (p) return { host: h, pool: p };
      continue;
    }
    const rootPath = vm?.domain.disks.find((k) => k.target === 'vda')?.path;
    const p = cairnPools(h).find((x) => rootPath && x.volumes.some((v) => v.path === rootPath)) ?? cairnPools(h)[0];
    if (p) return { host: h, pool: p };
  }
  throw new PermanentError(`Volume ${action.name}: no active cairn pool ${storage ?? ''} on ${vm ? `the host of ${String(spec.attachTo)}` : 'any libvirt host'}`);
}

async function attach(action: Action, at: Located, vmName: string, world: readonly HostSnapshot[], signal: AbortSignal): Promise<void> {
  const vm = vmDomain(world, action.owner, vmName);
  if (!vm) throw new ConflictError(`Volume ${action.name}: VM ${vmName} is not in the world`);
  if (vm.host.host !== at.host.host) throw new PermanentError(`Volume ${action.name} is on ${at.host.host}, VM ${vmName} on ${vm.host.host}`);
  if (vm.domain.disks.some((k) => k.path === at.volume.path)) return;
  const live = vm.domain.state === 'shut off' ? [] : ['--live'];
  const xml = diskDeviceXml({ path: at.volume.path, format: at.volume.format === 'raw' ? 'raw' : 'qcow2', target: freeDiskTarget(vm.domain.disks) });
  await vm.host.virsh.run(['attach-device', vm.domain.uuid, '@xml', '--config', ...live], signal, xml);
}

async function detach(at: Located, signal: AbortSignal): Promise<void> {
  const d = attachedTo(at.host, at.volume.path);
  if (!d) return;
  const disk = d.disks.find((k) => k.path === at.volume.path)!;
  const live = d.state === 'shut off' ? [] : ['--live'];
  await at.host.virsh.run(['detach-device', d.uuid, '@xml', '--config', ...live], signal, diskDeviceXml(disk));
}

export const volumeHandler: KindHandler = {
  observe(world, ctx) {
    const out: ObservedResource[] = [];
    const entries = ctx.ledger.all('Volume');
    for (const h of world)
      for (const p of h.pools)
        for (const v of p.volumes) {
          if (isRootVolume(v.name) || isTemplateVolume(v.name)) continue;
          const location = [h.host, p.name, v.name].join('|');
          const entry = entries.find((e) => e.location === location);
          const on = attachedTo(h, v.path);
          const status = {
            storage: storageOfPool(p.name) ?? p.name,
            host: h.host,
            sizeGiB: toGiB(v.capacityBytes),
            path: v.path,
            ...(on ? { attachedTo: on.identity?.name ?? on.name } : {}),
          };
          if (!entry) {
            out.push({ kind: 'Volume', name: v.name, externalId: externalId(h.host, p.name, v.name), managed: false, spec: { sizeGiB: toGiB(v.capacityBytes) }, status });
            continue;
          }
          const spec: Record<string, unknown> = { ...entry.spec };
          if (typeof entry.spec.sizeGiB === 'number') spec.sizeGiB = toGiB(v.capacityBytes);
          if (on?.identity?.managed && on.identity.kind === 'VirtualMachine') spec.attachTo = on.identity.name;
          else delete spec.attachTo;
          out.push({ kind: 'Volume', name: entry.name, ...(entry.owner ? { owner: entry.owner } : {}), externalId: externalId(h.host, p.name, v.name), managed: !entry.orphaned, spec, status });
        }
    return out;
  },

  async create(action, ctx, signal) {
    const spec = specOf(action);
    let world = await ctx.snapshot(signal);
    const existing = ctx.ledger.get('Volume', action.owner, action.name);
    let at = existing && !existing.orphaned ? locate(world, existing) : undefined;
    const adopted = at !== undefined;
    if (!at) {
      const { host, pool } = choosePool(action, spec, world, ctx);
      const name = dataVolumeName(action.owner, action.name);
      if (!pool.volumes.some((v) => v.name === name)) {
        await host.virsh.run(['vol-create', pool.name, '@xml'], signal, volumeXml({ name, capacityBytes: await sizeBytes(action, spec, ctx, signal), format: 'qcow2' }));
      }
      ctx.ledger.put({ kind: 'Volume', ...(action.owner ? { owner: action.owner } : {}), name: action.name, spec, location: [host.host, pool.name, name].join('|') });
      world = await ctx.snapshot(signal);
      at = locate(world, ctx.ledger.get('Volume', action.owner, action.name)!)!;
    } else {
      ctx.ledger.put({ ...existing!, spec });
    }
    if (typeof spec.attachTo === 'string') await attach(action, at, spec.attachTo, world, signal);
    return { externalId: externalId(at.host.host, at.pool.name, at.volume.name), status: { storage: storageOfPool(at.pool.name), host: at.host.host }, ...(adopted ? { adopted: true } : {}) };
  },

  async update(action, ctx, signal) {
    const spec = specOf(action);
    const entry = ctx.ledger.get('Volume', action.owner, action.name);
    const world = await ctx.snapshot(signal);
    const at = entry && !entry.orphaned ? locate(world, entry) : undefined;
    if (!entry || !at) throw new ConflictError(`Volume ${action.name} is not in the world`);
    const bytes = await sizeBytes(action, spec, ctx, signal);
    if (bytes > at.volume.capacityBytes) await at.host.virsh.run(['vol-resize', '--pool', at.pool.name, at.volume.name, String(bytes)], signal);
    else if (bytes < at.volume.capacityBytes && typeof spec.sizeGiB === 'number') throw new PermanentError(`Volume ${action.name}: shrinking destroys data; the planner replaces instead`);
    const on = attachedTo(at.host, at.volume.path);
    const wanted = typeof spec.attachTo === 'string' ? spec.attachTo : undefined;
    if (on && on.identity?.name !== wanted) await detach(at, signal);
    ctx.ledger.put({ ...entry, spec });
    if (wanted) await attach(action, at, wanted, await ctx.snapshot(signal), signal);
    return { externalId: externalId(at.host.host, at.pool.name, at.volume.name) };
  },

  async delete(action, ctx, signal) {
    const entry = ctx.ledger.get('Volume', action.owner, action.name);
    if (!entry) return {};
    if (entry.orphaned) throw new PermanentError(`Volume ${action.name} is not managed by cairn (orphaned)`);
    const at = locate(await ctx.snapshot(signal), entry);
    if (at) {
      await detach(at, signal);
      await at.host.virsh.run(['vol-delete', '--pool', at.pool.name, at.volume.name], signal);
    }
    ctx.ledger.remove('Volume', action.owner, action.name);
    return {};
  },

  async orphan(action, ctx, signal) {
    const entry = ctx.ledger.get('Volume', action.owner, action.name);
    if (!entry) throw new ConflictError(`Volume ${action.name} is not in the world`);
    ctx.ledger.put({ ...entry, orphaned: true });
    const at = locate(await ctx.snapshot(signal), entry);
    return at ? { externalId: externalId(at.host.host, at.pool.name, at.volume.name) } : {};
  },
};
