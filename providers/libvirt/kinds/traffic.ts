/**
 * PublicIp, FirewallRule, PortForward, LoadBalancer and EgressRule ↔ cairn's nftables table on every cairn host
 * (nft/cairn-table.ts). The ledger holds them (identity, spec, the allocated address); every change
 * rewrites the table from the ledger, then records how nft printed each rule back, so that observe
 * can tell a rule that is there as written from one edited or deleted by hand (then it is not
 * observed, and the plan puts it back).
 */
import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import { TransientError } from '../../errors/transient-error.js';
import type { ObservedResource } from '../../provider.js';
import type { Action } from '../../../reconcilers/action.js';
import { specOf, type KindHandler, type LibvirtContext } from '../context.js';
import { intToIp, ipToInt } from '../ipv4-cidr.js';
import type { LedgerEntry } from '../ledger.js';
import { cairnTableScript, parseCairnTable, ruleComment, type CairnTable, type TableSeen } from '../nft/cairn-table.js';
import { runNft } from '../nft/nft-command.js';
import type { HostSnapshot } from '../world-snapshot.js';

export const TRAFFIC_KINDS = ['PublicIp', 'FirewallRule', 'PortForward', 'LoadBalancer', 'EgressRule'] as const;

/** cairn's table on a host as nft lists it; an absent table reads as empty. */
export async function readTable(command: string[], signal: AbortSignal): Promise<TableSeen> {
  try {
    return parseCairnTable(await runNft(command, ['-j', 'list', 'table', 'ip', 'cairn'], signal));
  } catch (error) {
    if (/No such file or directory/.test(String((error as Error).message))) return { publicIps: [], rules: new Map() };
    throw error;
  }
}

function vmAddress(world: readonly HostSnapshot[], owner: string | undefined, vm: string): string | undefined {
  for (const h of world) {
    const d = h.domains.find((x) => x.identity?.kind === 'VirtualMachine' && x.identity.managed && x.identity.name === vm && x.identity.owner === owner);
    const nic = d?.nics[0];
    if (!nic) continue;
    return h.networks.find((n) => n.name === nic.network)?.hosts.find((e) => e.mac === nic.mac)?.ip;
  }
  return undefined;
}

function table(ctx: LibvirtContext, world: readonly HostSnapshot[]): CairnTable {
  const ips = ctx.ledger.all('PublicIp');
  const addressOf = (owner: string | undefined, name: unknown) => ips.find((e) => e.owner === owner && e.name === name)?.location;
  const t: CairnTable = { publicIps: [], firewallRules: [], portForwards: [], loadBalancers: [], egressRules: [] };
  for (const e of ips) if (e.location) t.publicIps.push({ ...(e.owner ? { owner: e.owner } : {}), name: e.name, address: e.location });
  for (const e of ctx.ledger.all('FirewallRule')) {
    const address = addressOf(e.owner, e.spec.publicIp);
    if (address) t.firewallRules.push({ ...(e.owner ? { owner: e.owner } : {}), name: e.name, address, protocol: String(e.spec.protocol), ...(typeof e.spec.ports === 'string' ? { ports: e.spec.ports } : {}), cidrs: (e.spec.cidrs as string[] | undefined) ?? ['0.0.0.0/0'] });
  }
  for (const e of ctx.ledger.all('PortForward')) {
    const address = addressOf(e.owner, e.spec.publicIp);
    const vm = vmAddress(world, e.owner, String(e.spec.vm));
    if (address && vm) t.portForwards.push({ ...(e.owner ? { owner: e.owner } : {}), name: e.name, address, protocol: String(e.spec.protocol), publicPort: Number(e.spec.publicPort), vmAddress: vm, privatePort: Number(e.spec.privatePort) });
  }
  for (const e of ctx.ledger.all('LoadBalancer')) {
    const address = addressOf(e.owner, e.spec.publicIp);
    const vms = Array.isArray(e.spec.vms) ? e.spec.vms.map(String).sort() : [];
    const targets = vms.map((vm) => vmAddress(world, e.owner, vm)).filter((a): a is string => a !== undefined);
    if (address) t.loadBalancers!.push({ ...(e.owner ? { owner: e.owner } : {}), name: e.name, address, protocol: String(e.spec.protocol ?? 'tcp'), publicPort: Number(e.spec.publicPort), privatePort: Number(e.spec.privatePort), algorithm: e.spec.algorithm === 'source' ? 'source' : 'roundrobin', targets });
  }
  for (const e of ctx.ledger.all('EgressRule')) {
    const bridge = bridgeOf(world, e.owner, String(e.spec.network));
    if (bridge) t.egressRules!.push({ ...(e.owner ? { owner: e.owner } : {}), name: e.name, bridge, protocol: String(e.spec.protocol), ...(typeof e.spec.ports === 'string' ? { ports: e.spec.ports } : {}), cidrs: (e.spec.cidrs as string[] | undefined) ?? ['0.0.0.0/0'] });
  }
  return t;
}

function bridgeOf(world: readonly HostSnapshot[], owner: string | undefined, network: string): string | undefined {
  for (const h of world) {
    const n = h.networks.find((x) => x.identity?.kind === 'Network' && x.identity.managed && x.identity.name === network && x.identity.owner === owner);
    if (n?.bridge) return n.bridge;
  }
  return undefined;
}

/** Rewrites the table on every host from the ledger and records what each host printed back. */
async function sync(ctx: LibvirtContext, signal: AbortSignal): Promise<HostSnapshot[]> {
  const world = await ctx.snapshot(signal);
  const script = cairnTableScript(table(ctx, world));
  const printed = new Map<string, TableSeen>();
  for (const h of world) {
    const command = ctx.nftCommand(h.host);
    await runNft(command, ['-f', '-'], signal, script);
    printed.set(h.host, await readTable(command, signal));
  }
  for (const kind of ['FirewallRule', 'PortForward', 'LoadBalancer', 'EgressRule'] as const)
    for (const e of ctx.ledger.all(kind)) {
      const comment = ruleComment(kind, e.owner, e.name);
      ctx.ledger.put({ ...e, applied: Object.fromEntries([...printed].map(([host, t]) => [host, t.rules.get(comment) ?? []])) });
    }
  return world;
}

function present(e: LedgerEntry, kind: string, world: readonly HostSnapshot[]): boolean {
  if (world.length === 0) return false;
  return world.every((h) => {
    if (!h.nft) return false;
    if (kind === 'PublicIp') return e.location !== undefined && h.nft.publicIps.includes(e.location);
    const rules = h.nft.rules.get(ruleComment(kind, e.owner, e.name));
    return rules !== undefined && JSON.stringify(rules) === JSON.stringify(e.applied?.[h.host]);
  });
}

const externalId = (kind: string, owner: string | undefined, name: string) => `libvirt:nft:${kind}/${owner ?? ''}/${name}`;

async function allocate(action: Action, spec: Record<string, unknown>, ctx: LibvirtContext, signal: AbortSignal): Promise<string> {
  const taken = new Set(ctx.ledger.all('PublicIp').map((e) => e.location));
  if (typeof spec.address === 'string' && spec.address !== 'auto') {
    if (taken.has(spec.address)) throw new ConflictError(`PublicIp ${action.name}: ${spec.address} is taken`);
    return spec.address;
  }
  const zone = await ctx.catalog.spec('Zone', String(spec.zone), undefined, signal);
  const ranges = Array.isArray(zone?.publicIpRanges) ? (zone!.publicIpRanges as Record<string, unknown>[]) : [];
  for (const r of ranges)
    for (let ip = ipToInt(String(r.startIp)); ip <= ipToInt(String(r.endIp)); ip++) if (!taken.has(intToIp(ip))) return intToIp(ip);
  throw new PermanentError(`PublicIp ${action.name}: zone ${String(spec.zone)} has no free public address`);
}

function handler(kind: (typeof TRAFFIC_KINDS)[number]): KindHandler {
  return {
    observe(world, ctx) {
      const out: ObservedResource[] = [];
      for (const e of ctx.ledger.all(kind)) {
        if (!present(e, kind, world)) continue;
        out.push({
          kind,
          name: e.name,
          ...(e.owner ? { owner: e.owner } : {}),
          externalId: externalId(kind, e.owner, e.name),
          managed: !e.orphaned,
          spec: { ...e.spec },
          status: { hosts: world.map((h) => h.host), ...(kind === 'PublicIp' ? { address: e.location } : {}) },
        });
      }
      return out;
    },

    async create(action, ctx, signal) {
      const spec = specOf(action);
      const existing = ctx.ledger.get(kind, action.owner, action.name);
      if (ctx.hostNames().length === 0) throw new TransientError(`${kind} ${action.name}: no libvirt host yet`);
      if (kind !== 'PublicIp' && kind !== 'EgressRule' && !ctx.ledger.get('PublicIp', action.owner, String(spec.publicIp))) throw new ConflictError(`${kind} ${action.name}: public IP ${String(spec.publicIp)} is not in the world`);
      if (kind === 'EgressRule' && !bridgeOf(await ctx.snapshot(signal), action.owner, String(spec.network))) throw new ConflictError(`EgressRule ${action.name}: network ${String(spec.network)} is not in the world`);
      if (kind === 'LoadBalancer' && spec.algorithm === 'leastconn') throw new PermanentError(`LoadBalancer ${action.name}: nftables balances round robin or by source address; leastconn needs a proxy`);
      if (kind === 'PortForward' && !vmAddress(await ctx.snapshot(signal), action.owner, String(spec.vm))) throw new ConflictError(`PortForward ${action.name}: VM ${String(spec.vm)} has no address yet`);
      const location = kind === 'PublicIp' ? (existing?.location ?? (await allocate(action, spec, ctx, signal))) : undefined;
      ctx.ledger.put({ kind, ...(action.owner ? { owner: action.owner } : {}), name: action.name, spec, ...(location ? { location } : {}), ...(existing?.applied ? { applied: existing.applied } : {}) });
      await sync(ctx, signal);
      return { externalId: externalId(kind, action.owner, action.name), ...(location ? { status: { address: location } } : {}), ...(existing && !existing.orphaned ? { adopted: true } : {}) };
    },

    async update(action, ctx, signal) {
      const existing = ctx.ledger.get(kind, action.owner, action.name);
      if (!existing || existing.orphaned) throw new ConflictError(`${kind} ${action.name} is not in the world`);
      if (kind === 'LoadBalancer' && action.spec?.algorithm === 'leastconn') throw new PermanentError(`LoadBalancer ${action.name}: nftables balances round robin or by source address; leastconn needs a proxy`);
      ctx.ledger.put({ ...existing, spec: specOf(action) });
      await sync(ctx, signal);
      return { externalId: externalId(kind, action.owner, action.name) };
    },

    async delete(action, ctx, signal) {
      if (!ctx.ledger.get(kind, action.owner, action.name)) return {};
      ctx.ledger.remove(kind, action.owner, action.name);
      await sync(ctx, signal);
      return {};
    },

    async orphan(action, ctx) {
      const existing = ctx.ledger.get(kind, action.owner, action.name);
      if (existing) ctx.ledger.put({ ...existing, orphaned: true });
      return { externalId: externalId(kind, action.owner, action.name) };
    },
  };
}

export const publicIpHandler = handler('PublicIp');
export const firewallRuleHandler = handler('FirewallRule');
export const portForwardHandler = handler('PortForward');
export const loadBalancerHandler = handler('LoadBalancer');
export const egressRuleHandler = handler('EgressRule');
