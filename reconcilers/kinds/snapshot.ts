import { fieldReconciler } from '../field-reconciler.js';
import { deletionPolicy, immutable, updatable } from './rules.js';

export const snapshotReconciler = fieldReconciler({
  kind: 'Snapshot',
  fields: {
    volume: immutable('a snapshot is of one volume'),
    schedule: updatable('updateSnapshotPolicy'),
    keep: updatable('updateSnapshotPolicy maxsnaps'),
    deletionPolicy,
  },
});
