/**
 * Everything cairn looks at on one libvirt connection, read in one go: node info, every domain,
 * network, pool and volume (cairn's and foreign ones). Observe maps it to cairn's kinds; actions
 * read it to find their object by identity.
 */
import { parseDomainXml, type DomainInfo } from './xml/domain-xml.js';
import { parseNetworkXml, type NetworkInfo } from './xml/network-xml.js';
import { parseNwfilterXml, type NwfilterInfo } from './xml/nwfilter-xml.js';
import type { TableSeen } from './nft/cairn-table.js';
import { parsePoolXml, parseVolumeXml, type PoolInfo, type VolumeInfo } from './xml/storage-xml.js';
import { VirshError } from './errors/virsh-error.js';
import type { Virsh } from './virsh.js';

export interface NodeInfo {
  cpuCores: number;
  cpuMhz: number;
  memoryMiB: number;
}

export interface DomainSeen extends DomainInfo {
  /** virsh's state words: running, shut off, paused... */
  state: string;
}
export interface NetworkSeen extends NetworkInfo {
  active: boolean;
}
export interface PoolSeen extends PoolInfo {
  active: boolean;
  volumes: VolumeInfo[];
}

export interface HostSnapshot {
  host: string;
  virsh: Virsh;
  node: NodeInfo;
  domains: DomainSeen[];
  networks: NetworkSeen[];
  pools: PoolSeen[];
  /** cairn's nwfilters (`cairn-sg.*`); libvirt's own filters (clean-traffic...) are not read. */
  filters: NwfilterInfo[];
  /** cairn's nftables table, read only when cairn has public IPs or rules (kinds/traffic.ts). */
  nft?: TableSeen;
}

/**
 * Three virsh processes per host whatever the number of objects (Virsh.batch): the lists, then
 * every definition and volume list, then every volume. An object that vanished between two rounds
 * (its section empty) is left out, as if the lists had been read a moment later.
 */
export async function readHost(host: string, virsh: Virsh, signal: AbortSignal): Promise<HostSnapshot> {
  const [nodeText, domainList, networkList, poolList, filterList] = await virsh.batch([['nodeinfo'], ['list', '--all'], ['net-list', '--all'], ['pool-list', '--all'], ['nwfilter-list']], signal);
  if (!/CPU\(s\)/.test(nodeText ?? '')) throw new VirshError(['nodeinfo'], null, `no node info from ${virsh.uri}: ${nodeText ?? ''}`);
  const domainRows = rows(domainList!).map((r) => ({ name: r[1]!, state: r.slice(2).join(' ') }));
  const networkRows = rows(networkList!).map((r) => ({ name: r[0]!, active: r[1] === 'active' }));
  const poolRows = rows(poolList!).map((r) => ({ name: r[0]!, active: r[1] === 'active' }));
  const activePools = poolRows.filter((p) => p.active);
  const filterNames = rows(filterList!).map((r) => r[1]!).filter((n) => n?.startsWith('cairn-sg.'));
  // --inactive for networks: the persistent definition holds the identity cairn last wrote
  // (net-update keeps the DHCP hosts of both in step).
  const second = await virsh.batch(
    [
      ...domainRows.map((d) => ['dumpxml', d.name]),
      ...networkRows.map((n) => ['net-dumpxml', '--inactive', n.name]),
      ...poolRows.map((p) => ['pool-dumpxml', p.name]),
      ...activePools.map((p) => ['vol-list', '--pool', p.name]),
      ...filterNames.map((f) => ['nwfilter-dumpxml', f]),
    ],
    signal,
  );
  let i = 0;
  const domainXml = domainRows.map(() => second[i++]!);
  const networkXml = networkRows.map(() => second[i++]!);
  const poolXml = poolRows.map(() => second[i++]!);
  const volumeNames = new Map(activePools.map((p) => [p.name, rows(second[i++]!).map((r) => r[0]!)]));
  const filters = filterNames.map(() => second[i++]!).filter((x) => x.trim()).map(parseNwfilterXml);
  const volumeCommands = [...volumeNames].flatMap(([pool, names]) => names.map((v) => ['vol-dumpxml', '--pool', pool, v]));
  const third = await virsh.batch(volumeCommands, signal);
  const volumesOf = new Map<string, VolumeInfo[]>();
  volumeCommands.forEach((c, j) => {
    if (!third[j]!.trim()) return;
    const list = volumesOf.get(c[2]!) ?? [];
    list.push(parseVolumeXml(third[j]!));
    volumesOf.set(c[2]!, list);
  });
  const domains: DomainSeen[] = [];
  domainRows.forEach((d, j) => domainXml[j]!.trim() && domains.push({ ...parseDomainXml(domainXml[j]!), state: d.state }));
  const networks: NetworkSeen[] = [];
  networkRows.forEach((n, j) => networkXml[j]!.trim() && networks.push({ ...parseNetworkXml(networkXml[j]!), active: n.active }));
  const pools: PoolSeen[] = [];
  poolRows.forEach((p, j) => poolXml[j]!.trim() && pools.push({ ...parsePoolXml(poolXml[j]!), active: p.active, volumes: volumesOf.get(p.name) ?? [] }));
  return { host, virsh, node: parseNodeInfo(nodeText!), domains, networks, pools, filters };
}

export function parseNodeInfo(text: string): NodeInfo {
  const field = (label: string) => {
    const m = new RegExp(`^${label}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return { cpuCores: field('CPU\\(s\\)'), cpuMhz: field('CPU frequency'), memoryMiB: Math.floor(field('Memory size') / 1024) };
}

/** virsh's tables (with -q: no header), one array of whitespace-separated cells per line. */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split(/\s+/));
}
