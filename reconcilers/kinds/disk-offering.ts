import { fieldReconciler } from '../field-reconciler.js';
import { immutable, set } from './rules.js';

const fixed = 'CloudStack offerings cannot change once created';

export const diskOfferingReconciler = fieldReconciler({
  kind: 'DiskOffering',
  fields: {
    sizeGiB: immutable(fixed),
    storageTags: set('immutable', fixed),
  },
});
