/** Dir pools and qcow2 volumes: what cairn defines, and what it reads back. */
import { child, escapeXml, parseXml } from './xml-element.js';

export function dirPoolXml(name: string, path: string): string {
  return `<pool type='dir'><name>${escapeXml(name)}</name><target><path>${escapeXml(path)}</path></target></pool>`;
}

export interface PoolInfo {
  name: string;
  type: string;
  path: string;
  capacityBytes: number;
  allocationBytes: number;
}

export function parsePoolXml(xml: string): PoolInfo {
  const root = parseXml(xml);
  return {
    name: child(root, 'name')?.text ?? '',
    type: root.attrs.type ?? '',
    path: child(root, 'target/path')?.text ?? '',
    capacityBytes: Number(child(root, 'capacity')?.text ?? 0),
    allocationBytes: Number(child(root, 'allocation')?.text ?? 0),
  };
}

export interface VolumeDefinition {
  name: string;
  capacityBytes: number;
  format: string;
  /** A copy-on-write overlay on this image (ROOT disks on their template). */
  backing?: { path: string; format: string };
}

export function volumeXml(v: VolumeDefinition): string {
  return (
    `<volume><name>${escapeXml(v.name)}</name><capacity unit='bytes'>${v.capacityBytes}</capacity>` +
    `<target><format type='${escapeXml(v.format)}'/></target>` +
    (v.backing ? `<backingStore><path>${escapeXml(v.backing.path)}</path><format type='${escapeXml(v.backing.format)}'/></backingStore>` : '') +
    `</volume>`
  );
}

export interface VolumeInfo {
  name: string;
  path: string;
  capacityBytes: number;
  allocationBytes: number;
  format: string;
  backingPath: string | undefined;
}

export function parseVolumeXml(xml: string): VolumeInfo {
  const root = parseXml(xml);
  return {
    name: child(root, 'name')?.text ?? '',
    path: child(root, 'target/path')?.text ?? child(root, 'key')?.text ?? '',
    capacityBytes: Number(child(root, 'capacity')?.text ?? 0),
    allocationBytes: Number(child(root, 'allocation')?.text ?? 0),
    format: child(root, 'target/format')?.attrs.type ?? 'raw',
    backingPath: child(root, 'backingStore/path')?.text,
  };
}
