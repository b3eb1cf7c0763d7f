import type { Resource } from '../../model.js';
import { numberOf, specOf, stringsOf, type PendingIssue, type ResourceIndex } from './context.js';

interface HostFit {
  host: Resource;
  cores?: number;
  mhz?: number;
  memory?: number;
  cpuOvercommit: number;
  memoryOvercommit: number;
  tags: TagSet;
  storageTags: TagSet[];
}

/** Tags as declared; undefined when the field holds something that is not a list. */
type TagSet = Set<string> | undefined;

/**
 * Unreadable tags (`tags: 42`) are the schema's error; here they match any tag, so that one mistake
 * does not also make every VM that needs the tag "fit nowhere".
 */
const tagSet = (v: unknown): TagSet => (v === undefined || Array.isArray(v) ? new Set(stringsOf(v)) : undefined);
const hasAll = (set: TagSet, wanted: readonly string[]): boolean => set === undefined || wanted.every((t) => set.has(t));

/**
 * A VM whose offering no host of its zone could ever run, even empty: larger than every host
 * (honouring the cluster's overcommit), or asking for host or storage tags no host has. Hosts of
 * real hypervisors may leave capacity to be observed; they are given the benefit of the doubt.
 */
export function checkCapacity(index: ResourceIndex): PendingIssue[] {
  const hostsByZone = new Map<Resource, HostFit[]>();
  const zoneStorage = new Map<Resource, TagSet[]>();
  for (const ps of index.kind('PrimaryStorage')) {
    if (specOf(ps).scope !== 'Zone') continue;
    const zone = index.resolve(ps, 'Zone', specOf(ps).zone);
    if (!zone) continue;
    let l = zoneStorage.get(zone);
    if (!l) zoneStorage.set(zone, (l = []));
    l.push(tagSet(specOf(ps).tags));
  }
  const clusterStorage = new Map<Resource, TagSet[]>();
  for (const ps of index.kind('PrimaryStorage')) {
    if (specOf(ps).scope === 'Zone') continue;
    const cluster = index.resolve(ps, 'Cluster', specOf(ps).cluster);
    if (!cluster) continue;
    let l = clusterStorage.get(cluster);
    if (!l) clusterStorage.set(cluster, (l = []));
    l.push(tagSet(specOf(ps).tags));
  }
  // 25,000 hosts share a few hundred clusters: resolve each cluster's zone, overcommit and storage once.
  const clusters = new Map<Resource, { zone: Resource; cpu: number; memory: number; storage: TagSet[] } | null>();
  const clusterInfo = (cluster: Resource) => {
    let info = clusters.get(cluster);
    if (info === undefined) {
      const pod = index.resolve(cluster, 'Pod', specOf(cluster).pod);
      const zone = pod && index.resolve(pod, 'Zone', specOf(pod).zone);
      const oc = specOf(cluster).overcommit ?? {};
      info = zone
        ? {
            zone,
            cpu: Math.max(1, numberOf(oc.cpu) ?? 1),
            memory: Math.max(1, numberOf(oc.memory) ?? 1),
            storage: [...(clusterStorage.get(cluster) ?? []), ...(zoneStorage.get(zone) ?? [])],
          }
        : null;
      clusters.set(cluster, info);
    }
    return info;
  };
  for (const host of index.kind('Host')) {
    const cluster = index.resolve(host, 'Cluster', specOf(host).cluster);
    const info = cluster && clusterInfo(cluster);
    if (!info) continue;
    const s = specOf(host);
    let l = hostsByZone.get(info.zone);
    if (!l) hostsByZone.set(info.zone, (l = []));
    // A capacity that is not a number is the schema's to report; here it counts as not declared.
    l.push({
      host,
      cores: numberOf(s.cpuCores), mhz: numberOf(s.cpuMhz), memory: numberOf(s.memoryMiB),
      cpuOvercommit: info.cpu, memoryOvercommit: info.memory,
      tags: tagSet(s.tags),
      storageTags: info.storage,
    });
  }

  const verdicts = new Map<string, string | null>();
  const out: PendingIssue[] = [];
  for (const vm of index.focused('VirtualMachine')) {
    const zone = index.resolve(vm, 'Zone', specOf(vm).zone);
    const offering = index.resolve(vm, 'ServiceOffering', specOf(vm).serviceOffering);
    if (!zone || !offering) continue;
    // Thousands of VMs share a few (zone, offering) pairs: decide each pair once.
    const key = `${zone.name}\0${offering.name}`;
    let why = verdicts.get(key);
    if (why === undefined) {
      why = whyNothingFits(specOf(offering), hostsByZone.get(zone) ?? [], zone.name);
      verdicts.set(key, why);
    }
    if (why) {
      out.push({ resource: vm, path: ['spec', 'serviceOffering'], rule: 'capacity.no-host-fits', message: `no host of zone ${zone.name} could ever run this VM with offering ${offering.name}: ${why}` });
    }
  }
  return out;
}

function whyNothingFits(o: Record<string, any>, hosts: HostFit[], zone: string): string | null {
  if (hosts.length === 0) return `zone ${zone} has no hosts`;
  const cores = numberOf(o.cpuCores) ?? 0;
  const mhz = numberOf(o.cpuMhz) ?? 0;
  const mem = numberOf(o.memoryMiB) ?? 0;
  const hostTags = stringsOf(o.hostTags);
  const storageTags = stringsOf(o.storageTags);
  const tagged = hosts.filter((h) => hasAll(h.tags, hostTags));
  if (tagged.length === 0) return `no host has the host tags [${hostTags.join(', ')}]`;
  const stored = tagged.filter((h) => storageTags.length === 0 || h.storageTags.some((s) => hasAll(s, storageTags)));
  if (stored.length === 0) return `no host with host tags [${hostTags.join(', ')}] reaches primary storage tagged [${storageTags.join(', ')}]`;
  const fits = (h: HostFit) =>
    (h.cores === undefined || cores <= h.cores * h.cpuOvercommit) &&
    (h.mhz === undefined || mhz <= h.mhz * h.cpuOvercommit) &&
    (h.cores === undefined || h.mhz === undefined || cores * mhz <= h.cores * h.mhz * h.cpuOvercommit) &&
    (h.memory === undefined || mem <= h.memory * h.memoryOvercommit);
  if (stored.some(fits)) return null;
  const largest = stored.reduce((a, b) => ((b.memory ?? 0) * b.memoryOvercommit > (a.memory ?? 0) * a.memoryOvercommit ? b : a));
  return `it needs ${cores} cores × ${mhz} MHz and ${mem} MiB; the largest eligible host, ${largest.host.name}, offers ${largest.cores} cores × ${largest.mhz} MHz (cpu overcommit ${largest.cpuOvercommit}) and ${largest.memory} MiB (memory overcommit ${largest.memoryOvercommit})`;
}
