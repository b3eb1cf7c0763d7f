import { fieldReconciler } from '../field-reconciler.js';
import { immutable, updatable } from './rules.js';

export const podReconciler = fieldReconciler({
  kind: 'Pod',
  fields: {
    zone: immutable('a pod cannot move to another zone'),
    gateway: updatable('updatePod'),
    netmask: updatable('updatePod'),
    startIp: updatable('updatePod'),
    endIp: updatable('updatePod'),
  },
});
