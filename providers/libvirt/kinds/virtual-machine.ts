/**
 * VirtualMachine ↔ a domain named `<tenant>.<name>` (`acme.web-1`), of type kvm where /dev/kvm
 * exists, else qemu; cairn's identity and the declared spec in its <metadata>. Its ROOT disk is a
 * qcow2 overlay `cairn-root.<tenant>.<name>.qcow2` on the template's image in the placed pool; its
 * NICs get a MAC derived from the identity and a fixed DHCP host entry (the declared IP, else the
 * lowest free one). Running/Stopped ↔ start / shutdown, destroyed after the shutdown timeout.
 */
import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import type { ObservedResource } from '../../provider.js';
import type { Action, ActionResult } from '../../../reconcilers/action.js';
import { GiB, specOf, toGiB, type KindHandler, type LibvirtContext } from '../context.js';
import { powerState } from '../domain-state.js';
import { identityElement, CAIRN_XMLNS, type CairnIdentity } from '../identity-metadata.js';
import { contains, ipToInt, lowestFree, parseCidr } from '../ipv4-cidr.js';
import { domainName, isRootVolume, nicMac, poolName, rootVolumeName, securityGroupFilterName, storageOfPool, templateVolumeName } from '../naming.js';
import type { DomainSeen, HostSnapshot, NetworkSeen } from '../world-snapshot.js';
import { domainXml, parseDomainXml, type DomainDisk, type DomainNic } from '../xml/domain-xml.js';
import { dhcpHostXml, parseNetworkXml } from '../xml/network-xml.js';
import { volumeXml } from '../xml/storage-xml.js';
import { ensurePool } from './primary-storage.js';
import { ensureTemplateImage } from './template.js';
import { gatewayOf } from './network.js';

const externalId = (d: { uuid: string }) => `libvirt:domain:${d.uuid}`;

interface Found {
  host: HostSnapshot;
  domain: DomainSeen;
}

function find(world: readonly HostSnapshot[], owner: string | undefined, name: string): Found | undefined {
  for (const host of world) {
    const domain = host.domains.find((d) => d.identity?.kind === 'VirtualMachine' && d.identity.name === name && d.identity.owner === owner);
    if (domain) return { host, domain };
  }
  return undefined;
}

async function findManaged(action: Action, ctx: LibvirtContext, signal: AbortSignal): Promise<Found> {
  const f = find(await ctx.snapshot(signal), action.owner, action.name);
  if (!f) throw new ConflictError(`VirtualMachine ${action.name} is not in the world`);
  if (!f.domain.identity!.managed) throw new PermanentError(`VirtualMachine ${action.name} (${f.domain.name}) is not managed by cairn`);
  return f;
}

function status(host: HostSnapshot, d: DomainSeen): Record<string, unknown> {
  const root = d.disks.find((k) => k.target === 'vda');
  const pool = root ? host.pools.find((p) => p.volumes.some((v) => v.path === root.path)) : undefined;
  const rootVol = pool?.volumes.find((v) => v.path === root!.path);
  const nics = d.nics.map((n) => {
    const net = host.networks.find((x) => x.name === n.network);
    const ip = net?.hosts.find((h) => h.mac === n.mac)?.ip;
    return { network: net?.identity?.name ?? n.network, mac: n.mac, ...(ip ? { ip } : {}), ...(n.filter ? { filter: n.filter } : {}) };
  });
  return {
    state: powerState(d.state),
    host: host.host,
    domain: d.name,
    type: d.type,
    memoryMiB: d.memoryMiB,
    cpuCores: d.vcpus,
    ...(pool && storageOfPool(pool.name) ? { storage: storageOfPool(pool.name) } : {}),
    ...(rootVol ? { rootVolume: { storage: storageOfPool(pool!.name), sizeGiB: toGiB(rootVol.capacityBytes), path: rootVol.path } } : {}),
    nics,
    ips: nics.map((n) => n.ip).filter(Boolean),
    ...(nics[0] ? { mac: nics[0].mac } : {}),
    disks: d.disks.map((k) => k.path),
  };
}

function identity(action: Action, spec: Record<string, unknown>, managed: boolean, ctx: LibvirtContext): CairnIdentity {
  const rev = ctx.revision();
  return { kind: 'VirtualMachine', ...(action.owner ? { owner: action.owner } : {}), name: action.name, managed, spec, ...(rev ? { revision: rev } : {}) };
}

async function offeringSize(action: Action, spec: Record<string, unknown>, ctx: LibvirtContext, signal: AbortSignal): Promise<{ memoryMiB: number; vcpus: number }> {
  const offering = await ctx.catalog.spec('ServiceOffering', String(spec.serviceOffering), undefined, signal);
  if (!offering) throw new PermanentError(`VirtualMachine ${action.name}: service offering ${JSON.stringify(spec.serviceOffering)} is unknown`);
  return { memoryMiB: Number(offering.memoryMiB), vcpus: Number(offering.cpuCores) };
}

function networkFor(host: HostSnapshot, owner: string | undefined, name: string): NetworkSeen | undefined {
  const mine = host.networks.find((n) => n.identity?.kind === 'Network' && n.identity.managed && n.identity.name === name && n.identity.owner === owner);
  // Shared networks of another tenant are reachable too (validation allows exactly those).
  return mine ?? host.networks.find((n) => n.identity?.kind === 'Network' && n.identity.managed && n.identity.name === name && n.identity.spec.type === 'Shared');
}

/** NICs of the spec: the network, a MAC from the identity, the declared (or placed, or a free) address. */
async function wireNics(action: Action, spec: Record<string, unknown>, host: HostSnapshot, ctx: LibvirtContext, signal: AbortSignal): Promise<DomainNic[]> {
  const wanted = Array.isArray(spec.networks) ? (spec.networks as Record<string, unknown>[]) : [];
  const placed = Array.isArray(action.placement?.ips) ? (action.placement!.ips as unknown[]) : [];
  const nics: DomainNic[] = [];
  const filter = securityGroupFilter(action, spec, host, ctx);
  for (const [i, nic] of wanted.entries()) {
    const net = networkFor(host, action.owner, String(nic.network));
    if (!net) throw new PermanentError(`VirtualMachine ${action.name}: network ${JSON.stringify(nic.network)} is not defined on host ${host.host}`);
    const mac = nicMac(action.owner, action.name, i);
    nics.push({ network: net.name, mac, ...(filter ? { filter } : {}) });
    const cidrText = net.identity!.spec.cidr;
    if (!net.ip || typeof cidrText !== 'string') continue;
    const asked = typeof nic.ip === 'string' ? nic.ip : typeof placed[i] === 'string' ? (placed[i] as string) : undefined;
    await ctx.lock.run(`addresses:${host.host}/${net.name}`, async () => {
      // Read again inside the lock: another NIC may have taken an address since the snapshot.
      const hosts = parseNetworkXml((await host.virsh.batch([['net-dumpxml', '--inactive', net.name]], signal))[0]!).hosts;
      if (hosts.some((h) => h.mac === mac)) return;
      const cidr = parseCidr(cidrText);
      const taken = new Set([gatewayOf(net.identity!.spec)!, ...hosts.map((h) => h.ip)]);
      if (asked !== undefined && (!contains(cidr, ipToInt(asked)) || taken.has(asked))) {
        throw new ConflictError(`VirtualMachine ${action.name}: address ${asked} on ${String(nic.network)} is ${taken.has(asked) ? 'taken' : 'outside the network'}`);
      }
      const ip = asked ?? lowestFree(cidr, taken);
      if (!ip) throw new PermanentError(`VirtualMachine ${action.name}: network ${String(nic.network)} (${cidrText}) has no free address`);
      const live = net.active ? ['--live'] : [];
      await host.virsh.run(['net-update', net.name, 'add-last', 'ip-dhcp-host', '@xml', '--config', ...live], signal, dhcpHostXml({ mac, ip, name: action.name }));
      net.hosts.push({ mac, ip, name: action.name });
    });
  }
  return nics;
}

/**
 * The nwfilter every NIC of the VM references: its security group's. An interface takes one
 * filterref; several groups per VM would need a filter per VM that includes them (not yet).
 */
function securityGroupFilter(action: Action, spec: Record<string, unknown>, host: HostSnapshot, ctx: LibvirtContext): string | undefined {
  const groups = Array.isArray(spec.securityGroups) ? spec.securityGroups.map(String) : [];
  if (groups.length === 0) return undefined;
  if (groups.length > 1) throw new PermanentError(`VirtualMachine ${action.name}: the libvirt provider applies one security group per VM so far (got ${groups.join(', ')})`);
  const entry = ctx.ledger.get('SecurityGroup', action.owner, groups[0]!);
  const name = securityGroupFilterName(action.owner, groups[0]!);
  if (!entry || !host.filters.some((f) => f.name === name)) throw new ConflictError(`VirtualMachine ${action.name}: security group ${groups[0]} is not on host ${host.host} yet`);
  return name;
}

async function releaseNics(host: HostSnapshot, d: DomainSeen, signal: AbortSignal): Promise<void> {
  for (const nic of d.nics) {
    const net = host.networks.find((n) => n.name === nic.network);
    const entry = net?.hosts.find((h) => h.mac === nic.mac);
    if (!net || !entry) continue;
    const live = net.active ? ['--live'] : [];
    await host.virsh.run(['net-update', net.name, 'delete', 'ip-dhcp-host', '@xml', '--config', ...live], signal, dhcpHostXml(entry));
  }
}

async function rootDisk(action: Action, spec: Record<string, unknown>, host: HostSnapshot, ctx: LibvirtContext, signal: AbortSignal): Promise<DomainDisk> {
  const storage = typeof action.placement?.storage === 'string' ? action.placement.storage : undefined;
  const psEntry = storage
    ? ctx.ledger.get('PrimaryStorage', undefined, storage)
    : ctx.ledger.all('PrimaryStorage').find((e) => !e.orphaned && host.pools.some((p) => p.name === poolName(e.name)));
  if (!psEntry) throw new PermanentError(`VirtualMachine ${action.name}: no primary storage ${storage ?? ''} known on host ${host.host}`);
  const fresh = async () => (await ctx.snapshot(signal)).find((h) => h.host === host.host)!;
  let h = (await ensurePool(psEntry, host, ctx, signal)) ? await fresh() : host;
  let pool = h.pools.find((p) => p.name === poolName(psEntry.name))!;
  const template = ctx.ledger.get('Template', undefined, String(spec.template));
  if (!template) throw new PermanentError(`VirtualMachine ${action.name}: template ${JSON.stringify(spec.template)} is unknown to the libvirt provider`);
  const imported = !pool.volumes.some((v) => v.name === templateVolumeName(template.name));
  const base = await ensureTemplateImage(template, h, pool, ctx, signal);
  if (imported) {
    h = await fresh();
    pool = h.pools.find((p) => p.name === poolName(psEntry.name))!;
  }
  const name = rootVolumeName(action.owner, action.name);
  const existing = pool.volumes.find((v) => v.name === name);
  if (existing) return { path: existing.path, format: 'qcow2', target: 'vda' };
  const baseVol = pool.volumes.find((v) => v.path === base);
  const format = baseVol?.format === 'raw' ? 'raw' : 'qcow2';
  const wantedBytes = typeof spec.rootDiskGiB === 'number' ? spec.rootDiskGiB * GiB : 0;
  const capacityBytes = Math.max(wantedBytes, baseVol?.capacityBytes ?? 0, 1024 * 1024);
  await h.virsh.run(['vol-create', pool.name, '@xml'], signal, volumeXml({ name, capacityBytes, format: 'qcow2', backing: { path: base, format } }));
  const path = `${pool.path.replace(/\/$/, '')}/${name}`;
  // Known without reading the pool again: the create's result reports it.
  const made = { name, path, capacityBytes, allocationBytes: 0, format: 'qcow2', backingPath: base };
  for (const p of new Set([pool, host.pools.find((x) => x.name === pool.name)])) p?.volumes.push(made);
  return { path, format: 'qcow2', target: 'vda' };
}

async function waitForState(found: Found, wanted: string, ms: number, signal: AbortSignal): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const state = (await found.host.virsh.run(['domstate', found.domain.uuid], signal)).trim();
    if (state === wanted) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function powerOn(found: Found, signal: AbortSignal): Promise<void> {
  const state = (await found.host.virsh.run(['domstate', found.domain.uuid], signal)).trim();
  if (powerState(state) === 'Running') return;
  if (state === 'paused') await found.host.virsh.run(['resume', found.domain.uuid], signal);
  else await found.host.virsh.run(['start', found.domain.uuid], signal);
}

async function powerOff(found: Found, ctx: LibvirtContext, signal: AbortSignal): Promise<void> {
  const state = (await found.host.virsh.run(['domstate', found.domain.uuid], signal)).trim();
  if (state === 'shut off') return;
  if (ctx.shutdownTimeoutMs > 0 && state === 'running') {
    await found.host.virsh.run(['shutdown', found.domain.uuid], signal);
    if (await waitForState(found, 'shut off', ctx.shutdownTimeoutMs, signal)) return;
  }
  // The guest did not answer ACPI in time (or has no OS to answer): pull the plug.
  try {
    await found.host.virsh.run(['destroy', found.domain.uuid], signal);
  } catch (error) {
    if (!/domain is not running/i.test(String((error as Error).message))) throw error;
  }
}

async function result(found: Found | undefined, action: Action, ctx: LibvirtContext, signal: AbortSignal, adopted = false): Promise<ActionResult> {
  const again = find(await ctx.snapshot(signal), action.owner, action.name) ?? found;
  if (!again) return {};
  return { externalId: externalId(again.domain), status: status(again.host, again.domain), ...(adopted ? { adopted: true } : {}) };
}

export const virtualMachineHandler: KindHandler = {
  observe(world) {
    const out: ObservedResource[] = [];
    for (const h of world)
      for (const d of h.domains) {
        const id = d.identity;
        if (id?.kind === 'VirtualMachine') {
          out.push({ kind: 'VirtualMachine', name: id.name, ...(id.owner ? { owner: id.owner } : {}), externalId: externalId(d), managed: id.managed, spec: { ...id.spec }, status: status(h, d) });
        } else {
          // A domain cairn never made: seen (its host counts what it uses), never touched.
          out.push({ kind: 'VirtualMachine', name: d.name, externalId: externalId(d), managed: false, spec: {}, status: status(h, d) });
        }
      }
    return out;
  },

  async create(action, ctx, signal) {
    const spec = specOf(action);
    const world = await ctx.snapshot(signal);
    const existing = find(world, action.owner, action.name);
    if (existing) {
      if (!existing.domain.identity!.managed) throw new ConflictError(`VirtualMachine ${action.name}: ${existing.domain.name} was orphaned; cairn does not take it back`);
      if (spec.state !== 'Stopped') await powerOn(existing, signal);
      return result(existing, action, ctx, signal, true);
    }
    const hostName = typeof action.placement?.host === 'string' ? action.placement.host : ctx.hostNames().length === 1 ? ctx.hostNames()[0] : undefined;
    if (!hostName) throw new PermanentError(`VirtualMachine ${action.name}: no placement host (the planner places VMs; ${ctx.hostNames().length} libvirt hosts)`);
    const host = world.find((h) => h.host === hostName);
    if (!host) throw new PermanentError(`VirtualMachine ${action.name}: host ${hostName} is not a libvirt host cairn manages`);
    const size = await offeringSize(action, spec, ctx, signal);
    const root = await rootDisk(action, spec, host, ctx, signal);
    const nics = await wireNics(action, spec, host, ctx, signal);
    const name = domainName(action.owner, action.name);
    await host.virsh.run(['define', '@xml'], signal, domainXml({ name, type: ctx.domainType, ...size, identity: identity(action, spec, true, ctx), disks: [root], nics }));
    if (spec.state !== 'Stopped') await host.virsh.run(['start', name], signal);
    // One read of the new domain; the rest of the host is as read above, plus what this create made.
    const [xml, state] = await host.virsh.batch([['dumpxml', name], ['domstate', name]], signal);
    const made: DomainSeen = { ...parseDomainXml(xml!), state: state!.trim() };
    return { externalId: externalId(made), status: status(host, made) };
  },

  async update(action, ctx, signal) {
    const spec = specOf(action);
    const found = await findManaged(action, ctx, signal);
    const size = await offeringSize(action, spec, ctx, signal);
    const nics = await wireNics(action, spec, found.host, ctx, signal);
    // The persistent definition changes now; a running domain takes a new size or NIC at its next start.
    const id = identity(action, spec, true, ctx);
    await found.host.virsh.run(['define', '@xml'], signal, domainXml({ name: found.domain.name, uuid: found.domain.uuid, type: found.domain.type === 'qemu' ? 'qemu' : 'kvm', ...size, identity: id, disks: found.domain.disks, nics }));
    // Observe reads the live definition of a running domain: it gets the new identity too.
    await writeIdentity(found, id, [], signal);
    return result(found, action, ctx, signal);
  },

  async delete(action, ctx, signal) {
    const found = find(await ctx.snapshot(signal), action.owner, action.name);
    if (!found) return {};
    if (!found.domain.identity!.managed) throw new PermanentError(`VirtualMachine ${action.name} (${found.domain.name}) is not managed by cairn`);
    await powerOffNow(found, signal);
    await found.host.virsh.run(['undefine', found.domain.uuid], signal);
    await releaseNics(found.host, found.domain, signal);
    // The ROOT disk goes with the VM; DATA volumes were only attached and stay in their pool.
    for (const disk of found.domain.disks) {
      const pool = found.host.pools.find((p) => p.volumes.some((v) => v.path === disk.path && isRootVolume(v.name)));
      if (pool) await found.host.virsh.run(['vol-delete', disk.path], signal);
    }
    return {};
  },

  async orphan(action, ctx, signal) {
    const found = find(await ctx.snapshot(signal), action.owner, action.name);
    if (!found) throw new ConflictError(`VirtualMachine ${action.name} is not in the world`);
    await writeIdentity(found, { ...found.domain.identity!, managed: false }, ['--config'], signal);
    return { externalId: externalId(found.domain) };
  },

  async start(action, ctx, signal) {
    const found = await findManaged(action, ctx, signal);
    await powerOn(found, signal);
    return result(found, action, ctx, signal);
  },

  async stop(action, ctx, signal) {
    const found = await findManaged(action, ctx, signal);
    await powerOff(found, ctx, signal);
    return result(found, action, ctx, signal);
  },
};

async function powerOffNow(found: Found, signal: AbortSignal): Promise<void> {
  if (found.domain.state === 'shut off') return;
  try {
    await found.host.virsh.run(['destroy', found.domain.uuid], signal);
  } catch (error) {
    if (!/domain is not running/i.test(String((error as Error).message))) throw error;
  }
}

/**
 * Rewrites cairn's <metadata> element in place (`--config` for the persistent definition; the live
 * one of a running domain always). `virsh metadata --set` binds the namespace itself from --uri
 * and --key, so the element goes without prefix or xmlns.
 */
async function writeIdentity(found: Found, id: CairnIdentity, scopes: string[], signal: AbortSignal): Promise<void> {
  const live = found.domain.state === 'shut off' ? [] : ['--live'];
  if (scopes.length + live.length === 0) return;
  const element = identityElement(id).replace(` xmlns:cairn="${CAIRN_XMLNS}"`, '').replace(/<(\/?)cairn:/g, '<$1');
  await found.host.virsh.run(['metadata', found.domain.uuid, '--uri', CAIRN_XMLNS, '--key', 'cairn', '--set', element, ...scopes, ...live], signal);
}
