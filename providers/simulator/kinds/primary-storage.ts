import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import { storageScopeKey } from '../placement.js';
import { label } from '../sim-object.js';
import type { KindHandler } from './kind-handler.js';

/** Capacity and use of primary storage: ROOT disks of VMs and DATA volumes count against it. */
export const primaryStorageHandler: KindHandler = {
  create(tx, ps) {
    ps.status = { state: 'Up', usedGiB: 0, ...(typeof ps.spec.capacityGiB === 'number' ? { capacityGiB: ps.spec.capacityGiB } : {}) };
    tx.indexPut(storageScopeKey(ps), ps.externalId);
  },
  update(_tx, ps, spec) {
    for (const field of ['scope', 'cluster', 'zone'] as const) {
      if (spec[field] !== ps.spec[field]) throw new PermanentError(`${label(ps)}: ${field} cannot change in place`);
    }
    const used = Number(ps.status.usedGiB) || 0;
    if (typeof spec.capacityGiB === 'number' && spec.capacityGiB < used) {
      throw new PermanentError(`${label(ps)}: capacityGiB ${spec.capacityGiB} is below the ${used} GiB in use`);
    }
    ps.spec = spec;
    const { capacityGiB: _old, ...rest } = ps.status;
    ps.status = { ...rest, ...(typeof spec.capacityGiB === 'number' ? { capacityGiB: spec.capacityGiB } : {}) };
  },
  delete(tx, ps) {
    const used = Number(ps.status.usedGiB) || 0;
    if (used > 0) throw new ConflictError(`${label(ps)} still holds ${used} GiB of disks: delete or move them first`);
    tx.indexRemove(storageScopeKey(ps));
  },
};
