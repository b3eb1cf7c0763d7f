/**
 * How cairn names what it makes in libvirt. Domains and networks carry cairn's identity in their
 * <metadata> (identity-metadata.ts), so their names are for people: `acme.web-1`. Pools and
 * volumes have no metadata in libvirt: for them the `cairn-` prefix below is the ownership mark,
 * and cairn's ledger (ledger.ts) maps the name back to the identity and keeps the declared spec.
 */
import crypto from 'node:crypto';

/** `account:acme` → `acme`, `project:web` → `@web` (a project and an account may share a name). */
export function tenantSegment(owner: string | undefined): string {
  if (!owner) return '_';
  const [type, name] = owner.split(':', 2) as [string, string];
  return type === 'project' ? `@${name}` : name;
}

export const domainName = (owner: string | undefined, name: string) => `${tenantSegment(owner)}.${name}`;
export const networkName = (owner: string | undefined, name: string) => `cairn-net.${tenantSegment(owner)}.${name}`;
export const poolName = (storage: string) => `cairn-pool.${storage}`;
export const templateVolumeName = (template: string) => `cairn-template.${template}`;
export const rootVolumeName = (owner: string | undefined, vm: string) => `cairn-root.${tenantSegment(owner)}.${vm}.qcow2`;
export const dataVolumeName = (owner: string | undefined, name: string) => `cairn-vol.${tenantSegment(owner)}.${name}.qcow2`;

export const isCairnPool = (name: string) => name.startsWith('cairn-pool.');
export const storageOfPool = (pool: string) => (isCairnPool(pool) ? pool.slice('cairn-pool.'.length) : undefined);
export const isRootVolume = (name: string) => name.startsWith('cairn-root.');
export const isTemplateVolume = (name: string) => name.startsWith('cairn-template.');
export const isDataVolume = (name: string) => name.startsWith('cairn-vol.');

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/** Linux caps interface names at 15 bytes: `cbr` + 8 hex digits of the network's identity. */
export function bridgeName(owner: string | undefined, name: string): string {
  return `cbr${digest(`${owner ?? ''}/${name}`).toString('hex').slice(0, 8)}`;
}

/**
 * A NIC's MAC, the same on every create of the same VM and NIC, so that its DHCP host entry (and so
 * its address) survives a redefine: 52:54:00 (QEMU's prefix) and three bytes of the identity's hash.
 */
export function nicMac(owner: string | undefined, vm: string, index: number): string {
  const d = digest(`${owner ?? ''}/${vm}/${index}`);
  return ['52', '54', '00', ...[d[0]!, d[1]!, d[2]!].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** nwfilters have no metadata either: `cairn-sg.` marks them, the ledger holds the identity. */
export const securityGroupFilterName = (owner: string | undefined, name: string) => `cairn-sg.${tenantSegment(owner)}.${name}`;
