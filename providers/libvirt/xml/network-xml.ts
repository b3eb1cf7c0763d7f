/** A cairn Network as a libvirt network with its own bridge, and a network's XML read back. */
import { identityElement, readIdentity, type CairnIdentity } from '../identity-metadata.js';
import { child, childrenNamed, escapeXml, parseXml } from './xml-element.js';

export interface DhcpHost {
  mac: string;
  ip: string;
  name?: string;
}

export interface NetworkDefinition {
  name: string;
  /** Given when redefining: libvirt refuses a second definition of a name under another uuid. */
  uuid?: string;
  identity: CairnIdentity;
  bridge: string;
  /** Isolated: NAT through the host; Shared and L2: no forwarding (a bridge of their own). */
  nat: boolean;
  /** The gateway address the bridge holds, with DHCP over the usable range; absent for L2. */
  ip?: { address: string; netmask: string; dhcp: { start: string; end: string }; hosts: DhcpHost[] };
}

export function networkXml(n: NetworkDefinition): string {
  const ip = n.ip
    ? `<ip address='${n.ip.address}' netmask='${n.ip.netmask}'><dhcp><range start='${n.ip.dhcp.start}' end='${n.ip.dhcp.end}'/>` +
      n.ip.hosts.map(dhcpHostXml).join('') +
      `</dhcp></ip>`
    : '';
  return (
    `<network>` +
    `<name>${escapeXml(n.name)}</name>` +
    (n.uuid ? `<uuid>${escapeXml(n.uuid)}</uuid>` : '') +
    `<metadata>${identityElement(n.identity)}</metadata>` +
    (n.nat ? `<forward mode='nat'/>` : '') +
    `<bridge name='${escapeXml(n.bridge)}' stp='on' delay='0'/>` +
    ip +
    `</network>`
  );
}

/** One DHCP host entry, as `virsh net-update ... ip-dhcp-host` takes it. */
export function dhcpHostXml(h: DhcpHost): string {
  return `<host mac='${escapeXml(h.mac)}'${h.name ? ` name='${escapeXml(h.name)}'` : ''} ip='${escapeXml(h.ip)}'/>`;
}

export interface NetworkInfo {
  name: string;
  uuid: string;
  identity: CairnIdentity | undefined;
  bridge: string | undefined;
  forward: string | undefined;
  ip: { address: string; netmask?: string; prefix?: number } | undefined;
  hosts: DhcpHost[];
}

export function parseNetworkXml(xml: string): NetworkInfo {
  const root = parseXml(xml);
  const ip = child(root, 'ip');
  return {
    name: child(root, 'name')?.text ?? '',
    uuid: child(root, 'uuid')?.text ?? '',
    identity: readIdentity(root),
    bridge: child(root, 'bridge')?.attrs.name,
    forward: child(root, 'forward')?.attrs.mode ?? (child(root, 'forward') ? 'nat' : undefined),
    ip: ip?.attrs.address
      ? {
          address: ip.attrs.address,
          ...(ip.attrs.netmask ? { netmask: ip.attrs.netmask } : {}),
          ...(ip.attrs.prefix ? { prefix: Number(ip.attrs.prefix) } : {}),
        }
      : undefined,
    hosts: childrenNamed(child(ip, 'dhcp'), 'host').map((h) => ({ mac: h.attrs.mac ?? '', ip: h.attrs.ip ?? '', ...(h.attrs.name ? { name: h.attrs.name } : {}) })),
  };
}
