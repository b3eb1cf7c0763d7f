/** A cairn VM as a libvirt domain, and a domain's XML read back. */
import { identityElement, readIdentity, type CairnIdentity } from '../identity-metadata.js';
import { child, childrenNamed, escapeXml, parseXml } from './xml-element.js';

export interface DomainDisk {
  path: string;
  format: string;
  /** vda, vdb... (virtio) */
  target: string;
}

export interface DomainNic {
  /** The libvirt network's name. */
  network: string;
  mac: string;
  /** An nwfilter referenced from the interface (security groups). */
  filter?: string;
}

export interface DomainDefinition {
  name: string;
  uuid?: string;
  type: 'kvm' | 'qemu';
  memoryMiB: number;
  vcpus: number;
  identity: CairnIdentity;
  disks: DomainDisk[];
  nics: DomainNic[];
}

/**
 * No graphics, no sound, no balloon: cairn's guests are servers. ACPI is on so that `shutdown` asks
 * the guest first (the provider destroys after a timeout: a guest without an OS never answers).
 */
export function domainXml(d: DomainDefinition): string {
  const disks = d.disks
    .map(
      (k) =>
        `<disk type='file' device='disk'><driver name='qemu' type='${escapeXml(k.format)}'/><source file='${escapeXml(k.path)}'/><target dev='${escapeXml(k.target)}' bus='virtio'/></disk>`,
    )
    .join('');
  const nics = d.nics
    .map(
      (n) =>
        `<interface type='network'><source network='${escapeXml(n.network)}'/><mac address='${escapeXml(n.mac)}'/><model type='virtio'/>` +
        (n.filter ? `<filterref filter='${escapeXml(n.filter)}'/>` : '') +
        '</interface>',
    )
    .join('');
  return (
    `<domain type='${d.type}'>` +
    `<name>${escapeXml(d.name)}</name>` +
    (d.uuid ? `<uuid>${escapeXml(d.uuid)}</uuid>` : '') +
    `<metadata>${identityElement(d.identity)}</metadata>` +
    `<memory unit='MiB'>${d.memoryMiB}</memory>` +
    `<vcpu>${d.vcpus}</vcpu>` +
    `<os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>` +
    `<features><acpi/></features>` +
    `<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>` +
    `<devices>${disks}${nics}<memballoon model='none'/></devices>` +
    `</domain>`
  );
}

export interface DomainInfo {
  name: string;
  uuid: string;
  type: string;
  identity: CairnIdentity | undefined;
  memoryMiB: number;
  vcpus: number;
  disks: DomainDisk[];
  nics: DomainNic[];
}

export function parseDomainXml(xml: string): DomainInfo {
  const root = parseXml(xml);
  const memory = child(root, 'memory');
  const unit = memory?.attrs.unit ?? 'KiB';
  const amount = Number(memory?.text ?? 0);
  const devices = child(root, 'devices');
  return {
    name: child(root, 'name')?.text ?? '',
    uuid: child(root, 'uuid')?.text ?? '',
    type: root.attrs.type ?? '',
    identity: readIdentity(root),
    memoryMiB: Math.round(unit === 'MiB' ? amount : unit === 'GiB' ? amount * 1024 : unit === 'KiB' ? amount / 1024 : amount / 1048576),
    vcpus: Number(child(root, 'vcpu')?.text ?? 0),
    disks: childrenNamed(devices, 'disk')
      .filter((k) => k.attrs.device === 'disk' && child(k, 'source')?.attrs.file)
      .map((k) => ({ path: child(k, 'source')!.attrs.file!, format: child(k, 'driver')?.attrs.type ?? 'raw', target: child(k, 'target')?.attrs.dev ?? '' })),
    nics: childrenNamed(devices, 'interface').map((i) => ({
      network: child(i, 'source')?.attrs.network ?? '',
      mac: child(i, 'mac')?.attrs.address ?? '',
      ...(child(i, 'filterref')?.attrs.filter ? { filter: child(i, 'filterref')!.attrs.filter! } : {}),
    })),
  };
}

/** One disk as `virsh attach-device` takes it. */
export function diskDeviceXml(disk: DomainDisk): string {
  return `<disk type='file' device='disk'><driver name='qemu' type='${escapeXml(disk.format)}'/><source file='${escapeXml(disk.path)}'/><target dev='${escapeXml(disk.target)}' bus='virtio'/></disk>`;
}

/** The first virtio target (vda, vdb, ...) no disk of the domain uses. */
export function freeDiskTarget(disks: readonly DomainDisk[]): string {
  const used = new Set(disks.map((d) => d.target));
  for (let i = 0; i < 26; i++) {
    const t = `vd${String.fromCharCode(97 + i)}`;
    if (!used.has(t)) return t;
  }
  throw new RangeError('a domain has at most 26 virtio disks here');
}
