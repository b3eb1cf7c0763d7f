import { specOf, type PendingIssue, type ResourceIndex } from './context.js';

const CAPACITY = ['cpuCores', 'cpuMhz', 'memoryMiB'] as const;

/** Infrastructure consistency: a simulated host has nothing to observe, so its capacity must be declared. */
export function checkInfrastructure(index: ResourceIndex): PendingIssue[] {
  const out: PendingIssue[] = [];
  for (const host of index.focused('Host')) {
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
  // A primary storage's scope naming its parent (Cluster → cluster, Zone → zone) is the schema's
  // if/then now (schema.required "... required when scope is Cluster"); checking it here as well
  // reported every such mistake twice.
  return out;
}
