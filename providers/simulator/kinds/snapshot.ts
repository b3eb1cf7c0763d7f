import { PermanentError } from '../../errors/permanent-error.js';
import { referenced } from '../references.js';
import { label } from '../sim-object.js';
import type { KindHandler } from './kind-handler.js';

/** Snapshots of a DATA volume, taken at creation; the schedule and retention are kept as given. */
export const snapshotHandler: KindHandler = {
  create(tx, snap) {
    const vol = referenced(tx, 'Volume', snap.spec.volume, snap.owner);
    snap.status = { state: 'BackedUp', volume: vol.name, volumeId: vol.externalId, sizeGiB: vol.status.sizeGiB };
  },
  update(_tx, snap, spec) {
    if (spec.volume !== snap.spec.volume) throw new PermanentError(`${label(snap)}: a snapshot cannot move to another volume`);
    snap.spec = spec;
  },
  delete() {},
};
