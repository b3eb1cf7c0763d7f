import { specOf, type PendingIssue, type ResourceIndex } from './context.js';

const CAPACITY = ['cpuCores', 'cpuMhz', 'memoryMiB'] as const;

/**
 * Infrastructure consistency: a simulated host has nothing to observe, so its capacity must be
 * declared; a primary storage's scope names the matching parent.
 */
export function checkInfrastructure(index: ResourceIndex): PendingIssue[] {
  const out: PendingIssue[] = [];
  for (const host of index.kind('Host')) {
    const cluster = index.resolve(host, 'Cluster', specOf(host).cluster);
    if (!cluster || specOf(cluster).hypervisor !== 'Simulator') continue;
    const missing = CAPACITY.filter((f) => specOf(host)[f] === undefined);
    if (missing.length > 0) {
      out.push({
        resource: host,
        path: ['spec'],
        target: 'key',
        rule: 'host.capacity-required',
        message: `host ${host.name} is in Simulator cluster ${cluster.name}, so its capacity must be declared: missing ${missing.join(', ')}`,
      });
    }
  }
  for (const ps of index.kind('PrimaryStorage')) {
    const s = specOf(ps);
    const scope = s.scope ?? 'Cluster';
    if (scope === 'Cluster' && s.cluster === undefined) {
      out.push({ resource: ps, path: ['spec', 'scope'], rule: 'storage.scope', message: 'a Cluster-scoped primary storage names its cluster (spec.cluster)' });
    } else if (scope === 'Zone' && s.zone === undefined) {
      out.push({ resource: ps, path: ['spec', 'scope'], rule: 'storage.scope', message: 'a Zone-scoped primary storage names its zone (spec.zone)' });
    }
  }
  return out;
}
