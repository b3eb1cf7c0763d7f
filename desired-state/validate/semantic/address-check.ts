import type { Resource } from '../../model.js';
import { intToIpv4, ipv4ToInt, isIpv4, parseCidr, parseIpv4 } from '../formats.js';
import { listOf, specOf, type PendingIssue, type ResourceIndex } from './context.js';

interface Subnet { first: number; last: number; cidr: string }

function subnet(cidr: unknown): Subnet | undefined {
  if (typeof cidr !== 'string') return undefined;
  const c = parseCidr(cidr);
  if (!c) return undefined;
  const size = 2 ** (32 - c.prefix);
  const first = c.base - (c.base % size);
  return { first, last: first + size - 1, cidr };
}

const inside = (ip: number, s: Subnet) => ip >= s.first && ip <= s.last;

/**
 * Addresses: gateways and explicit VM IPs inside their network, no IP used twice in a network,
 * no overlapping CIDRs among one tenant's networks of a zone, public IPs inside the zone's ranges.
 */
export function checkAddresses(index: ResourceIndex): PendingIssue[] {
  const out: PendingIssue[] = [];
  const subnets = new Map<Resource, Subnet>();
  // The gateway, then each VM's IP, claim an address of their network.
  const taken = new Map<Resource, Map<number, { resource: Resource; path: (string | number)[] }>>();

  const byTenantZone = new Map<string, { r: Resource; s: Subnet; order: number }[]>();
  for (const [order, net] of index.kind('Network').entries()) {
    const spec = specOf(net);
    const s = subnet(spec.cidr);
    if (!s) continue;
    subnets.set(net, s);
    const claims = new Map<number, { resource: Resource; path: (string | number)[] }>();
    taken.set(net, claims);
    if (typeof spec.gateway === 'string' && isIpv4(spec.gateway)) {
      const gw = ipv4ToInt(spec.gateway);
      if (!inside(gw, s)) {
        out.push({ resource: net, path: ['spec', 'gateway'], rule: 'address.gateway-outside', message: `gateway ${spec.gateway} is outside the network's cidr ${s.cidr}` });
      } else {
        claims.set(gw, { resource: net, path: ['spec', 'gateway'] });
      }
    } else if (spec.gateway === undefined && s.last - s.first >= 3) {
      // Without a gateway the network takes its cidr's first host address: a VM cannot have it either.
      claims.set(s.first + 1, { resource: net, path: ['spec', 'cidr'] });
    }
    const key = `${net.tenantType ?? ''}\0${net.tenant ?? ''}\0${String(spec.zone)}`;
    let list = byTenantZone.get(key);
    if (!list) byTenantZone.set(key, (list = []));
    list.push({ r: net, s, order });
  }

  for (const list of byTenantZone.values()) {
    list.sort((a, b) => a.s.first - b.s.first || a.s.last - b.s.last);
    let widest = list[0];
    for (let i = 1; i < list.length; i++) {
      const cur = list[i]!;
      if (widest && cur.s.first <= widest.s.last) {
        // Reported on the later declaration, as duplicates are: the one most likely just added.
        const [later, earlier] = cur.order > widest.order ? [cur, widest] : [widest, cur];
        out.push({
          resource: later.r,
          path: ['spec', 'cidr'],
          rule: 'address.cidr-overlap',
          message: `cidr ${later.s.cidr} overlaps ${earlier.s.cidr} of network ${earlier.r.name} (declared at {related}); one ${later.r.tenantType ?? 'tenant'}'s networks in a zone must not overlap`,
          related: { resource: earlier.r, path: ['spec', 'cidr'] },
        });
      }
      if (!widest || cur.s.last > widest.s.last) widest = cur;
    }
  }

  for (const vm of index.kind('VirtualMachine')) {
    const nics = specOf(vm).networks;
    if (!Array.isArray(nics)) continue;
    for (let i = 0; i < nics.length; i++) {
      const nic = nics[i] as Record<string, unknown> | null;
      const ip = typeof nic?.ip === 'string' ? parseIpv4(nic.ip) : undefined;
      if (ip === undefined) continue;
      const net = index.resolve(vm, 'Network', nic!.network);
      const s = net && subnets.get(net);
      if (!net || !s) continue;
      const path = ['spec', 'networks', i, 'ip'];
      if (!inside(ip, s)) {
        out.push({ resource: vm, path, rule: 'address.ip-outside', message: `ip ${nic!.ip} is outside network ${net.name}'s cidr ${s.cidr}` });
        continue;
      }
      if (s.last - s.first >= 3 && (ip === s.first || ip === s.last)) {
        out.push({ resource: vm, path, rule: 'address.ip-reserved', message: `ip ${nic!.ip} is the ${ip === s.first ? 'network' : 'broadcast'} address of ${s.cidr}` });
        continue;
      }
      const claims = taken.get(net)!;
      const prev = claims.get(ip);
      if (prev) {
        const what = prev.resource !== net
          ? `already used by ${prev.resource.kind} ${prev.resource.name}`
          : prev.path[1] === 'cidr'
            ? `the gateway of network ${net.name} (the first address of its cidr, as it sets no gateway)`
            : `the gateway of network ${net.name}`;
        out.push({ resource: vm, path, rule: 'address.ip-duplicate', message: `ip ${nic!.ip} is ${what} (at {related}); an address is used once per network`, related: prev });
        continue;
      }
      claims.set(ip, { resource: vm, path });
    }
  }

  out.push(...checkPublicIps(index));
  return out;
}

function checkPublicIps(index: ResourceIndex): PendingIssue[] {
  const out: PendingIssue[] = [];
  const rangesByZone = new Map<Resource, { first: number; last: number; text: string }[]>();
  for (const zone of index.kind('Zone')) {
    const ranges: { first: number; last: number; text: string }[] = [];
    (listOf(specOf(zone).publicIpRanges) as (Record<string, unknown> | null)[]).forEach((r, i) => {
      if (typeof r?.startIp !== 'string' || typeof r?.endIp !== 'string' || !isIpv4(r.startIp) || !isIpv4(r.endIp)) return;
      const first = ipv4ToInt(r.startIp);
      const last = ipv4ToInt(r.endIp);
      if (first > last) {
        out.push({ resource: zone, path: ['spec', 'publicIpRanges', i, 'endIp'], rule: 'address.range-order', message: `public IP range ends (${r.endIp}) before it starts (${r.startIp})` });
        return;
      }
      ranges.push({ first, last, text: `${r.startIp}-${r.endIp}` });
    });
    rangesByZone.set(zone, ranges);
  }
  for (const ip of index.kind('PublicIp')) {
    const spec = specOf(ip);
    if (typeof spec.address !== 'string' || !isIpv4(spec.address)) continue;
    const zone = index.resolve(ip, 'Zone', spec.zone);
    const ranges = zone ? rangesByZone.get(zone) : undefined;
    if (!zone || !ranges) continue;
    const n = ipv4ToInt(spec.address);
    if (!ranges.some((r) => n >= r.first && n <= r.last)) {
      const known = ranges.map((r) => r.text).join(', ') || 'none';
      out.push({ resource: ip, path: ['spec', 'address'], rule: 'address.public-outside', message: `public IP ${spec.address} is not inside any public IP range of zone ${zone.name} (ranges: ${known})` });
      continue;
    }
    index.claim(`publicIp:${zone.name}/${intToIpv4(n)}`, ip, ['spec', 'address'], 'address.public-duplicate', `public IP ${spec.address} is already taken by PublicIp {first} (at {related})`);
  }
  return out;
}
