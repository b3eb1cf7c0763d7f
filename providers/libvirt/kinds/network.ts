/**
 * Network ↔ a libvirt network `cairn-net.<tenant>.<name>` with a bridge of its own, defined, started
 * and autostarted on every cairn host, cairn's identity and spec in its <metadata>. Isolated: NAT
 * through the host and DHCP over the CIDR (the gateway on the bridge); Shared: the same without NAT;
 * L2: a bare bridge. VM NICs get fixed DHCP host entries (virtual-machine.ts).
 */
import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import { TransientError } from '../../errors/transient-error.js';
import type { ObservedResource } from '../../provider.js';
import type { Action } from '../../../reconcilers/action.js';
import { specOf, type KindHandler, type LibvirtContext } from '../context.js';
import type { CairnIdentity } from '../identity-metadata.js';
import { intToIp, ipToInt, netmask, parseCidr, usableRange } from '../ipv4-cidr.js';
import { bridgeName, networkName } from '../naming.js';
import type { HostSnapshot, NetworkSeen } from '../world-snapshot.js';
import { networkXml, type NetworkDefinition } from '../xml/network-xml.js';

const externalId = (owner: string | undefined, name: string) => `libvirt:network:${networkName(owner, name)}`;

export function findNetwork(host: HostSnapshot, owner: string | undefined, name: string): NetworkSeen | undefined {
  return host.networks.find((n) => n.identity?.kind === 'Network' && n.identity.name === name && n.identity.owner === owner);
}

/** The gateway a network's bridge holds: the declared one, else the first usable address. */
export function gatewayOf(spec: Record<string, unknown>): string | undefined {
  if (typeof spec.cidr !== 'string') return undefined;
  return typeof spec.gateway === 'string' ? spec.gateway : intToIp(usableRange(parseCidr(spec.cidr)).first);
}

function definition(action: Action, spec: Record<string, unknown>, managed: boolean, ctx: LibvirtContext, seen: NetworkSeen | undefined): NetworkDefinition {
  const hosts = seen?.hosts ?? [];
  const identity: CairnIdentity = { kind: 'Network', owner: action.owner, name: action.name, managed, spec, ...(ctx.revision() ? { revision: ctx.revision()! } : {}) };
  const type = String(spec.type ?? 'Isolated');
  const base = { name: networkName(action.owner, action.name), ...(seen?.uuid ? { uuid: seen.uuid } : {}), identity, bridge: bridgeName(action.owner, action.name), nat: type === 'Isolated' };
  if (type === 'L2' || typeof spec.cidr !== 'string') return base;
  let cidr;
  try {
    cidr = parseCidr(spec.cidr);
  } catch (error) {
    throw new PermanentError(`Network ${action.name}: ${(error as Error).message}`);
  }
  const gateway = gatewayOf(spec)!;
  const { first, last } = usableRange(cidr);
  const g = ipToInt(gateway);
  // DHCP hands out what is left of the range around the gateway; VMs get fixed host entries anyway.
  const start = g === first ? first + 1 : first;
  const end = g === last ? last - 1 : last;
  return { ...base, ip: { address: gateway, netmask: netmask(cidr), dhcp: { start: intToIp(start), end: intToIp(end) }, hosts } };
}

async function defineOn(host: HostSnapshot, def: NetworkDefinition, seen: NetworkSeen | undefined, signal: AbortSignal): Promise<void> {
  await host.virsh.run(['net-define', '@xml'], signal, networkXml(def));
  if (!seen) await host.virsh.run(['net-autostart', def.name], signal);
  if (!seen?.active) await host.virsh.run(['net-start', def.name], signal);
}

export const networkHandler: KindHandler = {
  observe(world) {
    const out = new Map<string, ObservedResource>();
    for (const h of world)
      for (const n of h.networks) {
        const id = n.identity;
        if (!id || id.kind !== 'Network') {
          out.set(`foreign/${h.host}/${n.name}`, { kind: 'Network', name: n.name, externalId: `libvirt:network:${h.host}/${n.name}`, managed: false, spec: {}, status: { host: h.host, bridge: n.bridge, active: n.active } });
          continue;
        }
        const key = `${id.owner ?? ''}/${id.name}`;
        const prior = out.get(key);
        if (prior) {
          (prior.status.hosts as string[]).push(h.host);
          prior.status.active = prior.status.active === true && n.active;
          continue;
        }
        out.set(key, {
          kind: 'Network',
          name: id.name,
          ...(id.owner ? { owner: id.owner } : {}),
          externalId: externalId(id.owner, id.name),
          managed: id.managed,
          spec: { ...id.spec },
          status: {
            hosts: [h.host],
            bridge: n.bridge,
            active: n.active,
            ...(n.ip ? { gateway: n.ip.address } : {}),
            dhcpHosts: n.hosts.length,
            ...(id.revision ? { revision: id.revision } : {}),
          },
        });
      }
    return [...out.values()];
  },

  async create(action, ctx, signal) {
    const spec = specOf(action);
    const world = await ctx.snapshot(signal);
    // The planner does not order networks after hosts (nothing in a Network names a host): the host
    // being added in the same apply is worth waiting for, so this is retried with backoff.
    if (world.length === 0) throw new TransientError(`Network ${action.name}: no libvirt host to define it on yet`);
    let adopted = false;
    for (const h of world) {
      const seen = findNetwork(h, action.owner, action.name);
      if (seen && !seen.identity!.managed) throw new ConflictError(`Network ${action.name}: ${seen.name} on ${h.host} was orphaned; cairn does not take it back`);
      if (seen) adopted = true;
      if (seen?.active) continue;
      await defineOn(h, definition(action, spec, true, ctx, seen), seen, signal);
    }
    return { externalId: externalId(action.owner, action.name), ...(adopted ? { adopted: true } : {}) };
  },

  async update(action, ctx, signal) {
    const spec = specOf(action);
    const world = await ctx.snapshot(signal);
    const where = world.map((h) => [h, findNetwork(h, action.owner, action.name)] as const).filter(([, n]) => n?.identity?.managed);
    if (where.length === 0) throw new ConflictError(`Network ${action.name} is not in the world`);
    // Only what is updatable in place (acl, networkDomain) may differ: the persistent definition is
    // rewritten, keeping the DHCP host entries.
    for (const [h, n] of where) await h.virsh.run(['net-define', '@xml'], signal, networkXml(definition(action, spec, true, ctx, n)));
    return { externalId: externalId(action.owner, action.name) };
  },

  async delete(action, ctx, signal) {
    for (const h of await ctx.snapshot(signal)) {
      const n = findNetwork(h, action.owner, action.name);
      if (!n) continue;
      if (!n.identity!.managed) throw new PermanentError(`Network ${action.name} on ${h.host} is not managed by cairn`);
      if (n.active) await h.virsh.run(['net-destroy', n.name], signal);
      await h.virsh.run(['net-undefine', n.name], signal);
    }
    return {};
  },

  async orphan(action, ctx, signal) {
    for (const h of await ctx.snapshot(signal)) {
      const n = findNetwork(h, action.owner, action.name);
      if (!n || !n.identity!.managed) continue;
      await h.virsh.run(['net-define', '@xml'], signal, networkXml(definition(action, n.identity!.spec, false, ctx, n)));
    }
    return { externalId: externalId(action.owner, action.name) };
  },
};
