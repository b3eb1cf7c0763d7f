import { parseVlanRange } from '../formats.js';
import { listOf, specOf, type PendingIssue, type ResourceIndex } from './context.js';

/** An explicit guest VLAN lies inside its zone's guest VLAN range (and is claimed: used by one network only). */
export function checkVlans(index: ResourceIndex): PendingIssue[] {
  const out: PendingIssue[] = [];
  for (const net of index.kind('Network')) {
    const vlan = specOf(net).vlan;
    // Outside 1..4094 is not a VLAN at all: the schema says so, and saying "outside the zone's
    // range" too would report one mistake twice.
    if (typeof vlan !== 'number' || vlan < 1 || vlan > 4094) continue;
    const zone = index.resolve(net, 'Zone', specOf(net).zone);
    if (!zone) continue;
    const pnets = listOf(specOf(zone).physicalNetworks).filter((p): p is Record<string, any> => typeof p === 'object' && p !== null);
    const guest = pnets.filter((p) => !Array.isArray(p.trafficTypes) || p.trafficTypes.includes('Guest'));
    const ranges = guest.map((p) => (typeof p.vlanRange === 'string' ? { text: p.vlanRange, r: parseVlanRange(p.vlanRange) } : undefined)).filter((x) => x?.r);
    if (!ranges.some((x) => vlan >= x!.r!.from && vlan <= x!.r!.to)) {
      const known = ranges.map((x) => x!.text).join(', ') || 'none declared';
      out.push({ resource: net, path: ['spec', 'vlan'], rule: 'vlan.out-of-range', message: `vlan ${vlan} is outside zone ${zone.name}'s guest VLAN range (${known})` });
      continue;
    }
    // Every tenant draws on the zone's VLANs: a collision is found across tenants (claims-check).
    index.claim(`vlan:${zone.name}/${vlan}`, net, ['spec', 'vlan'], 'vlan.duplicate', `vlan ${vlan} is already used by network {first} in zone ${zone.name} (at {related})`);
  }
  return out;
}
