import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import { label, type SimObject } from '../sim-object.js';
import type { WorldTx } from '../world-transaction.js';

/*
 * A DATA volume's attachment lives on both sides: the volume's `spec.attachTo` and
 * `status.attachedTo` (so that observe shows a detach done from outside as a spec change), and the
 * VM's `status.dataVolumes` (so that destroying the VM can detach them without a scan).
 */

export interface AttachedVolume {
  name: string;
  externalId: string;
}

export function dataVolumesOf(vm: SimObject): AttachedVolume[] {
  return Array.isArray(vm.status.dataVolumes) ? (vm.status.dataVolumes as AttachedVolume[]) : [];
}

export function attach(tx: WorldTx, vol: SimObject, vm: SimObject): void {
  if (vm.status.state === 'Destroyed') throw new ConflictError(`${label(vol)}: ${label(vm)} is being destroyed`);
  if (vm.spec.zone !== vol.spec.zone) throw new PermanentError(`${label(vol)} is in zone ${String(vol.spec.zone)}, ${label(vm)} in ${String(vm.spec.zone)}: a volume attaches to VMs of its own zone`);
  vm.status = { ...vm.status, dataVolumes: [...dataVolumesOf(vm).filter((v) => v.externalId !== vol.externalId), { name: vol.name, externalId: vol.externalId }] };
  tx.put(vm);
  vol.spec = { ...vol.spec, attachTo: vm.name };
  vol.status = { ...vol.status, attachedTo: vm.name, attachedToId: vm.externalId };
  tx.put(vol);
}

export function detach(tx: WorldTx, vol: SimObject): void {
  const vmId = vol.status.attachedToId;
  const vm = typeof vmId === 'string' ? tx.get(vmId) : undefined;
  if (vm) {
    vm.status = { ...vm.status, dataVolumes: dataVolumesOf(vm).filter((v) => v.externalId !== vol.externalId) };
    tx.put(vm);
  }
  const { attachTo: _a, ...spec } = vol.spec;
  const { attachedTo: _t, attachedToId: _i, ...status } = vol.status;
  vol.spec = spec;
  vol.status = status;
  tx.put(vol);
}

/** Detaches every DATA volume of a VM that is going away; the volumes and their data stay. */
export function detachAll(tx: WorldTx, vm: SimObject): void {
  for (const v of dataVolumesOf(vm)) {
    const vol = tx.get(v.externalId);
    if (vol && vol.status.attachedToId === vm.externalId) detach(tx, vol);
  }
  vm.status = { ...vm.status, dataVolumes: [] };
}
