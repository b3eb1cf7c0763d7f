import { PermanentError } from '../../errors/permanent-error.js';
import { ConflictError } from '../../errors/conflict-error.js';
import { hostCapacity, NO_USAGE, usageOf } from '../capacity.js';
import { label, type SimObject } from '../sim-object.js';
import { clusterOfHost } from '../topology.js';
import type { KindHandler } from './kind-handler.js';

/**
 * A host's state as CloudStack reports it: `state` Up / Down / Maintenance (Down only by an injected
 * fault), `allocationState` from `spec.state` (Enabled / Disabled / Maintenance), and `used`.
 */
export function hostStatus(host: SimObject): Record<string, unknown> {
  const allocation = typeof host.spec.state === 'string' ? host.spec.state : 'Enabled';
  const state = host.down ? 'Down' : allocation === 'Maintenance' ? 'Maintenance' : 'Up';
  return { ...host.status, state, allocationState: allocation, used: usageOf(host) };
}

export const hostHandler: KindHandler = {
  create(_tx, host) {
    host.status = hostStatus({ ...host, status: { used: NO_USAGE } });
  },
  update(_tx, host, spec) {
    if (spec.cluster !== host.spec.cluster) throw new PermanentError(`${label(host)}: cluster cannot change in place (${String(host.spec.cluster)} → ${String(spec.cluster)})`);
    host.spec = spec;
    host.status = hostStatus(host);
  },
  delete(_tx, host) {
    const vms = usageOf(host).vms;
    if (vms > 0) throw new ConflictError(`${label(host)} still runs ${vms} VM${vms === 1 ? '' : 's'}: stop or move them first`);
  },
  // Capacity follows the cluster's overcommit, which may change after the host was created.
  observedStatus(r, host) {
    return { ...hostStatus(host), capacity: hostCapacity(host, clusterOfHost(r, host)) };
  },
};
