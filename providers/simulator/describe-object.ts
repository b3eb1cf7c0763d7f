import { label, type SimObject } from './sim-object.js';

/** `VirtualMachine account:acme/web-1 (sim-VirtualMachine-3)`: how `cairn sim` names an object. */
export function describeObject(o: SimObject): string {
  return `${label(o)} (${o.externalId})`;
}

const n = (v: unknown): string => (typeof v === 'number' ? String(v) : v === undefined ? '?' : String(v));

/** One line of what matters about an object's status, for `cairn sim show`'s table. */
export function summarizeStatus(o: SimObject, status: Record<string, unknown>): string {
  const s = status as Record<string, any>;
  switch (o.kind) {
    case 'Host': {
      const cap = (s.capacity ?? {}) as Record<string, unknown>;
      const used = (s.used ?? {}) as Record<string, unknown>;
      const alloc = s.allocationState !== 'Enabled' ? ` (${n(s.allocationState)})` : '';
      return `${n(s.state)}${alloc}  vms ${n(used.vms)}  cpu ${n(used.cpuMhz)}/${cap.totalCpuMhz ?? '∞'} MHz  mem ${n(used.memoryMiB)}/${cap.totalMemoryMiB ?? '∞'} MiB`;
    }
    case 'VirtualMachine': {
      const ips = Array.isArray(s.ips) && s.ips.length > 0 ? `  ${s.ips.join(',')}` : '';
      return `${n(s.state)}${s.host ? ` on ${s.host}` : ''}${ips}${s.mac ? `  ${s.mac}` : ''}`;
    }
    case 'Network':
      return `${n(s.state)}  vlan ${n(s.vlan)}${s.cidr ? `  ${s.cidr} gw ${n(s.gateway)}` : ''}`;
    case 'PublicIp':
      return `${n(s.state)}  ${n(s.address)}`;
    case 'Volume':
      return `${n(s.state)}  ${n(s.sizeGiB)} GiB on ${n(s.storage)}  ${s.attachedTo ? `attached to ${s.attachedTo}` : 'detached'}`;
    case 'PrimaryStorage':
      return `${n(s.state)}  ${n(s.usedGiB)}/${s.capacityGiB ?? '∞'} GiB used`;
    case 'Snapshot':
      return `${n(s.state)}  of ${n(s.volume)}, ${n(s.sizeGiB)} GiB`;
    default:
      return n(s.state);
  }
}
