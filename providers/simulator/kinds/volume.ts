import type { Action } from '../../../reconcilers/action.js';
import { PermanentError } from '../../errors/permanent-error.js';
import { chooseStorage, storagesForHost, storagesForZone, useStorage } from '../placement.js';
import { referenced } from '../references.js';
import { label, type SimObject } from '../sim-object.js';
import type { WorldTx } from '../world-transaction.js';
import type { KindHandler } from './kind-handler.js';
import { attach, detach } from './volume-attachment.js';

/** Size from the disk offering, else the spec's own `sizeGiB`. */
function sizeOf(tx: WorldTx, vol: SimObject, spec: Record<string, unknown>): number {
  if (typeof spec.diskOffering === 'string') {
    const offering = referenced(tx, 'DiskOffering', spec.diskOffering, vol.owner);
    if (typeof offering.spec.sizeGiB === 'number') return offering.spec.sizeGiB;
  }
  if (typeof spec.sizeGiB === 'number') return spec.sizeGiB;
  throw new PermanentError(`${label(vol)}: no size (neither a disk offering with sizeGiB nor sizeGiB)`);
}

function targetVm(tx: WorldTx, vol: SimObject, spec: Record<string, unknown>): SimObject | undefined {
  return typeof spec.attachTo === 'string' ? referenced(tx, 'VirtualMachine', spec.attachTo, vol.owner) : undefined;
}

/** DATA volumes: space on primary storage, attach and detach through `spec.attachTo`, grow-only resize. */
export const volumeHandler: KindHandler = {
  create(tx, vol, action: Action) {
    const sizeGiB = sizeOf(tx, vol, vol.spec);
    const vm = targetVm(tx, vol, vol.spec);
    const host = typeof vm?.status.hostId === 'string' ? tx.get(vm.status.hostId) : undefined;
    const zone = String(vol.spec.zone);
    const storage = host
      ? chooseStorage(tx, label(vol), storagesForHost(tx, host), `host ${host.name}`, sizeGiB, action.placement?.storage)
      : chooseStorage(tx, label(vol), storagesForZone(tx, zone), `zone ${zone}`, sizeGiB, action.placement?.storage);
    useStorage(tx, storage.externalId, sizeGiB);
    const { attachTo: _a, ...spec } = vol.spec;
    vol.spec = spec;
    vol.status = { state: 'Ready', type: 'DATA', sizeGiB, storage: storage.name, storageId: storage.externalId };
    if (vm) attach(tx, vol, vm);
  },
  update(tx, vol, spec) {
    if (spec.zone !== vol.spec.zone) throw new PermanentError(`${label(vol)}: zone cannot change in place`);
    const oldSize = Number(vol.status.sizeGiB) || 0;
    const newSize = sizeOf(tx, vol, spec);
    if (newSize < oldSize) throw new PermanentError(`${label(vol)}: cannot shrink from ${oldSize} GiB to ${newSize} GiB`);
    if (newSize > oldSize) {
      const storage = typeof vol.status.storageId === 'string' ? tx.get(vol.status.storageId) : undefined;
      if (storage) chooseStorage(tx, label(vol), [storage], `its storage ${storage.name}`, newSize - oldSize, storage.name);
      useStorage(tx, vol.status.storageId, newSize - oldSize);
    }
    const vm = targetVm(tx, vol, spec);
    const attachedId = vol.status.attachedToId;
    const { attachTo: _a, ...rest } = spec;
    if (attachedId !== undefined && attachedId !== vm?.externalId) detach(tx, vol);
    vol.spec = { ...rest, ...(typeof vol.spec.attachTo === 'string' ? { attachTo: vol.spec.attachTo } : {}) };
    vol.status = { ...vol.status, sizeGiB: newSize };
    if (vm && vol.status.attachedToId !== vm.externalId) attach(tx, vol, vm);
  },
  delete(tx, vol) {
    // A delete is only ever planned for a volume whose deletionPolicy is Delete (or that is being
    // replaced): detaching it is part of carrying that out, as CloudStack clients do before
    // deleteVolume. Refusing would leave a plan that can never converge.
    if (vol.status.attachedToId !== undefined) detach(tx, vol);
    useStorage(tx, vol.status.storageId, -(Number(vol.status.sizeGiB) || 0));
  },
};
