import type { Resource } from '../../model.js';
import { numberOf, specOf, stringsOf, type ResourceIndex } from './context.js';

/**
 * What a host offers a VM that could be placed on it, as the capacity check needs it: capacity,
 * overcommit, host tags and the storage tags it reaches. Plain data (no Sets, no Resources), so the
 * profiles of a revision can be cached: 25,000 hosts come down to a handful of distinct profiles
 * per zone, and a commit that changes tenants only then needs none of the hosts' documents.
 */
export interface HostProfile {
  /** The first host (in declaration order) with this profile: the one a message names. */
  host: string;
  cores?: number;
  mhz?: number;
  memory?: number;
  cpuOvercommit: number;
  memoryOvercommit: number;
  /** Tags as declared; null when the field holds something that is not a list (matches any). */
  tags: string[] | null;
  storageTags: (string[] | null)[];
}

/** Distinct host profiles per zone name, each zone's in the order of their first host. */
export type HostProfiles = Map<string, HostProfile[]>;

/**
 * Unreadable tags (`tags: 42`) are the schema's error; here they match any tag, so that one mistake
 * does not also make every VM that needs the tag "fit nowhere".
 */
const tagList = (v: unknown): string[] | null => (v === undefined || Array.isArray(v) ? [...new Set(stringsOf(v))].sort() : null);

export function hostProfiles(index: ResourceIndex): HostProfiles {
  const zoneStorage = new Map<Resource, (string[] | null)[]>();
  const clusterStorage = new Map<Resource, (string[] | null)[]>();
  for (const ps of index.kind('PrimaryStorage')) {
    const zoneScoped = specOf(ps).scope === 'Zone';
    const owner = zoneScoped ? index.resolve(ps, 'Zone', specOf(ps).zone) : index.resolve(ps, 'Cluster', specOf(ps).cluster);
    if (!owner) continue;
    const byOwner = zoneScoped ? zoneStorage : clusterStorage;
    let l = byOwner.get(owner);
    if (!l) byOwner.set(owner, (l = []));
    l.push(tagList(specOf(ps).tags));
  }
  // 25,000 hosts share a few hundred clusters: resolve each cluster's zone, overcommit and storage once.
  const clusters = new Map<Resource, { zone: Resource; cpu: number; memory: number; storage: (string[] | null)[] } | null>();
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
  const out: HostProfiles = new Map();
  const seen = new Map<string, Set<string>>();
  for (const host of index.kind('Host')) {
    const cluster = index.resolve(host, 'Cluster', specOf(host).cluster);
    const info = cluster && clusterInfo(cluster);
    if (!info) continue;
    const s = specOf(host);
    // A capacity that is not a number is the schema's to report; here it counts as not declared.
    const profile: HostProfile = {
      host: host.name,
      cores: numberOf(s.cpuCores),
      mhz: numberOf(s.cpuMhz),
      memory: numberOf(s.memoryMiB),
      cpuOvercommit: info.cpu,
      memoryOvercommit: info.memory,
      tags: tagList(s.tags),
      storageTags: info.storage,
    };
    const key = JSON.stringify([profile.cores, profile.mhz, profile.memory, profile.cpuOvercommit, profile.memoryOvercommit, profile.tags, profile.storageTags]);
    let keys = seen.get(info.zone.name);
    if (!keys) seen.set(info.zone.name, (keys = new Set()));
    if (keys.has(key)) continue;
    keys.add(key);
    let l = out.get(info.zone.name);
    if (!l) out.set(info.zone.name, (l = []));
    l.push(profile);
  }
  return out;
}
