import { fieldReconciler } from '../field-reconciler.js';
import { immutable, set } from './rules.js';

const fixed = 'CloudStack offerings cannot change once created';

export const serviceOfferingReconciler = fieldReconciler({
  kind: 'ServiceOffering',
  fields: {
    cpuCores: immutable(fixed),
    cpuMhz: immutable(fixed),
    memoryMiB: immutable(fixed),
    hostTags: set('immutable', fixed),
    storageTags: set('immutable', fixed),
    ha: immutable(fixed, { default: false }),
  },
});
