/**
 * Marvin's spellings of CloudStack enumerations, mapped to cairn's. Marvin (like CloudStack's API)
 * compares them case-insensitively: configs say "simulator", "Simulator" and "VmWare".
 */

export type Hypervisor = 'Simulator' | 'KVM' | 'XenServer' | 'VMware';
export type TrafficType = 'Guest' | 'Management' | 'Public' | 'Storage';
export type Isolation = 'VLAN' | 'VXLAN' | 'L3';

const HYPERVISORS: Record<string, Hypervisor> = {
  simulator: 'Simulator', kvm: 'KVM', xenserver: 'XenServer', vmware: 'VMware',
};
const TRAFFIC_TYPES: Record<string, TrafficType> = {
  guest: 'Guest', management: 'Management', public: 'Public', storage: 'Storage',
};
const ISOLATIONS: Record<string, Isolation> = { vlan: 'VLAN', vxlan: 'VXLAN', l3: 'L3' };

export const HYPERVISOR_NAMES = Object.values(HYPERVISORS);
export const TRAFFIC_TYPE_NAMES = Object.values(TRAFFIC_TYPES);
export const ISOLATION_NAMES = Object.values(ISOLATIONS);

function lookup<T>(table: Record<string, T>, raw: string): T | undefined {
  const key = raw.trim().toLowerCase();
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export const toHypervisor = (raw: string): Hypervisor | undefined => lookup(HYPERVISORS, raw);
export const toTrafficType = (raw: string): TrafficType | undefined => lookup(TRAFFIC_TYPES, raw);
export const toIsolation = (raw: string): Isolation | undefined => lookup(ISOLATIONS, raw);

/** cairn's VLAN ranges (format vlan-range) are 802.1Q ids, whatever the isolation method. */
const MAX_VLAN = 4094;

/**
 * Marvin's physical network `vlan`, "100-200" (CloudStack also accepts " 100 - 200 " and a single
 * id), as cairn's `start-end`. Returns an error message instead when it cannot be represented.
 */
export function normaliseVlanRange(raw: string): { range: string } | { error: string } {
  if (raw.includes(',')) {
    return { error: `${JSON.stringify(raw)} lists several ranges; a cairn physical network has one VLAN range` };
  }
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(raw);
  if (!m) return { error: `${JSON.stringify(raw)} is not a VLAN range like "100-200"` };
  const start = Number(m[1]);
  const end = Number(m[2] ?? m[1]);
  if (start < 1 || end > MAX_VLAN) return { error: `${JSON.stringify(raw)} is outside 1-${MAX_VLAN}, the VLAN ids cairn accepts` };
  if (start > end) return { error: `${JSON.stringify(raw)} starts after it ends` };
  return { range: `${start}-${end}` };
}

/**
 * A public range's `vlan`: "50", 50 or "vlan://50" is tagged; "untagged" (any case) means no tag,
 * which cairn expresses by leaving `vlan` out.
 */
export function parseVlanTag(raw: string): { tag?: number } | { error: string } {
  const s = raw.trim();
  if (/^untagged$/i.test(s) || /^vlan:\/\/untagged$/i.test(s)) return {};
  const m = /^(?:vlan:\/\/)?(\d+)$/i.exec(s);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > MAX_VLAN) {
    return { error: `${JSON.stringify(raw)} is not a VLAN id (1-4094) or "untagged"` };
  }
  return { tag: Number(m[1]) };
}
