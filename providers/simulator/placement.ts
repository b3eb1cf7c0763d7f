import { PermanentError } from '../errors/permanent-error.js';
import { addDemand, hostCapacity, shortfall, storageFree, usageOf, type Demand } from './capacity.js';
import { hostStatus } from './kinds/host.js';
import type { SimObject } from './sim-object.js';
import { byName, clusterOfHost, zoneOfHost, zoneOfStorage } from './topology.js';
import { SEP, type WorldReader } from './world-reader.js';
import type { WorldTx } from './world-transaction.js';

/*
 * The simulator checks placement, it does not plan it: the planner names a host (and storage) in
 * `action.placement`, and the simulator refuses one that does not exist, is not Up, is not Enabled
 * or lacks capacity, saying what is short. Without a placement it takes the first host by name that
 * fits, so the simulator also works on its own (tests, `sim drift add-foreign-vm`).
 */

/** Why `host` cannot take `demand` now, or undefined when it can. `demand` undefined: only its state counts. */
export function hostRefusal(r: WorldReader, host: SimObject, demand: Demand | undefined): string | undefined {
  const status = hostStatus(host);
  if (status.state !== 'Up') return `host ${host.name} is ${String(status.state)}`;
  if (status.allocationState !== 'Enabled') return `host ${host.name} is ${String(status.allocationState)} for allocation`;
  if (!demand) return undefined;
  const short = shortfall(hostCapacity(host, clusterOfHost(r, host)), usageOf(host), demand);
  return short.length > 0 ? `host ${host.name} lacks capacity: ${short.join('; ')}` : undefined;
}

/**
 * The host for a VM of `zone`: the named one, which must exist, be in the zone and (when the VM is
 * to run) be able to take it; else the first host by name of the zone that can.
 */
export function chooseHost(r: WorldReader, who: string, zone: string, demand: Demand, wanted: unknown, toRun: boolean): SimObject {
  if (wanted !== undefined) {
    if (typeof wanted !== 'string') throw new PermanentError(`${who}: placement.host must be a host name (got ${JSON.stringify(wanted)})`);
    const host = r.byIdentity('Host', '', wanted);
    if (!host) throw new PermanentError(`${who}: placement host ${wanted} does not exist`);
    const hostZone = zoneOfHost(r, host);
    if (hostZone !== zone) throw new PermanentError(`${who}: host ${wanted} is in zone ${hostZone ?? '(none)'}, not ${zone}`);
    const refusal = hostRefusal(r, host, toRun ? demand : undefined);
    if (refusal) throw new PermanentError(`${who}: ${refusal}`);
    return host;
  }
  const hosts = r.scan('Host').filter((h) => h.identity && zoneOfHost(r, h) === zone).sort(byName);
  if (hosts.length === 0) throw new PermanentError(`${who}: zone ${zone} has no hosts`);
  const reasons: string[] = [];
  for (const h of hosts) {
    const refusal = hostRefusal(r, h, toRun ? demand : undefined);
    if (!refusal) return h;
    reasons.push(refusal);
  }
  throw new PermanentError(`${who}: no host of zone ${zone} can take it (${reasons.slice(0, 5).join('; ')}${reasons.length > 5 ? '; …' : ''})`);
}

/** Adds (sign 1) or removes (-1) a VM's reservation on its host; a host that is gone has nothing to give back. */
export function reserveOnHost(tx: WorldTx, hostId: unknown, demand: Demand, sign: 1 | -1): void {
  const host = typeof hostId === 'string' ? tx.get(hostId) : undefined;
  if (!host) return;
  host.status = { ...host.status, used: addDemand(usageOf(host), demand, sign) };
  tx.put(host);
}

/** Index keys by which primary storage is found from a cluster or a zone, name-ordered. */
export function storageScopeKey(storage: SimObject): string {
  const scope = storage.spec.scope === 'Zone' ? `z:${String(storage.spec.zone)}` : `c:${String(storage.spec.cluster)}`;
  return `ps${SEP}${scope}${SEP}${storage.name}`;
}

function storagesIn(r: WorldReader, scope: string): SimObject[] {
  return r.indexRange(`ps${SEP}${scope}${SEP}`).map((id) => r.get(id)).filter((s): s is SimObject => s?.identity !== undefined);
}

/** Primary storage reachable from a host: its cluster's, then its zone's. */
export function storagesForHost(r: WorldReader, host: SimObject): SimObject[] {
  const zone = zoneOfHost(r, host);
  return [...storagesIn(r, `c:${String(host.spec.cluster)}`), ...(zone ? storagesIn(r, `z:${zone}`) : [])];
}

/** Every primary storage of a zone: zone-wide ones first, then those of its clusters. */
export function storagesForZone(r: WorldReader, zone: string): SimObject[] {
  const clusterScoped = r.scan('PrimaryStorage').filter((s) => s.identity && s.spec.scope !== 'Zone' && zoneOfStorage(r, s) === zone).sort(byName);
  return [...storagesIn(r, `z:${zone}`), ...clusterScoped];
}

/**
 * Primary storage for `sizeGiB`: the named one (which must exist, be among `candidates`' scope and
 * have room), else the first candidate with room.
 */
export function chooseStorage(r: WorldReader, who: string, candidates: SimObject[], where: string, sizeGiB: number, wanted: unknown): SimObject {
  if (wanted !== undefined) {
    if (typeof wanted !== 'string') throw new PermanentError(`${who}: placement.storage must be a primary storage name (got ${JSON.stringify(wanted)})`);
    const s = r.byIdentity('PrimaryStorage', '', wanted);
    if (!s) throw new PermanentError(`${who}: placement storage ${wanted} does not exist`);
    if (!candidates.some((c) => c.externalId === s.externalId)) throw new PermanentError(`${who}: primary storage ${wanted} is not reachable from ${where}`);
    if (storageFree(s) < sizeGiB) throw new PermanentError(`${who}: primary storage ${wanted} lacks space: needs ${sizeGiB} GiB, ${storageFree(s)} GiB free of ${String(s.spec.capacityGiB)}`);
    return s;
  }
  if (candidates.length === 0) throw new PermanentError(`${who}: no primary storage is reachable from ${where}`);
  const fit = candidates.find((s) => storageFree(s) >= sizeGiB);
  if (!fit) throw new PermanentError(`${who}: no primary storage reachable from ${where} has ${sizeGiB} GiB free (${candidates.map((s) => `${s.name}: ${storageFree(s)} GiB`).join(', ')})`);
  return fit;
}

export function useStorage(tx: WorldTx, storageId: unknown, deltaGiB: number): void {
  const s = typeof storageId === 'string' ? tx.get(storageId) : undefined;
  if (!s || deltaGiB === 0) return;
  s.status = { ...s.status, usedGiB: Math.max(0, (Number(s.status.usedGiB) || 0) + deltaGiB) };
  tx.put(s);
}
