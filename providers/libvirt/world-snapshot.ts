/**
 * Everything cairn looks at on one libvirt connection, read in one go: node info, every domain,
 * network, pool and volume (cairn's and foreign ones). Observe maps it to cairn's kinds; actions
 * read it to find their object by identity.
 */
import { parseDomainXml, type DomainInfo } from './xml/domain-xml.js';
import { parseNetworkXml, type NetworkInfo } from './xml/network-xml.js';
import { parsePoolXml, parseVolumeXml, type PoolInfo, type VolumeInfo } from './xml/storage-xml.js';
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
}

/** At most this many virsh processes per connection at once (2 cores here; more only queues). */
const PARALLEL = 4;

export async function readHost(host: string, virsh: Virsh, signal: AbortSignal): Promise<HostSnapshot> {
  const run = (args: string[]) => virsh.run(args, signal);
  const [nodeText, domainList, networkList, poolList] = await Promise.all([run(['nodeinfo']), run(['list', '--all']), run(['net-list', '--all']), run(['pool-list', '--all'])]);
  const domainRows = rows(domainList).map((r) => ({ name: r[1]!, state: r.slice(2).join(' ') }));
  const networkRows = rows(networkList).map((r) => ({ name: r[0]!, active: r[1] === 'active' }));
  const poolRows = rows(poolList).map((r) => ({ name: r[0]!, active: r[1] === 'active' }));
  const domains = await mapLimited(domainRows, async (d) => ({ ...parseDomainXml(await run(['dumpxml', d.name])), state: d.state }));
  // --inactive: the persistent definition holds the identity cairn last wrote (net-update keeps the
  // DHCP hosts of both in step).
  const networks = await mapLimited(networkRows, async (n) => ({ ...parseNetworkXml(await run(['net-dumpxml', '--inactive', n.name])), active: n.active }));
  const pools = await mapLimited(poolRows, async (p) => {
    const info = parsePoolXml(await run(['pool-dumpxml', p.name]));
    const names = p.active ? rows(await run(['vol-list', '--pool', p.name])).map((r) => r[0]!) : [];
    const volumes = await mapLimited(names, async (v) => parseVolumeXml(await run(['vol-dumpxml', '--pool', p.name, v])));
    return { ...info, active: p.active, volumes };
  });
  return { host, virsh, node: parseNodeInfo(nodeText), domains, networks, pools };
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

async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return out;
}
