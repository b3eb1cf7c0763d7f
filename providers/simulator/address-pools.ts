import { intToIpv4, ipv4ToInt, isIpv4, parseCidr, parseVlanRange } from '../../desired-state/validate/formats.js';
import { ConflictError } from '../errors/conflict-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import { label, type SimObject } from './sim-object.js';
import { SEP } from './world-reader.js';
import type { WorldTx } from './world-transaction.js';

/*
 * Pools every tenant draws on: a network's guest addresses, a zone's guest VLANs and public
 * addresses. A taken value is a claim (key → holder id), so "never twice" holds across processes.
 * Automatic allocation takes the lowest free value: a per-pool hint keeps the lowest value that may
 * be free (raised past each allocation, lowered by each release), so allocating in a /16 with
 * thousands of VMs does not rescan from .2 every time.
 */

type Space = 'ip' | 'vlan' | 'pip';

const claimKey = (space: Space, pool: string, value: string | number): string => `${space}${SEP}${pool}${SEP}${value}`;
const hintKey = (space: Space, pool: string): string => `hint${SEP}${space}${SEP}${pool}`;
const toInt = (space: Space, value: string): number => (space === 'vlan' ? Number(value) : ipv4ToInt(value));

/** Prefix of every address claim in a network: any claim under it means NICs are on it. */
export const networkClaimsPrefix = (networkId: string): string => `ip${SEP}${networkId}${SEP}`;

function take(tx: WorldTx, key: string, holder: string, what: string): void {
  const current = tx.claimHolder(key);
  if (current !== undefined && current !== holder) {
    const other = tx.get(current);
    throw new ConflictError(`${what} is already in use by ${other ? `${label(other)} (${current})` : current}`);
  }
  tx.claim(key, holder);
}

/** Gives a claim back; its value becomes the lowest candidate of its pool again if it is lower. */
export function releaseClaim(tx: WorldTx, key: string): void {
  const [space, pool, value] = key.split(SEP) as [Space, string, string];
  tx.release(key);
  const hint = tx.meta<number>(hintKey(space, pool));
  const v = toInt(space, value);
  if (hint !== undefined && v < hint) tx.setMeta(hintKey(space, pool), v); // no hint yet means "from the lowest": leave it so
}

export function nicClaimKey(networkId: string, ip: string): string {
  return claimKey('ip', networkId, ip);
}

/**
 * An address for a NIC of `holder` on `net`: `wanted` if given (inside the CIDR, not the network,
 * broadcast or gateway address, not held by another), else the lowest free one from .2 up,
 * skipping the gateway. L2 networks have no addresses.
 */
export function claimNicAddress(tx: WorldTx, net: SimObject, holder: string, wanted: string | undefined): string | undefined {
  const cidr = typeof net.status.cidr === 'string' ? parseCidr(net.status.cidr) : undefined;
  if (!cidr) {
    if (wanted !== undefined) throw new PermanentError(`network ${net.name} has no CIDR (L2): it cannot give the address ${wanted}`);
    return undefined;
  }
  const size = 2 ** (32 - cidr.prefix);
  const first = cidr.base + 2;
  const last = cidr.base + size - 2;
  const gateway = typeof net.status.gateway === 'string' ? ipv4ToInt(net.status.gateway) : undefined;
  if (wanted !== undefined) {
    if (!isIpv4(wanted)) throw new PermanentError(`"${wanted}" is not an IPv4 address`);
    const w = ipv4ToInt(wanted);
    if (w <= cidr.base || w > last) throw new PermanentError(`${wanted} is not a usable address of network ${net.name} (${net.status.cidr})`);
    if (w === gateway) throw new PermanentError(`${wanted} is the gateway of network ${net.name}`);
    take(tx, nicClaimKey(net.externalId, wanted), holder, `address ${wanted} of network ${net.name}`);
    return wanted;
  }
  const hk = hintKey('ip', net.externalId);
  for (let a = Math.max(first, tx.meta<number>(hk) ?? first); a <= last; a++) {
    if (a === gateway) continue;
    const ip = intToIpv4(a);
    const key = nicClaimKey(net.externalId, ip);
    if (tx.claimHolder(key) !== undefined) continue;
    tx.claim(key, holder);
    tx.setMeta(hk, a + 1);
    return ip;
  }
  throw new PermanentError(`network ${net.name} (${net.status.cidr}) has no free address`);
}

/** The zone's guest VLAN ranges: `vlanRange` of its physical networks that carry Guest traffic. */
export function guestVlanRanges(zone: SimObject): { from: number; to: number }[] {
  const pnets = Array.isArray(zone.spec.physicalNetworks) ? (zone.spec.physicalNetworks as Record<string, unknown>[]) : [];
  return pnets
    .filter((p) => !Array.isArray(p.trafficTypes) || p.trafficTypes.includes('Guest'))
    .map((p) => (typeof p.vlanRange === 'string' ? parseVlanRange(p.vlanRange) : undefined))
    .filter((r): r is { from: number; to: number } => r !== undefined)
    .sort((a, b) => a.from - b.from);
}

const rangesText = (ranges: { from: number; to: number }[]): string => ranges.map((r) => `${r.from}-${r.to}`).join(', ');

/** A guest VLAN of `zone` for network `holder`: `wanted` (inside the ranges, not taken), else the lowest free. */
export function claimVlan(tx: WorldTx, zone: SimObject, holder: string, wanted: number | undefined): string {
  const ranges = guestVlanRanges(zone);
  if (wanted !== undefined) {
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > 4094) throw new PermanentError(`VLAN ${wanted} is not 1 to 4094`);
    if (ranges.length > 0 && !ranges.some((r) => wanted >= r.from && wanted <= r.to)) {
      throw new PermanentError(`VLAN ${wanted} is outside zone ${zone.name}'s guest VLAN range ${rangesText(ranges)}`);
    }
    const key = claimKey('vlan', zone.name, wanted);
    take(tx, key, holder, `VLAN ${wanted} of zone ${zone.name}`);
    return key;
  }
  if (ranges.length === 0) throw new PermanentError(`zone ${zone.name} has no guest VLAN range (physicalNetworks[].vlanRange) to allocate a VLAN from`);
  const hk = hintKey('vlan', zone.name);
  const hint = tx.meta<number>(hk) ?? 0;
  for (const r of ranges) {
    for (let v = Math.max(r.from, hint); v <= r.to; v++) {
      const key = claimKey('vlan', zone.name, v);
      if (tx.claimHolder(key) !== undefined) continue;
      tx.claim(key, holder);
      tx.setMeta(hk, v + 1);
      return key;
    }
  }
  throw new PermanentError(`zone ${zone.name} has no free guest VLAN in ${rangesText(ranges)}`);
}

interface PublicRange {
  from: number;
  to: number;
  range: Record<string, unknown>;
}

function publicRanges(zone: SimObject): PublicRange[] {
  const ranges = Array.isArray(zone.spec.publicIpRanges) ? (zone.spec.publicIpRanges as Record<string, unknown>[]) : [];
  return ranges
    .filter((r) => typeof r.startIp === 'string' && typeof r.endIp === 'string' && isIpv4(r.startIp) && isIpv4(r.endIp))
    .map((r) => ({ from: ipv4ToInt(r.startIp as string), to: ipv4ToInt(r.endIp as string), range: r }))
    .sort((a, b) => a.from - b.from);
}

/** A public address of `zone` for `holder`: `wanted` (inside a range, not taken), else the lowest free. */
export function claimPublicAddress(tx: WorldTx, zone: SimObject, holder: string, wanted: string | undefined): { key: string; address: string; range: Record<string, unknown> } {
  const ranges = publicRanges(zone);
  if (wanted !== undefined) {
    if (!isIpv4(wanted)) throw new PermanentError(`"${wanted}" is not an IPv4 address`);
    const w = ipv4ToInt(wanted);
    const r = ranges.find((x) => w >= x.from && w <= x.to);
    if (!r) throw new PermanentError(`${wanted} is not inside zone ${zone.name}'s public IP ranges`);
    const key = claimKey('pip', zone.name, wanted);
    take(tx, key, holder, `public address ${wanted} of zone ${zone.name}`);
    return { key, address: wanted, range: r.range };
  }
  if (ranges.length === 0) throw new PermanentError(`zone ${zone.name} has no public IP ranges to allocate an address from`);
  const hk = hintKey('pip', zone.name);
  const hint = tx.meta<number>(hk) ?? 0;
  for (const r of ranges) {
    for (let a = Math.max(r.from, hint); a <= r.to; a++) {
      const address = intToIpv4(a);
      const key = claimKey('pip', zone.name, address);
      if (tx.claimHolder(key) !== undefined) continue;
      tx.claim(key, holder);
      tx.setMeta(hk, a + 1);
      return { key, address, range: r.range };
    }
  }
  throw new PermanentError(`zone ${zone.name} has no free public address`);
}

/** The value a claim key holds (the VLAN number, the address). */
export function claimValue(key: string): string {
  return key.split(SEP)[2] ?? '';
}
