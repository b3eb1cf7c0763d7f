import type { SimObject } from './sim-object.js';
import type { WorldReader } from './world-reader.js';

/** Host → cluster → pod → zone, by the names in their specs. */
export function clusterOfHost(r: WorldReader, host: SimObject): SimObject | undefined {
  return typeof host.spec.cluster === 'string' ? r.byIdentity('Cluster', '', host.spec.cluster) : undefined;
}

export function zoneOfCluster(r: WorldReader, cluster: SimObject | undefined): string | undefined {
  const pod = cluster && typeof cluster.spec.pod === 'string' ? r.byIdentity('Pod', '', cluster.spec.pod) : undefined;
  return typeof pod?.spec.zone === 'string' ? pod.spec.zone : undefined;
}

export function zoneOfHost(r: WorldReader, host: SimObject): string | undefined {
  return zoneOfCluster(r, clusterOfHost(r, host));
}

/** The zone a primary storage serves: its own for zone scope, its cluster's otherwise. */
export function zoneOfStorage(r: WorldReader, storage: SimObject): string | undefined {
  if (storage.spec.scope === 'Zone') return typeof storage.spec.zone === 'string' ? storage.spec.zone : undefined;
  return zoneOfCluster(r, typeof storage.spec.cluster === 'string' ? r.byIdentity('Cluster', '', storage.spec.cluster) : undefined);
}

export const byName = (a: SimObject, b: SimObject): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0);
