import { fieldReconciler } from '../field-reconciler.js';
import { declaredOrObserved, deletionPolicy, immutable, set } from './rules.js';

export const primaryStorageReconciler = fieldReconciler({
  kind: 'PrimaryStorage',
  fields: {
    scope: immutable('a pool is cluster-wide or zone-wide from the start'),
    cluster: immutable('a pool cannot move'),
    zone: immutable('a pool cannot move'),
    url: immutable('the URL is the pool'),
    capacityGiB: declaredOrObserved('updateStoragePool capacitybytes; declared for simulated pools, measured on real ones (omitted: any)', 'capacityGiB'),
    tags: set('updatable', 'updateStoragePool tags'),
    deletionPolicy,
    'status.usedGiB': { class: 'observed', note: 'space in use' },
  },
});
