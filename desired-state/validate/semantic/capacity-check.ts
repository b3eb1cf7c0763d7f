import { numberOf, specOf, stringsOf, type PendingIssue, type ResourceIndex } from './context.js';
import type { HostProfile } from './host-profiles.js';

const hasAll = (set: readonly string[] | null, wanted: readonly string[]): boolean => set === null || wanted.every((t) => set.includes(t));

/**
 * A VM whose offering no host of its zone could ever run, even empty: larger than every host
 * (honouring the cluster's overcommit), or asking for host or storage tags no host has. Hosts of
 * real hypervisors may leave capacity to be observed; they are given the benefit of the doubt.
 */
export function checkCapacity(index: ResourceIndex): PendingIssue[] {
  const profiles = index.hostProfiles();
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
      why = whyNothingFits(specOf(offering), profiles.get(zone.name) ?? [], zone.name);
      verdicts.set(key, why);
    }
    if (why) {
      out.push({ resource: vm, path: ['spec', 'serviceOffering'], rule: 'capacity.no-host-fits', message: `no host of zone ${zone.name} could ever run this VM with offering ${offering.name}: ${why}` });
    }
  }
  return out;
}

function whyNothingFits(o: Record<string, any>, hosts: readonly HostProfile[], zone: string): string | null {
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
  const fits = (h: HostProfile) =>
    (h.cores === undefined || cores <= h.cores * h.cpuOvercommit) &&
    (h.mhz === undefined || mhz <= h.mhz * h.cpuOvercommit) &&
    (h.cores === undefined || h.mhz === undefined || cores * mhz <= h.cores * h.mhz * h.cpuOvercommit) &&
    (h.memory === undefined || mem <= h.memory * h.memoryOvercommit);
  if (stored.some(fits)) return null;
  const largest = stored.reduce((a, b) => ((b.memory ?? 0) * b.memoryOvercommit > (a.memory ?? 0) * a.memoryOvercommit ? b : a));
  return `it needs ${cores} cores × ${mhz} MHz and ${mem} MiB; the largest eligible host, ${largest.host}, offers ${largest.cores} cores × ${largest.mhz} MHz (cpu overcommit ${largest.cpuOvercommit}) and ${largest.memory} MiB (memory overcommit ${largest.memoryOvercommit})`;
}
